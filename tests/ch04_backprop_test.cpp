// Chapter 04 tests: what the lesson claims about backpropagation, asserted.
#define BOOST_TEST_MODULE ch04_backprop
#include <boost/test/unit_test.hpp>
#include <string>

#include "chapters/04_backprop/batched.hpp"
#include "chapters/04_backprop/experiments.hpp"
#include "chapters/04_backprop/gradient_check.hpp"
#include "chapters/04_backprop/per_example.hpp"
#include "chapters/04_backprop/two_layer_net.hpp"
#include "chapters/04_backprop/xor.hpp"
#include "common/gradcheck.hpp"

using namespace backprop;
namespace tt = boost::test_tools;

namespace {

/// A random network and random data that are not XOR: 3 inputs, 4 hidden, 2 outputs, 5 examples,
/// targets anywhere in (0, 1), so every index of the loops is exercised.
struct RandomProblem {
  TwoLayerNet net{3, 4, 2};
  arma::mat X = arma::mat(3, 5);
  arma::mat Y = arma::mat(2, 5);
  explicit RandomProblem(std::uint64_t seed) {
    course::Rng rng(seed);
    init(net, 1.0, rng);
    course::fill_normal(X, rng);
    course::fill_uniform(Y, rng, 0.0, 1.0);
  }
};

}  // namespace

// --- 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(sigmoid_values_and_symmetry) {
  BOOST_TEST(sigmoid(0.0) == 0.5);
  BOOST_TEST(sigmoid(1.0) == 0.7310585786300049, tt::tolerance(1e-15));
  // sigma(-z) = 1 - sigma(z)
  BOOST_TEST(sigmoid(2.0) + sigmoid(-2.0) == 1.0, tt::tolerance(1e-15));
  const arma::mat Z = {{-1.0, 0.0}, {1.0, 3.0}};
  const arma::mat A = sigmoid(Z);
  for (arma::uword i = 0; i < Z.n_elem; ++i)
    BOOST_TEST(A[i] == sigmoid(Z[i]), tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(forward_and_gradients_have_the_documented_shapes) {
  const RandomProblem p(1);
  const BatchCache c = forward(p.net, p.X);
  BOOST_TEST(c.Z1.n_rows == 4u);
  BOOST_TEST(c.Z1.n_cols == 5u);
  BOOST_TEST(c.A1.n_rows == 4u);
  BOOST_TEST(c.A2.n_rows == 2u);
  BOOST_TEST(c.A2.n_cols == 5u);
  const Gradients g = backward(p.net, p.X, p.Y, c);
  BOOST_TEST((g.dW1.n_rows == 4u && g.dW1.n_cols == 3u));
  BOOST_TEST(g.db1.n_elem == 4u);
  BOOST_TEST((g.dW2.n_rows == 2u && g.dW2.n_cols == 4u));
  BOOST_TEST(g.db2.n_elem == 2u);
}

BOOST_AUTO_TEST_CASE(xor_solved_means_every_output_on_the_right_side_of_one_half) {
  const Xor d;
  BOOST_TEST(solved(arma::mat{{0.4, 0.6, 0.51, 0.49}}, d.Y));
  BOOST_TEST(!solved(arma::mat{{0.4, 0.6, 0.5, 0.49}}, d.Y));  // 0.5 is not above 0.5
  BOOST_TEST(!solved(arma::mat{{0.4, 0.6, 0.51, 0.51}}, d.Y));
}

// --- 2. The lesson's worked example, by hand.
// W1 = [1 -1; -1 1], b1 = 0, W2 = [1 1], b2 = 0, x = (1, 0), y = 1.
BOOST_AUTO_TEST_CASE(worked_example_as_in_the_lesson) {
  TwoLayerNet net(2, 2, 1);
  net.W1 = {{1, -1}, {-1, 1}};
  net.W2 = {{1, 1}};
  const arma::vec x = {1, 0}, y = {1};
  const ExampleCache c = forward_one(net, x);
  BOOST_TEST(c.z1[0] == 1.0);
  BOOST_TEST(c.z1[1] == -1.0);
  BOOST_TEST(c.a1[0] == 0.7310585786, tt::tolerance(1e-9));
  BOOST_TEST(c.a1[1] == 0.2689414214, tt::tolerance(1e-9));
  BOOST_TEST(c.z2[0] == 1.0, tt::tolerance(1e-15));  // sigma(1) + sigma(-1) = 1
  BOOST_TEST(c.y_hat[0] == 0.7310585786, tt::tolerance(1e-9));
  BOOST_TEST(loss_one(c.y_hat, y) == 0.0361647441, tt::tolerance(1e-8));
  const Gradients g = backward_one(net, x, y, c);
  BOOST_TEST(g.db2[0] == -0.0528770928,
             tt::tolerance(1e-8));  // delta2 = (y_hat - y) y_hat (1 - y_hat)
  BOOST_TEST(g.dW2(0, 0) == -0.0386562523, tt::tolerance(1e-8));
  BOOST_TEST(g.dW2(0, 1) == -0.0142208405, tt::tolerance(1e-8));
  // delta1_j = delta2 W2_0j a1_j (1 - a1_j), the same for both units: sigma'(1) = sigma'(-1)
  BOOST_TEST(g.db1[0] == -0.0103962674, tt::tolerance(1e-8));
  BOOST_TEST(g.db1[1] == -0.0103962674, tt::tolerance(1e-8));
  BOOST_TEST(g.dW1(0, 0) == -0.0103962674, tt::tolerance(1e-8));
  BOOST_TEST(g.dW1(1, 0) == -0.0103962674, tt::tolerance(1e-8));
  BOOST_TEST(g.dW1(0, 1) == 0.0);  // x_2 = 0: its weights get no gradient
  BOOST_TEST(g.dW1(1, 1) == 0.0);
}

// --- 3. Gradient checks: analytic == numeric to a relative error of 1e-7.

BOOST_AUTO_TEST_CASE(per_example_backward_matches_numeric_gradients) {
  RandomProblem p(2);
  for (arma::uword i = 0; i < p.X.n_cols; ++i) {
    const arma::vec x = p.X.col(i), y = p.Y.col(i);
    const Gradients g = backward_one(p.net, x, y, forward_one(p.net, x));
    const NetCheck c =
        check_gradients(p.net, g, [&] { return loss_one(forward_one(p.net, x).y_hat, y); });
    BOOST_TEST(c.worst <= 1e-7, "example " << i << ", worst entries:\n" << c.report);
  }
}

BOOST_AUTO_TEST_CASE(batched_backward_matches_numeric_gradients) {
  RandomProblem p(3);
  const Gradients g = backward(p.net, p.X, p.Y, forward(p.net, p.X));
  const NetCheck c = check_gradients(p.net, g, [&] { return loss(forward(p.net, p.X).A2, p.Y); });
  BOOST_TEST(c.worst <= 1e-7, "worst entries:\n" << c.report);
}

BOOST_AUTO_TEST_CASE(gradients_on_xor_match_numeric_gradients_for_widths_2_3_4) {
  const Xor d;
  for (arma::uword h : {2, 3, 4}) {
    TwoLayerNet net = random_start(h, 1.0, 42);
    const Gradients g = backward(net, d.X, d.Y, forward(net, d.X));
    const NetCheck c = check_gradients(net, g, [&] { return loss(forward(net, d.X).A2, d.Y); });
    BOOST_TEST(c.worst <= 1e-7, "width " << h << ", worst entries:\n" << c.report);
    // The executable's check at the start gives the same verdict.
    const GroundTruth truth = ground_truth(net, d);
    BOOST_TEST(truth.rel_error == c.worst);
    BOOST_TEST(truth.agrees(), "width " << h << ": batched vs per-example " << truth.batched_diff);
  }
}

// --- 4. The batched form equals the per-example oracle.

BOOST_AUTO_TEST_CASE(batched_equals_per_example_loops) {
  for (std::uint64_t seed : {4, 5, 6}) {
    const RandomProblem p(seed);
    const BatchCache c = forward(p.net, p.X);
    Gradients oracle;
    const double L_oracle = gradients_per_example(p.net, p.X, p.Y, oracle);
    BOOST_TEST(loss(c.A2, p.Y) == L_oracle, tt::tolerance(1e-12));
    for (arma::uword i = 0; i < p.X.n_cols; ++i) {
      const arma::vec y_hat = forward_one(p.net, p.X.col(i)).y_hat;
      BOOST_TEST(arma::abs(c.A2.col(i) - y_hat).max() <= 1e-14);
    }
    const double diff = max_abs_diff(backward(p.net, p.X, p.Y, c), oracle);
    BOOST_TEST(diff <= 1e-12, "seed " << seed << ": max |batched - per-example| " << diff);
  }
}

BOOST_AUTO_TEST_CASE(training_with_either_form_follows_the_same_path) {
  const Xor d;
  course::Rng rng(42);
  TwoLayerNet a(2, 3, 1);
  init(a, 1.0, rng);
  TwoLayerNet b = a;
  for (int step = 0; step < 200; ++step) {
    update(a, backward(a, d.X, d.Y, forward(a, d.X)), 2.0);
    Gradients g;
    gradients_per_example(b, d.X, d.Y, g);
    update(b, g, 2.0);
  }
  BOOST_TEST(arma::abs(a.W1 - b.W1).max() <= 1e-10);
  BOOST_TEST(arma::abs(a.W2 - b.W2).max() <= 1e-10);
  BOOST_TEST(arma::abs(a.b1 - b.b1).max() <= 1e-10);
  BOOST_TEST(arma::abs(a.b2 - b.b2).max() <= 1e-10);
}

// --- 5. Training on XOR.

BOOST_AUTO_TEST_CASE(xor_is_solved_for_seed_42_with_two_hidden_units) {
  // The executable's shown network: 2-2-1, U[-1, 1), eta 2, 10000 epochs.
  const Xor d;
  const Config c;
  const Trained t = train_on_xor(random_start(2, 1.0, 42), d, c);
  const TrainResult& r = t.result;
  BOOST_TEST(r.solved);
  BOOST_TEST(r.epochs_to_solve <= 2000u);  // the lesson: 1350 epochs
  BOOST_TEST(r.final_loss < 1e-3);
  BOOST_TEST(r.final_loss < r.loss.front() / 100);
  const arma::mat& Y_hat = t.Y_hat;
  BOOST_TEST(Y_hat[0] < 0.1);
  BOOST_TEST(Y_hat[1] > 0.9);
  BOOST_TEST(Y_hat[2] > 0.9);
  BOOST_TEST(Y_hat[3] < 0.1);
  BOOST_TEST(arma::approx_equal(Y_hat, forward(t.net, d.X).A2, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(a_stuck_start_ends_near_loss_one_sixteenth) {
  // Seed 45: two examples end at y_hat = 0.5, the others right: L -> 2 * (1/2)(1/2)^2 / 4 = 1/16.
  const TrainResult r = train_on_xor(random_start(2, 1.0, 45), Xor{}, Config{}).result;
  BOOST_TEST(!r.solved);
  BOOST_TEST(r.final_loss == 0.0625, tt::tolerance(0.01));
  BOOST_TEST(r.final_loss > 0.0625);
}

BOOST_AUTO_TEST_CASE(one_hidden_unit_never_solves_xor) {
  // y_hat is a monotone function of one line's side: no line separates XOR.
  const WidthStudy s = success_rate(1, 10, 0, 1.0, 2.0, 2000);
  BOOST_TEST(s.successes == 0u);
}

BOOST_AUTO_TEST_CASE(wider_networks_get_stuck_less_often) {
  const WidthStudy w2 = success_rate(2, 100, 42, 1.0, 2.0, 10000);
  const WidthStudy w4 = success_rate(4, 100, 42, 1.0, 2.0, 10000);
  BOOST_TEST(w2.successes < 100u);  // local minima are real: some starts fail
  BOOST_TEST(w2.successes >= 60u);
  BOOST_TEST(w4.successes > w2.successes);
  BOOST_TEST(w2.failed_seeds.size() == 100u - w2.successes);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_bit_identical_weights) {
  const Xor d;
  auto run = [&](std::uint64_t seed) {
    course::Rng rng(seed);
    TwoLayerNet net(2, 3, 1);
    init(net, 1.0, rng);
    train(net, d.X, d.Y, 2.0, 500, false);
    return net;
  };
  const TwoLayerNet a = run(7), b = run(7);
  BOOST_TEST(arma::approx_equal(a.W1, b.W1, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(a.W2, b.W2, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(a.b1, b.b1, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(a.b2, b.b2, "absdiff", 0.0));
}
