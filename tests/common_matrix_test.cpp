// Tests for common/matrix.hpp and common/random.hpp: shapes, hand-computed values, seeds.
#define BOOST_TEST_MODULE common_matrix
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "common/matrix.hpp"
#include "common/random.hpp"

using namespace course;

BOOST_AUTO_TEST_CASE(one_hot_puts_a_single_one_per_column) {
  const arma::uvec labels = {2, 0, 1, 2};
  const arma::mat Y = one_hot(labels, 3);
  BOOST_TEST(Y.n_rows == 3u);
  BOOST_TEST(Y.n_cols == 4u);
  const arma::mat expected = {{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}};
  BOOST_TEST(arma::approx_equal(Y, expected, "absdiff", 0.0));
  BOOST_CHECK_THROW(one_hot(arma::uvec{3}, 3), Error);
}

BOOST_AUTO_TEST_CASE(argmax_per_column_and_accuracy) {
  const arma::mat A = {{0.1, 0.7, 0.2}, {0.8, 0.2, 0.2}, {0.1, 0.1, 0.6}};
  const arma::uvec expected = {1, 0, 2};
  BOOST_TEST(arma::all(argmax_cols(A) == expected));
  BOOST_TEST(accuracy(A, arma::uvec{1, 0, 0}) == 2.0 / 3.0);
}

BOOST_AUTO_TEST_CASE(scaler_uses_population_std_like_scikit_learn) {
  // Feature 0: 1, 2, 3, 4 -> mean 2.5, population std sqrt(1.25); feature 1 is constant.
  const arma::mat X = {{1, 2, 3, 4}, {5, 5, 5, 5}};
  StandardScaler<> s;
  const arma::mat Xs = s.fit_transform(X);
  BOOST_TEST(s.mean[0] == 2.5);
  BOOST_TEST(s.stddev[0] == std::sqrt(1.25), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(s.stddev[1] == 1.0);  // a constant feature is only centred
  BOOST_TEST(Xs(0, 0) == -1.5 / std::sqrt(1.25), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(arma::accu(arma::abs(Xs.row(1))) == 0.0);
  BOOST_CHECK_THROW(s.transform(arma::mat(3, 2)), Error);
}

BOOST_AUTO_TEST_CASE(batch_ranges_cover_every_column_once) {
  const auto r = batch_ranges(10, 4);
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r[0].first == 0u);
  BOOST_TEST(r[2].first == 8u);
  BOOST_TEST(r[2].size == 2u);
  BOOST_TEST(r[2].last() == 9u);
  BOOST_CHECK_THROW(batch_ranges(10, 0), UsageError);
}

BOOST_AUTO_TEST_CASE(same_seed_same_numbers_other_seed_other_numbers) {
  Rng a(7), b(7), c(8);
  arma::mat A(3, 3), B(3, 3), C(3, 3);
  fill_normal(A, a);
  fill_normal(B, b);
  fill_normal(C, c);
  BOOST_TEST(arma::approx_equal(A, B, "absdiff", 0.0));
  BOOST_TEST(!arma::approx_equal(A, C, "absdiff", 1e-3));
}

BOOST_AUTO_TEST_CASE(permutation_is_a_permutation_and_seeded) {
  Rng a(1), b(1);
  const arma::uvec p = permutation(1000, a);
  BOOST_TEST(arma::all(arma::sort(p) == arma::regspace<arma::uvec>(0, 999)));
  BOOST_TEST(arma::all(p == permutation(1000, b)));
}

BOOST_AUTO_TEST_CASE(normal_has_mean_zero_and_unit_variance) {
  Rng rng(3);
  arma::vec v(200000);
  fill_normal(v, rng);
  BOOST_TEST(std::abs(arma::mean(v)) < 0.01);
  BOOST_TEST(std::abs(arma::var(v) - 1.0) < 0.01);
}

BOOST_AUTO_TEST_CASE(uniform_index_is_uniform) {
  // 60,000 draws over 6 values: each count within 5 standard deviations of 10,000.
  Rng rng(5);
  arma::uvec counts(6, arma::fill::zeros);
  for (int i = 0; i < 60000; ++i) ++counts[uniform_index(rng, 6)];
  for (auto c : counts) BOOST_TEST(std::abs(double(c) - 10000.0) < 5 * std::sqrt(10000.0 * 5 / 6));
}

BOOST_AUTO_TEST_CASE(shuffle_columns_keeps_pairs_together) {
  Rng rng(11);
  const arma::mat X = {{0, 1, 2, 3, 4}, {10, 11, 12, 13, 14}};
  const arma::uvec labels = {0, 1, 2, 3, 4};
  arma::mat Xs;
  arma::uvec ls;
  shuffle_columns(X, labels, rng, Xs, ls);
  for (arma::uword j = 0; j < 5; ++j) {
    BOOST_TEST(Xs(0, j) == double(ls[j]));
    BOOST_TEST(Xs(1, j) == 10.0 + ls[j]);
  }
}

BOOST_AUTO_TEST_CASE(random_split_is_disjoint_and_covering) {
  Rng rng(42);
  const Split s = random_split(150, 0.2, rng);
  BOOST_TEST(s.test.n_elem == 30u);
  BOOST_TEST(s.train.n_elem == 120u);
  const arma::uvec all = arma::sort(arma::join_cols(s.train, s.test));
  BOOST_TEST(arma::all(all == arma::regspace<arma::uvec>(0, 149)));
}

BOOST_AUTO_TEST_CASE(confusion_matrix_counts) {
  const arma::umat C = confusion_matrix({0, 0, 1, 2, 2}, {0, 1, 1, 2, 0}, 3);
  const arma::umat expected = {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}};
  BOOST_TEST(arma::all(arma::vectorise(C == expected)));
}

BOOST_AUTO_TEST_CASE(mean_and_sample_standard_deviation) {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample sd sqrt(32 / 7).
  const MeanSd r = mean_sd({2, 4, 4, 4, 5, 5, 7, 9});
  BOOST_TEST(r.mean == 5.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(r.sd == std::sqrt(32.0 / 7.0), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(mean_sd({3.5}).sd == 0.0);
}
