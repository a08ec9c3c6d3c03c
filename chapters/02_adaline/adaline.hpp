/// \file
/// \brief Chapter 02: Widrow and Hoff's ADALINE (1960): a linear unit trained on the mean
/// squared error, by batch gradient descent and by the per-example delta rule (LMS).
///
/// What it is: one neuron with the identity as its output, \f$ \hat y = \mathbf{w}\cdot\mathbf{x} + b \f$,
/// the loss \f$ L = \frac{1}{2n}\sum_i (\hat y_i - y_i)^2 \f$, its gradient, and the two ways of
/// following it (all examples per step, or one example per step).
/// What it leaves out on purpose: more than one output, any non-linearity, momentum, line
/// searches and regularization. The exact answer (least squares) and the curvature that sets the
/// learning-rate limit are in least_squares.hpp and curvature.hpp. Double precision throughout.
#pragma once

#include <armadillo>
#include <cmath>
#include <vector>

#include "common/random.hpp"

/// \brief Chapter 02: the ADALINE (a linear unit), its squared-error loss, gradient descent,
/// the delta rule, least squares and the curvature of the loss.
namespace adaline {

// Dimension legend:  n_in = number of input features,  n = number of examples,
//                    p = n_in + 1 = number of parameters (the weights and the bias).
// Examples are columns: X is (n_in x n); the targets y are a row (1 x n), one per column.

/// \brief The gradient of the loss: one entry per weight and one for the bias.
struct Gradient {
  arma::vec dw;   ///< (n_in) dL/dw
  double db = 0;  ///< dL/db
};

/// \brief A linear unit: weights, a bias, and its output \f$ \hat y = \mathbf{w}\cdot\mathbf{x} + b \f$.
struct Adaline {
  arma::vec w;   ///< (n_in) weights, one per input
  double b = 0;  ///< bias

  /// Start from zero weights and bias.
  explicit Adaline(arma::uword n_in) : w(n_in, arma::fill::zeros) {}

  // [forward]
  /// \brief Outputs for a batch: \f$ \hat y = \mathbf{w}^T X + b \f$ (b added to every column).
  /// \param X (n_in x n) examples as columns
  /// \return (1 x n) one output per example
  arma::rowvec forward(const arma::mat& X) const {
    arma::rowvec y_hat = w.t() * X;  // y_hat = w^T X       (1 x n)
    y_hat += b;                      //         + b
    return y_hat;
  }
  // [forward]

  /// \brief Output for one example: \f$ \hat y = \mathbf{w}\cdot\mathbf{x} + b \f$.
  /// \param x (n_in) one example
  double predict(const arma::vec& x) const { return arma::dot(w, x) + b; }
};

// [loss]
/// \brief The mean squared error with a factor one half:
/// \f[ L(\mathbf{w}, b) = \frac{1}{2n} \sum_{i=1}^{n} (\mathbf{w}\cdot\mathbf{x}_i + b - y_i)^2. \f]
/// The 1/2 cancels the 2 of the derivative; the 1/n makes L (and its gradient) an average, so
/// the learning rate does not depend on how many examples there are.
/// \param X (n_in x n) examples; \param y (1 x n) targets
inline double mse_loss(const Adaline& a, const arma::mat& X, const arma::rowvec& y) {
  const arma::rowvec E = a.forward(X) - y;  // errors e_i = y_hat_i - y_i   (1 x n)
  return arma::dot(E, E) / (2.0 * X.n_cols);
}
// [loss]

// [gradient]
/// \brief Gradient of the loss, for all examples at once:
/// \f[ \frac{\partial L}{\partial \mathbf{w}} = \frac{1}{n} X \mathbf{e}^T, \qquad
///     \frac{\partial L}{\partial b} = \frac{1}{n} \sum_i e_i, \qquad e_i = \hat y_i - y_i. \f]
/// \param X (n_in x n) examples; \param y (1 x n) targets
inline Gradient gradient(const Adaline& a, const arma::mat& X, const arma::rowvec& y) {
  const arma::rowvec E = a.forward(X) - y;  // e = y_hat - y                 (1 x n)
  Gradient g;
  g.dw = X * E.t() / X.n_cols;  // dw = X e^T / n           (n_in)
  g.db = arma::mean(E);         // db = mean of e
  return g;
}
// [gradient]

/// \brief The same gradient, one example at a time: the oracle the batched form is tested
/// against. Each example contributes \f$ e_i \mathbf{x}_i \f$ and \f$ e_i \f$; the sum is
/// divided by n.
/// \param X (n_in x n) examples; \param y (1 x n) targets
inline Gradient gradient_per_example(const Adaline& a, const arma::mat& X, const arma::rowvec& y) {
  Gradient g{arma::vec(X.n_rows, arma::fill::zeros), 0.0};
  for (arma::uword i = 0; i < X.n_cols; ++i) {
    const double e = a.predict(X.col(i)) - y[i];  // e_i = y_hat_i - y_i
    g.dw += e * X.col(i);                         // sum of e_i x_i
    g.db += e;                                    // sum of e_i
  }
  g.dw /= X.n_cols;
  g.db /= X.n_cols;
  return g;
}

// [gd_step]
/// \brief One step of batch gradient descent:
/// \f$ \mathbf{w} \leftarrow \mathbf{w} - \eta\, \partial L/\partial \mathbf{w},\;
///     b \leftarrow b - \eta\, \partial L/\partial b \f$.
/// \param g the gradient at the current weights; \param eta learning rate > 0
inline void gd_step(Adaline& a, const Gradient& g, double eta) {
  a.w -= eta * g.dw;  // w <- w - eta dL/dw
  a.b -= eta * g.db;  // b <- b - eta dL/db
}
// [gd_step]

// [delta_rule]
/// \brief Widrow and Hoff's delta rule (LMS) for one example: a gradient step on that
/// example's own loss \f$ \frac12 (\hat y - y)^2 \f$,
/// \f[ \mathbf{w} \leftarrow \mathbf{w} - \eta\,(\hat y - y)\,\mathbf{x}, \qquad b \leftarrow b - \eta\,(\hat y - y). \f]
/// Compare the perceptron rule of chapter 01: the same shape, but \f$ \hat y \f$ is the linear output,
/// not a step, so even a right answer that is not exactly y still moves the weights.
/// \param x (n_in) one example; \param y its target; \param eta learning rate > 0
inline void delta_rule(Adaline& a, const arma::vec& x, double y, double eta) {
  const double delta = a.predict(x) - y;  // delta = y_hat - y
  a.w -= eta * delta * x;                 // w <- w - eta delta x
  a.b -= eta * delta;                     // b <- b - eta delta
}
// [delta_rule]

/// \brief The parameters as one vector \f$ \theta = (\mathbf{w}, b) \f$.
/// \return (p) the weights followed by the bias
inline arma::vec theta(const Adaline& a) { return arma::join_cols(a.w, arma::vec{a.b}); }

/// \brief Set the weights and the bias from \f$ \theta = (\mathbf{w}, b) \f$.
/// \param theta (p) the weights followed by the bias
inline void set_theta(Adaline& a, const arma::vec& theta) {
  a.w = theta.head(theta.n_elem - 1);
  a.b = theta[theta.n_elem - 1];
}

/// What batch gradient descent recorded.
struct History {
  std::vector<double> loss;     ///< loss before step 1, then after each step (steps + 1)
  std::vector<arma::vec> path;  ///< (p) parameters at the same moments, when asked for
  arma::uword steps = 0;        ///< steps taken
  bool diverged = false;        ///< the loss overflowed the divergence threshold
};

// [train_gd]
/// \brief Batch gradient descent from the current weights: up to `max_steps` steps, stopping
/// early when the gradient's norm falls to `grad_tol` or the loss passes `blow_up` (diverged).
/// \param X (n_in x n) examples; \param y (1 x n) targets; \param eta learning rate > 0
/// \param record_path keep \f$ \theta \f$ after every step (for the contour plot)
inline History train_gd(Adaline& a, const arma::mat& X, const arma::rowvec& y, double eta,
                        arma::uword max_steps, double grad_tol = 0.0, bool record_path = false,
                        double blow_up = 1e100) {
  History h;
  h.loss.push_back(mse_loss(a, X, y));
  if (record_path) h.path.push_back(theta(a));
  for (arma::uword k = 0; k < max_steps; ++k) {
    const Gradient g = gradient(a, X, y);
    if (std::sqrt(arma::dot(g.dw, g.dw) + g.db * g.db) <= grad_tol) break;  // at the minimum
    gd_step(a, g, eta);
    ++h.steps;
    h.loss.push_back(mse_loss(a, X, y));
    if (record_path) h.path.push_back(theta(a));
    if (!(h.loss.back() < blow_up)) {  // also catches inf and NaN
      h.diverged = true;
      break;
    }
  }
  return h;
}
// [train_gd]

// [delta_rule_epoch]
/// \brief One epoch of the delta rule: every example once, in a new random order.
/// \param X (n_in x n) examples; \param y (1 x n) targets; \param eta learning rate > 0
/// \param rng the run's generator (the order of the examples is its only use)
inline void delta_rule_epoch(Adaline& a, const arma::mat& X, const arma::rowvec& y, double eta,
                             course::Rng& rng) {
  for (const arma::uword i : course::permutation(X.n_cols, rng)) delta_rule(a, X.col(i), y[i], eta);
}
// [delta_rule_epoch]

}  // namespace adaline
