/// \file
/// \brief Chapter 09's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "chapters/09_regularization/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace regularization {

inline void print(const RemedyRuns& r, const SmallConfig& c) {
  std::cout << "\n1. Overfitting on purpose: 784-" << c.hidden
            << "-10 sigmoid, sigmoid outputs + cross-entropy, N(0,1) weights, eta " << c.eta
            << ", batch " << c.batch_size << ", " << c.epochs << " epochs, the first " << c.n_train
            << " training images\n";
  std::printf("   %-40s %9s %9s %11s %7s %9s\n", "remedy", "train", "best val", "(epoch)", "epochs",
              "test");
  for (std::size_t k = 0; k < r.remedies.size(); ++k) {
    const History& h = r.runs[k];
    std::printf("   %-40s %9s %9s %11s %7lu %9s\n", r.remedies[k].label.c_str(),
                course::percent(h.train_acc.back()).c_str(), course::percent(h.best_val).c_str(),
                ("(" + std::to_string(h.best_epoch) + ")").c_str(),
                static_cast<unsigned long>(h.epochs_run), course::percent(h.test_acc).c_str());
  }
  std::cout << "   (train: accuracy on the unshifted training images at the end; test: the "
               "weights at the end, or of the best validation epoch with early stopping)\n"
            << "   Nielsen (test set as his monitor): no regularization peaked at 82.27%, "
               "L2 lambda 0.1 reached 87.10%\n";
}

/// "81.60% +- 0.35" over several seeds, "81.60%" for one.
inline std::string mean_sd(const std::vector<double>& v, bool as_percent = true) {
  const Spread s = spread(v);
  const double scale = as_percent ? 100 : 1;
  return course::fixed(scale * s.mean, 2) + (as_percent ? "%" : "") +
         (v.size() > 1 ? " +- " + course::fixed(scale * s.sd, 2) : "");
}

inline void print(const DepthStudy& study, const SmallConfig& c) {
  std::cout << "\n2. Does depth fight overfitting? No remedy, hidden layers of " << c.hidden
            << " units, the same " << c.n_train << " images and " << c.epochs << " epochs; "
            << study.seeds << " seed" << (study.seeds > 1 ? "s (mean +- sd)" : "") << "\n";
  std::printf("   %-20s %10s %18s %18s %18s\n", "network", "parameters", "train", "test",
              "gap (points)");
  for (const auto& row : study.rows) {
    std::vector<double> gap_points;
    for (double g : row.gap) gap_points.push_back(100 * g);
    std::printf("   %-20s %10lu %18s %18s %18s\n", row.sizes.c_str(),
                static_cast<unsigned long>(row.n_params), mean_sd(row.train).c_str(),
                mean_sd(row.test).c_str(), mean_sd(gap_points, false).c_str());
  }
}

inline void print(const LargeResult& res) {
  std::cout << "   best validation epoch " << res.best_epoch << " ("
            << course::percent(res.best_val) << "), restored; test accuracy "
            << course::percent(res.test_acc)
            << " (--full target: >= 98.60%; Simard 2003: 98.4% without distortions; "
               "Srivastava 2014: 98.94% with dropout)\n   median epoch "
            << course::fixed(course::median(res.epoch_seconds), 1) << " s\n";
}

/// A curve through per-epoch values: x = 1, 2, ...; y = 100 * value (percent).
inline course::Series per_epoch(const std::string& title, const std::vector<double>& values,
                                const std::string& style = "lines") {
  course::Series s{title, {}, {}, style, {}};
  for (std::size_t e = 0; e < values.size(); ++e) {
    s.x.push_back(double(e + 1));
    s.y.push_back(100 * values[e]);
  }
  return s;
}

/// Training and validation accuracy per epoch of each remedy, and all validation curves.
inline void plot_curves(const RemedyRuns& r, const SmallConfig& c,
                        const course::CommonOptions& common) {
  std::vector<course::Series> all;
  for (std::size_t k = 0; k < r.remedies.size(); ++k) {
    const History& h = r.runs[k];
    std::vector<course::Series> s = {per_epoch("training (unshifted)", h.train_acc),
                                     per_epoch("validation", h.val_acc)};
    if (r.remedies[k].patience > 0)
      s.push_back({"best validation epoch (restored)",
                   {double(h.best_epoch)},
                   {100 * h.best_val},
                   "points pt 7 ps 1.5",
                   {}});
    course::PlotOptions o{r.remedies[k].label + ": test " + course::percent(h.test_acc), "epoch",
                          "accuracy (%)"};
    o.extra = "set yrange [70:101]\nset xrange [0:" + std::to_string(c.epochs) + "]";
    course::line_plot(common.out("curves_" + r.remedies[k].key + ".png"), o, s);
    all.push_back(per_epoch(r.remedies[k].label, h.val_acc));
  }
  course::PlotOptions o{
      "Validation accuracy per epoch, " + std::to_string(c.n_train) + " training images", "epoch",
      "validation accuracy (%)"};
  o.extra = "set yrange [60:95]\nset key outside right center vertical Left reverse noopaque";
  o.width = 1000;
  course::line_plot(common.out("validation_all.png"), o, all);
}

/// A histogram of the entries of M as a step curve: counts per bin of width (hi - lo) / bins.
inline course::Series histogram(const std::string& title, const arma::mat& M, double lo, double hi,
                                arma::uword bins) {
  course::Series s{title, {}, {}, "histeps", {}};
  arma::vec counts(bins, arma::fill::zeros);
  const double width = (hi - lo) / double(bins);
  for (double v : M) {
    const double k = std::floor((v - lo) / width);
    if (k >= 0 && k < double(bins)) counts[arma::uword(k)] += 1;
  }
  for (arma::uword k = 0; k < bins; ++k) {
    s.x.push_back(lo + (double(k) + 0.5) * width);
    s.y.push_back(counts[k]);
  }
  return s;
}

/// Weight histograms and first-layer weights as images: none vs L2 vs L1 (the first three runs).
inline void plot_weights(const RemedyRuns& r, const SmallConfig& c,
                         const course::CommonOptions& common) {
  course::PlotOptions oh{
      "First-layer weights after training (" + std::to_string(r.runs[0].W1.n_elem) + " each)",
      "weight", "count per bin of 0.1 (log scale)"};
  oh.logy = true;
  std::vector<course::Series> histograms;
  for (std::size_t k = 0; k < 3; ++k)
    histograms.push_back(histogram(r.remedies[k].label, r.runs[k].W1, -4, 4, 80));
  course::line_plot(common.out("weight_histograms.png"), oh, histograms);
  const arma::uword shown = std::min<arma::uword>(10, c.hidden);
  arma::mat images(784, 3 * shown);
  std::vector<std::string> captions;
  for (std::size_t k = 0; k < 3; ++k)
    for (arma::uword u = 0; u < shown; ++u) {
      images.col(k * shown + u) = r.runs[k].W1.row(u).t();
      captions.push_back(r.remedies[k].key + " " + std::to_string(u + 1));
    }
  course::PlotOptions ow{"Weights into hidden units 1-" + std::to_string(shown) +
                             ": none (top), L2 (middle), L1 (bottom); red > 0, blue < 0",
                         "", ""};
  ow.width = 1000;
  ow.height = 430;
  course::image_grid(common.out("first_layer_weights.png"), ow, images, 28, 28, shown, captions,
                     true);
}

/// What the shifts do: eight digits and one random shift of each (a faint grey shows the frame).
inline void plot_shifts(const Data& d, const SmallConfig& c, const course::CommonOptions& common) {
  course::Rng rng(common.seed);
  arma::mat pair(784, 16);
  std::vector<std::string> captions(8, "");
  arma::fvec moved(784);
  for (arma::uword j = 0; j < 8; ++j) {
    const int dx = int(course::uniform_index(rng, 2 * c.max_shift + 1)) - c.max_shift;
    const int dy = int(course::uniform_index(rng, 2 * c.max_shift + 1)) - c.max_shift;
    mlp::shift_image(d.X_train.colptr(j), moved.memptr(), d.rows, d.cols, dx, dy);
    pair.col(j) = 0.08 + 0.92 * arma::conv_to<arma::vec>::from(d.X_train.col(j));
    pair.col(8 + j) = 0.08 + 0.92 * arma::conv_to<arma::vec>::from(moved);
    captions.push_back("dx " + std::to_string(dx) + ", dy " + std::to_string(dy));
  }
  course::PlotOptions o{"Training digits (top) and a random shift of each (bottom)", "", ""};
  o.height = 330;
  course::image_grid(common.out("shifted_digits.png"), o, pair, 28, 28, 8, captions);
}

/// Training and test accuracy against the number of hidden layers (error bars: sd over seeds).
inline void plot(const DepthStudy& study, const SmallConfig& c,
                 const course::CommonOptions& common) {
  course::Series train{"training accuracy (end)", {}, {}, "yerrorlines", {}};
  course::Series test{"test accuracy (end)", {}, {}, "yerrorlines", {}};
  for (const auto& row : study.rows) {
    for (auto* s : {&train, &test}) s->x.push_back(double(row.hidden_layers));
    train.y.push_back(100 * spread(row.train).mean);
    train.err.push_back(100 * spread(row.train).sd);
    test.y.push_back(100 * spread(row.test).mean);
    test.err.push_back(100 * spread(row.test).sd);
  }
  course::PlotOptions o{"No remedy, " + std::to_string(c.n_train) + " images, " +
                            std::to_string(c.epochs) + " epochs: hidden layers of " +
                            std::to_string(c.hidden) + " units (" + std::to_string(study.seeds) +
                            " seed" + (study.seeds > 1 ? "s, mean +- sd)" : ")"),
                        "hidden layers", "accuracy (%)"};
  double last = 1;  // the deepest network
  for (const auto& row : study.rows) last = std::max(last, double(row.hidden_layers));
  o.extra = "set xtics 1\nset xrange [0.5:" + std::to_string(last + 0.5) +
            "]\nset key inside center right vertical";
  course::line_plot(common.out("depth.png"), o, {train, test});
}

/// The wide network: training and validation accuracy per epoch.
inline void plot(const LargeResult& res, const LargeConfig& c,
                 const course::CommonOptions& common) {
  course::Series target{"98.6% (the target)", {1, double(c.epochs)}, {98.6, 98.6}, "lines", {}};
  course::PlotOptions o{"784-" + std::to_string(c.hidden) + "-" + std::to_string(c.hidden) +
                            "-10 ReLU, dropout, shifts, Adam: test " +
                            course::percent(res.test_acc),
                        "epoch", "accuracy (%)"};
  o.extra = "set yrange [96:100.2]";
  course::line_plot(common.out("large_curves.png"), o,
                    {per_epoch("training (first 10,000, unshifted)", res.train_acc, "linespoints"),
                     per_epoch("validation", res.val_acc, "linespoints"), target});
}

inline nlohmann::json summary(const RemedyRuns& r) {
  nlohmann::json s;
  for (std::size_t k = 0; k < r.remedies.size(); ++k) {
    const History& h = r.runs[k];
    s[r.remedies[k].key] = {{"label", r.remedies[k].label},
                            {"final_train_accuracy", h.train_acc.back()},
                            {"best_validation_accuracy", h.best_val},
                            {"best_epoch", h.best_epoch},
                            {"epochs_run", h.epochs_run},
                            {"test_accuracy", h.test_acc},
                            {"train_accuracy_per_epoch", h.train_acc},
                            {"validation_accuracy_per_epoch", h.val_acc}};
  }
  return s;
}

inline nlohmann::json summary(const DepthStudy& study, const SmallConfig& c) {
  nlohmann::json networks = nlohmann::json::array();
  for (const auto& row : study.rows)
    networks.push_back({{"sizes", row.sizes},
                        {"hidden_layers", row.hidden_layers},
                        {"parameters", row.n_params},
                        {"final_train_accuracy", row.train},
                        {"test_accuracy", row.test},
                        {"gap", row.gap},
                        {"mean_final_train_accuracy", spread(row.train).mean},
                        {"sd_final_train_accuracy", spread(row.train).sd},
                        {"mean_test_accuracy", spread(row.test).mean},
                        {"sd_test_accuracy", spread(row.test).sd},
                        {"mean_gap", spread(row.gap).mean},
                        {"sd_gap", spread(row.gap).sd},
                        {"validation_accuracy_per_epoch_first_seed", row.val_curve}});
  return {{"measured",
           "no remedy; per seed (seed, seed+1, ...): training accuracy on the training images "
           "and test accuracy after the last epoch, gap = training - test"},
          {"train_size", c.n_train},
          {"hidden", c.hidden},
          {"epochs", c.epochs},
          {"seeds", study.seeds},
          {"networks", networks}};
}

inline nlohmann::json summary(const LargeResult& res, const Config& c) {
  const LargeConfig& lc = c.large;
  return {{"network", res.describe},
          {"parameters", res.n_params},
          {"train_size", lc.n_train},
          {"epochs", lc.epochs},
          {"batch_size", lc.batch_size},
          {"eta", lc.eta},
          {"dropout", lc.dropout},
          {"input_dropout", lc.input_dropout},
          {"max_shift", c.small.max_shift},
          {"best_epoch", res.best_epoch},
          {"best_validation_accuracy", res.best_val},
          {"test_accuracy", res.test_acc},
          {"train_accuracy_per_epoch", res.train_acc},
          {"validation_accuracy_per_epoch", res.val_acc}};
}

/// The small experiments' part of summary.json (remedies, their settings, the depth study).
inline void add_small(nlohmann::json& s, const RemedyRuns& r, const DepthStudy& study,
                      const Config& c) {
  const SmallConfig& sc = c.small;
  s["small"] = summary(r);
  s["small_config"] = {{"train_size", sc.n_train},    {"hidden", sc.hidden},
                       {"epochs", sc.epochs},         {"eta", sc.eta},
                       {"batch_size", sc.batch_size}, {"lambda", c.lambda},
                       {"lambda_l1", c.lambda_l1},    {"dropout", c.dropout},
                       {"patience", c.patience},      {"max_shift", sc.max_shift}};
  s["depth"] = summary(study, sc);
  s["headline"] = std::to_string(sc.n_train) + " images: test " +
                  course::percent(r.runs.front().test_acc) + " -> " +
                  course::percent(r.runs[1].test_acc) + " (L2) -> " +
                  course::percent(r.runs.back().test_acc) + " (all)";
  for (std::size_t k = 0; k < r.remedies.size(); ++k)
    s["timing_seconds"]["small_" + r.remedies[k].key] = r.runs[k].seconds;
  s["timing_seconds"]["depth"] = study.seconds;
}

/// The large experiment's part of summary.json.
inline void add_large(nlohmann::json& s, const LargeResult& res, const Config& c) {
  s["large"] = summary(res, c);
  const std::string hidden = std::to_string(c.large.hidden);
  const std::string headline = s["headline"].get<std::string>();
  s["headline"] = headline + (headline.empty() ? "" : "; ") + "784-" + hidden + "-" + hidden +
                  "-10 + dropout + shifts: test " + course::percent(res.test_acc) + " (" +
                  std::to_string(c.large.epochs) + " epochs)";
  s["timing_seconds"]["large_median_epoch"] = course::median(res.epoch_seconds);
  s["timing_seconds"]["large_total"] =
      std::accumulate(res.epoch_seconds.begin(), res.epoch_seconds.end(), 0.0);
}

}  // namespace regularization
