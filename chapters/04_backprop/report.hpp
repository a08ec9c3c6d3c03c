/// \file
/// \brief Chapter 04's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "chapters/04_backprop/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace backprop {

/// "U[-r, r)" for an init range.
inline std::string range_str(double r) {
  std::ostringstream s;
  s << "U[-" << r << ", " << r << ")";
  return s.str();
}

/// Median number of epochs of the successful runs (0 when none succeeded).
inline double median_epochs(const WidthStudy& s) {
  return course::median(std::vector<double>(s.epochs_to_solve.begin(), s.epochs_to_solve.end()));
}

/// \brief Print the shown network and its two checks.
inline void print(const GroundTruth& g, const Config& c, std::uint64_t seed) {
  std::cout << "XOR with a 2-" << c.n_hidden << "-1 sigmoid network, squared error, eta = " << c.eta
            << ", weights from " << range_str(c.inits.front()) << ", seed " << seed << "\n"
            << "  gradient check at the start: max relative error "
            << course::scientific(g.rel_error) << " (bar: 1e-7)\n"
            << "  batched vs per-example gradients: max |difference| "
            << course::scientific(g.batched_diff) << " (bar: 1e-12)\n";
}

/// \brief Print the training of the shown network: loss, when it was solved, its outputs.
inline void print(const Trained& t, const Config& c) {
  const TrainResult& r = t.result;
  std::string outputs;
  for (arma::uword i = 0; i < t.Y_hat.n_elem; ++i)
    outputs += (i ? " " : "") + course::fixed(t.Y_hat[i], 3);
  std::cout << "  loss " << course::fixed(r.loss.front(), 4) << " -> "
            << course::fixed(r.final_loss, 6) << " after " << c.max_epochs << " epochs; "
            << (r.solved ? "solved after " + std::to_string(r.epochs_to_solve) + " epochs"
                         : std::string("NOT solved"))
            << "\n  outputs for (0,0) (0,1) (1,0) (1,1): " << outputs << "   (targets 0 1 1 0)\n";
}

/// \brief Print the success rate per init range and width.
inline void print(const Study& study, const Config& c, std::uint64_t seed) {
  std::cout << "Success rate over " << c.n_seeds << " random starts (seeds " << seed << " .. "
            << seed + c.n_seeds - 1 << "), solved within " << c.max_epochs << " epochs:\n";
  for (std::size_t i = 0; i < study.size(); ++i) {
    std::cout << "  weights from " << range_str(c.inits[i]) << ":\n";
    for (const WidthStudy& s : study[i])
      std::cout << "    2-" << s.n_hidden << "-1: " << s.successes << "/" << s.runs << " solved ("
                << course::percent(s.rate(), 0) << ")"
                << (s.successes ? ", median " + course::fixed(median_epochs(s), 0) + " epochs" : "")
                << "\n";
  }
}

/// \brief Print whether the failures are stuck or slow.
inline void print(const Patience& p, const Config& c) {
  std::cout << "  stuck or slow? With " << 10 * c.max_epochs << " epochs, 2-" << c.n_hidden
            << "-1, " << range_str(c.inits.front()) << ": " << p.still_failed << " of the "
            << p.failed_before << " failures still fail";
  if (p.still_failed)
    std::cout << ", all at loss >= " << course::fixed(p.stuck_loss_min, 5)
              << " (plateaus: 1/16 = two outputs at 0.5, 1/12 = three outputs at 2/3)";
  std::cout << "\n";
}

/// The loss per epoch as a series (x = epoch, starting at 1 for the log axis).
inline course::Series loss_series(const std::vector<double>& loss, const std::string& title) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t e = 0; e < loss.size(); ++e) {
    s.x.push_back(static_cast<double>(e + 1));
    s.y.push_back(loss[e]);
  }
  return s;
}

/// \brief The output y_hat of a trained network over the plane, with the four XOR points.
inline void plot_regions(const std::string& file, const std::string& title, const TwoLayerNet& net,
                         const Xor& d) {
  // The background runs from the y = 0 colour (y_hat = 0) to the y = 1 colour (y_hat = 1).
  course::PlotOptions o{title, "x1", "x2"};
  o.width = 600;
  o.height = 540;
  course::decision_regions(
      file, o, d.X, arma::conv_to<arma::uvec>::from(d.Y.row(0)), {"y = 0", "y = 1"},
      [&net](double x1, double x2) {
        return forward_one(net, arma::vec{x1, x2}).y_hat[0];
      },
      false);
}

/// \brief The shown network and the first stuck one: decision regions (decision_regions.png,
/// decision_regions_stuck.png) and their loss per epoch (loss_curve.png).
inline void plot(const Trained& shown, const std::optional<StuckRun>& stuck, const Xor& d,
                 const Config& c, const course::CommonOptions& common) {
  const std::string width = "2-" + std::to_string(c.n_hidden) + "-1";
  plot_regions(common.out("decision_regions.png"),
               "XOR learned by a " + width + " network (seed " + std::to_string(common.seed) +
                   "): output y_hat over the plane",
               shown.net, d);
  std::vector<course::Series> curves{
      loss_series(shown.result.loss, "seed " + std::to_string(common.seed) +
                                         (shown.result.solved ? " (solved)" : " (not solved)"))};
  if (stuck) {
    curves.push_back(loss_series(stuck->trained.result.loss,
                                 "seed " + std::to_string(stuck->seed) + " (stuck)"));
    plot_regions(common.out("decision_regions_stuck.png"),
                 "A stuck " + width + " network (seed " + std::to_string(stuck->seed) +
                     "): output y_hat over the plane",
                 stuck->trained.net, d);
  }
  curves.push_back({"1/16: two outputs at 0.5",
                    {1.0, static_cast<double>(c.max_epochs + 1)},
                    {0.0625, 0.0625},
                    "lines dt 2",
                    {}});
  course::PlotOptions o{"Loss per epoch, " + width + " network", "epoch",
                        "loss L (mean of 1/2 (y_hat - y)^2)"};
  o.logx = true;
  o.logy = true;
  o.extra = "set xrange [1:" + std::to_string(c.max_epochs + 1) + "]";
  course::line_plot(common.out("loss_curve.png"), o, curves);
}

/// \brief The success rate against the width, one curve per init range (success_rate.png).
inline void plot(const Study& study, const Config& c, const course::CommonOptions& common) {
  std::vector<course::Series> rates;
  for (std::size_t i = 0; i < study.size(); ++i) {
    course::Series s{"weights from " + range_str(c.inits[i]), {}, {}, "linespoints", {}};
    for (const WidthStudy& w : study[i]) {
      s.x.push_back(static_cast<double>(w.n_hidden));
      s.y.push_back(100.0 * w.rate());
    }
    rates.push_back(s);
  }
  course::PlotOptions o{"XOR solved within " + std::to_string(c.max_epochs) + " epochs, out of " +
                            std::to_string(c.n_seeds) + " random starts",
                        "hidden units", "runs that solved XOR (%)"};
  o.extra = "set yrange [-5:105]\nset xtics 1\nset offsets 0.5, 0.5, 0, 0";
  course::line_plot(common.out("success_rate.png"), o, rates);
}

/// \brief The study as JSON: per init range, per width.
inline nlohmann::json study_json(const Study& study, const Config& c) {
  nlohmann::json by_init = nlohmann::json::array();
  for (std::size_t i = 0; i < study.size(); ++i) {
    nlohmann::json widths = nlohmann::json::array();
    for (const WidthStudy& s : study[i])
      widths.push_back({{"n_hidden", s.n_hidden},
                        {"runs", s.runs},
                        {"successes", s.successes},
                        {"rate", s.rate()},
                        {"median_epochs_to_solve", median_epochs(s)},
                        {"failed_seeds", s.failed_seeds},
                        {"failed_final_loss", s.failed_final_loss}});
    by_init.push_back({{"init", c.inits[i]}, {"widths", widths}});
  }
  return by_init;
}

/// \brief summary.json's own fields (the scaffold adds chapter, seed, full and the total time).
inline nlohmann::json summary(const GroundTruth& g, const Trained& shown, const Study& study,
                              const Patience& p, const Config& c, std::uint64_t seed) {
  std::string rates;
  for (const WidthStudy& s : study[0])
    rates += (rates.empty() ? "" : ", ") + std::to_string(s.n_hidden) + ": " +
             course::percent(s.rate(), 0);
  const std::string headline = "XOR " + std::string(shown.result.solved ? "solved" : "NOT solved") +
                               " (2-" + std::to_string(c.n_hidden) + "-1, seed " +
                               std::to_string(seed) + "); solved per width over " +
                               std::to_string(c.n_seeds) + " starts: " + rates +
                               "; gradient check " + course::scientific(g.rel_error);
  return {{"headline", headline},
          {"eta", c.eta},
          {"max_epochs", c.max_epochs},
          {"shown",
           {{"n_hidden", c.n_hidden},
            {"init", c.inits.front()},
            {"solved", shown.result.solved},
            {"epochs_to_solve", shown.result.epochs_to_solve},
            {"initial_loss", shown.result.loss.front()},
            {"final_loss", shown.result.final_loss},
            {"outputs", arma::conv_to<std::vector<double>>::from(shown.Y_hat.row(0))},
            {"gradient_check_max_rel_error", g.rel_error},
            {"batched_vs_per_example_max_abs_diff", g.batched_diff}}},
          {"success_rate",
           {{"seeds", c.n_seeds}, {"first_seed", seed}, {"by_init", study_json(study, c)}}},
          {"patience",
           {{"n_hidden", c.n_hidden},
            {"init", c.inits.front()},
            {"max_epochs", 10 * c.max_epochs},
            {"failed_within_max_epochs", p.failed_before},
            {"still_failed", p.still_failed},
            {"min_final_loss_of_failures", p.stuck_loss_min}}}};
}

}  // namespace backprop
