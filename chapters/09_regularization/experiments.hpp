/// \file
/// \brief Chapter 09's experiments, one function each, in the lesson's order: a 784-30-10 network
/// overfits 1,000 MNIST images and each remedy fights it; the same 1,000 images with deeper
/// networks of the same width (does depth fight overfitting?); a wide network with dropout and
/// shifts on the full training set.
///
/// What it is: the runs around chapter 06's library, chapter 08's optimizers and schedules and
/// this chapter's penalties, dropout, early stopping and shifts. Each experiment returns a plain
/// struct; printing, plotting and summary.json are report.hpp's.
/// What it leaves out on purpose: choosing the settings by a search (chapter 10 does that), and
/// retraining on training plus validation data once they are chosen.
#pragma once

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/08_training_deeper/sigmoid_cross_entropy.hpp"
#include "chapters/09_regularization/augment.hpp"
#include "chapters/09_regularization/dropout.hpp"
#include "chapters/09_regularization/early_stopping.hpp"
#include "chapters/09_regularization/penalties.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace regularization {

using Mat = arma::fmat;  // training runs in float32
using mlp::Sequential;

/// The 1,000-image experiments: Nielsen's network and its training.
struct SmallConfig {
  arma::uword n_train = 1000, hidden = 30, epochs = 60, batch_size = 10;
  arma::uword hidden_layers = 1;  ///< hidden layers of `hidden` units (Nielsen: 1)
  double eta = 0.5;
  int max_shift = 2;  ///< largest shift in pixels, each direction (both experiments)
};

/// The full-data experiment: a wide network.
struct LargeConfig {
  arma::uword n_train = 10000, hidden = 800, epochs = 3, batch_size = 100;
  double eta = 1e-3, input_dropout = 0.2, dropout = 0.5;
};

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  std::string part = "both";  ///< small (the 1,000-image experiments), large, or both
  SmallConfig small;
  double lambda = 0.1, lambda_l1 = 0.1, dropout = 0.3;  ///< the remedies' strengths
  arma::uword patience = 50;                            ///< early stopping
  std::vector<arma::uword> depths = {1, 2, 3};          ///< hidden layers in the depth study
  arma::uword depth_seeds = 1;                          ///< seeds per depth
  LargeConfig large;
  bool run_small() const { return part != "large"; }
  bool run_large() const { return part != "small"; }
};

/// MNIST split as in Nielsen's mnist_loader: train / validation from the training file, and test.
struct Data {
  Mat X_train, Y_train;  // (784 x 50000), (10 x 50000): the first 50,000 training images
  arma::uvec y_train;
  Mat X_val;  // (784 x 10000): the last 10,000 training images
  arma::uvec y_val;
  Mat X_test;  // (784 x 10000): the test set, used once per run
  arma::uvec y_test;
  arma::uword rows = 28, cols = 28;
};

inline Data load_mnist_split(const course::CommonOptions& common) {
  // [data]
  Data d;
  course::ImageSet train = course::load_images("mnist", "train", common.data_dir);
  course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
  if (train.X.n_cols != 60000)
    throw course::Error("MNIST training set: expected 60000 images, found " +
                        std::to_string(train.X.n_cols));
  d.X_train = train.X.head_cols(50000);  // Nielsen's training_data
  d.y_train = train.labels.head(50000);
  d.Y_train = course::one_hot<Mat>(d.y_train, 10);
  d.X_val = train.X.tail_cols(10000);  // Nielsen's validation_data
  d.y_val = train.labels.tail(10000);
  d.X_test = std::move(test.X);  // used once per run, at its end
  d.y_test = std::move(test.labels);
  // [data]
  std::cout << "MNIST: 60,000 training images split into 50,000 for training and 10,000 for "
               "validation; 10,000 test images (each run looks at them once, at its end)\n";
  return d;
}

/// One remedy of experiment 1 (zeros: not used).
struct Remedy {
  std::string key;           // summary.json key and file name
  std::string label;         // legend and table entry
  double l2 = 0;             // lambda of the L2 penalty
  double l1 = 0;             // lambda of the L1 penalty
  double dropout = 0;        // drop probability of the hidden units
  arma::uword patience = 0;  // early stopping: epochs without improvement (0: none)
  bool shifts = false;       // data augmentation by random shifts
};

inline std::vector<Remedy> remedies(const Config& c) {
  // [remedies]
  return {
      {"none", "no regularization"},
      {"l2", "L2, lambda " + course::fixed(c.lambda, 2), c.lambda},
      {"l1", "L1, lambda " + course::fixed(c.lambda_l1, 2), 0, c.lambda_l1},
      {"dropout", "dropout p = " + course::fixed(c.dropout, 2), 0, 0, c.dropout},
      {"early_stopping", "early stopping, patience " + std::to_string(c.patience), 0, 0, 0,
       c.patience},
      {"shifts", "random shifts <= " + std::to_string(c.small.max_shift) + " px", 0, 0, 0, 0, true},
      {"all", "L2 + dropout + shifts + early stopping", c.lambda, 0, c.dropout, c.patience, true}};
  // [remedies]
}

/// What one run produced.
struct History {
  std::vector<double> train_acc, val_acc;  // per epoch
  arma::uword best_epoch = 0, epochs_run = 0, n_params = 0;
  double best_val = 0, test_acc = 0, seconds = 0;
  arma::mat W1;  // (hidden x 784) first-layer weights at the end
};

// [remedy_run]
/// Nielsen's 784-30-10 (with hidden_layers > 1, more sigmoid layers of the same width), N(0, 1)
/// weights, logits out; a Dropout after each hidden layer when the remedy asks for it.
inline Sequential<float> small_net(const Remedy& r, const SmallConfig& c, course::Rng& rng) {
  Sequential<float> net;
  for (arma::uword l = 0; l < c.hidden_layers; ++l) {
    const arma::uword n_in = l == 0 ? 784 : c.hidden;
    net.add<mlp::Dense<float>>(n_in, c.hidden, rng);  // N(0, 1): large_weight_initializer
    net.add<mlp::Sigmoid<float>>();
    if (r.dropout > 0) net.add<mlp::Dropout<float>>(r.dropout, rng);
  }
  net.add<mlp::Dense<float>>(c.hidden, 10, rng);  // logits; the loss applies the sigmoid
  return net;
}

/// Experiment 1: train on the first n_train images with one remedy.
inline History run_small(const Remedy& r, const SmallConfig& c, const Data& d, std::uint64_t seed) {
  course::Timer timer;
  course::Rng rng(seed);  // the same seed for every remedy: the same initial weights
  const Mat X = d.X_train.head_cols(c.n_train), Y = d.Y_train.head_cols(c.n_train);
  const arma::uvec y = d.y_train.head(c.n_train);
  Sequential<float> net = small_net(r, c, rng);
  mlp::SigmoidCrossEntropy<float> cost;  // network2.py's CrossEntropyCost
  mlp::SGD<float> sgd(net.params(), c.eta);
  std::unique_ptr<mlp::Penalty<float>> penalty;
  const auto weights = mlp::weights_only(net.params());
  if (r.l2 > 0) penalty = std::make_unique<mlp::L2Penalty<float>>(weights, r.l2, c.n_train);
  if (r.l1 > 0) penalty = std::make_unique<mlp::L1Penalty<float>>(weights, r.l1, c.n_train);
  std::unique_ptr<mlp::Optimizer<float>> regularized;
  if (penalty) regularized = std::make_unique<mlp::Regularized<float>>(sgd, *penalty);
  mlp::Trainer<float> trainer(net, cost, regularized ? *regularized : sgd, c.batch_size);
  mlp::EarlyStopping<float> best(net.params(), r.patience);
  History h;
  Mat X_shifted;  // (784 x n_train) this epoch's shifted copy, reused every epoch
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch) {
    if (r.shifts) mlp::random_shifts(X, d.rows, d.cols, c.max_shift, rng, X_shifted);
    trainer.train_epoch(r.shifts ? X_shifted : X, Y, rng, epoch);
    h.train_acc.push_back(mlp::accuracy(net, X, y));  // on the unshifted training images
    h.val_acc.push_back(mlp::accuracy(net, d.X_val, d.y_val));
    best.record(epoch, h.val_acc.back());
    h.epochs_run = epoch;
    if (best.should_stop()) break;  // only with patience > 0
  }
  if (r.patience > 0) best.restore();  // early stopping: back to the best validation epoch
  h.best_epoch = best.best_epoch();
  h.best_val = best.best_score();
  h.test_acc = mlp::accuracy(net, d.X_test, d.y_test);  // the test set, touched once
  h.W1 = arma::conv_to<arma::mat>::from(*net.params()[0].value);
  h.n_params = net.n_params();
  h.seconds = timer.seconds();
  return h;
}
// [remedy_run]

/// Experiment 1: every remedy, one after the other, from the same initial weights.
struct RemedyRuns {
  std::vector<Remedy> remedies;
  std::vector<History> runs;  // one per remedy, in the same order
};

inline RemedyRuns overfit_and_cure(const Data& d, const Config& c, std::uint64_t seed) {
  RemedyRuns r{remedies(c), {}};
  for (const Remedy& remedy : r.remedies) r.runs.push_back(run_small(remedy, c.small, d, seed));
  return r;
}

/// Mean and sample standard deviation of a few numbers (0 for one number).
struct Spread {
  double mean = 0, sd = 0;
};

inline Spread spread(const std::vector<double>& v) {
  Spread s;
  for (double x : v) s.mean += x / double(v.size());
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(s.sd / double(v.size() - 1)) : 0.0;
  return s;
}

/// One depth of experiment 2, over the seeds.
struct DepthRow {
  arma::uword hidden_layers = 0, n_params = 0;
  std::string sizes;                     // e.g. "784-30-30-10"
  std::vector<double> train, test, gap;  // per seed: final training and test accuracy, gap
  std::vector<double> val_curve;         // the first seed's validation accuracy per epoch
};

struct DepthStudy {
  arma::uword seeds = 0;
  std::vector<DepthRow> rows;  // one per depth, in --depths order
  double seconds = 0;
};

/// Experiment 2, the article's "add layers" against overfitting: the "no regularization" run of
/// experiment 1 with 1, 2, 3 ... hidden layers of the same width, the same 1,000 images and the
/// same budget, from seeds seed, seed + 1, ... (the first seed's 784-30-10 is experiment 1's
/// run). The gap is training accuracy minus test accuracy after the last epoch.
inline DepthStudy depth_study(const Data& d, const Config& c, std::uint64_t seed) {
  course::Timer timer;
  DepthStudy study;
  study.seeds = c.depth_seeds;
  const Remedy none{"none", "no regularization"};
  for (arma::uword layers : c.depths) {
    SmallConfig deeper = c.small;
    deeper.hidden_layers = layers;
    DepthRow row;
    row.hidden_layers = layers;
    row.sizes = "784";
    for (arma::uword l = 0; l < layers; ++l) row.sizes += "-" + std::to_string(c.small.hidden);
    row.sizes += "-10";
    for (arma::uword s = 0; s < c.depth_seeds; ++s) {
      const History h = run_small(none, deeper, d, seed + s);
      row.train.push_back(h.train_acc.back());
      row.test.push_back(h.test_acc);
      row.gap.push_back(h.train_acc.back() - h.test_acc);
      row.n_params = h.n_params;
      if (s == 0) row.val_curve = h.val_acc;
    }
    study.rows.push_back(row);
  }
  study.seconds = timer.seconds();
  return study;
}

/// Experiment 3: a wide MLP on the full training set.
struct LargeResult {
  std::vector<double> train_acc, val_acc, epoch_seconds;
  arma::uword best_epoch = 0, n_params = 0;
  double best_val = 0, test_acc = 0;
  std::string describe;
};

/// 784-800-800-10 ReLU with input dropout, dropout and shifts, Adam with a cosine schedule; the
/// best validation epoch's weights are restored before the test.
inline LargeResult train_wide_net(const Data& d, const Config& c, std::uint64_t seed) {
  const LargeConfig& lc = c.large;
  course::Rng rng(seed);
  const Mat X = course::column_view(d.X_train, 0, lc.n_train);  // no copy of up to 160 MB
  const Mat Y = course::column_view(d.Y_train, 0, lc.n_train);
  const arma::uword n_probe = std::min<arma::uword>(10000, lc.n_train);  // training accuracy
  const Mat X_probe = X.head_cols(n_probe);
  const arma::uvec y_probe = d.y_train.head(n_probe);
  // [large_net]
  Sequential<float> net;
  if (lc.input_dropout > 0) net.add<mlp::Dropout<float>>(lc.input_dropout, rng);
  net.add<mlp::Dense<float>>(784, lc.hidden, rng);
  net.add<mlp::ReLU<float>>();
  net.add<mlp::Dropout<float>>(lc.dropout, rng);
  net.add<mlp::Dense<float>>(lc.hidden, lc.hidden, rng);
  net.add<mlp::ReLU<float>>();
  net.add<mlp::Dropout<float>>(lc.dropout, rng);
  net.add<mlp::Dense<float>>(lc.hidden, 10, rng);
  mlp::initialize(net, mlp::Initializer<float>(mlp::he_normal<float>), rng);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(net.params(), lc.eta);
  mlp::Trainer<float> trainer(net, loss, adam, lc.batch_size);
  const arma::uword steps = lc.epochs * ((lc.n_train + lc.batch_size - 1) / lc.batch_size);
  mlp::follow(trainer, adam, mlp::CosineSchedule{lc.eta, 0.0, steps});  // eta -> 0 at the end
  mlp::EarlyStopping<float> best(net.params(), 0);  // patience 0: keep the best, never stop
  // [large_net]
  LargeResult res;
  res.n_params = net.n_params();
  res.describe = net.describe();
  std::cout << "\n3. A wide MLP without convolutions, on " << lc.n_train
            << " of the 50,000 training images:\n   " << res.describe << "\n   " << res.n_params
            << " parameters, Adam (eta " << lc.eta << ", cosine to 0), batch " << lc.batch_size
            << ", shifts up to " << c.small.max_shift << " px, " << lc.epochs << " epochs on "
            << lc.n_train << " images\n";
  Mat X_shifted;
  for (arma::uword epoch = 1; epoch <= lc.epochs; ++epoch) {
    course::Timer timer;
    mlp::random_shifts(X, d.rows, d.cols, c.small.max_shift, rng, X_shifted);
    {
      course::Progress progress("epoch " + std::to_string(epoch), X.n_cols);
      trainer.train_epoch(X_shifted, Y, rng, epoch, &progress);
    }  // the progress line ends here
    res.epoch_seconds.push_back(timer.seconds());
    res.train_acc.push_back(mlp::accuracy(net, X_probe, y_probe));
    res.val_acc.push_back(mlp::accuracy(net, d.X_val, d.y_val));
    const bool better = best.record(epoch, res.val_acc.back());
    std::cout << "   epoch " << std::setw(3) << epoch << ": training accuracy "
              << course::percent(res.train_acc.back()) << ", validation "
              << course::percent(res.val_acc.back()) << (better ? " *" : "  ") << "  ("
              << course::fixed(res.epoch_seconds.back(), 1) << " s)\n";
  }
  best.restore();
  res.best_epoch = best.best_epoch();
  res.best_val = best.best_score();
  res.test_acc = mlp::accuracy(net, d.X_test, d.y_test);  // the test set, touched once
  return res;
}

}  // namespace regularization
