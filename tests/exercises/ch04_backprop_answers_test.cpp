// Chapter 04: the worked answers to the lesson's experiments, as code the suite runs, so the
// numbers on chapters/04_backprop/answers.md cannot drift from what the code does.
#define BOOST_TEST_MODULE ch04_backprop_answers
#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "chapters/04_backprop/experiments.hpp"

using namespace backprop;
namespace tt = boost::test_tools;

namespace {

/// The median of a list of epoch counts (0 for none).
double median(std::vector<arma::uword> v) {
  if (v.empty()) return 0;
  return arma::median(arma::conv_to<arma::vec>::from(v));
}

}  // namespace

// [ex1]
// Experiment 1: drop the factor sigma'(Z2) from the batched backward pass (delta2 = A2 - Y).
// The gradient check fails it, and it no longer equals the per-example oracle.
BOOST_AUTO_TEST_CASE(ex1_a_missing_factor_fails_the_gradient_check) {
  TwoLayerNet net = random_start(2, 1.0, 42);
  const Xor d;
  const BatchCache c = forward(net, d.X);
  const double m = d.X.n_cols;
  Gradients broken;
  const arma::mat delta2 = c.A2 - d.Y;  // the factor A2 % (1 - A2) is missing
  broken.dW2 = delta2 * c.A1.t() / m;
  broken.db2 = arma::sum(delta2, 1) / m;
  const arma::mat delta1 = (net.W2.t() * delta2) % c.A1 % (1.0 - c.A1);
  broken.dW1 = delta1 * d.X.t() / m;
  broken.db1 = arma::sum(delta1, 1) / m;
  const double rel =
      check_gradients(net, broken, [&] { return loss(forward(net, d.X).A2, d.Y); }).worst;
  Gradients oracle;
  gradients_per_example(net, d.X, d.Y, oracle);
  const double diff = arma::abs(broken.dW2 - oracle.dW2).max();
  BOOST_TEST(rel > 0.1);    // the bar is 1e-7
  BOOST_TEST(diff > 1e-3);  // the bar is 1e-12
}
// [ex1]

// [ex2]
// Experiment 2: initial weights U[-0.1, 0.1) and U[-4, 4), width 2, 100 starts (seeds 42..141);
// then the first 5 failures of each get ten times the epochs.
BOOST_AUTO_TEST_CASE(ex2_tiny_weights_are_slow_large_weights_get_stuck) {
  const WidthStudy tiny = success_rate(2, 100, 42, 0.1, 2.0, 10000);
  const WidthStudy large = success_rate(2, 100, 42, 4.0, 2.0, 10000);
  BOOST_TEST(tiny.successes == 9u);
  BOOST_TEST(large.successes == 54u);
  const auto late = [](const WidthStudy& s, double r) {  // solved within 100,000 epochs
    arma::uword n = 0;
    for (std::size_t k = 0; k < 5; ++k)
      n += success_rate(2, 1, s.failed_seeds[k], r, 2.0, 100000).successes;
    return n;
  };
  BOOST_TEST(late(tiny, 0.1) == 5u);   // slow: all five get there
  BOOST_TEST(late(large, 4.0) == 1u);  // stuck: four of five stay stuck
}
// [ex2]

// [ex3]
// Experiment 3: the learning rate. Width 2, U[-1, 1), 100 starts, eta 0.5 and 8 (eta 2, the
// full run's: 81 solved, median 946 epochs).
BOOST_AUTO_TEST_CASE(ex3_the_rate_changes_the_speed_not_the_basin) {
  const WidthStudy slow = success_rate(2, 100, 42, 1.0, 0.5, 10000);
  const WidthStudy fast = success_rate(2, 100, 42, 1.0, 8.0, 10000);
  BOOST_TEST(slow.successes == 80u);
  BOOST_TEST(fast.successes == 82u);
  BOOST_TEST(median(slow.epochs_to_solve) == 3747.5);  // 946 x 4 = 3784
  BOOST_TEST(median(fast.epochs_to_solve) == 241.5);   // 946 / 4 = 237
}
// [ex3]

// [ex4]
// Experiment 4: one hidden unit. Its output is a monotone function of one line's side.
BOOST_AUTO_TEST_CASE(ex4_one_hidden_unit_ends_near_one_twelfth) {
  const WidthStudy s = success_rate(1, 20, 42, 1.0, 2.0, 10000);
  const arma::vec L = arma::conv_to<arma::vec>::from(s.failed_final_loss);
  BOOST_TEST(s.successes == 0u);
  BOOST_TEST(L.min() > 1.0 / 12.0);  // 0.08333: one right, three at 2/3
  BOOST_TEST(L.max() < 0.0839);
}
// [ex4]

// [ex5]
// Experiment 5: cross-entropy. delta2 = (A2 - Y) / m, without A2 % (1 - A2); width 2, U[-1, 1),
// eta 2, 100 starts, solved as before (every output on the right side of 0.5).
BOOST_AUTO_TEST_CASE(ex5_cross_entropy_is_faster_but_still_gets_stuck) {
  const Xor d;
  const double m = d.X.n_cols;
  arma::uword solved_runs = 0;
  std::vector<arma::uword> epochs;
  for (std::uint64_t seed = 42; seed < 142; ++seed) {
    TwoLayerNet net = random_start(2, 1.0, seed);
    for (arma::uword epoch = 0; epoch <= 10000; ++epoch) {
      const BatchCache c = forward(net, d.X);
      if (solved(c.A2, d.Y)) {
        ++solved_runs;
        epochs.push_back(epoch);
        break;
      }
      Gradients g;
      const arma::mat delta2 = c.A2 - d.Y;  // dL/dZ2 of cross-entropy, times m
      g.dW2 = delta2 * c.A1.t() / m;
      g.db2 = arma::sum(delta2, 1) / m;
      const arma::mat delta1 = (net.W2.t() * delta2) % c.A1 % (1.0 - c.A1);
      g.dW1 = delta1 * d.X.t() / m;
      g.db1 = arma::sum(delta1, 1) / m;
      update(net, g, 2.0);
    }
  }
  BOOST_TEST(solved_runs == 77u);
  BOOST_TEST(median(epochs) == 242.0);
}
// [ex5]
