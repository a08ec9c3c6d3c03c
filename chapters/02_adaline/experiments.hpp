/// \file
/// \brief Chapter 02's experiments, one function each, in the lesson's order: the exact answer
/// (least squares) and the curvature; batch gradient descent below, near and above the limit
/// \f$ 2/\lambda_{max} \f$; raw vs standardized features to convergence; a sweep of learning
/// rates, measured and predicted; the delta rule against batch gradient descent; and the path of
/// gradient descent on the loss contours of a two-weight problem.
///
/// What it is: the script around adaline.hpp, least_squares.hpp and curvature.hpp. Each
/// experiment returns a plain struct; printing, plots and summary.json are in report.hpp.
/// What it leaves out on purpose: any other dataset than iris, any other target than the petal
/// width.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "chapters/02_adaline/adaline.hpp"
#include "chapters/02_adaline/curvature.hpp"
#include "chapters/02_adaline/least_squares.hpp"
#include "common/data.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

namespace adaline {

/// The chapter's knobs, with their quick defaults: the first six are flags of the executable,
/// the last three fixed sizes of the experiments.
struct Config {
  arma::uword steps = 200;          ///< GD steps of the runs below/near/above the limit
  arma::uword epochs = 100;         ///< epochs of the delta rule (--full: 1000)
  arma::uword max_steps = 1000000;  ///< most GD steps of a run to convergence
  arma::uword sweep = 12;           ///< learning rates in the sweep (--full: 48)
  double sgd_eta = 0.01;            ///< learning rate of the delta rule
  double tol = 1e-10;               ///< a run to convergence stops at |gradient| <= tol
  double reach = 1e-6;              ///< the sweep counts steps to max |theta - theta*| <= reach
  arma::uword sweep_cap = 100000;   ///< a sweep run needing more steps counts as not converging
  arma::uword path_steps = 150;     ///< GD steps drawn on the contours
};

/// The regression: petal width from the other three measurements, samples as columns.
struct Regression {
  arma::mat X;                      ///< (3 x 150) inputs, raw centimetres
  arma::rowvec y;                   ///< (1 x 150) the target, petal width (cm)
  arma::mat Xs;                     ///< (3 x 150) the inputs standardized (mean 0, std 1)
  course::StandardScaler<> scaler;  ///< the mean and std that standardized them
};

/// \brief Load iris and set up the regression.
/// \param data_dir the folder of iris.csv ("": the course's datasets/)
inline Regression load_regression(const std::string& data_dir = "") {
  Regression d;
  // [data]
  // Iris: predict petal width (cm) from sepal length, sepal width and petal length (cm).
  const course::Dataset iris = course::load_iris(data_dir);
  d.X = iris.X.rows(0, 2);             // (3 x 150) the inputs, raw centimetres
  d.y = iris.X.row(3);                 // (1 x 150) the target, petal width
  d.Xs = d.scaler.fit_transform(d.X);  // (3 x 150) mean 0, std 1 per feature
  // [data]
  return d;
}

/// \brief The loss at parameters \f$ \theta = (\mathbf{w}, b) \f$.
inline double loss_at(const arma::mat& X, const arma::rowvec& y, const arma::vec& theta) {
  Adaline a(X.n_rows);
  set_theta(a, theta);
  return mse_loss(a, X, y);
}

/// The exact answer and the curvature, for raw and for standardized features.
struct Reference {
  arma::vec theta_star;    ///< (4) least squares on raw features: (w*, b*)
  Spectrum S;              ///< eigenvalues of the Hessian, raw features
  double L_star = 0;       ///< the loss at theta_star
  arma::vec theta_star_s;  ///< (4) least squares on standardized features
  Spectrum Ss;             ///< eigenvalues of the Hessian, standardized features
  double L_star_s = 0;     ///< the loss at theta_star_s
};

/// \brief The reference every run is measured against: least squares by LAPACK and the
/// Hessian's eigenvalues, for raw and for standardized features.
inline Reference least_squares_reference(const Regression& d) {
  Reference r;
  // [reference]
  r.theta_star = least_squares(d.X, d.y);  // (4) exact minimizer (w*, b*)
  r.S = spectrum(hessian(d.X));            // eigenvalues of H = X~ X~^T / n
  // [reference]
  r.L_star = loss_at(d.X, d.y, r.theta_star);
  r.theta_star_s = least_squares(d.Xs, d.y);
  r.Ss = spectrum(hessian(d.Xs));
  r.L_star_s = loss_at(d.Xs, d.y, r.theta_star_s);
  return r;
}

/// One run of batch GD at a multiple of the limit.
struct RateRun {
  std::string name;  ///< "below", "near", "above"
  double factor;     ///< eta / (2/lambda_max)
  double eta;        ///< the learning rate
  double rho;        ///< |1 - eta lambda_max|: the steepest direction's factor per step
  History h;         ///< the loss per step
};

/// \brief Experiment 1: batch gradient descent on raw features from zero, `steps` steps, at
/// learning rates below, near and above the limit \f$ 2/\lambda_{max} \f$.
inline std::vector<RateRun> learning_rates(const Regression& d, const Reference& ref,
                                           const Config& c) {
  // [rates]
  const std::vector<std::pair<std::string, double>> rates = {
      {"below", 0.5}, {"near", 0.98}, {"above", 1.02}};  // eta as a multiple of 2/lambda_max
  // [rates]
  std::vector<RateRun> runs;
  for (const auto& [name, factor] : rates) {
    const double eta = factor * ref.S.eta_limit();
    Adaline a(3);
    const History h = train_gd(a, d.X, d.y, eta, c.steps);
    runs.push_back({name, factor, eta, std::abs(1.0 - eta * ref.S.lambda_max()), h});
  }
  return runs;
}

/// Gradient descent to convergence on raw and on standardized features.
struct Convergence {
  History raw, standardized;  ///< the two runs (loss per step)
  double err_raw = 0;         ///< max |theta - theta*|, raw features
  double err_std = 0;         ///< the same, standardized features
  arma::vec w_back;           ///< (3) the standardized answer's weights in centimetres
  double b_back = 0;          ///< its bias in centimetres
  double err_back = 0;        ///< max difference of (w_back, b_back) to LAPACK's theta*
  double seconds = 0;         ///< wall-clock time of the two runs
};

/// \brief Experiment 2: gradient descent with \f$ \eta = 1/\lambda_{max} \f$ from zero until the
/// gradient's norm is at most `tol`, on raw and on standardized features; the standardized
/// answer converted back to centimetres.
inline Convergence to_convergence(const Regression& d, const Reference& ref, const Config& c) {
  Convergence r;
  course::Timer timer;
  Adaline raw(3), stdz(3);
  r.raw = train_gd(raw, d.X, d.y, 1.0 / ref.S.lambda_max(), c.max_steps, c.tol);
  r.standardized = train_gd(stdz, d.Xs, d.y, 1.0 / ref.Ss.lambda_max(), c.max_steps, c.tol);
  r.seconds = timer.seconds();
  r.err_raw = arma::abs(theta(raw) - ref.theta_star).max();
  r.err_std = arma::abs(theta(stdz) - ref.theta_star_s).max();
  // The standardized model in centimetres: w = w_s / sigma, b = b_s - sum w_s mu / sigma.
  r.w_back = stdz.w / d.scaler.stddev;
  r.b_back = stdz.b - arma::dot(r.w_back, d.scaler.mean);
  r.err_back = std::max(arma::abs(r.w_back - ref.theta_star.head(3)).max(),
                        std::abs(r.b_back - ref.theta_star[3]));
  return r;
}

/// \brief Steps gradient descent needs to come within `tol` (max norm) of theta*, counted by
/// running it. Returns max_steps + 1 when it does not get there (too slow, or diverging).
inline arma::uword steps_to_reach(const arma::mat& X, const arma::rowvec& y,
                                  const arma::vec& theta_star, double eta, double tol,
                                  arma::uword max_steps) {
  Adaline a(X.n_rows);
  for (arma::uword k = 0; k <= max_steps; ++k) {
    const arma::vec e = theta(a) - theta_star;
    if (arma::abs(e).max() <= tol) return k;
    if (!(arma::abs(e).max() < 1e100)) break;
    gd_step(a, gradient(a, X, y), eta);
  }
  return max_steps + 1;
}

/// \brief The same count predicted from the eigenvalues alone: the smallest k with
/// max_i |(1 - eta lambda_i)^k c_i| <= tol along each eigen-direction (a close stand-in for the
/// max norm in (w, b) coordinates). Infinite where some |1 - eta lambda_i| >= 1.
inline double predicted_steps(const Spectrum& s, const arma::vec& e0, double eta, double tol) {
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

/// One learning rate of the sweep.
struct SweepPoint {
  double factor;         ///< eta / (2/lambda_max)
  bool converged;        ///< GD came within `reach` in at most `sweep_cap` steps
  arma::uword measured;  ///< the steps it took (when converged)
  double predicted;      ///< the steps the eigenvalues predict (infinite: diverges)
};

/// The learning-rate sweep.
struct Sweep {
  std::vector<SweepPoint> points;  ///< one per learning rate, in increasing order
  bool agrees = true;              ///< GD converged exactly where all |1 - eta lambda_i| < 1
};

/// \brief Experiment 3: `sweep` learning rates from 0.05 to 1.2 times the limit on standardized
/// features; for each, the steps to come within `reach` of theta*, run and predicted.
inline Sweep learning_rate_sweep(const Regression& d, const Reference& ref, const Config& c) {
  Sweep s;
  const arma::vec e0_s = -ref.theta_star_s;  // start at zero: theta_0 - theta* = -theta*
  for (arma::uword k = 0; k < c.sweep; ++k) {
    const double factor = 0.05 + 1.15 * k / (c.sweep - 1);  // eta / (2/lambda_max) in [0.05, 1.2]
    const double eta = factor * ref.Ss.eta_limit();
    const arma::uword m = steps_to_reach(d.Xs, d.y, ref.theta_star_s, eta, c.reach, c.sweep_cap);
    const double p = predicted_steps(ref.Ss, e0_s, eta, c.reach);
    const bool converged = m <= c.sweep_cap;
    s.agrees = s.agrees && converged == std::isfinite(p);  // p is finite iff rho < 1
    s.points.push_back({factor, converged, m, p});
  }
  return s;
}

/// The delta rule at two learning rates, and batch GD for as many epochs.
struct DeltaRule {
  std::vector<double> gap, gap_small;  ///< L - L* before epoch 1, then after each epoch
  double err = 0, err_small = 0;       ///< max |theta - theta*| at the end
  History batch;                       ///< batch GD, one step per epoch
  double L_star = 0;                   ///< the minimum the gaps are measured from
  double example_limit = 0;            ///< one example's limit 2 / max ||x~_i||^2
};

/// \brief Experiment 4: the delta rule (one example per update) on standardized features with
/// `sgd_eta` and `sgd_eta` / 10, against batch gradient descent taking one step per epoch.
inline DeltaRule delta_rule_vs_batch(const Regression& d, const Reference& ref, const Config& c,
                                     std::uint64_t seed) {
  DeltaRule r;
  const arma::mat& Xs = d.Xs;
  const arma::rowvec& y = d.y;
  const double L_star_s = r.L_star = ref.L_star_s;
  // [delta_rule_run]
  course::Rng rng(seed);
  Adaline lms(3), lms_small(3);
  std::vector<double> lms_gap{mse_loss(lms, Xs, y) - L_star_s}, lms_small_gap = lms_gap;
  for (arma::uword e = 0; e < c.epochs; ++e) {
    delta_rule_epoch(lms, Xs, y, c.sgd_eta, rng);               // 150 updates of w and b
    delta_rule_epoch(lms_small, Xs, y, c.sgd_eta / 10.0, rng);  // the same with eta / 10
    lms_gap.push_back(mse_loss(lms, Xs, y) - L_star_s);
    lms_small_gap.push_back(mse_loss(lms_small, Xs, y) - L_star_s);
  }
  // [delta_rule_run]
  r.gap = lms_gap;
  r.gap_small = lms_small_gap;
  r.err = arma::abs(theta(lms) - ref.theta_star_s).max();
  r.err_small = arma::abs(theta(lms_small) - ref.theta_star_s).max();
  // Batch GD for comparison: one step per epoch (each step also looks at all 150 examples).
  Adaline batch(3);
  r.batch = train_gd(batch, Xs, y, 1.0 / ref.Ss.lambda_max(), c.epochs);
  r.example_limit = 2.0 / arma::max(arma::sum(arma::square(augment(Xs)), 0));
  return r;
}

/// Gradient descent's path on one two-weight problem.
struct Path2 {
  std::string which;                  ///< "raw" or "standardized"
  arma::vec theta_star;               ///< (2) least squares (w*, b*)
  Spectrum S;                         ///< eigenvalues of its Hessian
  double L_star = 0;                  ///< the loss at theta_star
  History slow, fast;                 ///< GD with eta = 0.5 and 0.9 times the limit, paths recorded
  double err_slow = 0, err_fast = 0;  ///< max |theta - theta*| after `path_steps` steps
};

/// \brief Experiment 5: petal width from petal length alone, so the parameters (w, b) can be
/// drawn; `path_steps` GD steps at 0.5 and 0.9 times the limit, raw and standardized.
inline std::vector<Path2> two_weight_paths(const Regression& d, const Config& c) {
  const arma::mat X1 = d.X.row(2);  // (1 x 150) petal length, cm
  course::StandardScaler<> scaler1;
  const arma::mat X1s = scaler1.fit_transform(X1);
  std::vector<Path2> paths;
  for (const bool standardized : {false, true}) {
    const arma::mat& Z = standardized ? X1s : X1;
    Path2 p;
    p.which = standardized ? "standardized" : "raw";
    p.theta_star = least_squares(Z, d.y);
    p.S = spectrum(hessian(Z));
    p.L_star = loss_at(Z, d.y, p.theta_star);
    Adaline a(1), b(1);
    p.slow = train_gd(a, Z, d.y, 0.5 * p.S.eta_limit(), c.path_steps, 0.0, true);
    p.fast = train_gd(b, Z, d.y, 0.9 * p.S.eta_limit(), c.path_steps, 0.0, true);
    p.err_slow = arma::abs(theta(a) - p.theta_star).max();
    p.err_fast = arma::abs(theta(b) - p.theta_star).max();
    paths.push_back(p);
  }
  return paths;
}

}  // namespace adaline
