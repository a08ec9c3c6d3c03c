/// \file
/// \brief Chapter 10's report: what each experiment of experiments.hpp concluded, printed; the
/// four plots (PNG + CSV); and summary.json's fields.
///
/// What it leaves out on purpose: any computing of results (that is experiments.hpp's).
#pragma once

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/10_architecture/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace architecture {

/// Everything the experiments found, for the plots and the summary.
struct Results {
  std::vector<ParameterCount> counts;  ///< experiment 1
  Sweep sweep;                         ///< experiment 2
  SeedSpread seeds;                    ///< experiment 2: the seed's share
  IrisCv cv;                           ///< experiment 3
  Search search;                       ///< experiment 4
  Final final;                         ///< experiment 5
};

/// Experiment 1's table.
inline void print(const std::vector<ParameterCount>& counts) {
  std::cout << "1. Parameters: the formula sum_l (n_{l-1} + 1) n_l and Sequential::n_params()\n";
  for (const auto& n : counts)
    std::printf("   %-22s formula %9llu   code %9llu\n", mlp::describe(n.sizes).c_str(),
                (unsigned long long)n.formula, (unsigned long long)n.code);
}

/// The sweep's best and chosen networks.
inline void print(const Sweep& s, const Config& c) {
  const SweepRow& best = s.rows[s.best];
  std::cout << "   best: " << mlp::describe(best.sizes) << " at "
            << course::fixed(100 * s.best_val, 2) << "% (" << best.n_params
            << " parameters); one standard error = " << course::fixed(100 * s.se, 2) << " points\n"
            << "   chosen (fewest parameters within " << course::fixed(c.n_se, 1)
            << " SE of the best): " << mlp::describe(s.pick().sizes) << ", "
            << course::fixed(100 * s.pick().val_accuracy, 2) << "%, " << s.pick().n_params
            << " parameters\n";
}

/// The chosen network's spread over seeds (when more than one was run).
inline void print(const SeedSpread& r) {
  if (r.val_accuracies.size() > 1)
    std::cout << "   the chosen network trained with " << r.val_accuracies.size()
              << " seeds: validation mean " << course::fixed(100 * r.spread.mean, 2) << "%, sd "
              << course::fixed(100 * r.spread.sd, 2) << " points (the seed's share of the noise)\n";
}

/// Iris: the best mean and the chosen H.
inline void print(const IrisCv& cv, const Config& c) {
  std::cout << "   best mean: H = " << c.cv_hidden[cv.best] << " ("
            << course::fixed(cv.results[cv.best].mean, 3) << ", standard error "
            << course::fixed(cv.se, 3) << "); chosen: H = " << c.cv_hidden[cv.chosen]
            << " (smallest within " << course::fixed(c.n_se, 1) << " SE)\n";
}

/// The search's best trial.
inline void print(const Search& s) {
  const mlp::Trial& best = s.trials[s.best];
  std::cout << "   best: trial " << best.index + 1 << ", eta " << course::scientific(best.eta)
            << ", width " << best.width << ", lambda " << course::scientific(best.lambda) << ": "
            << course::fixed(100 * best.score, 2) << "%\n";
}

/// The final network: both recipes on validation, then the test set.
inline void print(const Final& f, const Sweep& sweep, const Search& search, const Config& c) {
  using course::scientific;
  const SweepRow& pick = sweep.pick();
  const mlp::Trial& best = search.trials[search.best];
  std::cout << "\n5. The choice: " << mlp::describe(pick.sizes) << "\n"
            << "   default recipe (eta " << scientific(c.eta) << ", no L2): validation "
            << course::fixed(100 * pick.val_accuracy, 2) << "%\n"
            << "   search's recipe (eta " << scientific(best.eta) << ", lambda "
            << scientific(best.lambda) << "): validation " << course::fixed(100 * f.tuned_val, 2)
            << "%" << (f.tuned_diverged ? " (diverged)" : "") << "\n"
            << "   final: " << mlp::describe(pick.sizes) << " ReLU, He init, Adam eta "
            << scientific(f.recipe.eta)
            << (f.recipe.lambda > 0 ? ", lambda " + scientific(f.recipe.lambda)
                                    : std::string(", no L2"))
            << ", batch " << c.batch_size << ", " << c.epochs << " epochs on " << c.n_train
            << " images:\n"
            << "   validation " << course::fixed(100 * f.val_accuracy, 2) << "%, test "
            << course::fixed(100 * f.test_accuracy, 2) << "% (the test set used once)\n";
}

/// Validation accuracy against parameters, and against training time: one curve per depth.
inline void plot_sweep(const Sweep& s, const Config& c, const course::CommonOptions& common) {
  std::vector<course::Series> acc_series, time_series;
  for (arma::uword depth : c.depths) {
    const std::string name = std::to_string(depth) + " hidden layer" + (depth > 1 ? "s" : "");
    course::Series a{name, {}, {}, "linespoints", {}}, t{name, {}, {}, "linespoints", {}};
    for (const auto& r : s.rows)
      if (r.depth == depth) {
        a.x.push_back(double(r.n_params));
        a.y.push_back(100 * r.val_accuracy);
        t.x.push_back(r.cpu_seconds);
        t.y.push_back(100 * r.val_accuracy);
      }
    acc_series.push_back(a);
    time_series.push_back(t);
  }
  const auto [p_min, p_max] = std::minmax_element(
      s.rows.begin(), s.rows.end(), [](auto& a, auto& b) { return a.n_params < b.n_params; });
  const double line = 100 * (s.best_val - c.n_se * s.se);
  acc_series.push_back({"best - " + course::fixed(c.n_se, 1) + " SE",
                        {double(p_min->n_params), double(p_max->n_params)},
                        {line, line},
                        "lines",
                        {}});
  acc_series.push_back({"chosen: " + mlp::describe(s.pick().sizes),
                        {double(s.pick().n_params)},
                        {100 * s.pick().val_accuracy},
                        "points",
                        {}});
  const std::string budget = std::to_string(c.epochs) + " epochs, " + std::to_string(c.n_train);
  course::PlotOptions oa{"Validation accuracy vs parameters (" + budget + " training images)",
                         "parameters (log scale)", "validation accuracy (%)"};
  oa.logx = true;
  course::line_plot(common.out("accuracy_vs_parameters.png"), oa, acc_series);
  course::PlotOptions ot{"Training time vs validation accuracy (" + budget + " images)",
                         "training time (CPU seconds, log scale)", "validation accuracy (%)"};
  ot.logx = true;
  course::line_plot(common.out("time_vs_accuracy.png"), ot, time_series);
}

/// Iris: mean held-out accuracy against H, one standard deviation as the bar.
inline void plot_cv(const IrisCv& cv, const Config& c, const course::CommonOptions& common) {
  course::Series s{"mean +- sd over " + std::to_string(cv.results[0].scores.size()) + " folds",
                   {},
                   {},
                   "yerrorlines",
                   {}};
  for (std::size_t i = 0; i < c.cv_hidden.size(); ++i) {
    s.x.push_back(double(c.cv_hidden[i]));
    s.y.push_back(100 * cv.results[i].mean);
    s.err.push_back(100 * cv.results[i].sd);
  }
  course::PlotOptions o{
      "Iris, 4-H-3: stratified " + std::to_string(c.folds) + "-fold cross-validation",
      "hidden units H (log scale)", "held-out accuracy (%)"};
  o.logx = true;
  o.extra = "set xrange [" + std::to_string(0.7 * c.cv_hidden.front()) + ":" +
            std::to_string(1.4 * c.cv_hidden.back()) + "]\nset yrange [:101]";  // no bars > 100%
  course::line_plot(common.out("cv_iris.png"), o, {s});
}

/// The search: each trial's validation accuracy against its learning rate, one series per width.
inline void plot_search(const Search& s, const Config& c, const course::CommonOptions& common) {
  std::map<arma::uword, course::Series> by_width;
  for (const auto& t : s.trials) {
    auto& series = by_width[t.width];
    series.title = "width " + std::to_string(t.width);
    series.style = "points";
    series.x.push_back(t.eta);
    series.y.push_back(100 * t.score);
  }
  std::vector<course::Series> all;
  for (auto& [w, series] : by_width) all.push_back(series);
  course::PlotOptions o{"Random search: " + std::to_string(c.trials) + " trials, depth " +
                            std::to_string(s.depth) + ", " + std::to_string(c.trial_epochs) +
                            " epoch(s) on " + std::to_string(c.trial_train) + " images",
                        "learning rate eta (log scale)", "validation accuracy (%)"};
  o.logx = true;
  course::line_plot(common.out("search.png"), o, all);
}

/// Experiment 2's summary fields (the seed runs included).
inline nlohmann::json sweep_summary(const Results& r, const Config& c, const Data& d) {
  const Sweep& s = r.sweep;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& n : s.rows)
    rows.push_back({{"sizes", n.sizes},
                    {"depth", n.depth},
                    {"width", n.width},
                    {"parameters", n.n_params},
                    {"val_accuracy", n.val_accuracy},
                    {"final_train_loss", n.final_loss}});
  return {{"train_size", c.n_train},
          {"val_size", d.labels_val.n_elem},
          {"epochs", c.epochs},
          {"batch_size", c.batch_size},
          {"eta", c.eta},
          {"results", rows},
          {"best", mlp::describe(s.rows[s.best].sizes)},
          {"best_val_accuracy", s.best_val},
          {"standard_error", s.se},
          {"tolerance_se", c.n_se},
          {"chosen", mlp::describe(s.pick().sizes)},
          {"chosen_val_accuracy", s.pick().val_accuracy},
          {"chosen_parameters", s.pick().n_params},
          {"chosen_seed_runs",
           {{"seeds", c.seed_runs},
            {"val_accuracies", r.seeds.val_accuracies},
            {"mean", r.seeds.spread.mean},
            {"sd", r.seeds.spread.sd}}}};
}

/// Experiments 3 and 4's summary fields.
inline nlohmann::json cv_and_search_summary(const Results& r, const Config& c) {
  nlohmann::json cv = nlohmann::json::array(), trials = nlohmann::json::array();
  for (std::size_t i = 0; i < c.cv_hidden.size(); ++i)
    cv.push_back({{"hidden", c.cv_hidden[i]},
                  {"parameters", mlp::count_parameters({4, c.cv_hidden[i], 3})},
                  {"mean_accuracy", r.cv.results[i].mean},
                  {"sd", r.cv.results[i].sd},
                  {"fold_accuracies", r.cv.results[i].scores}});
  for (const auto& t : r.search.trials)
    trials.push_back({{"trial", t.index + 1},
                      {"eta", t.eta},
                      {"width", t.width},
                      {"lambda", t.lambda},
                      {"seed", t.seed},
                      {"val_accuracy", t.score}});
  return {{"iris_cv",
           {{"folds", c.folds},
            {"repeats", c.cv_repeats},
            {"epochs", c.cv_epochs},
            {"eta", c.cv_eta},
            {"batch_size", c.cv_batch},
            {"results", cv},
            {"best_hidden", c.cv_hidden[r.cv.best]},
            {"chosen_hidden", c.cv_hidden[r.cv.chosen]}}},
          {"random_search",
           {{"trials", c.trials},
            {"epochs", c.trial_epochs},
            {"train_size", c.trial_train},
            {"depth", r.search.depth},
            {"eta_range", {c.eta_min, c.eta_max}},
            {"widths", c.widths},
            {"lambda_range", {c.lambda_min, c.lambda_max}},
            {"results", trials},
            {"best_trial", r.search.best + 1}}}};
}

/// \brief summary.json's chapter fields: the headline, every experiment's numbers, and the
/// wall-clock times under "timing_seconds".
inline nlohmann::json summary(const Results& r, const Config& c, const Data& d) {
  const SweepRow& pick = r.sweep.pick();
  const Final& f = r.final;
  nlohmann::json counts = nlohmann::json::array(), sweep_times = nlohmann::json::array();
  for (const auto& n : r.counts)
    counts.push_back({{"sizes", n.sizes}, {"formula", n.formula}, {"code", n.code}});
  for (const auto& n : r.sweep.rows)
    sweep_times.push_back(
        {{"network", mlp::describe(n.sizes)}, {"wall", n.seconds}, {"cpu", n.cpu_seconds}});
  nlohmann::json s = cv_and_search_summary(r, c);
  s["headline"] = "chosen " + mlp::describe(pick.sizes) + " (" + std::to_string(pick.n_params) +
                  " parameters, fewest within " + course::fixed(c.n_se, 1) + " SE of the best " +
                  course::fixed(100 * r.sweep.best_val, 2) + "%): validation " +
                  course::fixed(100 * f.val_accuracy, 2) + "%, test " +
                  course::fixed(100 * f.test_accuracy, 2) + "% (used once); iris 4-" +
                  std::to_string(c.cv_hidden[r.cv.chosen]) + "-3 CV " +
                  course::fixed(100 * r.cv.results[r.cv.chosen].mean, 1) + "%";
  s["parameter_counts"] = counts;
  s["sweep"] = sweep_summary(r, c, d);
  s["final"] = {{"sizes", pick.sizes},
                {"parameters", pick.n_params},
                {"recipe", f.use_tuned ? "search" : "default"},
                {"eta", f.recipe.eta},
                {"lambda", f.recipe.lambda},
                {"epochs", c.epochs},
                {"train_size", c.n_train},
                {"tuned_val_accuracy", f.tuned_val},
                {"default_val_accuracy", pick.val_accuracy},
                {"val_accuracy", f.val_accuracy},
                {"test_accuracy", f.test_accuracy}};
  s["timing_seconds"] = {{"seed_runs", r.seeds.seconds},
                         {"sweep_training", sweep_times},
                         {"iris_cv", r.cv.seconds},
                         {"search", r.search.seconds},
                         {"search_trials", r.search.trial_seconds},
                         {"final_tuned_training", f.tuned_seconds}};
  return s;
}

}  // namespace architecture
