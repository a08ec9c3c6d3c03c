// Chapter 05: the worked answers to the lesson's experiments, as code the suite runs, so the
// numbers on chapters/05_article_iris/answers.md cannot drift from what the code does.
#define BOOST_TEST_MODULE ch05_article_iris_answers
#include <boost/test/unit_test.hpp>

#include "chapters/05_article_iris/experiments.hpp"

using namespace article_iris;
namespace tt = boost::test_tools;

namespace {

const course::Dataset& iris() {
  static const course::Dataset d = course::load_iris();
  return d;
}

/// Test flowers right for weight seeds 0 .. n-1 of one stage.
arma::vec over_seeds(const IrisData& d, const Stage& s, const Config& c, std::uint32_t n) {
  arma::vec right(n);
  for (std::uint32_t seed = 0; seed < n; ++seed)
    right[seed] = static_cast<double>(run_stage(d, s, c, seed).test_correct);
  return right;
}

/// Mean, standard deviation, smallest and largest of a list of counts.
void expect(const arma::vec& v, double mean, double sd, double lo, double hi) {
  BOOST_TEST(arma::mean(v) == mean, tt::tolerance(1e-9));
  BOOST_TEST(arma::stddev(v) == sd, tt::tolerance(1e-3));
  BOOST_TEST(v.min() == lo);
  BOOST_TEST(v.max() == hi);
}

}  // namespace

// [ex1]
// Experiment 1: train ten times longer (10000 epochs): seed 42, then weight seeds 0 to 9.
BOOST_AUTO_TEST_CASE(ex1_a_wrong_gradient_does_more_harm_the_longer_it_runs) {
  const IrisData d = prepare(iris(), 42);
  Config c;
  c.epochs = 10000;
  const Stage broken = stages()[3], fixed = stages()[4];
  const StageRun b42 = run_stage(d, broken, c, 42, true);
  BOOST_TEST(b42.test_correct == 11u);                                // was 17 after 1000 epochs
  BOOST_TEST(b42.hidden_mean.back() == 0.0137, tt::tolerance(0.01));  // was 0.201
  BOOST_TEST(run_stage(d, fixed, c, 42).test_correct == 29u);         // was 22
  expect(over_seeds(d, broken, c, 10), 9.7, 1.059, 8, 11);            // chance: 10 of 30
  expect(over_seeds(d, fixed, c, 10), 29.0, 0.816, 28, 30);
}
// [ex1]

// [ex2]
// Experiment 2: eta 0.1 for 1000 epochs, the same eta T = 100 as Experiment 1, seeds 0 to 9.
BOOST_AUTO_TEST_CASE(ex2_eta_times_steps_is_what_counts) {
  const IrisData d = prepare(iris(), 42);
  Config c;
  c.eta = 0.1;
  expect(over_seeds(d, stages()[3], c, 10), 9.7, 1.059, 8, 11);  // as in Experiment 1
  expect(over_seeds(d, stages()[4], c, 10), 29.0, 0.816, 28, 30);
}
// [ex2]

// [ex3]
// Experiment 3: freeze the hidden layer (update W2 and b2 only), all 200 weight seeds.
BOOST_AUTO_TEST_CASE(ex3_no_hidden_update_against_bug_4_s) {
  const IrisData d = prepare(iris(), 42);
  arma::vec right(200);
  for (std::uint32_t seed = 0; seed < 200; ++seed) {
    ListingNet net(4, 5, 3, seed, Bugs{});
    for (int epoch = 0; epoch < 1000; ++epoch) {
      net.gradients(d.X_train, d.Y, net.forward(d.X_train));
      net.g.dW1.zeros();  // the hidden layer keeps its random weights
      net.g.db1.zeros();
      backprop::update(net.p, net.g, 0.01);
    }
    right[seed] = arma::accu(course::argmax_cols(net.outputs(d.X_test)) == d.y_test);
  }
  expect(right, 23.275, 3.667, 11, 29);  // bug 4: 21.2 (sd 4.4); the right update: 25.7 (2.1)
}
// [ex3]

// [ex4]
// Experiment 4: 20 hidden units: seed 42, then weight seeds 0 to 9, for the three stages that run.
BOOST_AUTO_TEST_CASE(ex4_a_wider_hidden_layer) {
  const IrisData d = prepare(iris(), 42);
  Config c;
  c.n_hidden = 20;
  BOOST_TEST(run_stage(d, stages()[3], c, 42).test_correct == 26u);  // 5 units: 17
  BOOST_TEST(run_stage(d, stages()[4], c, 42).test_correct == 29u);  // 5 units: 22
  BOOST_TEST(run_stage(d, stages()[5], c, 42).test_correct == 30u);  // 5 units: 30
  expect(over_seeds(d, stages()[3], c, 10), 23.7, 1.703, 20, 26);
  expect(over_seeds(d, stages()[4], c, 10), 26.5, 2.014, 23, 29);
  expect(over_seeds(d, stages()[5], c, 10), 30.0, 0.0, 30, 30);
}
// [ex4]

// [ex5]
// Experiment 5: another split (split seed 7): seed 42, then weight seeds 0 to 9.
BOOST_AUTO_TEST_CASE(ex5_another_thirty_flowers) {
  const IrisData d = prepare(iris(), 7);
  const arma::uvec first = {149, 84, 40, 66, 106};  // the first test indices scikit-learn gives
  BOOST_TEST(arma::all(d.split.test.head(5) == first));
  Config c;
  const Stage tuned = stages()[5];
  Stage rate_only = stages()[4];  // all fixed, linear output, learning rate 0.5
  rate_only.tuned = true;
  BOOST_TEST(run_stage(d, tuned, c, 42).test_correct == 26u);  // split 42: 30
  BOOST_TEST(run_stage(d, rate_only, c, 42).test_correct == 27u);
  expect(over_seeds(d, tuned, c, 10), 26.0, 0.667, 25, 27);
  expect(over_seeds(d, rate_only, c, 10), 27.7, 0.675, 26, 28);
}
// [ex5]
