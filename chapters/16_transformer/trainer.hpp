/// \file
/// \brief Chapter 16: the GPT training step: forward, loss, backward, clip, AdamW with the
/// learning rate of the warm-up + cosine schedule. Float32, and after the first step nothing
/// is allocated (every buffer keeps its size; the tests count).
///
/// Omits: gradient accumulation over micro-batches, mixed precision, and evaluation inside
/// the step (the chapter evaluates between calls to train()).
#pragma once

#include <cmath>
#include <functional>
#include <sstream>

#include "chapters/16_transformer/adamw.hpp"
#include "chapters/16_transformer/gpt.hpp"
#include "chapters/16_transformer/poem_stream.hpp"
#include "chapters/16_transformer/token_loss.hpp"
#include "common/run.hpp"

namespace gpt {

/// How to train.
struct TrainConfig {
  arma::uword T = 64;       ///< tokens per window
  arma::uword B = 16;       ///< windows per batch
  arma::uword steps = 200;  ///< total steps (the schedule's S)
  arma::uword warmup = 20;  ///< warm-up steps (W)
  double eta = 3e-3;        ///< peak learning rate
  double eta_min = 3e-4;    ///< the floor
  double lambda = 0.1;      ///< AdamW's decoupled weight decay
  double clip = 1.0;        ///< maximum global gradient norm (0: no clipping)
};

// [trainer]
/// \brief Trains a Gpt<T> on a PoemStream. (Model: anything with Gpt's forward(ids),
/// backward(dZ) and params(); chapter 17 trains a GPT with a head of its own.)
template <class T, class Model = Gpt<T>>
class GptTrainer {
 public:
  using Mat = arma::Mat<T>;

  /// \param model trained in place \param c the schedule
  /// \param params what the optimizer updates and clipping measures (default: all of
  /// model.params(); chapter 17 hands over a subset)
  GptTrainer(Model& model, const TrainConfig& c, std::vector<mlp::Param<T>> params = {})
      : model_(model),
        c_(c),
        params_(params.empty() ? model.params() : std::move(params)),
        optimizer_(params_, c.eta, c.lambda),
        schedule_{c.eta, c.eta_min, c.warmup, c.steps} {}

  /// Called after every step with the number of steps done (the allocation test counts here).
  std::function<void(arma::uword steps_done)> after_step;

  // [train_step]
  /// \brief One step: \return the batch's mean cross-entropy (nats)
  T step(const arma::umat& ids, const arma::uvec& targets) {
    const Mat& Z = model_.forward(ids);     // 1. forward: logits (V x B*T)
    const T L = loss_.forward(Z, targets);  // 2. loss: mean -log p(target)
    if (!std::isfinite(double(L))) diverged(L);
    model_.backward(loss_.dZ);                      // 3. backward: every dW, tied dC summed
    last_norm_ = clip_gradients(params_, c_.clip);  //    clip the global norm
    optimizer_.eta = schedule_.eta_at(steps_);      // 4. update: AdamW at this step's rate
    optimizer_.step();
    ++steps_;
    if (after_step) after_step(steps_);
    return L;
  }
  // [train_step]

  /// \brief `steps` steps on random windows; \return their mean loss
  double train(const PoemStream& data, arma::uword steps, course::Rng& rng,
               course::Progress* progress = nullptr) {
    double total = 0;
    for (arma::uword s = 0; s < steps; ++s) {
      data.sample(c_.T, c_.B, rng, ids_, targets_);
      total += double(step(ids_, targets_));
      if (progress) progress->update(steps_, "loss " + course::fixed(total / double(s + 1), 3));
    }
    return steps ? total / double(steps) : 0.0;
  }

  arma::uword steps_done() const { return steps_; }
  double last_gradient_norm() const { return last_norm_; }
  double eta() const { return optimizer_.eta; }

 private:
  [[noreturn]] void diverged(T L) const {
    std::ostringstream s;
    s << "training diverged at step " << steps_ + 1 << ": the loss is " << L
      << " (is the learning rate --eta " << c_.eta << " too high?)";
    throw course::Error(s.str());
  }

  Model& model_;
  TrainConfig c_;
  std::vector<mlp::Param<T>> params_;
  AdamW<T> optimizer_;
  WarmupCosine schedule_;
  TokenCrossEntropy<T> loss_;
  arma::umat ids_;
  arma::uvec targets_;
  arma::uword steps_ = 0;
  double last_norm_ = 0;
};
// [trainer]

}  // namespace gpt
