/// \file
/// \brief Chapter 07's experiments, one function each, in the lesson's order: a regression
/// network with the mean squared error, the learning slowdown of the quadratic cost against
/// softmax + cross-entropy, and a softmax classifier on MNIST and Fashion-MNIST.
///
/// What it is: the runs around chapter 06's library and this chapter's two losses. Each
/// experiment returns a plain struct; printing, plotting and summary.json are report.hpp's.
/// What it leaves out on purpose: a validation split (chapter 09) and any optimizer but plain
/// SGD (chapter 08).
#pragma once

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/mse.hpp"
#include "chapters/07_softmax_cross_entropy/regression_data.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace softmax_cross_entropy {

using Mat = arma::fmat;  // training runs in float32

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  std::string dataset = "both";  ///< classification data: mnist, fashion or both
  arma::uword hidden = 100, epochs = 2, batch_size = 16, train_size = 10000, decay_epochs = 0;
  double eta = 0.1;
  std::string activation = "relu";  ///< the classifier's hidden activation: relu or sigmoid
  arma::uword slow_size = 2000, slow_epochs = 3;  ///< the slowdown race's images and epochs
  arma::uword reg_hidden = 16, reg_epochs = 500;  ///< the regression network
  double noise = 0.1;                             ///< noise sigma of the regression data
};

/// The datasets the run classifies, once the flags are checked against each other.
inline std::vector<std::string> datasets_to_run(const Config& c,
                                                const course::CommonOptions& common) {
  if (c.decay_epochs > c.epochs)
    throw course::UsageError("--decay-epochs: " + std::to_string(c.decay_epochs) +
                             " is more than --epochs " + std::to_string(c.epochs));
  if (c.dataset == "both" && !common.data_dir.empty())
    throw course::UsageError(
        "--data names one dataset's folder: add --dataset mnist or --dataset fashion");
  if (c.dataset == "both") return {"mnist", "fashion"};
  return {c.dataset};
}

inline std::string pretty(const std::string& dataset) {
  return dataset == "mnist" ? "MNIST" : "Fashion-MNIST";
}

/// Experiment 1: regression with the mean squared error, the RMSE as the report.
struct Regression {
  double rmse_train = 0, rmse_test = 0, rmse_predict_mean = 0, seconds = 0;
  std::vector<double> mse_per_epoch;
  mlp::RegressionData<float> train;
  arma::fmat curve_x, curve_y;  // (1 x 200) the fitted function on a grid
};

/// A 1-reg_hidden-1 tanh network fits y = sin x + noise (200 points) and is measured on 1,000
/// new points; `rng` draws the data, the weights and the batch order.
inline Regression fit_sine(const Config& c, course::Rng& rng) {
  course::Timer timer;
  Regression r;
  r.train = mlp::noisy_sine<float>(200, c.noise, rng);  // (1 x 200) each
  const mlp::RegressionData<float> test = mlp::noisy_sine<float>(1000, c.noise, rng);
  // [regression]
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(1, c.reg_hidden, rng);  // W1: (hidden x 1)
  net.add<mlp::Tanh<float>>();
  auto& output = net.add<mlp::Dense<float>>(c.reg_hidden, 1, rng);  // W2: (1 x hidden)
  output.W /= std::sqrt(static_cast<float>(c.reg_hidden));
  // No activation after the last layer: the prediction can be any real number.
  mlp::MeanSquaredError<float> mse;
  mlp::SGD<float> sgd(net.params(), 0.05);
  mlp::Trainer<float> trainer(net, mse, sgd, 10);
  for (arma::uword epoch = 1; epoch <= c.reg_epochs; ++epoch) {
    if (epoch == c.reg_epochs - c.reg_epochs / 5 + 1) sgd.eta /= 10;  // the last fifth: smaller
    r.mse_per_epoch.push_back(trainer.train_epoch(r.train.X, r.train.Y, rng, epoch));
  }
  // [regression]
  r.rmse_train = mlp::rmse(arma::fmat(net.forward(r.train.X)), r.train.Y);
  r.rmse_test = mlp::rmse(arma::fmat(net.forward(test.X)), test.Y);
  // The simplest model, "always predict the mean of the training targets", for comparison.
  const arma::fmat mean_prediction(1, test.Y.n_cols,
                                   arma::fill::value(arma::mean(r.train.Y.row(0))));
  r.rmse_predict_mean = mlp::rmse(mean_prediction, test.Y);
  r.curve_x = arma::linspace<arma::frowvec>(-M_PI, M_PI, 200);
  r.curve_y = net.forward(r.curve_x);
  r.seconds = timer.seconds();
  return r;
}

/// Experiment 2: the learning slowdown, quadratic cost on sigmoid outputs against softmax +
/// cross-entropy, from the same bad start.
struct SlowdownRun {
  double eta = 0;
  std::vector<double> accuracy;  // training accuracy before epoch 1 and after every epoch
};

/// One cost over all learning rates.
struct CostRuns {
  std::vector<double> final_by_eta;  // training accuracy after the last epoch, per eta
  SlowdownRun best;                  // the run at the best eta
};

struct SlowdownRace {
  std::string dataset;
  arma::uword images = 0, hidden = 100, epochs = 0;
  std::vector<double> etas = {0.1, 0.3, 1.0, 3.0, 10.0, 30.0};
  double saturated = 0;  // fraction of output pre-activations with |z| > 4 at the start
  CostRuns quadratic, cross_entropy;
  double seconds = 0;
};

// [slowdown]
/// Chapter 06's N(0, 1) start, too large for 784 inputs; the last layer gives the logits Z.
inline mlp::Sequential<float> badly_started_net(arma::uword hidden, course::Rng& rng) {
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(784, hidden, rng);  // chapter 06's N(0, 1) weights: a bad start
  net.add<mlp::Sigmoid<float>>();
  net.add<mlp::Dense<float>>(hidden, 10, rng);  // output pre-activations Z (10 x m)
  return net;
}

/// Train one badly started network with one cost; the seed fixes the initial weights and the
/// batch order, so the two costs start from the same point and see the same batches.
inline SlowdownRun slowdown_run(const course::ImageSet& data, const SlowdownRace& race,
                                bool quadratic, double eta, std::uint64_t seed) {
  course::Rng rng(seed);
  mlp::Sequential<float> net = badly_started_net(race.hidden, rng);
  mlp::QuadraticCost<float> quadratic_cost;       // needs outputs in [0, 1]: sigmoid outputs
  mlp::SoftmaxCrossEntropy<float> cross_entropy;  // takes the logits Z directly
  if (quadratic) net.add<mlp::Sigmoid<float>>();
  mlp::Loss<float>& loss =
      quadratic ? static_cast<mlp::Loss<float>&>(quadratic_cost) : cross_entropy;
  // [slowdown]
  mlp::SGD<float> sgd(net.params(), eta);
  mlp::Trainer<float> trainer(net, loss, sgd, 10);
  const Mat Y = course::one_hot<Mat>(data.labels, 10);
  SlowdownRun run{eta, {mlp::accuracy(net, data.X, data.labels)}};
  for (arma::uword epoch = 1; epoch <= race.epochs; ++epoch) {
    trainer.train_epoch(data.X, Y, rng, epoch);
    run.accuracy.push_back(mlp::accuracy(net, data.X, data.labels));
  }
  return run;
}

/// How many output pre-activations of the bad start sit where sigma'(z) < 0.018 (|z| > 4).
inline double saturated_outputs(const course::ImageSet& data, arma::uword hidden,
                                std::uint64_t seed) {
  course::Rng rng(seed);  // the start every run of the race has
  mlp::Sequential<float> net = badly_started_net(hidden, rng);
  const Mat& Z = net.forward(data.X);
  return arma::accu(arma::abs(Z) > 4.0f) / static_cast<double>(Z.n_elem);
}

/// Both costs at every learning rate, on the first `slow_size` training images of `dataset`.
inline SlowdownRace slowdown_race(const std::string& dataset, const Config& c,
                                  const course::CommonOptions& common) {
  course::Timer timer;
  const course::ImageSet data = course::load_images(dataset, "train", common.data_dir, c.slow_size);
  SlowdownRace race;
  race.dataset = dataset;
  race.images = data.X.n_cols;
  race.epochs = c.slow_epochs;
  race.saturated = saturated_outputs(data, race.hidden, common.seed);
  for (bool quadratic : {true, false}) {
    CostRuns& cost = quadratic ? race.quadratic : race.cross_entropy;
    for (double eta : race.etas) {
      SlowdownRun run = slowdown_run(data, race, quadratic, eta, common.seed);
      cost.final_by_eta.push_back(run.accuracy.back());
      if (cost.best.accuracy.empty() || run.accuracy.back() > cost.best.accuracy.back())
        cost.best = run;
    }
  }
  race.seconds = timer.seconds();
  return race;
}

/// Experiment 3: classification with softmax + cross-entropy, evaluated once on the test set.
struct Classifier {
  std::string dataset;
  arma::uword n_train = 0, n_test = 0, correct = 0;
  double test_accuracy = 0, train_accuracy = 0, seconds = 0;
  std::vector<double> loss_per_epoch, epoch_seconds;
  arma::umat confusion;  // (10 x 10) row: true class, column: predicted class
};

/// A dataset's first `train_size` training images, its test images, and one-hot targets.
struct Images {
  course::ImageSet train, test;
  Mat Y;  // (10 x n) one-hot targets
};

inline Images load_dataset(const std::string& dataset, const Config& c,
                           const std::string& data_dir) {
  // [data]
  const course::ImageSet train = course::load_images(dataset, "train", data_dir, c.train_size);
  const course::ImageSet test = course::load_images(dataset, "test", data_dir);
  const Mat Y = course::one_hot<Mat>(train.labels, 10);  // (10 x n) one-hot targets
  // [data]
  return {train, test, Y};
}

/// 784-hidden-10 with softmax + cross-entropy and SGD, `epochs` epochs (the last
/// `decay_epochs` at eta/10); `rng` draws the weights and the batch order.
inline Classifier classify(const std::string& dataset, const Config& c, const std::string& data_dir,
                           course::Rng& rng) {
  course::Timer total;
  const Images d = load_dataset(dataset, c, data_dir);
  // [network]
  mlp::Sequential<float> net;
  auto& hidden = net.add<mlp::Dense<float>>(784, c.hidden, rng);
  hidden.W /= std::sqrt(784.0f);  // N(0, 1/n_in) instead of N(0, 1): see chapter 08
  hidden.b.zeros();
  if (c.activation == "relu")
    net.add<mlp::ReLU<float>>();
  else
    net.add<mlp::Sigmoid<float>>();
  auto& output = net.add<mlp::Dense<float>>(c.hidden, 10, rng);
  output.W /= std::sqrt(static_cast<float>(c.hidden));
  output.b.zeros();
  // No activation after the last layer: its output Z are the logits; the loss takes the softmax.
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::SGD<float> sgd(net.params(), c.eta);
  mlp::Trainer<float> trainer(net, loss, sgd, c.batch_size);
  // [network]
  std::cout << "\n"
            << pretty(dataset) << ": " << net.describe() << " + softmax, " << net.n_params()
            << " parameters\n  " << d.train.X.n_cols << " training images, batch " << c.batch_size
            << ", eta " << c.eta
            << (c.decay_epochs
                    ? " (eta/10 for the last " + std::to_string(c.decay_epochs) + " epochs)"
                    : "")
            << ", " << c.epochs << " epochs\n";
  Classifier r;
  r.dataset = dataset;
  r.n_train = d.train.X.n_cols;
  r.n_test = d.test.X.n_cols;
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch) {
    // [decay]
    if (epoch == c.epochs - c.decay_epochs + 1) sgd.eta = c.eta / 10;  // anneal: smaller steps
    // [decay]
    course::Timer timer;
    course::Progress progress("images", d.train.X.n_cols);
    r.loss_per_epoch.push_back(trainer.train_epoch(d.train.X, d.Y, rng, epoch, &progress));
    r.epoch_seconds.push_back(timer.seconds());
    std::cout << "  epoch " << epoch << "/" << c.epochs << ": training loss "
              << course::fixed(r.loss_per_epoch.back(), 4) << " (eta " << sgd.eta << "), "
              << course::fixed(r.epoch_seconds.back(), 2) << " s\n";
  }
  // [evaluate]
  const arma::uvec predicted = mlp::predict(net, d.test.X);  // evaluated once, after training
  r.correct = arma::accu(predicted == d.test.labels);
  r.test_accuracy = r.correct / static_cast<double>(r.n_test);
  r.train_accuracy = mlp::accuracy(net, d.train.X, d.train.labels);
  r.confusion = course::confusion_matrix(d.test.labels, predicted, 10);
  // [evaluate]
  std::cout << "  training accuracy " << course::percent(r.train_accuracy) << ", test accuracy "
            << r.correct << " / " << r.n_test << " = " << course::percent(r.test_accuracy) << "\n";
  r.seconds = total.seconds();
  return r;
}

/// Experiment 3 on each dataset in turn, all from the one generator `rng`.
inline std::vector<Classifier> classify_each(const std::vector<std::string>& datasets,
                                             const Config& c, const std::string& data_dir,
                                             course::Rng& rng) {
  std::vector<Classifier> results;
  for (const auto& dataset : datasets) results.push_back(classify(dataset, c, data_dir, rng));
  return results;
}

}  // namespace softmax_cross_entropy
