/// \file
/// \brief Chapter 03: the task and how it is scored: iris versicolor (y = 0) vs virginica
/// (y = 1), a seeded train/test split, features standardized on the training part.
///
/// What it is: the glue between the data and the neuron, shared by the executable and the
/// tests so both measure the same thing. What it leaves out on purpose: stratified splits,
/// k-fold cross-validation (chapter 10), and any tuning on the test part.
#pragma once

#include <armadillo>
#include <string>

#include "chapters/03_sigmoid_neuron/sigmoid_neuron.hpp"
#include "common/data.hpp"
#include "common/error.hpp"
#include "common/matrix.hpp"
#include "common/random.hpp"

namespace sigmoid_neuron {

/// Examples and 0/1 targets of a binary task.
struct Task {
  arma::mat X;     ///< (n_in x n) examples as columns, in cm
  arma::rowvec Y;  ///< (1 x n) targets: 0 versicolor, 1 virginica
};

// [task]
/// \brief Versicolor (y = 0) vs virginica (y = 1), the two iris species that overlap.
/// \param iris the full table (4 x 150); \param features which rows to keep (default: all 4)
/// \return X (features x 100), Y (1 x 100)
inline Task versicolor_virginica(const course::Dataset& iris,
                                 const arma::uvec& features = {0, 1, 2, 3}) {
  const arma::uvec cols = arma::find(iris.labels >= 1);  // classes 1 and 2
  Task task;
  task.X = iris.X.submat(features, cols);
  task.Y = arma::conv_to<arma::rowvec>::from(iris.labels.elem(cols)) - 1.0;  // 1, 2 -> 0, 1
  return task;
}
// [task]

/// How one model is trained.
struct Settings {
  double eta = 0.5;            ///< learning rate
  arma::uword epochs = 1000;   ///< full-batch gradient steps
  double test_fraction = 0.3;  ///< part of the data held out for testing
};

/// A model trained on one split and its scores.
struct Scored {
  SigmoidNeuron neuron{0};          ///< the trained neuron (on standardized inputs)
  course::StandardScaler<> scaler;  ///< fitted on the training part only
  History history;                  ///< loss and training accuracy per epoch
  double train_accuracy = 0;        ///< on the training part
  double test_accuracy = 0;         ///< on the held-out part
};

// [fit_split]
/// \brief Standardize with statistics of the training part, train from zero weights on
/// cross-entropy, and score both parts.
/// \param split column indices of the training and test parts (course::random_split)
inline Scored fit_split(const Task& task, const course::Split& split, const Settings& s) {
  Scored r;
  const arma::mat X_train = r.scaler.fit_transform(task.X.cols(split.train));  // (n_in x m)
  const arma::mat X_test = r.scaler.transform(task.X.cols(split.test));
  const arma::rowvec Y_train = task.Y.cols(split.train), Y_test = task.Y.cols(split.test);
  r.neuron = SigmoidNeuron(task.X.n_rows);
  r.history = train(r.neuron, X_train, Y_train, Loss::cross_entropy, s.eta, s.epochs);
  r.train_accuracy = accuracy(r.neuron, X_train, Y_train);
  r.test_accuracy = accuracy(r.neuron, X_test, Y_test);
  return r;
}
// [fit_split]

// [leave_one_out]
/// \brief Leave-one-out: train on all examples but one (scaler included), test on that one,
/// for each of the n examples. Deterministic; every example is tested exactly once.
/// \return the number of held-out examples classified correctly (out of n)
inline arma::uword leave_one_out(const Task& task, const Settings& s) {
  arma::uword right = 0;
  for (arma::uword k = 0; k < task.X.n_cols; ++k) {
    arma::uvec rest = arma::regspace<arma::uvec>(0, task.X.n_cols - 1);
    rest.shed_row(k);
    course::StandardScaler<> scaler;
    const arma::mat X_train = scaler.fit_transform(task.X.cols(rest));  // (n_in x n-1)
    SigmoidNeuron n(task.X.n_rows);
    train(n, X_train, task.Y.cols(rest), Loss::cross_entropy, s.eta, s.epochs);
    right += accuracy(n, scaler.transform(task.X.col(k)), task.Y.cols(arma::uvec{k})) == 1.0;
  }
  return right;
}
// [leave_one_out]

// [saturated]
/// \brief A saturated start on the wrong side: \f$ W_0 = -s\,u^T \f$, \f$ b_0 = 0 \f$, where u
/// is the unit vector from the mean of class 0 to the mean of class 1. On standardized data
/// most examples then get a logit of the wrong sign and size about s, so
/// \f$ \sigma'(z) \approx e^{-|z|} \f$ is tiny.
/// \param X (n_in x m) standardized examples; \param Y (1 x m); \param s the saturation (> 0)
inline SigmoidNeuron saturated_start(const arma::mat& X, const arma::rowvec& Y, double s) {
  for (const double y : {0.0, 1.0})
    if (!arma::any(Y == y))
      throw course::UsageError(
          "the training part has no example with y = " + std::to_string(static_cast<int>(y)) +
          "; hold out less (--test-fraction)");
  const arma::vec mu1 = arma::mean(X.cols(arma::find(Y == 1.0)), 1);
  const arma::vec mu0 = arma::mean(X.cols(arma::find(Y == 0.0)), 1);
  const arma::vec u = arma::normalise(mu1 - mu0);  // from class 0 towards class 1
  SigmoidNeuron n(X.n_rows);
  n.W = -s * u.t();  // pointing the wrong way
  n.b = 0.0;
  return n;
}
// [saturated]

}  // namespace sigmoid_neuron
