// Chapter 07 tests: softmax stays finite and sums to 1 for huge logits; the lesson's
// hand-computed cross-entropy, MSE and saturation examples; the fused gradient P - Y against
// numeric gradients and against the chain rule through the softmax Jacobian; gradient checks
// through whole networks (double); the batch loss as the mean of per-example losses;
// allocation-free training steps; seeded smoke tests (regression, and an MNIST slice); errors.
#define BOOST_TEST_MODULE ch07_softmax_cross_entropy
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <new>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/mse.hpp"
#include "chapters/07_softmax_cross_entropy/regression_data.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/<chapter>.cmake)

using namespace mlp;
namespace tt = boost::test_tools;

namespace {

/// Columns with logits of +-1000: the naive exp(z) overflows to inf for every one of them.
arma::mat huge_logits() {
  return arma::mat{{1000, 1000, -1000, 1000, -1000},
                   {-1000, 1000, -1000, 999, -1000},
                   {0, 1000, -1000, 0, -999}};
}

/// A small classifier 6 -> 5 (tanh) -> 4 (relu) -> 3 logits.
template <class T>
Sequential<T> small_classifier(course::Rng& rng) {
  Sequential<T> net;
  net.template add<Dense<T>>(6, 5, rng);
  net.template add<Tanh<T>>();
  net.template add<Dense<T>>(5, 4, rng);
  net.template add<ReLU<T>>();
  net.template add<Dense<T>>(4, 3, rng);
  return net;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Shapes and invariants

BOOST_AUTO_TEST_CASE(softmax_is_finite_and_columns_sum_to_1_for_logits_of_plus_minus_1000) {
  const arma::mat Z = huge_logits();
  BOOST_TEST(
      !std::isfinite(std::exp(Z(0, 0)) / arma::accu(arma::exp(Z.col(0)))));  // naive: inf/inf
  arma::mat P;
  softmax(Z, P);
  BOOST_TEST(P.n_rows == 3u);
  BOOST_TEST(P.n_cols == 5u);
  BOOST_TEST(P.is_finite());
  BOOST_TEST(P.min() >= 0.0);
  const arma::rowvec sums = arma::sum(P, 0);
  for (arma::uword j = 0; j < sums.n_elem; ++j) BOOST_TEST(sums[j] == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(P(0, 0) == 1.0);                            // 1000 beats -1000 and 0
  BOOST_TEST(P(1, 1) == 1.0 / 3, tt::tolerance(1e-15));  // three equal logits
  BOOST_TEST(P(2, 2) == 1.0 / 3, tt::tolerance(1e-15));
  BOOST_TEST(P(0, 3) == 0.7310585786300049, tt::tolerance(1e-15));  // 1 / (1 + e^-1)
  BOOST_TEST(P(2, 4) == 0.5761168847658291, tt::tolerance(1e-15));  // e / (2 + e)
  // The same in float, as training runs it, and the loss and gradient stay finite too.
  const arma::fmat Zf = arma::conv_to<arma::fmat>::from(Z);
  arma::fmat Pf;
  softmax(Zf, Pf);
  BOOST_TEST(Pf.is_finite());
  const arma::frowvec sums_f = arma::sum(Pf, 0);
  for (arma::uword j = 0; j < sums_f.n_elem; ++j)
    BOOST_TEST(sums_f[j] == 1.0f, tt::tolerance(1e-6f));
  SoftmaxCrossEntropy<float> loss;
  const float L = loss.forward(Zf, course::one_hot<arma::fmat>(arma::uvec{1, 0, 2, 2, 0}, 3));
  BOOST_TEST(std::isfinite(L));
  BOOST_TEST(L > 0.0f);
  BOOST_TEST(loss.backward().is_finite());
}

BOOST_AUTO_TEST_CASE(softmax_is_unchanged_by_a_constant_added_to_a_column) {
  course::Rng rng(3);
  arma::mat Z(4, 6);
  course::fill_normal(Z, rng, 3.0);
  arma::mat P, P_shifted;
  softmax(Z, P);
  softmax(arma::mat(Z + 123.0), P_shifted);
  BOOST_TEST(arma::approx_equal(P, P_shifted, "absdiff", 1e-13));
  BOOST_TEST(
      log_sum_exp(Z.colptr(0), 4) + 123.0 == log_sum_exp(arma::vec(Z.col(0) + 123.0).memptr(), 4),
      tt::tolerance(1e-13));
}

// ---------------------------------------------------------------------------------------------
// 2. Hand-computed cases (the lesson prints these numbers)

BOOST_AUTO_TEST_CASE(three_class_cross_entropy_by_hand_as_in_the_lesson) {
  // z = (2, 1, 0.1), the true class is 0.
  // sum e^z = 7.389056 + 2.718282 + 1.105171 = 11.212509; log of it: 2.417030
  // p = (0.659001, 0.242433, 0.098566); L = -log 0.659001 = 0.417030
  const arma::mat Z = arma::vec{2.0, 1.0, 0.1};
  const arma::mat Y = arma::vec{1.0, 0.0, 0.0};
  BOOST_TEST(log_sum_exp(Z.memptr(), 3) == 2.4170300162778338, tt::tolerance(1e-15));
  SoftmaxCrossEntropy<double> loss;
  BOOST_TEST(loss.forward(Z, Y) == 0.4170300162778338, tt::tolerance(1e-14));
  const arma::mat& P = loss.probabilities();
  BOOST_TEST(P(0, 0) == 0.6590011388859677, tt::tolerance(1e-14));
  BOOST_TEST(P(1, 0) == 0.24243297070471387, tt::tolerance(1e-14));
  BOOST_TEST(P(2, 0) == 0.09856589040931815, tt::tolerance(1e-14));
  // dL/dz = p - y = (-0.340999, 0.242433, 0.098566)
  const arma::mat& dZ = loss.backward();
  BOOST_TEST(dZ(0, 0) == 0.6590011388859677 - 1.0, tt::tolerance(1e-14));
  BOOST_TEST(dZ(1, 0) == 0.24243297070471387, tt::tolerance(1e-14));
  BOOST_TEST(dZ(2, 0) == 0.09856589040931815, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(
    saturated_wrong_output_quadratic_gradient_is_400_times_smaller_as_in_the_lesson) {
  // Two outputs, z = (-6, 6), but the true class is 0: confidently wrong.
  const arma::mat Z = arma::vec{-6.0, 6.0};
  const arma::mat Y = arma::vec{1.0, 0.0};
  // Quadratic cost on sigmoid outputs: dL/dz = (a - y) sigma'(z) = (-0.0024604, 0.0024604).
  Sigmoid<double> sigmoid;
  QuadraticCost<double> quadratic;
  const double Lq = quadratic.forward(sigmoid.forward(Z), Y);
  const arma::mat dZ_quadratic = sigmoid.backward(quadratic.backward());
  BOOST_TEST(Lq == 0.9950608675520053, tt::tolerance(1e-13));  // near its maximum of 1
  BOOST_TEST(dZ_quadratic(0, 0) == -0.0024604105433701762, tt::tolerance(1e-12));
  BOOST_TEST(dZ_quadratic(1, 0) == 0.0024604105433700596, tt::tolerance(1e-12));
  // Softmax + cross-entropy: dL/dz = p - y = (-0.9999939, 0.9999939); L = 12.000006.
  SoftmaxCrossEntropy<double> ce;
  BOOST_TEST(ce.forward(Z, Y) == 12.000006144193478, tt::tolerance(1e-13));
  BOOST_TEST(ce.backward()(0, 0) == -0.9999938558253978, tt::tolerance(1e-13));
  BOOST_TEST(ce.backward()(1, 0) == 0.999993855825398, tt::tolerance(1e-13));
  BOOST_TEST(std::abs(ce.backward()(0, 0) / dZ_quadratic(0, 0)) > 400.0);
}

BOOST_AUTO_TEST_CASE(mse_and_rmse_by_hand_as_in_the_lesson) {
  // scikit-learn's documented example: y = (3, -0.5, 2, 7), predictions (2.5, 0, 2, 8).
  // errors (-0.5, 0.5, 0, 1); MSE = (0.25 + 0.25 + 0 + 1) / 4 = 0.375; RMSE = 0.612372
  const arma::mat Y = arma::rowvec{3.0, -0.5, 2.0, 7.0};
  const arma::mat A = arma::rowvec{2.5, 0.0, 2.0, 8.0};
  MeanSquaredError<double> mse;
  BOOST_TEST(mse.forward(A, Y) == 0.375, tt::tolerance(1e-15));
  BOOST_TEST(rmse(A, Y) == 0.6123724356957945, tt::tolerance(1e-15));
  // dL/dA = 2 (A - Y) / 4 = (-0.25, 0.25, 0, 0.5)
  const arma::mat expected = arma::rowvec{-0.25, 0.25, 0.0, 0.5};
  BOOST_TEST(arma::approx_equal(mse.backward(), expected, "absdiff", 1e-15));
}

// ---------------------------------------------------------------------------------------------
// 3. Gradient checks (double, relative error <= 1e-7)

BOOST_AUTO_TEST_CASE(fused_gradient_P_minus_Y_equals_the_numeric_gradient) {
  course::Rng rng(11);
  arma::mat Z(4, 6);
  course::fill_normal(Z, rng, 2.0);
  const arma::mat Y_onehot = course::one_hot(arma::uvec{0, 3, 1, 2, 3, 0}, 4);
  arma::mat Y_soft(4, 6);  // probability targets (e.g. label smoothing) also give P - Y
  course::fill_uniform(Y_soft, rng, 0.0, 1.0);
  Y_soft.each_row() /= arma::sum(Y_soft, 0);
  for (const arma::mat* Y : std::vector<const arma::mat*>{&Y_onehot, &Y_soft}) {
    SoftmaxCrossEntropy<double> loss;
    loss.forward(Z, *Y);
    const arma::mat analytic = loss.backward();
    BOOST_TEST(arma::approx_equal(analytic, (loss.probabilities() - *Y) / 6.0, "absdiff", 1e-15));
    const auto r = course::check_gradient(Z, analytic, [&] { return loss.forward(Z, *Y); });
    BOOST_TEST(r.max_rel_error <= 1e-7, r.report("Z"));
  }
}

BOOST_AUTO_TEST_CASE(mse_gradient_equals_the_numeric_gradient) {
  course::Rng rng(12);
  arma::mat A(2, 7), Y(2, 7);
  course::fill_normal(A, rng);
  course::fill_normal(Y, rng);
  MeanSquaredError<double> mse;
  mse.forward(A, Y);
  const arma::mat analytic = mse.backward();
  const auto r = course::check_gradient(A, analytic, [&] { return mse.forward(A, Y); });
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("A"));
}

BOOST_AUTO_TEST_CASE(gradient_check_through_a_classifier_with_softmax_cross_entropy) {
  course::Rng rng(7);
  Sequential<double> net = small_classifier<double>(rng);
  arma::mat X(6, 9);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot(arma::uvec{0, 1, 2, 0, 1, 2, 0, 1, 2}, 3);
  SoftmaxCrossEntropy<double> loss;
  auto L = [&] { return loss.forward(net.forward(X), Y); };
  L();
  net.backward(loss.backward());
  // ReLU has a kink at 0; with this seed no pre-activation lies within 2h = 2e-3 of it.
  check_every_parameter(net.params(), L);
}

BOOST_AUTO_TEST_CASE(gradient_check_through_a_regression_network_with_mse) {
  course::Rng rng(8);
  Sequential<double> net;
  net.add<Dense<double>>(1, 6, rng);
  net.add<Tanh<double>>();
  net.add<Dense<double>>(6, 1, rng);
  const RegressionData<double> d = noisy_sine<double>(10, 0.1, rng);
  MeanSquaredError<double> mse;
  auto L = [&] { return mse.forward(net.forward(d.X), d.Y); };
  L();
  net.backward(mse.backward());
  check_every_parameter(net.params(), L);
}

// ---------------------------------------------------------------------------------------------
// 4. Batched form == per-example oracle

BOOST_AUTO_TEST_CASE(fused_gradient_equals_the_chain_rule_through_the_softmax_jacobian) {
  // The unfused route, one example at a time: dL/dp = -y / p, then through the softmax's
  // Jacobian dp/dz = diag(p) - p p^T (symmetric), and divide by m for the batch mean.
  course::Rng rng(5);
  arma::mat Z(5, 4);
  course::fill_normal(Z, rng, 2.0);
  const arma::mat Y = course::one_hot(arma::uvec{4, 0, 2, 2}, 5);
  SoftmaxCrossEntropy<double> loss;
  loss.forward(Z, Y);
  const arma::mat& fused = loss.backward();
  for (arma::uword i = 0; i < Z.n_cols; ++i) {
    const arma::vec p = loss.probabilities().col(i);
    const arma::vec dL_dp = -Y.col(i) / p;
    const arma::mat J = arma::diagmat(p) - p * p.t();
    const arma::vec dz = J * dL_dp / static_cast<double>(Z.n_cols);
    BOOST_TEST(arma::approx_equal(fused.col(i), dz, "absdiff", 1e-15), "example " << i);
  }
}

BOOST_AUTO_TEST_CASE(batch_loss_is_the_mean_of_the_per_example_losses) {
  course::Rng rng(6);
  arma::mat Z(3, 8);
  course::fill_normal(Z, rng, 5.0);
  const arma::mat Y = course::one_hot(arma::uvec{0, 1, 2, 2, 1, 0, 0, 1}, 3);
  SoftmaxCrossEntropy<double> batch, one;
  const double L = batch.forward(Z, Y);
  double sum = 0;
  for (arma::uword i = 0; i < Z.n_cols; ++i) {
    const arma::mat z = Z.col(i), y = Y.col(i);
    const double Li = one.forward(z, y);
    BOOST_TEST(Li == -std::log(batch.probabilities()(arma::index_max(y.col(0)), i)),
               tt::tolerance(1e-12));
    sum += Li;
  }
  BOOST_TEST(L == sum / Z.n_cols, tt::tolerance(1e-14));
}

// ---------------------------------------------------------------------------------------------
// 5. Training: allocation-free steps, and seeded smoke tests

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_batch_with_either_loss) {
  course::Rng rng(5);
  arma::fmat X(20, 105);  // 10 full batches and a short one
  course::fill_normal(X, rng);
  const arma::uvec labels =
      arma::regspace<arma::uvec>(0, 104) - 4 * (arma::regspace<arma::uvec>(0, 104) / 4);
  const arma::fmat Y = course::one_hot<arma::fmat>(labels, 4);
  SoftmaxCrossEntropy<float> ce;
  MeanSquaredError<float> mse;
  for (Loss<float>* loss : std::vector<Loss<float>*>{&ce, &mse}) {
    Sequential<float> net;
    net.add<Dense<float>>(20, 16, rng);
    net.add<ReLU<float>>();
    net.add<Dense<float>>(16, 4, rng);
    SGD<float> sgd(net.params(), 0.05);
    Trainer<float> trainer(net, *loss, sgd, 10);
    check_no_allocation_after_first_batch(trainer, X, Y, rng, loss->describe());
  }
}

BOOST_AUTO_TEST_CASE(regression_network_reaches_the_noise_floor) {
  // The lesson's regression, shortened: 1-16-1 tanh, MSE, 300 epochs on 200 points.
  course::Rng rng(42);
  const RegressionData<float> train = noisy_sine<float>(200, 0.1, rng);
  const RegressionData<float> test = noisy_sine<float>(1000, 0.1, rng);
  Sequential<float> net;
  net.add<Dense<float>>(1, 16, rng);
  net.add<Tanh<float>>();
  auto& output = net.add<Dense<float>>(16, 1, rng);
  output.W /= 4.0f;
  MeanSquaredError<float> mse;
  SGD<float> sgd(net.params(), 0.05);
  Trainer<float> trainer(net, mse, sgd, 10);
  std::vector<double> losses;
  for (std::size_t epoch = 1; epoch <= 300; ++epoch) {
    if (epoch == 241) sgd.eta /= 10;  // the last fifth with smaller steps, as main.cpp does
    losses.push_back(trainer.train_epoch(train.X, train.Y, rng, epoch));
  }
  const double test_rmse = rmse(arma::fmat(net.forward(test.X)), test.Y);
  BOOST_TEST_MESSAGE("regression: test RMSE " << test_rmse << " (noise 0.1)");
  BOOST_TEST(losses.back() < 0.1 * losses.front());
  BOOST_TEST(test_rmse < 0.12);  // the noise alone gives 0.1; predicting the mean gives ~0.7
}

BOOST_AUTO_TEST_CASE(noisy_sine_has_the_requested_noise_and_is_seeded) {
  course::Rng rng(1), rng_again(1);
  const RegressionData<double> d = noisy_sine<double>(20000, 0.1, rng);
  BOOST_TEST(d.X.min() >= -M_PI);
  BOOST_TEST(d.X.max() < M_PI);
  const arma::rowvec residual = d.Y.row(0) - arma::sin(d.X.row(0));
  BOOST_TEST(std::abs(arma::mean(residual)) <
             0.003);  // 4 standard errors: 0.1 / sqrt(20000) = 0.0007
  BOOST_TEST(arma::stddev(residual) == 0.1, tt::tolerance(0.02));  // relative: 0.098 .. 0.102
  BOOST_TEST(arma::approx_equal(d.Y, noisy_sine<double>(20000, 0.1, rng_again).Y, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(mnist_5000_images_reach_90_percent_in_4_epochs_needs_mnist) {
  const auto train = course::load_images("mnist", "train", "", 5000);
  const auto test = course::load_images("mnist", "test", "");
  course::Rng rng(42);
  Sequential<float> net;
  auto& hidden = net.add<Dense<float>>(784, 100, rng);
  hidden.W /= std::sqrt(784.0f);
  hidden.b.zeros();
  net.add<ReLU<float>>();
  auto& output = net.add<Dense<float>>(100, 10, rng);
  output.W /= 10.0f;
  output.b.zeros();
  SoftmaxCrossEntropy<float> loss;
  SGD<float> sgd(net.params(), 0.1);
  Trainer<float> trainer(net, loss, sgd, 16);
  const arma::fmat Y = course::one_hot<arma::fmat>(train.labels, 10);
  std::vector<double> losses;
  for (std::size_t epoch = 1; epoch <= 4; ++epoch)
    losses.push_back(trainer.train_epoch(train.X, Y, rng, epoch));
  const double acc = count_correct(net, test.X, test.labels) / 10000.0;
  BOOST_TEST_MESSAGE("5,000-image slice, softmax + cross-entropy: test accuracy " << acc);
  BOOST_TEST(losses.back() < 0.5 * losses.front());
  BOOST_TEST(acc >= 0.90);
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input

BOOST_AUTO_TEST_CASE(mse_and_rmse_reject_mismatched_shapes_with_a_clear_message) {
  MeanSquaredError<float> mse;
  try {
    mse.forward(arma::fmat(1, 5, arma::fill::zeros), arma::fmat(1, 4, arma::fill::zeros));
    BOOST_FAIL("expected an error");
  } catch (const course::Error& e) {
    BOOST_TEST(std::string(e.what()) == "mean squared error: predictions are 1 x 5, targets 1 x 4");
  }
  BOOST_CHECK_THROW(rmse(arma::fmat(2, 3, arma::fill::zeros), arma::fmat(3, 2, arma::fill::zeros)),
                    course::Error);
}
