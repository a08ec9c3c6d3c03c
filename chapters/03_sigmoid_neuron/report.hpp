/// \file
/// \brief Chapter 03's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chapters/03_sigmoid_neuron/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace sigmoid_neuron {

/// An accuracy and the count behind it: "0.967 (29/30)".
inline std::string count_str(double accuracy, arma::uword n) {
  return course::fixed(accuracy, 3) + " (" + std::to_string(std::lround(accuracy * n)) + "/" +
         std::to_string(n) + ")";
}

/// \brief Print the task and the model of the seeded split: loss and training accuracy at a few
/// epochs, both accuracies, the weights.
inline void print(const Tasks& t, const OneSplit& s, const Config& c, std::uint64_t seed) {
  std::cout << "Iris, versicolor (y = 0) vs virginica (y = 1): " << t.all.X.n_rows << " features, "
            << t.all.X.n_cols << " examples\n"
            << "Split (seed " << seed << "): " << s.split.train.n_elem << " train, "
            << s.split.test.n_elem << " test; features standardized on the training part\n"
            << "Cross-entropy, full-batch gradient descent, eta = " << c.settings.eta << ", "
            << c.settings.epochs << " epochs, from zero weights\n";
  const History& h = s.model.history;
  const std::size_t E = h.loss.size() - 1;
  for (const std::size_t e : {std::size_t{0}, std::size_t{10}, std::size_t{100}, E}) {
    if (e > E || (e == E && (E == 10 || E == 100))) continue;  // shown once, if it exists
    std::cout << "  epoch " << e << ": loss " << course::fixed(h.loss[e], 4) << ", train accuracy "
              << course::fixed(h.accuracy[e], 3) << "\n";
  }
  std::cout << "  train accuracy " << count_str(s.model.train_accuracy, s.split.train.n_elem)
            << ", test accuracy " << count_str(s.model.test_accuracy, s.split.test.n_elem)
            << "\n  W = " << course::fixed_list(s.model.neuron.W, 3)
            << " (sepal l, sepal w, petal l, petal w; standardized), b = "
            << course::fixed(s.model.neuron.b, 3) << "\n";
}

/// \brief Print the spread of the test accuracy over the splits.
inline void print(const SplitStudy& s) {
  const arma::uword n = s.test_accuracy.n_elem;
  std::cout << "Over " << n << " more random splits (seeds " << s.first_seed << ".."
            << s.first_seed + n - 1 << "): test accuracy mean " << course::fixed(s.mean, 3)
            << ", sd " << course::fixed(s.sd, 3) << ", min "
            << course::fixed(s.test_accuracy.min(), 3) << ", max "
            << course::fixed(s.test_accuracy.max(), 3) << "\n";
}

/// \brief Print the leave-one-out count (when it was run).
inline void print_leave_one_out(const std::optional<arma::uword>& loo, arma::uword n) {
  if (loo)
    std::cout << "Leave-one-out: " << *loo << "/" << n << " = "
              << course::fixed(static_cast<double>(*loo) / n, 3) << "\n";
}

/// \brief Print the race: how wrong the start is, the gradients there, how soon each loss
/// reaches 90% training accuracy.
inline void print(const Race& r, const Config& c) {
  auto reach_str = [&](long e) {
    return e < 0 ? "never in " + std::to_string(c.sat_epochs) + " epochs"
                 : "after " + std::to_string(e) + " epochs";
  };
  std::cout << "Saturated start (s = " << c.saturation << "): " << course::fixed(100 * r.wrong, 0)
            << "% of training examples on the wrong side, median |z| "
            << course::fixed(r.median_margin, 1) << "\n"
            << "  gradient norm at the start: cross-entropy " << course::fixed(r.norm_ce, 4)
            << ", MSE " << course::fixed(r.norm_sq, 4) << "\n"
            << "  cross-entropy: 90% train accuracy " << reach_str(r.reach_ce) << "; loss "
            << course::fixed(r.h_ce.loss.front(), 3) << " -> "
            << course::fixed(r.h_ce.loss.back(), 3) << "\n  MSE:           90% train accuracy "
            << reach_str(r.reach_sq) << "; loss " << course::fixed(r.h_sq.loss.front(), 3) << " -> "
            << course::fixed(r.h_sq.loss.back(), 3) << "\n";
}

/// \brief Print the two-feature model's accuracies.
inline void print_petals(const Scored& petals, const OneSplit& s) {
  std::cout << "Petal length and width only: train accuracy "
            << count_str(petals.train_accuracy, s.split.train.n_elem) << ", test accuracy "
            << count_str(petals.test_accuracy, s.split.test.n_elem) << "\n";
}

/// \brief The sigmoid and its slope, and how hard each loss pushes a wrong example
/// (sigmoid.png, gradient_vs_z.png).
inline void plot_sigmoid(const course::CommonOptions& common) {
  course::Series s_sig{"sigma(z)", {}, {}, "lines", {}}, s_der{"sigma'(z)", {}, {}, "lines", {}};
  course::Series s_gce{"cross-entropy: |dL/dz| = 1 - sigma(z)", {}, {}, "lines", {}};
  course::Series s_gsq{"MSE: |dL/dz| = (1 - sigma(z)) sigma'(z)", {}, {}, "lines", {}};
  for (double z = -10; z <= 10.0001; z += 0.05) {
    s_sig.x.push_back(z), s_sig.y.push_back(sigmoid(z));
    s_der.x.push_back(z), s_der.y.push_back(sigmoid_prime(z));
    s_gce.x.push_back(z), s_gce.y.push_back(1.0 - sigmoid(z));
    s_gsq.x.push_back(z), s_gsq.y.push_back((1.0 - sigmoid(z)) * sigmoid_prime(z));
  }
  course::PlotOptions o1{"The sigmoid and its derivative (at most 1/4, at z = 0)", "z", ""};
  o1.extra = "set yrange [-0.05:1.05]";
  course::line_plot(common.out("sigmoid.png"), o1, {s_sig, s_der});
  course::PlotOptions o2{"How hard each loss pushes an example with y = 1 (wrong for z < 0)", "z",
                         "|dL/dz|"};
  o2.extra = "set yrange [-0.05:1.05]";
  course::line_plot(common.out("gradient_vs_z.png"), o2, {s_gce, s_gsq});
}

/// A per-epoch curve as a series, divided by `scale`.
inline course::Series curve(const std::string& title, const std::vector<double>& y,
                            double scale = 1.0) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t e = 0; e < y.size(); ++e) {
    s.x.push_back(static_cast<double>(e));
    s.y.push_back(y[e] / scale);
  }
  return s;
}

/// \brief The race's loss and training accuracy per epoch (saturated_loss.png,
/// saturated_accuracy.png).
inline void plot(const Race& r, const Config& c, const course::CommonOptions& common) {
  course::PlotOptions o3{"Saturated start (s = " + course::fixed(c.saturation, 1) +
                             "): training loss relative to its start",
                         "epoch", "L / L(epoch 0)"};
  o3.extra = "set yrange [0:1.05]";
  course::line_plot(common.out("saturated_loss.png"), o3,
                    {curve("cross-entropy", r.h_ce.loss, r.h_ce.loss.front()),
                     curve("MSE", r.h_sq.loss, r.h_sq.loss.front())});
  course::PlotOptions o4{"Saturated start: training accuracy", "epoch", "training accuracy"};
  o4.extra = "set yrange [0:1.05]";
  course::line_plot(common.out("saturated_accuracy.png"), o4,
                    {curve("cross-entropy", r.h_ce.accuracy), curve("MSE", r.h_sq.accuracy)});
}

/// \brief p(virginica) of the two-feature model over the petal plane, with all 100 flowers
/// (probability_map.png).
inline void plot_probability_map(const Task& petals_task, const Scored& petals,
                                 const course::CommonOptions& common) {
  // The map's colour runs from versicolor's colour (p = 0, y = 0) to virginica's (p = 1).
  const arma::uvec plot_labels = arma::conv_to<arma::uvec>::from(petals_task.Y);
  course::PlotOptions o5{"p(virginica | petal length, petal width), all 100 flowers",
                         "petal length (cm)", "petal width (cm)"};
  o5.extra = "set cblabel 'p(virginica)'";
  course::decision_regions(
      common.out("probability_map.png"), o5, petals_task.X, plot_labels,
      {"versicolor (y = 0)", "virginica (y = 1)"},
      [&](double x, double y) {
        return petals.neuron.probability(petals.scaler.transform(arma::vec{x, y}))[0];
      },
      false);
}

/// \brief summary.json's own fields (the scaffold adds chapter, seed, full and the total time).
inline nlohmann::json summary(const OneSplit& s, const SplitStudy& study,
                              const std::optional<arma::uword>& loo, const Race& race,
                              const Scored& petals, const Config& c, std::uint64_t seed) {
  const Settings& st = c.settings;
  const Scored& m = s.model;
  const double n = static_cast<double>(s.split.train.n_elem + s.split.test.n_elem);
  std::string headline = "test accuracy " + course::fixed(m.test_accuracy, 3) + " (seed " +
                         std::to_string(seed) + "); mean over " + std::to_string(c.n_splits) +
                         " splits " + course::fixed(study.mean, 3);
  if (loo) headline += "; leave-one-out " + course::fixed(*loo / n, 3);
  headline +=
      "; 90% from saturation: CE " + std::to_string(race.reach_ce) + " epochs, MSE " +
      (race.reach_sq < 0 ? "> " + std::to_string(c.sat_epochs) : std::to_string(race.reach_sq));
  nlohmann::json j = {
      {"headline", headline},
      {"eta", st.eta},
      {"epochs", st.epochs},
      {"test_fraction", st.test_fraction},
      {"split",
       {{"train", s.split.train.n_elem},
        {"test", s.split.test.n_elem},
        {"train_accuracy", m.train_accuracy},
        {"test_accuracy", m.test_accuracy},
        {"final_loss", m.history.loss.back()},
        {"W", arma::conv_to<std::vector<double>>::from(m.neuron.W)},
        {"b", m.neuron.b}}},
      {"splits",
       {{"count", c.n_splits},
        {"test_accuracy_mean", study.mean},
        {"test_accuracy_sd", study.sd},
        {"test_accuracy_min", study.test_accuracy.min()},
        {"test_accuracy_max", study.test_accuracy.max()}}},
      {"saturated_start",
       {{"saturation", c.saturation},
        {"epochs", c.sat_epochs},
        {"wrong_side_fraction", race.wrong},
        {"gradient_norm_cross_entropy", race.norm_ce},
        {"gradient_norm_mse", race.norm_sq},
        {"epochs_to_90pct_cross_entropy", race.reach_ce},
        {"epochs_to_90pct_mse", race.reach_sq},
        {"final_accuracy_cross_entropy", race.h_ce.accuracy.back()},
        {"final_accuracy_mse", race.h_sq.accuracy.back()}}},
      {"petal_only",
       {{"train_accuracy", petals.train_accuracy}, {"test_accuracy", petals.test_accuracy}}}};
  if (loo) j["leave_one_out"] = {{"correct", *loo}, {"accuracy", *loo / n}};
  return j;
}

}  // namespace sigmoid_neuron
