// Chapter 06 tests: shapes, a hand-computed forward/backward, gradient checks through the whole
// network (double), a training smoke test on a 2,000-image MNIST slice, allocation-free batches,
// and clear errors for shape mismatches.
#define BOOST_TEST_MODULE ch06_mlp
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <new>
#include <utility>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/<chapter>.cmake)

using namespace mlp;

namespace {

/// A small network of every layer type: 5 -> 4 (tanh) -> 4 (relu) -> 3 (sigmoid).
template <class T>
Sequential<T> small_net(course::Rng& rng) {
  Sequential<T> net;
  net.template add<Dense<T>>(5, 4, rng);
  net.template add<Tanh<T>>();
  net.template add<Dense<T>>(4, 4, rng);
  net.template add<ReLU<T>>();
  net.template add<Dense<T>>(4, 3, rng);
  net.template add<Sigmoid<T>>();
  return net;
}

/// n random examples for small_net (5 x n) and one-hot targets cycling through its 3 classes.
template <class T>
std::pair<arma::Mat<T>, arma::Mat<T>> cycling_classes(arma::uword n, course::Rng& rng) {
  arma::Mat<T> X(5, n);
  course::fill_normal(X, rng);
  const arma::uvec i = arma::regspace<arma::uvec>(0, n - 1);
  return {X, course::one_hot<arma::Mat<T>>(i - 3 * (i / 3), 3)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(shapes_and_parameter_names) {
  course::Rng rng(1);
  Sequential<float> net;
  net.add<Dense<float>>(784, 30, rng);
  net.add<Sigmoid<float>>();
  net.add<Dense<float>>(30, 10, rng);
  const arma::fmat X(784, 7, arma::fill::randu);
  const arma::fmat& A = net.forward(X);
  BOOST_TEST(A.n_rows == 10u);
  BOOST_TEST(A.n_cols == 7u);
  const auto p = net.params();
  BOOST_TEST(p.size() == 4u);
  BOOST_TEST(p[0].name == "0.weight");
  BOOST_TEST(p[3].name == "2.bias");
  BOOST_TEST(p[0].value->n_rows == 30u);  // W is (n_out x n_in), like PyTorch's nn.Linear
  BOOST_TEST(p[0].value->n_cols == 784u);
  BOOST_TEST(net.n_params() == 784u * 30 + 30 + 30 * 10 + 10);
}

// The lesson's hand-computed example: one Dense(2 -> 1) + Sigmoid with quadratic cost.
BOOST_AUTO_TEST_CASE(one_unit_by_hand) {
  course::Rng rng(0);
  Sequential<double> net;
  auto& dense = net.add<Dense<double>>(2, 1, rng);
  net.add<Sigmoid<double>>();
  dense.W = {{0.5, -0.25}};
  dense.b = {0.1};
  const arma::mat x = arma::vec{1.0, 2.0};  // one example (a column)
  const arma::mat y(1, 1, arma::fill::ones);
  // z = 0.5*1 - 0.25*2 + 0.1 = 0.1; a = sigma(0.1) = 0.52497918747894
  const double a = net.forward(x)(0, 0);
  BOOST_TEST(a == 0.52497918747894, boost::test_tools::tolerance(1e-13));
  QuadraticCost<double> cost;
  // L = (a - y)^2 / 2 = 0.11282740...
  BOOST_TEST(cost.forward(net.forward(x), y) == 0.5 * (a - 1) * (a - 1));
  net.backward(cost.backward());
  // delta = (a - y) a (1 - a) = -0.1184588... ; dW = delta * x^T ; db = delta
  const double delta = (a - 1) * a * (1 - a);
  BOOST_TEST(delta == -0.1184588, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(dense.dW(0, 0) == delta * 1.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(dense.dW(0, 1) == delta * 2.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(dense.db(0, 0) == delta, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(gradient_check_through_the_whole_network) {
  course::Rng rng(7);
  Sequential<double> net = small_net<double>(rng);
  arma::mat X(5, 8);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot(arma::uvec{0, 1, 2, 0, 1, 2, 0, 1}, 3);
  QuadraticCost<double> cost;
  auto loss = [&] { return cost.forward(net.forward(X), Y); };
  loss();
  net.backward(cost.backward());
  // ReLU has a kink at 0; with this seed no pre-activation lies within 2h = 2e-3 of it.
  check_every_parameter(net.params(), loss);
}

BOOST_AUTO_TEST_CASE(input_gradient_of_each_activation) {
  course::Rng rng(3);
  arma::mat Z(4, 6);
  course::fill_normal(Z, rng);
  arma::mat G(4, 6);  // a fixed upstream gradient: L = sum(G % f(Z))
  course::fill_normal(G, rng);
  Sigmoid<double> s;
  Tanh<double> t;
  ReLU<double> r;
  for (Layer<double>* f : std::vector<Layer<double>*>{&s, &t, &r}) {
    f->forward(Z);
    const arma::mat dZ = f->backward(G);
    const auto res = course::check_gradient(Z, dZ, [&] { return arma::accu(G % f->forward(Z)); });
    BOOST_TEST(res.max_rel_error <= 1e-7, f->describe() << "\n" << res.report("Z"));
  }
}

BOOST_AUTO_TEST_CASE(shape_mismatch_names_the_layer) {
  course::Rng rng(1);
  Sequential<float> net;
  net.add<Dense<float>>(784, 30, rng);
  try {
    net.forward(arma::fmat(100, 5, arma::fill::zeros));
    BOOST_FAIL("expected an error");
  } catch (const course::Error& e) {
    BOOST_TEST(std::string(e.what()) ==
               "Dense(784 -> 30): expected an input with 784 rows (features), got 100 x 5");
  }
}

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_batch) {
  course::Rng rng(5);
  Sequential<float> net;
  net.add<Dense<float>>(20, 16, rng);
  net.add<Sigmoid<float>>();
  net.add<Dense<float>>(16, 16, rng);
  net.add<ReLU<float>>();
  net.add<Dense<float>>(16, 4, rng);
  net.add<Sigmoid<float>>();
  arma::fmat X(20, 105);  // 10 full batches and a short one
  course::fill_normal(X, rng);
  const arma::fmat Y = course::one_hot<arma::fmat>(
      arma::regspace<arma::uvec>(0, 104) - 4 * (arma::regspace<arma::uvec>(0, 104) / 4), 4);
  QuadraticCost<float> cost;
  SGD<float> sgd(net.params(), 0.5);
  Trainer<float> trainer(net, cost, sgd, 10);
  check_no_allocation_after_first_batch(trainer, X, Y, rng);
}

BOOST_AUTO_TEST_CASE(same_seed_same_weights) {
  auto run = [](std::uint64_t seed) {
    course::Rng rng(seed);
    Sequential<float> net = small_net<float>(rng);
    arma::fmat X(5, 40);
    course::fill_normal(X, rng);
    const arma::fmat Y = course::one_hot<arma::fmat>(arma::uvec(40, arma::fill::zeros), 3);
    QuadraticCost<float> cost;
    SGD<float> sgd(net.params(), 0.1);
    Trainer<float> trainer(net, cost, sgd, 8);
    trainer.train_epoch(X, Y, rng, 1);
    return arma::fmat(*net.params()[0].value);
  };
  BOOST_TEST(arma::approx_equal(run(9), run(9), "absdiff", 0.0f));
}

// Nielsen's network on a 2,000-image slice, with one change: first-layer weights scaled by
// 1/sqrt(784) so the sigmoids start unsaturated (his network2.py does this; chapter 08 explains
// why). With plain N(0, 1) the slice reaches only 74-84% after 10 epochs, depending on the seed.
BOOST_AUTO_TEST_CASE(mnist_2000_images_reach_85_percent_in_5_epochs_needs_mnist) {
  const auto train = course::load_images("mnist", "train", "", 2000);
  const auto test = course::load_images("mnist", "test", "", 1000);
  course::Rng rng(42);
  Sequential<float> net;
  auto& hidden = net.add<Dense<float>>(784, 30, rng);
  hidden.W /= std::sqrt(784.0f);
  net.add<Sigmoid<float>>();
  net.add<Dense<float>>(30, 10, rng);
  net.add<Sigmoid<float>>();
  QuadraticCost<float> cost;
  SGD<float> sgd(net.params(), 3.0);
  Trainer<float> trainer(net, cost, sgd, 10);
  const arma::fmat Y = course::one_hot<arma::fmat>(train.labels, 10);
  std::vector<double> losses;
  for (std::size_t epoch = 1; epoch <= 5; ++epoch)
    losses.push_back(trainer.train_epoch(train.X, Y, rng, epoch));
  const double acc = count_correct(net, test.X, test.labels) / 1000.0;
  BOOST_TEST_MESSAGE("2,000-image slice: test accuracy " << acc);
  BOOST_TEST(losses.back() < losses.front());
  BOOST_TEST(acc >= 0.85);
}

// A learning rate far too high makes the loss overflow: training must stop at the first
// non-finite loss with a message naming the epoch, the batch and the likely cause.
BOOST_AUTO_TEST_CASE(numeric_fault_stops_training_with_a_clear_message) {
  course::Rng rng(2);
  Sequential<float> net;
  net.add<Dense<float>>(4, 8, rng);
  net.add<ReLU<float>>();
  net.add<Dense<float>>(8, 3, rng);
  arma::fmat X(4, 50);
  course::fill_normal(X, rng);
  const arma::fmat Y = course::one_hot<arma::fmat>(arma::uvec(50, arma::fill::zeros), 3);
  QuadraticCost<float> cost;
  SGD<float> sgd(net.params(), 1e12);
  Trainer<float> trainer(net, cost, sgd, 10);
  std::string message;
  try {
    for (std::size_t epoch = 1; epoch <= 3; ++epoch) trainer.train_epoch(X, Y, rng, epoch);
  } catch (const course::Error& e) {
    message = e.what();
  }
  BOOST_TEST_MESSAGE(message);
  BOOST_TEST(message.rfind("training diverged at epoch 1, batch ", 0) == 0u);
  BOOST_TEST(message.find("too high?") != std::string::npos);
}

// The fast path (train.hpp: plain SGD fused into backward, Dense's `W -= eta * delta * A_in^T`)
// must give the plain path's weights up to rounding. In double the two differ by a few units
// in the last place after an epoch of 5 batches; 1e-12 relative would catch a missed term.
BOOST_AUTO_TEST_CASE(fast_path_gives_the_plain_path_weights) {
  auto train = [](bool fast) {
    course::Rng rng(11);
    Sequential<double> net = small_net<double>(rng);
    const auto [X, Y] = cycling_classes<double>(45, rng);
    QuadraticCost<double> cost;
    SGD<double> sgd(net.params(), 0.7);
    Trainer<double> trainer(net, cost, sgd, 10);  // 4 full batches and a short one
    BOOST_TEST(trainer.fast_sgd_possible());
    trainer.fast_sgd = fast;
    for (std::size_t epoch = 1; epoch <= 2; ++epoch) trainer.train_epoch(X, Y, rng, epoch);
    std::vector<arma::mat> values;
    for (const auto& p : net.params()) values.push_back(*p.value);
    values.push_back(*net.params()[0].grad);  // dW of the first layer
    return values;
  };
  const auto plain = train(false), fast = train(true);
  BOOST_REQUIRE(plain.size() == 7u);
  for (std::size_t i = 0; i < 6; ++i)
    BOOST_TEST(arma::approx_equal(plain[i], fast[i], "reldiff", 1e-12), "parameter " << i);
  // The fast path really ran: it never writes dW (left at its initial zeros).
  BOOST_TEST(arma::abs(plain[6]).max() > 0.0);
  BOOST_TEST(arma::abs(fast[6]).max() == 0.0);
}

// The fast path is only taken when it would do exactly what the optimizer does: plain SGD over
// every parameter. A frozen layer (not handed to the optimizer) stays frozen.
BOOST_AUTO_TEST_CASE(fast_path_refused_unless_plain_sgd_over_every_parameter) {
  course::Rng rng(3);
  Sequential<float> net = small_net<float>(rng);
  auto params = net.params();
  const arma::fmat W0 = *params[0].value, W1 = *params[2].value;
  SGD<float> all(params, 0.5);
  SGD<float> frozen_first({params.begin() + 2, params.end()}, 0.5);
  QuadraticCost<float> cost;
  BOOST_TEST(Trainer<float>(net, cost, all, 4).fast_sgd_possible());
  Trainer<float> trainer(net, cost, frozen_first, 4);
  BOOST_TEST(!trainer.fast_sgd_possible());
  trainer.fast_sgd = true;  // asked for, but not possible: the plain path runs
  arma::fmat X(5, 12);
  course::fill_normal(X, rng);
  const arma::fmat Y = course::one_hot<arma::fmat>(arma::uvec(12, arma::fill::zeros), 3);
  trainer.train_epoch(X, Y, rng, 1);
  BOOST_TEST(arma::approx_equal(*params[0].value, W0, "absdiff", 0.0f));
  BOOST_TEST(!arma::approx_equal(*params[2].value, W1, "absdiff", 0.0f));  // trained
}

// Examples kept as bytes (course::ByteExamples) are the same numbers as their float matrix:
// training from either gives the same weights, bit for bit, on both paths, and neither
// allocates after the first batch.
BOOST_AUTO_TEST_CASE(bytes_train_exactly_as_their_floats) {
  course::Rng data_rng(8);
  arma::Mat<unsigned char> bytes(5, 53);  // 5 full batches of 10 and a short one
  for (auto& u : bytes) u = static_cast<unsigned char>(course::uniform_index(data_rng, 256));
  const course::ByteExamples B(bytes, 255.0f);
  const arma::fmat X = arma::conv_to<arma::fmat>::from(bytes) / 255.0f;
  const arma::fmat Y = course::one_hot<arma::fmat>(
      arma::regspace<arma::uvec>(0, 52) - 3 * (arma::regspace<arma::uvec>(0, 52) / 3), 3);
  for (const bool fast : {false, true}) {
    auto train = [&](const auto& examples) {
      course::Rng rng(21);
      Sequential<float> net = small_net<float>(rng);
      QuadraticCost<float> cost;
      SGD<float> sgd(net.params(), 0.5);
      Trainer<float> trainer(net, cost, sgd, 10);
      trainer.fast_sgd = fast;
      check_no_allocation_after_first_batch(trainer, examples, Y, rng, "two epochs");
      trainer.train_epoch(examples, Y, rng, 3);
      std::vector<arma::fmat> weights;
      for (const auto& p : net.params()) weights.push_back(*p.value);
      return weights;
    };
    const auto from_floats = train(X), from_bytes = train(B);
    for (std::size_t i = 0; i < from_floats.size(); ++i)
      BOOST_TEST(arma::approx_equal(from_floats[i], from_bytes[i], "absdiff", 0.0f),
                 (fast ? "fast" : "plain") << " path, parameter " << i);
  }
}

BOOST_AUTO_TEST_CASE(fast_path_allocates_nothing_after_the_first_batch) {
  course::Rng rng(5);
  Sequential<float> net = small_net<float>(rng);
  const auto [X, Y] = cycling_classes<float>(105, rng);
  QuadraticCost<float> cost;
  SGD<float> sgd(net.params(), 0.5);
  Trainer<float> trainer(net, cost, sgd, 10);
  trainer.fast_sgd = true;
  BOOST_REQUIRE(trainer.fast_sgd_possible());
  check_no_allocation_after_first_batch(trainer, X, Y, rng, "fast path");
}
