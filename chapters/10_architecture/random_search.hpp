/// \file
/// \brief Chapter 10: random search over hyperparameters with a fixed budget: sample N
/// configurations, train each the same number of epochs, keep the best by validation score.
///
/// Bergstra and Bengio (2012) showed why this beats a grid of the same size: usually only one
/// or two hyperparameters matter much, and N random trials try N different values of each,
/// where a grid tries only its few rows. Scales such as the learning rate and the L2 strength
/// are sampled log-uniformly (each factor of 10 equally often). Every trial gets its own seed
/// when it is sampled, so a seed reproduces the whole search, whatever order trials run in.
/// Omits: Bayesian optimization, successive halving / Hyperband, early-stopped trials.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

/// Where the search samples from.
struct SearchSpace {
  double eta_min = 1e-4, eta_max = 1e-1;        ///< learning rate, log-uniform in [min, max)
  std::vector<arma::uword> widths;              ///< hidden-layer widths, one picked uniformly
  double lambda_min = 1e-6, lambda_max = 1e-2;  ///< L2 strength, log-uniform in [min, max)
};

/// One sampled configuration and, after training, its score.
struct Trial {
  arma::uword index = 0;   ///< 0, 1, ... in sampling order
  double eta = 0;          ///< learning rate
  arma::uword width = 0;   ///< hidden units per hidden layer
  double lambda = 0;       ///< L2 strength
  std::uint64_t seed = 0;  ///< the trial's own seed (initial weights, batch order)
  double score = 0;        ///< validation accuracy, filled by random_search
};

// [log_uniform]
/// \brief \f$ x = \exp(u),\ u \sim U(\log lo, \log hi) \f$: as likely in [1e-4, 1e-3) as in
/// [1e-2, 1e-1). \param lo, hi bounds, 0 < lo <= hi
inline double log_uniform(course::Rng& rng, double lo, double hi) {
  return std::exp(course::uniform(rng, std::log(lo), std::log(hi)));
}
// [log_uniform]

// [sample_trials]
/// \brief Draw n configurations from the space, each with its own seed.
/// \param rng the search's generator; the same state gives the same trials
inline std::vector<Trial> sample_trials(const SearchSpace& space, arma::uword n, course::Rng& rng) {
  if (!(space.eta_min > 0 && space.eta_min <= space.eta_max))
    throw course::UsageError("search space: need 0 < eta_min <= eta_max");
  if (!(space.lambda_min > 0 && space.lambda_min <= space.lambda_max))
    throw course::UsageError("search space: need 0 < lambda_min <= lambda_max");
  if (space.widths.empty()) throw course::UsageError("search space: no widths to choose from");
  std::vector<Trial> trials(n);
  for (arma::uword i = 0; i < n; ++i) {
    Trial& t = trials[i];
    t.index = i;
    t.eta = log_uniform(rng, space.eta_min, space.eta_max);                   // eta ~ logU
    t.width = space.widths[course::uniform_index(rng, space.widths.size())];  // width ~ U(list)
    t.lambda = log_uniform(rng, space.lambda_min, space.lambda_max);          // lambda ~ logU
    t.seed = rng();                                                           // the trial's seed
  }
  return trials;
}
// [sample_trials]

// [random_search]
/// \brief Sample n trials and score each: `evaluate(trial)` trains with the trial's
/// hyperparameters and seed for the fixed budget and returns its validation score.
/// \return the trials with their scores, in sampling order
template <class Evaluate>
std::vector<Trial> random_search(const SearchSpace& space, arma::uword n, course::Rng& rng,
                                 Evaluate&& evaluate) {
  std::vector<Trial> trials = sample_trials(space, n, rng);
  for (Trial& t : trials) t.score = evaluate(static_cast<const Trial&>(t));
  return trials;
}
// [random_search]

/// \brief Index of the best-scoring trial (the first of equals).
inline std::size_t best_trial(const std::vector<Trial>& trials) {
  if (trials.empty()) throw course::UsageError("best_trial: no trials");
  std::size_t best = 0;
  for (std::size_t i = 1; i < trials.size(); ++i)
    if (trials[i].score > trials[best].score) best = i;
  return best;
}

}  // namespace mlp
