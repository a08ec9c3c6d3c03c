/// \file
/// \brief Chapter 16: how GPTs are optimized: AdamW (Loshchilov and Hutter 2019), linear
/// warm-up then cosine decay of the learning rate, and clipping of the gradients' global norm.
///
/// AdamW is chapter 08's Adam with the weight decay taken out of the gradient: each decayed
/// parameter first shrinks by \f$\eta\lambda\f$ of itself, then takes Adam's step. (Adding
/// \f$\lambda\theta\f$ to the gradient, as L2 does, would be divided by \f$\sqrt{\hat v}\f$:
/// parameters with large gradients would hardly be decayed.) Which parameters decay: the
/// matrices (every Dense weight and the two embedding tables), not the biases and not the
/// layer norms' gains. A bias or a gain is one number per channel that sets an offset or a
/// scale; pulling a gain towards 0 rather than its neutral 1 fights the normalization, and
/// these vectors hold too few numbers to overfit with. This is nanoGPT's and llm.c's rule
/// ("decay every tensor with two dimensions").
/// Omits: per-group learning rates, decoupled decay for other optimizers (SGDW), and the
/// loss-scaled clipping of mixed-precision training.
#pragma once

#include <cmath>
#include <vector>

#include "chapters/08_training_deeper/optimizers.hpp"
#include "common/error.hpp"

namespace gpt {

// [decays]
/// \brief Does AdamW decay this parameter? The matrices yes; biases and norm gains (columns) no.
template <class T>
bool decays(const mlp::Param<T>& p) {
  return p.value->n_cols > 1;
}
// [decays]

// [adamw]
/// \brief AdamW: for each parameter, \f$\theta \leftarrow \theta - \eta\lambda\theta\f$ when it
/// decays (decays()), then chapter 08's Adam step
/// \f$\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)\f$.
/// PyTorch's `torch.optim.AdamW` does the same, in the same order.
template <class T>
class AdamW : public mlp::Adam<T> {
 public:
  /// \param lambda_ the decoupled weight decay (PyTorch's `weight_decay`)
  AdamW(std::vector<mlp::Param<T>> params, double eta_, double lambda_, double beta1_ = 0.9,
        double beta2_ = 0.95, double epsilon_ = 1e-8)
      : mlp::Adam<T>(std::move(params), eta_, beta1_, beta2_, epsilon_), lambda(lambda_) {}

  void step() override {
    const T shrink = static_cast<T>(1.0 - this->eta * lambda);  // theta *= 1 - eta lambda
    for (auto& p : this->params_)
      if (decays(p)) *p.value *= shrink;
    mlp::Adam<T>::step();  // then Adam on the gradient alone
  }

  double lambda;  ///< decoupled weight decay
};
// [adamw]

// [clip]
/// \brief Global-norm clipping: when \f$ \|g\| = \sqrt{\sum_p \sum_i g_{p,i}^2} \f$ over every
/// parameter exceeds `max_norm`, scale every gradient by \f$ \text{max\_norm} / \|g\| \f$ (the
/// direction is kept, the step is bounded). \return \f$\|g\|\f$ before clipping
template <class T>
double clip_gradients(const std::vector<mlp::Param<T>>& params, double max_norm) {
  double sum = 0;
  for (const auto& p : params) {
    const T* g = p.grad->memptr();
    for (arma::uword i = 0; i < p.grad->n_elem; ++i) sum += double(g[i]) * double(g[i]);
  }
  const double norm = std::sqrt(sum);
  if (max_norm > 0 && norm > max_norm) {
    const T scale = static_cast<T>(max_norm / norm);
    for (const auto& p : params) *p.grad *= scale;
  }
  return norm;
}
// [clip]

// [warmup_cosine]
/// \brief Linear warm-up for W steps, then cosine decay to \f$\eta_{min}\f$ at step S:
/// \f[ \eta_t = \eta_{max} \frac{t + 1}{W} \ (t < W), \qquad
///     \eta_t = \eta_{min} + \tfrac12(\eta_{max} - \eta_{min})
///              \Big(1 + \cos \pi \frac{t - W}{S - W}\Big) \ (W \le t \le S), \f]
/// and \f$\eta_{min}\f$ after S. Warm-up lets Adam's second-moment estimates settle before the
/// steps get large (early \f$\hat v\f$ rests on a handful of gradients).
struct WarmupCosine {
  double eta_max;           ///< the peak rate, reached at step W - 1
  double eta_min;           ///< the rate at step S and after
  arma::uword warmup;       ///< W
  arma::uword total_steps;  ///< S (> W)
  /// \brief The rate for update number `step` (0-based).
  double eta_at(arma::uword step) const {
    if (total_steps <= warmup)
      throw course::UsageError("WarmupCosine: total steps must exceed the warm-up steps");
    if (step < warmup) return eta_max * double(step + 1) / double(warmup);
    if (step >= total_steps) return eta_min;
    const double progress = double(step - warmup) / double(total_steps - warmup);
    return eta_min + 0.5 * (eta_max - eta_min) * (1.0 + std::cos(M_PI * progress));
  }
};
// [warmup_cosine]

}  // namespace gpt
