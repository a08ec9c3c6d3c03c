/// \file
/// \brief Chapter 08's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "chapters/08_training_deeper/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace training_deeper {

inline void print(const GradientProbe& p) {
  std::cout << "1. Vanishing gradients: ||dL/db|| of each hidden layer at initialization, "
            << join(p.sizes) << ",\n   sigmoid outputs + cross-entropy, averaged over " << p.images
            << " training images, " << p.seeds << " initialization"
            << (p.seeds > 1 ? "s (mean)" : "") << "\n";
  std::printf("   %-36s %10s %10s %10s %10s\n", "", "layer 1", "layer 2", "layer 3", "layer 4");
  for (const auto& c : p.curves)
    std::printf("   %-36s %10.2e %10.2e %10.2e %10.2e\n", c.label.c_str(), c.mean[0], c.mean[1],
                c.mean[2], c.mean[3]);
  const auto& n = p.nielsen_reported;
  std::printf("   %-36s %10.3f %10.3f %10.3f %10.3f\n", "Nielsen's book (sigmoid, network2.py)",
              n[0], n[1], n[2], n[3]);
}

/// "SGD (eta 0.100)", "momentum (eta 0.100, mu 0.90)": a racer's legend entry.
inline std::string legend(const Racer& r, double mu) {
  const bool has_mu = r.name == "momentum" || r.name == "Nesterov";
  return r.name + " (eta " + course::fixed(r.eta, 3) +
         (has_mu ? ", mu " + course::fixed(mu, 2) : "") + ")";
}

inline void print(const Race& race) {
  std::cout << "\n2. Optimizer race: " << join(race.sizes) << " ReLU + softmax, He init, "
            << race.train_size << " images, batch " << race.batch_size << ", " << race.epochs
            << " epochs; the same initial weights and batch order for every optimizer\n";
  for (const auto& r : race.racers) {
    std::cout << "   " << std::left << std::setw(9) << r.name << std::right << " eta "
              << std::setw(6) << r.eta << ": mean training loss per epoch";
    for (double L : r.losses) std::cout << " " << course::fixed(L, 4);
    std::cout << "; test accuracy " << course::percent(r.test_accuracy) << "\n";
  }
}

/// One optimizer's numbers across the seeds of a RaceOverSeeds: final training loss, test
/// accuracy, and on how many seeds its final loss was the lowest of the five.
struct AcrossSeeds {
  std::vector<double> final_loss, test_accuracy;
  int lowest = 0;
};

inline AcrossSeeds across_seeds(const RaceOverSeeds& s, std::size_t racer) {
  AcrossSeeds a;
  for (const Race& race : s.races) {
    const Racer& r = race.racers[racer];
    a.final_loss.push_back(r.losses.back());
    a.test_accuracy.push_back(r.test_accuracy);
    bool lowest = true;
    for (const Racer& other : race.racers)
      lowest = lowest && other.losses.back() >= r.losses.back();
    a.lowest += lowest;
  }
  return a;
}

/// Seed by seed, racer a minus racer b (the same seed gives both the same start).
inline std::pair<std::vector<double>, std::vector<double>> paired_difference(const RaceOverSeeds& s,
                                                                             std::size_t a,
                                                                             std::size_t b) {
  std::vector<double> loss, accuracy;
  for (const Race& race : s.races) {
    loss.push_back(race.racers[a].losses.back() - race.racers[b].losses.back());
    accuracy.push_back(race.racers[a].test_accuracy - race.racers[b].test_accuracy);
  }
  return {loss, accuracy};
}

inline std::string mean_sd(const std::vector<double>& v, int decimals, double scale = 1) {
  const course::MeanSd m = course::mean_sd(v);
  return course::fixed(scale * m.mean, decimals) + " +- " + course::fixed(scale * m.sd, decimals);
}

inline void print(const RaceOverSeeds& s) {
  if (s.races.empty()) return;
  std::cout << "\n2b. The race over seeds: the same race on " << s.train_size << " images, "
            << s.epochs << " epochs, from seeds " << s.seeds.front() << "-" << s.seeds.back()
            << " (mean +- sd over " << s.seeds.size() << " seeds)\n";
  for (std::size_t i = 0; i < s.races.front().racers.size(); ++i) {
    const AcrossSeeds a = across_seeds(s, i);
    std::cout << "   " << std::left << std::setw(9) << s.races.front().racers[i].name << std::right
              << " final training loss " << mean_sd(a.final_loss, 4) << "; test accuracy "
              << mean_sd(a.test_accuracy, 2, 100) << "%; lowest loss on " << a.lowest << " of "
              << s.seeds.size() << " seeds\n";
  }
  const auto [loss, accuracy] = paired_difference(s, 1, 2);
  std::cout << "   momentum - Nesterov, seed by seed: final training loss " << mean_sd(loss, 4)
            << ", test accuracy " << mean_sd(accuracy, 2, 100) << " points\n";
}

inline void print(const Deeper& deeper) {
  std::cout << "   " << deeper.n_params << " parameters. Final test accuracy:";
  for (const auto& r : deeper.runs)
    std::cout << " " << r.schedule << " " << course::percent(r.test_acc.back());
  std::cout << " (target with cosine, --full: >= 98.00%)\n";
}

/// A curve through values numbered from 1 (epochs, layers): x = 1, 2, ...; y = scale * value.
inline course::Series numbered(const std::string& title, const std::vector<double>& values,
                               double scale = 1) {
  course::Series s{title, {}, {}, "linespoints", {}};
  for (std::size_t e = 0; e < values.size(); ++e) {
    s.x.push_back(double(e + 1));
    s.y.push_back(scale * values[e]);
  }
  return s;
}

inline void plot(const GradientProbe& p, const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  for (const auto& c : p.curves) curves.push_back(numbered(c.label, c.mean));
  curves.push_back(
      {"Nielsen's book (his numbers)", {1, 2, 3, 4}, p.nielsen_reported, "points", {}});
  course::PlotOptions o{"Gradient norm per hidden layer at initialization (" + join(p.sizes) + ")",
                        "hidden layer (1 = nearest the input)", "||dL/db|| (log scale)"};
  o.logy = true;
  o.extra = "set xtics 1\nset xrange [0.7:4.3]";
  course::line_plot(common.out("gradient_norms.png"), o, curves);
}

inline void plot(const Race& race, const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  for (const auto& r : race.racers) curves.push_back(numbered(legend(r, race.mu), r.losses));
  course::PlotOptions o{"Optimizer race: " + join(race.sizes) + " ReLU + softmax, same start",
                        "epoch", "mean training loss in the epoch (log scale)"};
  o.logy = true;
  o.extra = "set xtics 1";
  course::line_plot(common.out("optimizer_race.png"), o, curves);
}

/// Test accuracy per epoch of each schedule, and the schedules as functions of the update.
inline void plot(const Deeper& deeper, const Config& c, const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  for (const auto& r : deeper.runs)
    curves.push_back(numbered("Adam, " + r.schedule + " eta", r.test_acc, 100));
  curves.push_back({"98% (the target)", {1, double(c.epochs)}, {98.0, 98.0}, "lines", {}});
  course::line_plot(common.out("deeper_accuracy.png"),
                    {"Deeper net " + join(deeper.sizes) + " ReLU, He init: test accuracy per epoch",
                     "epoch", "test accuracy (%)"},
                    curves);
  course::Series sc{"cosine", {}, {}, "lines", {}},
      ss{"step (x0.1 every T/3)", {}, {}, "lines", {}}, sk{"constant", {}, {}, "lines", {}};
  const arma::uword T = deeper.total_steps, stride = std::max<arma::uword>(1, T / 400);
  for (arma::uword t = 0; t <= T; t = (t == T ? t + 1 : std::min(t + stride, T))) {
    for (auto* s : {&sc, &ss, &sk}) s->x.push_back(double(t));
    sc.y.push_back(deeper.cosine.eta_at(t));
    ss.y.push_back(deeper.step.eta_at(t));
    sk.y.push_back(c.eta);
  }
  course::PlotOptions o{
      "Learning-rate schedules over the " + std::to_string(T) + " updates of the deeper net",
      "update t", "eta_t"};
  o.extra = "set yrange [0:" + std::to_string(1.15 * c.eta) +
            "]\nset xrange [0:" + std::to_string(T) + "]";
  course::line_plot(common.out("schedules.png"), o, {sk, ss, sc});
}

inline nlohmann::json summary(const GradientProbe& p) {
  nlohmann::json configs;
  for (const auto& c : p.curves)
    configs[c.key] = {{"label", c.label},
                      {"mean_db_norm", c.mean},
                      {"min_db_norm", c.lo},
                      {"max_db_norm", c.hi},
                      {"ratio_last_to_first", c.mean.back() / c.mean.front()}};
  return {{"sizes", p.sizes},
          {"images", p.images},
          {"seeds", p.seeds},
          {"measured",
           "||dL/db|| per hidden layer, L = sigmoid cross-entropy averaged over the images"},
          {"configs", configs},
          {"nielsen_reported", p.nielsen_reported}};
}

inline nlohmann::json summary(const Race& race) {
  nlohmann::json optimizers;
  for (const auto& r : race.racers)
    optimizers[r.name] = {
        {"eta", r.eta}, {"loss_per_epoch", r.losses}, {"test_accuracy", r.test_accuracy}};
  optimizers["mu"] = race.mu;
  return {{"sizes", race.sizes},
          {"train_size", race.train_size},
          {"epochs", race.epochs},
          {"batch_size", race.batch_size},
          {"optimizers", optimizers}};
}

inline nlohmann::json summary(const RaceOverSeeds& s) {
  nlohmann::json optimizers = nlohmann::json::object();
  for (std::size_t i = 0; !s.races.empty() && i < s.races.front().racers.size(); ++i) {
    const AcrossSeeds a = across_seeds(s, i);
    const course::MeanSd loss = course::mean_sd(a.final_loss);
    const course::MeanSd acc = course::mean_sd(a.test_accuracy);
    optimizers[s.races.front().racers[i].name] = {
        {"final_loss", a.final_loss},         {"final_loss_mean", loss.mean},
        {"final_loss_sd", loss.sd},           {"test_accuracy", a.test_accuracy},
        {"test_accuracy_mean", acc.mean},     {"test_accuracy_sd", acc.sd},
        {"lowest_final_loss_seeds", a.lowest}};
  }
  nlohmann::json result = {{"seeds", s.seeds},
                           {"train_size", s.train_size},
                           {"epochs", s.epochs},
                           {"optimizers", optimizers}};
  if (!s.races.empty()) {
    const auto [loss, accuracy] = paired_difference(s, 1, 2);
    const course::MeanSd l = course::mean_sd(loss), a = course::mean_sd(accuracy);
    result["momentum_minus_nesterov"] = {
        {"final_loss", loss},        {"final_loss_mean", l.mean},    {"final_loss_sd", l.sd},
        {"test_accuracy", accuracy}, {"test_accuracy_mean", a.mean}, {"test_accuracy_sd", a.sd}};
  }
  return result;
}

inline nlohmann::json summary(const Deeper& deeper, const Config& c) {
  nlohmann::json s = {{"sizes", deeper.sizes},
                      {"parameters", deeper.n_params},
                      {"train_size", c.n_train},
                      {"epochs", c.epochs},
                      {"batch_size", c.batch_size},
                      {"eta", c.eta},
                      {"final_test_accuracy", deeper.headline().test_acc.back()}};
  for (const auto& r : deeper.runs)
    s[r.schedule] = {{"train_loss_per_epoch", r.train_loss},
                     {"test_accuracy_per_epoch", r.test_acc},
                     {"eta_at_epoch_end", r.eta_end},
                     {"final_test_accuracy", r.test_acc.back()},
                     {"test_loss", r.test_loss}};
  return s;
}

/// The chapter's summary.json fields (the scaffold adds chapter, seed, full and the total time).
inline nlohmann::json summary(const GradientProbe& p, const Race& race,
                              const RaceOverSeeds& over_seeds, const Deeper& deeper,
                              const Config& c) {
  const auto& sn = p.curve("sigmoid_nielsen").mean;
  const auto& rh = p.curve("relu_he").mean;
  const std::string headline =
      join(deeper.sizes) + " ReLU, He, Adam + cosine: test " +
      course::percent(deeper.headline().test_acc.back()) + " after " + std::to_string(c.epochs) +
      " epochs on " + std::to_string(c.n_train) + " images; ||dL/db|| layer 1 -> 4: sigmoid " +
      course::fixed(sn[0], 4) + " -> " + course::fixed(sn[3], 3) +
      " (Nielsen 0.003 -> 0.285), ReLU+He " + course::fixed(rh[0], 2) + " -> " +
      course::fixed(rh[3], 2);
  return {{"headline", headline},
          {"gradient_probe", summary(p)},
          {"optimizer_race", summary(race)},
          {"race_over_seeds", summary(over_seeds)},
          {"deeper", summary(deeper, c)},
          {"timing_seconds",
           {{"race", race.seconds},
            {"race_over_seeds", over_seeds.seconds},
            {"deeper_epochs", deeper.epoch_seconds},
            {"deeper_median_epoch", course::median(deeper.epoch_seconds)}}}};
}

}  // namespace training_deeper
