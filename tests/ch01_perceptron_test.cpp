// Chapter 01 tests: what the lesson claims about the perceptron, asserted.
#define BOOST_TEST_MODULE ch01_perceptron
#include <boost/test/unit_test.hpp>

#include "chapters/01_perceptron/perceptron.hpp"
#include "common/data.hpp"

using namespace perceptron;

namespace {

/// The lesson's data: setosa (y = 0) vs versicolor (y = 1), sepal length and petal length.
struct IrisTwoClasses {
  arma::mat X;
  arma::ivec y;
  IrisTwoClasses() {
    const course::Dataset iris = course::load_iris();
    const arma::uvec rows = arma::find(iris.labels <= 1);
    X = iris.X.submat(arma::uvec{0, 2}, rows);
    y = arma::conv_to<arma::ivec>::from(iris.labels.elem(rows));
  }
};

arma::uword count_mistakes(const Perceptron& p, const arma::mat& X, const arma::ivec& y) {
  arma::uword m = 0;
  for (arma::uword i = 0; i < X.n_cols; ++i) m += p.predict(X.col(i)) != y[i];
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(step_is_one_from_zero_up) {
  BOOST_TEST(step(0.0) == 1);
  BOOST_TEST(step(2.5) == 1);
  BOOST_TEST(step(-1e-12) == 0);
}

// The lesson's worked example: two updates by hand from zero weights, eta = 1.
BOOST_AUTO_TEST_CASE(two_updates_by_hand_as_in_the_lesson) {
  Perceptron p(2);
  // Setosa (5.1, 1.4), y = 0: z = 0, y_hat = 1, wrong: w = -(5.1, 1.4), b = -1.
  BOOST_TEST(p.update(arma::vec{5.1, 1.4}, 0, 1.0));
  BOOST_TEST(p.w[0] == -5.1);
  BOOST_TEST(p.w[1] == -1.4);
  BOOST_TEST(p.b == -1.0);
  // Versicolor (7.0, 4.7), y = 1: z = -43.28, y_hat = 0, wrong: w = (1.9, 3.3), b = 0.
  BOOST_TEST(arma::dot(p.w, arma::vec{7.0, 4.7}) + p.b == -43.28,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(p.update(arma::vec{7.0, 4.7}, 1, 1.0));
  BOOST_TEST(p.w[0] == 1.9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(p.w[1] == 3.3, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(p.b == 0.0);
  // Now right about the versicolor: no update.
  BOOST_TEST(!p.update(arma::vec{7.0, 4.7}, 1, 1.0));
}

BOOST_AUTO_TEST_CASE(converges_to_zero_mistakes_on_separable_iris) {
  const IrisTwoClasses d;
  course::Rng rng(42);
  Perceptron p(2);
  const History h = train(p, d.X, d.y, 1.0, 100, rng);
  BOOST_TEST(h.converged);
  BOOST_TEST(h.mistakes.back() == 0u);
  BOOST_TEST(count_mistakes(p, d.X, d.y) == 0u);
}

BOOST_AUTO_TEST_CASE(updates_never_exceed_novikoffs_bound) {
  const IrisTwoClasses d;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    for (double eta : {0.1, 1.0}) {
      course::Rng rng(seed);
      Perceptron p(2);
      const History h = train(p, d.X, d.y, eta, 1000, rng);
      BOOST_REQUIRE(h.converged);
      const NovikoffBound nb = novikoff_bound(d.X, d.y, p.w, p.b);
      BOOST_TEST(nb.gamma > 0);  // the found weights separate the data
      BOOST_TEST(static_cast<double>(h.updates) <= nb.bound, "seed " << seed << " eta " << eta);
    }
  }
}

BOOST_AUTO_TEST_CASE(novikoff_quantities_by_hand) {
  // Two points, (1, 0) with y = 1 and (-1, 0) with y = 0; separator w = (1, 0), b = 0.
  const arma::mat X = {{1, -1}, {0, 0}};
  const arma::ivec y = {1, 0};
  const NovikoffBound nb = novikoff_bound(X, y, arma::vec{1, 0}, 0.0);
  BOOST_TEST(nb.R == std::sqrt(2.0), boost::test_tools::tolerance(1e-15));  // ||(1, 0, 1)||
  BOOST_TEST(nb.gamma == 1.0);
  BOOST_TEST(nb.bound == 2.0, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(xor_still_has_mistakes_after_1000_epochs) {
  const arma::mat X = {{0, 0, 1, 1}, {0, 1, 0, 1}};
  const arma::ivec y = {0, 1, 1, 0};
  course::Rng rng(42);
  Perceptron p(2);
  const History h = train(p, X, y, 1.0, 1000, rng);
  BOOST_TEST(!h.converged);
  BOOST_TEST(h.mistakes.size() == 1000u);
  BOOST_TEST(*std::min_element(h.mistakes.begin(), h.mistakes.end()) >= 1u);
  BOOST_TEST(count_mistakes(p, X, y) >= 1u);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_bit_identical_weights) {
  const IrisTwoClasses d;
  auto run = [&](std::uint64_t seed) {
    course::Rng rng(seed);
    Perceptron p(2);
    train(p, d.X, d.y, 0.1, 100, rng);
    return std::make_pair(p.w, p.b);
  };
  const auto a = run(7), b = run(7);
  BOOST_TEST(arma::approx_equal(a.first, b.first, "absdiff", 0.0));
  BOOST_TEST(a.second == b.second);
}
