// Chapter 01: the worked answers to the lesson's experiments, as code the suite runs, so the
// numbers on chapters/01_perceptron/answers.md cannot drift from what the code does.
#define BOOST_TEST_MODULE ch01_perceptron_answers
#include <boost/test/unit_test.hpp>

#include "chapters/01_perceptron/perceptron.hpp"
#include "common/data.hpp"

using namespace perceptron;
namespace tt = boost::test_tools;

namespace {

/// Two iris species (labels a -> 0, b -> 1) on the given features, samples as columns.
struct TwoSpecies {
  arma::mat X;   // (2 x 100)
  arma::ivec y;  // (100) targets 0/1
};

TwoSpecies two_species(arma::uword a, arma::uword b, const arma::uvec& features) {
  const course::Dataset iris = course::load_iris();
  const arma::uvec rows = arma::find(iris.labels == a || iris.labels == b);
  TwoSpecies d;
  d.X = iris.X.submat(features, rows);
  d.y = arma::conv_to<arma::ivec>::from(iris.labels.elem(rows) == b);
  return d;
}

/// Train from zero weights with the executable's seed and epochs; return the run.
struct Run {
  Perceptron p{2};
  History h;
  NovikoffBound bound{};
};

Run run(const TwoSpecies& d, double eta, std::uint64_t seed, arma::uword epochs = 100) {
  Run r;
  course::Rng rng(seed);
  r.h = train(r.p, d.X, d.y, eta, epochs, rng);
  if (r.h.converged) r.bound = novikoff_bound(d.X, d.y, r.p.w, r.p.b);
  return r;
}

}  // namespace

// [ex1]
// Experiment 1: from zero weights the learning rate only scales w and b.
BOOST_AUTO_TEST_CASE(ex1_the_learning_rate_only_scales_the_weights) {
  const TwoSpecies d = two_species(0, 1, {0, 2});
  const Run small = run(d, 0.01, 42), one = run(d, 1.0, 42), big = run(d, 100.0, 42);
  BOOST_TEST(small.h.mistakes == one.h.mistakes);  // the same mistakes, epoch by epoch
  BOOST_TEST(big.h.mistakes == one.h.mistakes);
  BOOST_TEST(one.h.updates == 12u);
  // w and b are the eta = 1 weights times eta (up to rounding).
  BOOST_TEST(arma::approx_equal(small.p.w, 0.01 * one.p.w, "reldiff", 1e-12));
  BOOST_TEST(arma::approx_equal(big.p.w, 100.0 * one.p.w, "reldiff", 1e-12));
  BOOST_TEST(big.p.b == 100.0 * one.p.b, tt::tolerance(1e-12));
}
// [ex1]

// [ex2]
// Experiment 2: other orders of the examples (seeds 1 to 10) give other update counts, all far
// below Novikoff's bound for the line each run found.
BOOST_AUTO_TEST_CASE(ex2_order_changes_the_updates_not_the_bound_s_verdict) {
  const TwoSpecies d = two_species(0, 1, {0, 2});
  std::vector<arma::uword> updates;
  double worst_ratio = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Run r = run(d, 1.0, seed);
    BOOST_TEST(r.h.converged);
    updates.push_back(r.h.updates);
    worst_ratio = std::max(worst_ratio, r.h.updates / r.bound.bound);
  }
  const std::vector<arma::uword> expected = {14, 7, 10, 7, 7, 14, 12, 12, 5, 9};
  BOOST_TEST(updates == expected, tt::per_element());
  BOOST_TEST(worst_ratio == 0.0255, tt::tolerance(0.01));  // at most 2.5% of the bound
}
// [ex2]

// [ex3]
// Experiment 3: sepal length and sepal width. Still separable, with a smaller margin.
BOOST_AUTO_TEST_CASE(ex3_sepal_features_separate_with_a_smaller_margin) {
  const TwoSpecies d = two_species(0, 1, {0, 1});
  const Run r = run(d, 1.0, 42, 1000);
  BOOST_TEST(r.h.converged);
  BOOST_TEST(r.h.mistakes.size() == 534u);  // epochs, the last without a mistake
  BOOST_TEST(r.h.updates == 1550u);
  BOOST_TEST(r.bound.R == 7.761, tt::tolerance(1e-3));
  BOOST_TEST(r.bound.gamma == 0.00147, tt::tolerance(0.01));  // 44 times smaller than before
  BOOST_TEST(r.bound.bound == 2.79e7, tt::tolerance(0.01));
}
// [ex3]

// [ex4]
// Experiment 4: versicolor vs virginica overlap: no epoch is free of mistakes.
BOOST_AUTO_TEST_CASE(ex4_overlapping_species_never_converge) {
  const TwoSpecies d = two_species(1, 2, {0, 2});
  const Run r = run(d, 1.0, 42, 100);
  const auto [lo, hi] = std::minmax_element(r.h.mistakes.begin(), r.h.mistakes.end());
  BOOST_TEST(!r.h.converged);
  BOOST_TEST(r.h.mistakes.size() == 100u);  // stopped by --epochs, not by success
  BOOST_TEST(*lo == 8u);                    // the best epoch still makes 8 mistakes
  BOOST_TEST(*hi == 46u);
  BOOST_TEST(r.h.mistakes.back() == 13u);
}
// [ex4]

// [ex5]
// Experiment 5: centring the features shrinks R; the margin of the found line changes too.
BOOST_AUTO_TEST_CASE(ex5_centring_shrinks_R_and_the_bound) {
  TwoSpecies d = two_species(0, 1, {0, 2});
  const Run raw = run(d, 1.0, 42);
  d.X.each_col() -= arma::mean(d.X, 1);  // subtract each feature's mean
  const Run centred = run(d, 1.0, 42);
  BOOST_TEST(centred.h.converged);
  BOOST_TEST(raw.bound.R == 8.522, tt::tolerance(1e-3));
  BOOST_TEST(centred.bound.R == 2.683, tt::tolerance(1e-3));
  BOOST_TEST(centred.bound.gamma == 0.157, tt::tolerance(0.01));
  BOOST_TEST(centred.bound.bound == 291.0, tt::tolerance(0.01));  // was 16,995
  BOOST_TEST(raw.h.updates == 12u);
  BOOST_TEST(centred.h.updates == 2u);
}
// [ex5]
