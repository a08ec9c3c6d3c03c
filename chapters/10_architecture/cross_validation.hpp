/// \file
/// \brief Chapter 10: stratified k-fold cross-validation: split the examples into k folds that
/// keep the class proportions, train k times on k - 1 folds, score on the fold left out.
///
/// With 150 iris flowers a single 80/20 split scores a model on 30 flowers, where one flower is
/// 3.3 points of accuracy: the score of one split is mostly luck. Cross-validation uses every
/// example once for scoring and reports a mean and a spread. Omits: nested cross-validation
/// (choosing and scoring in one loop), leave-one-out, group and time-series splits.
#pragma once

#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "common/matrix.hpp"
#include "common/random.hpp"

namespace mlp {

// [kfold]
/// \brief Stratified k-fold: the k held-out folds partition 0..n-1, and each class is spread
/// over the folds as evenly as possible (fold sizes differ by at most 1, and so do the counts
/// of each class).
///
/// Each class's examples are shuffled, the classes are laid end to end, and position p of that
/// list goes to fold p mod k (a deal of cards). With iris (50 per class) and k = 5 every fold
/// holds exactly 10 flowers of each class.
/// \param labels (n) class of each example; \param k folds, 2 <= k <= n
/// \param rng the run's generator (the shuffle within each class)
/// \return k splits; split i has `test` = fold i and `train` = the other folds (both sorted)
inline std::vector<course::Split> stratified_kfold(const arma::uvec& labels, arma::uword k,
                                                   course::Rng& rng) {
  const arma::uword n = labels.n_elem;
  if (k < 2 || k > n)
    throw course::UsageError("stratified k-fold needs 2 <= k <= " + std::to_string(n) +
                             " (the number of examples), got k = " + std::to_string(k));
  arma::uvec fold_of(n);
  arma::uword p = 0;  // position in the dealt list
  for (arma::uword c = 0; c <= labels.max(); ++c) {
    arma::uvec members = arma::find(labels == c);        // examples of class c
    course::shuffle(members, rng);                       // in a random order
    for (arma::uword i : members) fold_of[i] = p++ % k;  // dealt round-robin to the folds
  }
  std::vector<course::Split> folds(k);
  for (arma::uword f = 0; f < k; ++f) {
    folds[f].test = arma::find(fold_of == f);   // fold f, held out
    folds[f].train = arma::find(fold_of != f);  // the other k - 1 folds
  }
  return folds;
}
// [kfold]

/// The scores of a cross-validation: one per fold, their mean and spread.
struct CvScores {
  std::vector<double> scores;  ///< one per held-out fold (accuracy)
  double mean = 0;             ///< \f$\bar s = \frac{1}{k}\sum_i s_i\f$
  double sd = 0;  ///< sample standard deviation \f$\sqrt{\sum_i (s_i - \bar s)^2/(k-1)}\f$
  /// \brief Standard error of the mean, \f$ sd/\sqrt{k} \f$ (treats the folds as independent,
  /// which they are not quite: their training sets overlap).
  double se() const { return scores.empty() ? 0.0 : sd / std::sqrt(double(scores.size())); }
};

/// \brief Mean and sample standard deviation of a list of scores.
inline CvScores summarize(std::vector<double> scores) {
  CvScores s;
  s.scores = std::move(scores);
  const double k = double(s.scores.size());
  for (double x : s.scores) s.mean += x / k;
  for (double x : s.scores) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = s.scores.size() > 1 ? std::sqrt(s.sd / (k - 1)) : 0.0;
  return s;
}

// [cross_validate]
/// \brief Train and score once per fold, on data the model never saw in training.
/// \param folds from stratified_kfold
/// \param fit_and_score called as `double(const course::Split&)`: fit on `split.train`, return
///        the score on `split.test` (fit any preprocessing, such as a scaler, on the training
///        part only)
template <class FitAndScore>
CvScores cross_validate(const std::vector<course::Split>& folds, FitAndScore&& fit_and_score) {
  std::vector<double> scores;
  for (const auto& split : folds) scores.push_back(fit_and_score(split));
  return summarize(std::move(scores));
}
// [cross_validate]

}  // namespace mlp
