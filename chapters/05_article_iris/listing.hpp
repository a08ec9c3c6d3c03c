/// \file
/// \brief Chapter 05: the article's Python listing ported to C++, each of its bugs a switch that
/// can be put back, so that every stage of fixing it can be run and measured.
///
/// What it is: the listing's network class, line for line: a constructor that draws all four
/// parameters from `np.random.randn` (W1, W2, b1, b2, in that order), a forward pass with a
/// sigmoid hidden layer and a linear output, a backward pass that computes the gradients and
/// updates in place, and the training loop (full batch, every epoch). Samples are columns here
/// and rows in the listing: its `X @ W1` is `W1 * X` here, and its W1 is our W1 transposed (the
/// same numbers). Where Python stops, the port throws PythonError with the line Python prints.
/// The parameters and the update are chapter 04's (backprop::TwoLayerNet, backprop::update).
/// What it leaves out on purpose: the script around the class (loading, splitting, scaling and
/// the evaluation the listing lacks are in experiments.hpp). Double precision throughout, as
/// numpy computes: the tests compare the port's results with numpy's seed by seed.
#pragma once

#include <armadillo>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

#include "chapters/04_backprop/batched.hpp"
#include "chapters/04_backprop/two_layer_net.hpp"
#include "chapters/05_article_iris/numpy_random.hpp"
#include "common/error.hpp"

namespace article_iris {

// Dimension legend:  n_in = 4 features,  n_hidden = 5 hidden units,  K = 3 classes,
//                    m = 120 training examples (columns here, rows in the listing).

// [bugs]
/// \brief The listing's bugs, in the order Python meets them (true: as printed).
///
/// A fifth, that the program never measures anything, is not a switch: the port evaluates every
/// stage that finishes (experiments.hpp), since without that no stage could be compared.
struct Bugs {
  bool Y_class_numbers = false;             ///< 1: the targets are class numbers, not one-hot
  bool A1_out_of_scope = false;             ///< 2: backward() reads forward()'s local A1
  bool learning_rate_out_of_scope = false;  ///< 3: backward() reads train()'s learning_rate
  bool dz1_without_dA1 = false;             ///< 4: the hidden error drops the factor dA1

  /// The listing as printed: every bug in.
  static Bugs as_printed() { return {true, true, true, true}; }
};
// [bugs]

/// The output layer: the listing's is linear; the tuned network's is a softmax.
enum class Output { linear, softmax };

/// \brief Where the Python program stops: what() is one line, the place and then the last line
/// Python prints (its error), e.g. "backward(): NameError: name 'learning_rate' is not defined".
struct PythonError : course::Error {
  /// \param where the listing's function; \param line the line Python prints
  PythonError(const std::string& where, const std::string& line)
      : course::Error(where + ": " + line), python(line) {}
  std::string python;  ///< the line Python prints
};

/// \brief numpy's shape of one of our matrices, as numpy prints it: our (r x c) is numpy's
/// (c, r), and a one-row matrix stands for a 1-D array (c,) (the class numbers of bug 1).
inline std::string numpy_shape(const arma::mat& A) {
  if (A.n_rows == 1) return "(" + std::to_string(A.n_cols) + ",)";
  return "(" + std::to_string(A.n_cols) + "," + std::to_string(A.n_rows) + ")";
}

/// \brief Softmax of every column, in place: subtract the column's largest entry, exponentiate,
/// divide by the sum (the same steps as the tuned listing's two numpy lines; no allocation).
/// \param Z (K x m) scores; on return each column is positive and sums to 1
inline void softmax_in_place(arma::mat& Z) {
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    double* z = Z.colptr(j);
    double z_max = z[0];
    for (arma::uword k = 1; k < Z.n_rows; ++k) z_max = std::max(z_max, z[k]);
    double sum = 0;
    for (arma::uword k = 0; k < Z.n_rows; ++k) sum += (z[k] = std::exp(z[k] - z_max));
    for (arma::uword k = 0; k < Z.n_rows; ++k) z[k] /= sum;
  }
}

// [intended_loss]
/// \brief The loss whose gradient the listing's backward pass is meant to compute.
///
/// Its output error `dZ2 = A2 - Y`, averaged over m, is \f$ \partial L / \partial Z_2 \f$ of
/// \f[ L = \frac{1}{2m} \sum_i \lVert a_i - y_i \rVert^2 \;\text{(linear output)}, \qquad
///     L = -\frac{1}{m} \sum_i y_i \cdot \ln a_i \;\text{(softmax output)}. \f]
/// \param A2 (K x m) outputs; \param Y (K x m) one-hot targets
inline double intended_loss(const arma::mat& A2, const arma::mat& Y, Output output) {
  if (output == Output::linear) return backprop::loss(A2, Y);  // chapter 04's squared error
  return -arma::accu(Y % arma::log(A2)) / static_cast<double>(Y.n_cols);
}
// [intended_loss]

/// \brief The listing's network class, ported. Members mirror the Python's; the work matrices
/// keep their memory from epoch to epoch, so training allocates nothing after the first epoch.
class ListingNet {
 public:
  backprop::TwoLayerNet p;  ///< W1 (n_hidden x n_in), b1 (n_hidden), W2 (K x n_hidden), b2 (K)
  Bugs bugs;                ///< which bugs are in
  Output output;            ///< linear (the listing) or softmax (tuned)
  arma::mat A1;             ///< (n_hidden x m) last forward pass's hidden layer (fix 2 keeps it)
  arma::mat A2;             ///< (K x m) last forward pass's output
  backprop::Gradients g;    ///< last backward pass's gradients, each of its parameter's shape

  // [init]
  /// \brief `np.random.seed(seed)`, then the constructor's four `randn` calls in its order.
  ListingNet(arma::uword n_in, arma::uword n_hidden, arma::uword K, std::uint32_t seed,
             const Bugs& bugs_in, Output output_in = Output::linear)
      : p(n_in, n_hidden, K), bugs(bugs_in), output(output_in) {
    RandomState rng(seed);                        // np.random.seed(seed)
    p.W1 = rng.randn_transposed(n_in, n_hidden);  // randn(n_in, n_hidden), stored transposed
    p.W2 = rng.randn_transposed(n_hidden, K);     // randn(n_hidden, K), stored transposed
    p.b1 = rng.randn(n_hidden);                   // randn(n_hidden)
    p.b2 = rng.randn(K);                          // randn(K)
  }
  // [init]

  // [forward]
  /// \brief `forward(X)`: a sigmoid hidden layer, then a linear output (softmax when tuned).
  /// \param X (n_in x m) \return A2 (K x m)
  const arma::mat& forward(const arma::mat& X) {
    A1 = p.W1 * X;                      // Z1 = W1 X          (n_hidden x m)
    A1.each_col() += p.b1;              //      + b1, added to every column
    A1 = 1.0 / (1.0 + arma::exp(-A1));  // A1 = sigma(Z1), in place (backprop::sigmoid)
    A2 = p.W2 * A1;                     // Z2 = W2 A1         (K x m)
    A2.each_col() += p.b2;              // A2 = Z2 + b2: no activation
    if (output == Output::softmax) softmax_in_place(A2);  // tuned: A2 = softmax(Z2)
    return A2;
  }
  // [forward]

  // [gradients]
  /// \brief The first part of `backward(X, Y, A2)`: the gradients, stopping where Python stops.
  /// \param X (n_in x m); \param Y (K x m) one-hot targets, or (1 x m) class numbers (bug 1)
  /// \param A2 (K x m) forward(X)
  void gradients(const arma::mat& X, const arma::mat& Y, const arma::mat& A2) {
    const double m = static_cast<double>(Y.n_cols);  // m = Y.shape[0]
    if (Y.n_rows != A2.n_rows)                       // bug 1: numpy cannot broadcast (m,K), (m,)
      throw PythonError("backward()",
                        "ValueError: operands could not be broadcast together with shapes " +
                            numpy_shape(A2) + " " + numpy_shape(Y));
    dZ2_ = A2 - Y;             // dL/dZ2 times m          (K x m)
    if (bugs.A1_out_of_scope)  // bug 2, as Python 3.11 reports it
      throw PythonError("backward()", "NameError: name 'A1' is not defined. Did you mean: 'A2'?");
    g.dW2 = dZ2_ * A1.t();  // (K x n_hidden)
    g.dW2 /= m;
    g.db2 = arma::sum(dZ2_, 1);  // sum over the examples   (K)
    g.db2 /= m;
    dA1_ = p.W2.t() * dZ2_;  // dL/dA1 times m          (n_hidden x m)
    if (bugs.dz1_without_dA1)
      dZ1_ = A1 % (1.0 - A1);  // bug 4: sigma'(Z1) alone, no chain rule
    else
      dZ1_ = dA1_ % A1 % (1.0 - A1);  // dL/dZ1 = dL/dA1 . sigma'(Z1)
    g.dW1 = dZ1_ * X.t();             // (n_hidden x n_in)
    g.dW1 /= m;
    g.db1 = arma::sum(dZ1_, 1);  // (n_hidden)
    g.db1 /= m;
  }
  // [gradients]

  // [backward]
  /// \brief `backward(X, Y, A2)`: the gradients, then `theta -= learning_rate * dtheta`.
  void backward(const arma::mat& X, const arma::mat& Y, const arma::mat& A2, double lr) {
    gradients(X, Y, A2);
    if (bugs.learning_rate_out_of_scope)  // bug 3: a name from train()
      throw PythonError("backward()", "NameError: name 'learning_rate' is not defined");
    backprop::update(p, g, lr);  // chapter 04's step, every parameter
  }

  /// \brief `train(X, Y, learning_rate, epochs)`: one full-batch step per epoch.
  /// \param watch if given, called after every epoch with the epoch count (for curves)
  void train(const arma::mat& X, const arma::mat& Y, double lr, arma::uword epochs,
             const std::function<void(arma::uword)>& watch = {}) {
    for (arma::uword epoch = 0; epoch < epochs; ++epoch) {
      backward(X, Y, forward(X), lr);
      if (watch) watch(epoch + 1);
    }
  }
  // [backward]

  /// \brief The hidden layer for any examples, leaving A1, A2 untouched.
  /// \param X (n_in x n) \return (n_hidden x n)
  arma::mat hidden(const arma::mat& X) const {
    arma::mat Z1 = p.W1 * X;
    Z1.each_col() += p.b1;
    return backprop::sigmoid(Z1);
  }

  /// \brief The outputs for any examples (the test set), leaving A1, A2 untouched.
  /// \param X (n_in x n) \return (K x n)
  arma::mat outputs(const arma::mat& X) const {
    arma::mat Z2 = p.W2 * hidden(X);
    Z2.each_col() += p.b2;
    if (output == Output::softmax) softmax_in_place(Z2);
    return Z2;
  }

 private:
  arma::mat dZ2_, dA1_, dZ1_;  ///< work matrices (K x m), (n_hidden x m), (n_hidden x m)
};

}  // namespace article_iris
