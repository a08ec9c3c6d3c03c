/// \file
/// \brief Chapter 08's experiments, one function each, in the lesson's order: vanishing
/// gradients at initialization, an optimizer race, and a deeper ReLU network under three
/// learning-rate schedules.
///
/// What it is: the runs around chapter 06's library and this chapter's initializers, optimizers,
/// schedules and probe. Each experiment returns a plain struct; printing, plotting and
/// summary.json are report.hpp's.
/// What it leaves out on purpose: a validation split (nothing is tuned here; chapter 09 carves
/// one) and regularization (chapter 09).
#pragma once

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/probes.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/08_training_deeper/sigmoid_cross_entropy.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace training_deeper {

using Mat = arma::fmat;  // training runs in float32
using mlp::Sequential;

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  arma::uword probe_images = 1000, probe_seeds = 1;                   ///< the gradient probe
  arma::uword race_epochs = 3, race_train = 5000, race_hidden = 100;  ///< the optimizer race
  arma::uword race_seeds = 2, seeds_train = 1000;  ///< the race repeated over seeds (smaller)
  double eta_sgd = 0.1, eta_momentum = 0.1, mu = 0.9, eta_rmsprop = 0.001, eta_adam = 0.001;
  std::vector<arma::uword> hidden = {256, 128};  ///< the deeper net's hidden sizes
  arma::uword epochs = 2, n_train = 10000;       ///< the deeper net's epochs and images
  arma::uword batch_size = 128;                  ///< race and deeper net
  double eta = 0.001;                            ///< the deeper net's Adam (schedules start there)
};

/// MNIST: the first training images (as many as the largest experiment needs) and the test set.
struct Data {
  course::ImageSet train, test;
  Mat Y, Y_test;  // (10 x n) one-hot targets of the training and test images
};

inline Data load_mnist(const Config& c, const course::CommonOptions& common) {
  const arma::uword n_load = std::max({c.probe_images, c.race_train, c.seeds_train, c.n_train});
  Data d{course::load_images("mnist", "train", common.data_dir, n_load),
         course::load_images("mnist", "test", common.data_dir),
         {},
         {}};
  d.Y = course::one_hot<Mat>(d.train.labels, 10);
  d.Y_test = course::one_hot<Mat>(d.test.labels, 10);
  std::cout << "MNIST: " << d.train.X.n_cols << " training images loaded, " << d.test.X.n_cols
            << " test images\n\n";
  return d;
}

/// "784-30-10" from {784, 30, 10}.
inline std::string join(const std::vector<arma::uword>& v, const std::string& sep = "-") {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : sep) + std::to_string(x);
  return s;
}

// [make_net]
/// A fully connected network: Dense layers of the given sizes with `activation` between them
/// (none after the last: the loss takes logits), every Dense initialized by `init`.
inline Sequential<float> make_net(const std::vector<arma::uword>& sizes,
                                  const std::string& activation,
                                  const mlp::Initializer<float>& init, course::Rng& rng) {
  Sequential<float> net;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    net.add<mlp::Dense<float>>(sizes[l - 1], sizes[l], rng);
    if (l + 1 == sizes.size()) break;
    if (activation == "sigmoid")
      net.add<mlp::Sigmoid<float>>();
    else if (activation == "tanh")
      net.add<mlp::Tanh<float>>();
    else
      net.add<mlp::ReLU<float>>();
  }
  mlp::initialize(net, init, rng);
  return net;
}
// [make_net]

/// Experiment 1: the bias-gradient norm of each hidden layer at initialization.
struct ProbeConfig {
  std::string label;  // legend and table entry
  std::string key;    // summary.json key
  std::string activation;
  mlp::Initializer<float> init;
};

/// One configuration's ||dL/db|| per hidden layer, over the initializations (seeds).
struct ProbeCurve {
  std::string label, key;
  std::vector<double> mean, lo, hi;  // [hidden layer]
};

struct GradientProbe {
  std::vector<arma::uword> sizes;
  arma::uword images = 0, seeds = 0;
  std::vector<ProbeCurve> curves;
  std::vector<double> nielsen_reported = {0.003, 0.017, 0.070, 0.285};  // his book, network2.py
  /// The curve of a configuration, by its summary key.
  const ProbeCurve& curve(const std::string& key) const {
    return *std::find_if(curves.begin(), curves.end(),
                         [&](const ProbeCurve& c) { return c.key == key; });
  }
};

/// Mean, smallest and largest norm of each layer over the seeds ([seed][layer] in).
inline ProbeCurve across_seeds(const ProbeConfig& config,
                               const std::vector<std::vector<double>>& per_seed) {
  const std::size_t n_layers = per_seed.front().size();
  ProbeCurve c{config.label, config.key, std::vector<double>(n_layers, 0.0),
               std::vector<double>(n_layers, 1e300), std::vector<double>(n_layers, 0.0)};
  for (const auto& db : per_seed)
    for (std::size_t l = 0; l < n_layers; ++l) {
      c.mean[l] += db[l] / double(per_seed.size());
      c.lo[l] = std::min(c.lo[l], db[l]);
      c.hi[l] = std::max(c.hi[l], db[l]);
    }
  return c;
}

/// Nielsen's chapter 5 setup ([784, 30, 30, 30, 30, 10], sigmoid outputs + cross-entropy, the
/// first 1,000 images) for sigmoid with his two initializations, tanh + Glorot and ReLU + He;
/// initializations from seeds seed, seed + 1, ...
inline GradientProbe vanishing_gradients(const Data& d, const Config& c, std::uint64_t seed) {
  // [probe_setup]
  const std::vector<arma::uword> deep_sizes = {784, 30, 30, 30, 30, 10};
  const std::vector<ProbeConfig> configs = {
      {"sigmoid, N(0,1) (network.py)", "sigmoid_naive", "sigmoid", mlp::naive_normal<float>},
      {"sigmoid, N(0,1/n_in) (network2.py)", "sigmoid_nielsen", "sigmoid",
       mlp::nielsen_normal<float>},
      {"tanh, Glorot uniform", "tanh_glorot", "tanh", mlp::glorot_uniform<float>},
      {"ReLU, He normal", "relu_he", "relu", mlp::he_normal<float>}};
  const Mat X_probe = d.train.X.head_cols(c.probe_images);  // Nielsen: the first 1000 images
  const Mat Y_probe = d.Y.head_cols(c.probe_images);
  mlp::SigmoidCrossEntropy<float> nielsen_cost;  // his network2.py's cost
  // [probe_setup]
  GradientProbe p;
  p.sizes = deep_sizes;
  p.images = c.probe_images;
  p.seeds = c.probe_seeds;
  for (const auto& config : configs) {
    std::vector<std::vector<double>> per_seed;  // [seed][hidden layer]
    for (arma::uword s = 0; s < c.probe_seeds; ++s) {
      course::Rng rng(seed + s);
      // [probe_run]
      Sequential<float> net = make_net(deep_sizes, config.activation, config.init, rng);
      const auto norms = mlp::probe_gradients(net, nielsen_cost, X_probe, Y_probe);
      // [probe_run]
      std::vector<double> db;  // the hidden layers: every Dense but the output layer
      for (std::size_t l = 0; l + 1 < norms.size(); ++l) db.push_back(norms[l].db_norm);
      per_seed.push_back(db);
    }
    p.curves.push_back(across_seeds(config, per_seed));
  }
  return p;
}

/// Experiment 2: the optimizer race.
struct Racer {
  std::string name;
  double eta = 0;
  std::vector<double> losses;  // mean training loss per epoch
  double test_accuracy = 0;
};

struct Race {
  std::vector<arma::uword> sizes;
  arma::uword train_size = 0, epochs = 0, batch_size = 0;
  double mu = 0, seconds = 0;
  std::vector<Racer> racers;
};

/// The optimizer called `name` over `params`: SGD, momentum, Nesterov, RMSProp or Adam.
inline std::unique_ptr<mlp::Optimizer<float>> make_optimizer(
    const std::string& name, const std::vector<mlp::Param<float>>& params, double eta, double mu) {
  if (name == "SGD") return std::make_unique<mlp::SGD<float>>(params, eta);
  if (name == "momentum") return std::make_unique<mlp::Momentum<float>>(params, eta, mu);
  if (name == "Nesterov") return std::make_unique<mlp::Nesterov<float>>(params, eta, mu);
  if (name == "RMSProp") return std::make_unique<mlp::RMSProp<float>>(params, eta);
  return std::make_unique<mlp::Adam<float>>(params, eta);
}

/// 784-race_hidden-10 ReLU + softmax, He init, on the first n_train images: every optimizer
/// from the same initial weights, with the same batch order (both fixed by `seed`).
inline Race race_once(const Data& d, const Config& c, std::uint64_t seed, arma::uword n_train) {
  course::Timer timer;
  Race race{{784, c.race_hidden, 10}, n_train, c.race_epochs, c.batch_size, c.mu, 0, {}};
  const Mat X_race = d.train.X.head_cols(n_train);
  const Mat Y_race = d.Y.head_cols(n_train);
  const std::vector<std::pair<std::string, double>> entrants = {{"SGD", c.eta_sgd},
                                                                {"momentum", c.eta_momentum},
                                                                {"Nesterov", c.eta_momentum},
                                                                {"RMSProp", c.eta_rmsprop},
                                                                {"Adam", c.eta_adam}};
  for (const auto& [name, eta] : entrants) {
    Racer r{name, eta, {}, 0};
    course::Rng rng(seed);  // same seed: same weights, same batch order
    // [race]
    Sequential<float> net = make_net(race.sizes, "relu", mlp::he_normal<float>, rng);
    std::unique_ptr<mlp::Optimizer<float>> opt = make_optimizer(r.name, net.params(), r.eta, c.mu);
    mlp::SoftmaxCrossEntropy<float> loss;
    mlp::Trainer<float> trainer(net, loss, *opt, c.batch_size);
    // [race]
    for (arma::uword e = 1; e <= c.race_epochs; ++e) {
      course::Progress progress(r.name + " epoch " + std::to_string(e), X_race.n_cols);
      r.losses.push_back(trainer.train_epoch(X_race, Y_race, rng, e, &progress));
    }
    r.test_accuracy = mlp::accuracy(net, d.test.X, d.test.labels);
    race.racers.push_back(r);
  }
  race.seconds = timer.seconds();
  return race;
}

/// Experiment 2: the race on the first race_train images, from the run's seed.
inline Race optimizer_race(const Data& d, const Config& c, std::uint64_t seed) {
  return race_once(d, c, seed, c.race_train);
}

/// Experiment 2b: one race is one draw of the initial weights and the batch order. The same race
/// on the first seeds_train images, from seeds seed, seed + 1, ...: how much of the ranking is
/// the seed's?
struct RaceOverSeeds {
  std::vector<std::uint64_t> seeds;
  arma::uword train_size = 0, epochs = 0;
  std::vector<Race> races;  // one per seed
  double seconds = 0;
};

inline RaceOverSeeds race_over_seeds(const Data& d, const Config& c, std::uint64_t seed) {
  course::Timer timer;
  RaceOverSeeds s{{}, c.seeds_train, c.race_epochs, {}, 0};
  for (arma::uword k = 0; k < c.race_seeds; ++k) {
    s.seeds.push_back(seed + k);
    s.races.push_back(race_once(d, c, seed + k, c.seeds_train));
  }
  s.seconds = timer.seconds();
  return s;
}

/// Experiment 3: a deeper ReLU network, He init, Adam, under three learning-rate schedules.
struct ScheduleRun {
  std::string schedule;
  std::vector<double> train_loss, test_acc, eta_end;  // per epoch
  double test_loss = 0;
};

struct Deeper {
  std::vector<arma::uword> sizes;
  arma::uword n_params = 0, total_steps = 0;
  mlp::CosineSchedule cosine;
  mlp::StepSchedule step;
  std::vector<ScheduleRun> runs;                               // constant, step, cosine
  std::vector<double> epoch_seconds;                           // every epoch of every run
  const ScheduleRun& headline() const { return runs.back(); }  // cosine
};

/// The deeper net trained once with `schedule` ("constant", "step" or "cosine") on X, Y.
inline ScheduleRun train_with_schedule(const std::string& schedule, Deeper& deeper, const Data& d,
                                       const Config& c, std::uint64_t seed) {
  ScheduleRun run{schedule, {}, {}, {}, 0};
  course::Rng rng(seed);  // the same start and batch order for each schedule
  const Mat X_train = d.train.X.head_cols(c.n_train);
  const Mat Y_train = d.Y.head_cols(c.n_train);
  // [deeper]
  Sequential<float> net = make_net(deeper.sizes, "relu", mlp::he_normal<float>, rng);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(net.params(), c.eta);
  mlp::Trainer<float> trainer(net, loss, adam, c.batch_size);
  if (schedule == "cosine") mlp::follow(trainer, adam, deeper.cosine);
  if (schedule == "step") mlp::follow(trainer, adam, deeper.step);
  // [deeper]
  deeper.n_params = net.n_params();
  for (arma::uword e = 1; e <= c.epochs; ++e) {
    course::Timer timer;
    course::Progress progress(schedule + " epoch " + std::to_string(e), X_train.n_cols);
    run.train_loss.push_back(trainer.train_epoch(X_train, Y_train, rng, e, &progress));
    deeper.epoch_seconds.push_back(timer.seconds());
    run.test_acc.push_back(mlp::accuracy(net, d.test.X, d.test.labels));
    run.eta_end.push_back(adam.eta);
    std::cout << "   " << std::left << std::setw(8) << schedule << std::right << " epoch "
              << std::setw(2) << e << ": training loss " << course::fixed(run.train_loss.back(), 4)
              << ", test accuracy " << course::percent(run.test_acc.back()) << ", eta now "
              << course::scientific(adam.eta, 3) << ", "
              << course::fixed(deeper.epoch_seconds.back(), 1) << " s\n";
  }
  run.test_loss = loss.forward(mlp::forward_eval(net, d.test.X), d.Y_test);  // eval mode
  return run;
}

/// 784-hidden-10 ReLU on the first n_train images, from the same start for each schedule.
inline Deeper deeper_net(const Data& d, const Config& c, std::uint64_t seed) {
  Deeper deeper{};
  deeper.sizes = {784};
  deeper.sizes.insert(deeper.sizes.end(), c.hidden.begin(), c.hidden.end());
  deeper.sizes.push_back(10);
  const arma::uword batches_per_epoch = (c.n_train + c.batch_size - 1) / c.batch_size;
  const arma::uword total_steps = c.epochs * batches_per_epoch;
  // [schedules]
  const mlp::CosineSchedule cosine{c.eta, 0.0, total_steps};        // eta -> 0
  const mlp::StepSchedule step{c.eta, (total_steps + 2) / 3, 0.1};  // /10 after T/3 and 2T/3
  // [schedules]
  deeper.total_steps = total_steps;
  deeper.cosine = cosine;
  deeper.step = step;
  std::cout << "\n3. Deeper network: " << join(deeper.sizes) << " ReLU, He init, Adam (eta "
            << c.eta << "), batch " << c.batch_size << ", " << c.epochs
            << " epochs = " << total_steps << " updates,\n   trained on the first " << c.n_train
            << " training images (no validation split; the test set is only measured, never "
               "used to choose)\n";
  for (const std::string schedule : {"constant", "step", "cosine"})
    deeper.runs.push_back(train_with_schedule(schedule, deeper, d, c, seed));
  return deeper;
}

}  // namespace training_deeper
