/// \file
/// \brief Chapter 12: the five ways to train on the few-shot task, as five answers to one
/// question: which parameters does the optimizer get, and at what rate?
///
/// | method              | network                  | optimizer is given |
/// |---------------------|--------------------------|-----------------------------------------------|
/// | scratch             | every layer re-drawn (He) | everything, at eta | | linear probe        |
/// pretrained body + head   | the head only (the body is frozen)            | | fine-tune |
/// pretrained body + head   | head at eta, body at eta / 10                 | | discriminative lrs
/// | pretrained body + head   | head at eta, each Dense below at 1/2.6 of the one above | | gradual
/// unfreezing  | pretrained body + head   | head first; one more Dense layer every stage
/// (discriminative rates) |
///
/// Every method uses the same recipe (FewShotRecipe: Adam, batch 32, a cosine schedule from eta to
/// 0 over all updates, a fixed number of updates that depends only on the training set's size),
/// fixed once and not tuned on the test set, which only reports: new layers learn at \f$\eta =
/// 10^{-2}\f$ (the rate of Geron's notebook), the pretrained body at \f$\eta/10\f$
/// (\f$10^{-3}\f$, the rate it was pretrained with in chapter 11).
/// Omits: weight decay, data augmentation, early stopping (there is no validation set at k = 10),
/// and batch-norm statistics (the network has none).
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/12_fine_tuning/param_groups.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "common/matrix.hpp"

namespace mlp {

/// \brief The ways of training on the few-shot task.
enum class Method { Scratch, LinearProbe, FineTune, Discriminative, GradualUnfreezing };

/// \brief All methods, in the order of the lesson's table and plot.
inline const std::vector<Method>& all_methods() {
  static const std::vector<Method> methods = {Method::Scratch, Method::LinearProbe,
                                              Method::FineTune, Method::Discriminative,
                                              Method::GradualUnfreezing};
  return methods;
}

/// \brief "scratch", "linear probe", "fine-tune", "discriminative lrs", "gradual unfreezing".
inline std::string method_name(Method method) {
  switch (method) {
    case Method::Scratch:
      return "scratch";
    case Method::LinearProbe:
      return "linear probe";
    case Method::FineTune:
      return "fine-tune";
    case Method::Discriminative:
      return "discriminative lrs";
    case Method::GradualUnfreezing:
      return "gradual unfreezing";
  }
  return "?";
}

// [recipe]
/// \brief The one training recipe every few-shot method uses (chosen before looking at test
/// numbers): the rates of new and pretrained layers, and a budget of updates that depends only
/// on the training set's size.
struct FewShotRecipe {
  double eta = 1e-2;          ///< Adam's rate for new layers: the head, or everything from scratch
  double body_factor = 0.1;   ///< fine-tune: the body's rate is body_factor * eta
  double layer_factor = 2.6;  ///< discriminative: each Dense layer down divides the rate by this
  arma::uword batch_size = 32;  ///< examples per update
  arma::uword min_epochs = 20;  ///< at least this many passes over the training set
  arma::uword min_steps = 400;  ///< and at least this many updates (tiny sets need many epochs)

  /// \brief Epochs for n training images: \f$\max(E_{min}, \lceil S_{min} / \lceil n/B \rceil
  /// \rceil)\f$. 50 images (k = 10) -> 200 epochs of 2 updates; 2,500 (k = 500) -> 20 epochs of 79.
  arma::uword epochs(arma::uword n) const {
    const arma::uword batches = (n + batch_size - 1) / batch_size;  // updates per epoch
    return std::max(min_epochs, (min_steps + batches - 1) / batches);
  }
};
// [recipe]

// [make_network]
/// \brief The network a method starts from: the pretrained body with a new head, or (scratch)
/// the same architecture with every layer re-drawn from He's \f$N(0, 2/n_{in})\f$.
/// \param path the checkpoint; \param n_classes K; \param rng draws the new weights
/// \param activation between Dense layers when the file has no "layers" metadata
template <class T = float>
TransferNet<T> make_network(Method method, const std::string& path, arma::uword n_classes,
                            course::Rng& rng, const std::string& activation = "ReLU") {
  TransferNet<T> tn = load_with_new_head<T>(path, n_classes, rng, activation);
  if (method == Method::Scratch) initialize(tn.net, he_normal<T>, rng);  // forget the file
  return tn;
}
// [make_network]

// [groups]
/// \brief What the optimizer is given, per method: the parameter groups and their rates.
///
/// The Dense layers are counted from the top: the head is depth 0, the Dense layer below it
/// depth 1, and so on. Discriminative rates give depth d the scale \f$1/2.6^d\f$ (Howard and
/// Ruder 2018, ULMFiT). For gradual unfreezing, `stage` s trains depths 0 .. s only (stage 0:
/// the head alone; the last stage: every layer).
/// \return the groups; any parameter not in them is frozen
template <class T>
std::vector<ParamGroup<T>> param_groups(TransferNet<T>& tn, Method method,
                                        const FewShotRecipe& recipe, std::size_t stage = 0) {
  switch (method) {
    case Method::Scratch:
      return {{tn.net.params(), 1.0, "all"}};
    case Method::LinearProbe:
      return {{tn.head_params(), 1.0, "head"}};  // the body is not handed over: frozen
    case Method::FineTune:
      return {{tn.body_params(), recipe.body_factor, "body"}, {tn.head_params(), 1.0, "head"}};
    case Method::Discriminative:
    case Method::GradualUnfreezing: {
      std::vector<ParamGroup<T>> groups;
      std::size_t depth = 0;
      for (std::size_t l = tn.net.size(); l-- > 0;) {
        auto params = tn.net.layer(l).params(std::to_string(l) + ".");
        if (params.empty()) continue;                                     // an activation
        if (method == Method::GradualUnfreezing && depth > stage) break;  // still frozen
        groups.push_back({params, std::pow(recipe.layer_factor, -double(depth)),
                          std::to_string(l) + " " + tn.net.layer(l).describe()});
        ++depth;
      }
      return groups;
    }
  }
  return {};
}

/// \brief Number of Dense layers (body and head): gradual unfreezing has that many stages.
template <class T>
std::size_t dense_layers(TransferNet<T>& tn) {
  std::size_t n = 0;
  for (std::size_t l = 0; l < tn.net.size(); ++l) n += tn.net.layer(l).kind() == "Dense";
  return n;
}
// [groups]

/// \brief What one training run did.
struct TrainReport {
  arma::uword epochs = 0;     ///< passes over the training set
  arma::uword steps = 0;      ///< updates
  double final_loss = 0;      ///< mean training loss of the last epoch
  std::size_t trainable = 0;  ///< numbers the optimizer updated (in the last stage)
};

// [train]
/// \brief Train a network on (X, labels) by a method's recipe: Adam per parameter group, cosine
/// schedule from eta to 0 over all updates. Gradual unfreezing splits the epochs into one stage
/// per Dense layer and starts each stage with a new optimizer over more parameters.
/// \param X (784 x n) training images; \param labels (n) classes 0 .. K-1
template <class T>
TrainReport train(TransferNet<T>& tn, Method method, const arma::Mat<T>& X,
                  const arma::uvec& labels, const FewShotRecipe& recipe, course::Rng& rng) {
  const arma::uword K = tn.head().n_out();
  const arma::Mat<T> Y = course::one_hot<arma::Mat<T>>(labels, K);  // (K x n) targets
  TrainReport report;
  report.epochs = recipe.epochs(X.n_cols);
  const arma::uword batches = (X.n_cols + recipe.batch_size - 1) / recipe.batch_size;
  const CosineSchedule schedule{recipe.eta, 0.0, report.epochs * batches};
  const std::size_t stages = method == Method::GradualUnfreezing ? dense_layers(tn) : 1;
  SoftmaxCrossEntropy<T> loss;
  arma::uword epoch = 0;
  for (std::size_t stage = 0; stage < stages; ++stage) {
    // The optimizer is given exactly the parameters this method trains (now).
    GroupOptimizer<T> optimizer(
        param_groups(tn, method, recipe, stage), recipe.eta,
        [](std::vector<Param<T>> p) { return std::make_unique<Adam<T>>(std::move(p)); });
    report.trainable = 0;
    for (const auto& p : optimizer.params()) report.trainable += p.value->n_elem;
    Trainer<T> trainer(tn.net, loss, optimizer, recipe.batch_size);
    optimizer.eta = schedule.eta_at(report.steps);  // the schedule runs on across stages
    trainer.after_batch = [&](arma::uword) { optimizer.eta = schedule.eta_at(++report.steps); };
    const arma::uword stage_end = report.epochs * (stage + 1) / stages;  // equal shares
    for (; epoch < stage_end; ++epoch)
      report.final_loss = trainer.train_epoch(X, Y, rng, epoch + 1);
  }
  return report;
}
// [train]

}  // namespace mlp
