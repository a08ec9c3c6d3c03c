/// \file
/// \brief Chapter 12's report: the tables (one per k), the headline, the two plots (PNG + CSV)
/// and summary.json's fields.
///
/// What it leaves out on purpose: any computing of results (that is experiments.hpp's).
#pragma once

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/12_fine_tuning/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace fine_tuning {

/// "92.20 +- 0.51": a mean and sd of accuracies, in percent.
inline std::string percent_mean_sd(const course::MeanSd& a) {
  return course::fixed(100 * a.mean, 2) + " +- " + course::fixed(100 * a.sd, 2);
}

/// The recipe every method shares.
inline void print(const mlp::FewShotRecipe& r) {
  std::cout << "Recipe (all methods): Adam, new layers eta " << r.eta << " cosine to 0, batch "
            << r.batch_size << ", max(" << r.min_epochs << " epochs, " << r.min_steps
            << " updates); fine-tune body eta x " << r.body_factor << "; discriminative: / "
            << r.layer_factor << " per layer down\n";
}

/// The untouched body's accuracy.
inline void print_untouched(const std::vector<double>& untouched) {
  std::cout << "Untouched body + random head: " << percent_mean_sd(course::mean_sd(untouched))
            << "% (chance: 20%)\n";
}

/// One table per k: each method's accuracy and its gain over scratch on the same subsets.
inline void print(const TaskRuns& r, const Config& c) {
  for (const arma::uword k : r.ks) {
    std::cout << "  k = " << k << " per class (" << k * r.n_classes << " images, "
              << c.recipe.epochs(k * r.n_classes) << " epochs), " << c.scored_on()
              << " accuracy %, mean +- sd over " << c.n_seeds << " seed"
              << (c.n_seeds > 1 ? "s" : "") << "; gain = minus scratch on the same subset:\n";
    for (const Method method : mlp::all_methods()) {
      const std::string name = mlp::method_name(method);
      std::cout << "    " << name << std::string(20 - name.size(), ' ')
                << percent_mean_sd(course::mean_sd(r.accuracy.at(method).at(k)));
      if (method != Method::Scratch) {
        const course::MeanSd g = gain_over_scratch(r, method, k);
        std::cout << "   gain " << (g.mean >= 0 ? "+" : "") << course::fixed(g.mean, 2) << " +- "
                  << course::fixed(g.sd, 2);
      }
      std::cout << "\n";
    }
  }
}

/// The numbers the headline quotes.
struct Headline {
  arma::uword k = 0;                         ///< k = 100 when it was run, else the largest k
  course::MeanSd fine_tune, scratch, probe;  ///< digits 5-9 at that k
  std::string text;                          ///< the headline itself
};

/// \brief The headline: digits 5-9 at k = 100 (or the largest k), and Fashion-MNIST when run.
inline Headline headline(const TaskRuns& digits, const TaskRuns& fashion, const Config& c) {
  Headline h;
  h.k = std::count(c.ks.begin(), c.ks.end(), 100) ? 100 : c.ks.back();
  h.fine_tune = course::mean_sd(digits.accuracy.at(Method::FineTune).at(h.k));
  h.scratch = course::mean_sd(digits.accuracy.at(Method::Scratch).at(h.k));
  h.probe = course::mean_sd(digits.accuracy.at(Method::LinearProbe).at(h.k));
  h.text = std::string(c.validate ? "VALIDATION " : "") + "digits 5-9, k = " + std::to_string(h.k) +
           ": fine-tune " + course::percent(h.fine_tune.mean) + " vs scratch " +
           course::percent(h.scratch.mean) + " (linear probe " + course::percent(h.probe.mean) +
           ")";
  if (c.fashion_k > 0) {
    const auto& f = fashion.accuracy;
    h.text += "; Fashion k = " + std::to_string(c.fashion_k) + ": " +
              course::percent(course::mean_sd(f.at(Method::FineTune).at(c.fashion_k)).mean) +
              " vs " + course::percent(course::mean_sd(f.at(Method::Scratch).at(c.fashion_k)).mean);
  }
  std::cout << h.text << "\n";
  return h;
}

/// One curve per method: mean accuracy (%) against k, error bars one sd.
inline std::vector<course::Series> curves(const TaskRuns& r) {
  std::vector<course::Series> series;
  for (const auto& [method, by_k] : r.accuracy) {
    course::Series s{mlp::method_name(method), {}, {}, "yerrorlines", {}};
    for (const arma::uword k : r.ks) {
      const course::MeanSd a = course::mean_sd(by_k.at(k));
      s.x.push_back(double(k));
      s.y.push_back(100 * a.mean);
      s.err.push_back(100 * a.sd);
    }
    series.push_back(s);
  }
  return series;
}

/// Each method's gain over scratch at one k, as bars with error bars: one group of bars per
/// method (linear probe at x = 1 ...), this k's bar at offset `shift` inside the group.
inline course::Series gain_bars(const TaskRuns& r, arma::uword k, const std::string& title,
                                double shift) {
  course::Series s{title, {}, {}, "boxerrorbars", {}};
  const auto& methods = mlp::all_methods();
  for (std::size_t m = 1; m < methods.size(); ++m) {
    const course::MeanSd d = gain_over_scratch(r, methods[m], k);
    s.x.push_back(double(m) + shift);
    s.y.push_back(d.mean);
    s.err.push_back(d.sd);
  }
  return s;
}

/// \brief Accuracy against k per method; what the body adds over scratch, digits and Fashion.
inline void plot(const TaskRuns& digits, const TaskRuns& fashion, const Config& c,
                 const course::CommonOptions& common) {
  std::string tics;
  for (const arma::uword k : c.ks) tics += (tics.empty() ? "" : ", ") + std::to_string(k);
  course::PlotOptions o{"Digits 5-9 from k labels per class (body pretrained on 0-4; mean +- sd, " +
                            std::to_string(c.n_seeds) + " seed" + (c.n_seeds > 1 ? "s" : "") + ")",
                        "labelled training images per class (k)",
                        "test accuracy on 4,861 digits 5-9 (%)"};
  o.logx = true;
  o.extra = "set xtics (" + tics + ")\nset xrange [" + std::to_string(c.ks.front() * 0.8) + ":" +
            std::to_string(c.ks.back() * 1.25) + "]";
  course::line_plot(common.out("accuracy_vs_k.png"), o, curves(digits));

  course::PlotOptions g{
      "What the body pretrained on digits 0-4 adds (accuracy minus scratch's, same subsets; "
      "mean +- sd)",
      "", "gain over training from scratch (points)"};
  const std::size_t n_bars = c.ks.size() + (c.fashion_k > 0 ? 1 : 0);
  const double width = 0.8 / double(n_bars);  // the bars of one method fill 0.8 of its slot
  g.extra =
      "set xtics ('linear probe' 1, 'fine-tune' 2, 'discriminative lrs' 3, 'gradual "
      "unfreezing' 4)\nset xrange [0.5:4.5]\nset xzeroaxis lt -1\nset grid noxtics\n"
      "set boxwidth " +
      std::to_string(width) +
      " absolute\nset style fill solid 0.7 border -1\nset errorbars lw 1 lc rgb 'black'\n"
      "set key inside bottom left";
  std::vector<course::Series> gains;
  auto shift = [&](std::size_t i) { return (double(i) - 0.5 * double(n_bars - 1)) * width; };
  for (std::size_t i = 0; i < c.ks.size(); ++i)
    gains.push_back(
        gain_bars(digits, c.ks[i], "digits 5-9, k = " + std::to_string(c.ks[i]), shift(i)));
  if (c.fashion_k > 0)
    gains.push_back(gain_bars(fashion, c.fashion_k,
                              "Fashion-MNIST, k = " + std::to_string(c.fashion_k),
                              shift(n_bars - 1)));
  course::line_plot(common.out("transfer_gain.png"), g, gains);
}

/// The results as JSON: {"scratch": {"10": {"mean": .., "sd": .., "runs": [..]}, ...}, ...}.
inline nlohmann::json to_json(const TaskRuns& r) {
  nlohmann::json j;
  for (const auto& [method, by_k] : r.accuracy)
    for (const auto& [k, runs] : by_k) {
      const course::MeanSd a = course::mean_sd(runs);
      j[mlp::method_name(method)][std::to_string(k)] = {
          {"mean", a.mean}, {"sd", a.sd}, {"runs", runs}};
    }
  return j;
}

/// The results by method name without spaces ("linear_probe"), the form the lessons' number
/// markers can address: {"fine_tune": {"100": {"mean": .., "sd": .., "gain_mean": ..,
/// "gain_sd": .., "subsets_ahead_of_scratch": ..}}} with accuracies as fractions and gains over
/// scratch in points.
inline nlohmann::json by_method(const TaskRuns& r) {
  nlohmann::json j;
  for (const auto& [method, by_k] : r.accuracy) {
    std::string slug = mlp::method_name(method);
    std::replace_if(
        slug.begin(), slug.end(), [](char ch) { return ch == ' ' || ch == '-'; }, '_');
    for (const auto& [k, runs] : by_k) {
      const course::MeanSd a = course::mean_sd(runs);
      nlohmann::json& e = j[slug][std::to_string(k)];
      e = {{"mean", a.mean}, {"sd", a.sd}};
      if (method != Method::Scratch) {
        const course::MeanSd g = gain_over_scratch(r, method, k);
        const auto& a = r.accuracy.at(method).at(k);
        const auto& b = r.accuracy.at(Method::Scratch).at(k);
        std::size_t ahead = 0;  // subsets on which the method beat scratch
        for (std::size_t i = 0; i < a.size(); ++i) ahead += a[i] > b[i];
        e["gain_mean"] = g.mean;
        e["gain_sd"] = g.sd;
        e["subsets_ahead_of_scratch"] = ahead;
      }
    }
  }
  return j;
}

/// Discriminative rates minus plain fine-tuning on the same subsets, per k: {"100": {"mean",
/// "sd" (points), "subsets_ahead"}}; the two differ only in the rates of the body's layers.
inline nlohmann::json discriminative_vs_fine_tune(const TaskRuns& r) {
  nlohmann::json j;
  for (const arma::uword k : r.ks) {
    const auto& a = r.accuracy.at(Method::Discriminative).at(k);
    const auto& b = r.accuracy.at(Method::FineTune).at(k);
    std::vector<double> d;
    for (std::size_t i = 0; i < a.size(); ++i) d.push_back(100 * (a[i] - b[i]));
    const course::MeanSd m = course::mean_sd(d);
    j[std::to_string(k)] = {
        {"mean", m.mean},
        {"sd", m.sd},
        {"subsets_ahead", std::count_if(d.begin(), d.end(), [](double x) { return x > 0; })}};
  }
  return j;
}

/// Everything the experiments found, for the summary.
struct Results {
  mlp::TransferNet<float> body;     ///< the pretrained body with a probe head
  std::vector<double> untouched{};  ///< the untouched body with a random head, per seed
  TaskRuns digits{}, fashion{};     ///< the few-shot runs (fashion: empty when skipped)
  std::size_t test_images = 0;      ///< digits 5-9 scored on
};

/// \brief summary.json's chapter fields.
inline nlohmann::json summary(Results& r, const Headline& h, const Config& c) {
  const mlp::FewShotRecipe& p = c.recipe;
  nlohmann::json s = {{"headline", h.text},
                      {"pretrained",
                       {{"file", mlp::checkpoint_name(c.pretrained)},
                        {"body", r.body.layers},
                        {"activations_from", r.body.activations_from},
                        {"dropped_head", r.body.dropped},
                        {"architecture", mlp::architecture(r.body.net)}}},
                      {"config",
                       {{"k", c.ks},
                        {"seeds", c.n_seeds},
                        {"eta", p.eta},
                        {"body_factor", p.body_factor},
                        {"layer_factor", p.layer_factor},
                        {"batch_size", p.batch_size},
                        {"min_epochs", p.min_epochs},
                        {"min_steps", p.min_steps},
                        {"fashion_k", c.fashion_k}}},
                      {"untouched_body_random_head",
                       {{"mean", course::mean_sd(r.untouched).mean}, {"runs", r.untouched}}},
                      {"digits_5_9", to_json(r.digits)},
                      {"test_images", r.test_images},
                      {"headline_k", h.k},
                      {"fine_tune_at_headline_k", h.fine_tune.mean},
                      {"scratch_at_headline_k", h.scratch.mean},
                      {"timing_seconds",
                       {{"digits_runs", r.digits.seconds},
                        {"fashion_runs", r.fashion.seconds},
                        {"training_only", r.digits.train_seconds + r.fashion.train_seconds}}}};
  s["by_method"]["digits_5_9"] = by_method(r.digits);
  s["discriminative_vs_fine_tune"] = discriminative_vs_fine_tune(r.digits);
  s["untouched_body_random_head"]["sd"] = course::mean_sd(r.untouched).sd;
  if (c.fashion_k > 0) {
    s["fashion"] = to_json(r.fashion);
    s["by_method"]["fashion"] = by_method(r.fashion);
  }
  return s;
}

}  // namespace fine_tuning
