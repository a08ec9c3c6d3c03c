/// \file
/// \brief Chapter 06's experiment: Nielsen's network.py in C++ (784-30-10 sigmoid, quadratic
/// cost, SGD with eta 3.0 and batches of 10) trained on MNIST, the test accuracy after every
/// epoch. It returns a plain struct; printing, plots and summary.json are in report.hpp.
/// What it leaves out on purpose: Nielsen's validation set (the last 10,000 training images are
/// not used, as in network.py).
#pragma once

#include <algorithm>
#include <armadillo>
#include <cstdint>
#include <iostream>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace nielsen {

using Mat = arma::fmat;  // training runs in float32

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  arma::uword hidden = 30, epochs = 3, batch_size = 10, n_train = 50000, runs = 1;
  double eta = 3.0;
};

/// MNIST as network.py uses it: the first n_train training images, the 10,000 test images.
struct Data {
  course::ImageSet train, test;
  Mat Y;  // (10 x n_train) one-hot targets
};

inline Data load_mnist(const Config& c, const course::CommonOptions& common) {
  // [data]
  const course::ImageSet train = course::load_images("mnist", "train", common.data_dir, c.n_train);
  const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
  const Mat Y = course::one_hot<Mat>(train.labels, 10);  // (10 x n) targets
  // [data]
  std::cout << "MNIST: " << train.X.n_cols << " training images, " << test.X.n_cols
            << " test images of " << train.rows << " x " << train.cols << "\n";
  return {train, test, Y};
}

/// What the runs found: test images right after each epoch, per run.
struct Runs {
  std::vector<std::vector<arma::uword>> correct;  // [run][epoch]
  std::vector<double> epoch_seconds;              // every epoch of every run
  arma::uvec best_predicted;                      // test predictions at the best epoch
  arma::uword n_test = 0;
  double best_final = 0, peak = 0;  // accuracies: best last epoch, best any epoch
};

/// Experiment: Nielsen's network trained `runs` times (seeds seed, seed + 1, ...), the test
/// accuracy measured after every epoch, as network.py prints it.
inline Runs train_nielsen(const Data& d, const Config& c, std::uint64_t seed) {
  Runs r;
  r.n_test = d.test.X.n_cols;
  r.correct.resize(c.runs);
  double best = -1;
  for (arma::uword run = 0; run < c.runs; ++run) {
    course::Rng rng(seed + run);
    // [network]
    mlp::Sequential<float> net;
    net.add<mlp::Dense<float>>(784, c.hidden, rng);  // W1: (hidden x 784), N(0,1)
    net.add<mlp::Sigmoid<float>>();
    net.add<mlp::Dense<float>>(c.hidden, 10, rng);  // W2: (10 x hidden), N(0,1)
    net.add<mlp::Sigmoid<float>>();
    mlp::QuadraticCost<float> cost;
    mlp::SGD<float> sgd(net.params(), c.eta);
    mlp::Trainer<float> trainer(net, cost, sgd, c.batch_size);
    // [network]
    if (run == 0)
      std::cout << net.describe() << ", " << net.n_params() << " parameters; eta " << c.eta
                << ", batch " << c.batch_size << ", " << c.epochs << " epochs\n";
    if (c.runs > 1) std::cout << "Run " << run + 1 << " (seed " << seed + run << ")\n";
    for (arma::uword epoch = 0; epoch < c.epochs; ++epoch) {
      course::Timer timer;
      course::Progress progress("images", d.train.X.n_cols);
      trainer.train_epoch(d.train.X, d.Y, rng, epoch + 1, &progress);
      r.epoch_seconds.push_back(timer.seconds());
      const arma::uvec predicted = mlp::predict(net, d.test.X);
      const arma::uword ok = arma::accu(predicted == d.test.labels);
      r.correct[run].push_back(ok);
      std::cout << "Epoch " << epoch << ": " << ok << " / " << r.n_test
                << "\n";  // Nielsen counts from 0
      if (ok / double(r.n_test) > best) {
        best = ok / double(r.n_test);
        r.best_predicted = predicted;
      }
    }
  }
  for (const auto& run : r.correct) {
    r.best_final = std::max(r.best_final, run.back() / double(r.n_test));
    r.peak = std::max(r.peak, *std::max_element(run.begin(), run.end()) / double(r.n_test));
  }
  return r;
}

}  // namespace nielsen
