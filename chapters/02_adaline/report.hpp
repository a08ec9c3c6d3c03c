/// \file
/// \brief Chapter 02's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/02_adaline/experiments.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace adaline {

/// A loss gap for printing: below 1e-15 it is rounding, not a distance.
inline std::string gap_str(double gap) {
  return gap < 1e-15 ? "0 (to machine precision)" : course::scientific(gap);
}

inline std::vector<double> to_std(const arma::vec& v) {
  return arma::conv_to<std::vector<double>>::from(v);
}

/// \brief Print the least-squares answer and the curvature of the raw problem.
inline void print(const Reference& r) {
  std::cout << "Iris, 150 flowers: petal width (cm) from sepal length, sepal width, petal "
               "length (cm)\n"
            << "Least squares (LAPACK): w* = "
            << course::fixed_list(arma::vec(r.theta_star.head(3)), 4)
            << ", b* = " << course::fixed(r.theta_star[3], 4)
            << ", L* = " << course::fixed(r.L_star, 6) << " (RMSE "
            << course::fixed(std::sqrt(2 * r.L_star), 3) << " cm)\n"
            << "Hessian H = X~ X~^T / n, eigenvalues (LAPACK): "
            << course::fixed_list(r.S.lambda, 4) << "\n"
            << "  condition number " << course::fixed(r.S.condition(), 0)
            << ", learning-rate limit 2/lambda_max = " << course::fixed(r.S.eta_limit(), 5) << "\n";
}

/// \brief Print the runs below, near and above the limit.
inline void print(const std::vector<RateRun>& runs, const Config& c) {
  std::cout << "Batch gradient descent, " << c.steps << " steps from w = 0, b = 0:\n";
  for (const RateRun& r : runs)
    std::cout << "  " << r.name << ": eta = " << course::fixed(r.factor, 2)
              << " x limit = " << course::fixed(r.eta, 5)
              << ", |1 - eta lambda_max| = " << course::fixed(r.rho, 2)
              << ": L = " << course::scientific(r.h.loss.back(), 3)
              << (r.rho < 1 ? " (converging)" : " (diverging)") << "\n";
}

/// \brief Print the runs to convergence, raw and standardized.
inline void print(const Convergence& r, const Reference& ref, const Config& c) {
  std::cout << "To convergence (|gradient| <= " << course::scientific(c.tol, 1)
            << "), eta = 1/lambda_max, from zero:\n"
            << "  raw features:          condition " << course::fixed(ref.S.condition(), 1) << ", "
            << r.raw.steps << " steps, max |theta - theta*| = " << course::scientific(r.err_raw)
            << "\n"
            << "  standardized features: condition " << course::fixed(ref.Ss.condition(), 1) << ", "
            << r.standardized.steps
            << " steps, max |theta - theta*| = " << course::scientific(r.err_std) << "\n"
            << "  standardized answer in cm: w = " << course::fixed_list(r.w_back, 4)
            << ", b = " << course::fixed(r.b_back, 4) << " (max difference to LAPACK's "
            << course::scientific(r.err_back) << ")\n";
}

/// \brief Print whether the sweep agrees with the limit.
inline void print(const Sweep& s, const Config& c) {
  std::cout << "Sweep of " << c.sweep << " learning rates (standardized): GD reaches 1e-6 "
            << "exactly where all |1 - eta lambda_i| < 1: " << (s.agrees ? "yes" : "NO") << "\n";
}

/// \brief Print the delta rule's distance to the minimum, and batch GD's.
inline void print(const DeltaRule& r, const Config& c) {
  std::cout << "Delta rule (one example per update, standardized features), " << c.epochs
            << " epochs:\n"
            << "  eta = " << c.sgd_eta << ":  L - L* = " << course::scientific(r.gap.back())
            << ", max |theta - theta*| = " << course::scientific(r.err) << "\n"
            << "  eta = " << c.sgd_eta / 10.0
            << ": L - L* = " << course::scientific(r.gap_small.back())
            << ", max |theta - theta*| = " << course::scientific(r.err_small) << "\n"
            << "  batch GD, 1 step per epoch: L - L* = " << gap_str(r.batch.loss.back() - r.L_star)
            << "; one example's limit 2/max ||x~||^2 = " << course::fixed(r.example_limit, 3)
            << "\n";
}

/// \brief Print where the two-weight paths ended.
inline void print(const std::vector<Path2>& paths, const Config& c) {
  for (const Path2& p : paths)
    std::cout << "Two weights (w, b), petal width from " << p.which << " petal length: condition "
              << course::fixed(p.S.condition(), 1) << "; after " << c.path_steps
              << " steps max |theta - theta*| = " << course::scientific(p.err_slow)
              << " (eta = 0.5 x limit), " << course::scientific(p.err_fast) << " (0.9 x limit)\n";
}

/// A loss curve L_k - L* (k = 0, 1, ...) as a series; stops where it leaves [floor, ceiling].
inline course::Series gap_curve(const std::string& title, const std::vector<double>& loss,
                                double L_star, double ceiling = 1e6) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t k = 0; k < loss.size(); ++k) {
    const double gap = loss[k] - L_star;
    if (!(gap > 1e-16)) break;  // at machine precision: the rest is rounding noise
    s.x.push_back(static_cast<double>(k));
    s.y.push_back(gap);
    if (gap > ceiling) break;  // diverged far enough to be clear
  }
  return s;
}

/// \brief The loss gap per step below, near and above the limit (learning_rates.png).
inline void plot(const std::vector<RateRun>& runs, const Reference& ref,
                 const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  for (const RateRun& r : runs)
    curves.push_back(gap_curve(r.name + ": eta = " + course::fixed(r.factor, 2) + " x 2/lambda_max",
                               r.h.loss, ref.L_star));
  course::PlotOptions o{
      "Batch GD on raw features: loss gap per step, eta below / near / above "
      "2/lambda_max = " +
          course::fixed(ref.S.eta_limit(), 4),
      "step", "L - L*"};
  o.logy = true;
  course::line_plot(common.out("learning_rates.png"), o, curves);
}

/// \brief Raw vs standardized features to convergence (raw_vs_standardized.png, log-log).
inline void plot(const Convergence& r, const Reference& ref, const course::CommonOptions& common) {
  course::PlotOptions o{"Raw vs standardized features: GD with eta = 1/lambda_max", "step",
                        "L - L*"};
  o.logx = o.logy = true;
  course::Series g_raw = gap_curve("raw (condition " + course::fixed(ref.S.condition(), 0) + ")",
                                   r.raw.loss, ref.L_star);
  course::Series g_std =
      gap_curve("standardized (condition " + course::fixed(ref.Ss.condition(), 1) + ")",
                r.standardized.loss, ref.L_star_s);
  for (auto* s : {&g_raw, &g_std}) {  // a log x axis starts at step 1
    s->x.erase(s->x.begin());
    s->y.erase(s->y.begin());
  }
  course::line_plot(common.out("raw_vs_standardized.png"), o, {g_raw, g_std});
}

/// \brief Steps to converge against the learning rate, measured and predicted (lr_sweep.png).
inline void plot(const Sweep& s, const course::CommonOptions& common) {
  course::Series measured{"measured (run GD)", {}, {}, "points", {}};
  course::Series predicted{"predicted from the eigenvalues", {}, {}, "lines", {}};
  course::Series diverged{"diverged (drawn at the top)", {}, {}, "points", {}};
  for (const SweepPoint& p : s.points) {
    if (p.converged) {
      measured.x.push_back(p.factor);
      measured.y.push_back(static_cast<double>(p.measured));
    } else {
      diverged.x.push_back(p.factor);
    }
    if (std::isfinite(p.predicted)) {
      predicted.x.push_back(p.factor);
      predicted.y.push_back(p.predicted);
    }
  }
  course::PlotOptions o{"Steps to come within 1e-6 of theta* (standardized features)",
                        "eta / (2/lambda_max)", "steps"};
  o.logy = true;
  o.extra =
      "set xrange [0:1.25]\n"
      "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb '#555555'\n"
      "set label '2/lambda_max: beyond it GD diverges' at 0.98, graph 0.93 right font ',9'";
  const double top = 2.0 * *std::max_element(measured.y.begin(), measured.y.end());
  diverged.y.assign(diverged.x.size(), top);
  course::line_plot(common.out("lr_sweep.png"), o, {predicted, measured, diverged});
}

/// \brief The delta rule at two learning rates against batch GD, per epoch (delta_rule.png).
inline void plot(const DeltaRule& r, const Config& c, const course::CommonOptions& common) {
  course::PlotOptions o{"Delta rule (per example) vs batch GD, standardized features", "epoch",
                        "L - L*"};
  o.logy = true;
  course::Series d1{"delta rule, eta = " + course::fixed(c.sgd_eta, 3), {}, {}, "lines", {}};
  course::Series d2{"delta rule, eta = " + course::fixed(c.sgd_eta / 10, 4), {}, {}, "lines", {}};
  for (std::size_t e = 0; e < r.gap.size(); ++e) {
    d1.x.push_back(e), d1.y.push_back(std::max(r.gap[e], 1e-16));
    d2.x.push_back(e), d2.y.push_back(std::max(r.gap_small[e], 1e-16));
  }
  course::Series gb =
      gap_curve("batch GD, eta = 1/lambda_max (1 step per epoch)", r.batch.loss, r.L_star);
  course::line_plot(common.out("delta_rule.png"), o, {d1, d2, gb});
}

/// Several ellipses of constant loss as one series, the curves separated by NaN (gnuplot breaks
/// a line at an undefined point, so they share one colour and one legend entry).
inline course::Series contour_series(const Spectrum& s2, const arma::vec& theta_star,
                                     const std::vector<double>& heights) {
  course::Series c{"loss contours (L - L* = c, 4c, 16c, ...)", {}, {}, "lines", {}};
  for (double h : heights) {
    const arma::mat curve = iso_loss_ellipse(s2, theta_star, h);
    for (arma::uword j = 0; j < curve.n_cols; ++j) {
      c.x.push_back(curve(0, j));
      c.y.push_back(curve(1, j));
    }
    c.x.push_back(std::numeric_limits<double>::quiet_NaN());
    c.y.push_back(std::numeric_limits<double>::quiet_NaN());
  }
  return c;
}

/// The GD path (theta after each step) as a series.
inline course::Series path_series(const std::string& title, const History& h) {
  course::Series s{title, {}, {}, "linespoints", {}};
  for (const arma::vec& th : h.path) {
    s.x.push_back(th[0]);
    s.y.push_back(th[1]);
  }
  return s;
}

/// \brief The two GD paths on the loss contours, one plot per problem (contour_raw.png,
/// contour_standardized.png).
inline void plot(const std::vector<Path2>& paths, const Config& c,
                 const course::CommonOptions& common) {
  for (const Path2& p : paths) {
    // Contours from the start's height L(0) - L* down by factors of 4.
    std::vector<double> heights;
    for (double h = p.slow.loss.front() - p.L_star; heights.size() < 10; h /= 4.0)
      heights.push_back(h);
    // The window: the paths and the minimum, with a margin; equal scales on both axes.
    arma::mat pts(2, p.slow.path.size() + p.fast.path.size());
    for (std::size_t k = 0; k < p.slow.path.size(); ++k) pts.col(k) = p.slow.path[k];
    for (std::size_t k = 0; k < p.fast.path.size(); ++k)
      pts.col(p.slow.path.size() + k) = p.fast.path[k];
    const arma::vec lo = arma::min(pts, 1), hi = arma::max(pts, 1);
    const arma::vec margin = 0.12 * arma::vec{arma::max(hi - lo), arma::max(hi - lo)};
    course::Series star{"theta* (LAPACK)", {p.theta_star[0]}, {p.theta_star[1]}, "points", {}};
    course::PlotOptions o{"GD on the loss contours, " + p.which + " petal length (condition " +
                              course::fixed(p.S.condition(), 0) + ", " +
                              std::to_string(c.path_steps) + " steps)",
                          "w (weight of petal length)", "b (bias)"};
    o.width = 720;
    o.height = 560;
    o.extra = "set size ratio -1\nset xrange [" + std::to_string(lo[0] - margin[0]) + ":" +
              std::to_string(hi[0] + margin[0]) + "]\nset yrange [" +
              std::to_string(lo[1] - margin[1]) + ":" + std::to_string(hi[1] + margin[1]) + "]";
    course::line_plot(common.out("contour_" + p.which + ".png"), o,
                      {contour_series(p.S, p.theta_star, heights),
                       path_series("GD, eta = 0.9 x 2/lambda_max", p.fast),
                       path_series("GD, eta = 0.5 x 2/lambda_max", p.slow), star});
  }
}

/// \brief The runs below, near and above the limit, as JSON.
inline nlohmann::json rates_json(const std::vector<RateRun>& runs) {
  nlohmann::json rates = nlohmann::json::array();
  for (const RateRun& r : runs)
    rates.push_back({{"name", r.name},
                     {"factor_of_limit", r.factor},
                     {"eta", r.eta},
                     {"factor_per_step_lambda_max", r.rho},
                     {"final_loss", r.h.loss.back()},
                     {"diverged", r.h.loss.back() > r.h.loss.front()}});
  return rates;
}

/// \brief The sweep as JSON: steps measured and predicted per learning rate (null: none).
inline nlohmann::json sweep_json(const Sweep& sweep, const Config& c) {
  nlohmann::json points = nlohmann::json::array();
  for (const SweepPoint& p : sweep.points)
    points.push_back(
        {{"factor_of_limit", p.factor},
         {"steps_measured", p.converged ? nlohmann::json(p.measured) : nullptr},
         {"steps_predicted", std::isfinite(p.predicted) ? nlohmann::json(p.predicted) : nullptr}});
  return {{"reach", c.reach}, {"agrees_with_limit", sweep.agrees}, {"points", points}};
}

/// \brief summary.json's own fields (the scaffold adds chapter, seed, full and the total time).
inline nlohmann::json summary(const Reference& ref, const std::vector<RateRun>& runs,
                              const Convergence& conv, const Sweep& sweep, const DeltaRule& delta,
                              const std::vector<Path2>& paths, const Config& c) {
  nlohmann::json two_weights;
  for (const Path2& p : paths)
    two_weights[p.which] = {
        {"theta_star", to_std(p.theta_star)},
        {"eigenvalues", to_std(p.S.lambda)},
        {"condition", p.S.condition()},
        {"max_error_after_steps",
         {{"steps", c.path_steps}, {"eta_0.5_limit", p.err_slow}, {"eta_0.9_limit", p.err_fast}}}};
  const std::string headline =
      "GD matches LAPACK's least squares to " + course::scientific(conv.err_raw) + " (raw: kappa " +
      course::fixed(ref.S.condition(), 0) + ", " + std::to_string(conv.raw.steps) +
      " steps; standardized: kappa " + course::fixed(ref.Ss.condition(), 0) + ", " +
      std::to_string(conv.standardized.steps) + " steps); eta = 1.02 x 2/lambda_max diverges";
  return {
      {"headline", headline},
      {"data", "iris: petal width from sepal length, sepal width, petal length"},
      {"least_squares",
       {{"w", to_std(ref.theta_star.head(3))}, {"b", ref.theta_star[3]}, {"loss", ref.L_star}}},
      {"hessian_raw",
       {{"eigenvalues", to_std(ref.S.lambda)},
        {"condition", ref.S.condition()},
        {"eta_limit", ref.S.eta_limit()}}},
      {"hessian_standardized",
       {{"eigenvalues", to_std(ref.Ss.lambda)},
        {"condition", ref.Ss.condition()},
        {"eta_limit", ref.Ss.eta_limit()}}},
      {"learning_rates", {{"steps", c.steps}, {"runs", rates_json(runs)}}},
      {"to_convergence",
       {{"grad_tol", c.tol},
        {"raw", {{"steps", conv.raw.steps}, {"max_abs_error", conv.err_raw}}},
        {"standardized",
         {{"steps", conv.standardized.steps},
          {"max_abs_error", conv.err_std},
          {"max_abs_error_in_cm", conv.err_back}}}}},
      {"sweep", sweep_json(sweep, c)},
      {"delta_rule",
       {{"epochs", c.epochs},
        {"eta", c.sgd_eta},
        {"loss_gap", delta.gap.back()},
        {"max_abs_error", delta.err},
        {"eta_over_10", {{"loss_gap", delta.gap_small.back()}, {"max_abs_error", delta.err_small}}},
        {"batch_gd_same_epochs_loss_gap", delta.batch.loss.back() - delta.L_star}}},
      {"two_weights", two_weights},
      {"timing_seconds", {{"gd_to_convergence", conv.seconds}}}};
}

}  // namespace adaline
