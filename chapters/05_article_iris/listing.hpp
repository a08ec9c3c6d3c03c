/// \file
/// \brief Chapter 05: the article's Python listing ported line by line, with each of its bugs a
/// switch, so that every bug can be put back and its effect measured.
///
/// What it is: the listing's `NeuralNetwork` class (constructor, forward, backward with an
/// in-place update) and its script (scale, split, train 1000 epochs, test). With every switch
/// off it is the working program closest to the original; network.hpp is the same network
/// written cleanly, and the tests check that the two agree.
/// What it leaves out on purpose: everything the listing does not do. Where numpy would stop
/// with a shape error, the port checks the shape explicitly and throws ShapeError: Armadillo
/// checks shapes too, but the course's Release build switches those checks off for speed.
#pragma once

#include <armadillo>
#include <string>
#include <vector>

#include "chapters/05_article_iris/network.hpp"
#include "chapters/05_article_iris/numpy_random.hpp"
#include "chapters/05_article_iris/sklearn_split.hpp"
#include "common/data.hpp"
#include "common/error.hpp"
#include "common/matrix.hpp"

namespace article_iris {

// [bugs]
/// Which of the listing's bugs are still in (true: as printed).
struct Bugs {
  bool W1_transposed = false;             ///< 1: W1 is created with its two sizes swapped
  bool labels_not_one_hot = false;        ///< 2: targets are the class numbers 0, 1, 2
  bool bias_gradient_not_summed = false;  ///< 3: db is delta itself, not its sum over the batch
  bool sigma_prime_of_Z1 = false;         ///< 4: sigma' = a(1 - a) is applied to Z1 instead of A1
  bool scaler_fit_on_all = false;         ///< 5: the scaler sees all 150 rows, test rows included

  /// The listing as printed: every bug in.
  static Bugs as_printed() { return {true, true, true, true, true}; }
};
// [bugs]

/// A shape mismatch of the kind numpy reports as `ValueError` (the listing would stop here).
struct ShapeError : course::Error {
  using course::Error::Error;
};

/// "(rows x cols)" of a matrix, for messages.
inline std::string shape(const arma::mat& A) {
  return "(" + std::to_string(A.n_rows) + " x " + std::to_string(A.n_cols) + ")";
}

// [checks]
/// \brief Stop like numpy when `A * B` is impossible: A's columns must equal B's rows.
inline void require_product(const arma::mat& A, const arma::mat& B, const std::string& what) {
  if (A.n_cols != B.n_rows)
    throw ShapeError(what + ": " + shape(A) + " times " + shape(B) + ", the inner sizes " +
                     std::to_string(A.n_cols) + " and " + std::to_string(B.n_rows) + " differ");
}

/// \brief Stop like numpy when an element-wise `A - B` or `A -= B` has operands of two shapes.
inline void require_same_shape(const arma::mat& A, const arma::mat& B, const std::string& what) {
  if (A.n_rows != B.n_rows || A.n_cols != B.n_cols)
    throw ShapeError(what + ": shapes " + shape(A) + " and " + shape(B) + " differ");
}
// [checks]

/// \brief The listing's `NeuralNetwork` class, ported. Its members mirror the Python's: the
/// parameters and the forward pass's intermediate values (samples as columns here).
class ListingNet {
 public:
  arma::mat W1, b1, W2, b2;  ///< (n_hidden x n_in), (n_hidden x 1), (K x n_hidden), (K x 1)
  /// The last forward pass: Z1, A1 (n_hidden x m), Z2, A2 (K x m).
  arma::mat Z1, A1, Z2, A2;
  Bugs bugs;                 ///< which bugs are in

  // [listing_init]
  /// \brief `np.random.seed(seed); NeuralNetwork(n_in, n_hidden, K)`: randn weights, zero biases.
  ListingNet(arma::uword n_in, arma::uword n_hidden, arma::uword K, std::uint32_t seed,
             const Bugs& bugs_in)
      : bugs(bugs_in) {
    RandomState rng(seed);
    W1 = bugs.W1_transposed ? rng.randn_transposed(n_hidden, n_in)  // bug 1: (n_in x n_hidden)
                            : rng.randn_transposed(n_in, n_hidden);  // (n_hidden x n_in)
    b1.zeros(n_hidden, 1);
    W2 = rng.randn_transposed(n_hidden, K);
    b2.zeros(K, 1);
  }
  // [listing_init]

  // [listing_forward]
  /// \brief `forward(X)`: sigmoid hidden layer, sigmoid outputs.
  /// \param X (n_in x m) \return A2 (K x m)
  const arma::mat& forward(const arma::mat& X) {
    require_product(W1, X, "W1 * X");
    Z1 = W1 * X;
    Z1.each_col() += b1.col(0);
    A1 = sigmoid(Z1);
    Z2 = W2 * A1;
    Z2.each_col() += b2.col(0);
    A2 = sigmoid(Z2);
    return A2;
  }
  // [listing_forward]

  /// \brief The listing's prediction: the class with the largest output, for each column of X;
  /// the same forward pass, without overwriting Z1, A1, Z2, A2. \return (m)
  arma::uvec predict(const arma::mat& X) const {
    require_product(W1, X, "W1 * X");
    arma::mat Z = W1 * X;
    Z.each_col() += b1.col(0);
    Z = W2 * sigmoid(Z);
    Z.each_col() += b2.col(0);
    return course::argmax_cols(sigmoid(Z));
  }

  /// \brief The listing's loss after forward(X): \f$ \frac{1}{2m}\sum (A_2 - Y)^2 \f$.
  /// (The listing prints `np.mean((y - a2) ** 2)`, which is 2/K times this.)
  double loss(const arma::mat& Y) const {
    require_same_shape(A2, Y, "A2 - Y");
    return 0.5 * arma::accu(arma::square(A2 - Y)) / static_cast<double>(Y.n_cols);
  }

  /// The gradients as the listing computes them; db1, db2 are matrices because of bug 3.
  struct Gradients {
    arma::mat dW1, db1, dW2, db2;  ///< shapes of W1, b1, W2, b2 (db: (n x m) with bug 3)
  };

  // [listing_backward]
  /// \brief The first half of the listing's `backward(X, y, lr)`: the gradients, after forward(X).
  /// \param X (n_in x m); \param Y (K x m) one-hot targets, or (1 x m) class numbers with bug 2
  Gradients gradients(const arma::mat& X, const arma::mat& Y) const {
    const double m = static_cast<double>(X.n_cols);
    require_same_shape(A2, Y, "A2 - Y");                   // bug 2 stops here
    const arma::mat dZ2 = (A2 - Y) % (A2 % (1.0 - A2));    // sigmoid_derivative(a2) = a2 (1 - a2)
    const arma::mat s1 = bugs.sigma_prime_of_Z1 ? arma::mat(Z1 % (1.0 - Z1))   // bug 4: of z1
                                                : arma::mat(A1 % (1.0 - A1));  // of a1
    const arma::mat dZ1 = (W2.t() * dZ2) % s1;
    Gradients g;
    g.dW2 = dZ2 * A1.t() / m;
    g.db2 = bugs.bias_gradient_not_summed ? arma::mat(dZ2 / m)                  // bug 3
                                          : arma::mat(arma::sum(dZ2, 1) / m);   // sum over axis 0
    g.dW1 = dZ1 * X.t() / m;
    g.db1 = bugs.bias_gradient_not_summed ? arma::mat(dZ1 / m) : arma::mat(arma::sum(dZ1, 1) / m);
    return g;
  }

  /// \brief `backward(X, y, lr)`: the gradients, then the in-place update `W -= lr * dW`.
  void backward(const arma::mat& X, const arma::mat& Y, double lr) {
    const Gradients g = gradients(X, Y);
    W2 -= lr * g.dW2;
    require_same_shape(b2, g.db2, "b2 -= lr * db2");       // bug 3 stops here
    b2 -= lr * g.db2;
    W1 -= lr * g.dW1;
    require_same_shape(b1, g.db1, "b1 -= lr * db1");
    b1 -= lr * g.db1;
  }
  // [listing_backward]
};

/// What one run of the listing gives.
struct ListingRun {
  std::vector<double> loss;           ///< training loss before each step and after the last
  std::vector<double> test_accuracy;  ///< test accuracy at the same points
  arma::uvec test_predictions;        ///< (m_test) predicted class of each test example at the end
  arma::uword test_correct = 0;       ///< how many of them are right
  arma::uword test_size = 0;          ///< m_test
};

// [listing_script]
/// \brief The listing's script: load, scale, split, build the network, train, test.
/// Throws ShapeError where numpy would stop.
/// \param iris the 150 flowers (4 x 150); \param bugs which bugs are in
/// \param seed the np.random.seed the listing lacked
/// \param split_seed train_test_split's random_state
/// \param lr learning rate (the listing's 0.01)
/// \param epochs full-batch steps (the listing's 1000)
/// \param n_hidden hidden units (the listing's 5)
inline ListingRun run_listing(const course::Dataset& iris, const Bugs& bugs, std::uint32_t seed,
                              std::uint32_t split_seed, double lr = 0.01,
                              arma::uword epochs = 1000, arma::uword n_hidden = 5) {
  arma::mat X = iris.X;                                          // (4 x 150)
  if (bugs.scaler_fit_on_all) X = course::StandardScaler<>().fit_transform(X);    // bug 5
  const course::Split split = train_test_split(X.n_cols, 0.2, split_seed);
  arma::mat X_train = X.cols(split.train), X_test = X.cols(split.test);
  if (!bugs.scaler_fit_on_all) {                                 // fit on the training part only
    course::StandardScaler<> scaler;
    scaler.fit(X_train);
    X_train = scaler.transform(X_train);
    X_test = scaler.transform(X_test);
  }
  const arma::uvec t_train = iris.labels.elem(split.train), t_test = iris.labels.elem(split.test);
  const arma::uword K = iris.class_names.size();
  arma::mat Y = course::one_hot(t_train, K);                                 // (K x m)
  if (bugs.labels_not_one_hot) Y = arma::conv_to<arma::rowvec>::from(t_train);  // bug 2: (1 x m)

  ListingNet net(X.n_rows, n_hidden, K, seed, bugs);
  ListingRun run;
  run.test_size = t_test.n_elem;
  for (arma::uword epoch = 0;; ++epoch) {
    net.forward(X_train);                          // bug 1 stops here
    run.loss.push_back(net.loss(Y));               // bug 2 stops here
    run.test_predictions = net.predict(X_test);
    run.test_correct = arma::accu(run.test_predictions == t_test);
    run.test_accuracy.push_back(static_cast<double>(run.test_correct) / run.test_size);
    if (epoch == epochs) break;                    // the last entry is after the last step
    net.backward(X_train, Y, lr);                  // bug 3 stops here
  }
  return run;
}
// [listing_script]

}  // namespace article_iris
