/// \file
/// \brief Chapter 06: mini-batch training with per-epoch shuffling, and evaluation.
///
/// One epoch: draw a new random order of the training examples, walk it in consecutive
/// batches (each batch's columns gathered into a buffer that is reused), and for each batch do
/// the four steps: forward, loss, backward, update. After the first batch nothing in this loop
/// allocates memory. The fast path (`fast_sgd`) fuses steps 3 and 4 for plain SGD; it gives the
/// same updates up to float rounding. Omits: validation splits and early stopping (chapter 09).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>

#include "chapters/06_mlp/loss.hpp"
#include "chapters/06_mlp/optimizer.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "common/data.hpp"
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
    fast_sgd_possible_ = optimizer.plain_sgd() && net.fuses_sgd() && updates_all(net, optimizer);
  }

  /// Called after each batch (e.g. to move a learning-rate schedule); may be empty.
  std::function<void(arma::uword batch)> after_batch;

  /// \brief The fast path: when the optimizer is plain SGD over every parameter of a network
  /// whose layers with parameters are all Dense, fuse backward and update (Dense folds eta into
  /// its weight-gradient product: `W -= eta * delta * A_in^T`, one gemm, and never writes dW).
  /// Equal to backward-then-step up to float rounding; off by default, so that the chapters'
  /// recorded runs stay bit for bit as the lessons show them. Ignored when not possible.
  bool fast_sgd = false;
  /// \brief Whether this trainer can take the fast path (see fast_sgd).
  bool fast_sgd_possible() const { return fast_sgd_possible_; }

  // [train_epoch]
  /// \brief One pass over the training data in a new random order.
  /// \param X (n_in x n) examples: a Mat, or the same numbers kept as bytes
  /// (course::ByteExamples, a quarter of the memory to read: see gather)
  /// \param Y (K x n) targets (one-hot for classification)
  /// \param epoch the epoch number, for messages; \param progress optional progress line
  /// \return the mean loss over the epoch's batches
  template <class Examples>
  double train_epoch(const Examples& X, const Mat& Y, course::Rng& rng, std::size_t epoch,
                     course::Progress* progress = nullptr) {
    if (X.n_cols != Y.n_cols)
      throw course::Error("train_epoch: " + std::to_string(X.n_cols) + " examples but " +
                          std::to_string(Y.n_cols) + " targets");
    const arma::uvec order = course::permutation(X.n_cols, rng);  // a new random order
    const bool fused = fast_sgd && fast_sgd_possible_;
    net_.set_training(true);
    double total = 0;
    arma::uword batch = 0;
    for (arma::uword first = 0; first < X.n_cols; first += batch_size_, ++batch) {
      const arma::uword m = std::min(batch_size_, X.n_cols - first);
      // The batch: examples order[first .. first + m), gathered into reused buffers.
      const Mat Xb = gather(X, order, first, m, Xb_);  // (n_in x m)
      const Mat Yb = gather(Y, order, first, m, Yb_);  // (K x m)
      const Mat& A = net_.forward(Xb);                 // 1. forward
      const T L = loss_.forward(A, Yb);                // 2. loss
      if (!std::isfinite(static_cast<double>(L))) diverged(epoch, batch + 1, L);
      if (fused) {
        net_.backward_sgd(loss_.backward(), static_cast<T>(optimizer_.eta));  // 3 + 4, fused
      } else {
        net_.backward(loss_.backward());  // 3. backward
        optimizer_.step();                // 4. update
      }
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

  /// Copy columns order[first .. first + m) of `from` into `buffer` (sized once, for a full
  /// batch) and return a view of its first m columns: a batch in cache, no allocation.
  /// It also asks the CPU to start fetching the next batch's columns (a hint: no result
  /// changes), so that their cache misses overlap this batch's arithmetic instead of stalling
  /// the next gather: the columns are scattered over the whole set, where the hardware's own
  /// prefetcher cannot guess them.
  Mat gather(const Mat& from, const arma::uvec& order, arma::uword first, arma::uword m,
             Mat& buffer) const {
    if (buffer.n_rows != from.n_rows || buffer.n_cols < batch_size_)
      buffer.set_size(from.n_rows, batch_size_);
    for (arma::uword j = 0; j < m; ++j)
      std::copy_n(from.colptr(order[first + j]), from.n_rows, buffer.colptr(j));
    prefetch_next(from, order, first + m);
    return Mat(buffer.memptr(), from.n_rows, m, /*copy_aux_mem=*/false, /*strict=*/true);
  }

  /// The same from examples kept as bytes: each value converted as it is copied, by the
  /// division load_images uses (so the batch holds the very floats of ImageSet::X), reading a
  /// quarter of the memory.
  Mat gather(const course::ByteExamples& from, const arma::uvec& order, arma::uword first,
             arma::uword m, Mat& buffer) const {
    if (buffer.n_rows != from.n_rows || buffer.n_cols < batch_size_)
      buffer.set_size(from.n_rows, batch_size_);
    const float divisor = from.divisor;  // a local: the stores below cannot change it, so the
    const arma::uword n = from.n_rows;   // loop vectorizes
    for (arma::uword j = 0; j < m; ++j) {
      const unsigned char* __restrict u = from.bytes.colptr(order[first + j]);
      T* __restrict x = buffer.colptr(j);
      for (arma::uword i = 0; i < n; ++i) x[i] = T(float(u[i]) / divisor);
    }
    prefetch_next(from.bytes, order, first + m);
    return Mat(buffer.memptr(), from.n_rows, m, /*copy_aux_mem=*/false, /*strict=*/true);
  }

  /// Ask the CPU to fetch the columns of the batch that starts at `next` (a hint).
  /// Always inlined, or it does nothing: GCC 12 counts a prefetch as free of side effects, so it
  /// finds a function made only of prefetches "pure", and a pure function that returns nothing
  /// is a call it deletes (the chapter's bench lost every prefetch that way until we looked).
  template <class E>
  [[gnu::always_inline]] inline void prefetch_next(const arma::Mat<E>& from,
                                                   const arma::uvec& order,
                                                   arma::uword next) const {
    const arma::uword end = std::min<arma::uword>(next + batch_size_, order.n_elem);
    constexpr std::size_t kLine = 64 / sizeof(E);  // elements per cache line
    for (arma::uword j = next; j < end; ++j)
      for (std::size_t i = 0; i < from.n_rows; i += kLine)
        __builtin_prefetch(from.colptr(order[j]) + i);
  }

  static bool updates_all(Sequential<T>& net, const Optimizer<T>& optimizer) {
    const auto all = net.params();
    const auto& given = optimizer.params();
    if (all.size() != given.size()) return false;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].value != given[i].value) return false;
    return true;
  }

  Sequential<T>& net_;
  Loss<T>& loss_;
  Optimizer<T>& optimizer_;
  arma::uword batch_size_;
  bool fast_sgd_possible_ = false;
  Mat Xb_, Yb_;  // the batch's examples and targets: (n_in x batch) and (K x batch), reused
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
