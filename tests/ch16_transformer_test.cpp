// Chapter 16 tests: the attention core against its definition and by gradient check, the
// attention layer, the GPT block and the whole model by gradient check (double), the tied
// embedding's gradient as the sum of its two uses, the causal mask (a later token changes no
// earlier output), AdamW, the warm-up + cosine schedule and clipping against hand-computed
// values, one training step against PyTorch (a shipped fixture), no allocation after the first
// training step, and checkpoints with GPT-2's names. No test needs the fetched corpus.
#define BOOST_TEST_MODULE ch16_transformer
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "chapters/15_language_model/corpus.hpp"
#include "chapters/16_transformer/adamw.hpp"
#include "chapters/16_transformer/attention.hpp"
#include "chapters/16_transformer/block.hpp"
#include "chapters/16_transformer/checkpoint.hpp"
#include "chapters/16_transformer/experiments.hpp"
#include "chapters/16_transformer/gpt.hpp"
#include "chapters/16_transformer/poem_stream.hpp"
#include "chapters/16_transformer/token_loss.hpp"
#include "chapters/16_transformer/trainer.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/aabc_poems.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/ch16_transformer.cmake)
#include "tests/support/error_of.hpp"

using namespace gpt;
namespace tt = boost::test_tools;

namespace {

const std::string kFixtures = COURSE_FIXTURES_DIR;

arma::mat randn_mat(arma::uword r, arma::uword c, course::Rng& rng, double scale = 1.0) {
  arma::mat M(r, c);
  course::fill_normal(M, rng);
  return M * scale;
}

/// A tiny model in double: V 7, n_ctx 5, d 8, 2 blocks of 2 heads.
GptShape tiny() { return {7, 5, 8, 2, 2}; }

/// Two sequences of 4 ids (T x B = 4 x 2).
const arma::umat kIds = {{0, 3}, {2, 3}, {6, 1}, {2, 5}};
/// The id after each of them (column b*T + t).
const arma::uvec kTargets = {2, 6, 2, 4, 3, 1, 5, 0};

/// check_every_parameter, except for the keys' bias (rows d..2d-1 of c_attn.bias): adding a
/// constant vector b_k to every key adds q_t . b_k to every score of query t, and softmax ignores
/// a shift shared by its column, so that gradient is exactly 0 and relative errors of rounding
/// noise mean nothing. Those entries must be 0 analytically and below 1e-9 numerically.
template <class Params, class LossFn>
void check_attention_parameters(Params&& params, LossFn&& loss, arma::uword d) {
  std::vector<mlp::Param<double>> rest;
  for (auto& p : params) {
    if (p.name.find("c_attn.bias") == std::string::npos) {
      rest.push_back(p);
      continue;
    }
    const arma::mat analytic = *p.grad;
    for (arma::uword i = 0; i < p.value->n_elem; ++i) {
      arma::mat x(1, 1);
      x(0) = (*p.value)[i];
      const auto r = course::check_gradient(x, arma::mat{analytic[i]}, [&] {
        (*p.value)[i] = x(0);
        return double(loss());
      });
      (*p.value)[i] = x(0);
      const bool key = i >= d && i < 2 * d;
      if (key) {
        BOOST_TEST(std::abs(analytic[i]) <= 1e-12, p.name << "[" << i << "] (a key bias)");
        BOOST_TEST(std::abs(r.worst[0].numeric) <= 1e-9, p.name << "[" << i << "] (a key bias)");
      } else {
        BOOST_TEST(r.max_rel_error <= 1e-7, r.report(p.name + "[" + std::to_string(i) + "]"));
      }
    }
  }
  check_every_parameter(rest, loss);
}

}  // namespace

// ---- 1. shapes and invariants -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(attention_weights_are_causal_distributions) {
  course::Rng rng(1);
  AttentionCore<double> core;
  core.n_head = 2;
  core.seq = 4;
  const arma::mat QKV = randn_mat(3 * 6, 8, rng);  // d 6, 2 heads of 3, B 2, T 4
  const arma::mat Y = core.forward(QKV);
  BOOST_TEST(Y.n_rows == 6u);
  BOOST_TEST(Y.n_cols == 8u);
  for (arma::uword c = 0; c < core.P.n_cols; ++c) {
    const arma::uword t = c % 4;
    BOOST_TEST(arma::accu(core.P.col(c)) == 1.0, tt::tolerance(1e-12));
    for (arma::uword s = t + 1; s < 4; ++s) BOOST_TEST(core.P(s, c) == 0.0);  // the mask
  }
}

BOOST_AUTO_TEST_CASE(attention_core_equals_its_definition_written_with_matrices) {
  // The oracle: per sequence and head, P = softmax over each column of mask(K^T Q / sqrt hs),
  // Y = V P, with whole matrices (the loops of attention.hpp must give the same numbers).
  course::Rng rng(2);
  const arma::uword d = 6, NH = 2, hs = 3, T = 4, B = 2;
  AttentionCore<double> core;
  core.n_head = NH;
  core.seq = T;
  const arma::mat QKV = randn_mat(3 * d, B * T, rng);
  const arma::mat Y = core.forward(QKV);
  for (arma::uword b = 0; b < B; ++b)
    for (arma::uword h = 0; h < NH; ++h) {
      const arma::mat Q = QKV.submat(h * hs, b * T, h * hs + hs - 1, b * T + T - 1);  // hs x T
      const arma::mat K = QKV.submat(d + h * hs, b * T, d + h * hs + hs - 1, b * T + T - 1);
      const arma::mat Vv =
          QKV.submat(2 * d + h * hs, b * T, 2 * d + h * hs + hs - 1, b * T + T - 1);
      arma::mat A = K.t() * Q / std::sqrt(double(hs));  // (T x T): rows keys, columns queries
      for (arma::uword t = 0; t < T; ++t)
        for (arma::uword s = t + 1; s < T; ++s) A(s, t) = -arma::datum::inf;
      arma::mat P;
      mlp::softmax(A, P);
      const arma::mat Yh = Vv * P;  // (hs x T)
      const arma::mat got = Y.submat(h * hs, b * T, h * hs + hs - 1, b * T + T - 1);
      BOOST_TEST(arma::approx_equal(got, Yh, "absdiff", 1e-12), "sequence " << b << " head " << h);
    }
}

BOOST_AUTO_TEST_CASE(a_later_token_changes_no_earlier_logit) {
  course::Rng rng(3);
  Gpt<double> model(tiny(), rng);
  arma::umat ids = kIds;
  const arma::mat Z1 = model.forward(ids);
  ids(3, 0) = 5;  // change the last token of sequence 0
  const arma::mat Z2 = model.forward(ids);
  BOOST_TEST(arma::approx_equal(Z1.cols(0, 2), Z2.cols(0, 2), "absdiff", 0.0));
  BOOST_TEST(arma::abs(Z1.col(3) - Z2.col(3)).max() > 1e-6);
  BOOST_TEST(arma::approx_equal(Z1.cols(4, 7), Z2.cols(4, 7), "absdiff", 0.0));  // other sequence
}

BOOST_AUTO_TEST_CASE(parameter_count_follows_the_formula) {
  course::Rng rng(4);
  Gpt<double> model(tiny(), rng);
  const arma::uword V = 7, n_ctx = 5, d = 8, L = 2;
  BOOST_TEST(model.n_params() == V * d + n_ctx * d + L * (12 * d * d + 13 * d) + 2 * d);
  BOOST_TEST(model.params().front().name == "wte.weight");
  BOOST_TEST(model.params()[2].name == "h.0.ln_1.weight");
  BOOST_TEST(model.params()[4].name == "h.0.attn.c_attn.weight");
}

// ---- 3. gradient checks -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(attention_core_gradient_check) {
  course::Rng rng(5);
  AttentionCore<double> core;
  core.n_head = 2;
  core.seq = 4;
  arma::mat QKV = randn_mat(18, 8, rng);
  const arma::mat G = randn_mat(6, 8, rng);
  core.forward(QKV);
  const arma::mat dQKV = core.backward(QKV, G);
  const auto r =
      course::check_gradient(QKV, dQKV, [&] { return arma::accu(G % core.forward(QKV)); });
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("QKV"));
}

BOOST_AUTO_TEST_CASE(attention_layer_gradient_check) {
  course::Rng rng(6);
  CausalSelfAttention<double> attn(8, 2, rng);
  attn.set_sequence_length(4);
  arma::mat X = randn_mat(8, 8, rng);
  const arma::mat G = randn_mat(8, 8, rng);
  auto loss = [&] { return arma::accu(G % attn.forward(X)); };
  attn.forward(X);
  const arma::mat dX = attn.backward(G);
  check_attention_parameters(attn.params("attn."), loss, 8);
  const auto r = course::check_gradient(X, dX, loss);
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("X"));
}

BOOST_AUTO_TEST_CASE(block_gradient_check) {
  course::Rng rng(7);
  Block<double> block(8, 2, rng);
  block.attn().set_sequence_length(4);
  arma::mat X = randn_mat(8, 8, rng);
  const arma::mat G = randn_mat(8, 8, rng);
  auto loss = [&] { return arma::accu(G % block.forward(X)); };
  block.forward(X);
  const arma::mat dX = block.backward(G);
  check_attention_parameters(block.params("h.0."), loss, 8);
  const auto r = course::check_gradient(X, dX, loss);
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("X"));
}

BOOST_AUTO_TEST_CASE(whole_model_gradient_check) {
  course::Rng rng(8);
  Gpt<double> model(tiny(), rng);
  // Larger weights than GPT-2's 0.02, so that every path carries a gradient well above rounding.
  for (auto& p : model.params())
    if (p.value->n_cols > 1) *p.value *= 20.0;
  TokenCrossEntropy<double> loss_fn;
  auto loss = [&] { return loss_fn.forward(model.forward(kIds), kTargets); };
  loss();
  model.backward(loss_fn.dZ);
  check_attention_parameters(model.params(), loss, 8);
}

BOOST_AUTO_TEST_CASE(token_loss_gradient_check) {
  course::Rng rng(9);
  arma::mat Z = randn_mat(7, 8, rng);
  TokenCrossEntropy<double> loss_fn;
  loss_fn.forward(Z, kTargets);
  const arma::mat dZ = loss_fn.dZ;
  const auto r = course::check_gradient(Z, dZ, [&] { return loss_fn.forward(Z, kTargets); });
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("Z"));
}

BOOST_AUTO_TEST_CASE(tied_embedding_gradient_is_the_sum_of_both_uses) {
  course::Rng rng(10);
  Gpt<double> model(tiny(), rng);
  TokenCrossEntropy<double> loss_fn;
  loss_fn.forward(model.forward(kIds), kTargets);
  model.backward(loss_fn.dZ);
  // The head reads C as Z = C^T Xf: its share is Xf dZ^T (d x V). The rest is the input's.
  const arma::mat head = model.features() * loss_fn.dZ.t();
  const arma::mat input = model.wte.dC - head;
  // Token 4 never occurs in the input: its column has the head's share only, and that is not 0.
  BOOST_TEST(arma::norm(head.col(4)) > 1e-6);
  BOOST_TEST(arma::abs(input.col(4)).max() <= 1e-15);
  // Tokens 2 and 3 occur: their columns have both shares.
  BOOST_TEST(arma::norm(input.col(2)) > 1e-6);
  BOOST_TEST(arma::norm(input.col(3)) > 1e-6);
  // (whole_model_gradient_check proves that the sum is the gradient of the loss.)
}

// ---- 2. AdamW, the schedule, clipping: hand-computed values (they appear in the lesson) -------

BOOST_AUTO_TEST_CASE(one_adamw_step_by_hand) {
  // theta = [1, -2] as a 1 x 2 matrix (decayed) and as a 2 x 1 bias (not decayed),
  // g = [0.5, 0.1], eta 0.1, lambda 0.1, beta1 0.9, beta2 0.95, eps 1e-8.
  // Decay: theta *= 1 - 0.1 * 0.1 = 0.99 -> [0.99, -1.98]. At t = 1 the bias-corrected moments
  // are m_hat = g and v_hat = g^2, so Adam's step is eta g / (|g| + eps) = 0.1 sign(g) (less
  // 2e-9 and 1e-8): [0.89, -2.08] for the matrix, [0.9, -2.1] for the bias.
  arma::mat W = {{1.0, -2.0}}, dW = {{0.5, 0.1}};
  arma::mat b = {1.0, -2.0}, db = {0.5, 0.1};
  b = b.t();
  db = db.t();
  AdamW<double> opt({{"w", &W, &dW, false}, {"b", &b, &db, true}}, 0.1, 0.1, 0.9, 0.95, 1e-8);
  opt.step();
  BOOST_TEST(W(0, 0) == 0.99 - 0.1 * 0.5 / (0.5 + 1e-8), tt::tolerance(1e-15));
  BOOST_TEST(W(0, 0) == 0.89, tt::tolerance(1e-8));
  BOOST_TEST(W(0, 1) == -2.08, tt::tolerance(1e-8));
  BOOST_TEST(b(0) == 0.9, tt::tolerance(1e-8));
  BOOST_TEST(b(1) == -2.1, tt::tolerance(1e-8));
}

BOOST_AUTO_TEST_CASE(warmup_then_cosine_at_five_points) {
  const WarmupCosine s{1e-3, 1e-4, 10, 110};
  BOOST_TEST(s.eta_at(0) == 1e-4, tt::tolerance(1e-12));     // (0 + 1) / 10 of the peak
  BOOST_TEST(s.eta_at(4) == 5e-4, tt::tolerance(1e-12));     // (4 + 1) / 10
  BOOST_TEST(s.eta_at(10) == 1e-3, tt::tolerance(1e-12));    // the peak, cos 0 = 1
  BOOST_TEST(s.eta_at(60) == 5.5e-4, tt::tolerance(1e-12));  // halfway: (max + min) / 2
  BOOST_TEST(s.eta_at(110) == 1e-4, tt::tolerance(1e-12));   // the floor, and after it
  BOOST_TEST(s.eta_at(500) == 1e-4, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(clipping_a_gradient_of_norm_five) {
  arma::mat A(1, 1, arma::fill::ones), dA(1, 1, arma::fill::value(3.0));
  arma::mat B = {{1.0, 1.0}}, dB = {{4.0, 0.0}};
  std::vector<mlp::Param<double>> params = {{"a", &A, &dA, false}, {"b", &B, &dB, false}};
  BOOST_TEST(clip_gradients(params, 10.0) == 5.0);  // below the bound: unchanged
  BOOST_TEST(dA(0) == 3.0);
  BOOST_TEST(clip_gradients(params, 1.0) == 5.0);  // norm sqrt(9 + 16) = 5 -> scaled by 1/5
  BOOST_TEST(dA(0) == 0.6, tt::tolerance(1e-15));
  BOOST_TEST(dB(0) == 0.8, tt::tolerance(1e-15));
  BOOST_TEST(dB(1) == 0.0);
}

BOOST_AUTO_TEST_CASE(adamw_decays_matrices_not_biases_or_norm_gains) {
  course::Rng rng(11);
  Gpt<double> model(tiny(), rng);
  for (auto& p : model.params()) {
    const bool matrix =
        p.name.find("weight") != std::string::npos && p.name.find("ln_") == std::string::npos;
    BOOST_TEST(decays(p) == matrix, p.name);
  }
}

// ---- 4. one step against PyTorch ----------------------------------------------------------

namespace {

/// Largest |ours - theirs| over a tensor, relative to the tensor's largest |theirs|.
double max_rel_diff(const float* ours, const safetensors::Tensor& theirs, const std::string& what,
                    std::uint64_t skip_from = 0, std::uint64_t skip_to = 0) {
  double diff = 0, scale = 0;
  for (std::uint64_t i = 0; i < theirs.element_count(); ++i) {
    const double t = safetensors::element<double>(theirs, i);
    scale = std::max(scale, std::abs(t));
    if (i >= skip_from && i < skip_to) continue;
    diff = std::max(diff, std::abs(double(ours[i]) - t));
  }
  BOOST_TEST_MESSAGE(what << ": max |diff| " << diff << " of max |value| " << scale);
  return diff / std::max(scale, 1e-30);
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_training_step_equals_pytorch) {
  // tests/fixtures/ch16_pytorch: made once by make_fixture.py (PyTorch, float64, stored as
  // float32). We compute in float32: each number carries a relative rounding error near 6e-8,
  // grown by sums over up to 4d = 32 terms and by the chain through 2 blocks. Measured: at most
  // 6.6e-7 of a tensor's largest value (grad.h.0.attn.c_attn.weight). The bar, 1e-5 of each
  // tensor's largest value, is about a hundred float32 roundings: a wrong index or a missing
  // term is off by 1e-2 or more, a different summation order by 1e-7.
  const safetensors::File f =
      safetensors::load_safetensors(kFixtures + "/ch16_pytorch/gpt_step.safetensors");
  course::Rng rng(0);
  Gpt<float> model({16, 8, 8, 2, 2}, rng);
  load_gpt2_tensors(model, f.tensors, "fixture");
  arma::umat ids(8, 2);
  arma::uvec targets(16);
  for (arma::uword i = 0; i < 16; ++i) {  // x, y: [B, T] row-major, element b*T + t
    ids(i % 8, i / 8) = arma::uword(safetensors::element<double>(f.tensors.at("x"), i));
    targets[i] = arma::uword(safetensors::element<double>(f.tensors.at("y"), i));
  }
  TokenCrossEntropy<float> loss_fn;
  const arma::fmat& Z = model.forward(ids);  // (V x B*T): its memory is PyTorch's [B, T, V]
  const float L = loss_fn.forward(Z, targets);
  BOOST_TEST(max_rel_diff(Z.memptr(), f.tensors.at("logits"), "logits") <= 1e-5);
  BOOST_TEST(double(L) == safetensors::element<double>(f.tensors.at("loss"), 0),
             tt::tolerance(2e-6));
  model.backward(loss_fn.dZ);
  for (auto& p : model.params())
    BOOST_TEST(
        max_rel_diff(p.grad->memptr(), f.tensors.at("grad." + p.name), "grad." + p.name) <= 1e-5,
        "grad." << p.name);
  AdamW<float> opt(model.params(), 0.01, 0.1, 0.9, 0.95, 1e-8);
  opt.step();
  for (auto& p : model.params()) {
    // The keys' bias (c_attn.bias[d .. 2d-1]) has a gradient of exactly 0 (softmax ignores a
    // shift shared by a column), so both sides hold rounding noise near 1e-9 there, and Adam's
    // first step moves by eta g / (|g| + eps): by up to eta in the noise's direction. Skipped.
    const bool qkv_bias = p.name.find("c_attn.bias") != std::string::npos;
    BOOST_TEST(max_rel_diff(p.value->memptr(), f.tensors.at("adamw." + p.name), "adamw." + p.name,
                            qkv_bias ? 8 : 0, qkv_bias ? 16 : 0) <= 1e-5,
               "adamw." << p.name);
  }
}

// ---- 5. training ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_training_step) {
  course::Rng rng(12);
  Gpt<float> model({6, 8, 8, 2, 2}, rng);
  const PoemStream data(aabc_poems(20));
  TrainConfig c;
  c.T = 8;
  c.B = 4;
  c.steps = 30;
  c.warmup = 3;
  GptTrainer<float> trainer(model, c);
  std::vector<long> after;
  after.reserve(100);
  trainer.after_step = [&](arma::uword) { after.push_back(g_allocations.load()); };
  const long before = g_allocations.load();
  trainer.train(data, 30, rng);
  BOOST_REQUIRE(after.size() == 30u);
  BOOST_REQUIRE_MESSAGE(after[0] > before, "the allocation counter is not linked in");
  BOOST_TEST(after[29] - after[0] == 0, "steps 2-30 allocated " << after[29] - after[0]);
}

BOOST_AUTO_TEST_CASE(seeded_training_learns_what_needs_context_and_is_reproducible) {
  // "a a b c" repeated: c is 4 or 5 per poem, so after "b" only the poem's earlier "b ?" tells
  // which; a bigram is stuck at perplexity 2 there. Training must get well below the unigram.
  auto run = [] {
    course::Rng rng(13);
    Gpt<float> model({6, 20, 16, 2, 2}, rng);
    const auto poems = aabc_poems(40);
    const PoemStream data(poems);
    TrainConfig c;
    c.T = 20;
    c.B = 8;
    c.steps = 300;
    c.warmup = 10;
    c.eta = 1e-2;
    c.eta_min = 1e-3;
    GptTrainer<float> trainer(model, c);
    trainer.train(data, c.steps, rng);
    return evaluate(model, poems).perplexity();
  };
  const double ppl = run();
  BOOST_TEST_MESSAGE("perplexity after 300 steps: " << ppl);
  BOOST_TEST(ppl < 1.3);     // unigram over {2,3,4,5,<s>}: about 3.9; perfect: 1 (but the first c)
  BOOST_TEST(run() == ppl);  // bit for bit
}

BOOST_AUTO_TEST_CASE(evaluation_counts_every_character_and_the_closing_boundary) {
  course::Rng rng(14);
  Gpt<float> model({6, 4, 8, 1, 2}, rng);
  const std::vector<std::vector<lm::Token>> poems = {{2, 3}, {2, 3, 4, 5, 2, 3}, {4}};
  // 3 + 7 + 2 predictions; the 6-character poem is 2 pieces (4 and 3 inputs) of n_ctx 4.
  BOOST_TEST(evaluate(model, poems).tokens == 12u);
}

// ---- 6. checkpoints -------------------------------------------------------------------------

namespace {

/// The vocabulary of chapter 15's 21 fixture poems, every character its own id.
lm::Vocabulary fixture_vocabulary() {
  const lm::Corpus corpus = lm::load_corpus("tang", kFixtures + "/ch15_poems");
  std::vector<std::size_t> all(corpus.poems.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  return lm::Vocabulary(lm::count_characters(corpus.poems, all), 1);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("ch16_test_" + name)).string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(checkpoint_round_trip_with_gpt2_names_and_layouts) {
  const lm::Vocabulary vocabulary = fixture_vocabulary();
  course::Rng rng(15);
  const arma::uword V = vocabulary.size();
  Gpt<float> model({V, 8, 8, 2, 2}, rng);
  const std::string path = temp_path("round_trip.safetensors");
  save_checkpoint(path, model, vocabulary, {{"seed", "15"}});
  // GPT-2's names and shapes: wte [V, d], Conv1D weights [n_in, n_out], biases [n].
  const safetensors::File f = safetensors::load_safetensors(path);
  BOOST_TEST(f.tensors.size() == 4 + 2 * 12u);
  BOOST_TEST(safetensors::shape_string(f.tensors.at("wte.weight").shape) ==
             "[" + std::to_string(V) + ", 8]");
  BOOST_TEST(safetensors::shape_string(f.tensors.at("h.1.attn.c_attn.weight").shape) == "[8, 24]");
  BOOST_TEST(safetensors::shape_string(f.tensors.at("h.1.mlp.c_proj.weight").shape) == "[32, 8]");
  BOOST_TEST(safetensors::shape_string(f.tensors.at("h.0.mlp.c_fc.bias").shape) == "[32]");
  // Conv1D's element (i, j) connects input i to output j: our W(j, i).
  const auto& W = static_cast<mlp::Dense<float>&>(*model.h[1].attn().c_attn).W;  // (24 x 8)
  BOOST_TEST(safetensors::element<float>(f.tensors.at("h.1.attn.c_attn.weight"), 3 * 24 + 17) ==
             W(17, 3));
  BOOST_TEST(f.metadata.at("n_head") == "2");
  // Loaded back: the same sizes, every weight bit for bit, the same ids.
  Checkpoint c = load_checkpoint(path);
  BOOST_TEST(c.model->shape().n_layer == 2u);
  auto a = model.params(), b = c.model->params();
  BOOST_REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    BOOST_TEST(a[k].name == b[k].name);
    BOOST_TEST(arma::approx_equal(*a[k].value, *b[k].value, "absdiff", 0.0f), a[k].name);
  }
  BOOST_TEST(c.vocabulary->size() == V);
  for (lm::Token t = 0; t < V; ++t) BOOST_TEST(c.vocabulary->symbol(t) == vocabulary.symbol(t));
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_that_is_not_a_gpt_is_a_one_line_error) {
  const std::string pytorch = kFixtures + "/ch16_pytorch/gpt_step.safetensors";
  BOOST_TEST(error_of([&] { load_checkpoint(pytorch); }) ==
             pytorch + ": metadata has no \"format\" (not a chapter 16 checkpoint?)");
  // A tensor missing: save a 2-block model, then claim 3 blocks in the metadata.
  const lm::Vocabulary vocabulary = fixture_vocabulary();
  course::Rng rng(16);
  Gpt<float> model({vocabulary.size(), 8, 8, 2, 2}, rng);
  const std::string path = temp_path("three_blocks.safetensors");
  safetensors::File f;
  save_checkpoint(path, model, vocabulary);
  f = safetensors::load_safetensors(path);
  f.metadata["n_layer"] = "3";
  safetensors::save_safetensors(path, f.tensors, f.metadata);
  BOOST_TEST(error_of([&] { load_checkpoint(path); }) ==
             path + ": no tensor 'h.2.ln_1.weight' (the model needs it)");
  f.metadata["n_layer"] = "two";
  safetensors::save_safetensors(path, f.tensors, f.metadata);
  BOOST_TEST(error_of([&] { load_checkpoint(path); }) ==
             path + ": metadata \"n_layer\" is \"two\", expected a whole number from 1 to 1000000");
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(the_shipped_checkpoint_loads_with_its_vocabulary_and_predicts_poems) {
  Checkpoint c = load_checkpoint(shipped_checkpoint());
  const GptShape& s = c.model->shape();
  BOOST_TEST(s.V == 5061u);  // chapter 15's vocabulary, min-count 10
  BOOST_TEST(c.vocabulary->size() == 5061u);
  BOOST_TEST(c.vocabulary->symbol(2) == "，");  // the most frequent character
  BOOST_TEST(s.d == 64u);
  BOOST_TEST(s.n_layer == 4u);
  BOOST_TEST(s.n_head == 4u);
  BOOST_TEST(c.metadata.at("format") == "gpt2");
  // Chapter 15's 21 fixture poems, read with the checkpoint's ids: measured 101.1 (some of them
  // are training poems), far below the unigram's 752.9 (random weights score about V = 5,061).
  const lm::Corpus corpus = lm::load_corpus("tang", kFixtures + "/ch15_poems");
  std::vector<std::size_t> all(corpus.poems.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  const double ppl =
      evaluate(*c.model, lm::encode_poems(*c.vocabulary, corpus.poems, all)).perplexity();
  BOOST_TEST_MESSAGE("shipped checkpoint on the fixture poems: perplexity " << ppl);
  BOOST_TEST(ppl < 120.0);
}

// The chapter compares its GPT with chapter 15's model through constants (chapter 16 does not
// run chapter 15); they must be chapter 15's committed --full record, so they cannot drift.
BOOST_AUTO_TEST_CASE(chapter_15s_numbers_are_its_committed_full_run) {
  const std::string path =
      kFixtures + "/../../chapters/15_language_model/figures/summary_full.json";
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  const nlohmann::json model = nlohmann::json::parse(in)["model"];
  BOOST_TEST(model["validation_perplexity"].get<double>() == ch16::kNplmValidation);
  BOOST_TEST(model["test_perplexity"].get<double>() == ch16::kNplmTest);
}
