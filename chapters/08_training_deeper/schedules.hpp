/// \file
/// \brief Chapter 08: learning-rate schedules, small types with `double eta_at(step)`, and the
/// one line that makes a Trainer follow one.
///
/// A schedule is a function of the number of updates done so far (step 0 is the first update).
/// It changes only the optimizer's `eta` between steps; the optimizer's state is untouched.
/// Omits: warm-up, warm restarts (SGDR's cycles), one-cycle, and schedules that react to the
/// validation loss (reduce-on-plateau).
#pragma once

#include <cmath>

#include "chapters/06_mlp/optimizer.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/error.hpp"

namespace mlp {

// [step_schedule]
/// \brief Step decay: multiply the rate by \f$\gamma\f$ every `step_size` updates,
/// \f[ \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}. \f]
/// (The classic "divide by 10 at fixed epochs" of He et al. 2016 is \f$\gamma = 0.1\f$.)
struct StepSchedule {
  double eta0;            ///< \f$\eta_0\f$, the rate of the first updates
  arma::uword step_size;  ///< s, updates between two decays (> 0)
  double gamma;           ///< \f$\gamma\f$, the factor applied at each decay
  /// \brief The rate for update number `step` (0-based).
  double eta_at(arma::uword step) const {
    if (step_size == 0) throw course::UsageError("StepSchedule: step_size must be at least 1");
    return eta0 * std::pow(gamma, double(step / step_size));  // eta0 gamma^floor(t / s)
  }
};
// [step_schedule]

// [cosine_schedule]
/// \brief Cosine annealing (Loshchilov and Hutter 2017, one cycle without restarts): from
/// \f$\eta_{max}\f$ at step 0 down to \f$\eta_{min}\f$ at step T along half a cosine,
/// \f[ \eta_t = \eta_{min} + \tfrac{1}{2}(\eta_{max} - \eta_{min})\left(1 + \cos\frac{\pi t}{T}\right)
///     \quad (t \le T), \qquad \eta_t = \eta_{min} \quad (t > T). \f]
/// It decays slowly at first, fastest in the middle, and gently into \f$\eta_{min}\f$.
struct CosineSchedule {
  double eta_max;           ///< rate at step 0
  double eta_min;           ///< rate at step T and after
  arma::uword total_steps;  ///< T, usually epochs x batches per epoch (> 0)
  /// \brief The rate for update number `step` (0-based).
  double eta_at(arma::uword step) const {
    if (total_steps == 0)
      throw course::UsageError("CosineSchedule: total_steps must be at least 1");
    if (step >= total_steps) return eta_min;
    const double progress = double(step) / double(total_steps);  // t / T in [0, 1)
    return eta_min + 0.5 * (eta_max - eta_min) * (1.0 + std::cos(M_PI * progress));
  }
};
// [cosine_schedule]

// [follow]
/// \brief Make a trainer's optimizer follow a schedule: `eta = eta_at(0)` now, and after
/// update t (counted over all epochs), `eta = eta_at(t)`.
///
/// Uses the trainer's `after_batch` callback (replacing any callback it had). The counter lives
/// in the callback, so the schedule runs on across epochs. Nothing is allocated per step.
template <class Schedule, class T>
void follow(Trainer<T>& trainer, Optimizer<T>& optimizer, const Schedule& schedule) {
  optimizer.eta = schedule.eta_at(0);
  trainer.after_batch = [&optimizer, schedule, t = arma::uword(0)](arma::uword) mutable {
    optimizer.eta = schedule.eta_at(++t);  // the rate for the next update
  };
}
// [follow]

}  // namespace mlp
