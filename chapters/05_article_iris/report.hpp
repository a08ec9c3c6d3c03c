/// \file
/// \brief Chapter 05's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <cmath>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "chapters/05_article_iris/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace article_iris {

/// A relative error for a table: "1.7e+00"; "-" when there is none.
inline std::string sci(const std::optional<double>& x) {
  if (!x) return "-";
  std::ostringstream s;
  s << std::scientific << std::setprecision(1) << *x;
  return s.str();
}

/// A name padded to a column.
inline std::string pad(const std::string& s, std::size_t width) {
  return s + std::string(width > s.size() ? width - s.size() : 1, ' ');
}

/// \brief Print the split and the six stages: test count (or "stops"), the gradient check, and
/// for a stage that stops, the one-line error last, so the line ends with Python's words.
inline void print(const IrisData& d, const StageTable& t, const Config& c) {
  std::cout << "Split: train_test_split(test_size=0.2, random_state=" << c.split_seed
            << "): " << d.split.train.n_elem << " train, " << d.split.test.n_elem
            << " test; test indices";
  for (arma::uword i : d.split.test) std::cout << " " << i;
  std::cout << "\nThe listing, fixed one bug at a time (np.random.seed(" << t.seed << "), eta "
            << c.eta << ", tuned eta " << c.tuned_eta << ", " << c.epochs << " epochs):\n  "
            << pad("stage", 32) << pad("test", 8) << pad("gradient check", 16)
            << "mean hidden activation / Python's error\n";
  for (std::size_t k = 0; k < t.stages.size(); ++k) {
    const StageRun& r = t.runs[k];
    const std::string test =
        r.stopped ? "stops"
                  : std::to_string(r.test_correct) + "/" + std::to_string(d.y_test.n_elem);
    const std::string last = r.stopped ? r.error
                                       : course::fixed(r.hidden_mean.front(), 3) + " -> " +
                                             course::fixed(r.hidden_mean.back(), 3);
    std::cout << "  " << pad(t.stages[k].title, 32) << pad(test, 8) << pad(sci(r.grad_rel), 16)
              << last << "\n";
  }
}

/// \brief Print the seed study: per stage, the distribution of the test count and the range of
/// the gradient-check error.
inline void print(const SeedStudy& st, const Config& c) {
  std::cout << "Weight seeds 0.." << c.n_seeds - 1
            << " (test flowers right of 30: mean, sd, min, 10%, median, 90%, max; gradient check "
               "min .. max):\n";
  for (std::size_t k = 0; k < st.stages.size(); ++k) {
    const Distribution a = distribution(st.test_correct[k]);
    const Distribution g = distribution(st.grad_rel[k]);
    std::cout << "  " << pad(st.stages[k].title, 32) << course::fixed(a.mean, 1) << "  "
              << course::fixed(a.sd, 1) << "  " << a.min << " " << a.q10 << " " << a.median << " "
              << a.q90 << " " << a.max << "   " << sci(g.min) << " .. " << sci(g.max) << "\n";
  }
}

/// \brief Print the learning-rate sweep.
inline void print(const LrSweep& sw, const Config& c) {
  std::cout << "Learning rate (" << c.epochs
            << " epochs), test right: linear output + squared error | softmax + cross-entropy\n";
  for (std::size_t i = 0; i < sw.etas.size(); ++i)
    std::cout << "  eta " << pad(course::fixed(sw.etas[i], 2), 6) << std::setw(4) << sw.linear[i]
              << "/30 | " << std::setw(2) << sw.softmax[i] << "/30\n";
}

/// \brief The seed study's two plots: the share of seeds reaching each test count, per stage,
/// and the gradient-check error per seed and stage.
inline void plot_seed_study(const SeedStudy& st, const Config& c,
                            const course::CommonOptions& common) {
  const std::string seeds = "weight seeds 0.." + std::to_string(c.n_seeds - 1);
  std::vector<course::Series> share, grad;
  for (std::size_t k = 0; k < st.stages.size(); ++k) {
    // The share of seeds with at least n right: one curve per stage, none hides another.
    const std::vector<double>& v = st.test_correct[k];
    course::Series h{st.stages[k].title, {}, {}, "linespoints pt 7 ps 0.5", {}};
    for (int n = 0; n <= 30; ++n) {
      const auto at_least = std::count_if(v.begin(), v.end(), [n](double x) { return x >= n; });
      h.x.push_back(n);
      h.y.push_back(100.0 * static_cast<double>(at_least) / static_cast<double>(v.size()));
    }
    share.push_back(h);
    if (st.stages[k].key == "fixed_tuned_rate") continue;  // the same gradient as all fixed
    course::Series g{st.stages[k].title, {}, st.grad_rel[k], "points pt 7 ps 0.6", {}};
    for (std::size_t s = 0; s < g.y.size(); ++s) g.x.push_back(static_cast<double>(s));
    grad.push_back(g);
  }
  course::PlotOptions oh{"Share of " + seeds + " with at least n test flowers right",
                         "n, test flowers right (of 30)", "% of seeds"};
  oh.extra =
      "set xrange [0:30]\nset yrange [0:102]\nset xtics 2\n"
      "set key inside left bottom vertical";
  course::line_plot(common.out("accuracy_over_seeds.png"), oh, share);

  course::PlotOptions og{"Gradient check at the initial weights, " + seeds,
                         "weight seed (np.random.seed)", "largest relative error (43 parameters)"};
  og.logy = true;
  og.extra =
      "set yrange [1e-13:100]\nset format y '%.0e'\nset key inside right center vertical\n"
      "set arrow from graph 0, first 1e-7 to graph 1, first 1e-7 nohead dt 2 lc 'gray30'\n"
      "set arrow from graph 0, first 0.1 to graph 1, first 0.1 nohead dt 2 lc 'gray30'\n"
      "set label 1 'broken above 0.1' at graph 0.02, first 0.03\n"
      "set label 2 'right below 1e-7' at graph 0.02, first 3e-7";
  course::line_plot(common.out("gradient_check.png"), og, grad);
}

/// \brief The chosen seed's two plots: test count per epoch for the stages that run, and the
/// test count after training against the learning rate.
inline void plot_chosen_seed(const StageTable& t, const LrSweep& sw, const Config& c,
                             const course::CommonOptions& common) {
  const std::string seed = "np.random.seed(" + std::to_string(t.seed) + ")";
  std::vector<course::Series> curves;
  for (std::size_t k = 0; k < t.stages.size(); ++k) {
    if (t.runs[k].stopped) continue;
    course::Series s{t.stages[k].title, {}, t.runs[k].test_curve, "lines", {}};
    for (std::size_t e = 0; e < s.y.size(); ++e) s.x.push_back(static_cast<double>(e));
    curves.push_back(s);
  }
  course::PlotOptions oc{"Test flowers right per epoch, " + seed, "epoch",
                         "test flowers right (of 30)"};
  oc.extra = "set yrange [0:31]\nset key inside right bottom vertical";
  course::line_plot(common.out("test_accuracy.png"), oc, curves);

  const course::Series lin{
      "linear output, squared error (the listing)", sw.etas, sw.linear, "linespoints", {}};
  const course::Series soft{
      "softmax output, cross-entropy (tuned)", sw.etas, sw.softmax, "linespoints", {}};
  course::PlotOptions os{
      "Test flowers right after " + std::to_string(c.epochs) + " epochs, " + seed, "learning rate",
      "test flowers right (of 30)"};
  os.logx = true;
  os.extra = "set yrange [0:31]\nset key inside right bottom vertical";
  course::line_plot(common.out("lr_sweep.png"), os, {lin, soft});
}

/// \brief All four plots (PNG + CSV in the output folder).
inline void plot(const StageTable& t, const SeedStudy& st, const LrSweep& sw, const Config& c,
                 const course::CommonOptions& common) {
  plot_chosen_seed(t, sw, c, common);
  plot_seed_study(st, c, common);
}

/// \brief A distribution as JSON, with the histogram of counts 0..30 when `counts` is set.
inline nlohmann::json to_json(const std::vector<double>& v, bool counts) {
  const Distribution a = distribution(v);
  nlohmann::json j = {{"mean", a.mean}, {"sd", a.sd},   {"min", a.min},
                      {"q10", a.q10},   {"q25", a.q25}, {"median", a.median},
                      {"q75", a.q75},   {"q90", a.q90}, {"max", a.max}};
  if (counts) {
    std::vector<int> histogram(31, 0);
    for (double x : v) ++histogram[static_cast<std::size_t>(x)];
    j["histogram_0_to_30"] = histogram;
  }
  return j;
}

/// \brief summary.json: the chosen seed's stages, the per-seed distributions, the sweep.
inline nlohmann::json summary(const IrisData& d, const StageTable& t, const SeedStudy& st,
                              const LrSweep& sw, const Config& c) {
  nlohmann::json stage_rows = nlohmann::json::array();
  for (std::size_t k = 0; k < t.stages.size(); ++k) {
    const StageRun& r = t.runs[k];
    stage_rows.push_back(
        {{"stage", t.stages[k].key},
         {"title", t.stages[k].title},
         {"stops", r.stopped},
         {"error", r.stopped ? nlohmann::json(r.error) : nlohmann::json()},
         {"test_correct", r.stopped ? nlohmann::json() : nlohmann::json(r.test_correct)},
         {"gradient_check_rel", r.grad_rel ? nlohmann::json(*r.grad_rel) : nlohmann::json()},
         {"mean_hidden_activation", r.stopped ? nlohmann::json()
                                              : nlohmann::json{{"start", r.hidden_mean.front()},
                                                               {"end", r.hidden_mean.back()}}}});
  }
  nlohmann::json per_seed;
  for (std::size_t k = 0; k < st.stages.size(); ++k)
    per_seed[st.stages[k].key] = {{"test_correct", to_json(st.test_correct[k], true)},
                                  {"gradient_check_rel", to_json(st.grad_rel[k], false)}};
  const auto mean = [&](std::size_t k) {
    return course::fixed(distribution(st.test_correct[k]).mean, 1);
  };
  const std::string headline = "seed " + std::to_string(t.seed) + ": as printed stops; all fixed " +
                               std::to_string(t.runs[4].test_correct) + "/30, tuned " +
                               std::to_string(t.runs[5].test_correct) + "/30; mean over " +
                               std::to_string(c.n_seeds) + " seeds: chain rule broken " + mean(0) +
                               ", all fixed " + mean(1) + ", tuned " + mean(2);
  return {{"headline", headline},
          {"config",
           {{"weight_seed", t.seed},
            {"split_seed", c.split_seed},
            {"eta", c.eta},
            {"tuned_eta", c.tuned_eta},
            {"epochs", c.epochs},
            {"hidden", c.n_hidden},
            {"weight_seeds", c.n_seeds}}},
          {"split_test_indices", arma::conv_to<std::vector<arma::uword>>::from(d.split.test)},
          {"stages", stage_rows},
          {"per_seed", per_seed},
          {"lr_sweep",
           {{"eta", sw.etas},
            {"linear_test_correct", sw.linear},
            {"softmax_test_correct", sw.softmax}}}};
}

}  // namespace article_iris
