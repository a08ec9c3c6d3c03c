/// \file
/// \brief Chapter 01: Rosenblatt's perceptron (1958): a step unit and its learning rule, with
/// Novikoff's (1962) bound on how many updates it can make.
///
/// What it is: one neuron, \f$ \hat y = \text{step}(\mathbf{w}\cdot\mathbf{x} + b) \f$, trained one
/// example at a time by \f$ \mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x} \f$.
/// What it leaves out on purpose: more than one output, hidden layers, any loss function or
/// gradient (those arrive in chapters 02-04). Double precision throughout: the data is tiny.
#pragma once

#include <armadillo>
#include <cmath>
#include <limits>
#include <vector>

#include "common/random.hpp"

namespace perceptron {

// Dimension legend:  n_in = number of input features,  n = number of examples.
// Examples are columns: X is (n_in x n); targets y are 0 or 1, one per column.

// [step]
/// \brief The threshold unit of McCulloch and Pitts: 1 when \f$ z \ge 0 \f$, else 0.
inline int step(double z) { return z >= 0.0 ? 1 : 0; }
// [step]

/// \brief A single perceptron: weights, a bias, and the perceptron learning rule.
struct Perceptron {
  arma::vec w;   ///< (n_in) weights, one per input
  double b = 0;  ///< bias (the weight of an input that is always 1)

  /// Start from zero weights, as Novikoff's bound assumes.
  explicit Perceptron(arma::uword n_in) : w(n_in, arma::fill::zeros) {}

  // [predict]
  /// \brief Output for one example: \f$ \hat y = \text{step}(\mathbf{w}\cdot\mathbf{x} + b) \f$.
  /// \param x (n_in) one example
  int predict(const arma::vec& x) const { return step(arma::dot(w, x) + b); }
  // [predict]

  // [update]
  /// \brief The perceptron rule for one example:
  /// \f$ \mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x},\; b \leftarrow b + \eta (y - \hat y) \f$.
  ///
  /// When the output is right, \f$ y - \hat y = 0 \f$ and nothing changes; when it is wrong,
  /// \f$ y - \hat y = \pm 1 \f$ moves the boundary towards classifying x correctly.
  /// \param x (n_in) one example; \param y its target, 0 or 1; \param eta learning rate > 0
  /// \return true when the example was misclassified (and the weights changed)
  bool update(const arma::vec& x, int y, double eta) {
    const int y_hat = predict(x);
    if (y_hat == y) return false;
    w += eta * (y - y_hat) * x;  // w <- w + eta (y - y_hat) x
    b += eta * (y - y_hat);      // b <- b + eta (y - y_hat)
    return true;
  }
  // [update]
};

/// What training recorded, epoch by epoch.
struct History {
  std::vector<arma::uword> mistakes;  ///< misclassified examples (= updates) in each epoch
  std::vector<arma::vec> w;           ///< weights after each update (updates in all)
  std::vector<double> b;              ///< bias after each update
  arma::uword updates = 0;            ///< total number of updates
  bool converged = false;             ///< an epoch passed with no mistake
};

// [train]
/// \brief Train for up to `max_epochs` passes over the data, visiting the examples in a new
/// random order each epoch; stop after the first epoch with no mistake.
/// \param X (n_in x n) examples as columns; \param y (n) targets 0/1
/// \param rng the run's generator (the order of examples is its only use)
inline History train(Perceptron& p, const arma::mat& X, const arma::ivec& y, double eta,
                     arma::uword max_epochs, course::Rng& rng) {
  History h;
  for (arma::uword epoch = 0; epoch < max_epochs; ++epoch) {
    const arma::uvec order = course::permutation(X.n_cols, rng);
    arma::uword mistakes = 0;
    for (const arma::uword i : order) {
      if (!p.update(X.col(i), y[i], eta)) continue;
      ++mistakes;
      h.w.push_back(p.w);  // the boundary moved: record where it is now
      h.b.push_back(p.b);
    }
    h.mistakes.push_back(mistakes);
    h.updates += mistakes;
    if (mistakes == 0) {
      h.converged = true;
      break;
    }
  }
  return h;
}
// [train]

/// Novikoff's quantities for a separator (w, b) of the data.
struct NovikoffBound {
  double R;  ///< radius: \f$ \max_i \lVert (\mathbf{x}_i, 1) \rVert \f$
  double
      gamma;  ///< margin of the separator: \f$ \min_i s_i (\mathbf{w}\cdot\mathbf{x}_i + b) / \lVert(\mathbf{w}, b)\rVert \f$
  double bound;  ///< \f$ (R/\gamma)^2 \f$, infinite when gamma <= 0 (not a separator)
};

// [novikoff]
/// \brief Novikoff's theorem: starting from zero weights, the perceptron makes at most
/// \f$ (R/\gamma)^2 \f$ updates on data that some unit vector separates with margin gamma.
///
/// Inputs are augmented with a constant 1 so the bias is one more weight, and targets are
/// signs \f$ s_i = 2y_i - 1 \f$. Any separator gives a valid bound; here it is the one training
/// found. The learning rate does not matter: from zero, eta only scales w and b.
/// \param X (n_in x n) examples; \param y (n) targets 0/1; \param w (n_in), b: a separator
inline NovikoffBound novikoff_bound(const arma::mat& X, const arma::ivec& y, const arma::vec& w,
                                    double b) {
  const double norm = std::sqrt(arma::dot(w, w) + b * b);  // ||(w, b)||
  double R = 0, gamma = std::numeric_limits<double>::infinity();
  for (arma::uword i = 0; i < X.n_cols; ++i) {
    const double s = 2.0 * y[i] - 1.0;                                // s_i in {-1, +1}
    R = std::max(R, std::sqrt(arma::dot(X.col(i), X.col(i)) + 1.0));  // ||(x_i, 1)||
    gamma = std::min(gamma, s * (arma::dot(w, X.col(i)) + b) / norm);
  }
  const double bound =
      gamma > 0 ? (R / gamma) * (R / gamma) : std::numeric_limits<double>::infinity();
  return {R, gamma, bound};
}
// [novikoff]

}  // namespace perceptron
