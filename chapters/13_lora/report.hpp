/// \file
/// \brief Chapter 13's report: the table per k, the checks of seed 0's adapter, the update
/// spectrum, the three plots (PNG + CSV) and summary.json's fields.
///
/// What it leaves out on purpose: any computing of results (that is experiments.hpp's).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/13_lora/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace lora {

/// The methods and their rates.
inline void print_methods(const Config& c) {
  const mlp::Rates& r = c.rates;
  std::cout << "Methods: linear probe (head, eta " << r.probe << "); LoRA r = ";
  for (std::size_t i = 0; i < c.ranks.size(); ++i) std::cout << (i ? ", " : "") << c.ranks[i];
  std::cout << " on both hidden layers (alpha " << r.alpha << ", A and B eta " << r.lora
            << ", head " << r.lora_head << "); full fine-tune (body eta " << r.full_body
            << ", head " << r.full_head << ")\nAll: Adam, cosine to 0, batch "
            << c.recipe.batch_size
            << ", chapter 12's number of updates; the new head is trained by every method\n";
}

/// One table per k: trainable numbers, their share of full fine-tuning's, accuracy, time.
inline void print(const Comparison& cmp, const Config& c, arma::uword n_classes,
                  arma::uword n_test) {
  for (const arma::uword k : c.ks) {
    const auto& runs = cmp.runs.at(k);
    const arma::uword n_full = runs.back().trainable;
    std::cout << "k = " << k << " per class (" << k * n_classes << " images, "
              << c.recipe.epochs(k * n_classes) << " epochs): test accuracy % on " << n_test
              << " digits, mean +- sd over " << c.n_seeds << " seed" << (c.n_seeds > 1 ? "s" : "")
              << "\n"
              << "  method            trainable  of full   accuracy         s/run\n";
    for (const auto& run : runs) {
      const course::MeanSd a = course::mean_sd(run.accuracy);
      std::printf("  %-16s %10llu  %6.2f%%   %6.2f +- %4.2f   %5.2f\n", run.method.name().c_str(),
                  static_cast<unsigned long long>(run.trainable),
                  100.0 * double(run.trainable) / double(n_full), 100 * a.mean, 100 * a.sd,
                  run.seconds / double(c.n_seeds));
    }
  }
}

/// Seed 0's adapter: its size, its base, and the three checks.
inline void print(const AdapterChecks& r, const Config& c) {
  std::cout << "Seed 0, LoRA r = " << c.adapter_rank << ":\n  adapter " << r.adapter << ": "
            << r.adapter_bytes << " bytes ("
            << course::fixed(100.0 * double(r.adapter_bytes) / double(r.base_bytes), 1)
            << "% of the base's " << r.base_bytes << "), base SHA-256 "
            << r.base_sha256.substr(0, 16)
            << "...\n  reloaded onto the base: logits bit-identical: "
            << (r.reload_identical ? "yes" : "NO")
            << "\n  merged into Dense layers: largest logit difference " << r.merge_diff << ", "
            << r.merge_agree << " / " << r.n << " predictions identical\n"
            << "  base weights W0, b0 after training: bit-identical to the file: "
            << (r.base_identical ? "yes" : "NO") << "\n";
}

/// The share of the update's squared norm in the top r directions, for each rank run.
inline void print(const Spectrum& s, const Config& c) {
  std::cout << "Full fine-tune, seed 0: share of ||W - W0||_F^2 in the top r singular directions\n";
  for (const auto& l : s.layers) {
    std::cout << "  layer " << l.index << " (" << l.name << ", rank <= " << l.sigma.n_elem << "):";
    for (arma::uword r : c.ranks)
      if (r <= l.energy.n_elem)
        std::cout << "  r = " << r << ": " << course::fixed(100 * l.energy[r - 1], 1) << "%";
    std::cout << "\n";
  }
  std::cout << "  (a random 128 x 784 matrix: r = 8: " << course::fixed(100 * s.random_energy[7], 1)
            << "%, r = 16: " << course::fixed(100 * s.random_energy[15], 1) << "%)\n";
}

/// \brief Accuracy against trainable numbers at the headline k: the probe, LoRA of each rank,
/// full fine-tuning, with the one-point band and the 10% line.
inline void plot_accuracy(const Comparison& cmp, const BestRank& b, const Config& c,
                          const course::CommonOptions& common) {
  course::Series lora{"LoRA, ranks " + std::to_string(c.ranks.front()) + "-" +
                          std::to_string(c.ranks.back()) + " (both hidden layers + head)",
                      {},
                      {},
                      "yerrorlines",
                      {}};
  course::Series probe{"linear probe (head only)", {}, {}, "yerrorlines", {}};
  course::Series full{"full fine-tune (everything)", {}, {}, "yerrorlines", {}};
  std::string labels;
  double lo = 100, hi = 0;
  for (const auto& run : cmp.headline(c)) {
    const course::MeanSd a = course::mean_sd(run.accuracy);
    course::Series& s = run.method.kind == Adaptation::LoRA          ? lora
                        : run.method.kind == Adaptation::LinearProbe ? probe
                                                                     : full;
    s.x.push_back(double(run.trainable));
    s.y.push_back(100 * a.mean);
    s.err.push_back(100 * a.sd);
    lo = std::min(lo, 100 * (a.mean - a.sd));
    hi = std::max(hi, 100 * (a.mean + a.sd));
    if (run.method.kind == Adaptation::LoRA)
      labels += "set label 'r = " + std::to_string(run.method.rank) + "' at " +
                std::to_string(run.trainable) + "," + std::to_string(100 * a.mean) +
                " offset 0.7,0.8 font ',9'\n";
  }
  const double y_lo = std::floor(lo - 1), y_hi = std::ceil(hi + 1), f = 100 * b.full_accuracy;
  const double n_full = double(b.full->trainable);
  course::Series band{"full fine-tune - 1 point", {200, 2e5}, {f - 1, f - 1}, "lines", {}};
  course::Series ten{
      "10% of full fine-tune's parameters", {n_full / 10, n_full / 10}, {y_lo, y_hi}, "lines", {}};
  course::PlotOptions o{"Digits 5-9, k = " + std::to_string(c.ks.front()) +
                            " per class: accuracy vs what is trained (mean +- sd, " +
                            std::to_string(c.n_seeds) + " seeds)",
                        "trainable parameters (log scale)", "test accuracy (%)"};
  o.logx = true;
  o.extra = labels + "set key inside bottom right vertical\nset xrange [200:2e5]\nset yrange [" +
            std::to_string(y_lo) + ":" + std::to_string(y_hi) + "]";
  course::line_plot(common.out("accuracy_vs_parameters.png"), o, {probe, lora, full, band, ten});
}

/// \brief The update spectrum's curves: the share of ||W - W0||^2 against r, per layer.
inline void plot_spectrum(const Spectrum& s, const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  auto curve = [](const std::string& title, const arma::vec& energy) {
    course::Series c{title, {}, {}, "lines", {}};
    for (arma::uword i = 0; i < energy.n_elem; ++i) {
      c.x.push_back(double(i + 1));
      c.y.push_back(100 * energy[i]);
    }
    return c;
  };
  for (const auto& l : s.layers)
    curves.push_back(curve("layer " + std::to_string(l.index) + ", " + l.name, l.energy));
  curves.push_back(curve("for scale: a random N(0, 1) matrix, 128 x 784", s.random_energy));
  course::PlotOptions e{
      "What full fine-tuning changed: share of ||W - W0||^2 in the top r directions",
      "number of singular directions r (log scale)", "share of the squared norm (%)"};
  e.logx = true;
  e.extra = "set key inside bottom right vertical\nset yrange [0:100]\nset xrange [1:128]";
  course::line_plot(common.out("update_spectrum.png"), e, curves);
}

/// \brief Per k: each method minus full fine-tuning on the same subset (paired), in points.
inline void plot_gaps(const Comparison& cmp, const Config& c, const course::CommonOptions& common) {
  std::vector<course::Series> gaps;
  for (const arma::uword k : c.ks) {
    const auto& runs = cmp.runs.at(k);
    course::Series s{"k = " + std::to_string(k) + " per class (full fine-tune " +
                         course::percent(course::mean_sd(runs.back().accuracy).mean) + ")",
                     {},
                     {},
                     "yerrorlines",
                     {}};
    for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
      std::vector<double> d;
      for (std::size_t j = 0; j < runs[i].accuracy.size(); ++j)
        d.push_back(100 * (runs[i].accuracy[j] - runs.back().accuracy[j]));
      const course::MeanSd g = course::mean_sd(d);
      s.x.push_back(double(runs[i].trainable));
      s.y.push_back(g.mean);
      s.err.push_back(g.sd);
    }
    gaps.push_back(s);
  }
  gaps.push_back({"1 point below full fine-tuning", {200, 3e4}, {-1, -1}, "lines", {}});
  course::PlotOptions g{"Linear probe (left) and LoRA r = " + std::to_string(c.ranks.front()) +
                            "-" + std::to_string(c.ranks.back()) +
                            " minus full fine-tuning, same subsets (mean +- sd)",
                        "trainable parameters (log scale)", "accuracy - full fine-tune (points)"};
  g.logx = true;
  g.extra = "set key inside bottom right vertical\nset xrange [200:3e4]";
  course::line_plot(common.out("gap_to_full.png"), g, gaps);
}

/// Seed 0's checks as summary fields.
inline nlohmann::json to_json(const AdapterChecks& r) {
  return {{"adapter_file", std::filesystem::path(r.adapter).filename().string()},
          {"adapter_bytes", r.adapter_bytes},
          {"base_bytes", r.base_bytes},
          {"reloaded_logits_bit_identical", r.reload_identical},
          {"merged_max_logit_difference", r.merge_diff},
          {"merged_predictions_identical", r.merge_agree},
          {"base_weights_bit_identical", r.base_identical}};
}

/// The spectrum as summary fields.
inline nlohmann::json to_json(const Spectrum& s, const Config& c) {
  nlohmann::json j;
  for (const auto& l : s.layers) {
    nlohmann::json at;
    for (arma::uword r : c.ranks)
      if (r <= l.energy.n_elem) at[std::to_string(r)] = l.energy[r - 1];
    j[std::to_string(l.index)] = {
        {"energy_in_top_r", at},
        {"singular_values", arma::conv_to<std::vector<double>>::from(l.sigma)}};
  }
  j["random_128x784"] = {{"energy_in_top_8", s.random_energy[7]},
                         {"energy_in_top_16", s.random_energy[15]}};
  return j;
}

/// A method's name without spaces, as the lessons' number markers address it: "linear_probe",
/// "lora_r8", "full_fine_tune".
inline std::string slug(const Adaptation& m) {
  if (m.kind == Adaptation::LoRA) return "lora_r" + std::to_string(m.rank);
  std::string s = m.name();
  std::replace_if(
      s.begin(), s.end(), [](char ch) { return ch == ' ' || ch == '-'; }, '_');
  return s;
}

/// Per k and method (by slug): accuracy mean and sd, trainable numbers, and the paired
/// difference to full fine-tuning on the same subsets in points (mean, sd, and on how many
/// subsets the method was behind).
inline nlohmann::json by_method(const Comparison& cmp) {
  nlohmann::json j;
  for (const auto& [k, runs] : cmp.runs)
    for (const auto& run : runs) {
      const course::MeanSd a = course::mean_sd(run.accuracy);
      std::vector<double> d;
      for (std::size_t i = 0; i < run.accuracy.size(); ++i)
        d.push_back(100 * (run.accuracy[i] - runs.back().accuracy[i]));
      const course::MeanSd g = course::mean_sd(d);
      j[std::to_string(k)][slug(run.method)] = {
          {"mean", a.mean},
          {"sd", a.sd},
          {"trainable", run.trainable},
          {"gap_mean", g.mean},
          {"gap_sd", g.sd},
          {"gap_min", *std::min_element(d.begin(), d.end())},
          {"gap_max", *std::max_element(d.begin(), d.end())},
          {"subsets_behind", std::count_if(d.begin(), d.end(), [](double x) { return x < 0; })}};
    }
  return j;
}

/// \brief summary.json's chapter fields for the comparison.
inline nlohmann::json summary(const Comparison& cmp, const BestRank& b, const AdapterChecks& checks,
                              const Spectrum& spectrum, const Config& c, arma::uword n_test) {
  nlohmann::json by_k;
  for (const auto& [k, runs] : cmp.runs)
    for (const auto& run : runs) {
      const course::MeanSd a = course::mean_sd(run.accuracy);
      by_k[std::to_string(k)][run.method.name()] = {
          {"trainable", run.trainable}, {"mean", a.mean}, {"sd", a.sd}, {"runs", run.accuracy}};
    }
  nlohmann::json timing = {{"training", cmp.train_seconds}};
  for (const auto& run : cmp.headline(c)) {
    timing["per_run_" + run.method.name()] = run.seconds / double(c.n_seeds);
    timing["per_run"][slug(run.method)] = run.seconds / double(c.n_seeds);
  }
  const mlp::Rates& r = c.rates;
  nlohmann::json best = nullptr;
  if (b.best)
    best = {{"rank", b.best->method.rank},
            {"trainable", b.best->trainable},
            {"accuracy", course::mean_sd(b.best->accuracy).mean},
            {"gap_points", b.gap},
            {"within_1_point", b.gap <= 1.0}};
  return {{"headline", b.headline},
          {"base", std::filesystem::path(c.base).filename().string()},
          {"config",
           {{"k", c.ks},
            {"seeds", c.n_seeds},
            {"ranks", c.ranks},
            {"alpha", r.alpha},
            {"eta_probe", r.probe},
            {"eta_full_head", r.full_head},
            {"eta_full_body", r.full_body},
            {"eta_lora_head", r.lora_head},
            {"eta_lora", r.lora},
            {"batch_size", c.recipe.batch_size},
            {"min_epochs", c.recipe.min_epochs},
            {"min_steps", c.recipe.min_steps}}},
          {"test_images", n_test},
          {"results", by_k},
          {"by_method", by_method(cmp)},
          {"headline_k", c.ks.front()},
          {"full_fine_tune_accuracy", b.full_accuracy},
          {"full_fine_tune_trainable", b.full->trainable},
          {"best_lora_within_10_percent", best},
          {"seed0_checks", to_json(checks)},
          {"full_fine_tune_update_spectrum", to_json(spectrum, c)},
          {"timing_seconds", timing}};
}

/// \brief summary.json's chapter fields for `--load-adapter`.
inline nlohmann::json summary(const AdapterScore& s) {
  return {{"headline", "adapter " + s.adapter + " on " +
                           std::filesystem::path(s.base).filename().string() + ": " +
                           course::percent(s.accuracy) + " on the 5-9 test digits"},
          {"adapter", s.adapter},
          {"base", s.base},
          {"metadata", s.metadata},
          {"test_correct", s.correct},
          {"test_accuracy", s.accuracy}};
}

}  // namespace lora
