/// \file
/// \brief Chapter 03's experiments, one function each, in the lesson's order: one seeded split
/// (train on 70 flowers, test on 30); the test accuracy over many more splits (and, with
/// --full, leave-one-out); the race of cross-entropy against MSE from a saturated start; and a
/// two-feature model for the probability map.
///
/// What it is: the script around iris_task.hpp. Each experiment returns a plain struct;
/// printing, plots and summary.json are in report.hpp. What it leaves out on purpose: any other
/// pair of classes, and any tuning on the test part.
#pragma once

#include <armadillo>
#include <cstdint>
#include <string>

#include "chapters/03_sigmoid_neuron/iris_task.hpp"
#include "common/data.hpp"
#include "common/random.hpp"
#include "common/run.hpp"

namespace sigmoid_neuron {

/// The chapter's knobs (flags of the executable), with their quick defaults.
struct Config {
  Settings settings;              ///< how one model is trained (--eta, --epochs, --test-fraction)
  arma::uword n_splits = 100;     ///< more random splits to average over (--full: 1000)
  double saturation = 5.0;        ///< size s of the wrong-side logits at the saturated start
  arma::uword sat_epochs = 1000;  ///< epochs of the saturated-start race
};

/// The two tasks: all four features, and the petals alone (for the probability map).
struct Tasks {
  Task all;     ///< (4 x 100) versicolor vs virginica
  Task petals;  ///< (2 x 100) the same flowers, petal length and width only
};

/// \brief Load iris and set up the two tasks.
/// \param data_dir the folder of iris.csv ("": the course's datasets/)
inline Tasks load_tasks(const std::string& data_dir = "") {
  const course::Dataset iris = course::load_iris(data_dir);
  return {versicolor_virginica(iris), versicolor_virginica(iris, {2, 3})};
}

/// One seeded split and the model trained on it.
struct OneSplit {
  course::Split split;  ///< the training and test columns
  Scored model;         ///< trained on the training part, scored on both
};

/// \brief Experiment 1: split the flowers with the run's seed, train on cross-entropy from zero
/// weights, score the held-out part.
inline OneSplit one_split(const Task& task, const Settings& settings, std::uint64_t seed) {
  // [split]
  course::Rng rng(seed);
  const course::Split split = course::random_split(task.X.n_cols, settings.test_fraction, rng);
  const Scored model = fit_split(task, split, settings);
  // [split]
  return {split, model};
}

/// The test accuracy over many random splits.
struct SplitStudy {
  std::uint64_t first_seed = 0;  ///< the splits used seeds first_seed, first_seed + 1, ...
  arma::vec test_accuracy;       ///< (n_splits) one per split
  double mean = 0, sd = 0;       ///< their mean and standard deviation (0 for one split)
};

/// \brief Experiment 2: the same procedure for `n_splits` more seeds (seed + 1, ...), because
/// the test accuracy of one 30-flower split is noisy.
inline SplitStudy many_splits(const Task& task, const Config& c, std::uint64_t seed) {
  SplitStudy s;
  s.first_seed = seed + 1;
  s.test_accuracy.set_size(c.n_splits);
  course::Progress progress("split", c.n_splits);
  for (arma::uword k = 0; k < c.n_splits; ++k) {
    course::Rng rng(seed + 1 + k);
    const course::Split split = course::random_split(task.X.n_cols, c.settings.test_fraction, rng);
    s.test_accuracy[k] = fit_split(task, split, c.settings).test_accuracy;
    progress.update(k + 1);
  }
  s.mean = arma::mean(s.test_accuracy);
  s.sd = c.n_splits > 1 ? arma::stddev(s.test_accuracy) : 0.0;
  return s;
}

/// The standardized training part of a split (with the split's own scaler), and its targets.
struct TrainingPart {
  arma::mat X;     ///< (4 x m) standardized with the training part's mean and std
  arma::rowvec Y;  ///< (1 x m) targets 0/1
};

/// \brief The training part of `s`, as the model trained on it saw it.
inline TrainingPart training_part(const Task& task, const OneSplit& s) {
  return {s.model.scaler.transform(task.X.cols(s.split.train)), task.Y.cols(s.split.train)};
}

/// First epoch whose training accuracy reaches `level`, or -1 if none does.
inline long first_epoch_reaching(const History& h, double level) {
  for (std::size_t e = 0; e < h.accuracy.size(); ++e)
    if (h.accuracy[e] >= level) return static_cast<long>(e);
  return -1;
}

/// Cross-entropy against MSE from the same saturated start.
struct Race {
  SigmoidNeuron start{0};             ///< the shared wrong-side start
  double wrong = 0;                   ///< fraction of training examples on the wrong side
  double median_margin = 0;           ///< median |z| at the start
  double norm_ce = 0, norm_sq = 0;    ///< gradient norms at the start
  History h_ce, h_sq;                 ///< loss and training accuracy per epoch
  long reach_ce = -1, reach_sq = -1;  ///< first epoch at 90% training accuracy (-1: never)
};

/// \brief Experiment 3: from the same saturated, wrong-side start on the split's training part,
/// train once on cross-entropy and once on MSE for `sat_epochs` epochs.
inline Race saturated_race(const Task& task, const OneSplit& s, const Config& c) {
  Race r;
  const TrainingPart part = training_part(task, s);
  // [race]
  const arma::mat& X_train = part.X;     // (4 x m) standardized
  const arma::rowvec& Y_train = part.Y;  // (1 x m)
  const SigmoidNeuron start = saturated_start(X_train, Y_train, c.saturation);
  SigmoidNeuron ce = start, sq = start;  // the same weights for both
  const Gradient g_ce = gradient(ce, X_train, Y_train, Loss::cross_entropy);
  const Gradient g_sq = gradient(sq, X_train, Y_train, Loss::mse);
  r.h_ce = train(ce, X_train, Y_train, Loss::cross_entropy, c.settings.eta, c.sat_epochs);
  r.h_sq = train(sq, X_train, Y_train, Loss::mse, c.settings.eta, c.sat_epochs);
  // [race]
  r.start = start;
  const arma::rowvec margin = (2.0 * Y_train - 1.0) % start.logits(X_train);  // > 0: right side
  r.wrong = arma::mean(arma::conv_to<arma::rowvec>::from(margin < 0.0));
  r.median_margin = arma::median(arma::abs(margin));
  r.norm_ce = std::sqrt(arma::dot(g_ce.dW, g_ce.dW) + g_ce.db * g_ce.db);
  r.norm_sq = std::sqrt(arma::dot(g_sq.dW, g_sq.dW) + g_sq.db * g_sq.db);
  r.reach_ce = first_epoch_reaching(r.h_ce, 0.9);
  r.reach_sq = first_epoch_reaching(r.h_sq, 0.9);
  return r;
}

}  // namespace sigmoid_neuron
