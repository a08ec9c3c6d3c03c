/// \file
/// \brief Chapter 05: the article's network, 4 inputs - 5 sigmoid hidden units - 3 outputs,
/// written in matrix (batch) form, with two heads: the article's (sigmoid outputs, squared
/// error) and the one its own FAQ recommends for classification (softmax, cross-entropy).
///
/// What it is: forward pass, loss, backward pass for a whole batch at once, the same backward pass
/// one example at a time (the oracle the batch form is tested against), and full-batch gradient
/// descent, all in double precision. What it leaves out on purpose: mini-batches, any optimizer
/// beyond plain gradient descent, regularization, more layers (chapters 06-09 add them).
#pragma once

#include <armadillo>
#include <vector>

#include "chapters/05_article_iris/numpy_random.hpp"
#include "common/matrix.hpp"

namespace article_iris {

// Dimension legend:  n_in = 4 features,  n_hidden = 5 hidden units,  K = 3 classes,
//                    m = examples in the batch (samples are columns).

/// The output layer and its loss.
enum class Head {
  /// The article's: \f$ A_2 = \sigma(Z_2) \f$,
  /// \f$ L = \frac{1}{2m}\sum_i \lVert a_i - y_i \rVert^2 \f$
  sigmoid_mse,
  /// Tuned: \f$ A_2 = \text{softmax}(Z_2) \f$, \f$ L = -\frac{1}{m}\sum_i y_i \cdot \ln a_i \f$
  softmax_cross_entropy
};

/// The parameters: two layers.
struct Params {
  arma::mat W1;  ///< (n_hidden x n_in)
  arma::vec b1;  ///< (n_hidden)
  arma::mat W2;  ///< (K x n_hidden)
  arma::vec b2;  ///< (K)
};

/// The gradient of the loss with respect to each parameter (same shapes as Params).
struct Grads {
  arma::mat dW1;  ///< (n_hidden x n_in)
  arma::vec db1;  ///< (n_hidden)
  arma::mat dW2;  ///< (K x n_hidden)
  arma::vec db2;  ///< (K)
};

/// What the forward pass keeps for the backward pass.
struct Cache {
  arma::mat Z1;  ///< (n_hidden x m) hidden pre-activations
  arma::mat A1;  ///< (n_hidden x m) hidden activations
  arma::mat Z2;  ///< (K x m) output pre-activations
  arma::mat A2;  ///< (K x m) outputs
};

// [activations]
/// \brief The logistic sigmoid, element-wise: \f$ \sigma(z) = 1 / (1 + e^{-z}) \f$.
inline arma::mat sigmoid(const arma::mat& Z) { return 1.0 / (1.0 + arma::exp(-Z)); }

/// \brief Softmax of each column: \f$ a_k = e^{z_k} / \sum_j e^{z_j} \f$. The column maximum is
/// subtracted first (the result is the same; no exp overflows).
/// \param Z (K x m) \return (K x m), each column positive and summing to 1
inline arma::mat softmax(const arma::mat& Z) {
  arma::mat E = arma::exp(Z.each_row() - arma::max(Z, 0));
  E.each_row() /= arma::sum(E, 0);
  return E;
}
// [activations]

// [init]
/// \brief The article's initialization, with the seed it lacked: `np.random.seed(seed)`, then
/// `W1 = randn(n_in, n_hidden)`, `b1 = zeros`, `W2 = randn(n_hidden, K)`, `b2 = zeros`.
/// Stored transposed (samples are columns here), with the same numbers.
inline Params init_params(std::uint32_t seed, arma::uword n_in, arma::uword n_hidden,
                          arma::uword K) {
  RandomState rng(seed);
  Params p;
  p.W1 = rng.randn_transposed(n_in, n_hidden);  // (n_hidden x n_in), N(0, 1)
  p.b1.zeros(n_hidden);
  p.W2 = rng.randn_transposed(n_hidden, K);     // (K x n_hidden), N(0, 1)
  p.b2.zeros(K);
  return p;
}
// [init]

// [forward]
/// \brief Forward pass for a batch: \f$ Z_1 = W_1 X + b_1,\; A_1 = \sigma(Z_1),\;
/// Z_2 = W_2 A_1 + b_2,\; A_2 = \sigma(Z_2) \f$ or \f$ \text{softmax}(Z_2) \f$.
/// \param X (n_in x m) examples as columns
inline Cache forward(const Params& p, const arma::mat& X, Head head) {
  Cache c;
  c.Z1 = p.W1 * X;
  c.Z1.each_col() += p.b1;  // Z1 = W1 X + b1        (n_hidden x m)
  c.A1 = sigmoid(c.Z1);     // A1 = sigma(Z1)
  c.Z2 = p.W2 * c.A1;
  c.Z2.each_col() += p.b2;  // Z2 = W2 A1 + b2       (K x m)
  c.A2 = head == Head::sigmoid_mse ? sigmoid(c.Z2) : softmax(c.Z2);
  return c;
}
// [forward]

// [loss]
/// \brief The loss of a forward pass, averaged over the m examples.
///
/// Cross-entropy is computed from \f$ Z_2 \f$ as \f$ \ln a_k = z_k - \max z - \ln \sum_j e^{z_j -
/// \max z} \f$, so it stays finite when a probability rounds to 0.
/// \param c a forward pass of m examples; \param Y (K x m) one-hot targets
inline double loss(const Cache& c, const arma::mat& Y, Head head) {
  const double m = static_cast<double>(Y.n_cols);
  if (head == Head::sigmoid_mse)
    return 0.5 * arma::accu(arma::square(c.A2 - Y)) / m;  // 1/(2m) sum ||a - y||^2
  arma::mat S = c.Z2.each_row() - arma::max(c.Z2, 0);      // z - max z
  const arma::rowvec log_sum = arma::log(arma::sum(arma::exp(S), 0));
  S.each_row() -= log_sum;                                  // ln softmax(z)
  return -arma::accu(Y % S) / m;                           // -1/m sum y . ln a
}
// [loss]

// [backward]
/// \brief Backward pass for a batch: the gradient of the loss with respect to every parameter.
///
/// \f[ \delta_2 = \frac{\partial L}{\partial Z_2} = \tfrac{1}{m}(A_2 - Y) \odot A_2 \odot (1 - A_2)
///     \;\text{(sigmoid, squared error)}, \qquad
///     \tfrac{1}{m}(A_2 - Y) \;\text{(softmax, cross-entropy)} \f]
/// \f[ \delta_1 = (W_2^T \delta_2) \odot A_1 \odot (1 - A_1), \qquad
///     \frac{\partial L}{\partial W_l} = \delta_l A_{l-1}^T, \qquad
///     \frac{\partial L}{\partial b_l} = \delta_l \mathbf{1} \;\text{(sum over the batch)} \f]
/// \param c the forward pass of X; \param X (n_in x m); \param Y (K x m) one-hot targets
inline Grads backward(const Params& p, const Cache& c, const arma::mat& X, const arma::mat& Y,
                      Head head) {
  const double m = static_cast<double>(X.n_cols);
  // In the forward pass A2 = sigma(Z2) or softmax(Z2), so now:
  arma::mat delta2 = (c.A2 - Y) / m;                                     // (K x m)
  if (head == Head::sigmoid_mse) delta2 %= c.A2 % (1.0 - c.A2);          // sigma'(Z2) = A2(1 - A2)
  // In the forward pass A1 = sigma(W1 X + b1) fed Z2 = W2 A1 + b2, so now:
  const arma::mat delta1 = (p.W2.t() * delta2) % (c.A1 % (1.0 - c.A1));  // (n_hidden x m)
  Grads g;
  g.dW2 = delta2 * c.A1.t();     // (K x n_hidden)
  g.db2 = arma::sum(delta2, 1);  // (K): sum over the batch
  g.dW1 = delta1 * X.t();        // (n_hidden x n_in)
  g.db1 = arma::sum(delta1, 1);  // (n_hidden)
  return g;
}
// [backward]

// [per_example]
/// \brief The same gradient, one example at a time: the oracle for backward().
///
/// For each column x: forward, \f$ \delta_2, \delta_1 \f$ for that example alone, and
/// \f$ \partial L/\partial W \mathrel{+}= \delta\, a^T / m \f$. Slow and obviously right.
inline Grads backward_per_example(const Params& p, const arma::mat& X, const arma::mat& Y,
                                  Head head) {
  const double m = static_cast<double>(X.n_cols);
  Grads g{arma::zeros(arma::size(p.W1)), arma::zeros(p.b1.n_elem), arma::zeros(arma::size(p.W2)),
          arma::zeros(p.b2.n_elem)};
  for (arma::uword i = 0; i < X.n_cols; ++i) {
    const arma::vec x = X.col(i), y = Y.col(i);
    const arma::vec a1 = 1.0 / (1.0 + arma::exp(-(p.W1 * x + p.b1)));  // hidden layer
    const arma::vec z2 = p.W2 * a1 + p.b2;
    arma::vec a2, delta2;
    if (head == Head::sigmoid_mse) {
      a2 = 1.0 / (1.0 + arma::exp(-z2));
      delta2 = (a2 - y) % a2 % (1.0 - a2);  // dL_i/dz2 for 1/2 ||a - y||^2
    } else {
      a2 = arma::exp(z2 - z2.max());
      a2 /= arma::accu(a2);
      delta2 = a2 - y;                      // dL_i/dz2 for -y . ln softmax(z2)
    }
    const arma::vec delta1 = (p.W2.t() * delta2) % a1 % (1.0 - a1);
    g.dW2 += delta2 * a1.t() / m;
    g.db2 += delta2 / m;
    g.dW1 += delta1 * x.t() / m;
    g.db1 += delta1 / m;
  }
  return g;
}
// [per_example]

// [update]
/// \brief One step of gradient descent:
/// \f$ \theta \leftarrow \theta - \eta\, \partial L/\partial \theta \f$ for every parameter.
inline void update(Params& p, const Grads& g, double eta) {
  p.W1 -= eta * g.dW1;
  p.b1 -= eta * g.db1;
  p.W2 -= eta * g.dW2;
  p.b2 -= eta * g.db2;
}
// [update]

/// \brief Predicted class of each column: the largest output. \param X (n_in x m) \return (m)
inline arma::uvec predict(const Params& p, const arma::mat& X, Head head) {
  return course::argmax_cols(forward(p, X, head).A2);
}

/// What training recorded: one entry before the first step and one after every step.
struct History {
  std::vector<double> loss;           ///< training loss (epochs + 1 entries)
  std::vector<double> test_accuracy;  ///< fraction of the test set right (epochs + 1 entries)
};

// [train]
/// \brief Full-batch gradient descent, as the article trains: every epoch is one step on all
/// training examples at once.
/// \param X (n_in x m) training examples; \param t (m) their labels
/// \param X_test (n_in x m_test) test examples, only watched; \param t_test (m_test) their labels
inline History train(Params& p, const arma::mat& X, const arma::uvec& t, const arma::mat& X_test,
                     const arma::uvec& t_test, Head head, double eta, arma::uword epochs) {
  const arma::mat Y = course::one_hot(t, p.W2.n_rows);  // (K x m)
  History h;
  for (arma::uword epoch = 0; epoch <= epochs; ++epoch) {
    const Cache c = forward(p, X, head);
    h.loss.push_back(loss(c, Y, head));
    h.test_accuracy.push_back(course::accuracy(forward(p, X_test, head).A2, t_test));
    if (epoch == epochs) break;  // the last entry is after the last step
    update(p, backward(p, c, X, Y, head), eta);
  }
  return h;
}
// [train]

}  // namespace article_iris
