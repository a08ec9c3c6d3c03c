/// \file
/// \brief Chapter 04: backpropagation for one example at a time, written with explicit loops
/// over the units, so every line is one factor of the chain rule.
///
/// What it is: forward, loss and backward for a single example x, and the batch gradient as
/// the average of the per-example gradients. It is slow on purpose and kept as the oracle that
/// the matrix form in batched.hpp is tested against. What it leaves out on purpose: matrices
/// (batched.hpp), any other loss than the squared error of Rumelhart, Hinton and Williams (1986).
#pragma once

#include <armadillo>

#include "chapters/04_backprop/two_layer_net.hpp"

namespace backprop {

/// What the forward pass of one example computes and the backward pass needs again.
struct ExampleCache {
  arma::vec z1;     ///< (n_hidden) hidden pre-activations  W1 x + b1
  arma::vec a1;     ///< (n_hidden) hidden activations      sigma(z1)
  arma::vec z2;     ///< (n_out)    output pre-activations  W2 a1 + b2
  arma::vec y_hat;  ///< (n_out) outputs, the prediction sigma(z2)
};

// [forward_one]
/// \brief Forward pass for one example:
/// \f$ z^{(1)} = W^{(1)} x + b^{(1)},\; a^{(1)} = \sigma(z^{(1)}),\;
///      z^{(2)} = W^{(2)} a^{(1)} + b^{(2)},\; \hat y = \sigma(z^{(2)}) \f$.
/// \param x (n_in) one example \return the four vectors above
inline ExampleCache forward_one(const TwoLayerNet& net, const arma::vec& x) {
  ExampleCache c;
  c.z1.set_size(net.n_hidden());
  c.a1.set_size(net.n_hidden());
  for (arma::uword j = 0; j < net.n_hidden(); ++j) {  // hidden unit j
    c.z1[j] = net.b1[j];                              // z1_j = sum_k W1_jk x_k + b1_j
    for (arma::uword k = 0; k < net.n_in(); ++k) c.z1[j] += net.W1(j, k) * x[k];
    c.a1[j] = sigmoid(c.z1[j]);  // a1_j = sigma(z1_j)
  }
  c.z2.set_size(net.n_out());
  c.y_hat.set_size(net.n_out());
  for (arma::uword j = 0; j < net.n_out(); ++j) {  // output unit j
    c.z2[j] = net.b2[j];                           // z2_j = sum_k W2_jk a1_k + b2_j
    for (arma::uword k = 0; k < net.n_hidden(); ++k) c.z2[j] += net.W2(j, k) * c.a1[k];
    c.y_hat[j] = sigmoid(c.z2[j]);  // y_hat_j = sigma(z2_j)
  }
  return c;
}
// [forward_one]

// [loss_one]
/// \brief The squared error of one example: \f$ L_i = \tfrac12 \sum_j (\hat y_j - y_j)^2 \f$.
/// \param y_hat (n_out) outputs; \param y (n_out) targets
inline double loss_one(const arma::vec& y_hat, const arma::vec& y) {
  double L = 0;
  for (arma::uword j = 0; j < y.n_elem; ++j) L += 0.5 * (y_hat[j] - y[j]) * (y_hat[j] - y[j]);
  return L;
}
// [loss_one]

// [backward_one]
/// \brief Backward pass for one example: \f$ \partial L_i / \partial \theta \f$ for every
/// parameter.
///
/// Each weight gets the chain rule
/// \f$ \frac{\partial L}{\partial w_{jk}} = \frac{\partial L}{\partial \hat y_j}
///     \frac{\partial \hat y_j}{\partial z_j} \frac{\partial z_j}{\partial w_{jk}} \f$,
/// one factor per line. The hidden layer is the same rule, with
/// \f$ \partial L / \partial a^{(1)}_j \f$ collected from every output unit that
/// \f$ a^{(1)}_j \f$ feeds.
/// \param x (n_in) the example; \param y (n_out) its target; \param c its forward pass
inline Gradients backward_one(const TwoLayerNet& net, const arma::vec& x, const arma::vec& y,
                              const ExampleCache& c) {
  Gradients g{arma::mat(net.W1.n_rows, net.W1.n_cols), arma::vec(net.b1.n_elem),
              arma::mat(net.W2.n_rows, net.W2.n_cols), arma::vec(net.b2.n_elem)};
  // Output layer. In the forward pass: y_hat_j = sigma(z2_j), z2_j = sum_k W2_jk a1_k + b2_j.
  arma::vec delta2(net.n_out());  // delta2_j = dL/dz2_j
  for (arma::uword j = 0; j < net.n_out(); ++j) {
    const double dL_dy_hat = c.y_hat[j] - y[j];                // L = 1/2 sum_j (y_hat_j - y_j)^2
    const double dy_hat_dz = c.y_hat[j] * (1.0 - c.y_hat[j]);  // sigma'(z2_j)
    delta2[j] = dL_dy_hat * dy_hat_dz;
    for (arma::uword k = 0; k < net.n_hidden(); ++k)
      g.dW2(j, k) = delta2[j] * c.a1[k];  // dz2_j/dW2_jk = a1_k
    g.db2[j] = delta2[j];                 // dz2_j/db2_j = 1
  }
  // Hidden layer. In the forward pass: a1_j = sigma(z1_j), z1_j = sum_k W1_jk x_k + b1_j.
  for (arma::uword j = 0; j < net.n_hidden(); ++j) {
    double dL_da = 0;  // a1_j feeds every output o:
    for (arma::uword o = 0; o < net.n_out(); ++o)
      dL_da += delta2[o] * net.W2(o, j);             //   dL/da1_j = sum_o dL/dz2_o * W2_oj
    const double da_dz = c.a1[j] * (1.0 - c.a1[j]);  // sigma'(z1_j) = a1_j (1 - a1_j)
    const double delta1 = dL_da * da_dz;             // delta1_j = dL/dz1_j
    for (arma::uword k = 0; k < net.n_in(); ++k) g.dW1(j, k) = delta1 * x[k];  // dz1_j/dW1_jk = x_k
    g.db1[j] = delta1;                                                         // dz1_j/db1_j = 1
  }
  return g;
}
// [backward_one]

// [gradients_per_example]
/// \brief The batch loss \f$ L = \frac1m \sum_i L_i \f$ and its gradient, one example at a time:
/// the gradient of an average is the average of the per-example gradients.
/// \param X (n_in x m) examples as columns; \param Y (n_out x m) targets
/// \param[out] g the gradients, averaged over the m examples \return the loss L
inline double gradients_per_example(const TwoLayerNet& net, const arma::mat& X, const arma::mat& Y,
                                    Gradients& g) {
  g = Gradients{arma::zeros(net.W1.n_rows, net.W1.n_cols), arma::zeros(net.b1.n_elem),
                arma::zeros(net.W2.n_rows, net.W2.n_cols), arma::zeros(net.b2.n_elem)};
  double L = 0;
  const double m = static_cast<double>(X.n_cols);
  for (arma::uword i = 0; i < X.n_cols; ++i) {
    const arma::vec x = X.col(i), y = Y.col(i);
    const ExampleCache c = forward_one(net, x);
    const Gradients gi = backward_one(net, x, y, c);
    L += loss_one(c.y_hat, y) / m;  // L = 1/m sum_i L_i
    g.dW1 += gi.dW1 / m;            // dL/dW = 1/m sum_i dL_i/dW
    g.db1 += gi.db1 / m;
    g.dW2 += gi.dW2 / m;
    g.db2 += gi.db2 / m;
  }
  return L;
}
// [gradients_per_example]

}  // namespace backprop
