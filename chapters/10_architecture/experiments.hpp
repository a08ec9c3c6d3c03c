/// \file
/// \brief Chapter 10's experiments, one function each, in the lesson's order: parameter counts
/// by formula and by code; the width x depth sweep on MNIST and the choice by the
/// one-standard-error rule, with the seed's share of the noise; stratified k-fold
/// cross-validation on iris; a random search over eta, width and lambda; the final network,
/// scored once on the test set.
///
/// Each experiment returns a plain struct (and prints a line per network as it trains);
/// the conclusions, plots and summary.json are report.hpp's. What it leaves out on purpose:
/// anything the lesson does not measure (early stopping, nested cross-validation).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/10_architecture/architecture.hpp"
#include "chapters/10_architecture/cross_validation.hpp"
#include "chapters/10_architecture/random_search.hpp"
#include "chapters/10_architecture/recipe.hpp"
#include "chapters/10_architecture/selection.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

/// \brief Chapter 10's experiments (the executable's code, not a library).
namespace architecture {

using Mat = arma::fmat;  // training runs in float32
using mlp::LayerSizes;

/// The chapter's knobs (the executable's flags), with their quick defaults.
struct Config {
  std::vector<arma::uword> widths{16, 64, 256};  ///< sweep: hidden widths
  std::vector<arma::uword> depths{1, 2, 3};      ///< sweep: numbers of hidden layers
  arma::uword epochs = 2;                        ///< sweep and final: epochs per network
  arma::uword n_train = 5000;                    ///< sweep and final: the first N images
  arma::uword batch_size = 128;                  ///< MNIST mini-batch size
  double eta = 1e-3;                             ///< sweep: Adam's learning rate
  double n_se = 1.0;                             ///< the rule's tolerance, in standard errors
  arma::uword seed_runs = 2;                     ///< the chosen network, trained with N seeds
  arma::uword folds = 5;                         ///< iris: k of the stratified k-fold
  std::vector<arma::uword> cv_hidden{1, 2, 4, 8, 16, 32};  ///< iris: H of the 4-H-3 networks
  arma::uword cv_epochs = 100, cv_repeats = 1, cv_batch = 16;
  double cv_eta = 0.01;
  arma::uword trials = 6, trial_epochs = 1, trial_train = 2000;  ///< the search's budget
  double eta_min = 1e-4, eta_max = 1e-1, lambda_min = 1e-6, lambda_max = 1e-2;

  /// The sweep's recipe (no L2).
  mlp::FitRecipe recipe() const { return {epochs, batch_size, eta, 0.0}; }
};

/// \brief Check what CLI11 cannot (ranges given by two flags) and fit the search's slice into
/// the training slice.
inline void settle(Config& c) {
  if (c.eta_min > c.eta_max) throw course::UsageError("--eta-min must not exceed --eta-max");
  if (c.lambda_min > c.lambda_max)
    throw course::UsageError("--lambda-min must not exceed --lambda-max");
  c.trial_train = std::min(c.trial_train, c.n_train);
}

// ---------------------------------------------------------------------------------------------
/// One network of experiment 1: its size by formula and by code.
struct ParameterCount {
  LayerSizes sizes;
  arma::uword formula = 0, code = 0;
};

/// \brief Experiment 1: the formula \f$\sum_l (n_{l-1} + 1) n_l\f$ against chapter 06's
/// Sequential::n_params() for five networks; an Error if they ever differ.
inline std::vector<ParameterCount> parameter_counts(std::uint64_t seed) {
  std::vector<ParameterCount> counts;
  for (const LayerSizes& sizes : std::vector<LayerSizes>{{4, 8, 3},
                                                         {784, 30, 10},
                                                         {784, 100, 10},
                                                         {784, 256, 128, 10},
                                                         {784, 1024, 1024, 1024, 10}}) {
    course::Rng rng(seed);
    // [count_check]
    const arma::uword by_formula = mlp::count_parameters(sizes);
    const arma::uword by_code = mlp::build_mlp<float>(sizes, rng).n_params();
    // [count_check]
    if (by_formula != by_code)
      throw course::Error("parameter count of " + mlp::describe(sizes) + ": formula " +
                          std::to_string(by_formula) + ", code " + std::to_string(by_code));
    counts.push_back({sizes, by_formula, by_code});
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
/// Iris for the cross-validation; MNIST split into training, validation and test images.
struct Data {
  course::Dataset iris;
  Mat X_train, Y_train;   ///< (784 x n_train), (10 x n_train)
  Mat X_val;              ///< (784 x 10000) the last 10,000 training images
  arma::uvec labels_val;  ///< (10000)
  course::ImageSet test;  ///< the 10,000 test images, scored once at the very end
};

/// \brief Iris (read first: the smaller file fails faster), then MNIST's training and test sets.
inline Data load_data(const Config& c, const std::string& data_dir) {
  Data d;
  d.iris = course::load_iris(data_dir);
  // [data]
  // MNIST's 60,000 training images: the first 50,000 train, the last 10,000 validate (as
  // Nielsen does). The 10,000 test images are scored once, at the very end.
  const course::ImageSet all = course::load_images("mnist", "train", data_dir);
  d.test = course::load_images("mnist", "test", data_dir);
  d.X_train = all.X.cols(0, c.n_train - 1);                                   // (784 x n_train)
  d.Y_train = course::one_hot<Mat>(all.labels.subvec(0, c.n_train - 1), 10);  // (10 x n_train)
  d.X_val = all.X.cols(50000, 59999);                                         // (784 x 10000)
  d.labels_val = all.labels.subvec(50000, 59999);
  // [data]
  return d;
}

// ---------------------------------------------------------------------------------------------
/// One network of the width x depth sweep.
struct SweepRow {
  arma::uword depth = 0, width = 0;
  LayerSizes sizes;
  arma::uword n_params = 0;
  double val_accuracy = 0, seconds = 0, cpu_seconds = 0, final_loss = 0;
  std::vector<Mat> weights;  ///< the trained parameters, in params() order (for the final run)
};

/// The sweep and its choice.
struct Sweep {
  std::vector<SweepRow> rows;  ///< depth-major, in the order trained
  std::size_t best = 0;        ///< the highest validation accuracy (the first of equals)
  std::size_t chosen = 0;      ///< the fewest parameters within the tolerance of the best
  double best_val = 0;         ///< the best validation accuracy
  double se = 0;               ///< its standard error on the validation images
  /// The chosen network.
  const SweepRow& pick() const { return rows[chosen]; }
};

/// \brief One network of the sweep: 784-(width x depth)-10, trained by the recipe, scored on
/// the validation images.
inline SweepRow sweep_network(const Data& d, const mlp::FitRecipe& recipe, arma::uword depth,
                              arma::uword width, std::uint64_t seed) {
  SweepRow row;
  row.depth = depth;
  row.width = width;
  // [sweep]
  row.sizes = mlp::uniform_sizes(784, width, depth, 10);
  mlp::Fitted<float> fitted =
      mlp::fit(row.sizes, recipe, d.X_train, d.Y_train, seed, mlp::describe(row.sizes));
  row.val_accuracy = mlp::accuracy(fitted.net, d.X_val, d.labels_val);
  row.n_params = fitted.net.n_params();
  // [sweep]
  row.seconds = fitted.seconds;
  row.cpu_seconds = fitted.cpu_seconds;
  row.final_loss = fitted.final_loss;
  for (const auto& p : fitted.net.params()) row.weights.push_back(*p.value);
  std::printf("   %-26s %10llu %9.2f%% %9.2f\n", mlp::describe(row.sizes).c_str(),
              (unsigned long long)row.n_params, 100 * row.val_accuracy, row.cpu_seconds);
  return row;
}

/// \brief The one-standard-error rule on the sweep: the cheapest network whose validation
/// accuracy is within `n_se` standard errors of the best.
inline void choose(Sweep& s, double n_se, double n_val) {
  // [choose]
  std::vector<mlp::Candidate> candidates;
  for (const auto& r : s.rows) candidates.push_back({double(r.n_params), r.val_accuracy});
  s.best = std::max_element(candidates.begin(), candidates.end(),
                            [](auto& a, auto& b) { return a.score < b.score; }) -
           candidates.begin();
  s.best_val = candidates[s.best].score;
  s.se = mlp::binomial_se(s.best_val, n_val);  // one standard error
  s.chosen = mlp::smallest_within(candidates, n_se * s.se);
  // [choose]
}

/// \brief Experiment 2: every width at every depth, trained on the training slice and scored
/// on the 10,000 validation images; then the choice.
inline Sweep width_depth_sweep(const Data& d, const Config& c, std::uint64_t seed) {
  std::cout << "\n2. Sweep: ReLU networks 784-(width x depth)-10, He init, Adam (eta " << c.eta
            << "), batch " << c.batch_size << ", " << c.epochs << " epochs on " << c.n_train
            << " training images; validation on 10000\n";
  std::printf("   %-26s %10s %10s %9s\n", "network", "parameters", "val acc", "CPU s");
  Sweep s;
  for (arma::uword depth : c.depths)
    for (arma::uword width : c.widths)
      s.rows.push_back(sweep_network(d, c.recipe(), depth, width, seed));
  choose(s, c.n_se, double(d.labels_val.n_elem));
  return s;
}

/// The chosen network trained again with other seeds.
struct SeedSpread {
  std::vector<double> val_accuracies;  ///< the sweep's seed first, then seed + 1, ...
  mlp::CvScores spread;                ///< their mean and standard deviation
  double seconds = 0;                  ///< wall-clock time of the extra runs
};

/// \brief How much does the training seed alone move the score? The chosen network, trained
/// with seeds seed + 1, ..., seed + seed_runs - 1 (the sweep's run is the first).
inline SeedSpread seed_spread(const Data& d, const Config& c, const SweepRow& pick,
                              std::uint64_t seed) {
  course::Timer timer;
  SeedSpread r;
  r.val_accuracies = {pick.val_accuracy};
  for (arma::uword s = 1; s < c.seed_runs; ++s) {
    auto fitted = mlp::fit(pick.sizes, c.recipe(), d.X_train, d.Y_train, seed + s,
                           mlp::describe(pick.sizes) + " seed " + std::to_string(seed + s));
    r.val_accuracies.push_back(mlp::accuracy(fitted.net, d.X_val, d.labels_val));
  }
  r.spread = mlp::summarize(r.val_accuracies);
  r.seconds = timer.seconds();
  return r;
}

// ---------------------------------------------------------------------------------------------
/// Stratified k-fold cross-validation of 4-H-3 networks on iris, for several H.
struct IrisCv {
  std::vector<mlp::CvScores> results;  ///< one per H of Config::cv_hidden, all folds pooled
  std::size_t best = 0;                ///< the best mean
  std::size_t chosen = 0;              ///< the smallest H within the tolerance of the best
  double se = 0;                       ///< the best mean's standard error
  double seconds = 0;                  ///< wall-clock time of the experiment
};

/// \brief One H: `cv_repeats` stratified k-folds (new folds each repeat), every fold's score.
inline mlp::CvScores cross_validate_hidden(const course::Dataset& iris, arma::uword H,
                                           const Config& c, std::uint64_t seed) {
  const mlp::FitRecipe cv_recipe{c.cv_epochs, c.cv_batch, c.cv_eta, 0.0};
  std::vector<double> all_scores;
  for (arma::uword r = 0; r < c.cv_repeats; ++r) {
    course::Rng rng(seed + r);  // repeat r: new folds
    std::uint64_t fold_seed = seed + 1000 * (r + 1);
    // [cv]
    const auto splits = mlp::stratified_kfold(iris.labels, c.folds, rng);
    const mlp::CvScores s = mlp::cross_validate(splits, [&](const course::Split& split) {
      course::StandardScaler<arma::mat> scaler;  // fitted on the training folds only
      scaler.fit(iris.X.cols(split.train));
      const Mat X_tr = arma::conv_to<Mat>::from(scaler.transform(iris.X.cols(split.train)));
      const Mat X_te = arma::conv_to<Mat>::from(scaler.transform(iris.X.cols(split.test)));
      const Mat Y_tr = course::one_hot<Mat>(iris.labels.elem(split.train), 3);
      auto fitted = mlp::fit<float>({4, H, 3}, cv_recipe, X_tr, Y_tr, fold_seed++);
      return mlp::accuracy(fitted.net, X_te, arma::uvec(iris.labels.elem(split.test)));
    });
    // [cv]
    all_scores.insert(all_scores.end(), s.scores.begin(), s.scores.end());
  }
  return mlp::summarize(all_scores);
}

/// \brief Experiment 3: every H cross-validated; the best mean, and the smallest H within
/// `n_se` standard errors of it.
inline IrisCv iris_cross_validation(const course::Dataset& iris, const Config& c,
                                    std::uint64_t seed) {
  std::cout << "\n3. Iris, 4-H-3 ReLU networks, Adam (eta " << c.cv_eta << "), batch " << c.cv_batch
            << ", " << c.cv_epochs << " epochs: stratified " << c.folds << "-fold cross-validation"
            << (c.cv_repeats > 1 ? ", repeated " + std::to_string(c.cv_repeats) + " times" : "")
            << "\n";
  course::Timer timer;
  IrisCv cv;
  std::vector<mlp::Candidate> candidates;
  for (arma::uword H : c.cv_hidden) {
    const mlp::CvScores& s = cv.results.emplace_back(cross_validate_hidden(iris, H, c, seed));
    std::printf("   H = %-4llu (%3llu parameters): mean %.3f, sd %.3f over %zu folds\n",
                (unsigned long long)H, (unsigned long long)mlp::count_parameters({4, H, 3}), s.mean,
                s.sd, s.scores.size());
    candidates.push_back({double(H), s.mean});
    if (s.mean > cv.results[cv.best].mean) cv.best = cv.results.size() - 1;
  }
  cv.se = cv.results[cv.best].se();
  cv.chosen = mlp::smallest_within(candidates, c.n_se * cv.se);
  cv.seconds = timer.seconds();
  return cv;
}

// ---------------------------------------------------------------------------------------------
/// The random search's trials and its best.
struct Search {
  arma::uword depth = 0;              ///< the sweep's chosen depth
  std::vector<mlp::Trial> trials;     ///< in sampling order, with their scores
  std::size_t best = 0;               ///< index of the best trial
  std::vector<double> trial_seconds;  ///< wall-clock training time of each trial
  double seconds = 0;                 ///< wall-clock time of the experiment
};

/// \brief Experiment 4: a random search over eta, width and lambda at the chosen depth, with a
/// fixed budget (a few epochs on a slice of the training images).
inline Search search_hyperparameters(const Data& d, const Config& c, arma::uword depth,
                                     std::uint64_t seed) {
  using course::scientific;
  std::cout << "\n4. Random search: " << c.trials << " trials x " << c.trial_epochs << " epoch"
            << (c.trial_epochs > 1 ? "s" : "") << " on " << c.trial_train << " images, depth "
            << depth << "; eta ~ logU[" << scientific(c.eta_min) << ", " << scientific(c.eta_max)
            << "], width from the sweep's list, lambda ~ logU[" << scientific(c.lambda_min) << ", "
            << scientific(c.lambda_max) << "]\n";
  course::Timer timer;
  Search s;
  s.depth = depth;
  const Mat X_search = d.X_train.head_cols(c.trial_train);
  const Mat Y_search = d.Y_train.head_cols(c.trial_train);
  // [search]
  const mlp::SearchSpace space{c.eta_min, c.eta_max, c.widths, c.lambda_min, c.lambda_max};
  course::Rng search_rng(seed);
  s.trials = mlp::random_search(space, c.trials, search_rng, [&](const mlp::Trial& t) {
    const mlp::FitRecipe r{c.trial_epochs, c.batch_size, t.eta, t.lambda};
    auto fitted =
        mlp::fit(mlp::uniform_sizes(784, t.width, depth, 10), r, X_search, Y_search, t.seed);
    s.trial_seconds.push_back(fitted.seconds);
    const double acc = mlp::accuracy(fitted.net, d.X_val, d.labels_val);
    std::printf("   trial %2llu: eta %.2e  width %5llu  lambda %.2e  ->  val %6.2f%%%s\n",
                (unsigned long long)t.index + 1, t.eta, (unsigned long long)t.width, t.lambda,
                100 * acc, fitted.diverged ? " (diverged)" : "");
    return acc;
  });
  s.best = mlp::best_trial(s.trials);
  // [search]
  s.seconds = timer.seconds();
  return s;
}

// ---------------------------------------------------------------------------------------------
/// The final network: the chosen sizes with the better of the two recipes.
struct Final {
  mlp::FitRecipe recipe;   ///< the recipe kept
  bool use_tuned = false;  ///< true: the search's eta and lambda; false: the sweep's recipe
  double tuned_val = 0;    ///< validation accuracy with the search's eta and lambda
  bool tuned_diverged = false;
  double tuned_seconds = 0;  ///< wall-clock training time with the search's recipe
  double val_accuracy = 0;   ///< the kept network's validation accuracy
  double test_accuracy = 0;  ///< the only use of the test set
};

/// \brief Experiment 5: the chosen sizes trained again with the search's eta and lambda; the
/// better of that and the sweep's network on validation is scored once on the test set.
inline Final final_network(const Data& d, const Config& c, const Sweep& sweep, const Search& search,
                           std::uint64_t seed) {
  const SweepRow& pick = sweep.pick();
  const mlp::Trial& best = search.trials[search.best];
  Final f;
  // [final]
  const mlp::FitRecipe tuned{c.epochs, c.batch_size, best.eta, best.lambda};
  mlp::Fitted<float> fitted =
      mlp::fit(pick.sizes, tuned, d.X_train, d.Y_train, seed, mlp::describe(pick.sizes) + " tuned");
  f.tuned_val = mlp::accuracy(fitted.net, d.X_val, d.labels_val);
  f.use_tuned = f.tuned_val > pick.val_accuracy;
  mlp::Sequential<float> final_net;
  if (f.use_tuned) {
    final_net = std::move(fitted.net);
  } else {  // the sweep's network, from its saved parameters
    course::Rng unused(0);
    final_net = mlp::build_mlp<float>(pick.sizes, unused);
    auto params = final_net.params();
    for (std::size_t i = 0; i < params.size(); ++i) *params[i].value = pick.weights[i];
  }
  f.recipe = f.use_tuned ? tuned : c.recipe();
  f.val_accuracy = f.use_tuned ? f.tuned_val : pick.val_accuracy;
  f.test_accuracy = mlp::accuracy(final_net, d.test.X, d.test.labels);  // the only use of test
  // [final]
  f.tuned_diverged = fitted.diverged;
  f.tuned_seconds = fitted.seconds;
  return f;
}

}  // namespace architecture
