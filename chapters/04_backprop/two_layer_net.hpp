/// \file
/// \brief Chapter 04: a two-layer network (inputs -> sigmoid hidden layer -> sigmoid outputs),
/// its parameters, their random start, and the gradient-descent update.
///
/// What it is: the smallest network that backpropagation is about, with every parameter in
/// plain sight: \f$ W^{(1)}, b^{(1)} \f$ for the hidden layer and \f$ W^{(2)}, b^{(2)} \f$ for the
/// output layer. How the gradients are computed is in per_example.hpp (loops, the oracle) and
/// batched.hpp (matrices). What it leaves out on purpose: more layers, other activations, any
/// layer abstraction (chapter 06), momentum and other optimizers (chapter 08). Double precision.
#pragma once

#include <armadillo>
#include <cmath>

#include "common/random.hpp"

/// \brief Chapter 04: backpropagation written out by hand for a two-layer network.
namespace backprop {

// Dimension legend:
//   n_in     = inputs per example (2 for XOR)
//   n_hidden = hidden units
//   n_out    = output units (1 for XOR)
//   m        = examples in a batch (4 for XOR); examples are columns.

// [sigmoid]
/// \brief The logistic sigmoid \f$ \sigma(z) = 1 / (1 + e^{-z}) \f$, element-wise.
///
/// Its derivative is \f$ \sigma'(z) = \sigma(z)(1 - \sigma(z)) \f$: the backward pass needs only
/// the output \f$ a = \sigma(z) \f$, computed in the forward pass, and gets \f$ a(1 - a) \f$.
inline double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

/// \brief The sigmoid of every entry of a matrix. \param Z any shape \return same shape
inline arma::mat sigmoid(const arma::mat& Z) { return 1.0 / (1.0 + arma::exp(-Z)); }
// [sigmoid]

// [net]
/// \brief The parameters of the network
/// \f$ \hat y = \sigma(W^{(2)} \sigma(W^{(1)} x + b^{(1)}) + b^{(2)}) \f$.
///
/// Row j of a weight matrix holds the weights into unit j: \f$ W_{jk} \f$ connects input k to
/// unit j (the course's convention), so a layer computes \f$ z = W a + b \f$.
struct TwoLayerNet {
  arma::mat W1;  ///< (n_hidden x n_in)  weights into the hidden layer
  arma::vec b1;  ///< (n_hidden)         hidden biases
  arma::mat W2;  ///< (n_out x n_hidden) weights into the output layer
  arma::vec b2;  ///< (n_out)            output biases

  /// All parameters zero: call init() for a random start.
  TwoLayerNet(arma::uword n_in, arma::uword n_hidden, arma::uword n_out)
      : W1(n_hidden, n_in, arma::fill::zeros),
        b1(n_hidden, arma::fill::zeros),
        W2(n_out, n_hidden, arma::fill::zeros),
        b2(n_out, arma::fill::zeros) {}

  arma::uword n_in() const { return W1.n_cols; }      ///< inputs per example
  arma::uword n_hidden() const { return W1.n_rows; }  ///< hidden units
  arma::uword n_out() const { return W2.n_rows; }     ///< output units
};
// [net]

// [init]
/// \brief A random start: every weight and bias uniform in \f$ [-r, r) \f$.
///
/// Not zero: with equal weights every hidden unit would compute the same thing and receive
/// the same gradient, and they would stay copies of each other forever (the symmetry problem).
/// \param r half-width of the range (1 in this chapter); \param rng the run's generator
inline void init(TwoLayerNet& net, double r, course::Rng& rng) {
  course::fill_uniform(net.W1, rng, -r, r);
  course::fill_uniform(net.b1, rng, -r, r);
  course::fill_uniform(net.W2, rng, -r, r);
  course::fill_uniform(net.b2, rng, -r, r);
}
// [init]

/// \brief \f$ \partial L / \partial \theta \f$ for every parameter, each with its
/// parameter's shape.
struct Gradients {
  arma::mat dW1;  ///< (n_hidden x n_in)
  arma::vec db1;  ///< (n_hidden)
  arma::mat dW2;  ///< (n_out x n_hidden)
  arma::vec db2;  ///< (n_out)
};

// [update]
/// \brief One step of gradient descent:
/// \f$ \theta \leftarrow \theta - \eta\, \partial L / \partial \theta \f$ for every parameter.
/// \param eta learning rate > 0
inline void update(TwoLayerNet& net, const Gradients& g, double eta) {
  net.W1 -= eta * g.dW1;  // W1 <- W1 - eta dL/dW1
  net.b1 -= eta * g.db1;
  net.W2 -= eta * g.dW2;  // W2 <- W2 - eta dL/dW2
  net.b2 -= eta * g.db2;
}
// [update]

}  // namespace backprop
