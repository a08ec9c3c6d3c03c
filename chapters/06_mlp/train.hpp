/// \file
/// \brief Chapter 06: mini-batch training with per-epoch shuffling, and evaluation.
///
/// One epoch: shuffle the training examples (one copy of the data per epoch into buffers that
/// are reused), walk them in consecutive batches of columns (views, not copies), and for each
/// batch do the four steps: forward, loss, backward, update. After the first batch nothing in
/// this loop allocates memory. Omits: validation splits and early stopping (chapter 09).
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <string>

#include "chapters/06_mlp/loss.hpp"
#include "chapters/06_mlp/optimizer.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "common/error.hpp"
#include "common/matrix.hpp"
#include "common/random.hpp"
#include "common/run.hpp"

namespace mlp {

/// \brief Trains a network with a loss and an optimizer on mini-batches.
template <class T>
class Trainer {
 public:
  using Mat = arma::Mat<T>;

  Trainer(Sequential<T>& net, Loss<T>& loss, Optimizer<T>& optimizer, arma::uword batch_size)
      : net_(net), loss_(loss), optimizer_(optimizer), batch_size_(batch_size) {
    if (batch_size == 0) throw course::UsageError("batch size must be at least 1");
  }

  /// Called after each batch (e.g. to move a learning-rate schedule); may be empty.
  std::function<void(arma::uword batch)> after_batch;

  // [train_epoch]
  /// \brief One pass over the training data in a new random order.
  /// \param X (n_in x n) examples; \param Y (K x n) targets (one-hot for classification)
  /// \param epoch the epoch number, for messages; \param progress optional progress line
  /// \return the mean loss over the epoch's batches
  double train_epoch(const Mat& X, const Mat& Y, course::Rng& rng, std::size_t epoch,
                     course::Progress* progress = nullptr) {
    if (X.n_cols != Y.n_cols)
      throw course::Error("train_epoch: " + std::to_string(X.n_cols) + " examples but " +
                          std::to_string(Y.n_cols) + " targets");
    shuffle(X, Y, rng);  // X_, Y_ = the examples in a new random order (one copy per epoch)
    net_.set_training(true);
    double total = 0;
    arma::uword batch = 0;
    for (arma::uword first = 0; first < X.n_cols; first += batch_size_, ++batch) {
      const arma::uword m = std::min(batch_size_, X.n_cols - first);
      // The batch is columns [first, first + m) of the shuffled data: a view, not a copy.
      const Mat Xb(X_.colptr(first), X_.n_rows, m, /*copy_aux_mem=*/false, /*strict=*/true);
      const Mat Yb(Y_.colptr(first), Y_.n_rows, m, false, true);
      const Mat& A = net_.forward(Xb);   // 1. forward
      const T L = loss_.forward(A, Yb);  // 2. loss
      if (!std::isfinite(static_cast<double>(L))) diverged(epoch, batch + 1, L);
      net_.backward(loss_.backward());  // 3. backward
      optimizer_.step();                // 4. update
      total += static_cast<double>(L) * m;
      if (after_batch) after_batch(batch);
      if (progress) progress->update(first + m);
    }
    return total / static_cast<double>(X.n_cols);
  }
  // [train_epoch]

 private:
  [[noreturn]] void diverged(std::size_t epoch, arma::uword batch, T L) const {
    std::ostringstream s;
    s << "training diverged at epoch " << epoch << ", batch " << batch << ": the loss is " << L
      << " (is the learning rate eta = " << optimizer_.eta << " too high?)";
    throw course::Error(s.str());
  }

  void shuffle(const Mat& X, const Mat& Y, course::Rng& rng) {
    const arma::uvec order = course::permutation(X.n_cols, rng);
    X_.set_size(X.n_rows, X.n_cols);
    Y_.set_size(Y.n_rows, Y.n_cols);
    for (arma::uword j = 0; j < order.n_elem; ++j) {
      X_.col(j) = X.col(order[j]);
      Y_.col(j) = Y.col(order[j]);
    }
  }

  Sequential<T>& net_;
  Loss<T>& loss_;
  Optimizer<T>& optimizer_;
  arma::uword batch_size_;
  Mat X_, Y_;  // the shuffled epoch: (n_in x n) and (K x n), reused every epoch
};

// [evaluate]
/// \brief The network's output for every example, in evaluation mode (dropout off), computed
/// in chunks so that the intermediate activations stay small.
/// \param X (n_in x n) examples; \param chunk examples per forward pass
/// \return (n_out x n) outputs (the logits, for a network that ends in a Dense layer)
template <class T>
arma::Mat<T> forward_eval(Sequential<T>& net, const arma::Mat<T>& X, arma::uword chunk = 10000) {
  const bool was_training = net.size() == 0 || net.layer(0).training();
  net.set_training(false);
  arma::Mat<T> out;
  for (arma::uword first = 0; first < X.n_cols; first += chunk) {
    const arma::uword m = std::min(chunk, X.n_cols - first);
    const arma::Mat<T>& A = net.forward(course::column_view(X, first, m));  // (n_out x m)
    if (first == 0) out.set_size(A.n_rows, X.n_cols);
    out.cols(first, first + m - 1) = A;
  }
  net.set_training(was_training);
  return out;
}

/// \brief Predicted class of every example: argmax of the network's output, in eval mode.
/// \param X (n_in x n) examples; \return (n) class indices
template <class T>
arma::uvec predict(Sequential<T>& net, const arma::Mat<T>& X, arma::uword chunk = 10000) {
  return course::argmax_cols(forward_eval(net, X, chunk));
}

/// \brief Number of examples whose predicted class equals the label.
template <class T>
arma::uword count_correct(Sequential<T>& net, const arma::Mat<T>& X, const arma::uvec& labels) {
  return arma::accu(predict(net, X) == labels);
}

/// \brief Fraction of examples whose predicted class equals the label (0 for no examples).
template <class T>
double accuracy(Sequential<T>& net, const arma::Mat<T>& X, const arma::uvec& labels) {
  return X.n_cols ? double(count_correct(net, X, labels)) / double(X.n_cols) : 0.0;
}
// [evaluate]

}  // namespace mlp
