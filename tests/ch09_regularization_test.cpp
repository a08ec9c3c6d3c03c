// Chapter 09 tests: dropout (identity in eval mode, the right fraction dropped, the expectation
// kept over many seeds, the forward's mask in backward), the L2 and L1 penalties (hand values,
// "adds lambda/n * w" exactly, gradient checks of loss + penalty in double), early stopping
// (restores the best epoch's weights bit for bit), random shifts (hand case, pixel sum and label
// kept, uniform choice of shifts), the depth study's networks and its mean and spread, no
// allocation per batch, and a 1,000-image MNIST run.
#define BOOST_TEST_MODULE ch09_regularization
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <new>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/sigmoid_cross_entropy.hpp"
#include "chapters/09_regularization/augment.hpp"
#include "chapters/09_regularization/dropout.hpp"
#include "chapters/09_regularization/early_stopping.hpp"
#include "chapters/09_regularization/experiments.hpp"
#include "chapters/09_regularization/penalties.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/<chapter>.cmake)

using namespace mlp;
namespace tt = boost::test_tools;

namespace {

/// 5 -> 4 (sigmoid) -> dropout -> 3 logits, in double for the gradient checks.
Sequential<double> small_net(course::Rng& rng, double p_drop) {
  Sequential<double> net;
  net.add<Dense<double>>(5, 4, rng);
  net.add<Sigmoid<double>>();
  if (p_drop > 0) net.add<Dropout<double>>(p_drop, rng);
  net.add<Dense<double>>(4, 3, rng);
  return net;
}

/// A random image of rows x cols with integer grey levels 0..255 inside a blank margin.
arma::mat image_with_margin(arma::uword rows, arma::uword cols, arma::uword margin,
                            course::Rng& rng) {
  arma::mat img(rows * cols, 1, arma::fill::zeros);
  for (arma::uword r = margin; r < rows - margin; ++r)
    for (arma::uword c = margin; c < cols - margin; ++c)
      img(r * cols + c, 0) = double(course::uniform_index(rng, 256));
  return img;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Dropout: invariants and statistics.

BOOST_AUTO_TEST_CASE(dropout_is_the_identity_in_eval_mode) {
  course::Rng rng(1);
  Dropout<float> drop(0.5, rng);
  arma::fmat X(30, 7);
  course::fill_normal(X, rng);
  drop.set_training(false);
  const arma::fmat& A = drop.forward(X);
  BOOST_TEST(arma::approx_equal(A, X, "absdiff", 0.0f));
  const arma::fmat G = arma::fmat(30, 7, arma::fill::randu);
  BOOST_TEST(arma::approx_equal(drop.backward(G), G, "absdiff", 0.0f));
  // and back in training mode it does drop something
  drop.set_training(true);
  BOOST_TEST(arma::accu(drop.forward(X) == 0.0f) > 0u);
}

BOOST_AUTO_TEST_CASE(dropout_drops_the_right_fraction_and_scales_the_rest) {
  for (double p : {0.2, 0.5, 0.8}) {
    course::Rng rng(2);
    Dropout<float> drop(p, rng);
    const arma::fmat ones(500, 200, arma::fill::ones);  // N = 100,000 entries
    const arma::fmat& A = drop.forward(ones);
    const double N = double(A.n_elem);
    const double dropped = arma::accu(A == 0.0f) / N;
    // binomial: standard deviation sqrt(p(1-p)/N) <= 0.0016; allow 4 of them
    BOOST_TEST(std::abs(dropped - p) <= 4 * std::sqrt(p * (1 - p) / N),
               "p " << p << ": dropped " << dropped);
    const float keep_scale = static_cast<float>(1.0 / (1.0 - p));
    BOOST_TEST(arma::accu(A == keep_scale) == A.n_elem - arma::accu(A == 0.0f), "p " << p);
  }
}

BOOST_AUTO_TEST_CASE(dropout_keeps_the_expectation_over_many_seeds) {
  const arma::vec x = {0.5, -1.0, 2.0, 3.0, -0.25, 1.5};
  const double p = 0.5;
  const arma::uword seeds = 20000;
  arma::vec sum(x.n_elem, arma::fill::zeros);
  for (arma::uword s = 0; s < seeds; ++s) {
    course::Rng rng(s);
    Dropout<double> drop(p, rng);
    sum += drop.forward(arma::mat(x)).col(0);
  }
  const arma::vec mean = sum / double(seeds);
  // each output is x/(1-p) w.p. 1-p, else 0: variance x^2 p/(1-p); the mean's sd is
  // |x| sqrt(p/(1-p)/seeds) = 0.0071 |x|; allow 4 sd
  for (arma::uword i = 0; i < x.n_elem; ++i)
    BOOST_TEST(std::abs(mean[i] - x[i]) <= 4 * std::abs(x[i]) * std::sqrt(p / (1 - p) / seeds),
               "entry " << i << ": mean " << mean[i] << ", input " << x[i]);
}

BOOST_AUTO_TEST_CASE(dropout_backward_applies_the_forward_mask) {
  course::Rng rng(3);
  Dropout<double> drop(0.3, rng);
  arma::mat X(6, 5), G(6, 5);
  course::fill_normal(X, rng);
  course::fill_normal(G, rng);
  const arma::mat A = drop.forward(X);
  const arma::mat M = drop.mask();
  BOOST_TEST(arma::approx_equal(A, X % M, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(drop.backward(G), G % M, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(dropout_rejects_a_probability_of_one) {
  course::Rng rng(0);
  BOOST_CHECK_THROW(Dropout<float>(1.0, rng), course::UsageError);
  BOOST_CHECK_THROW(Dropout<float>(-0.1, rng), course::UsageError);
}

// The depth study's networks: hidden layers of one width, a dropout after each when asked; with
// one hidden layer, the same weights from the same seed as Nielsen's 784-30-10 built by hand.
BOOST_AUTO_TEST_CASE(the_depth_study_stacks_hidden_layers_of_one_width) {
  regularization::SmallConfig c;
  c.hidden_layers = 3;
  course::Rng rng(3);
  Sequential<float> deep = regularization::small_net({"dropout", "", 0, 0, 0.3}, c, rng);
  BOOST_TEST(deep.describe() ==
             "Dense(784 -> 30) -> Sigmoid -> Dropout(p = 0.30) -> Dense(30 -> 30) -> Sigmoid -> "
             "Dropout(p = 0.30) -> Dense(30 -> 30) -> Sigmoid -> Dropout(p = 0.30) -> "
             "Dense(30 -> 10)");
  BOOST_TEST(deep.n_params() == 784u * 30 + 30 + 2 * (30 * 30 + 30) + 30 * 10 + 10);  // 25720
  c.hidden_layers = 1;
  course::Rng a(42), b(42);
  Sequential<float> one = regularization::small_net({"none", ""}, c, a);
  Sequential<float> by_hand;
  by_hand.add<Dense<float>>(784, 30, b);
  by_hand.add<Sigmoid<float>>();
  by_hand.add<Dense<float>>(30, 10, b);
  BOOST_TEST(one.describe() == by_hand.describe());
  const auto p = one.params(), q = by_hand.params();
  BOOST_REQUIRE(p.size() == q.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    BOOST_TEST(arma::approx_equal(*p[i].value, *q[i].value, "absdiff", 0.0f), p[i].name);
}

BOOST_AUTO_TEST_CASE(spread_is_the_mean_and_the_sample_standard_deviation) {
  const auto s = regularization::spread({1.0, 2.0, 3.0, 4.0});
  BOOST_TEST(s.mean == 2.5);
  BOOST_TEST(s.sd == std::sqrt(5.0 / 3.0), tt::tolerance(1e-15));  // sum of squares 5, n - 1 = 3
  BOOST_TEST(regularization::spread({0.8}).sd == 0.0);             // one seed: no spread
}

// ---------------------------------------------------------------------------------------------
// 2. Hand-computed penalties (the lesson's numbers).

BOOST_AUTO_TEST_CASE(weights_only_leaves_out_the_biases) {
  course::Rng rng(0);
  Sequential<double> net = small_net(rng, 0.5);
  const auto w = weights_only(net.params());
  BOOST_TEST(w.size() == 2u);
  BOOST_TEST(w[0].name == "0.weight");
  BOOST_TEST(w[1].name == "3.weight");
}

BOOST_AUTO_TEST_CASE(l2_by_hand_is_nielsens_weight_decay) {
  arma::mat W = {{1.0, -2.0}, {3.0, 0.5}}, dW(2, 2, arma::fill::zeros);
  arma::mat b = arma::vec{0.7, -0.3}, db(2, 1, arma::fill::zeros);
  const std::vector<Param<double>> params = {{"0.weight", &W, &dW},
                                             {"0.bias", &b, &db, /*is_bias=*/true}};
  L2Penalty<double> l2(weights_only(params), /*lambda=*/0.1, /*n=*/1000);
  // Omega = lambda/(2n) sum w^2 = 0.1/2000 * (1 + 4 + 9 + 0.25) = 7.125e-4
  BOOST_TEST(l2.value() == 7.125e-4, tt::tolerance(1e-12));
  // With no data gradient, one SGD step (eta 0.5) multiplies W by 1 - eta lambda/n = 0.99995
  SGD<double> sgd(params, 0.5);
  Regularized<double> opt(sgd, l2);
  opt.step();
  BOOST_TEST(W(0, 0) == 0.99995, tt::tolerance(1e-14));
  BOOST_TEST(W(0, 1) == -1.9999, tt::tolerance(1e-14));
  BOOST_TEST(W(1, 0) == 2.99985, tt::tolerance(1e-14));
  BOOST_TEST(W(1, 1) == 0.499975, tt::tolerance(1e-14));
  BOOST_TEST(b(0, 0) == 0.7);  // biases are not penalized
  BOOST_TEST(b(1, 0) == -0.3);
}

BOOST_AUTO_TEST_CASE(l2_adds_lambda_w_to_the_gradient_and_l1_adds_lambda_sign_w) {
  course::Rng rng(4);
  arma::mat W(3, 4), dW(3, 4), b(3, 1), db(3, 1);
  for (auto* M : {&W, &dW, &b, &db}) course::fill_normal(*M, rng);
  const arma::mat dW0 = dW, db0 = db;
  const std::vector<Param<double>> params = {{"2.weight", &W, &dW},
                                             {"2.bias", &b, &db, /*is_bias=*/true}};
  // n = 1: the added gradient is exactly lambda * w
  L2Penalty<double> l2(weights_only(params), 0.3, 1);
  l2.add_gradient();
  BOOST_TEST(arma::approx_equal(dW - dW0, 0.3 * W, "absdiff", 1e-15));
  BOOST_TEST(arma::approx_equal(db, db0, "absdiff", 0.0));
  // Nielsen's scaling: lambda/n * w
  dW = dW0;
  L2Penalty<double> l2n(weights_only(params), 5.0, 1000);
  l2n.add_gradient();
  BOOST_TEST(arma::approx_equal(dW - dW0, 0.005 * W, "absdiff", 1e-15));
  // L1: lambda/n * sign(w)
  dW = dW0;
  L1Penalty<double> l1(weights_only(params), 2.0, 100);
  l1.add_gradient();
  BOOST_TEST(arma::approx_equal(dW - dW0, 0.02 * arma::sign(W), "absdiff", 1e-15));
  BOOST_TEST(l1.value() == 0.02 * arma::accu(arma::abs(W)), tt::tolerance(1e-14));
  BOOST_CHECK_THROW(L2Penalty<double>(weights_only(params), -1.0, 10), course::UsageError);
  BOOST_CHECK_THROW(L1Penalty<double>(weights_only(params), 1.0, 0), course::UsageError);
}

// ---------------------------------------------------------------------------------------------
// 3. Gradient checks (double): loss + penalty, and through dropout with its mask held fixed.

BOOST_AUTO_TEST_CASE(gradient_check_of_the_loss_plus_each_penalty) {
  for (const std::string kind : {"L2", "L1"}) {
    course::Rng rng(11);
    Sequential<double> net = small_net(rng, 0);
    arma::mat X(5, 8);
    course::fill_normal(X, rng);
    const arma::mat Y = course::one_hot(arma::uvec{0, 1, 2, 0, 1, 2, 0, 1}, 3);
    SigmoidCrossEntropy<double> cost;
    std::unique_ptr<Penalty<double>> penalty;
    if (kind == "L2")
      penalty = std::make_unique<L2Penalty<double>>(weights_only(net.params()), 0.7, 8);
    else
      penalty = std::make_unique<L1Penalty<double>>(weights_only(net.params()), 0.7, 8);
    // |w| has a kink at 0: every weight must be farther from it than the checker's 2h = 2e-3
    for (const auto& p : penalty->weights()) BOOST_REQUIRE(arma::abs(*p.value).min() > 2e-3);
    auto loss = [&] { return cost.forward(net.forward(X), Y) + penalty->value(); };  // C0 + Omega
    loss();
    net.backward(cost.backward());
    penalty->add_gradient();  // dC/dW = dC0/dW + dOmega/dW
    check_every_parameter(net.params(), loss, kind + " ");
  }
}

BOOST_AUTO_TEST_CASE(gradient_check_through_dropout_with_a_fixed_mask) {
  course::Rng rng(12);
  Sequential<double> net = small_net(rng, 0.4);
  arma::mat X(5, 8);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot(arma::uvec{0, 1, 2, 0, 1, 2, 0, 1}, 3);
  SoftmaxCrossEntropy<double> cost;
  // Re-seeding the generator before every forward draws the same mask each time.
  auto loss = [&] {
    rng.seed(99);
    return cost.forward(net.forward(X), Y);
  };
  loss();
  BOOST_REQUIRE(net.layer(2).kind() == "Dropout");
  const auto& drop = static_cast<const Dropout<double>&>(net.layer(2));
  BOOST_REQUIRE(arma::accu(drop.mask() == 0.0) > 0u);  // some units are dropped
  net.backward(cost.backward());
  check_every_parameter(net.params(), loss);
}

// ---------------------------------------------------------------------------------------------
// 4. Early stopping.

BOOST_AUTO_TEST_CASE(early_stopping_restores_the_best_epochs_weights) {
  arma::mat W(2, 3), dW(2, 3);
  const std::vector<Param<double>> params = {{"0.weight", &W, &dW}};
  EarlyStopping<double> stop(params, /*patience=*/2);
  const std::vector<double> scores = {0.50, 0.80, 0.70, 0.80};  // best at epoch 2; 4 only ties
  for (arma::uword epoch = 1; epoch <= 4; ++epoch) {
    W.fill(double(epoch));  // the weights after this epoch
    BOOST_TEST(stop.record(epoch, scores[epoch - 1]) == (epoch <= 2));
    BOOST_TEST(stop.should_stop() == (epoch == 4));  // two epochs without improvement
  }
  BOOST_TEST(stop.best_epoch() == 2u);
  BOOST_TEST(stop.best_score() == 0.80);
  stop.restore();
  BOOST_TEST(arma::approx_equal(W, arma::mat(2, 3, arma::fill::value(2.0)), "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(early_stopping_in_training_returns_the_best_epoch_bit_for_bit) {
  course::Rng rng(21);
  Sequential<float> net;
  net.add<Dense<float>>(6, 8, rng);
  net.add<Sigmoid<float>>();
  net.add<Dense<float>>(8, 3, rng);
  arma::fmat X(6, 60), Xv(6, 60);
  course::fill_normal(X, rng);
  course::fill_normal(Xv, rng);
  arma::uvec y = arma::index_max(X.rows(0, 2), 0).t(), yv = arma::index_max(Xv.rows(0, 2), 0).t();
  const arma::fmat Y = course::one_hot<arma::fmat>(y, 3);
  SoftmaxCrossEntropy<float> loss;
  SGD<float> sgd(net.params(), 2.0);  // large steps: the validation score goes up and down
  Trainer<float> trainer(net, loss, sgd, 5);
  EarlyStopping<float> stop(net.params(), 0);
  std::vector<std::vector<arma::fmat>> snapshots;  // every epoch's weights, kept by the test
  std::vector<double> scores;
  for (arma::uword epoch = 1; epoch <= 25; ++epoch) {
    trainer.train_epoch(X, Y, rng, epoch);
    scores.push_back(count_correct(net, Xv, yv) / 60.0);
    stop.record(epoch, scores.back());
    std::vector<arma::fmat> snap;
    for (auto& p : net.params()) snap.push_back(*p.value);
    snapshots.push_back(snap);
  }
  const auto best =
      static_cast<arma::uword>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  BOOST_TEST(stop.best_epoch() == best + 1);  // the first epoch with the best score
  BOOST_TEST(stop.best_score() == scores[best]);
  BOOST_TEST(stop.best_epoch() <
             25u);  // the last epoch is not the best: restoring changes something
  stop.restore();
  const auto params = net.params();
  for (std::size_t i = 0; i < params.size(); ++i)
    BOOST_TEST(arma::approx_equal(*params[i].value, snapshots[best][i], "absdiff", 0.0f),
               params[i].name);
  BOOST_TEST(count_correct(net, Xv, yv) / 60.0 == scores[best]);
}

BOOST_AUTO_TEST_CASE(early_stopping_without_a_record_cannot_restore) {
  arma::mat W(1, 1), dW(1, 1);
  EarlyStopping<double> stop({{"0.weight", &W, &dW}}, 3);
  BOOST_CHECK_THROW(stop.restore(), course::Error);
  BOOST_CHECK_THROW(stop.record(0, 0.5), course::Error);  // epochs count from 1
}

// ---------------------------------------------------------------------------------------------
// 5. Random shifts.

BOOST_AUTO_TEST_CASE(shift_by_hand) {
  // 3 x 4 image, row after row; move it 1 right (dx = 1) and 1 up (dy = -1)
  const arma::vec in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  arma::vec out(12);
  shift_image(in.memptr(), out.memptr(), 3, 4, 1, -1);
  const arma::vec expected = {0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0};
  BOOST_TEST(arma::approx_equal(out, expected, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(shifts_inside_the_frame_keep_the_pixel_sum_and_undo_exactly) {
  course::Rng rng(31);
  const arma::mat img =
      image_with_margin(28, 28, 2, rng);  // a 24 x 24 picture, 2 blank pixels around
  arma::mat moved(784, 1), back(784, 1);
  for (int dx = -2; dx <= 2; ++dx)
    for (int dy = -2; dy <= 2; ++dy) {
      shift_image(img.memptr(), moved.memptr(), 28, 28, dx, dy);
      BOOST_TEST(arma::accu(moved) == arma::accu(img),
                 "shift " << dx << "," << dy);  // integers: exact
      shift_image(moved.memptr(), back.memptr(), 28, 28, -dx, -dy);
      BOOST_TEST(arma::approx_equal(back, img, "absdiff", 0.0), "shift " << dx << "," << dy);
    }
  // a shift of 3 pushes part of the picture out of the frame
  shift_image(img.memptr(), moved.memptr(), 28, 28, 3, 0);
  BOOST_TEST(arma::accu(moved) < arma::accu(img));
}

BOOST_AUTO_TEST_CASE(random_shifts_keep_each_label_with_its_image) {
  course::Rng rng(41);
  const arma::uword n = 1000;
  arma::fmat X(784, n);
  for (arma::uword j = 0; j < n; ++j)
    X.col(j) = arma::conv_to<arma::fvec>::from(image_with_margin(28, 28, 2, rng));
  arma::fmat X_out;
  random_shifts(X, 28, 28, 2, rng, X_out);
  BOOST_REQUIRE(X_out.n_cols == n);
  // Column j of the output is column j of the input moved by one of the 25 shifts: the label of
  // column j still describes it. Count how often each shift was chosen.
  arma::umat used(5, 5, arma::fill::zeros);
  arma::fvec moved(784);
  for (arma::uword j = 0; j < n; ++j) {
    int found = 0;
    for (int dx = -2; dx <= 2; ++dx)
      for (int dy = -2; dy <= 2; ++dy) {
        shift_image(X.colptr(j), moved.memptr(), 28, 28, dx, dy);
        if (arma::approx_equal(moved, X_out.col(j), "absdiff", 0.0f)) {
          ++used(dy + 2, dx + 2);
          ++found;
        }
      }
    BOOST_REQUIRE_MESSAGE(found == 1,
                          "column " << j << " matches " << found << " shifts of its image");
    BOOST_TEST(arma::accu(X_out.col(j)) == arma::accu(X.col(j)));
  }
  // uniform over the 25 shifts: 40 expected each (binomial sd 6.2); allow 40 +- 4 sd
  BOOST_TEST(used.min() >= 15u, "\n" << used);
  BOOST_TEST(used.max() <= 65u, "\n" << used);
  // max_shift 0 is the identity; a wrong image size is an error
  random_shifts(X, 28, 28, 0, rng, X_out);
  BOOST_TEST(arma::approx_equal(X_out, X, "absdiff", 0.0f));
  BOOST_CHECK_THROW(random_shifts(X, 27, 28, 2, rng, X_out), course::Error);
}

// ---------------------------------------------------------------------------------------------
// 6. No allocation per batch with dropout, a penalty and momentum; shifts reuse their buffer.

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_batch) {
  for (const std::string kind : {"L2", "L1"}) {
    course::Rng rng(5);
    Sequential<float> net;
    net.add<Dropout<float>>(0.2, rng);
    net.add<Dense<float>>(20, 16, rng);
    net.add<ReLU<float>>();
    net.add<Dropout<float>>(0.5, rng);
    net.add<Dense<float>>(16, 4, rng);
    arma::fmat X(20, 105);  // 10 full batches and a short one
    course::fill_normal(X, rng);
    const arma::uvec y =
        arma::regspace<arma::uvec>(0, 104) - 4 * (arma::regspace<arma::uvec>(0, 104) / 4);
    const arma::fmat Y = course::one_hot<arma::fmat>(y, 4);
    SoftmaxCrossEntropy<float> loss;
    Momentum<float> momentum(net.params(), 0.05);
    std::unique_ptr<Penalty<float>> penalty;
    if (kind == "L2")
      penalty = std::make_unique<L2Penalty<float>>(weights_only(net.params()), 0.1, 105);
    else
      penalty = std::make_unique<L1Penalty<float>>(weights_only(net.params()), 0.1, 105);
    Regularized<float> opt(momentum, *penalty);
    Trainer<float> trainer(net, loss, opt, 10);
    check_no_allocation_after_first_batch(trainer, X, Y, rng, kind);
  }
  course::Rng rng(6);
  arma::fmat images(784, 50, arma::fill::randu), shifted;
  mlp::random_shifts(images, 28, 28, 2, rng, shifted);
  const long before = g_allocations.load();
  mlp::random_shifts(images, 28, 28, 2, rng, shifted);  // the next epoch
  BOOST_TEST(g_allocations.load() - before == 0);
}

// ---------------------------------------------------------------------------------------------
// 7. MNIST: real digits keep their pixel sum under shifts; 1,000 images overfit, shifts help.

BOOST_AUTO_TEST_CASE(mnist_digits_keep_their_pixel_sum_when_shifted_needs_mnist) {
  const auto train = course::load_images("mnist", "train", "", 1000);
  arma::fvec moved(784);
  arma::uword inside = 0;
  for (arma::uword j = 0; j < 1000; ++j) {
    // does the digit leave 2 blank rows and columns on every side?
    const arma::fmat img = arma::reshape(train.X.col(j), 28, 28);  // img(c, r): row-major pixels
    const arma::uvec nz = arma::find(img > 0.0f);
    const arma::umat rc = arma::ind2sub(arma::size(img), nz);  // rows of rc: (c, r)
    if (rc.row(0).min() < 2 || rc.row(0).max() > 25 || rc.row(1).min() < 2 || rc.row(1).max() > 25)
      continue;
    ++inside;
    for (int dx : {-2, 2})
      for (int dy : {-2, 2}) {
        shift_image(train.X.colptr(j), moved.memptr(), 28, 28, dx, dy);
        BOOST_TEST(
            arma::accu(arma::sort(moved)) == arma::accu(arma::sort(arma::fvec(train.X.col(j)))),
            "image " << j);
      }
  }
  BOOST_TEST_MESSAGE(inside << " of 1000 digits keep a 2-pixel margin");  // 869
  BOOST_TEST(inside >= 850u);
}

// The lesson's experiment, shortened to 40 epochs: 784-30-10 learns 1,000 images almost
// perfectly but does much worse on images it has not seen; random shifts narrow the gap.
BOOST_AUTO_TEST_CASE(a_1000_image_net_overfits_and_shifts_help_needs_mnist) {
  const auto train = course::load_images("mnist", "train", "");
  const arma::fmat X = train.X.head_cols(1000), X_val = train.X.tail_cols(10000);
  const arma::uvec y = train.labels.head(1000), y_val = train.labels.tail(10000);
  const arma::fmat Y = course::one_hot<arma::fmat>(y, 10);
  double train_acc[2], val_acc[2];
  for (int shifts = 0; shifts <= 1; ++shifts) {
    course::Rng rng(42);
    Sequential<float> net;
    net.add<Dense<float>>(784, 30, rng);
    net.add<Sigmoid<float>>();
    net.add<Dense<float>>(30, 10, rng);
    SigmoidCrossEntropy<float> cost;
    SGD<float> sgd(net.params(), 0.5);
    Trainer<float> trainer(net, cost, sgd, 10);
    arma::fmat X_shifted;
    for (std::size_t epoch = 1; epoch <= 40; ++epoch) {
      if (shifts) random_shifts(X, 28, 28, 2, rng, X_shifted);
      trainer.train_epoch(shifts ? X_shifted : X, Y, rng, epoch);
    }
    train_acc[shifts] = count_correct(net, X, y) / 1000.0;
    val_acc[shifts] = count_correct(net, X_val, y_val) / 10000.0;
    BOOST_TEST_MESSAGE((shifts ? "shifts: " : "none:   ")
                       << "training accuracy " << train_acc[shifts] << ", validation "
                       << val_acc[shifts]);
  }
  BOOST_TEST(train_acc[0] >= 0.98);               // memorized
  BOOST_TEST(train_acc[0] - val_acc[0] >= 0.10);  // a gap of over 10 points: overfitting
  BOOST_TEST(val_acc[1] >= val_acc[0] + 0.01);    // shifts: at least a point better
  BOOST_TEST(train_acc[1] - val_acc[1] < train_acc[0] - val_acc[0]);  // and a smaller gap
}
