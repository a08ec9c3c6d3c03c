// Tests for common/gradcheck.hpp: the checker itself must pass right gradients and catch wrong ones.
#define BOOST_TEST_MODULE common_gradcheck
#include <boost/test/unit_test.hpp>

#include "common/gradcheck.hpp"

using namespace course;

// L(W) = sum(sin(W) % W) has dL/dW = cos(W) % W + sin(W).
BOOST_AUTO_TEST_CASE(accepts_the_right_gradient) {
  arma::mat W = {{0.3, -1.2}, {2.0, 0.7}, {-0.4, 1.5}};
  const arma::mat dW = arma::cos(W) % W + arma::sin(W);
  const arma::mat W_before = W;
  const auto r = check_gradient(W, dW, [&] { return arma::accu(arma::sin(W) % W); });
  BOOST_TEST_MESSAGE(r.report("W"));
  BOOST_TEST(r.max_rel_error <= 1e-7);
  BOOST_TEST(arma::approx_equal(W, W_before, "absdiff", 0.0));  // restored exactly
}

BOOST_AUTO_TEST_CASE(rejects_a_wrong_gradient_and_names_the_entry) {
  arma::mat W = {{0.3, -1.2}, {2.0, 0.7}};
  arma::mat dW = arma::cos(W) % W + arma::sin(W);
  dW(1, 1) *= 1.001;  // one entry off by 0.1%
  const auto r = check_gradient(W, dW, [&] { return arma::accu(arma::sin(W) % W); });
  BOOST_TEST(r.max_rel_error > 1e-4);
  BOOST_TEST(r.worst.front().index == 3u);  // (1, 1) is linear index 3
}

BOOST_AUTO_TEST_CASE(shape_mismatch_is_an_error) {
  arma::mat W(2, 2, arma::fill::ones);
  BOOST_CHECK_THROW(check_gradient(W, arma::mat(2, 3), [] { return 0.0; }), std::invalid_argument);
}
