/// \file
/// \brief Chapter 12: parameter groups: one optimizer whose parameters fall into groups, each
/// with its own learning rate, a fixed fraction of the optimizer's eta.
///
/// Fine-tuning wants the new head to move fast and the pretrained body slowly (or not at all).
/// PyTorch writes this as `Adam([{"params": body, "lr": 1e-4}, {"params": head, "lr": 1e-3}])`;
/// here every group is an ordinary optimizer of chapter 08 over its own parameters, and the
/// group optimizer steps them all with \f$\eta_g = s_g\,\eta\f$. A schedule (chapter 08) that
/// changes `eta` thus scales every group's rate at once, keeping their ratios. A parameter in no
/// group is frozen: nothing ever writes to it.
/// Omits: a parameter in two groups (it would be updated twice per step; the constructor
/// refuses it), and per-group settings other than the rate (momentum, weight decay).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/optimizer.hpp"
#include "common/error.hpp"

namespace mlp {

// [param_group]
/// \brief Parameters that share one learning rate: \f$\eta_g = \f$ `scale` \f$\times\,\eta\f$.
template <class T>
struct ParamGroup {
  std::vector<Param<T>> params;  ///< what this group updates
  double scale = 1.0;            ///< \f$s_g\f$: the group's rate as a fraction of eta
  std::string name;              ///< e.g. "body" or "2 (Dense 128 -> 64)", for messages
};
// [param_group]

// [group_optimizer]
/// \brief One optimizer per parameter group, stepped together, each at its own rate.
///
/// \f[ \theta \leftarrow \mathrm{update}_g(\theta, g_\theta;\ \eta_g = s_g\,\eta)
///     \quad \text{for every } \theta \text{ in group } g. \f]
/// Each group keeps its own optimizer state (Adam's moments for its parameters only).
template <class T>
class GroupOptimizer : public Optimizer<T> {
 public:
  /// Builds one group's optimizer from its parameters, e.g. an Adam: `[](auto p) { return
  /// std::make_unique<Adam<float>>(std::move(p)); }` (its own eta is overwritten every step).
  using Factory = std::function<std::unique_ptr<Optimizer<T>>(std::vector<Param<T>>)>;

  /// \param groups the parameter groups (each parameter in at most one)
  /// \param eta_ the base rate \f$\eta\f$; \param make builds each group's optimizer
  GroupOptimizer(const std::vector<ParamGroup<T>>& groups, double eta_, const Factory& make)
      : Optimizer<T>(all_params(groups)) {
    this->eta = eta_;
    for (const auto& g : groups) {
      optimizers_.push_back(make(g.params));
      scales_.push_back(g.scale);
      names_.push_back(g.name);
    }
  }

  void step() override {
    for (std::size_t g = 0; g < optimizers_.size(); ++g) {
      optimizers_[g]->eta = scales_[g] * this->eta;  // eta_g = s_g eta
      optimizers_[g]->step();                        // that group's own update rule and state
    }
  }

  /// \brief Number of groups.
  std::size_t size() const { return optimizers_.size(); }
  /// \brief Group g's current rate \f$s_g\,\eta\f$.
  double eta_of(std::size_t g) const { return scales_[g] * this->eta; }
  /// \brief Group g's name.
  const std::string& name_of(std::size_t g) const { return names_[g]; }

 private:
  /// Every group's parameters in one list (what params() reports); a repeat is an error.
  static std::vector<Param<T>> all_params(const std::vector<ParamGroup<T>>& groups) {
    std::vector<Param<T>> all;
    for (const auto& g : groups)
      for (const auto& p : g.params) {
        for (const auto& q : all)
          if (q.value == p.value)
            throw course::UsageError("parameter '" + p.name + "' is in two parameter groups");
        all.push_back(p);
      }
    return all;
  }

  std::vector<std::unique_ptr<Optimizer<T>>> optimizers_;  // one per group
  std::vector<double> scales_;                             // s_g
  std::vector<std::string> names_;
};
// [group_optimizer]

}  // namespace mlp
