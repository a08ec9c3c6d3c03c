// Chapter 02 tests: what the lesson claims about the ADALINE, gradient descent and least
// squares, asserted.
#define BOOST_TEST_MODULE ch02_adaline
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "chapters/02_adaline/adaline.hpp"
#include "chapters/02_adaline/curvature.hpp"
#include "chapters/02_adaline/experiments.hpp"
#include "chapters/02_adaline/least_squares.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "common/matrix.hpp"

using namespace adaline;
namespace tt = boost::test_tools;

namespace {

/// The lesson's three-point example: x = 0, 1, 2 with targets 0, 1, 3.
const arma::mat kX3 = {{0.0, 1.0, 2.0}};   // (1 x 3)
const arma::rowvec kT3 = {0.0, 1.0, 3.0};  // (1 x 3)

double max_abs(const arma::vec& v) { return arma::abs(v).max(); }

}  // namespace

// --- 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(forward_gives_one_output_per_column) {
  Adaline a(3);
  a.w = {1.0, -2.0, 0.5};
  a.b = 0.25;
  const arma::mat X = {{1, 0}, {0, 1}, {2, 4}};  // (3 x 2)
  const arma::rowvec y_hat = a.forward(X);
  BOOST_TEST(y_hat.n_elem == 2u);
  BOOST_TEST(y_hat[0] == 1.0 + 1.0 + 0.25);
  BOOST_TEST(y_hat[1] == -2.0 + 2.0 + 0.25);
  BOOST_TEST(a.predict(X.col(1)) == y_hat[1]);
}

BOOST_AUTO_TEST_CASE(hessian_is_symmetric_positive_definite_on_iris) {
  const Regression d = load_regression();
  const arma::mat H = hessian(d.X);
  BOOST_TEST(H.n_rows == 4u);
  BOOST_TEST(H.n_cols == 4u);
  BOOST_TEST(arma::approx_equal(H, H.t(), "absdiff", 0.0));
  const Spectrum S = spectrum(H);
  BOOST_TEST(S.lambda_min() > 0);
  // H = V diag(lambda) V^T, V orthonormal
  BOOST_TEST(arma::approx_equal(S.V * arma::diagmat(S.lambda) * S.V.t(), H, "absdiff", 1e-12));
  BOOST_TEST(arma::approx_equal(S.V.t() * S.V, arma::eye(4, 4), "absdiff", 1e-12));
  // The bias's entry is H(3, 3) = mean of 1 * 1.
  BOOST_TEST(H(3, 3) == 1.0, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(gradient_is_zero_at_the_least_squares_solution) {
  const Regression d = load_regression();
  Adaline a(3);
  set_theta(a, least_squares(d.X, d.y));
  const Gradient g = gradient(a, d.X, d.y);
  BOOST_TEST(max_abs(g.dw) < 1e-12);
  BOOST_TEST(std::abs(g.db) < 1e-12);
}

BOOST_AUTO_TEST_CASE(lapack_least_squares_equals_the_normal_equations) {
  const Regression d = load_regression();
  const arma::vec theta_qr = least_squares(d.X, d.y);
  const arma::mat Xa = augment(d.X);
  const arma::vec theta_normal = arma::solve(Xa * Xa.t(), Xa * d.y.t());  // X~X~^T theta = X~ y^T
  BOOST_TEST(max_abs(theta_qr - theta_normal) < 1e-9);
}

// --- 2. The lesson's hand-computed example: x = 0, 1, 2; y = 0, 1, 3.

BOOST_AUTO_TEST_CASE(three_points_by_hand_as_in_the_lesson) {
  // H = (1/3) [[5, 3], [3, 3]]: eigenvalues (4 -+ sqrt(10)) / 3, limit 2/lambda_max.
  const arma::mat H = hessian(kX3);
  BOOST_TEST(H(0, 0) == 5.0 / 3.0, tt::tolerance(1e-15));
  BOOST_TEST(H(0, 1) == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(H(1, 1) == 1.0, tt::tolerance(1e-15));
  const Spectrum S = spectrum(H);
  BOOST_TEST(S.lambda_min() == (4.0 - std::sqrt(10.0)) / 3.0, tt::tolerance(1e-13));
  BOOST_TEST(S.lambda_max() == (4.0 + std::sqrt(10.0)) / 3.0, tt::tolerance(1e-13));
  BOOST_TEST(S.eta_limit() == 6.0 / (4.0 + std::sqrt(10.0)), tt::tolerance(1e-13));  // 0.8377
  BOOST_TEST(S.condition() == (4.0 + std::sqrt(10.0)) / (4.0 - std::sqrt(10.0)),
             tt::tolerance(1e-12));  // 8.55
  // Least squares: w* = 3/2, b* = -1/6, L* = 1/36.
  const arma::vec th = least_squares(kX3, kT3);
  BOOST_TEST(th[0] == 1.5, tt::tolerance(1e-13));
  BOOST_TEST(th[1] == -1.0 / 6.0, tt::tolerance(1e-13));
  Adaline a(1);
  set_theta(a, th);
  BOOST_TEST(mse_loss(a, kX3, kT3) == 1.0 / 36.0, tt::tolerance(1e-13));
  // From zero: L = 10/6, gradient -(7/3, 4/3); one step with eta = 0.3 gives (0.7, 0.4).
  Adaline z(1);
  BOOST_TEST(mse_loss(z, kX3, kT3) == 10.0 / 6.0, tt::tolerance(1e-15));
  const Gradient g = gradient(z, kX3, kT3);
  BOOST_TEST(g.dw[0] == -7.0 / 3.0, tt::tolerance(1e-15));
  BOOST_TEST(g.db == -4.0 / 3.0, tt::tolerance(1e-15));
  gd_step(z, g, 0.3);
  BOOST_TEST(z.w[0] == 0.7, tt::tolerance(1e-15));
  BOOST_TEST(z.b == 0.4, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(centring_the_three_points_makes_the_hessian_diagonal) {
  // x - mean(x) = -1, 0, 1: H = diag(2/3, 1), condition 1.5 instead of 8.55.
  const arma::mat Xc = {{-1.0, 0.0, 1.0}};
  const Spectrum S = spectrum(hessian(Xc));
  BOOST_TEST(S.lambda_min() == 2.0 / 3.0, tt::tolerance(1e-14));
  BOOST_TEST(S.lambda_max() == 1.0, tt::tolerance(1e-14));
  // The same line: w* = 3/2, b* = mean(y) = 4/3, and y_hat = 1.5 (x - 1) + 4/3 = 1.5 x - 1/6.
  const arma::vec th = least_squares(Xc, kT3);
  BOOST_TEST(th[0] == 1.5, tt::tolerance(1e-13));
  BOOST_TEST(th[1] == 4.0 / 3.0, tt::tolerance(1e-13));
}

BOOST_AUTO_TEST_CASE(delta_rule_one_step_by_hand) {
  // From zero, example x = 2, y = 3, eta = 0.1: delta = 0 - 3 = -3; w = 0.6, b = 0.3.
  Adaline a(1);
  delta_rule(a, arma::vec{2.0}, 3.0, 0.1);
  BOOST_TEST(a.w[0] == 0.6, tt::tolerance(1e-15));
  BOOST_TEST(a.b == 0.3, tt::tolerance(1e-15));
  // Now y_hat = 0.6 * 2 + 0.3 = 1.5, delta = -1.5: w = 0.9, b = 0.45.
  delta_rule(a, arma::vec{2.0}, 3.0, 0.1);
  BOOST_TEST(a.w[0] == 0.9, tt::tolerance(1e-15));
  BOOST_TEST(a.b == 0.45, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(the_loss_is_exactly_its_quadratic_around_the_minimum) {
  const Regression d = load_regression();
  const arma::vec th = least_squares(d.X, d.y);
  Adaline best(3);
  set_theta(best, th);
  const double L_star = mse_loss(best, d.X, d.y);
  const arma::mat H = hessian(d.X);
  for (const arma::vec& theta_k : {arma::vec{0, 0, 0, 0}, arma::vec{1, -2, 0.5, 3}}) {
    Adaline a(3);
    set_theta(a, theta_k);
    BOOST_TEST(quadratic_loss(H, L_star, th, theta_k) == mse_loss(a, d.X, d.y),
               tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(iso_loss_ellipse_points_all_have_the_same_loss) {
  // Two weights: petal width from petal length (raw), height c = 0.05 above L*.
  const Regression d = load_regression();
  const arma::mat X1 = d.X.row(2);
  const arma::vec th = least_squares(X1, d.y);
  Adaline best(1);
  set_theta(best, th);
  const double L_star = mse_loss(best, X1, d.y);
  const arma::mat curve = iso_loss_ellipse(spectrum(hessian(X1)), th, 0.05, 37);
  for (arma::uword j = 0; j < curve.n_cols; ++j) {
    Adaline a(1);
    set_theta(a, curve.col(j));
    BOOST_TEST(mse_loss(a, X1, d.y) - L_star == 0.05, tt::tolerance(1e-10));
  }
}

// --- 3. Gradient check.

BOOST_AUTO_TEST_CASE(mse_gradient_matches_central_differences) {
  const Regression d = load_regression();
  course::Rng rng(3);
  Adaline a(3);
  course::fill_normal(a.w, rng, 0.5);
  a.b = 0.7;
  const Gradient g = gradient(a, d.X, d.y);
  const auto loss = [&] { return mse_loss(a, d.X, d.y); };
  const course::GradCheck cw = course::check_gradient(a.w, g.dw, loss);
  BOOST_TEST(cw.max_rel_error <= 1e-7, cw.report("dw"));
  arma::vec b1{a.b};
  const auto loss_b = [&] {
    Adaline c = a;
    c.b = b1[0];
    return mse_loss(c, d.X, d.y);
  };
  const course::GradCheck cb = course::check_gradient(b1, arma::vec{g.db}, loss_b);
  BOOST_TEST(cb.max_rel_error <= 1e-7, cb.report("db"));
}

// --- 4. Batched form == per-example oracle.

BOOST_AUTO_TEST_CASE(batch_gradient_equals_the_per_example_loop) {
  const Regression d = load_regression();
  Adaline a(3);
  a.w = {0.3, -0.2, 0.1};
  a.b = -0.4;
  const Gradient g = gradient(a, d.X, d.y);
  const Gradient o = gradient_per_example(a, d.X, d.y);
  BOOST_TEST(max_abs(g.dw - o.dw) < 1e-12);
  BOOST_TEST(std::abs(g.db - o.db) < 1e-12);
}

// --- 5. Training: GD reaches LAPACK's answer; the limit 2/lambda_max, as predicted.

BOOST_AUTO_TEST_CASE(gd_reaches_the_lapack_solution_to_1e_minus_6) {
  // The executable's run to convergence: eta = 1/lambda_max, |gradient| <= 1e-10.
  const Regression d = load_regression();
  const Config c;
  const Convergence r = to_convergence(d, least_squares_reference(d), c);
  for (const History* h : {&r.standardized, &r.raw}) {
    BOOST_TEST(!h->diverged);
    BOOST_TEST(h->steps < c.max_steps);  // stopped by the gradient, not the step budget
  }
  BOOST_TEST(r.err_std <= 1e-6, "standardized: max |theta - theta*| = " << r.err_std);
  BOOST_TEST(r.err_raw <= 1e-6, "raw: max |theta - theta*| = " << r.err_raw);
  BOOST_TEST(r.err_back <= 1e-6, "standardized, in cm: max |theta - theta*| = " << r.err_back);
}

BOOST_AUTO_TEST_CASE(below_the_limit_converges_above_it_diverges) {
  const Regression d = load_regression();
  for (const arma::mat* X : {&d.Xs, &d.X}) {
    const arma::vec th = least_squares(*X, d.y);
    const Spectrum S = spectrum(hessian(*X));
    // eta = 0.9 x 2/lambda_max: every |1 - eta lambda_i| < 1, GD reaches theta*.
    BOOST_TEST(contraction(S, 0.9 * S.eta_limit()) < 1.0);
    Adaline below(3);
    train_gd(below, *X, d.y, 0.9 * S.eta_limit(), 1000000, 1e-10);
    BOOST_TEST(max_abs(theta(below) - th) <= 1e-6);
    // eta = 1.1 x 2/lambda_max: |1 - eta lambda_max| = 1.2, the error grows 1.2x per step.
    BOOST_TEST(contraction(S, 1.1 * S.eta_limit()) == 1.2, tt::tolerance(1e-12));
    Adaline above(3);
    const History h = train_gd(above, *X, d.y, 1.1 * S.eta_limit(), 200);
    BOOST_TEST(h.loss.back() > 1e10 * h.loss.front());
    for (std::size_t k = 101; k < h.loss.size(); ++k) BOOST_TEST_REQUIRE(h.loss[k] > h.loss[k - 1]);
    // The loss ratio per step tends to 1.2^2 = 1.44, the top eigenvalue's prediction.
    BOOST_TEST(h.loss[200] / h.loss[199] == 1.44, tt::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(gd_error_follows_the_eigenvalue_prediction_step_by_step) {
  const Regression d = load_regression();
  const arma::vec th = least_squares(d.X, d.y);
  const Spectrum S = spectrum(hessian(d.X));
  for (double factor : {0.5, 0.98, 1.02}) {
    const double eta = factor * S.eta_limit();
    Adaline a(3);
    for (int k = 1; k <= 50; ++k) {
      gd_step(a, gradient(a, d.X, d.y), eta);
      const arma::vec predicted = predicted_error(S, -th, eta, k);  // theta_0 - theta* = -theta*
      BOOST_TEST_REQUIRE(max_abs(theta(a) - th - predicted) <= 1e-9 * (1 + max_abs(predicted)));
    }
  }
}

BOOST_AUTO_TEST_CASE(sweep_converges_exactly_below_the_limit_in_the_predicted_steps) {
  // The executable's sweep (12 rates, 0.05 to 1.2 x 2/lambda_max, standardized): GD comes within
  // 1e-6 of theta* exactly where the eigenvalues say it converges, in the predicted number of
  // steps to within 3% (the lesson's claim).
  const Regression d = load_regression();
  const Config c;
  const Sweep s = learning_rate_sweep(d, least_squares_reference(d), c);
  BOOST_TEST(s.agrees);
  BOOST_TEST(s.points.size() == c.sweep);
  for (const SweepPoint& p : s.points) {
    BOOST_TEST(p.converged == (p.factor < 1.0), "factor " << p.factor);
    if (p.converged)
      BOOST_TEST(
          std::abs(double(p.measured) - p.predicted) <= 0.03 * p.predicted,
          "factor " << p.factor << ": measured " << p.measured << ", predicted " << p.predicted);
  }
}

BOOST_AUTO_TEST_CASE(delta_rule_gets_near_least_squares_and_closer_with_a_smaller_rate) {
  // The executable's delta-rule experiment as --full runs it: eta 0.01 and 0.001, 1000 epochs.
  const Regression d = load_regression();
  Config c;
  c.epochs = 1000;
  const DeltaRule r = delta_rule_vs_batch(d, least_squares_reference(d), c, 42);
  const double gap_big = r.gap.back(), gap_small = r.gap_small.back();
  BOOST_TEST(gap_big < 1e-3 * r.gap.front());  // near the minimum ...
  BOOST_TEST(gap_big > 0);                     // ... but not at it (a constant eta hovers)
  BOOST_TEST(gap_small < 0.1 * gap_big);       // eta / 10 hovers much closer
  BOOST_TEST(r.err < 3e-2);
  BOOST_TEST(r.err_small < 2e-3);
}

// --- 6. Determinism.

BOOST_AUTO_TEST_CASE(same_seed_gives_bit_identical_delta_rule_weights) {
  const Regression d = load_regression();
  auto run = [&](std::uint64_t seed) {
    course::Rng rng(seed);
    Adaline a(3);
    for (int e = 0; e < 5; ++e) delta_rule_epoch(a, d.Xs, d.y, 0.01, rng);
    return theta(a);
  };
  BOOST_TEST(arma::approx_equal(run(7), run(7), "absdiff", 0.0));
  BOOST_TEST(!arma::approx_equal(run(7), run(8), "absdiff", 0.0));  // the order matters
}
