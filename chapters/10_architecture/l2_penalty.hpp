/// \file
/// \brief Chapter 10: an L2 penalty on the weights as an optimizer wrapper, so a random search
/// can tune its strength \f$\lambda\f$ next to the learning rate.
///
/// Adding \f$\frac{\lambda}{2}\sum_l \lVert W^{(l)} \rVert^2\f$ to the loss adds
/// \f$\lambda W^{(l)}\f$ to each weight gradient and nothing else; the wrapper does exactly that,
/// then lets the optimizer it wraps (SGD, Adam ...) take its step. Biases are not penalized.
/// Chapter 09 is where regularization is taught; this is the smallest version the search needs.
/// Omits: decoupled weight decay (AdamW, which shrinks the weights outside Adam's scaling), L1.
#pragma once

#include <string>

#include "chapters/06_mlp/optimizer.hpp"

namespace mlp {

// [with_l2]
/// \brief Wraps an optimizer: before each of its steps, \f$ \partial L/\partial W \mathrel{+}=
/// \lambda W \f$ for every weight matrix (parameters named "*weight"), the gradient of
/// \f[ L_{total} = L + \frac{\lambda}{2} \sum_l \lVert W^{(l)} \rVert_F^2 . \f]
/// Its `eta` is handed to the wrapped optimizer at every step (so a schedule may drive either).
template <class T>
class WithL2 : public Optimizer<T> {
 public:
  /// \param inner the optimizer that takes the step (must outlive this wrapper)
  /// \param lambda_ penalty strength \f$\lambda \ge 0\f$ (per batch, on the batch-mean loss)
  WithL2(Optimizer<T>& inner, double lambda_)
      : Optimizer<T>(inner.params()), lambda(lambda_), inner_(inner) {
    this->eta = inner.eta;
  }
  void step() override {
    const T lam = static_cast<T>(lambda);
    for (auto& p : this->params_)
      if (is_weight(p)) *p.grad += lam * *p.value;  // dL/dW += lambda W
    inner_.eta = this->eta;
    inner_.step();                                  // the wrapped optimizer's update
  }
  double lambda;  ///< \f$\lambda\f$

  /// \brief True for a weight matrix ("0.weight"), false for a bias ("0.bias").
  static bool is_weight(const Param<T>& p) {
    const std::string suffix = "weight";
    return p.name.size() >= suffix.size() &&
           p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

 private:
  Optimizer<T>& inner_;
};
// [with_l2]

}  // namespace mlp
