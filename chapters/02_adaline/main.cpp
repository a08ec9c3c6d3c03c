// Chapter 02 executable: the ADALINE on iris (petal width from the other three measurements).
// Least squares by LAPACK as the reference; batch gradient descent below, near and above the
// learning-rate limit 2/lambda_max of the Hessian; raw vs standardized features; the delta rule;
// and the path of gradient descent over the loss contours of a two-weight problem.
// Prints what it does, writes plots + CSVs and summary.json to --out.
#include <iostream>
#include <limits>

#include "chapters/02_adaline/adaline.hpp"
#include "chapters/02_adaline/curvature.hpp"
#include "chapters/02_adaline/least_squares.hpp"
#include "common/data.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using namespace adaline;

std::string vec_str(const arma::vec& v, int decimals) {
  std::string s = "[";
  for (arma::uword i = 0; i < v.n_elem; ++i) s += (i ? ", " : "") + course::fixed(v[i], decimals);
  return s + "]";
}

std::string sci(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  return buf;
}

/// A loss gap for printing: below 1e-15 it is rounding, not a distance.
std::string gap_str(double gap) { return gap < 1e-15 ? "0 (to machine precision)" : sci(gap); }

std::vector<double> to_std(const arma::vec& v) {
  return arma::conv_to<std::vector<double>>::from(v);
}

/// The loss at parameters theta = (w, b): L(theta).
double loss_at(const arma::mat& X, const arma::rowvec& t, const arma::vec& theta) {
  Adaline a(X.n_rows);
  set_theta(a, theta);
  return mse_loss(a, X, t);
}

/// A loss curve L_k - L* (k = 0, 1, ...) as a series; stops where it leaves [floor, ceiling].
course::Series gap_curve(const std::string& title, const std::vector<double>& loss, double L_star,
                         double ceiling = 1e6) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t k = 0; k < loss.size(); ++k) {
    const double gap = loss[k] - L_star;
    if (!(gap > 1e-16)) break;  // at machine precision: the rest is rounding noise
    s.x.push_back(static_cast<double>(k));
    s.y.push_back(gap);
    if (gap > ceiling) break;   // diverged far enough to be clear
  }
  return s;
}

/// Several ellipses of constant loss as one series, the curves separated by NaN (gnuplot breaks
/// a line at an undefined point, so they share one colour and one legend entry).
course::Series contour_series(const Spectrum& s2, const arma::vec& theta_star,
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
course::Series path_series(const std::string& title, const History& h) {
  course::Series s{title, {}, {}, "linespoints", {}};
  for (const arma::vec& th : h.path) {
    s.x.push_back(th[0]);
    s.y.push_back(th[1]);
  }
  return s;
}

/// Steps gradient descent needs to come within `tol` (max norm) of theta*, counted by running it.
/// Returns max_steps + 1 when it does not get there (too slow, or diverging).
arma::uword steps_to_reach(const arma::mat& X, const arma::rowvec& t, const arma::vec& theta_star,
                           double eta, double tol, arma::uword max_steps) {
  Adaline a(X.n_rows);
  for (arma::uword k = 0; k <= max_steps; ++k) {
    const arma::vec e = theta(a) - theta_star;
    if (arma::abs(e).max() <= tol) return k;
    if (!(arma::abs(e).max() < 1e100)) break;
    gd_step(a, gradient(a, X, t), eta);
  }
  return max_steps + 1;
}

/// The same count predicted from the eigenvalues alone: the smallest k with
/// max_i |(1 - eta lambda_i)^k c_i| <= tol along each eigen-direction (a close stand-in for the
/// max norm in (w, b) coordinates).
double predicted_steps(const Spectrum& s, const arma::vec& e0, double eta, double tol) {
  const arma::vec c = arma::abs(s.V.t() * e0);
  double k = 0;
  for (arma::uword i = 0; i < c.n_elem; ++i) {
    const double f = std::abs(1.0 - eta * s.lambda[i]);
    if (c[i] <= tol) continue;
    if (f >= 1.0) return std::numeric_limits<double>::infinity();
    k = std::max(k, std::log(tol / c[i]) / std::log(f));
  }
  return std::ceil(k);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 02: the ADALINE. Fits petal width from three iris measurements with a\n"
               "linear unit: least squares (LAPACK) as the reference, batch gradient descent\n"
               "below/near/above the limit 2/lambda_max, raw vs standardized features, the\n"
               "delta rule, and gradient descent's path on the loss contours.",
               "ch02_adaline"};
  course::CommonOptions common("ch02_adaline");
  course::add_common_options(app, common);
  arma::uword steps = 200, epochs = 100, max_steps = 1000000, sweep = 12;
  double sgd_eta = 0.01, tol = 1e-10;
  app.add_option("--steps", steps, "GD steps of the runs below/near/above the limit")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--epochs", epochs, "epochs of the delta rule (--full: 1000)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--sgd-eta", sgd_eta, "learning rate of the delta rule (standardized features)")
      ->check(course::positive())->capture_default_str();
  app.add_option("--tol", tol, "GD to convergence stops when the gradient's norm is <= tol")
      ->check(course::positive())->capture_default_str();
  app.add_option("--max-steps", max_steps, "most GD steps of a run to convergence")
      ->check(CLI::Range(1, 100000000))->capture_default_str();
  app.add_option("--sweep", sweep, "learning rates in the sweep of eta/(2/lambda_max) (--full: 48)")
      ->check(CLI::Range(2, 1000))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    nlohmann::json timing;
    if (common.full && app.count("--epochs") == 0) epochs = 1000;
    if (common.full && app.count("--sweep") == 0) sweep = 48;
    course::make_out_dir(common.out_dir);

    // [data]
    // Iris: predict petal width (cm) from sepal length, sepal width and petal length (cm).
    const course::Dataset iris = course::load_iris(common.data_dir);
    const arma::mat X = iris.X.rows(0, 2);  // (3 x 150) the inputs, raw centimetres
    const arma::rowvec t = iris.X.row(3);   // (1 x 150) the target, petal width
    course::StandardScaler<> scaler;
    const arma::mat Xs = scaler.fit_transform(X);  // (3 x 150) mean 0, std 1 per feature
    // [data]

    // --- The reference: least squares by LAPACK, and the Hessian's eigenvalues.
    // [reference]
    const arma::vec theta_star = least_squares(X, t);  // (4) exact minimizer (w*, b*)
    const Spectrum S = spectrum(hessian(X));           // eigenvalues of H = X~ X~^T / n
    // [reference]
    const double L_star = loss_at(X, t, theta_star);
    std::cout << "Iris, 150 flowers: petal width (cm) from sepal length, sepal width, petal "
                 "length (cm)\n"
              << "Least squares (LAPACK): w* = " << vec_str(theta_star.head(3), 4)
              << ", b* = " << course::fixed(theta_star[3], 4) << ", L* = "
              << course::fixed(L_star, 6) << " (RMSE " << course::fixed(std::sqrt(2 * L_star), 3)
              << " cm)\n"
              << "Hessian H = X~ X~^T / n, eigenvalues (LAPACK): " << vec_str(S.lambda, 4) << "\n"
              << "  condition number " << course::fixed(S.condition(), 0)
              << ", learning-rate limit 2/lambda_max = " << course::fixed(S.eta_limit(), 5) << "\n";

    // --- Batch GD below, near and above the limit, from zero weights.
    // [rates]
    const std::vector<std::pair<std::string, double>> rates = {
        {"below", 0.5}, {"near", 0.98}, {"above", 1.02}};  // eta as a multiple of 2/lambda_max
    // [rates]
    std::cout << "Batch gradient descent, " << steps << " steps from w = 0, b = 0:\n";
    std::vector<History> runs;
    nlohmann::json rate_json = nlohmann::json::array();
    for (const auto& [name, factor] : rates) {
      const double eta = factor * S.eta_limit();
      Adaline a(3);
      runs.push_back(train_gd(a, X, t, eta, steps));
      const History& h = runs.back();
      const double rho = std::abs(1.0 - eta * S.lambda_max());
      std::cout << "  " << name << ": eta = " << course::fixed(factor, 2) << " x limit = "
                << course::fixed(eta, 5) << ", |1 - eta lambda_max| = " << course::fixed(rho, 2)
                << ": L = " << sci(h.loss.back(), 3)
                << (rho < 1 ? " (converging)" : " (diverging)") << "\n";
      rate_json.push_back({{"name", name},
                           {"factor_of_limit", factor},
                           {"eta", eta},
                           {"factor_per_step_lambda_max", rho},
                           {"final_loss", h.loss.back()},
                           {"diverged", h.loss.back() > h.loss.front()}});
    }

    // --- To convergence: raw vs standardized features, eta = 1/lambda_max for each.
    const arma::vec theta_star_s = least_squares(Xs, t);
    const Spectrum Ss = spectrum(hessian(Xs));
    course::Timer gd_timer;
    Adaline raw(3), stdz(3);
    const History h_raw = train_gd(raw, X, t, 1.0 / S.lambda_max(), max_steps, tol);
    const History h_std = train_gd(stdz, Xs, t, 1.0 / Ss.lambda_max(), max_steps, tol);
    timing["gd_to_convergence"] = gd_timer.seconds();
    const double err_raw = arma::abs(theta(raw) - theta_star).max();
    const double err_std = arma::abs(theta(stdz) - theta_star_s).max();
    // The standardized model in centimetres: w = w_s / sigma, b = b_s - sum w_s mu / sigma.
    const arma::vec w_back = stdz.w / scaler.stddev;
    const double b_back = stdz.b - arma::dot(w_back, scaler.mean);
    const double err_back = std::max(arma::abs(w_back - theta_star.head(3)).max(),
                                     std::abs(b_back - theta_star[3]));
    std::cout << "To convergence (|gradient| <= " << sci(tol, 1)
              << "), eta = 1/lambda_max, from zero:\n"
              << "  raw features:          condition " << course::fixed(S.condition(), 1) << ", "
              << h_raw.steps << " steps, max |theta - theta*| = " << sci(err_raw) << "\n"
              << "  standardized features: condition " << course::fixed(Ss.condition(), 1) << ", "
              << h_std.steps << " steps, max |theta - theta*| = " << sci(err_std) << "\n"
              << "  standardized answer in cm: w = " << vec_str(w_back, 4) << ", b = "
              << course::fixed(b_back, 4) << " (max difference to LAPACK's " << sci(err_back)
              << ")\n";

    // --- The learning-rate sweep (standardized features): steps to 1e-6, measured and predicted.
    const double reach = 1e-6;
    const arma::uword cap = 100000;  // a run that needs more steps counts as not converging
    course::Series measured{"measured (run GD)", {}, {}, "points", {}};
    course::Series predicted{"predicted from the eigenvalues", {}, {}, "lines", {}};
    std::vector<double> diverged_at;  // factors where GD never came within reach
    nlohmann::json sweep_json = nlohmann::json::array();
    const arma::vec e0_s = -theta_star_s;  // start at zero: theta_0 - theta* = -theta*
    bool sweep_agrees = true;
    for (arma::uword k = 0; k < sweep; ++k) {
      const double factor = 0.05 + 1.15 * k / (sweep - 1);  // eta / (2/lambda_max) in [0.05, 1.2]
      const double eta = factor * Ss.eta_limit();
      const arma::uword m = steps_to_reach(Xs, t, theta_star_s, eta, reach, cap);
      const double p = predicted_steps(Ss, e0_s, eta, reach);
      const bool converged = m <= cap;
      if (converged) {
        measured.x.push_back(factor);
        measured.y.push_back(static_cast<double>(m));
      } else {
        diverged_at.push_back(factor);
      }
      if (std::isfinite(p)) {
        predicted.x.push_back(factor);
        predicted.y.push_back(p);
      }
      sweep_agrees = sweep_agrees && converged == std::isfinite(p);  // p is finite iff rho < 1
      sweep_json.push_back(
          {{"factor_of_limit", factor},
           {"steps_measured", converged ? nlohmann::json(m) : nlohmann::json(nullptr)},
           {"steps_predicted", std::isfinite(p) ? nlohmann::json(p) : nlohmann::json(nullptr)}});
    }
    std::cout << "Sweep of " << sweep << " learning rates (standardized): GD reaches 1e-6 "
              << "exactly where all |1 - eta lambda_i| < 1: " << (sweep_agrees ? "yes" : "NO")
              << "\n";

    // --- The delta rule (one example per step), standardized features, two learning rates.
    const double L_star_s = loss_at(Xs, t, theta_star_s);
    // [delta_rule_run]
    course::Rng rng(common.seed);
    Adaline lms(3), lms_small(3);
    std::vector<double> lms_gap{mse_loss(lms, Xs, t) - L_star_s}, lms_small_gap = lms_gap;
    for (arma::uword e = 0; e < epochs; ++e) {
      delta_rule_epoch(lms, Xs, t, sgd_eta, rng);                // 150 updates of w and b
      delta_rule_epoch(lms_small, Xs, t, sgd_eta / 10.0, rng);  // the same with eta / 10
      lms_gap.push_back(mse_loss(lms, Xs, t) - L_star_s);
      lms_small_gap.push_back(mse_loss(lms_small, Xs, t) - L_star_s);
    }
    // [delta_rule_run]
    // Batch GD for comparison: one step per epoch (each step also looks at all 150 examples).
    Adaline batch(3);
    const History h_batch = train_gd(batch, Xs, t, 1.0 / Ss.lambda_max(), epochs);
    const double lms_err = arma::abs(theta(lms) - theta_star_s).max();
    const double lms_small_err = arma::abs(theta(lms_small) - theta_star_s).max();
    const double max_x2 = arma::max(arma::sum(arma::square(augment(Xs)), 0));  // max ||x~_i||^2
    std::cout << "Delta rule (one example per update, standardized features), " << epochs
              << " epochs:\n"
              << "  eta = " << sgd_eta << ":  L - L* = " << sci(lms_gap.back())
              << ", max |theta - theta*| = " << sci(lms_err) << "\n"
              << "  eta = " << sgd_eta / 10.0 << ": L - L* = " << sci(lms_small_gap.back())
              << ", max |theta - theta*| = " << sci(lms_small_err) << "\n"
              << "  batch GD, 1 step per epoch: L - L* = "
              << gap_str(h_batch.loss.back() - L_star_s)
              << "; one example's limit 2/max ||x~||^2 = " << course::fixed(2.0 / max_x2, 3)
              << "\n";

    // --- A two-weight problem for the contour plots: petal width from petal length alone.
    const arma::mat X1 = X.row(2);  // (1 x 150) petal length, cm
    course::StandardScaler<> scaler1;
    const arma::mat X1s = scaler1.fit_transform(X1);
    const arma::uword path_steps = 150;
    nlohmann::json contour_json;
    for (const bool standardized : {false, true}) {
      const arma::mat& Z = standardized ? X1s : X1;
      const std::string which = standardized ? "standardized" : "raw";
      const arma::vec th2 = least_squares(Z, t);
      const Spectrum S2 = spectrum(hessian(Z));
      Adaline a(1), b(1);
      const History pa = train_gd(a, Z, t, 0.5 * S2.eta_limit(), path_steps, 0.0, true);
      const History pb = train_gd(b, Z, t, 0.9 * S2.eta_limit(), path_steps, 0.0, true);
      const double err_a = arma::abs(theta(a) - th2).max(), err_b = arma::abs(theta(b) - th2).max();
      std::cout << "Two weights (w, b), petal width from " << which
                << " petal length: condition " << course::fixed(S2.condition(), 1) << "; after "
                << path_steps << " steps max |theta - theta*| = " << sci(err_a)
                << " (eta = 0.5 x limit), " << sci(err_b) << " (0.9 x limit)\n";
      contour_json[which] = {
          {"theta_star", to_std(th2)},
          {"eigenvalues", to_std(S2.lambda)},
          {"condition", S2.condition()},
          {"max_error_after_steps",
           {{"steps", path_steps}, {"eta_0.5_limit", err_a}, {"eta_0.9_limit", err_b}}}};
      if (common.no_plots) continue;
      // Contours from the start's height L(0) - L* down by factors of 4.
      std::vector<double> heights;
      for (double c = pa.loss.front() - loss_at(Z, t, th2); heights.size() < 10; c /= 4.0)
        heights.push_back(c);
      // The window: the paths and the minimum, with a margin; equal scales on both axes.
      arma::mat pts(2, pa.path.size() + pb.path.size());
      for (std::size_t k = 0; k < pa.path.size(); ++k) pts.col(k) = pa.path[k];
      for (std::size_t k = 0; k < pb.path.size(); ++k) pts.col(pa.path.size() + k) = pb.path[k];
      const arma::vec lo = arma::min(pts, 1), hi = arma::max(pts, 1);
      const arma::vec margin = 0.12 * arma::vec{arma::max(hi - lo), arma::max(hi - lo)};
      course::Series star{"theta* (LAPACK)", {th2[0]}, {th2[1]}, "points", {}};
      course::PlotOptions o{"GD on the loss contours, " + which + " petal length (condition " +
                                course::fixed(S2.condition(), 0) + ", " +
                                std::to_string(path_steps) + " steps)",
                            "w (weight of petal length)", "b (bias)"};
      o.width = 720;
      o.height = 560;
      o.extra = "set size ratio -1\nset xrange [" + std::to_string(lo[0] - margin[0]) + ":" +
                std::to_string(hi[0] + margin[0]) + "]\nset yrange [" +
                std::to_string(lo[1] - margin[1]) + ":" + std::to_string(hi[1] + margin[1]) + "]";
      course::line_plot(common.out("contour_" + which + ".png"), o,
                        {contour_series(S2, th2, heights),
                         path_series("GD, eta = 0.9 x 2/lambda_max", pb),
                         path_series("GD, eta = 0.5 x 2/lambda_max", pa), star});
    }

    // --- Plots of the loss curves.
    if (!common.no_plots) {
      std::vector<course::Series> curves;
      for (std::size_t r = 0; r < rates.size(); ++r)
        curves.push_back(gap_curve(rates[r].first + ": eta = " + course::fixed(rates[r].second, 2) +
                                       " x 2/lambda_max",
                                   runs[r].loss, L_star));
      course::PlotOptions o{"Batch GD on raw features: loss gap per step, eta below / near / above "
                            "2/lambda_max = " + course::fixed(S.eta_limit(), 4),
                            "step", "L - L*"};
      o.logy = true;
      course::line_plot(common.out("learning_rates.png"), o, curves);

      course::PlotOptions os{"Raw vs standardized features: GD with eta = 1/lambda_max",
                             "step", "L - L*"};
      os.logx = os.logy = true;
      course::Series g_raw = gap_curve("raw (condition " + course::fixed(S.condition(), 0) + ")",
                                       h_raw.loss, L_star);
      course::Series g_std = gap_curve("standardized (condition " +
                                           course::fixed(Ss.condition(), 1) + ")",
                                       h_std.loss, L_star_s);
      for (auto* s : {&g_raw, &g_std}) {  // a log x axis starts at step 1
        s->x.erase(s->x.begin());
        s->y.erase(s->y.begin());
      }
      course::line_plot(common.out("raw_vs_standardized.png"), os, {g_raw, g_std});

      course::PlotOptions ow{"Steps to come within 1e-6 of theta* (standardized features)",
                             "eta / (2/lambda_max)", "steps"};
      ow.logy = true;
      ow.extra =
          "set xrange [0:1.25]\n"
          "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb '#555555'\n"
          "set label '2/lambda_max: beyond it GD diverges' at 0.98, graph 0.93 right font ',9'";
      course::Series diverged{"diverged (drawn at the top)", diverged_at, {}, "points", {}};
      const double top = 2.0 * *std::max_element(measured.y.begin(), measured.y.end());
      diverged.y.assign(diverged_at.size(), top);
      course::line_plot(common.out("lr_sweep.png"), ow, {predicted, measured, diverged});

      course::PlotOptions od{"Delta rule (per example) vs batch GD, standardized features",
                             "epoch", "L - L*"};
      od.logy = true;
      course::Series d1{"delta rule, eta = " + course::fixed(sgd_eta, 3), {}, {}, "lines", {}};
      course::Series d2{"delta rule, eta = " + course::fixed(sgd_eta / 10, 4), {}, {}, "lines", {}};
      for (std::size_t e = 0; e < lms_gap.size(); ++e) {
        d1.x.push_back(e), d1.y.push_back(std::max(lms_gap[e], 1e-16));
        d2.x.push_back(e), d2.y.push_back(std::max(lms_small_gap[e], 1e-16));
      }
      course::Series gb = gap_curve("batch GD, eta = 1/lambda_max (1 step per epoch)",
                                    h_batch.loss, L_star_s);
      course::line_plot(common.out("delta_rule.png"), od, {d1, d2, gb});
    }

    // --- summary.json: the run's numbers, machine-readable.
    const std::string headline =
        "GD matches LAPACK's least squares to " + sci(err_raw) + " (raw: kappa " +
        course::fixed(S.condition(), 0) + ", " + std::to_string(h_raw.steps) +
        " steps; standardized: kappa " + course::fixed(Ss.condition(), 0) + ", " +
        std::to_string(h_std.steps) + " steps); eta = 1.02 x 2/lambda_max diverges";
    timing["total"] = timer.seconds();
    nlohmann::json summary = {
        {"chapter", "02_adaline"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"data", "iris: petal width from sepal length, sepal width, petal length"},
        {"least_squares",
         {{"w", to_std(theta_star.head(3))}, {"b", theta_star[3]}, {"loss", L_star}}},
        {"hessian_raw",
         {{"eigenvalues", to_std(S.lambda)},
          {"condition", S.condition()},
          {"eta_limit", S.eta_limit()}}},
        {"hessian_standardized",
         {{"eigenvalues", to_std(Ss.lambda)},
          {"condition", Ss.condition()},
          {"eta_limit", Ss.eta_limit()}}},
        {"learning_rates", {{"steps", steps}, {"runs", rate_json}}},
        {"to_convergence",
         {{"grad_tol", tol},
          {"raw", {{"steps", h_raw.steps}, {"max_abs_error", err_raw}}},
          {"standardized",
           {{"steps", h_std.steps},
            {"max_abs_error", err_std},
            {"max_abs_error_in_cm", err_back}}}}},
        {"sweep", {{"reach", reach}, {"agrees_with_limit", sweep_agrees}, {"points", sweep_json}}},
        {"delta_rule",
         {{"epochs", epochs},
          {"eta", sgd_eta},
          {"loss_gap", lms_gap.back()},
          {"max_abs_error", lms_err},
          {"eta_over_10", {{"loss_gap", lms_small_gap.back()}, {"max_abs_error", lms_small_err}}},
          {"batch_gd_same_epochs_loss_gap", h_batch.loss.back() - L_star_s}}},
        {"two_weights", contour_json},
        {"timing_seconds", timing}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json"
              << (common.no_plots ? "" : " and plots") << "\n";
  });
}
