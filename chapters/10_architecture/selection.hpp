/// \file
/// \brief Chapter 10: how the choice is made: among candidates scored on validation data, take
/// the cheapest one whose score is within a tolerance (one standard error) of the best.
///
/// Scores measured on a finite validation set are noisy: with 10,000 images an accuracy near
/// 98% has a standard error of about 0.14 points, so two networks 0.1 points apart are not
/// distinguishable. The "one-standard-error rule" (Breiman, Friedman, Olshen and Stone, 1984,
/// for pruning trees; Hastie, Tibshirani and Friedman, *Elements of Statistical Learning*, 7.10)
/// resolves such ties in favour of the simpler model. Omits: paired tests between candidates,
/// and multi-objective (Pareto) selection.
#pragma once

#include <cmath>
#include <vector>

#include "common/error.hpp"

namespace mlp {

/// A candidate: what it costs (parameters, seconds ...) and how well it scored.
struct Candidate {
  double cost;   ///< smaller is better (here: the number of parameters)
  double score;  ///< larger is better (here: validation accuracy)
};

// [standard_error]
/// \brief Standard error of an accuracy p measured on n independent examples (binomial):
/// \f[ \mathrm{se}(p) = \sqrt{p(1 - p)/n}. \f]
inline double binomial_se(double p, double n) { return n > 0 ? std::sqrt(p * (1 - p) / n) : 0.0; }
// [standard_error]

// [smallest_within]
/// \brief The one-standard-error rule, generalized: the cheapest candidate with
/// \f$ \text{score} \ge \text{best score} - \text{tolerance} \f$ (among equally cheap ones, the
/// higher score).
/// \param tolerance how far below the best still counts as a tie, e.g. one standard error
/// \return the index of the chosen candidate
inline std::size_t smallest_within(const std::vector<Candidate>& candidates, double tolerance) {
  if (candidates.empty()) throw course::UsageError("smallest_within: no candidates");
  double best = candidates[0].score;
  for (const auto& c : candidates) best = std::max(best, c.score);
  std::size_t chosen = candidates.size();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (c.score < best - tolerance) continue;  // clearly worse than the best
    if (chosen == candidates.size() || c.cost < candidates[chosen].cost ||
        (c.cost == candidates[chosen].cost && c.score > candidates[chosen].score))
      chosen = i;  // cheaper (or as cheap and better)
  }
  return chosen;
}
// [smallest_within]

}  // namespace mlp
