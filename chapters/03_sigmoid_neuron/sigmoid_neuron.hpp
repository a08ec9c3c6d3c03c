/// \file
/// \brief Chapter 03: the sigmoid neuron (logistic regression, Cox 1958): forward pass,
/// gradient \f$ (p - y)\,x \f$, and full-batch gradient descent.
///
/// What it is: one unit \f$ p = \sigma(w\cdot x + b) \f$ read as the probability that y = 1,
/// trained on cross-entropy (or, for comparison, on the squared error). The batched gradient
/// is kept next to a per-example loop that serves as its oracle. What it leaves out on purpose:
/// mini-batches and shuffling (chapter 06), regularization (chapter 09), second-order methods
/// (Newton's method / IRLS, what statistics packages use), more than two classes (chapter 07).
/// Double precision throughout: the data is tiny.
#pragma once

#include <armadillo>
#include <vector>

#include "chapters/03_sigmoid_neuron/loss.hpp"
#include "chapters/03_sigmoid_neuron/sigmoid.hpp"

namespace sigmoid_neuron {

// Dimension legend:  n_in = input features,  m = examples in the batch.
// X (n_in x m) examples as columns; Y (1 x m) targets 0/1; W (1 x n_in); Z, P, delta (1 x m).

/// The gradient of the loss with respect to the neuron's parameters.
struct Gradient {
  arma::rowvec dW;  ///< (1 x n_in) \f$ \partial L/\partial W \f$
  double db = 0;    ///< \f$ \partial L/\partial b \f$
};

/// \brief A sigmoid neuron: weights W (one output, so one row) and a bias b.
struct SigmoidNeuron {
  arma::rowvec W;  ///< (1 x n_in) weights
  double b = 0;    ///< bias

  /// Zero weights: every probability starts at 1/2.
  explicit SigmoidNeuron(arma::uword n_in) : W(n_in, arma::fill::zeros) {}

  // [forward]
  /// \brief Logits of a batch: \f$ Z = W X + b \f$ (b added to every column).
  /// \param X (n_in x m) \return Z (1 x m)
  arma::rowvec logits(const arma::mat& X) const { return W * X + b; }

  /// \brief Probabilities that y = 1: \f$ P = \sigma(W X + b) \f$. \param X (n_in x m) \return (1 x m)
  arma::rowvec probability(const arma::mat& X) const { return sigmoid(logits(X)); }

  /// \brief Predicted class: 1 when \f$ p \ge 1/2 \f$, that is when \f$ z \ge 0 \f$.
  /// \param X (n_in x m) \return (m) labels 0/1
  arma::uvec predict(const arma::mat& X) const {
    return arma::conv_to<arma::uvec>::from(logits(X) >= 0.0);
  }
  // [forward]
};

/// \brief Mean loss of the neuron on a batch. \param X (n_in x m); \param Y (1 x m) targets 0/1
inline double loss(const SigmoidNeuron& n, const arma::mat& X, const arma::rowvec& Y, Loss kind) {
  return mean_loss(kind, n.logits(X), Y);
}

// [gradient]
/// \brief The gradient of the mean loss, batched:
/// \f[ \frac{\partial L}{\partial W} = \delta\,X^T, \qquad \frac{\partial L}{\partial b} = \sum_i \delta_i, \f]
/// with \f$ \delta = \partial L/\partial Z \f$ from delta(); for cross-entropy this is
/// \f$ \frac1m \sum_i (p_i - y_i)\,x_i^T \f$.
/// \param X (n_in x m); \param Y (1 x m) targets 0/1
inline Gradient gradient(const SigmoidNeuron& n, const arma::mat& X, const arma::rowvec& Y,
                         Loss kind) {
  const arma::rowvec Z = n.logits(X);        // Z = W X + b          (1 x m)
  const arma::rowvec d = delta(kind, Z, Y);  // delta = dL/dZ        (1 x m)
  return {d * X.t(), arma::accu(d)};         // dW = delta X^T (1 x n_in), db = sum delta
}
// [gradient]

// [gradient_loop]
/// \brief The same gradient one example at a time, straight from the chain rule; the oracle
/// the batched form is tested against.
/// \f[ \frac{\partial L_i}{\partial w_k} = \frac{\partial L_i}{\partial z_i}\,x_{ki},\qquad
///     \frac{\partial L_i}{\partial z_i} = (p_i - y_i) \text{ (cross-entropy) or }
///     (p_i - y_i)\,\sigma'(z_i) \text{ (MSE)}. \f]
inline Gradient gradient_loop(const SigmoidNeuron& n, const arma::mat& X, const arma::rowvec& Y,
                              Loss kind) {
  const arma::uword m = X.n_cols;
  Gradient g{arma::rowvec(X.n_rows, arma::fill::zeros), 0.0};
  for (arma::uword i = 0; i < m; ++i) {
    const double z = arma::dot(n.W, X.col(i)) + n.b;  // z_i = w . x_i + b
    const double p = sigmoid(z);                      // p_i = sigma(z_i)
    double dz = p - Y[i];                             // dL_i/dz_i for cross-entropy
    if (kind == Loss::mse) dz *= sigmoid_prime(z);    // ... times sigma'(z_i) for MSE
    g.dW += dz * X.col(i).t() / m;                    // dL/dw += dL_i/dz_i x_i / m
    g.db += dz / m;                                   // dL/db += dL_i/dz_i / m
  }
  return g;
}
// [gradient_loop]

/// What training recorded, one entry per epoch (index 0 is before the first step).
struct History {
  std::vector<double> loss;      ///< the training loss being minimized
  std::vector<double> accuracy;  ///< training accuracy
};

/// \brief Fraction of examples whose predicted class equals the target.
/// \param X (n_in x m); \param Y (1 x m) targets 0/1
inline double accuracy(const SigmoidNeuron& n, const arma::mat& X, const arma::rowvec& Y) {
  const arma::uvec y_hat = n.predict(X);
  arma::uword right = 0;
  for (arma::uword i = 0; i < y_hat.n_elem; ++i) right += static_cast<double>(y_hat[i]) == Y[i];
  return static_cast<double>(right) / y_hat.n_elem;
}

// [train]
/// \brief Full-batch gradient descent: each epoch takes one step on the whole training set,
/// \f$ W \leftarrow W - \eta\,\partial L/\partial W,\; b \leftarrow b - \eta\,\partial L/\partial b \f$.
/// Deterministic: no shuffling, so the only randomness is in how the data was split.
/// \param X (n_in x m) training examples; \param Y (1 x m) targets 0/1
/// \param eta learning rate > 0; \param epochs number of steps
inline History train(SigmoidNeuron& n, const arma::mat& X, const arma::rowvec& Y, Loss kind,
                     double eta, arma::uword epochs) {
  History h;
  for (arma::uword epoch = 0; epoch <= epochs; ++epoch) {
    h.loss.push_back(loss(n, X, Y, kind));
    h.accuracy.push_back(accuracy(n, X, Y));
    if (epoch == epochs) break;
    const Gradient g = gradient(n, X, Y, kind);
    n.W -= eta * g.dW;  // W <- W - eta dL/dW
    n.b -= eta * g.db;  // b <- b - eta dL/db
  }
  return h;
}
// [train]

}  // namespace sigmoid_neuron
