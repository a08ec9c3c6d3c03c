// Chapter 03 tests: what the lesson claims about the sigmoid neuron, asserted.
#define BOOST_TEST_MODULE ch03_sigmoid_neuron
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "chapters/03_sigmoid_neuron/experiments.hpp"
#include "chapters/03_sigmoid_neuron/iris_task.hpp"
#include "common/gradcheck.hpp"

using namespace sigmoid_neuron;
namespace tt = boost::test_tools;

namespace {

/// The lesson's task with the executable's defaults, split by seed 42 as in the quick run.
struct Quick {
  Task task = load_tasks().all;
  Settings settings;
  OneSplit s = one_split(task, settings, 42);
};

/// Standardized training part of the quick split, and its targets.
struct TrainPart : Quick {
  TrainingPart part = training_part(task, s);
  const arma::mat& X = part.X;
  const arma::rowvec& Y = part.Y;
};

}  // namespace

// --- 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(sigmoid_is_symmetric_and_its_slope_peaks_at_one_quarter) {
  BOOST_TEST(sigmoid(0.0) == 0.5);
  BOOST_TEST(sigmoid_prime(0.0) == 0.25);
  for (double z : {-30.0, -3.0, -0.5, 0.7, 4.0, 20.0}) {
    BOOST_TEST(std::abs(sigmoid(-z) - (1.0 - sigmoid(z))) <= 1e-15);  // sigma(-z) = 1 - sigma(z)
    BOOST_TEST(sigmoid_prime(z) < 0.25);
  }
  // Saturated: the slope at |z| = 10 is about e^-10.
  BOOST_TEST(sigmoid_prime(10.0) == std::exp(-10.0), tt::tolerance(1e-4));
}

BOOST_AUTO_TEST_CASE(forward_gives_one_logit_per_column) {
  SigmoidNeuron n(3);
  n.W = {1.0, -2.0, 0.5};
  n.b = 0.25;
  const arma::mat X = {{1, 0, 2, -1}, {0, 1, 1, 0}, {2, 0, 0, 4}};  // (3 x 4)
  const arma::rowvec Z = n.logits(X);
  BOOST_TEST(Z.n_rows == 1u);
  BOOST_TEST(Z.n_cols == 4u);
  BOOST_TEST(Z[0] == 2.25);   // 1 + 0 + 1 + 0.25
  BOOST_TEST(Z[1] == -1.75);  // -2 + 0.25
  BOOST_TEST(arma::all(n.predict(X) == arma::uvec({1, 0, 1, 1})));
}

// --- 2. Hand-computed values (they appear in the lesson).

BOOST_AUTO_TEST_CASE(worked_example_as_in_the_lesson) {
  // w = (1, -1), b = 0, x = (2, 1), y = 0: z = 1, p = 0.7311, L = 1.3133, dL/dw = p x.
  SigmoidNeuron n(2);
  n.W = {1.0, -1.0};
  const arma::mat X = arma::vec{2.0, 1.0};  // (2 x 1): one example
  const arma::rowvec Y = {0.0};
  BOOST_TEST(n.logits(X)[0] == 1.0);
  BOOST_TEST(n.probability(X)[0] == 0.7310585786300049, tt::tolerance(1e-15));
  BOOST_TEST(loss(n, X, Y, Loss::cross_entropy) == 1.3132616875182228, tt::tolerance(1e-15));
  const Gradient g = gradient(n, X, Y, Loss::cross_entropy);
  BOOST_TEST(g.dW[0] == 1.4621171572600098, tt::tolerance(1e-15));  // (p - y) x_1
  BOOST_TEST(g.dW[1] == 0.7310585786300049, tt::tolerance(1e-15));  // (p - y) x_2
  BOOST_TEST(g.db == 0.7310585786300049, tt::tolerance(1e-15));     // (p - y)
  // MSE: L = (p - y)^2 / 2 = 0.2672, dL/dz = (p - y) p (1 - p) = 0.1437.
  BOOST_TEST(loss(n, X, Y, Loss::mse) == 0.2672233226942615, tt::tolerance(1e-14));
  BOOST_TEST(gradient(n, X, Y, Loss::mse).db == 0.14373484045721513, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(cross_entropy_is_finite_and_exact_for_logits_of_plus_minus_1000) {
  // Right and sure: loss 0. Wrong and sure: loss |z| = 1000, not infinity.
  BOOST_TEST(bce(1000.0, 1.0) == 0.0);
  BOOST_TEST(bce(-1000.0, 0.0) == 0.0);
  BOOST_TEST(bce(1000.0, 0.0) == 1000.0);
  BOOST_TEST(bce(-1000.0, 1.0) == 1000.0);
  BOOST_TEST(log_sigmoid(-1000.0) == -1000.0);
  BOOST_TEST(log_sigmoid(1000.0) == 0.0);
  // The naive form takes log(0) there: this is the failure the stable form avoids.
  BOOST_TEST(std::isinf(bce_naive(1000.0, 0.0)));
  BOOST_TEST(std::isinf(bce_naive(-1000.0, 1.0)));
  // The batch loss and its gradient stay finite too: dL/dz = (p - y) = +-1 or 0.
  const arma::rowvec Z = {1000.0, -1000.0, 1000.0, -1000.0}, Y = {0.0, 1.0, 1.0, 0.0};
  BOOST_TEST(mean_loss(Loss::cross_entropy, Z, Y) == 500.0);
  const arma::rowvec d = delta(Loss::cross_entropy, Z, Y) * 4.0;
  BOOST_TEST(arma::approx_equal(d, arma::rowvec{1.0, -1.0, 0.0, 0.0}, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(stable_cross_entropy_agrees_with_the_naive_form_where_that_works) {
  for (double z : {-4.0, -2.5, -0.1, 0.0, 0.3, 4.0})
    for (double y : {0.0, 1.0}) BOOST_TEST(bce(z, y) == bce_naive(z, y), tt::tolerance(1e-12));
  // At z = 20 the naive form already loses digits (1 - p cancels): 19.99999997 instead of
  // softplus(20) = 20 + log(1 + e^-20) = 20.000000002.
  BOOST_TEST(bce(20.0, 0.0) == 20.0 + std::exp(-20.0), tt::tolerance(1e-15));
  BOOST_TEST(std::abs(bce_naive(20.0, 0.0) - bce(20.0, 0.0)) > 1e-8);
  // And log_sigmoid keeps digits where log(sigmoid(z)) loses them: log sigma(40) = -e^-40.
  BOOST_TEST(log_sigmoid(40.0) == -std::exp(-40.0), tt::tolerance(1e-12));
  BOOST_TEST(std::log(sigmoid(40.0)) == 0.0);  // sigma(40) rounds to 1: every digit lost
}

// --- 3. Gradient checks (4th-order central differences, double, rel. error <= 1e-7).

BOOST_AUTO_TEST_CASE(gradient_check_on_iris_for_both_losses) {
  const TrainPart d;
  for (const Loss kind : {Loss::cross_entropy, Loss::mse}) {
    SigmoidNeuron n(4);
    course::Rng rng(3);
    course::fill_normal(n.W, rng, 0.5);
    n.b = 0.3;
    const Gradient g = gradient(n, d.X, d.Y, kind);
    auto L = [&] { return loss(n, d.X, d.Y, kind); };
    const course::GradCheck cw = course::check_gradient(n.W, g.dW, L);
    BOOST_TEST(cw.max_rel_error <= 1e-7, name(kind) << " dW\n" << cw.report("dW"));
    arma::vec b{n.b};
    const arma::vec db{g.db};
    const course::GradCheck cb = course::check_gradient(b, db, [&] {
      n.b = b[0];
      return L();
    });
    n.b = b[0];
    BOOST_TEST(cb.max_rel_error <= 1e-7, name(kind) << " db\n" << cb.report("db"));
  }
}

// --- 4. The batched gradient equals the per-example loop.

BOOST_AUTO_TEST_CASE(batched_gradient_equals_the_per_example_loop) {
  const TrainPart d;
  SigmoidNeuron n(4);
  n.W = {0.4, -1.1, 2.0, 0.7};
  n.b = -0.2;
  for (const Loss kind : {Loss::cross_entropy, Loss::mse}) {
    const Gradient a = gradient(n, d.X, d.Y, kind), b = gradient_loop(n, d.X, d.Y, kind);
    BOOST_TEST(arma::approx_equal(a.dW, b.dW, "absdiff", 1e-14), name(kind));
    BOOST_TEST(a.db == b.db, tt::tolerance(1e-12));
  }
}

// --- 5. Training: the loss falls, the held-out accuracy clears the bar.

BOOST_AUTO_TEST_CASE(loss_falls_at_every_step_of_full_batch_descent) {
  const TrainPart d;
  SigmoidNeuron n(4);
  const History h = train(n, d.X, d.Y, Loss::cross_entropy, 0.5, 200);
  BOOST_TEST(h.loss.size() == 201u);
  BOOST_TEST(h.loss.front() == std::log(2.0), tt::tolerance(1e-15));  // p = 1/2 everywhere
  for (std::size_t e = 1; e < h.loss.size(); ++e)
    BOOST_TEST_REQUIRE(h.loss[e] < h.loss[e - 1], "epoch " << e);
  BOOST_TEST(h.loss.back() < 0.1);
}

BOOST_AUTO_TEST_CASE(quick_run_test_accuracy_is_at_least_0_93) {
  const Quick q;
  BOOST_TEST(q.s.split.train.n_elem == 70u);
  BOOST_TEST(q.s.split.test.n_elem == 30u);
  const Scored& r = q.s.model;
  BOOST_TEST(r.test_accuracy >= 0.93);
  BOOST_TEST(r.train_accuracy >= 0.93);
}

BOOST_AUTO_TEST_CASE(leave_one_out_accuracy_is_at_least_0_95) {
  const Quick q;  // deterministic: every flower is held out once
  BOOST_TEST(leave_one_out(q.task, q.settings) >= 95u);
}

BOOST_AUTO_TEST_CASE(cross_entropy_escapes_a_saturated_start_that_traps_mse) {
  // The executable's race (s = 5, eta 0.5) on the quick split, for 100 epochs.
  const TrainPart d;
  Config c;
  c.sat_epochs = 100;
  const Race r = saturated_race(d.task, d.s, c);
  BOOST_TEST(accuracy(r.start, d.X, d.Y) < 0.2);  // most examples on the wrong side
  BOOST_TEST(r.wrong > 0.8);
  BOOST_TEST(r.h_ce.accuracy.back() >= 0.9);
  BOOST_TEST(r.h_sq.accuracy.back() < 0.5);
  // Cross-entropy lost over 95% of its starting loss; MSE not even 10%.
  BOOST_TEST(r.h_ce.loss.back() < 0.05 * r.h_ce.loss.front());
  BOOST_TEST(r.h_sq.loss.back() > 0.9 * r.h_sq.loss.front());
  // Cross-entropy reaches 90% training accuracy within the 100 epochs; MSE does not.
  BOOST_TEST(r.reach_ce >= 0);
  BOOST_TEST(r.reach_sq == -1);
}

// --- 6. Determinism.

BOOST_AUTO_TEST_CASE(same_split_seed_gives_bit_identical_weights) {
  auto run = [](std::uint64_t seed) {
    const Quick q;
    const Scored r = one_split(q.task, q.settings, seed).model;
    return std::make_pair(r.neuron.W, r.neuron.b);
  };
  const auto a = run(7), b = run(7);
  BOOST_TEST(arma::approx_equal(a.first, b.first, "absdiff", 0.0));
  BOOST_TEST(a.second == b.second);
}
