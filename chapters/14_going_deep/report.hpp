/// \file
/// \brief Chapter 14's report: what the experiments print, the plots (PNG + CSV) and
/// summary.json.
/// What it leaves out on purpose: any computation; everything it shows comes from
/// experiments.hpp.
#pragma once

#include <iomanip>
#include <iostream>
#include <sstream>

#include "chapters/14_going_deep/experiments.hpp"
#include "common/plot.hpp"

namespace going_deep {

inline void print(const Data& d, const Config& c) {
  std::cout << "Fashion-MNIST: " << d.train.X.n_cols << " training images, " << d.test.X.n_cols
            << " test images; width " << c.width << ", Adam (eta " << c.eta
            << ", cosine to 0), batch " << c.batch_size << ", " << c.epochs << " epochs, "
            << c.seeds << " seed(s)\n";
}

inline std::string yes_no(const std::optional<bool>& b) {
  return b ? (*b ? "yes" : "no") : "not measured";
}

inline void print(const Probe& p) {
  std::cout << "2. ||dL/dW|| of each Dense layer at initialization, depth " << p.depth << ":\n";
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    const auto& n = p.norms[k];
    std::cout << "  " << std::left << std::setw(9) << mlp::kind_name(p.kinds[k]) << std::right
              << " stem " << course::fixed(n.front().dW_norm, 4) << ", layer 2 "
              << course::fixed(n[1].dW_norm, 4) << ", layer " << n.size() / 2 << " "
              << course::fixed(n[n.size() / 2 - 1].dW_norm, 4) << ", layer " << n.size() - 1 << " "
              << course::fixed(n[n.size() - 2].dW_norm, 4) << ", head "
              << course::fixed(n.back().dW_norm, 4) << "\n";
  }
}

inline void print(const Verdict& v, const Sweep& s) {
  std::cout << "4. Final training loss, depth " << v.shallow << " -> depth " << v.deepest << ":";
  for (Kind kind : s.kinds)
    std::cout << "  " << mlp::kind_name(kind) << " "
              << course::fixed(s.at(kind, v.shallow).loss().mean, 4) << " -> "
              << course::fixed(s.at(kind, v.deepest).loss().mean, 4);
  std::cout << "\n   degradation (deepest plain trains worse than shallow plain): "
            << yes_no(v.degradation)
            << "; removed (deepest pre-norm trains at least as well as the best shallow): "
            << yes_no(v.removed) << "\n";
}

/// A curve per kind of a statistic against depth, with the spread over seeds as error bars.
template <class F>
std::vector<course::Series> against_depth(const Sweep& s, F stat, double scale) {
  std::vector<course::Series> curves;
  for (Kind kind : s.kinds) {
    course::Series curve{mlp::kind_name(kind), {}, {}, "yerrorlines", {}};
    for (arma::uword depth : s.depths) {
      const MeanSd v = stat(s.at(kind, depth));
      curve.x.push_back(double(depth));
      curve.y.push_back(scale * v.mean);
      curve.err.push_back(scale * v.sd);
    }
    curves.push_back(curve);
  }
  return curves;
}

/// The mean training loss of each epoch of one cell, as a curve.
inline course::Series epoch_curve(const std::string& title, const Cell& cell) {
  course::Series curve{title, {}, {}, "linespoints", {}};
  const auto mean = cell.epoch_loss();
  for (std::size_t e = 0; e < mean.size(); ++e) {
    curve.x.push_back(double(e + 1));
    curve.y.push_back(mean[e]);
  }
  return curve;
}

inline void plot(const Sweep& s, const Probe& p, const Config& c,
                 const course::CommonOptions& common) {
  const std::string budget = ", width " + std::to_string(c.width) + ", " +
                             std::to_string(c.epochs) + " epochs" +
                             (c.seeds > 1 ? ", mean of " + std::to_string(c.seeds) + " seeds" : "");
  for (Kind kind : s.kinds) {  // training loss per epoch, one curve per depth
    std::vector<course::Series> curves;
    for (arma::uword depth : s.depths)
      curves.push_back(epoch_curve("depth " + std::to_string(depth), s.at(kind, depth)));
    course::PlotOptions o{"Training loss per epoch: " + mlp::kind_name(kind) + budget, "epoch",
                          "mean training loss (cross-entropy)"};
    o.logy = true;
    course::line_plot(common.out("loss_" + mlp::kind_name(kind) + ".png"), o, curves);
  }
  // He et al.'s figure in miniature: the shallowest network against the deepest of each kind.
  const arma::uword shallow = *std::min_element(s.depths.begin(), s.depths.end());
  const arma::uword deepest = *std::max_element(s.depths.begin(), s.depths.end());
  std::vector<course::Series> ends = {
      epoch_curve(mlp::kind_name(s.kinds.front()) + ", depth " + std::to_string(shallow),
                  s.at(s.kinds.front(), shallow))};
  for (Kind kind : s.kinds)
    ends.push_back(epoch_curve(mlp::kind_name(kind) + ", depth " + std::to_string(deepest),
                               s.at(kind, deepest)));
  course::PlotOptions eo{"Training loss per epoch, shallowest against deepest" + budget, "epoch",
                         "mean training loss (cross-entropy)"};
  eo.logy = true;
  course::line_plot(common.out("loss_shallow_vs_deep.png"), eo, ends);
  course::PlotOptions lo{"Final training loss against depth" + budget, "depth (Dense layers)",
                         "training loss (cross-entropy)"};
  lo.logy = true;
  course::line_plot(common.out("train_loss_vs_depth.png"), lo,
                    against_depth(
                        s, [](const Cell& cell) { return cell.loss(); }, 1.0));
  course::line_plot(
      common.out("test_accuracy_vs_depth.png"),
      {"Test accuracy against depth" + budget, "depth (Dense layers)", "test accuracy (%)"},
      against_depth(
          s, [](const Cell& cell) { return cell.accuracy(); }, 100.0));
  std::vector<course::Series> g;  // gradient norm per layer at initialization
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    course::Series curve{mlp::kind_name(p.kinds[k]), {}, {}, "linespoints", {}};
    for (const auto& n : p.norms[k]) {
      curve.x.push_back(double(n.layer + 1));
      curve.y.push_back(n.dW_norm);
    }
    g.push_back(curve);
  }
  course::PlotOptions go{
      "||dL/dW|| of each Dense layer at initialization, depth " + std::to_string(p.depth),
      "Dense layer (1 = stem, " + std::to_string(p.depth) + " = head)", "||dL/dW||_F"};
  go.logy = true;
  course::line_plot(common.out("gradient_norms.png"), go, g);
}

inline nlohmann::json to_json(const Cell& cell) {
  const Run& r = cell.seeds.front();
  nlohmann::json per_seed = nlohmann::json::array();
  for (const Run& run : cell.seeds)
    per_seed.push_back({{"epoch_training_loss", run.epoch_loss},
                        {"final_training_loss", run.train.loss},
                        {"training_accuracy", run.train.accuracy},
                        {"test_loss", run.test.loss},
                        {"test_accuracy", run.test.accuracy}});
  return {{"kind", mlp::kind_name(r.kind)},
          {"depth", r.depth},
          {"width", r.width},
          {"parameters", r.n_params},
          {"final_training_loss", cell.loss().mean},
          {"final_training_loss_sd", cell.loss().sd},
          {"test_accuracy", cell.accuracy().mean},
          {"test_accuracy_sd", cell.accuracy().sd},
          {"seeds", per_seed}};
}

inline nlohmann::json summary(const Sweep& s, const Probe& p, const Wide& w, const Verdict& v,
                              const Config& c) {
  nlohmann::json cells = nlohmann::json::array(), probe, seconds = nlohmann::json::array();
  for (const Cell& cell : s.cells) {
    cells.push_back(to_json(cell));
    for (const Run& r : cell.seeds) seconds.push_back(r.seconds);
  }
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    std::vector<double> dW;
    for (const auto& n : p.norms[k]) dW.push_back(n.dW_norm);
    probe[mlp::kind_name(p.kinds[k])] = dW;
  }
  std::vector<std::string> kinds;
  for (Kind k : c.kinds) kinds.push_back(mlp::kind_name(k));
  std::ostringstream headline;
  headline << "training loss, depth " << v.shallow << " -> " << v.deepest << ":";
  for (Kind kind : s.kinds)
    headline << " " << mlp::kind_name(kind) << " "
             << course::fixed(s.at(kind, v.shallow).loss().mean, 3) << " -> "
             << course::fixed(s.at(kind, v.deepest).loss().mean, 3);
  if (v.degradation) headline << "; degradation " << (*v.degradation ? "shown" : "not shown");
  if (v.removed)
    headline << (*v.removed ? ", removed" : ", not removed") << " by residual + layer norm";
  return {
      {"headline", headline.str()},
      {"config",
       {{"width", c.width},
        {"depths", c.depths},
        {"kinds", kinds},
        {"epochs", c.epochs},
        {"seeds", c.seeds},
        {"train_size", c.train_size},
        {"test_size", c.test_size},
        {"batch_size", c.batch_size},
        {"eta", c.eta},
        {"probe_images", c.probe_images},
        {"optimizer", "Adam, cosine schedule to 0"},
        {"init", c.unscaled ? "He normal"
                            : "He normal; last Dense of each residual branch / sqrt(blocks)"}}},
      {"sweep", cells},
      {"gradient_norms_at_init", {{"depth", p.depth}, {"dW_norm", probe}}},
      {"wide_or_deep", {{"deep_parameters", w.deep_params}, {"wide", to_json(w.cell)}}},
      {"degradation", v.degradation ? nlohmann::json(*v.degradation) : nlohmann::json()},
      {"removed_by_residual_layer_norm", v.removed ? nlohmann::json(*v.removed) : nlohmann::json()},
      {"timing_seconds", {{"runs", seconds}}}};
}

}  // namespace going_deep
