/// \file
/// \brief Chapter 01's experiments, one function each, in the lesson's order: learn iris
/// (setosa vs versicolor), check Novikoff's bound over many orders of the examples, fail on XOR.
/// Each returns a plain struct; printing, plots and summary.json are in report.hpp.
/// What it leaves out on purpose: any other data than the two iris classes and XOR.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cstdint>

#include "chapters/01_perceptron/perceptron.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace perceptron {

using perceptron::History;
using perceptron::Perceptron;

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  double eta = 1.0;
  arma::uword max_epochs = 100, xor_epochs = 1000, n_seeds = 20;
};

/// A two-class problem: points as columns, targets 0 or 1.
struct Problem {
  arma::mat X;   // (2 x n)
  arma::ivec y;  // (n) targets
};

inline Problem load_iris_two_classes(const course::CommonOptions& common) {
  // [data]
  // Iris: setosa (y = 0) vs versicolor (y = 1), sepal length and petal length (cm).
  const course::Dataset iris = course::load_iris(common.data_dir);
  const arma::uvec two_classes = arma::find(iris.labels <= 1);
  const arma::uvec features = {0, 2};
  const arma::mat X = iris.X.submat(features, two_classes);  // (2 x 100)
  const arma::ivec y = arma::conv_to<arma::ivec>::from(iris.labels.elem(two_classes));
  // [data]
  return {X, y};
}

inline Problem xor_problem() {
  // [xor]
  const arma::mat X_xor = {{0, 0, 1, 1},   // x1
                           {0, 1, 0, 1}};  // x2      (2 x 4)
  const arma::ivec y_xor = {0, 1, 1, 0};
  // [xor]
  return {X_xor, y_xor};
}

/// Experiment 1: learn iris from zero weights, one seeded order of the examples per epoch.
struct IrisRun {
  Perceptron p{2};
  History h;
  perceptron::NovikoffBound bound;
};

inline IrisRun learn_iris(const Problem& iris, const Config& c, std::uint64_t seed) {
  IrisRun r;
  course::Rng rng(seed);
  r.h = perceptron::train(r.p, iris.X, iris.y, c.eta, c.max_epochs, rng);
  r.bound = perceptron::novikoff_bound(iris.X, iris.y, r.p.w, r.p.b);
  return r;
}

/// Experiment 2: the bound over many orders of the examples (seeds seed + 1, ...).
struct BoundStudy {
  arma::uword seeds = 0, worst_updates = 0;
  double worst_ratio = 0;  // largest updates / bound
};

inline BoundStudy bound_study(const Problem& iris, const Config& c, std::uint64_t seed) {
  BoundStudy b{c.n_seeds, 0, 0};
  for (arma::uword s = 0; s < c.n_seeds; ++s) {
    course::Rng rng(seed + 1 + s);
    Perceptron q(2);
    const History h = perceptron::train(q, iris.X, iris.y, c.eta, c.max_epochs, rng);
    const auto bound = perceptron::novikoff_bound(iris.X, iris.y, q.w, q.b);
    b.worst_updates = std::max(b.worst_updates, h.updates);
    b.worst_ratio = std::max(b.worst_ratio, h.updates / bound.bound);
  }
  return b;
}

/// Experiment 3: XOR. No line separates it, so some example is always wrong.
struct XorRun {
  History h;
  arma::uword fewest_mistakes = 0;
};

inline XorRun fail_on_xor(const Problem& xor_data, const Config& c, std::uint64_t seed) {
  XorRun r;
  Perceptron p(2);
  course::Rng rng(seed);
  r.h = perceptron::train(p, xor_data.X, xor_data.y, c.eta, c.xor_epochs, rng);
  r.fewest_mistakes = *std::min_element(r.h.mistakes.begin(), r.h.mistakes.end());
  return r;
}

}  // namespace perceptron
