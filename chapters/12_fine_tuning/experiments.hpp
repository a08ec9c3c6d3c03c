/// \file
/// \brief Chapter 12's experiments, one function each, in the lesson's order: the pretrained body
/// (checked to fit MNIST); the few-shot task, digits 5-9; the untouched body with a random head
/// (what training has to beat); the five methods on every k and subset seed; the same on
/// Fashion-MNIST (the cross-domain run).
///
/// Each experiment returns a plain struct; the tables, plots and summary.json are report.hpp's.
/// What it leaves out on purpose: choosing a recipe (`--validate` swaps the test set for held-out
/// training images, and the choosing is the reader's).
#pragma once

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "chapters/12_fine_tuning/methods.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

/// \brief Chapter 12's experiments (the executable's code, not a library).
namespace fine_tuning {

using mlp::Method;

/// The chapter's knobs (the executable's flags), with their quick defaults.
struct Config {
  std::string pretrained = mlp::shipped_checkpoint();  ///< the checkpoint whose body is reused
  std::string activation = "ReLU";       ///< between Dense layers, for files without "layers"
  std::vector<arma::uword> ks{10, 100};  ///< labelled images per class
  arma::uword n_seeds = 1;               ///< subset seeds per (method, k)
  arma::uword fashion_k = 100;           ///< the cross-domain run's k (0: skip it)
  std::string fashion_data;              ///< Fashion-MNIST's folder (empty: the default)
  bool validate = false;      ///< score on 5,000 held-out training images instead of the test set
  mlp::FewShotRecipe recipe;  ///< the one recipe every method uses
  /// "test", or "validation" with `--validate`.
  std::string scored_on() const { return validate ? "validation" : "test"; }
};

/// \brief Each k once, in increasing order.
inline void settle(Config& c) {
  std::sort(c.ks.begin(), c.ks.end());
  c.ks.erase(std::unique(c.ks.begin(), c.ks.end()), c.ks.end());
}

// ---------------------------------------------------------------------------------------------
/// \brief The pretrained body, loaded once to show what the file holds (each run reloads it: a
/// fresh copy); an Error unless it takes MNIST's 784 pixels.
inline mlp::TransferNet<float> load_body(const Config& c, std::uint64_t seed) {
  course::Rng rng(seed);
  // [load]
  auto probe = mlp::load_with_new_head<float>(c.pretrained, 5, rng, c.activation);
  const mlp::Layer<float>& first = probe.net.layer(0);
  if (first.kind() != "Dense")
    throw course::Error(c.pretrained + ": the first layer is " + first.describe() +
                        ", expected a Dense layer of 784 inputs");
  const arma::uword n_in = static_cast<const mlp::Dense<float>&>(first).n_in();
  if (n_in != 784)
    throw course::Error(c.pretrained + ": the network takes " + std::to_string(n_in) +
                        " inputs; MNIST images have 784 pixels");
  // [load]
  std::cout << "Pretrained body from " << mlp::checkpoint_name(c.pretrained) << ":\n  "
            << probe.layers << " (activations from " << probe.activations_from << "), old head "
            << probe.dropped << " dropped\n  network: " << probe.net.describe() << ", "
            << probe.body_params().size() / 2 << " pretrained Dense layers\n";
  return probe;
}

/// \brief The few-shot task: MNIST's digits 5-9 (under `--validate`, 5,000 held-out training
/// images instead of the test set).
inline mlp::TaskData digits_task(const Config& c, const std::string& data_dir) {
  mlp::TaskData digits = mlp::load_digits_5_9(data_dir);
  if (c.validate) digits = mlp::with_validation_set(digits, c.ks.back(), c.n_seeds, 5000);
  std::cout << digits.name << " (relabelled 0-4): pool of " << digits.pool.X.n_cols
            << " training images, " << digits.test.X.n_cols << " " << c.scored_on() << " images\n";
  return digits;
}

/// \brief The cross-domain task: Fashion-MNIST, all 10 classes (the same `--validate` rule).
inline mlp::TaskData fashion_task(const Config& c) {
  mlp::TaskData fashion = mlp::load_fashion(c.fashion_data);
  if (c.validate) fashion = mlp::with_validation_set(fashion, c.fashion_k, c.n_seeds, 5000);
  std::cout << "Cross-domain: " << fashion.name << ", " << fashion.n_classes << " classes, pool of "
            << fashion.pool.X.n_cols << ", " << fashion.test.X.n_cols << " " << c.scored_on()
            << " images\n";
  return fashion;
}

/// \brief The untouched body with a random head, one per subset seed: what training has to
/// beat (about chance). \return the accuracies
inline std::vector<double> untouched_body(const mlp::TaskData& digits, const Config& c,
                                          std::uint64_t seed) {
  std::vector<double> untouched;
  // [baseline]
  for (arma::uword s = 0; s < c.n_seeds; ++s) {
    course::Rng r(seed + 1000 * s);
    auto tn = mlp::load_with_new_head<float>(c.pretrained, digits.n_classes, r, c.activation);
    untouched.push_back(mlp::accuracy(tn.net, digits.test.X, digits.test.labels));
  }
  // [baseline]
  return untouched;
}

// ---------------------------------------------------------------------------------------------
/// The few-shot experiment on one task.
struct TaskRuns {
  std::string task;             ///< the task's name
  arma::uword n_classes = 0;    ///< K
  std::vector<arma::uword> ks;  ///< labelled images per class
  /// accuracy[method][k]: one accuracy per subset seed
  std::map<Method, std::map<arma::uword, std::vector<double>>> accuracy;
  double seconds = 0;        ///< wall-clock time of the experiment
  double train_seconds = 0;  ///< of which training
};

/// \brief Every k, subset seed and method on one task. Seed s uses subset seed s (the same
/// images for every method) and a training generator seeded with seed + 1000 s (the same head
/// initialization and batch order for every pretrained method).
inline TaskRuns few_shot_runs(const mlp::TaskData& task, const std::vector<arma::uword>& ks,
                              const Config& c, std::uint64_t seed) {
  course::Timer total;
  TaskRuns r{task.name, task.n_classes, ks, {}};
  const auto& methods = mlp::all_methods();
  course::Progress progress(task.name + " runs", ks.size() * c.n_seeds * methods.size());
  std::size_t done = 0;
  for (const arma::uword k : ks)
    for (arma::uword s = 0; s < c.n_seeds; ++s) {
      const course::ImageSet train = mlp::few_shot_subset(task, k, /*subset_seed=*/s);
      for (const Method method : methods) {
        course::Rng rng(seed + 1000 * s);
        auto tn = mlp::make_network<float>(method, c.pretrained, task.n_classes, rng, c.activation);
        course::Timer timer;
        mlp::train(tn, method, train.X, train.labels, c.recipe, rng);
        r.train_seconds += timer.seconds();
        r.accuracy[method][k].push_back(mlp::accuracy(tn.net, task.test.X, task.test.labels));
        progress.update(++done);
      }
    }
  r.seconds = total.seconds();
  return r;
}

/// \brief Each method's accuracy minus scratch's on the same subset and seed (in points), mean
/// and sd over the seeds: what the pretrained body adds.
inline course::MeanSd gain_over_scratch(const TaskRuns& r, Method method, arma::uword k) {
  const auto& a = r.accuracy.at(method).at(k);
  const auto& b = r.accuracy.at(Method::Scratch).at(k);
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size(); ++i) d.push_back(100 * (a[i] - b[i]));
  return course::mean_sd(d);
}

}  // namespace fine_tuning
