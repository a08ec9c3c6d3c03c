/// \file
/// \brief Chapter 05's experiments, one function each, in the lesson's order: the data as the
/// listing prepares it, the six stages of fixing the listing (run and gradient-checked for one
/// weight seed), the same stages over many weight seeds, and a learning-rate sweep.
///
/// What it is: the script around the listing's class (load, split with scikit-learn's rule,
/// scale with the training part's statistics, train) plus the evaluation the listing never does.
/// Each experiment returns a plain struct; printing, plotting and summary.json are main.cpp's.
/// What it leaves out on purpose: other datasets and splits than the listing's (the split seed
/// is a flag), mini-batches, any optimizer but the listing's plain step.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chapters/04_backprop/gradient_check.hpp"
#include "chapters/05_article_iris/listing.hpp"
#include "chapters/05_article_iris/sklearn_split.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

namespace article_iris {

/// The listing's settings and the study's sizes (flags of the executable).
struct Config {
  double eta = 0.01;              ///< the listing's learning rate
  double tuned_eta = 0.5;         ///< the tuned network's learning rate
  arma::uword epochs = 1000;      ///< full-batch steps (the listing's 1000)
  arma::uword n_hidden = 5;       ///< hidden units (the listing's 5)
  std::uint32_t split_seed = 42;  ///< train_test_split's random_state (the listing's 42)
  arma::uword n_seeds = 20;       ///< weight seeds 0 .. n_seeds-1 in the seed study
};

// [data]
/// The data as the listing prepares it, samples as columns.
struct IrisData {
  arma::mat X_train;    ///< (4 x 120) scaled with the training part's mean and std
  arma::mat X_test;     ///< (4 x 30) scaled with the same numbers
  arma::mat Y;          ///< (3 x 120) one-hot targets (fix 1)
  arma::mat Y_numbers;  ///< (1 x 120) the class numbers, what the listing passes (bug 1)
  arma::uvec y_test;    ///< (30) test labels
  course::Split split;  ///< the indices train_test_split returns
};

/// \brief Split with scikit-learn's rule (test_size 0.2), then fit the scaler on the training
/// part only and transform both parts, as the listing does.
inline IrisData prepare(const course::Dataset& iris, std::uint32_t split_seed) {
  IrisData d;
  d.split = train_test_split(iris.X.n_cols, 0.2, split_seed);
  course::StandardScaler<> scaler;
  d.X_train = scaler.fit_transform(iris.X.cols(d.split.train));  // population std, as sklearn
  d.X_test = scaler.transform(iris.X.cols(d.split.test));
  const arma::uvec y_train = iris.labels.elem(d.split.train);
  d.Y = course::one_hot(y_train, iris.class_names.size());
  d.Y_numbers = arma::conv_to<arma::rowvec>::from(y_train);
  d.y_test = iris.labels.elem(d.split.test);
  return d;
}
// [data]

// [stages]
/// One stage of fixing the listing.
struct Stage {
  std::string key;    ///< short name (summary.json, fixtures)
  std::string title;  ///< what this stage has fixed
  Bugs bugs;          ///< the bugs still in
  Output output;      ///< linear, or softmax when tuned
  bool tuned;         ///< true: the tuned learning rate
};

/// \brief The six stages: as printed, then one more bug fixed at each, then tuned.
inline std::vector<Stage> stages() {
  Bugs b = Bugs::as_printed();
  std::vector<Stage> s;
  s.push_back({"as_printed", "as printed", b, Output::linear, false});
  b.Y_class_numbers = false;
  s.push_back({"fix1_one_hot", "bug 1 fixed (one-hot Y)", b, Output::linear, false});
  b.A1_out_of_scope = false;
  s.push_back({"fix2_A1_kept", "bugs 1-2 fixed (A1 kept)", b, Output::linear, false});
  b.learning_rate_out_of_scope = false;
  s.push_back(
      {"fix3_learning_rate_passed", "bugs 1-3 fixed (rate passed)", b, Output::linear, false});
  b.dz1_without_dA1 = false;
  s.push_back({"fix4_chain_rule", "all fixed (chain rule)", b, Output::linear, false});
  s.push_back({"tuned", "tuned (softmax, tuned rate)", b, Output::softmax, true});
  return s;
}
// [stages]

/// What one stage did for one weight seed.
struct StageRun {
  bool stopped = false;             ///< Python would stop with an error
  std::string error;                ///< the one-line message (where, then Python's line)
  arma::uword test_correct = 0;     ///< test flowers right after training (when it ran)
  std::optional<double> grad_rel;   ///< gradient check at the start (none: no gradient computed)
  std::vector<double> loss;         ///< intended loss before training and after each epoch
  std::vector<double> test_curve;   ///< test flowers right, at the same points
  std::vector<double> hidden_mean;  ///< mean hidden activation on the training part, same points
};

// [gradient_check]
/// \brief Check the stage's backward pass at the initial weights of `seed`: the gradient it
/// computes against central differences of the loss it is meant for (intended_loss).
/// \return the largest relative error over all 43 parameters; none if the stage stops before
/// computing a gradient
inline std::optional<double> gradient_check(const IrisData& d, const Stage& s, arma::uword n_hidden,
                                            std::uint32_t seed) {
  ListingNet net(d.X_train.n_rows, n_hidden, d.Y.n_rows, seed, s.bugs, s.output);
  try {
    net.gradients(d.X_train, s.bugs.Y_class_numbers ? d.Y_numbers : d.Y, net.forward(d.X_train));
  } catch (const PythonError&) {
    return std::nullopt;  // bugs 1 and 2 stop before any gradient exists
  }
  const backprop::Gradients g = net.g;
  auto L = [&] { return intended_loss(net.forward(d.X_train), d.Y, s.output); };
  return backprop::check_gradients(net.p, g, L).worst;  // chapter 04's check, all 43 parameters
}
// [gradient_check]

// [run_stage]
/// \brief Run one stage for one weight seed as the listing would, then count the test flowers
/// it gets right (the evaluation the listing lacks: argmax of the outputs against the labels).
/// \param curves also record the loss and the test count after every epoch
inline StageRun run_stage(const IrisData& d, const Stage& s, const Config& c, std::uint32_t seed,
                          bool curves = false) {
  StageRun r;
  r.grad_rel = gradient_check(d, s, c.n_hidden, seed);
  ListingNet net(d.X_train.n_rows, c.n_hidden, d.Y.n_rows, seed, s.bugs, s.output);
  auto count = [&] { return arma::accu(course::argmax_cols(net.outputs(d.X_test)) == d.y_test); };
  auto watch = [&](arma::uword) {
    r.loss.push_back(intended_loss(net.outputs(d.X_train), d.Y, s.output));
    r.test_curve.push_back(static_cast<double>(count()));
    r.hidden_mean.push_back(arma::mean(arma::vectorise(net.hidden(d.X_train))));
  };
  if (curves) watch(0);
  try {
    net.train(d.X_train, s.bugs.Y_class_numbers ? d.Y_numbers : d.Y, s.tuned ? c.tuned_eta : c.eta,
              c.epochs, curves ? std::function<void(arma::uword)>(watch) : nullptr);
  } catch (const PythonError& e) {
    r.stopped = true;
    r.error = e.what();
    return r;
  }
  r.test_correct = count();
  return r;
}
// [run_stage]

/// The six stages for one weight seed.
struct StageTable {
  std::uint32_t seed = 0;      ///< np.random.seed of the weights
  std::vector<Stage> stages;   ///< the stages, in order
  std::vector<StageRun> runs;  ///< what each did, with curves
};

/// \brief Experiment 1: every stage for the chosen weight seed.
inline StageTable stage_table(const IrisData& d, const Config& c, std::uint32_t seed) {
  StageTable t{seed, stages(), {}};
  for (const Stage& s : t.stages) t.runs.push_back(run_stage(d, s, c, seed, true));
  return t;
}

/// The stages that run, over weight seeds 0 .. n-1.
struct SeedStudy {
  std::vector<Stage> stages;                      ///< the stages that run to the end
  std::vector<std::vector<double>> test_correct;  ///< [stage][seed] test flowers right
  std::vector<std::vector<double>> grad_rel;      ///< [stage][seed] gradient-check error
};

/// \brief Experiment 2: the stages that run (bugs 1-3 fixed, all fixed, tuned), and the fixed
/// listing with only the tuned learning rate, for weight seeds 0 .. c.n_seeds - 1, each trained
/// and gradient-checked.
inline SeedStudy seed_study(const IrisData& d, const Config& c) {
  SeedStudy st;
  const std::vector<Stage> all = stages();
  st.stages = {all[3], all[4], all[5]};
  // Tuning made two changes; this one has only the first, to tell them apart.
  st.stages.push_back(
      {"fixed_tuned_rate", "all fixed, tuned rate only", all[4].bugs, Output::linear, true});
  st.test_correct.resize(st.stages.size());
  st.grad_rel.resize(st.stages.size());
  course::Progress progress("seed", c.n_seeds);
  for (arma::uword seed = 0; seed < c.n_seeds; ++seed) {
    for (std::size_t k = 0; k < st.stages.size(); ++k) {
      const StageRun r = run_stage(d, st.stages[k], c, static_cast<std::uint32_t>(seed));
      st.test_correct[k].push_back(static_cast<double>(r.test_correct));
      st.grad_rel[k].push_back(r.grad_rel.value_or(0.0));
    }
    progress.update(seed + 1);
  }
  return st;
}

/// Test flowers right after training, for several learning rates, for both outputs.
struct LrSweep {
  std::vector<double> etas;     ///< learning rates
  std::vector<double> linear;   ///< the fixed listing (linear output, squared error)
  std::vector<double> softmax;  ///< the same with a softmax output (cross-entropy)
};

/// \brief Experiment 3: the fixed listing and the softmax output at learning rates 0.01 .. 10
/// for the chosen seed, everything else as the listing has it.
inline LrSweep lr_sweep(const IrisData& d, const Config& c, std::uint32_t seed) {
  LrSweep sw;
  const std::vector<Stage> all = stages();
  const Stage& fixed = all[4];
  const Stage& tuned = all[5];
  for (double eta : {0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0}) {
    Config ce = c;
    ce.eta = ce.tuned_eta = eta;
    sw.etas.push_back(eta);
    sw.linear.push_back(static_cast<double>(run_stage(d, fixed, ce, seed).test_correct));
    sw.softmax.push_back(static_cast<double>(run_stage(d, tuned, ce, seed).test_correct));
  }
  return sw;
}

/// Summary statistics of a list of values (per-seed results).
struct Distribution {
  double mean = 0, sd = 0, min = 0, q10 = 0, q25 = 0, median = 0, q75 = 0, q90 = 0, max = 0;
};

/// \brief Mean, sample sd, and quantiles (nearest rank) of a list of values.
inline Distribution distribution(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const course::MeanSd ms = course::mean_sd(v);
  auto q = [&](double p) {  // nearest rank: the ceil(p n)-th smallest value
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
  };
  return {ms.mean, ms.sd, v.front(), q(0.1), q(0.25), q(0.5), q(0.75), q(0.9), v.back()};
}

}  // namespace article_iris
