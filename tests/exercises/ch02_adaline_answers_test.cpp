// Chapter 02: the worked answers to the lesson's experiments, as code the suite runs, so the
// numbers on chapters/02_adaline/answers.md cannot drift from what the code does.
#define BOOST_TEST_MODULE ch02_adaline_answers
#include <boost/test/unit_test.hpp>

#include "chapters/02_adaline/experiments.hpp"

using namespace adaline;
namespace tt = boost::test_tools;

namespace {

/// Parameters theta = (w, b) of a unit.
arma::vec theta_of(const Adaline& a) { return arma::join_cols(a.w, arma::vec{a.b}); }

}  // namespace

// [ex1]
// Experiment 1: exactly at the limit the steepest direction flips sign forever without
// shrinking; 0.5% above it, it grows by 1.01 per step and the loss by 1.01^2.
BOOST_AUTO_TEST_CASE(ex1_at_the_limit_the_loss_stops_falling) {
  const Regression d = load_regression();
  const Spectrum S = spectrum(hessian(d.X));
  const double L_star = loss_at(d.X, d.y, least_squares(d.X, d.y));
  Adaline at(3), above(3);
  const History h_at = train_gd(at, d.X, d.y, 1.0 * S.eta_limit(), 2000);
  const History h_above = train_gd(above, d.X, d.y, 1.005 * S.eta_limit(), 2000);
  const double gap_at = h_at.loss.back() - L_star;
  BOOST_TEST(gap_at == 0.855, tt::tolerance(0.001));     // L* is 0.0179: stuck far above it
  BOOST_TEST(h_at.loss[1000] - L_star - gap_at < 2e-4);  // and barely falling
  const double growth = std::sqrt(h_above.loss[2000] / h_above.loss[1998]);  // per step
  BOOST_TEST(growth == 1.0201, tt::tolerance(1e-4));                         // 1.01^2
  BOOST_TEST(h_above.loss.back() > 1e17);
}
// [ex1]

// [ex2]
// Experiment 2: Widrow and Hoff's targets +-1, fitted by least squares, classified by the sign.
BOOST_AUTO_TEST_CASE(ex2_least_squares_with_plus_minus_one_targets_classifies) {
  const course::Dataset iris = course::load_iris();
  const auto right = [&](arma::uword a, arma::uword b, const arma::uvec& features) {
    const arma::uvec rows = arma::find(iris.labels == a || iris.labels == b);
    const arma::mat X = iris.X.submat(features, rows);  // (features x 100)
    const arma::rowvec y =
        2.0 * arma::conv_to<arma::rowvec>::from(iris.labels.elem(rows) == b) - 1.0;  // +-1
    Adaline u(X.n_rows);
    set_theta(u, least_squares(X, y));
    const arma::rowvec y_hat = u.forward(X);
    return arma::accu((y_hat >= 0) == (y > 0));  // classified by the sign of y_hat
  };
  BOOST_TEST(right(0, 1, {0, 2}) == 100u);       // setosa vs versicolor, as in chapter 01
  BOOST_TEST(right(1, 2, {0, 1, 2, 3}) == 97u);  // versicolor vs virginica: they overlap
}
// [ex2]

// [ex3]
// Experiment 3: centring without scaling decouples the bias but leaves the features' scales.
BOOST_AUTO_TEST_CASE(ex3_centring_alone_removes_most_of_the_trouble) {
  const Regression d = load_regression();
  arma::mat Xc = d.X;
  Xc.each_col() -= arma::mean(d.X, 1);  // subtract each feature's mean, keep the cm
  const Spectrum S = spectrum(hessian(Xc));
  const arma::vec expected = {0.0591, 0.2398, 1.0, 3.6665};
  BOOST_TEST(arma::approx_equal(S.lambda, expected, "absdiff", 1e-4));
  BOOST_TEST(S.condition() == 62.08, tt::tolerance(1e-3));  // raw: 8121, standardized: 28.4
}
// [ex3]

// [ex4]
// Experiment 4: the delta rule above its per-example limit (0.161 on standardized features),
// 100 epochs from zero, the examples in the order of its own generator (seed 42).
BOOST_AUTO_TEST_CASE(ex4_the_per_example_limit_is_sufficient_not_necessary) {
  const Regression d = load_regression();
  const double L_star = loss_at(d.Xs, d.y, least_squares(d.Xs, d.y));
  const auto gap_after_100_epochs = [&](double eta) {
    Adaline a(3);
    course::Rng rng(42);
    for (int e = 0; e < 100; ++e) delta_rule_epoch(a, d.Xs, d.y, eta, rng);
    return mse_loss(a, d.Xs, d.y) - L_star;
  };
  BOOST_TEST(gap_after_100_epochs(0.01) == 3.60e-5, tt::tolerance(0.01));
  BOOST_TEST(gap_after_100_epochs(0.2) == 1.60e-3, tt::tolerance(0.01));  // converges, worse
  BOOST_TEST(gap_after_100_epochs(0.3) == 1.00e-2, tt::tolerance(0.01));
  BOOST_TEST(std::isnan(gap_after_100_epochs(0.5)));  // blew up
  double r2 = 0, r2_raw = 0;                          // max_i ||x~_i||^2, standardized and raw
  for (arma::uword i = 0; i < d.X.n_cols; ++i) {
    r2 = std::max(r2, arma::dot(d.Xs.col(i), d.Xs.col(i)) + 1.0);
    r2_raw = std::max(r2_raw, arma::dot(d.X.col(i), d.X.col(i)) + 1.0);
  }
  BOOST_TEST(2.0 / r2 == 0.1614, tt::tolerance(1e-3));
  BOOST_TEST(2.0 / r2_raw == 0.01672, tt::tolerance(1e-3));  // batch GD's limit: 0.0330
}
// [ex4]

// [ex5]
// Experiment 5: a shrinking learning rate eta_e = eta_0 / (1 + e / tau) (Robbins and Monro),
// 1000 epochs, eta_0 = 0.01, against the constant 0.01.
BOOST_AUTO_TEST_CASE(ex5_a_shrinking_rate_stops_the_hovering) {
  const Regression d = load_regression();
  const arma::vec theta_star = least_squares(d.Xs, d.y);
  const double L_star = loss_at(d.Xs, d.y, theta_star);
  struct Result {
    double gap, err;  // L - L*, max |theta - theta*|
  };
  const auto after_1000_epochs = [&](double tau) {  // tau = 0: the constant rate
    Adaline a(3);
    course::Rng rng(42);
    for (int e = 0; e < 1000; ++e)
      delta_rule_epoch(a, d.Xs, d.y, tau == 0 ? 0.01 : 0.01 / (1.0 + e / tau), rng);
    return Result{mse_loss(a, d.Xs, d.y) - L_star, arma::abs(theta_of(a) - theta_star).max()};
  };
  const Result constant = after_1000_epochs(0), fast = after_1000_epochs(10),
               slow = after_1000_epochs(100);
  BOOST_TEST(constant.gap == 8.34e-6, tt::tolerance(0.01));
  BOOST_TEST(constant.err == 3.10e-3, tt::tolerance(0.01));
  BOOST_TEST(fast.gap == 1.06e-6, tt::tolerance(0.01));  // lower, but ...
  BOOST_TEST(fast.err == 3.94e-3, tt::tolerance(0.01));  // ... not closer: it stopped moving
  BOOST_TEST(slow.gap == 9.82e-8, tt::tolerance(0.01));
  BOOST_TEST(slow.err == 1.88e-4, tt::tolerance(0.01));
}
// [ex5]
