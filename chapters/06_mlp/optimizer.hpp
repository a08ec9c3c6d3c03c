/// \file
/// \brief Chapter 06: the optimizer interface and plain (mini-batch) stochastic gradient descent.
///
/// An optimizer is given the list of parameters it updates, and updates only those: freezing a
/// layer is not handing it that layer's parameters. Chapter 08 adds momentum, Nesterov, RMSProp
/// and Adam behind the same interface.
#pragma once

#include <vector>

#include "chapters/06_mlp/layer.hpp"

namespace mlp {

/// \brief Updates a fixed list of parameters from their gradients.
template <class T>
class Optimizer {
 public:
  explicit Optimizer(std::vector<Param<T>> params) : params_(std::move(params)) {}
  virtual ~Optimizer() = default;
  /// \brief One update of every parameter, from the gradients the last backward() wrote.
  virtual void step() = 0;
  /// \brief The learning rate (schedules in chapter 08 change it between steps).
  double eta = 0.1;
  const std::vector<Param<T>>& params() const { return params_; }
  /// \brief True only for plain SGD, whose step the trainer may fuse into backward (train.hpp).
  virtual bool plain_sgd() const { return false; }

 protected:
  std::vector<Param<T>> params_;
};

// [sgd]
/// \brief Stochastic gradient descent: \f$ \theta \leftarrow \theta - \eta\, \partial
/// L/\partial\theta \f$.
template <class T>
class SGD : public Optimizer<T> {
 public:
  SGD(std::vector<Param<T>> params, double eta_) : Optimizer<T>(std::move(params)) {
    this->eta = eta_;
  }
  void step() override {
    const T eta = static_cast<T>(this->eta);
    for (auto& p : this->params_) *p.value -= eta * *p.grad;  // theta -= eta * dL/dtheta
  }
  bool plain_sgd() const override { return true; }
};
// [sgd]

}  // namespace mlp
