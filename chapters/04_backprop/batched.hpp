/// \file
/// \brief Chapter 04: backpropagation for a whole batch at once, in matrix form.
///
/// What it is: the same forward, loss and backward as per_example.hpp, with the loops over
/// units and examples turned into matrix products (examples are columns). The tests check it
/// against the per-example loops to 1e-12. What it leaves out on purpose: any saving of memory
/// or time beyond what the matrix form gives (the caches are plain copies).
#pragma once

#include <armadillo>

#include "chapters/04_backprop/two_layer_net.hpp"

namespace backprop {

/// What the forward pass of a batch computes and the backward pass needs again.
struct BatchCache {
  arma::mat Z1;  ///< (n_hidden x m) hidden pre-activations
  arma::mat A1;  ///< (n_hidden x m) hidden activations
  arma::mat Z2;  ///< (n_out x m)    output pre-activations
  arma::mat A2;  ///< (n_out x m)    outputs, the prediction \f$ \hat Y = A^{(2)} \f$
};

// [forward]
/// \brief Forward pass for a batch:
/// \f$ Z^{(1)} = W^{(1)} X + b^{(1)},\; A^{(1)} = \sigma(Z^{(1)}),\;
///      Z^{(2)} = W^{(2)} A^{(1)} + b^{(2)},\; \hat Y = A^{(2)} = \sigma(Z^{(2)}) \f$,
/// the biases added to every column.
/// \param X (n_in x m) examples as columns \return Z1, A1 (n_hidden x m), Z2, A2 (n_out x m)
inline BatchCache forward(const TwoLayerNet& net, const arma::mat& X) {
  BatchCache c;
  c.Z1 = net.W1 * X;          // (n_hidden x m) = (n_hidden x n_in)(n_in x m)
  c.Z1.each_col() += net.b1;  // Z1 = W1 X + b1
  c.A1 = sigmoid(c.Z1);       // A1 = sigma(Z1)
  c.Z2 = net.W2 * c.A1;       // (n_out x m) = (n_out x n_hidden)(n_hidden x m)
  c.Z2.each_col() += net.b2;  // Z2 = W2 A1 + b2
  c.A2 = sigmoid(c.Z2);       // Y_hat = A2 = sigma(Z2)
  return c;
}
// [forward]

// [loss]
/// \brief The loss of a batch, half the mean squared error:
/// \f$ L = \frac1m \sum_i \tfrac12 \lVert \hat y_i - y_i \rVert^2 \f$.
/// \param A2 (n_out x m) outputs \f$ \hat Y \f$; \param Y (n_out x m) targets
inline double loss(const arma::mat& A2, const arma::mat& Y) {
  return 0.5 * arma::accu(arma::square(A2 - Y)) / static_cast<double>(A2.n_cols);
}
// [loss]

// [backward]
/// \brief Backward pass for a batch: the gradient of loss() with respect to every parameter.
///
/// \f[ \delta^{(2)} = (\hat Y - Y) \odot \hat Y \odot (1 - \hat Y), \qquad
///     \delta^{(1)} = (W^{(2)T} \delta^{(2)}) \odot A^{(1)} \odot (1 - A^{(1)}), \f]
/// \f[ \frac{\partial L}{\partial W^{(l)}} = \frac1m \delta^{(l)} A^{(l-1)T}, \qquad
///     \frac{\partial L}{\partial b^{(l)}} = \frac1m \sum_i \delta^{(l)}_{:,i}, \qquad
///     A^{(0)} = X. \f]
/// The sum over examples in \f$ \delta A^T \f$ is the loop over i of the per-example form; the
/// sum over output units in \f$ W^{(2)T} \delta^{(2)} \f$ is its loop over o.
/// \param X (n_in x m) examples; \param Y (n_out x m) targets; \param c forward(net, X)
/// \return the gradients, each with its parameter's shape
inline Gradients backward(const TwoLayerNet& net, const arma::mat& X, const arma::mat& Y,
                          const BatchCache& c) {
  const double m = static_cast<double>(X.n_cols);
  Gradients g;
  // In the forward pass this was A2 = sigma(Z2), Z2 = W2 A1 + b2; so now:
  const arma::mat delta2 = (c.A2 - Y) % c.A2 % (1.0 - c.A2);  // (n_out x m) dL_i/dZ2
  g.dW2 = delta2 * c.A1.t() / m;                              // (n_out x n_hidden)
  g.db2 = arma::sum(delta2, 1) / m;                           // (n_out)
  // In the forward pass this was A1 = sigma(Z1), Z1 = W1 X + b1; so now:
  const arma::mat delta1 = (net.W2.t() * delta2) % c.A1 % (1.0 - c.A1);  // (n_hidden x m)
  g.dW1 = delta1 * X.t() / m;                                            // (n_hidden x n_in)
  g.db1 = arma::sum(delta1, 1) / m;                                      // (n_hidden)
  return g;
}
// [backward]

}  // namespace backprop
