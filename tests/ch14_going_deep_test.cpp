// Chapter 14 tests: layer norm, GELU, the residual block, the pre-norm block and the deep
// networks built from them. Shapes and invariants (normalized columns, a column's output
// independent of its batch, a zeroed branch is the identity, depth counts, the residual
// initialization keeps the stream's size, and without it only the pre-norm stream stays small);
// the lesson's hand-computed layer-norm example; layer norm's backward against its Jacobian
// written out (the oracle); gradient checks in double of every backward and of whole deep
// networks of each kind; no allocation after the first batch; copies of deep networks; a seeded
// run on a Fashion-MNIST slice; and clear errors for impossible shapes and depths.
#define BOOST_TEST_MODULE ch14_going_deep
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/14_going_deep/deep_mlp.hpp"
#include "chapters/14_going_deep/deep_probes.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/<chapter>.cmake)
#include "tests/support/error_of.hpp"

using namespace mlp;
namespace tt = boost::test_tools;

namespace {

/// The gradient of L = sum(G % f(X)) with respect to X, by backward and by central differences.
course::GradCheck check_input_gradient(Layer<double>& f, arma::mat& X, const arma::mat& G) {
  f.forward(X);
  const arma::mat dX = f.backward(G);
  return course::check_gradient(X, dX, [&] { return arma::accu(G % f.forward(X)); });
}

/// A predicate for BOOST_CHECK_EXCEPTION: the UsageError's message is exactly `expected`.
auto message_is(const std::string& expected) {
  return [expected](const course::UsageError& e) { return std::string(e.what()) == expected; };
}

/// A random (rows x cols) matrix from the generator.
arma::mat randn(arma::uword rows, arma::uword cols, course::Rng& rng, double sd = 1.0) {
  arma::mat M(rows, cols);
  course::fill_normal(M, rng, sd);
  return M;
}

/// Targets for K classes: column j is class j mod K.
arma::mat cyclic_targets(arma::uword K, arma::uword m) {
  const arma::uvec j = arma::regspace<arma::uvec>(0, m - 1);
  return course::one_hot(j - K * (j / K), K);
}

}  // namespace

// ---- 1. Shapes and invariants ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(layer_norm_columns_have_mean_0_and_variance_1) {
  course::Rng rng(1);
  LayerNorm<double> ln(16);
  const arma::mat X = 3.0 + 5.0 * randn(16, 9, rng);
  const arma::mat& Y = ln.forward(X);
  BOOST_TEST(Y.n_rows == 16u);
  BOOST_TEST(Y.n_cols == 9u);
  for (arma::uword j = 0; j < Y.n_cols; ++j) {
    BOOST_TEST(arma::mean(Y.col(j)) == 0.0, tt::tolerance(1e-12));
    // Variance 1 up to eps: sigma^2 / (sigma^2 + eps).
    BOOST_TEST(arma::var(Y.col(j), 1) == 1.0, tt::tolerance(1e-5));
  }
}

// What makes layer norm usable for any batch size: a column's output does not depend on the
// other columns of its batch (batch normalization's does).
BOOST_AUTO_TEST_CASE(layer_norm_of_a_column_is_the_same_alone_or_in_a_batch) {
  course::Rng rng(2);
  LayerNorm<float> ln(8);
  course::fill_normal(ln.gamma, rng);
  course::fill_normal(ln.beta, rng);
  arma::fmat X(8, 5);
  course::fill_normal(X, rng);
  const arma::fmat batch = ln.forward(X);
  for (arma::uword j = 0; j < X.n_cols; ++j) {
    const arma::fmat one = X.col(j);
    BOOST_TEST(arma::approx_equal(ln.forward(one), batch.col(j), "absdiff", 0.0f), "column " << j);
  }
  ln.set_training(false);
  BOOST_TEST(arma::approx_equal(ln.forward(X), batch, "absdiff", 0.0f));  // same in eval mode
}

BOOST_AUTO_TEST_CASE(layer_norm_of_a_constant_column_is_beta) {
  LayerNorm<float> ln(4);
  ln.beta = arma::fvec{0.5f, -1.0f, 2.0f, 0.0f};
  const arma::fmat X(4, 2, arma::fill::value(7.0f));
  const arma::fmat& Y = ln.forward(X);
  BOOST_TEST(Y.is_finite());
  BOOST_TEST(arma::approx_equal(Y.col(1), ln.beta, "absdiff", 0.0f));
}

BOOST_AUTO_TEST_CASE(gelu_values_and_the_tanh_approximation) {
  GELU<double> gelu;
  const arma::mat Z = {{-10.0, -0.75179, 0.0, 1.0, 10.0}};
  const arma::mat& A = gelu.forward(Z);
  BOOST_TEST(A(0, 0) == 0.0, tt::tolerance(1e-20));      // z Phi(z), Phi(-10) = 7.6e-24
  BOOST_TEST(A(0, 1) == -0.16997, tt::tolerance(1e-4));  // the minimum, near z = -0.7518
  BOOST_TEST(A(0, 2) == 0.0);
  BOOST_TEST(A(0, 3) == 0.8413447460685429, tt::tolerance(1e-14));  // Phi(1)
  BOOST_TEST(A(0, 4) == 10.0, tt::tolerance(1e-14));
  // The paper's tanh approximation stays within 4.8e-4 of the exact form on [-10, 10].
  const arma::mat z = arma::linspace<arma::rowvec>(-10, 10, 20001);
  const arma::mat exact = gelu.forward(z);
  const arma::mat approx =
      0.5 * z % (1 + arma::tanh(std::sqrt(2 / M_PI) * (z + 0.044715 * arma::pow(z, 3))));
  const double gap = arma::abs(exact - approx).max();
  BOOST_TEST_MESSAGE("max |GELU - tanh approximation| = " << gap);
  BOOST_TEST(gap < 4.8e-4);
  BOOST_TEST(gap > 4.6e-4);  // and it is an approximation: the gap is real
}

BOOST_AUTO_TEST_CASE(a_residual_block_with_a_zero_branch_is_the_identity) {
  course::Rng rng(3);
  Sequential<double> F;
  F.add<Dense<double>>(6, 6, rng);
  F.add<ReLU<double>>();
  auto& last = F.add<Dense<double>>(6, 6, rng);
  last.W.zeros();
  last.b.zeros();
  Residual<double> block(std::move(F));
  const arma::mat X = randn(6, 4, rng);
  BOOST_TEST(arma::approx_equal(block.forward(X), X, "absdiff", 0.0));
  const arma::mat G = randn(6, 4, rng);
  BOOST_TEST(arma::approx_equal(block.backward(G), G, "absdiff", 0.0));  // dA_in = dA_out + 0
  const auto p = block.params("3.");
  BOOST_REQUIRE(p.size() == 4u);
  BOOST_TEST(p[0].name == "3.f.0.weight");
  BOOST_TEST(p[3].name == "3.f.2.bias");
}

BOOST_AUTO_TEST_CASE(every_kind_has_depth_dense_layers_and_the_same_weight_count) {
  for (arma::uword depth : {2u, 4u, 10u}) {
    std::vector<arma::uword> counts;
    for (Kind kind : all_kinds()) {
      course::Rng rng(4);
      auto net = deep_mlp<float>(kind, depth, 20, 8, 3, rng);
      BOOST_TEST(dense_layers(net).size() == depth, kind_name(kind) << " at depth " << depth);
      const arma::fmat X(20, 5, arma::fill::ones);
      const arma::fmat& Z = net.forward(X);
      BOOST_TEST(Z.n_rows == 3u);
      BOOST_TEST(Z.n_cols == 5u);
      counts.push_back(net.n_params());
    }
    // plain and residual: the same Dense layers; pre-norm adds 2 x 8 per LayerNorm.
    const arma::uword norms = (depth - 2) / 2 + 1;
    BOOST_TEST(counts[0] == 20u * 8 + 8 + (depth - 2) * (8 * 8 + 8) + 8 * 3 + 3);
    BOOST_TEST(counts[1] == counts[0]);
    BOOST_TEST(counts[2] == counts[0] + norms * 2 * 8);
  }
}

BOOST_AUTO_TEST_CASE(at_depth_2_plain_and_residual_are_the_same_network) {
  course::Rng rng_a(5), rng_b(5);
  auto plain = deep_mlp<double>(Kind::plain, 2, 7, 5, 3, rng_a);
  auto residual = deep_mlp<double>(Kind::residual, 2, 7, 5, 3, rng_b);
  arma::mat X(7, 4, arma::fill::randn);
  BOOST_TEST(arma::approx_equal(plain.forward(X), residual.forward(X), "absdiff", 0.0));
}

// The 1/sqrt(B) scale of the residual branches (deep_mlp.hpp): without it each of the 24 blocks
// of a depth-50 network triples the stream's mean square (3^24 = 2.8e11); with it the growth is
// about (1 + 2/B)^B < e^2 = 7.39. Pre-norm blocks normalize what each branch reads, so without the
// scale their stream grows only linearly, by about one unit of the branch's output per block.
BOOST_AUTO_TEST_CASE(the_residual_init_keeps_the_stream_bounded_at_depth_50) {
  auto growth = [](Kind kind, bool scaled) {
    course::Rng rng(6);
    auto net = deep_mlp<double>(kind, 50, 100, 256, 10, rng, scaled);
    const arma::mat X = randn(100, 200, rng);
    const arma::mat* A = &X;
    double after_stem = 0, before_head = 0;
    const std::size_t last_block = net.size() - (kind == Kind::pre_norm ? 3 : 2);
    for (std::size_t l = 0; l < net.size(); ++l) {
      A = &net.layer(l).forward(*A);
      if (l == 1) after_stem = arma::accu(arma::square(*A)) / A->n_elem;
      if (l == last_block) before_head = arma::accu(arma::square(*A)) / A->n_elem;
    }
    return before_head / after_stem;
  };
  const double scaled = growth(Kind::residual, true), unscaled = growth(Kind::residual, false);
  const double pre_norm_unscaled = growth(Kind::pre_norm, false);
  BOOST_TEST_MESSAGE("mean square of the stream over 24 blocks grew by "
                     << scaled << " (scaled), " << unscaled << " (unscaled), pre-norm unscaled "
                     << pre_norm_unscaled);
  BOOST_TEST(scaled > 2.0);
  BOOST_TEST(scaled < std::exp(2.0));
  BOOST_TEST(unscaled > 1e10);
  BOOST_TEST(pre_norm_unscaled < 100.0);
}

// ---- 2. The lesson's hand-computed example ---------------------------------------------------

// x = (1, 3, 3, 9): mu = 4, sigma^2 = (9 + 1 + 1 + 25)/4 = 9, s = 1/3, xhat = (-1, -1/3, -1/3,
// 5/3). gamma = (1, 2, 1, 1/2), beta = (0, 0, 1, 0): a = (-1, -2/3, 2/3, 5/6). da = (0, 1, 0, 0): g
// = gamma da = (0, 2, 0, 0), mean(g) = 1/2, mean(g xhat) = -1/6, dx = s (g - 1/2 + xhat/6) = (-6,
// 13, -5, -2)/27; dgamma = da xhat = (0, -1/3, 0, 0), dbeta = da.
BOOST_AUTO_TEST_CASE(layer_norm_by_hand) {
  LayerNorm<double> ln(4, /*eps=*/0.0);  // eps = 0 here so the numbers are exact fractions
  ln.gamma = arma::vec{1.0, 2.0, 1.0, 0.5};
  ln.beta = arma::vec{0.0, 0.0, 1.0, 0.0};
  const arma::mat x = arma::vec{1.0, 3.0, 3.0, 9.0};
  const arma::mat& a = ln.forward(x);
  BOOST_TEST(ln.mean()(0, 0) == 4.0);
  BOOST_TEST(ln.rstd()(0, 0) == 1.0 / 3.0, tt::tolerance(1e-15));
  const arma::vec a_expected = {-1.0, -2.0 / 3, 2.0 / 3, 5.0 / 6};
  BOOST_TEST(arma::approx_equal(a, a_expected, "absdiff", 1e-15));
  const arma::mat da = arma::vec{0.0, 1.0, 0.0, 0.0};
  const arma::mat& dx = ln.backward(da);
  const arma::vec dx_expected = arma::vec{-6.0, 13.0, -5.0, -2.0} / 27.0;
  BOOST_TEST(arma::approx_equal(dx, dx_expected, "absdiff", 1e-15));
  BOOST_TEST(arma::approx_equal(ln.dgamma, arma::vec{0.0, -1.0 / 3, 0.0, 0.0}, "absdiff", 1e-15));
  BOOST_TEST(arma::approx_equal(ln.dbeta, arma::vec{0.0, 1.0, 0.0, 0.0}, "absdiff", 0.0));
  // The two invariances: shifting x or scaling it does not change a, so dx sums to 0 and is
  // orthogonal to xhat.
  const arma::vec xhat = {-1.0, -1.0 / 3, -1.0 / 3, 5.0 / 3};
  BOOST_TEST(arma::accu(dx) == 0.0, tt::tolerance(1e-15));
  BOOST_TEST(arma::dot(dx, xhat) == 0.0, tt::tolerance(1e-15));
  // With PyTorch's eps = 1e-5 the numbers move in the 7th digit only.
  LayerNorm<double> ln_eps(4);
  ln_eps.gamma = ln.gamma;
  ln_eps.beta = ln.beta;
  BOOST_TEST(arma::approx_equal(ln_eps.forward(x), a_expected, "absdiff", 1e-6));
}

// ---- 3. Backward against an oracle, and gradient checks in double ----------------------------

// The layer's loop form against the math section's matrix form, column by column:
// dx = diag(s) (I - 1 1^T/n - xhat xhat^T/n) (gamma % da).
BOOST_AUTO_TEST_CASE(layer_norm_backward_equals_its_jacobian_written_out) {
  course::Rng rng(7);
  const arma::uword n = 6, m = 5;
  LayerNorm<double> ln(n);
  course::fill_normal(ln.gamma, rng);
  const arma::mat X = randn(n, m, rng, 2.0), dA = randn(n, m, rng);
  ln.forward(X);
  const arma::mat dX = ln.backward(dA);
  for (arma::uword j = 0; j < m; ++j) {
    const arma::vec x = X.col(j);
    const double mu = arma::mean(x), var = arma::var(x, 1), s = 1 / std::sqrt(var + 1e-5);
    const arma::vec xhat = (x - mu) * s;
    const arma::mat J =
        s * (arma::eye(n, n) - arma::ones(n, n) / double(n) - xhat * xhat.t() / double(n));
    const arma::vec oracle = J * (ln.gamma % dA.col(j));
    BOOST_TEST(arma::approx_equal(dX.col(j), oracle, "absdiff", 1e-13), "column " << j);
  }
}

BOOST_AUTO_TEST_CASE(gradient_check_layer_norm_input_gain_and_bias) {
  course::Rng rng(8);
  LayerNorm<double> ln(7);
  course::fill_normal(ln.gamma, rng);
  course::fill_normal(ln.beta, rng);
  arma::mat X = randn(7, 5, rng, 3.0);
  const arma::mat G = randn(7, 5, rng);
  const auto r = check_input_gradient(ln, X, G);
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("X"));
  auto loss = [&] { return arma::accu(G % ln.forward(X)); };
  loss();
  ln.backward(G);
  check_every_parameter(ln.params("ln."), loss);
}

BOOST_AUTO_TEST_CASE(gradient_check_gelu) {
  course::Rng rng(9);
  GELU<double> gelu;
  arma::mat Z = randn(5, 8, rng, 2.0);
  const arma::mat G = randn(5, 8, rng);
  const auto r = check_input_gradient(gelu, Z, G);
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("Z"));
}

BOOST_AUTO_TEST_CASE(gradient_check_residual_and_pre_norm_blocks) {
  course::Rng rng(10);
  Sequential<double> F;
  F.add<Dense<double>>(5, 5, rng);
  F.add<Tanh<double>>();  // smooth, so no kink near the checker's steps
  F.add<Dense<double>>(5, 5, rng);
  Residual<double> residual(std::move(F));
  PreNormBlock<double> pre_norm(5, 7, rng);
  for (Residual<double>* block : {&residual, static_cast<Residual<double>*>(&pre_norm)}) {
    arma::mat X = randn(5, 6, rng);
    const arma::mat G = randn(5, 6, rng);
    const auto r = check_input_gradient(*block, X, G);
    BOOST_TEST(r.max_rel_error <= 1e-7, block->describe() << "\n" << r.report("X"));
    auto loss = [&] { return arma::accu(G % block->forward(X)); };
    loss();
    block->backward(G);
    check_every_parameter(block->params(""), loss, block->describe() + " ");
  }
}

// Whole networks of each kind, depth 10 (4 blocks), softmax + cross-entropy: every parameter.
// ReLU has a kink at 0, and a pre-activation within the checker's 2h = 2e-3 of it spoils the
// numeric slope (with seeds 1-40, 6 seeds have no such unit in any of the three networks;
// 13 is one of them).
BOOST_AUTO_TEST_CASE(gradient_check_whole_deep_networks_of_each_kind) {
  for (Kind kind : all_kinds()) {
    course::Rng rng(13);
    auto net = deep_mlp<double>(kind, 10, 6, 8, 3, rng);
    const arma::mat X = randn(6, 4, rng);
    const arma::mat Y = cyclic_targets(3, 4);
    SoftmaxCrossEntropy<double> loss;
    auto L = [&] { return double(loss.forward(net.forward(X), Y)); };
    L();
    net.backward(loss.backward());
    check_every_parameter(net.params(), L, kind_name(kind) + " ");
  }
}

// ---- 4. The probe, and no allocation after the first batch -----------------------------------

BOOST_AUTO_TEST_CASE(the_probe_reads_every_dense_layer_inside_blocks) {
  for (Kind kind : all_kinds()) {
    course::Rng rng(12);
    auto net = deep_mlp<float>(kind, 12, 10, 8, 3, rng);
    arma::fmat X(10, 16);
    course::fill_normal(X, rng);
    SoftmaxCrossEntropy<float> loss;
    const auto norms = probe_every_dense(
        net, loss, X, course::one_hot<arma::fmat>(arma::uvec(16, arma::fill::zeros), 3));
    BOOST_REQUIRE(norms.size() == 12u);
    const auto dense = dense_layers(net);
    for (std::size_t l = 0; l < norms.size(); ++l) {
      BOOST_TEST(norms[l].layer == l);
      BOOST_TEST(norms[l].dW_norm == double(arma::norm(dense[l]->dW, "fro")));
      BOOST_TEST(norms[l].dW_norm > 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_batch_for_each_kind) {
  for (Kind kind : all_kinds()) {
    course::Rng rng(13);
    auto net = deep_mlp<float>(kind, 6, 20, 16, 4, rng);
    arma::fmat X(20, 105);  // 10 full batches and a short one
    course::fill_normal(X, rng);
    const arma::uvec j = arma::regspace<arma::uvec>(0, 104);
    const arma::fmat Y = course::one_hot<arma::fmat>(j - 4 * (j / 4), 4);
    SoftmaxCrossEntropy<float> loss;
    Adam<float> adam(net.params(), 0.01);
    Trainer<float> trainer(net, loss, adam, 10);
    follow(trainer, adam, CosineSchedule{0.01, 0.0, 22});
    check_no_allocation_after_first_batch(trainer, X, Y, rng, kind_name(kind));
  }
}

// A copy of a deep network (chapter 06's Sequential copies by cloning each layer) computes the
// same outputs and owns its own weights, blocks included.
BOOST_AUTO_TEST_CASE(a_copied_deep_network_is_equal_and_independent) {
  for (Kind kind : all_kinds()) {
    course::Rng rng(15);
    auto net = deep_mlp<double>(kind, 6, 5, 4, 3, rng);
    Sequential<double> copy = net;
    const arma::mat X = randn(5, 3, rng);
    const arma::mat Z = net.forward(X);
    BOOST_TEST(arma::approx_equal(copy.forward(X), Z, "absdiff", 0.0), kind_name(kind));
    for (auto& p : copy.params()) p.value->zeros();
    BOOST_TEST(arma::approx_equal(net.forward(X), Z, "absdiff", 0.0), kind_name(kind));
    BOOST_TEST(copy.describe() == net.describe());
  }
}

// ---- 5. Seeded runs on a Fashion-MNIST slice -------------------------------------------------

// 2,000 training images, width 32, depth 30, 4 epochs, the chapter's recipe (He init, Adam with a
// cosine schedule): every kind learns, the same seed gives the same losses bit for bit, and the
// plain network ends with a training loss far above the residual ones (the chapter's result in
// miniature: 1.70 against 0.51 and 0.53 with this seed).
BOOST_AUTO_TEST_CASE(deep_networks_on_a_fashion_mnist_slice) {
  const auto train = course::load_images("fashion", "train", "", 2000);
  const arma::fmat Y = course::one_hot<arma::fmat>(train.labels, 10);
  auto run = [&](Kind kind) {
    course::Rng rng(42);
    auto net = deep_mlp<float>(kind, 30, 784, 32, 10, rng);
    SoftmaxCrossEntropy<float> loss;
    Adam<float> adam(net.params(), 1e-3);
    Trainer<float> trainer(net, loss, adam, 64);
    follow(trainer, adam, CosineSchedule{1e-3, 0.0, 4 * 32});
    std::vector<double> losses;
    for (std::size_t epoch = 1; epoch <= 4; ++epoch)
      losses.push_back(trainer.train_epoch(train.X, Y, rng, epoch));
    return losses;
  };
  std::vector<double> last;
  for (Kind kind : all_kinds()) {
    const auto losses = run(kind);
    BOOST_TEST_MESSAGE(kind_name(kind)
                       << ": first epoch " << losses.front() << ", last " << losses.back());
    BOOST_TEST(losses.back() < losses.front(), kind_name(kind));
    last.push_back(losses.back());
  }
  BOOST_TEST(run(Kind::pre_norm).back() == last[2]);  // bit for bit
  BOOST_TEST(last[1] < 0.6);
  BOOST_TEST(last[2] < 0.6);
  BOOST_TEST(last[0] > 2 * last[1]);
  BOOST_TEST(last[0] > 2 * last[2]);
}

// ---- 6. Clear errors ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(impossible_shapes_and_depths_are_one_line_errors) {
  course::Rng rng(14);
  LayerNorm<float> ln(8);
  BOOST_TEST(error_of([&] { ln.forward(arma::fmat(5, 3, arma::fill::zeros)); }) ==
             "LayerNorm(8): expected an input with 8 rows (features), got 5 x 3");
  Sequential<float> F;
  F.add<Dense<float>>(4, 3, rng);
  Residual<float> block(std::move(F));
  BOOST_TEST(error_of([&] { block.forward(arma::fmat(4, 2, arma::fill::zeros)); }) ==
             "Residual(Dense(4 -> 3)): F maps 4 rows to 3; a residual block needs the same size");
  BOOST_CHECK_EXCEPTION(
      blocks_for_depth(7), course::UsageError,
      message_is("depth 7: expected an even number >= 2 (stem + 2 Dense per block + head)"));
  BOOST_CHECK_THROW(blocks_for_depth(0), course::UsageError);
  BOOST_TEST(blocks_for_depth(50) == 24u);
  BOOST_CHECK_EXCEPTION(
      parse_kind("resnet"), course::UsageError,
      message_is("--kinds: expected plain, residual or pre_norm, found 'resnet'"));
  BOOST_CHECK_EXCEPTION(Residual<float>(Sequential<float>{}), course::UsageError,
                        message_is("Residual: the inner network F has no layers"));
}
