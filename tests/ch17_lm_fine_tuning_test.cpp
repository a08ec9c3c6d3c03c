// Chapter 17 tests: OpenCC's conversion on hand-picked words, the ci through the checkpoint's
// vocabulary (fixture), LoRA on a GPT (the model unchanged at the start, the gradient of every
// A and B and of a new head by gradient check in double, frozen weights untouched by training,
// merging), the trainable counts against the arithmetic, and the arithmetic against the
// published counts of GPT-2 (124M) and LLaMA-2 7B. No test needs the fetched corpus.
#define BOOST_TEST_MODULE ch17_lm_fine_tuning
#include <boost/test/unit_test.hpp>
#include <cstring>

#include "chapters/15_language_model/utf8.hpp"
#include "chapters/16_transformer/checkpoint.hpp"
#include "chapters/16_transformer/poem_stream.hpp"
#include "chapters/16_transformer/token_loss.hpp"
#include "chapters/16_transformer/trainer.hpp"
#include "chapters/17_lm_fine_tuning/adapt.hpp"
#include "chapters/17_lm_fine_tuning/scale.hpp"
#include "chapters/17_lm_fine_tuning/song_ci.hpp"
#include "tests/support/aabc_poems.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/ch17_lm_fine_tuning.cmake)

using namespace ft;
namespace tt = boost::test_tools;

namespace {

const std::string kFixtures = COURSE_FIXTURES_DIR;

/// A tiny model in double: V 7, n_ctx 5, d 8, 2 blocks of 2 heads (chapter 16's test model).
gpt::GptShape tiny() { return {7, 5, 8, 2, 2}; }
const arma::umat kIds = {{0, 3}, {2, 3}, {6, 1}, {2, 5}};
const arma::uvec kTargets = {2, 6, 2, 4, 3, 1, 5, 0};

std::string s2t(const std::string& simplified) {
  static const ToTraditional convert;
  return lm::utf8_encode(convert(lm::utf8_decode(simplified, "test")));
}

/// A copy of every parameter's values, by name.
template <class T>
std::map<std::string, arma::Mat<T>> snapshot(gpt::Gpt<T>& model) {
  std::map<std::string, arma::Mat<T>> values;
  for (auto& p : model.params()) values[p.name] = *p.value;
  return values;
}

}  // namespace

// ---- 1. the new domain -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(opencc_converts_the_ci_to_the_tang_poems_script) {
  BOOST_TEST(s2t("风无来时") == "風無來時");  // the four most frequent characters Tang ids miss
  BOOST_TEST(s2t("东风夜放花千树") == "東風夜放花千樹");
  BOOST_TEST(s2t("头发") == "頭髮");          // one simplified 发, two traditional characters:
  BOOST_TEST(s2t("发展") == "發展");          // the phrase decides
  BOOST_TEST(s2t("，。山月") == "，。山月");  // nothing to convert: unchanged
}

BOOST_AUTO_TEST_CASE(a_missing_opencc_configuration_is_a_one_line_error) {
  try {
    ToTraditional bad("no_such_table.json");
    BOOST_FAIL("no error");
  } catch (const course::Error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("no_such_table.json") != std::string::npos);
    BOOST_TEST(what.find("libopencc-dev") != std::string::npos);
    BOOST_TEST(what.find('\n') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_fixture_ci_read_through_the_tang_vocabulary) {
  const gpt::Checkpoint base = gpt::load_checkpoint(gpt::shipped_checkpoint());
  const Domain d = load_song_ci(kFixtures + "/ch17_songci", *base.vocabulary, 0, 0);
  BOOST_TEST(d.ci == 60u);
  BOOST_TEST(d.split.validation.size() == 6u);  // round(0.1 x 60)
  BOOST_TEST(d.split.test.size() == 6u);
  BOOST_TEST(d.train.size() == 48u);
  BOOST_TEST(d.simplified.with_id < 0.85);   // as stored: many characters are simplified forms
  BOOST_TEST(d.traditional.with_id > 0.97);  // converted: nearly all have an id
  BOOST_TEST(d.traditional.characters == d.simplified.characters);  // s2t maps 1 to 1 here
  // Evenly spaced subsets: 12 of the 48 training ci.
  const Domain small = load_song_ci(kFixtures + "/ch17_songci", *base.vocabulary, 12, 3);
  BOOST_TEST(small.train.size() == 12u);
  BOOST_TEST(small.validation.size() == 3u);
  BOOST_TEST(small.train[1] == d.train[4]);  // item k * 48 / 12
}

// ---- 2. LoRA on the GPT ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(with_lora_attached_the_model_computes_what_it_did) {
  course::Rng rng(1);
  gpt::Gpt<float> base(tiny(), rng);
  const arma::fmat Z0 = base.forward(kIds);
  for (bool every : {false, true}) {
    gpt::Gpt<float> model = base;
    attach_lora(model, every, 2, 8.0, rng);
    const arma::fmat Z = model.forward(kIds);  // B = 0: W0 X + b0 + s B A X adds exact zeros
    BOOST_TEST(std::memcmp(Z.memptr(), Z0.memptr(), Z.n_elem * sizeof(float)) == 0);
  }
}

BOOST_AUTO_TEST_CASE(trainable_counts_equal_the_arithmetic) {
  course::Rng rng(2);
  const gpt::GptShape s{50, 16, 16, 3, 2};
  const TransformerShape paper{"test", 50, 16, 16, 3, 64, false};
  gpt::Gpt<float> model(s, rng);
  BOOST_TEST(double(model.n_params()) == total_params(paper));
  for (bool every : {false, true}) {
    gpt::Gpt<float> m = model;
    attach_lora(m, every, 4, 8.0, rng);
    double trained = 0;
    for (auto& p : lora_params(m)) trained += double(p.value->n_elem);
    // c_attn: r (d + 3d) = 4 r d per block; every linear: 4 + 2 + 5 + 5 = 16 r d per block
    BOOST_TEST(trained == (every ? 16.0 : 4.0) * 4 * 16 * 3);
    BOOST_TEST(trained == lora_trainable(paper, 4, every));
  }
}

BOOST_AUTO_TEST_CASE(lora_gradient_check_with_everything_else_frozen) {
  for (bool every : {false, true}) {
    course::Rng rng(3);
    gpt::Gpt<double> model(tiny(), rng);
    for (auto& p : model.params())  // weights large enough that every gradient is well above
      if (p.value->n_cols > 1) *p.value *= 20.0;  // rounding (as chapter 16's test does)
    attach_lora(model, every, 2, 2.0, rng);       // s = alpha / r = 1
    auto trained = lora_params(model);
    BOOST_TEST(trained.size() == (every ? 16u : 4u));  // A and B of 2 (or 8) layers
    // B starts at 0; a random B makes dA non-zero too. B small (0.1) and s = 1: with a large
    // update on every layer the loss is so curved that the difference formula's own error (it
    // falls as h^4) shows at h = 1e-3 (seen: 1.8e-6 with B ~ 0.5, s = 2).
    for (auto& p : trained)
      if (p.name.find("lora_B") != std::string::npos) course::fill_normal(*p.value, rng, 0.1);
    gpt::TokenCrossEntropy<double> loss_fn;
    auto loss = [&] { return loss_fn.forward(model.forward(kIds), kTargets); };
    loss();
    model.wte.dC.fill(7.0);  // a frozen embedding's gradient must not be touched
    model.backward(loss_fn.dZ);
    BOOST_TEST(arma::all(arma::vectorise(model.wte.dC) == 7.0));
    check_every_parameter(trained, loss, every ? "every linear: " : "c_attn: ");
  }
}

BOOST_AUTO_TEST_CASE(new_head_gradient_check) {
  course::Rng rng(4);
  gpt::Gpt<double> model(tiny(), rng);
  HeadOnly<double> head(model);
  BOOST_TEST(arma::approx_equal(head.W, model.wte.C.t(), "absdiff", 0.0));  // the tied head, untied
  course::fill_normal(head.W, rng);
  gpt::TokenCrossEntropy<double> loss_fn;
  auto loss = [&] { return loss_fn.forward(head.forward(kIds), kTargets); };
  loss();
  head.backward(loss_fn.dZ);
  check_every_parameter(head.params(), loss);
}

BOOST_AUTO_TEST_CASE(training_lora_changes_only_a_and_b_and_merging_keeps_the_model) {
  course::Rng rng(5);
  gpt::Gpt<float> model({7, 8, 8, 2, 2}, rng);
  const auto before = snapshot(model);
  const arma::uword n_base = model.n_params();
  attach_lora(model, true, 2, 8.0, rng);
  gpt::TrainConfig c;
  c.T = 8;
  c.B = 4;
  c.steps = 40;
  c.warmup = 4;
  c.eta = 1e-2;
  gpt::GptTrainer<float> trainer(model, c, lora_params(model));
  std::vector<long> after;
  after.reserve(64);
  trainer.after_step = [&](arma::uword) { after.push_back(g_allocations.load()); };
  const gpt::PoemStream data(aabc_poems(20));
  trainer.train(data, c.steps, rng);
  BOOST_TEST(after.back() - after.front() == 0,
             "steps 2-40 allocated " << after.back() - after.front());
  for (auto& p : model.params()) {  // the frozen parameters, bit for bit
    if (p.name.find(".lora_") != std::string::npos) continue;
    const auto it = before.find(p.name);
    BOOST_REQUIRE(it != before.end());
    BOOST_TEST(arma::approx_equal(*p.value, it->second, "absdiff", 0.0f), p.name);
  }
  const arma::fmat Z = model.forward(kIds);
  gpt::Gpt<float> merged = model;
  merge_lora(merged);
  for (auto& p : merged.params()) BOOST_TEST(p.name.find("lora") == std::string::npos);
  BOOST_TEST(merged.n_params() == n_base);  // A and B gone, W0 and b0 counted again
  const arma::fmat Zm = merged.forward(kIds);
  BOOST_TEST(arma::abs(Zm - Z).max() <= 1e-5f * arma::abs(Z).max());
}

// ---- 3. the arithmetic at scale -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(published_parameter_counts) {
  const auto models = real_models();
  // GPT-2 small: 124,439,808 (Hugging Face's GPT2LMHeadModel, head tied); LLaMA-2 7B:
  // 6,738,415,616 (Meta's model card says 7B; Hugging Face's LlamaForCausalLM counts this).
  BOOST_TEST(total_params(models[0]) == 124439808.0);
  BOOST_TEST(total_params(models[1]) == 6738415616.0);
  // PEFT prints "trainable params: 294,912" for GPT-2 with r 8 on c_attn, and 19,988,480 for
  // LLaMA-2 7B with r 8 on all seven linear layers; q, k, v at r 8: 3 x 8 x 8192 x 32.
  BOOST_TEST(lora_trainable(models[0], 8, false) == 294912.0);
  BOOST_TEST(lora_trainable(models[1], 8, true) == 19988480.0);
  BOOST_TEST(lora_trainable(models[1], 8, false) == 6291456.0);
}

BOOST_AUTO_TEST_CASE(memory_and_saved_bytes_by_hand) {
  // A LLaMA-layout model with V 10, d 2, one block, d_ff 8: 2 x 10 x 2 embedding and head
  // numbers, 4 x 2 x 2 attention, 3 x 2 x 8 MLP, 2 x 2 block norms, 2 final norm = 110. Full
  // fine-tuning needs 16 x 110 bytes; LoRA r 1 on q, k, v trains 3 x (2 + 2) = 12 numbers and
  // needs 16 x 12 + 2 x 98 = 388; it saves 2 x 12 = 24 bytes.
  const TransformerShape s{"hand", 10, 0, 2, 1, 8, true};  // LLaMA layout
  const double all = total_params(s);
  const double block = 4 * 2 * 2 + 3 * 2 * 8 + 2 * 2;  // q k v o, gate up down, 2 RMSNorms
  BOOST_TEST(all == 2 * 10 * 2 + block + 2);
  BOOST_TEST(all == 110.0);
  const auto costs = fine_tune_costs(s, {1});
  BOOST_REQUIRE(costs.size() == 3u);
  BOOST_TEST(costs[0].memory_bytes == 16 * all);
  const double lora = 3 * 1 * (2 + 2);  // q, k, v at r 1: r (n_in + n_out) each
  BOOST_TEST(costs[1].trainable == lora);
  BOOST_TEST(costs[1].memory_bytes == 16 * lora + 2 * (all - lora));
  BOOST_TEST(costs[1].saved_bytes == 2 * lora);
  BOOST_TEST(costs[1].memory_bytes == 388.0);
  BOOST_TEST(costs[1].saved_bytes == 24.0);
}
