/// \file
/// \brief Chapter 08: optimizers with memory: momentum, Nesterov momentum, RMSProp and Adam,
/// behind chapter 06's Optimizer interface.
///
/// Each keeps, for every parameter it was handed, a state buffer of the same shape (a velocity,
/// a running mean of squared gradients, or both). The buffers are allocated once, in the
/// constructor, and updated in place, so a training step allocates nothing. A parameter that
/// is not handed over is never touched (that is how chapter 12 freezes layers).
/// Notation: \f$\theta\f$ a parameter, \f$g = \partial L/\partial\theta\f$ its gradient from
/// the last backward(), \f$\eta\f$ the learning rate (`eta`, which a schedule may change between
/// steps). Omits: weight decay inside the optimizer (AdamW; chapter 09 adds L2 to the loss),
/// AMSGrad, gradient clipping, and second-order methods.
#pragma once

#include <cmath>
#include <vector>

#include "chapters/06_mlp/optimizer.hpp"

namespace mlp {

/// \brief One zero-filled buffer per parameter, shaped like it (optimizer state).
template <class T>
std::vector<arma::Mat<T>> zeros_like(const std::vector<Param<T>>& params) {
  std::vector<arma::Mat<T>> state;
  state.reserve(params.size());
  for (const auto& p : params)
    state.emplace_back(p.value->n_rows, p.value->n_cols, arma::fill::zeros);
  return state;
}

// [momentum]
/// \brief SGD with momentum (Polyak 1964; the form of PyTorch's `SGD(momentum=mu)`):
/// \f[ v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta v. \f]
/// The velocity v is a running sum of past gradients, so steps grow along directions where the
/// gradient keeps its sign (up to \f$1/(1-\mu)\f$ times, 10 for \f$\mu = 0.9\f$) and cancel
/// where it flips. Nielsen writes the same method as \f$v' = \mu v - \eta g,\ \theta' = \theta +
/// v'\f$: for a constant \f$\eta\f$ his v is \f$-\eta\f$ times this one.
template <class T>
class Momentum : public Optimizer<T> {
 public:
  /// \param params what to update; \param eta_ learning rate; \param mu_ momentum, in [0, 1)
  Momentum(std::vector<Param<T>> params, double eta_, double mu_ = 0.9)
      : Optimizer<T>(std::move(params)), mu(mu_), v_(zeros_like(this->params_)) {
    this->eta = eta_;
  }
  void step() override {
    const T eta = static_cast<T>(this->eta), m = static_cast<T>(mu);
    for (std::size_t i = 0; i < this->params_.size(); ++i) {
      auto& p = this->params_[i];
      v_[i] = m * v_[i] + *p.grad;  // v = mu v + g
      *p.value -= eta * v_[i];      // theta = theta - eta v
    }
  }
  double mu;  ///< momentum coefficient \f$\mu\f$
  /// \brief The velocity of parameter i (same shape as it).
  const arma::Mat<T>& velocity(std::size_t i) const { return v_[i]; }

 private:
  std::vector<arma::Mat<T>> v_;  // one velocity per parameter, allocated once
};
// [momentum]

// [nesterov]
/// \brief Nesterov momentum (Nesterov 1983, in the form of Sutskever et al. 2013 and PyTorch's
/// `SGD(momentum=mu, nesterov=True)`):
/// \f[ v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta\,(g + \mu v). \f]
/// It steps as if it had already moved by the momentum and looked at the gradient there: the
/// correction \f$g\f$ enters twice, so an overshoot is damped one step earlier.
/// Written out in full beside Momentum on purpose: the two classes differ in one line, the
/// update, and that line is the lesson.
template <class T>
class Nesterov : public Optimizer<T> {
 public:
  /// \param params what to update; \param eta_ learning rate; \param mu_ momentum, in [0, 1)
  Nesterov(std::vector<Param<T>> params, double eta_, double mu_ = 0.9)
      : Optimizer<T>(std::move(params)), mu(mu_), v_(zeros_like(this->params_)) {
    this->eta = eta_;
  }
  void step() override {
    const T eta = static_cast<T>(this->eta), m = static_cast<T>(mu);
    for (std::size_t i = 0; i < this->params_.size(); ++i) {
      auto& p = this->params_[i];
      v_[i] = m * v_[i] + *p.grad;              // v = mu v + g
      *p.value -= eta * (*p.grad + m * v_[i]);  // theta = theta - eta (g + mu v)
    }
  }
  double mu;  ///< momentum coefficient \f$\mu\f$

 private:
  std::vector<arma::Mat<T>> v_;
};
// [nesterov]

// [rmsprop]
/// \brief RMSProp (Tieleman and Hinton 2012, lecture 6e of their Coursera course):
/// \f[ s \leftarrow \rho s + (1 - \rho)\, g \odot g, \qquad
///     \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}. \f]
/// Each entry's step is divided by the root of a running mean of its squared gradient: entries
/// with large gradients take smaller steps, rarely-updated ones larger. (PyTorch's default
/// \f$\rho\f$ is 0.99; Hinton suggested 0.9.)
template <class T>
class RMSProp : public Optimizer<T> {
 public:
  RMSProp(std::vector<Param<T>> params, double eta_, double rho_ = 0.9, double epsilon_ = 1e-8)
      : Optimizer<T>(std::move(params)),
        rho(rho_),
        epsilon(epsilon_),
        s_(zeros_like(this->params_)) {
    this->eta = eta_;
  }
  void step() override {
    const T eta = static_cast<T>(this->eta), r = static_cast<T>(rho), eps = static_cast<T>(epsilon);
    for (std::size_t i = 0; i < this->params_.size(); ++i) {
      auto& p = this->params_[i];
      s_[i] = r * s_[i] + (T(1) - r) * arma::square(*p.grad);  // s = rho s + (1 - rho) g^2
      *p.value -= eta * *p.grad / (arma::sqrt(s_[i]) + eps);   // theta -= eta g / (sqrt(s) + eps)
    }
  }
  double rho;      ///< decay of the running mean of squared gradients
  double epsilon;  ///< added to \f$\sqrt{s}\f$ so a zero gradient history does not divide by 0

 private:
  std::vector<arma::Mat<T>> s_;
};
// [rmsprop]

// [adam]
/// \brief Adam (Kingma and Ba 2014, Algorithm 1), step t = 1, 2, ...:
/// \f[ m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
///     v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t \odot g_t, \f]
/// \f[ \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
///     \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}. \f]
/// m and v start at 0, so early on they are biased towards 0; dividing by \f$1 - \beta^t\f$
/// removes that bias exactly (for a constant gradient, \f$\hat m_t = g\f$ at every t).
/// Defaults are the paper's: \f$\eta = 0.001\f$, \f$\beta_1 = 0.9\f$, \f$\beta_2 = 0.999\f$,
/// \f$\epsilon = 10^{-8}\f$ (\f$\eta\f$ is the paper's \f$\alpha\f$).
template <class T>
class Adam : public Optimizer<T> {
 public:
  Adam(std::vector<Param<T>> params, double eta_ = 1e-3, double beta1_ = 0.9, double beta2_ = 0.999,
       double epsilon_ = 1e-8)
      : Optimizer<T>(std::move(params)),
        beta1(beta1_),
        beta2(beta2_),
        epsilon(epsilon_),
        m_(zeros_like(this->params_)),
        v_(zeros_like(this->params_)) {
    this->eta = eta_;
  }
  void step() override {
    ++t_;
    const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
    const T eta = static_cast<T>(this->eta), eps = static_cast<T>(epsilon);
    const T c1 = static_cast<T>(1.0 / (1.0 - std::pow(beta1, double(t_))));  // 1 / (1 - beta1^t)
    const T c2 = static_cast<T>(1.0 / (1.0 - std::pow(beta2, double(t_))));  // 1 / (1 - beta2^t)
    for (std::size_t i = 0; i < this->params_.size(); ++i) {
      auto& p = this->params_[i];
      m_[i] = b1 * m_[i] + (T(1) - b1) * *p.grad;                // m = beta1 m + (1 - beta1) g
      v_[i] = b2 * v_[i] + (T(1) - b2) * arma::square(*p.grad);  // v = beta2 v + (1 - beta2) g^2
      // theta -= eta m_hat / (sqrt(v_hat) + eps), with m_hat = c1 m and v_hat = c2 v
      *p.value -= eta * (c1 * m_[i]) / (arma::sqrt(c2 * v_[i]) + eps);
    }
  }
  double beta1;    ///< decay of the first-moment (mean) estimate
  double beta2;    ///< decay of the second-moment (uncentred variance) estimate
  double epsilon;  ///< added to \f$\sqrt{\hat v}\f$
  /// \brief Steps taken so far (the t of the bias correction).
  unsigned long steps() const { return t_; }
  /// \brief The moment estimates of parameter i (before bias correction).
  const arma::Mat<T>& m(std::size_t i) const { return m_[i]; }
  const arma::Mat<T>& v(std::size_t i) const { return v_[i]; }

 private:
  unsigned long t_ = 0;
  std::vector<arma::Mat<T>> m_, v_;  // first and second moments, one each per parameter
};
// [adam]

}  // namespace mlp
