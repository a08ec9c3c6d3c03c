/// \file
/// \brief Chapter 04's experiments, one function each, in the lesson's order: the backward pass
/// checked against numeric gradients and against the per-example loops; one network trained on
/// XOR; the success rate over many random starts per hidden-layer width; whether the failures
/// are stuck or only slow.
///
/// What it is: the script around xor.hpp and gradient_check.hpp. Each experiment returns a plain
/// struct; printing, plots and summary.json are in report.hpp. What it leaves out on purpose:
/// any other problem than XOR.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chapters/04_backprop/batched.hpp"
#include "chapters/04_backprop/gradient_check.hpp"
#include "chapters/04_backprop/per_example.hpp"
#include "chapters/04_backprop/two_layer_net.hpp"
#include "chapters/04_backprop/xor.hpp"
#include "common/run.hpp"

namespace backprop {

/// The chapter's knobs (flags of the executable), with their quick defaults.
struct Config {
  arma::uword n_hidden = 2;           ///< hidden units of the network that is shown
  double eta = 2.0;                   ///< learning rate
  arma::uword max_epochs = 10000;     ///< most full-batch updates a run may take
  std::vector<double> inits = {1.0};  ///< init ranges r (U[-r, r)); the shown net uses the first
  arma::uword n_seeds = 20;           ///< random starts per width (--full: 100)
  std::vector<arma::uword> widths = {2, 3, 4};  ///< hidden-layer widths of the study
};

/// \brief The network that is shown: 2-H-1, weights and biases uniform in [-r, r) from `seed`.
inline TwoLayerNet random_start(arma::uword n_hidden, double r, std::uint64_t seed) {
  course::Rng rng(seed);
  TwoLayerNet net(2, n_hidden, 1);
  init(net, r, rng);
  return net;
}

/// The backward pass against its two references.
struct GroundTruth {
  double rel_error = 0;     ///< worst relative error against numeric gradients
  double batched_diff = 0;  ///< max |batched - per-example| over all gradients
  /// Both within their bars (1e-7 relative, 1e-12 absolute).
  bool agrees() const { return rel_error <= 1e-7 && batched_diff <= 1e-12; }
};

/// \brief Experiment 1: at the start, the analytic gradients against central differences, and
/// the matrix form against the per-example loops.
inline GroundTruth ground_truth(TwoLayerNet net, const Xor& d) {
  GroundTruth r;
  const Gradients g = backward(net, d.X, d.Y, forward(net, d.X));
  r.rel_error = check_gradients(net, g, [&] { return loss(forward(net, d.X).A2, d.Y); }).worst;
  Gradients oracle;
  gradients_per_example(net, d.X, d.Y, oracle);
  r.batched_diff = max_abs_diff(g, oracle);
  return r;
}

/// One network trained on XOR.
struct Trained {
  TwoLayerNet net{2, 1, 1};  ///< after training
  TrainResult result;        ///< loss per epoch, solved or not
  arma::mat Y_hat;           ///< (1 x 4) the outputs after training
};

/// \brief Experiment 2: full-batch gradient descent for `max_epochs` updates from `start`.
inline Trained train_on_xor(const TwoLayerNet& start, const Xor& d, const Config& c) {
  Trained t{start, {}, {}};
  t.result = train(t.net, d.X, d.Y, c.eta, c.max_epochs, false);
  t.Y_hat = forward(t.net, d.X).A2;
  return t;
}

/// The success rate per init range and width: study[i][w] for inits[i], widths[w].
using Study = std::vector<std::vector<WidthStudy>>;

/// \brief Experiment 3: for each init range and width, `n_seeds` random starts (seeds seed,
/// seed + 1, ...), and how many solve XOR within `max_epochs`.
inline Study success_rates(const Config& c, std::uint64_t seed) {
  Study study(c.inits.size());
  course::Progress progress("studies", c.inits.size() * c.widths.size());
  for (std::size_t i = 0; i < c.inits.size(); ++i)
    for (std::size_t w = 0; w < c.widths.size(); ++w) {
      study[i].push_back(
          success_rate(c.widths[w], c.n_seeds, seed, c.inits[i], c.eta, c.max_epochs));
      progress.update(i * c.widths.size() + w + 1, "2-" + std::to_string(c.widths[w]) + "-1");
    }
  return study;
}

/// \brief The shown width's entry in the study (first init range), if it was studied.
inline const WidthStudy* shown_width(const Study& study, const Config& c) {
  const auto it = std::find_if(study[0].begin(), study[0].end(),
                               [&](const WidthStudy& s) { return s.n_hidden == c.n_hidden; });
  return it != study[0].end() ? &*it : nullptr;
}

/// Stuck or slow: the shown width with ten times the epochs.
struct Patience {
  WidthStudy patient;             ///< the same starts, 10 x max_epochs
  arma::uword failed_before = 0;  ///< failures within max_epochs
  arma::uword still_failed = 0;   ///< failures within 10 x max_epochs
  double stuck_loss_min = 0;      ///< the lowest final loss of those (0 if none)
};

/// \brief Experiment 4: give the shown width (first init range) ten times the epochs. Do the
/// failures of the study still fail?
inline Patience patience(const Study& study, const Config& c, std::uint64_t seed) {
  Patience p;
  p.patient = success_rate(c.n_hidden, c.n_seeds, seed, c.inits.front(), c.eta, 10 * c.max_epochs);
  const WidthStudy* base = shown_width(study, c);
  p.still_failed = c.n_seeds - p.patient.successes;
  p.failed_before = base ? base->runs - base->successes : p.still_failed;
  const std::vector<double>& f = p.patient.failed_final_loss;
  p.stuck_loss_min = f.empty() ? 0.0 : *std::min_element(f.begin(), f.end());
  return p;
}

/// A start that failed, trained as long as the shown network, for the plots.
struct StuckRun {
  std::uint64_t seed = 0;  ///< its seed
  Trained trained;         ///< what it computes after max_epochs
};

/// \brief The first random start of the shown width that failed in the study, trained as long
/// as the shown network (none if every start solved XOR or the width was not studied).
inline std::optional<StuckRun> first_stuck_run(const Study& study, const Xor& d, const Config& c) {
  const WidthStudy* base = shown_width(study, c);
  if (!base || base->failed_seeds.empty()) return std::nullopt;
  const std::uint64_t seed = base->failed_seeds.front();
  return StuckRun{seed, train_on_xor(random_start(c.n_hidden, c.inits.front(), seed), d, c)};
}

}  // namespace backprop
