/// \file
/// \brief Chapter 06's report: what the experiment prints, the plots (PNG + CSV) and
/// summary.json. What it leaves out on purpose: any computation (see experiments.hpp).
#pragma once

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/06_mlp/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"

namespace nielsen {
inline std::vector<double> final_accuracies(const Runs& r) {
  std::vector<double> a;
  for (const auto& run : r.correct) a.push_back(run.back() / double(r.n_test));
  return a;
}

inline void print(const Runs& r, const Config& c) {
  std::cout << "Final test accuracy" << (c.runs > 1 ? " (best of runs)" : "") << ": "
            << course::percent(r.best_final) << ", best epoch " << course::percent(r.peak)
            << " (Nielsen: 95.42%, best of 3 runs)\n";
}

/// Images of the given columns (as double, for the plots).
inline arma::mat columns_of(const Mat& X, const arma::uvec& cols) {
  return arma::conv_to<arma::mat>::from(X.cols(cols));
}

/// Sample digits, accuracy per epoch (one curve per run), misclassified test digits.
inline void plot(const Data& d, const Runs& r, const Config& c,
                 const course::CommonOptions& common) {
  const arma::uvec first32 = arma::regspace<arma::uvec>(0, 31);
  std::vector<std::string> captions;
  for (auto j : first32) captions.push_back(std::to_string(d.train.labels[j]));
  course::image_grid(common.out("sample_digits.png"),
                     {"MNIST training digits and their labels", "", ""},
                     columns_of(d.train.X, first32), 28, 28, 8, captions);
  std::vector<course::Series> curves;
  for (std::size_t run = 0; run < r.correct.size(); ++run) {
    course::Series s{"run " + std::to_string(run + 1), {}, {}, "linespoints", {}};
    for (std::size_t e = 0; e < r.correct[run].size(); ++e) {
      s.x.push_back(e + 1);
      s.y.push_back(100.0 * r.correct[run][e] / r.n_test);
    }
    curves.push_back(s);
  }
  course::line_plot(common.out("accuracy_per_epoch.png"),
                    {"Test accuracy per epoch (784-" + std::to_string(c.hidden) +
                         "-10 sigmoid, quadratic cost, eta " + course::fixed(c.eta, 1) + ")",
                     "epoch", "test accuracy (%)"},
                    curves);
  const arma::uvec wrong = arma::find(r.best_predicted != d.test.labels);
  const arma::uvec shown = wrong.head(std::min<arma::uword>(32, wrong.n_elem));
  std::vector<std::string> labels;  // "predicted (true)"
  for (auto j : shown)
    labels.push_back(std::to_string(r.best_predicted[j]) + " (" + std::to_string(d.test.labels[j]) +
                     ")");
  course::image_grid(common.out("misclassified.png"),
                     {"Misclassified test digits: predicted (true)", "", ""},
                     columns_of(d.test.X, shown), 28, 28, 8, labels);
}

inline nlohmann::json summary(const Data& d, const Runs& r, const Config& c) {
  return {
      {"headline", "test accuracy " + course::fixed(100 * r.best_final, 2) + "% after " +
                       std::to_string(c.epochs) + " epochs" +
                       (c.runs > 1 ? " (best of " + std::to_string(c.runs) + " runs)" : "") +
                       ", best epoch " + course::fixed(100 * r.peak, 2) + "% (Nielsen: 95.42%)"},
      {"config",
       {{"hidden", c.hidden},
        {"eta", c.eta},
        {"batch_size", c.batch_size},
        {"epochs", c.epochs},
        {"train_size", d.train.X.n_cols},
        {"runs", c.runs}}},
      {"correct_per_epoch", r.correct},
      {"final_accuracy_per_run", final_accuracies(r)},
      {"best_final_accuracy", r.best_final},
      {"peak_accuracy", r.peak},
      {"timing_seconds", {{"median_epoch", course::median(r.epoch_seconds)}}}};
}

}  // namespace nielsen
