/// \file
/// \brief Chapter 09: weight penalties, L2 (weight decay) and L1, and an optimizer wrapper that
/// adds a penalty's gradient to the weight gradients before every update.
///
/// A penalty is a term added to the loss that grows with the size of the weights:
/// \f$ C = C_0 + \Omega(W) \f$. Since \f$ \partial C/\partial W = \partial C_0/\partial W +
/// \partial \Omega/\partial W \f$, backpropagation of \f$C_0\f$ is unchanged; the penalty's own
/// gradient is added to each weight gradient after backward() and before the optimizer's step.
/// The earlier chapters' code is not touched: `Regularized` is an Optimizer that does exactly that
/// and then calls the optimizer it wraps. Following Nielsen (and most practice), only weights are
/// penalized, not biases; the penalty is scaled by the size n of the training set.
/// Omits: decoupled weight decay (AdamW, Loshchilov and Hutter 2019), max-norm constraints,
/// and the elastic net's mixing parameter.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "chapters/06_mlp/optimizer.hpp"
#include "common/error.hpp"

namespace mlp {

/// \brief The weight matrices among a network's parameters: those not marked `is_bias`, such as
/// a Dense layer's W ("0.weight"); its b ("0.bias") is left out.
template <class T>
std::vector<Param<T>> weights_only(const std::vector<Param<T>>& params) {
  std::vector<Param<T>> weights;
  for (const auto& p : params)
    if (!p.is_bias) weights.push_back(p);
  return weights;
}

/// \brief A term \f$ \Omega(W) \f$ added to the loss, over a fixed list of weight matrices.
template <class T>
class Penalty {
 public:
  /// \param weights the matrices it penalizes (see weights_only)
  /// \param lambda_ regularization strength \f$\lambda \ge 0\f$
  /// \param n_ training-set size n (Nielsen's scaling: the penalty is \f$\lambda/n\f$ per weight)
  Penalty(std::vector<Param<T>> weights, double lambda_, arma::uword n_)
      : lambda(lambda_), n(n_), weights_(std::move(weights)) {
    if (!(lambda >= 0))
      throw course::UsageError("lambda must be >= 0, got " + std::to_string(lambda));
    if (n == 0) throw course::UsageError("the training-set size n must be at least 1");
  }
  virtual ~Penalty() = default;
  /// \brief The value \f$ \Omega(W) \f$ for the current weights (to add to the loss).
  virtual double value() const = 0;
  /// \brief Add \f$ \partial \Omega / \partial W \f$ to each weight's gradient, in place.
  virtual void add_gradient() = 0;
  virtual std::string describe() const = 0;
  const std::vector<Param<T>>& weights() const { return weights_; }

  double lambda;  ///< \f$\lambda\f$
  arma::uword n;  ///< training-set size

 protected:
  std::vector<Param<T>> weights_;
};

// [l2]
/// \brief L2 regularization (weight decay), Nielsen's form:
/// \f[ \Omega(W) = \frac{\lambda}{2n} \sum_{w} w^2, \qquad
///     \frac{\partial \Omega}{\partial w} = \frac{\lambda}{n} w. \f]
/// With plain SGD the update becomes
/// \f$ w \leftarrow \left(1 - \frac{\eta\lambda}{n}\right) w - \eta \frac{\partial C_0}{\partial w}
/// \f$: each step first shrinks ("decays") every weight by the factor \f$ 1 - \eta\lambda/n \f$.
template <class T>
class L2Penalty : public Penalty<T> {
 public:
  using Penalty<T>::Penalty;
  double value() const override {
    double sum = 0;
    for (const auto& p : this->weights_)
      for (const T w : *p.value) sum += double(w) * double(w);  // summed in double
    return this->lambda / (2.0 * double(this->n)) * sum;        // lambda/(2n) sum w^2
  }
  void add_gradient() override {
    const T c = static_cast<T>(this->lambda / double(this->n));
    for (auto& p : this->weights_) *p.grad += c * *p.value;  // dW += (lambda/n) W
  }
  std::string describe() const override {
    return "L2 (lambda = " + std::to_string(this->lambda) + ")";
  }
};
// [l2]

// [l1]
/// \brief L1 regularization:
/// \f[ \Omega(W) = \frac{\lambda}{n} \sum_{w} |w|, \qquad
///     \frac{\partial \Omega}{\partial w} = \frac{\lambda}{n} \operatorname{sign}(w). \f]
/// The pull towards 0 has the same size for every weight, large or small, so small weights are
/// driven to (around) zero while a few large ones survive: L1 makes the weights sparse, where L2
/// makes them all small. At \f$w = 0\f$, where |w| has no derivative, sign(0) = 0 is used.
template <class T>
class L1Penalty : public Penalty<T> {
 public:
  using Penalty<T>::Penalty;
  double value() const override {
    double sum = 0;
    for (const auto& p : this->weights_)
      for (const T w : *p.value) sum += std::abs(double(w));  // summed in double
    return this->lambda / double(this->n) * sum;              // lambda/n sum |w|
  }
  void add_gradient() override {
    const T c = static_cast<T>(this->lambda / double(this->n));
    for (auto& p : this->weights_) *p.grad += c * arma::sign(*p.value);  // dW += (lambda/n) sign(W)
  }
  std::string describe() const override {
    return "L1 (lambda = " + std::to_string(this->lambda) + ")";
  }
};
// [l1]

// [regularized]
/// \brief An optimizer that adds a penalty's gradient to the weight gradients, then lets the
/// wrapped optimizer (SGD, momentum, Adam ...) take its step:
/// \f[ g \leftarrow \frac{\partial C_0}{\partial \theta} + \frac{\partial \Omega}{\partial \theta},
///     \qquad \text{inner.step()}. \f]
/// Its `eta` is handed to the inner optimizer before each step, so a schedule (chapter 08's
/// follow()) can drive the wrapper. Nothing is allocated per step.
template <class T>
class Regularized : public Optimizer<T> {
 public:
  /// \param inner the optimizer that updates the parameters (kept by reference)
  /// \param penalty the term whose gradient is added (kept by reference)
  Regularized(Optimizer<T>& inner, Penalty<T>& penalty)
      : Optimizer<T>(inner.params()), inner_(inner), penalty_(penalty) {
    this->eta = inner.eta;
  }
  void step() override {
    penalty_.add_gradient();  // dW += dOmega/dW, for the weights only
    inner_.eta = this->eta;
    inner_.step();  // the usual update, with the penalized gradient
  }

 private:
  Optimizer<T>& inner_;
  Penalty<T>& penalty_;
};
// [regularized]

}  // namespace mlp
