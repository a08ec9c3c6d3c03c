/// \file
/// \brief Chapter 15: training and measuring the language model. Mini-batches of (context,
/// target) pairs drawn in a random order, the four steps of chapter 06 (forward, loss, backward,
/// update) with chapter 07's softmax + cross-entropy, and perplexity on a held-out set.
///
/// Training is counted in steps (batches), not epochs, so a run can stop in the middle of an
/// epoch: the trainer walks the shuffled predictions and reshuffles when fewer than a batch
/// remain (those few wait for the next order). Every batch therefore has the same size, and
/// after the first one a step allocates nothing (the tests count).
/// Omits: early stopping, gradient clipping (chapter 16), and any parallel evaluation.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>

#include "chapters/06_mlp/optimizer.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/15_language_model/context_windows.hpp"
#include "chapters/15_language_model/nplm.hpp"
#include "chapters/15_language_model/perplexity.hpp"
#include "common/run.hpp"

namespace lm {

/// \brief Trains an Nplm with softmax + cross-entropy and a chapter 06/08 optimizer.
template <class T>
class LmTrainer {
 public:
  using Mat = arma::Mat<T>;

  /// \param model what to train; \param optimizer holds the parameters it updates (model.params())
  /// \param batch_size predictions per step (m)
  LmTrainer(Nplm<T>& model, mlp::Optimizer<T>& optimizer, arma::uword batch_size)
      : model_(model), optimizer_(optimizer), batch_size_(batch_size) {
    if (batch_size == 0) throw course::UsageError("batch size must be at least 1");
  }

  /// Called after every step with the number of steps done so far (a schedule moves eta here).
  std::function<void(arma::uword steps_done)> after_step;

  // [train_step]
  /// \brief One step on one batch: forward, loss, backward, update.
  /// \param context (n x m) ids; \param target (m) ids; \return the batch's mean cross-entropy
  T step(const arma::umat& context, const arma::uvec& target) {
    const arma::uword m = target.n_elem;
    Y_.zeros(model_.output.n_out(), m);  // one-hot targets (V x m), reused
    for (arma::uword j = 0; j < m; ++j) Y_(target[j], j) = T(1);
    const Mat& Z = model_.forward(context);  // 1. forward: logits (V x m)
    const T L = loss_.forward(Z, Y_);        // 2. loss: mean -log p(target)
    if (!std::isfinite(static_cast<double>(L))) diverged(L);
    model_.backward(loss_.backward());  // 3. backward: (P - Y)/m down to C
    optimizer_.step();                  // 4. update
    ++steps_;
    if (after_step) after_step(steps_);
    return L;
  }
  // [train_step]

  /// \brief Train for `steps` batches of the data, reshuffling whenever a pass is used up.
  /// \param progress optional progress line, counting every step this trainer has taken
  /// \return the mean training loss over those steps
  double train(ContextWindows& data, arma::uword steps, course::Rng& rng,
               course::Progress* progress = nullptr) {
    if (data.size() < batch_size_)
      throw course::Error("training set has " + std::to_string(data.size()) +
                          " predictions, fewer than one batch of " + std::to_string(batch_size_));
    double total = 0;
    for (arma::uword s = 0; s < steps; ++s) {
      if (next_ == 0 || next_ + batch_size_ > data.size()) {  // a new pass in a new order
        data.shuffle(rng);
        next_ = 0;
      }
      data.gather(next_, batch_size_, context_, target_);
      next_ += batch_size_;
      total += static_cast<double>(step(context_, target_));
      if (progress) progress->update(steps_, "loss " + course::fixed(total / double(s + 1), 3));
    }
    return steps ? total / double(steps) : 0.0;
  }

  /// Steps taken so far.
  arma::uword steps_done() const { return steps_; }

 private:
  [[noreturn]] void diverged(T L) const {
    std::ostringstream s;
    s << "training diverged at step " << steps_ + 1 << ": the loss is " << L
      << " (is the learning rate eta = " << optimizer_.eta << " too high?)";
    throw course::Error(s.str());
  }

  Nplm<T>& model_;
  mlp::Optimizer<T>& optimizer_;
  arma::uword batch_size_;
  mlp::SoftmaxCrossEntropy<T> loss_;
  Mat Y_;               // (V x m) one-hot targets
  arma::umat context_;  // (n x m) the batch's contexts
  arma::uvec target_;   // (m) the batch's targets
  arma::uword next_ = 0, steps_ = 0;
};

// [evaluate]
/// \brief Perplexity of the model on a set of predictions (e.g. the validation poems), in
/// chunks of `chunk` contexts; training mode is irrelevant (no dropout here).
template <class T>
NegLogLikelihood evaluate(Nplm<T>& model, const ContextWindows& data, arma::uword chunk = 512) {
  NegLogLikelihood nll;
  arma::umat context;
  arma::uvec target;
  for (arma::uword first = 0; first < data.size(); first += chunk) {
    const arma::uword m = std::min(chunk, data.size() - first);
    data.gather(first, m, context, target);
    add_logits(nll, model.forward(context), target);  // sum of -log p(target | context)
  }
  return nll;
}
// [evaluate]

}  // namespace lm
