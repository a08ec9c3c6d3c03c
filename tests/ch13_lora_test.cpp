// Chapter 13 tests: the LoRA layer's shapes and initialization (B = 0, A within the Kaiming-uniform
// bound), the network computing exactly the base model's outputs at initialization, what the
// optimizer is handed and how many numbers that is; the lesson's example by hand and SHA-256 test
// vectors; gradient checks of A, B and the input; batched == per-example gradients; merged ==
// unmerged (1e-6 in float32, 1e-12 in double); training that leaves W0 bit-identical and
// allocates nothing after the first batch; the adapter file round trip and its errors; and (with
// MNIST) LoRA learning digits 5-9 from 100 images per class.
#define BOOST_TEST_MODULE ch13_lora
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "chapters/13_lora/adapter.hpp"
#include "chapters/13_lora/compare.hpp"
#include "chapters/13_lora/lora_dense.hpp"
#include "chapters/13_lora/lora_network.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/<chapter>.cmake)
#include "tests/support/error_of.hpp"

using namespace mlp;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

const std::string kBase = shipped_checkpoint();  // chapter 11's shipped 784-128-64-5

/// A fresh folder for this test's files (under the build folder, the tests' working directory).
std::string scratch(const std::string& test) {
  const fs::path dir = fs::path("test_output") / "ch13_lora_test" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

template <class T>
bool same_bits(const arma::Mat<T>& a, const arma::Mat<T>& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0;
}

/// Pixel-like inputs: (784 x n) uniform in [0, 1).
arma::fmat random_images(arma::uword n, std::uint64_t seed) {
  course::Rng rng(seed);
  arma::fmat X(784, n);
  course::fill_uniform(X, rng, 0.0, 1.0);
  return X;
}

/// Give every LoRADense of a network non-zero B (as after training): N(0, stddev^2).
template <class T>
void randomize_B(Sequential<T>& net, course::Rng& rng, double stddev) {
  for (std::size_t l : lora_layers(net))
    course::fill_normal(static_cast<LoRADense<T>&>(net.layer(l)).B, rng, stddev);
}

/// Labels 0, 1, 2, 0, 1, 2, ... for n examples.
arma::uvec cyclic_labels(arma::uword n, arma::uword K) {
  arma::uvec y(n);
  for (arma::uword i = 0; i < n; ++i) y[i] = i % K;
  return y;
}

/// The smooth test network for gradient checks (double): two LoRA layers with Tanh, a Dense head.
Sequential<double> two_lora_net(course::Rng& rng) {
  Sequential<double> base;
  base.add<Dense<double>>(4, 6, rng);
  base.add<Tanh<double>>();
  base.add<Dense<double>>(6, 5, rng);
  base.add<Tanh<double>>();
  base.add<Dense<double>>(5, 3, rng);
  initialize(base, glorot_normal<double>, rng);
  for (std::size_t l : {0, 2})
    course::fill_normal(static_cast<Dense<double>&>(base.layer(l)).b, rng, 0.3);
  Sequential<double> net = with_lora(base, {0, 2}, 2, 3.0, rng);
  randomize_B(net, rng, 0.5);  // B = 0 would make dA = 0: check the general case
  return net;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(lora_layer_shapes_zero_B_and_A_within_the_kaiming_uniform_bound) {
  course::Rng rng(1);
  Dense<double> d(10, 6, rng);
  LoRADense<double> lora(d, 3, 6.0, rng);
  BOOST_TEST(lora.A.n_rows == 3u);
  BOOST_TEST(lora.A.n_cols == 10u);  // A: (r x n_in)
  BOOST_TEST(lora.B.n_rows == 6u);
  BOOST_TEST(lora.B.n_cols == 3u);  // B: (n_out x r)
  BOOST_TEST(arma::all(arma::vectorise(lora.B) == 0.0));
  BOOST_TEST(arma::abs(lora.A).max() < 1 / std::sqrt(10.0));
  BOOST_TEST(arma::abs(lora.A).max() > 0.0);
  BOOST_TEST(lora.scale() == 2.0);        // alpha / r = 6 / 3
  BOOST_TEST(lora.n_trainable() == 48u);  // r (n_in + n_out) = 3 * 16
  BOOST_TEST(same_bits(lora.W0(), d.W));
  BOOST_TEST(same_bits(lora.b0(), d.b));
  BOOST_TEST(lora.describe() == "LoRADense(10 -> 6, r = 3, alpha = 6)");
  // params(): A and B only, with PEFT's names; W0 and b0 are not handed out.
  const auto params = lora.params("0.");
  BOOST_REQUIRE(params.size() == 2u);
  BOOST_TEST(params[0].name == "0.lora_A.weight");
  BOOST_TEST(params[1].name == "0.lora_B.weight");
  BOOST_TEST(params[0].value == &lora.A);
  BOOST_TEST(params[1].grad == &lora.dB);
  BOOST_TEST(tensor_shape(params[0]) == (std::vector<std::uint64_t>{3, 10}), tt::per_element());
  BOOST_TEST(tensor_shape(params[1]) == (std::vector<std::uint64_t>{6, 3}), tt::per_element());
  // The Kaiming-uniform variance bound^2 / 3 = 1 / (3 n_in), on 784 x 16 = 12,544 draws.
  Dense<double> big(784, 128, rng);
  LoRADense<double> wide(big, 16, 8.0, rng);
  const double var = arma::var(arma::vectorise(wide.A), 1);
  BOOST_TEST(std::abs(var * 3 * 784 - 1) < 0.05,
             "variance of A: " << var << ", expected " << 1 / (3 * 784.0));
}

BOOST_AUTO_TEST_CASE(rank_outside_1_to_min_dims_and_nonpositive_alpha_are_refused) {
  course::Rng rng(2);
  Dense<float> d(10, 6, rng);
  BOOST_CHECK_THROW(LoRADense<float>(d, 0, 8.0, rng), course::UsageError);
  BOOST_CHECK_THROW(LoRADense<float>(d, 7, 8.0, rng), course::UsageError);  // min(10, 6) = 6
  BOOST_CHECK_NO_THROW(LoRADense<float>(d, 6, 8.0, rng));
  BOOST_CHECK_THROW(LoRADense<float>(d, 2, 0.0, rng), course::UsageError);
  Sequential<float> net;
  net.add<Dense<float>>(10, 6, rng);
  net.add<ReLU<float>>();
  BOOST_CHECK_THROW(with_lora(net, {1}, 2, 8.0, rng), course::UsageError);  // a ReLU has no W
}

BOOST_AUTO_TEST_CASE(at_initialization_the_output_equals_the_base_models_exactly) {
  const arma::fmat X = random_images(300, 3);
  for (const arma::uword r : {1u, 8u, 16u}) {
    course::Rng rng(4);
    TransferNet<float> tn = load_with_new_head<float>(kBase, 5, rng);
    const arma::fmat Z_base = tn.net.forward(X);  // (5 x 300)
    Sequential<float> net = with_lora(tn.net, {0, 2}, r, 8.0, rng);
    const arma::fmat Z = net.forward(X);
    BOOST_TEST(arma::all(arma::vectorise(Z == Z_base)),
               "r = " << r << ": largest difference " << arma::abs(Z - Z_base).max());
  }
  // One layer, in double, with its bias: B = 0 adds exactly nothing.
  course::Rng rng(5);
  Dense<double> d(7, 4, rng);
  LoRADense<double> lora(d, 2, 8.0, rng);
  arma::mat X2(7, 9);
  course::fill_normal(X2, rng);
  const arma::mat Z_d = d.forward(X2);
  BOOST_TEST(arma::all(arma::vectorise(lora.forward(X2) == Z_d)));
}

BOOST_AUTO_TEST_CASE(the_optimizer_gets_A_B_and_the_head_1104_r_plus_325_numbers) {
  for (const arma::uword r : {1u, 2u, 4u, 8u, 16u}) {
    course::Rng rng(6), rng_A(7);
    Prepared<float> p =
        prepare(load_with_new_head<float>(kBase, 5, rng), {Adaptation::LoRA, r}, Rates{}, rng_A);
    std::vector<std::string> names;
    for (const auto& g : p.groups)
      for (const auto& q : g.params) names.push_back(q.name);
    BOOST_TEST(
        names == (std::vector<std::string>{"0.lora_A.weight", "0.lora_B.weight", "2.lora_A.weight",
                                           "2.lora_B.weight", "4.weight", "4.bias"}),
        tt::per_element());
    // r (784 + 128) + r (128 + 64) for the adapters, 64 * 5 + 5 for the head.
    BOOST_TEST(p.trainable == 1104 * r + 325);
    BOOST_TEST(p.net.n_params() == 1104 * r + 325);
    BOOST_TEST(n_total(p.net) == 109061 + 1104 * r);  // the frozen base is still all there
    BOOST_TEST(p.net.describe() == "LoRADense(784 -> 128, r = " + std::to_string(r) +
                                       ", alpha = 8) -> ReLU -> "
                                       "LoRADense(128 -> 64, r = " +
                                       std::to_string(r) +
                                       ", alpha = 8) -> ReLU -> Dense(64 -> 5)");
  }
  course::Rng rng(6), rng_A(7);
  BOOST_TEST(prepare(load_with_new_head<float>(kBase, 5, rng), {Adaptation::LinearProbe, 0},
                     Rates{}, rng_A)
                 .trainable == 325u);
  BOOST_TEST(prepare(load_with_new_head<float>(kBase, 5, rng), {Adaptation::FullFineTune, 0},
                     Rates{}, rng_A)
                 .trainable == 109061u);
  // The lesson's headline budget: rank 8 is 9,157 numbers, 8.4% of 109,061; rank 16 is 16.5%.
  BOOST_TEST(10 * (1104 * 8 + 325) <= 109061);
  BOOST_TEST(10 * (1104 * 16 + 325) > 109061);
}

// ---------------------------------------------------------------------------------------------
// 2. Hand-computed cases (the lesson's numbers).

// W0 = I, b0 = (0.5, -0.5), A = [1 2], B = [0.5; -1], r = 1, alpha = 2 (s = 2), x = (1, 1):
// W0 x + b0 = (1.5, 0.5), A x = 3, s B (A x) = (3, -6), so z = (4.5, -5.5).
// Merged: W = W0 + s B A = [[2, 2], [-2, -3]], and W x + b0 = (4.5, -5.5) again.
// Backward with delta = (1, 0): dB = s delta (A x)^T = (6, 0); B^T delta = 0.5;
// dA = s (B^T delta) x^T = (1, 1); dx = W0^T delta + s A^T (B^T delta) = (1, 0) + (1, 2) = (2, 2).
BOOST_AUTO_TEST_CASE(forward_backward_and_merge_by_hand_as_in_the_lesson) {
  course::Rng rng(0);
  Dense<double> d(2, 2, rng);
  d.W = {{1, 0}, {0, 1}};
  d.b = arma::vec{0.5, -0.5};
  LoRADense<double> lora(d, 1, 2.0, rng);
  lora.A = {{1, 2}};
  lora.B = arma::vec{0.5, -1};
  const arma::mat x = arma::vec{1, 1};
  const arma::mat z = lora.forward(x);
  BOOST_TEST(z(0, 0) == 4.5);
  BOOST_TEST(z(1, 0) == -5.5);
  const arma::mat W = lora.merged_W();
  BOOST_TEST(arma::approx_equal(W, arma::mat{{2, 2}, {-2, -3}}, "absdiff", 0.0));
  Dense<double> merged = lora.merge();
  const arma::mat zm = merged.forward(x);
  BOOST_TEST(zm(0, 0) == 4.5);
  BOOST_TEST(zm(1, 0) == -5.5);
  const arma::mat dx = lora.backward(arma::vec{1, 0});
  BOOST_TEST(arma::approx_equal(lora.dB, arma::mat(arma::vec{6, 0}), "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(lora.dA, arma::mat{{1, 1}}, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(dx, arma::mat(arma::vec{2, 2}), "absdiff", 0.0));
}

// OpenSSL computes the digest; these check that it is wired to SHA-256 and printed as sha256sum.
BOOST_AUTO_TEST_CASE(sha256_of_known_strings_and_of_the_shipped_checkpoint) {
  // FIPS 180-4's examples, and the empty string.
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // 1,000,000 x 'a': many blocks, and a length that needs the padding's second block.
  BOOST_TEST(sha256_hex(std::string(1000000, 'a')) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // The shipped checkpoint: the digest its .sha256 file (and chapter 11's lesson) gives.
  std::ifstream in(kBase + ".sha256");
  std::string expected;
  in >> expected;
  BOOST_TEST(expected.size() == 64u);
  BOOST_TEST(checkpoint_sha256(kBase) == expected);
  BOOST_TEST(error_of([] { checkpoint_sha256("no/such/file"); }) == "no/such/file: file not found");
  BOOST_TEST(error_of([] { checkpoint_sha256("/dev/zero"); }) ==
             "/dev/zero: is not a regular file (a device or a pipe?), expected a safetensors "
             "checkpoint");
}

// ---------------------------------------------------------------------------------------------
// 3. Gradient checks (double).

BOOST_AUTO_TEST_CASE(gradient_check_of_A_B_and_the_input_through_two_lora_layers) {
  course::Rng rng(8);
  Sequential<double> net = two_lora_net(rng);
  arma::mat X(4, 7);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot<arma::mat>(cyclic_labels(7, 3), 3);
  SoftmaxCrossEntropy<double> loss;
  auto L = [&] { return double(loss.forward(net.forward(X), Y)); };
  L();
  net.backward(loss.backward());
  const auto params = net.params();  // 0.lora_A, 0.lora_B, 2.lora_A, 2.lora_B, 4.weight, 4.bias
  BOOST_REQUIRE(params.size() == 6u);
  for (const auto& p : params) {
    const arma::mat analytic = *p.grad;
    const course::GradCheck c = course::check_gradient(*p.value, analytic, L);
    BOOST_TEST(c.max_rel_error <= 1e-7, p.name << ":\n" << c.report(p.name));
    BOOST_TEST(arma::abs(analytic).max() > 1e-6, p.name << ": the gradient is not all zero");
  }
  // The input gradient dX = W0^T delta + s A^T (B^T delta): backward through every layer,
  // the first LoRA layer included (Sequential::backward skips it: nothing needs it there).
  L();
  const arma::mat* g = &loss.backward();
  for (std::size_t l = net.size(); l-- > 0;) g = &net.layer(l).backward(*g, true);
  const arma::mat dX = *g;
  const course::GradCheck cx = course::check_gradient(X, dX, L);
  BOOST_TEST(cx.max_rel_error <= 1e-7, "X:\n" << cx.report("X"));
}

// ---------------------------------------------------------------------------------------------
// 4. The batched form against the per-example oracle; merged against unmerged.

BOOST_AUTO_TEST_CASE(batched_gradients_equal_the_mean_of_per_example_gradients) {
  course::Rng rng(9);
  Sequential<double> net = two_lora_net(rng);
  const arma::uword m = 6;
  arma::mat X(4, m);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot<arma::mat>(cyclic_labels(m, 3), 3);
  SoftmaxCrossEntropy<double> loss;
  loss.forward(net.forward(X), Y);  // L = (1/m) sum_i L_i
  net.backward(loss.backward());
  std::vector<arma::mat> batched;
  for (const auto& p : net.params()) batched.push_back(*p.grad);
  std::vector<arma::mat> mean;
  for (const auto& g : batched) mean.emplace_back(arma::size(g), arma::fill::zeros);
  for (arma::uword i = 0; i < m; ++i) {  // one example at a time
    const arma::mat xi = X.col(i), yi = Y.col(i);
    loss.forward(net.forward(xi), yi);
    net.backward(loss.backward());
    const auto params = net.params();
    for (std::size_t k = 0; k < params.size(); ++k) mean[k] += *params[k].grad / double(m);
  }
  const auto params = net.params();
  for (std::size_t k = 0; k < params.size(); ++k)
    BOOST_TEST(arma::approx_equal(batched[k], mean[k], "absdiff", 1e-12), params[k].name);
}

BOOST_AUTO_TEST_CASE(merged_equals_unmerged_1e_6_in_float32_and_1e_12_in_double) {
  // The pretrained network with rank-16 adapters whose B looks trained (N(0, 0.05^2)), on
  // pixel-like inputs. The two forms round differently, so compare relative to the logits' size.
  const arma::fmat X = random_images(500, 10);
  {
    course::Rng rng(11);
    TransferNet<float> tn = load_with_new_head<float>(kBase, 5, rng);
    Sequential<float> net = with_lora(tn.net, {0, 2}, 16, 8.0, rng);
    randomize_B(net, rng, 0.05);
    const arma::fmat Z = net.forward(X);
    Sequential<float> m = merged(net);
    const arma::fmat Zm = m.forward(X);
    const double rel = double(arma::abs(Zm - Z).max()) / double(arma::abs(Z).max());
    BOOST_TEST_MESSAGE("float32: largest |merged - unmerged| = "
                       << arma::abs(Zm - Z).max() << ", largest |logit| = " << arma::abs(Z).max());
    BOOST_TEST(rel <= 1e-6);
    BOOST_TEST(!same_bits(Z, Zm));  // not a trivial comparison: the merge really changed W
    BOOST_TEST(lora_layers(m).empty());
    BOOST_TEST(m.describe() ==
               "Dense(784 -> 128) -> ReLU -> Dense(128 -> 64) -> ReLU -> Dense(64 -> 5)");
  }
  {
    course::Rng rng(11);
    TransferNet<double> tn = load_with_new_head<double>(kBase, 5, rng);
    Sequential<double> net = with_lora(tn.net, {0, 2}, 16, 8.0, rng);
    randomize_B(net, rng, 0.05);
    const arma::mat Xd = arma::conv_to<arma::mat>::from(X);
    const arma::mat Z = net.forward(Xd);
    Sequential<double> m = merged(net);
    const arma::mat Zm = m.forward(Xd);
    const double rel = arma::abs(Zm - Z).max() / arma::abs(Z).max();
    BOOST_TEST_MESSAGE("float64: largest |merged - unmerged| = " << arma::abs(Zm - Z).max());
    BOOST_TEST(rel <= 1e-12);
    // The update really changes the output: the adapted network is not the base one.
    BOOST_TEST(arma::abs(Z - tn.net.forward(Xd)).max() > 0.1);
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Training.

// A small network on synthetic data: the loss falls, A, B and the head move, W0 and b0 of both
// adapted layers stay bit for bit what they were.
BOOST_AUTO_TEST_CASE(training_moves_A_B_and_the_head_and_leaves_W0_bit_identical) {
  course::Rng rng(12);
  Sequential<float> base;
  base.add<Dense<float>>(20, 16, rng);
  base.add<ReLU<float>>();
  base.add<Dense<float>>(16, 8, rng);
  base.add<ReLU<float>>();
  base.add<Dense<float>>(8, 3, rng);
  initialize(base, he_normal<float>, rng);
  Sequential<float> net = with_lora(base, {0, 2}, 2, 4.0, rng);
  arma::fmat X(20, 90);
  course::fill_normal(X, rng);
  arma::uvec y(90);
  for (arma::uword i = 0; i < 90; ++i) y[i] = X(0, i) + X(1, i) > 0.5f ? 2 : (X(2, i) > 0 ? 1 : 0);
  const arma::fmat Y = course::one_hot<arma::fmat>(y, 3);
  const arma::fmat A0 = static_cast<LoRADense<float>&>(net.layer(0)).A;
  const arma::fmat head0 = static_cast<Dense<float>&>(net.layer(4)).W;
  SoftmaxCrossEntropy<float> loss;
  Adam<float> adam(net.params(), 0.01);
  Trainer<float> trainer(net, loss, adam, 16);
  std::vector<double> losses;
  for (std::size_t e = 1; e <= 30; ++e) losses.push_back(trainer.train_epoch(X, Y, rng, e));
  BOOST_TEST(losses.back() < 0.6 * losses.front(),
             "loss " << losses.front() << " -> " << losses.back());
  for (std::size_t l : {0, 2}) {
    const auto& lora = static_cast<const LoRADense<float>&>(net.layer(l));
    const auto& orig = static_cast<const Dense<float>&>(base.layer(l));
    BOOST_TEST(same_bits(lora.W0(), orig.W), "layer " << l << ": W0 changed");
    BOOST_TEST(same_bits(lora.b0(), orig.b), "layer " << l << ": b0 changed");
    BOOST_TEST(arma::abs(lora.B).max() > 0.0f, "layer " << l << ": B still zero");
  }
  BOOST_TEST(!same_bits(static_cast<LoRADense<float>&>(net.layer(0)).A, A0));
  BOOST_TEST(!same_bits(static_cast<Dense<float>&>(net.layer(4)).W, head0));
}

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_batch_with_lora_layers) {
  course::Rng rng(13);
  Sequential<float> base;
  base.add<Dense<float>>(20, 16, rng);
  base.add<ReLU<float>>();
  base.add<Dense<float>>(16, 4, rng);
  Sequential<float> net = with_lora(base, {0}, 3, 8.0, rng);
  arma::fmat X(20, 105);  // 10 full batches and a short one
  course::fill_normal(X, rng);
  const arma::fmat Y = course::one_hot<arma::fmat>(cyclic_labels(105, 4), 4);
  SoftmaxCrossEntropy<float> loss;
  GroupOptimizer<float> opt(
      {{net.layer(0).params("0."), 1.0, "A, B"}, {net.layer(2).params("2."), 0.5, "head"}}, 0.01,
      [](std::vector<Param<float>> p) { return std::make_unique<Adam<float>>(std::move(p)); });
  Trainer<float> trainer(net, loss, opt, 10);
  check_no_allocation_after_first_batch(trainer, X, Y, rng, "LoRA r = 3 and a group optimizer");
}

// ---------------------------------------------------------------------------------------------
// 6. The adapter file.

BOOST_AUTO_TEST_CASE(adapter_round_trip_gives_bit_identical_logits_and_names_its_base) {
  const std::string dir = scratch("round_trip");
  course::Rng rng(14);
  TransferNet<float> tn = load_with_new_head<float>(kBase, 5, rng);
  Sequential<float> net = with_lora(tn.net, {0, 2}, 4, 8.0, rng);
  randomize_B(net, rng, 0.05);
  const std::string path = dir + "/adapter_r4.safetensors";
  save_adapter(net, path, kBase, {{"task", "test"}});
  // What the file holds: the six trainable tensors in PEFT's names, and where they belong.
  const safetensors::File f = safetensors::load_safetensors(path);
  std::vector<std::string> names;
  for (const auto& [name, t] : f.tensors) names.push_back(name);
  BOOST_TEST(
      names == (std::vector<std::string>{"0.lora_A.weight", "0.lora_B.weight", "2.lora_A.weight",
                                         "2.lora_B.weight", "4.bias", "4.weight"}),
      tt::per_element());
  BOOST_TEST(f.tensors.at("0.lora_A.weight").shape == (std::vector<std::uint64_t>{4, 784}),
             tt::per_element());
  BOOST_TEST(f.tensors.at("0.lora_B.weight").shape == (std::vector<std::uint64_t>{128, 4}),
             tt::per_element());
  BOOST_TEST(f.metadata.at("base_checkpoint") == "mnist04_mlp.safetensors");
  BOOST_TEST(f.metadata.at("base_sha256") == checkpoint_sha256(kBase));
  BOOST_TEST(f.metadata.at("rank") == "4");
  BOOST_TEST(f.metadata.at("alpha") == "8");
  BOOST_TEST(f.metadata.at("target_layers") == "0,2");
  BOOST_TEST(f.metadata.at("saved_whole") == "4");
  BOOST_TEST(f.metadata.at("peft_type") == "LORA");
  BOOST_TEST(f.metadata.at("task") == "test");
  // 4 * (1104 * 4 + 325) = 18,964 bytes of data: under 5% of the base file.
  BOOST_TEST(fs::file_size(path) < fs::file_size(kBase) / 20);
  // Back onto the base, rebuilt from the base file alone: the same logits, bit for bit.
  AdaptedNetwork<float> back = load_adapter<float>(kBase, path);
  BOOST_TEST(back.rank == 4u);
  BOOST_TEST(back.alpha == 8.0);
  BOOST_TEST(back.targets == (std::vector<std::size_t>{0, 2}), tt::per_element());
  const arma::fmat X = random_images(200, 15);
  BOOST_TEST(same_bits(arma::fmat(back.net.forward(X)), arma::fmat(net.forward(X))));
}

BOOST_AUTO_TEST_CASE(an_adapter_for_another_base_or_with_broken_metadata_is_refused) {
  const std::string dir = scratch("refused");
  course::Rng rng(16);
  TransferNet<float> tn = load_with_new_head<float>(kBase, 5, rng);
  Sequential<float> net = with_lora(tn.net, {0, 2}, 8, 8.0, rng);
  const std::string path = dir + "/adapter.safetensors";
  save_adapter(net, path, kBase);
  const safetensors::File good = safetensors::load_safetensors(path);
  // Another base: the shipped file with one weight changed (still a valid checkpoint).
  safetensors::File other = safetensors::load_safetensors(kBase);
  other.tensors.at("0.weight").data[0] ^= 1;
  const std::string other_base = dir + "/other_base.safetensors";
  safetensors::save_safetensors(other_base, other.tensors, other.metadata);
  const std::string sha = checkpoint_sha256(kBase), other_sha = checkpoint_sha256(other_base);
  BOOST_TEST(error_of([&] { load_adapter<float>(other_base, path); }) ==
             path + ": trained on a base checkpoint with SHA-256 " + sha +
                 " (mnist04_mlp.safetensors), but " + other_base + " has SHA-256 " + other_sha);
  // Broken metadata and tensors, one at a time.
  auto with = [&](const std::string& name, const std::function<void(safetensors::File&)>& change) {
    safetensors::File f = good;
    change(f);
    const std::string p = dir + "/" + name + ".safetensors";
    safetensors::save_safetensors(p, f.tensors, f.metadata);
    return error_of([&] { load_adapter<float>(kBase, p); });
  };
  BOOST_TEST(with("no_rank", [](auto& f) { f.metadata.erase("rank"); }) ==
             dir + "/no_rank.safetensors: no \"rank\" in __metadata__ (not a LoRA adapter file?)");
  BOOST_TEST(with("bad_targets", [](auto& f) { f.metadata["target_layers"] = "0;2"; }) ==
             dir +
                 "/bad_targets.safetensors: __metadata__ \"target_layers\" is '0;2', expected "
                 "layer indices like \"0,2\"");
  BOOST_TEST(with("relu_target", [](auto& f) { f.metadata["target_layers"] = "1"; }) ==
             dir + "/relu_target.safetensors: target layer 1 is not a Dense layer of " + kBase +
                 " (Dense(784 -> 128) -> ReLU -> Dense(128 -> 64) -> ReLU -> Dense(64 -> 5))");
  BOOST_TEST(with("rank_4_tensors_8", [](auto& f) { f.metadata["rank"] = "4"; }) ==
             dir +
                 "/rank_4_tensors_8.safetensors: tensor '0.lora_A.weight' has shape [8, 784], the "
                 "network's "
                 "LoRADense(784 -> 128, r = 4, alpha = 8) needs [4, 784]");
  BOOST_TEST(
      with("rank_too_big", [](auto& f) { f.metadata["rank"] = "65"; }) ==
      dir + "/rank_too_big.safetensors: rank 65 is larger than layer 2 (Dense(128 -> 64)) allows");
  BOOST_TEST(with("no_head", [](auto& f) { f.tensors.erase("4.weight"); }) ==
             dir +
                 "/no_head.safetensors: no 2-D tensor '4.weight' for layer 4 (Dense(64 -> 5)), "
                 "which is not a LoRA target either");
  BOOST_TEST(with("extra", [](auto& f) { f.tensors["0.weight"] = f.tensors.at("4.bias"); }) ==
             dir +
                 "/extra.safetensors: tensor '0.weight' matches no parameter of the network "
                 "LoRADense(784 -> 128, r = 8, alpha = 8) -> ReLU -> LoRADense(128 -> 64, r = 8, "
                 "alpha = 8) -> ReLU -> Dense(64 -> 5)");
  // The fixture (another base, written in Python): the same error.
  const std::string fixture = COURSE_FIXTURES_DIR "/ch13_lora/adapter_other_base.safetensors";
  BOOST_TEST(error_of([&] { load_adapter<float>(kBase, fixture); }) ==
             fixture + ": trained on a base checkpoint with SHA-256 " + std::string(64, '0') +
                 " (some_other_base.safetensors), but " + kBase + " has SHA-256 " + sha);
}

// ---------------------------------------------------------------------------------------------
// 7. With MNIST: LoRA learns the few-shot task, and the base stays the file's.

// Rank 4, chapter 12's k = 100 subset (seed 0), the lesson's rates and generators: exactly the
// --full run's first LoRA r = 4 run, 92.04% of the 4,861 test digits (92.47% +- 0.82 over 10
// subsets; the linear probe gets 86.88% on this subset).
BOOST_AUTO_TEST_CASE(lora_r4_learns_digits_5_to_9_from_100_per_class_needs_mnist) {
  const TaskData task = load_digits_5_9();
  const course::ImageSet train = few_shot_subset(task, 100, 0);
  course::Rng rng(42), rng_A(43);
  Prepared<float> p =
      prepare(load_with_new_head<float>(kBase, 5, rng), {Adaptation::LoRA, 4}, Rates{}, rng_A);
  const double L = train_groups(p.net, p.groups, train.X, train.labels, 5, FewShotRecipe{}, rng);
  const double acc =
      count_correct(p.net, task.test.X, task.test.labels) / double(task.test.X.n_cols);
  BOOST_TEST_MESSAGE("LoRA r = 4, k = 100: final training loss " << L << ", test accuracy " << acc);
  BOOST_TEST(L < 0.05);
  BOOST_TEST(acc >= 0.90);
  // The frozen weights are still the file's, bit for bit.
  LoadedNetwork<float> file = build_from_checkpoint<float>(kBase);
  for (std::size_t l : {0, 2}) {
    const auto& lora = static_cast<const LoRADense<float>&>(p.net.layer(l));
    BOOST_TEST(same_bits(lora.W0(), static_cast<const Dense<float>&>(file.net.layer(l)).W));
    BOOST_TEST(same_bits(lora.b0(), static_cast<const Dense<float>&>(file.net.layer(l)).b));
  }
  // Merged, the network predicts the same digits.
  Sequential<float> m = merged(p.net);
  BOOST_TEST(arma::accu(predict(m, task.test.X) == predict(p.net, task.test.X)) >=
             task.test.X.n_cols - 2);
}
