// Chapter 15 tests: the corpus reader (a fixture of real Tang poems; every failure class of bad
// input, one line naming the file), text cleaning, the split by poem, the vocabulary, the poem
// form, the counted n-gram baselines and perplexity by hand (the lesson's numbers), the
// boundary-padded context windows, the embedding against its one-hot oracle and by gradient
// check, the whole model by gradient check (double), tempered sampling by hand and by counting
// draws, no allocation after the first training step, a context longer than one character
// learned where a bigram cannot, and bit-identical seeded training. No test needs the fetched
// corpus.
#define BOOST_TEST_MODULE ch15_language_model
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <regex>

#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/15_language_model/context_windows.hpp"
#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/embedding.hpp"
#include "chapters/15_language_model/neighbours.hpp"
#include "chapters/15_language_model/ngram.hpp"
#include "chapters/15_language_model/nplm.hpp"
#include "chapters/15_language_model/perplexity.hpp"
#include "chapters/15_language_model/poem_form.hpp"
#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/train_lm.hpp"
#include "chapters/15_language_model/utf8.hpp"
#include "common/error.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/check_every_parameter.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/ch15_language_model.cmake)
#include "tests/support/error_of.hpp"

using namespace lm;
namespace tt = boost::test_tools;

namespace {

const std::string kFixtures = COURSE_FIXTURES_DIR;
const std::string kPoems = kFixtures + "/ch15_poems";
const std::string kBad = kFixtures + "/ch15_bad/";

std::u32string u32(const std::string& s) { return utf8_decode(s, "test"); }

/// Poems over a 4-letter alphabet (ids 2..5) repeating "a a b": after "a" comes "a" or "b"
/// (a bigram cannot tell which), after "a a" always "b", after "b a" always "a".
std::vector<std::vector<Token>> aab_poems(std::size_t count) {
  std::vector<std::vector<Token>> poems;
  for (std::size_t p = 0; p < count; ++p) {
    std::vector<Token> poem;
    for (int r = 0; r < 4; ++r) poem.insert(poem.end(), {2, 2, 3});
    poems.push_back(poem);
  }
  return poems;
}

}  // namespace

// ---- 1. shapes and invariants -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(utf8_round_trip_and_invalid_bytes_are_errors) {
  const std::string moon = "月光，Ab";
  const std::u32string chars = utf8_decode(moon, "test");
  BOOST_TEST(chars.size() == 5u);  // three bytes per Chinese character, one per ASCII letter
  BOOST_TEST(static_cast<unsigned>(chars[0]) == 0x6708u);
  BOOST_TEST(utf8_encode(chars) == moon);
  BOOST_TEST(code_point_name(U'月') == "U+6708");
  BOOST_TEST(utf8_encode(char32_t(0x2000B)).size() == 4u);  // outside the basic plane
  for (const std::string bad : {"\xe6\x9c", "\x80", "\xc0\x80", "\xed\xa0\x80", "a\xff"})
    BOOST_TEST(
        error_of([&] { utf8_decode(bad, "line"); }).rfind("line: invalid UTF-8 at byte", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(clean_text_removes_notes_and_keeps_bracketed_characters) {
  BOOST_TEST(utf8_encode(clean_text(u32("邏人（一作「叉」）橫鳥道，"))) == "邏人橫鳥道，");
  BOOST_TEST(utf8_encode(clean_text(u32("甲（注（又注）注）乙"))) == "甲乙");  // nested
  BOOST_TEST(utf8_encode(clean_text(u32("三冬季月景[龍]年，"))) == "三冬季月景龍年，");
  BOOST_TEST(utf8_encode(clean_text(u32("〖1〗［接梨］"))) == "1接梨");
  BOOST_TEST(utf8_encode(clean_text(u32("未完（一作"))) == "未完（一作");  // unclosed: kept
  BOOST_TEST(utf8_encode(clean_text(u32("冰□已鏤津）"))) ==
             "冰□已鏤津）");  // lone ）, lost □: kept
}

BOOST_AUTO_TEST_CASE(the_fixture_corpus_reads_with_titles_notes_removed_and_the_empty_poem_listed) {
  const Corpus corpus = load_corpus("tang", kPoems);
  BOOST_TEST(corpus.files.size() == 2u);
  BOOST_TEST(corpus.poems.size() == 21u);  // 12 + 10 poems, one of them without text
  BOOST_REQUIRE(corpus.textless.size() == 1u);
  BOOST_TEST(corpus.textless[0].find("poet.tang.0.json: poem 6 (題紅葉二句)") != std::string::npos);
  const Poem& first = corpus.poems[0];
  BOOST_TEST(first.title == "靜夜思");
  BOOST_TEST(first.author == "李白");
  BOOST_TEST(utf8_encode(first.text) == "牀前看月光，疑是地上霜。舉頭望山月，低頭思故鄉。");
  const Poem& noted = corpus.poems[5];
  BOOST_TEST(noted.raw.size() == noted.text.size() + 14);  // two notes of 7 characters removed
  BOOST_TEST(utf8_encode(noted.text) == "邏人橫鳥道，江祖出魚梁。水急客舟疾，山花拂面香。");
}

BOOST_AUTO_TEST_CASE(split_by_poem_is_disjoint_covering_sorted_and_seeded) {
  course::Rng a(kSplitSeed), b(kSplitSeed), c(kSplitSeed + 1);
  const PoemSplit s = split_poems(1000, 0.1, 0.1, a);
  BOOST_TEST(s.validation.size() == 100u);
  BOOST_TEST(s.test.size() == 100u);
  BOOST_TEST(s.train.size() == 800u);
  std::vector<int> seen(1000, 0);
  for (const auto* part : {&s.train, &s.validation, &s.test}) {
    BOOST_TEST(std::is_sorted(part->begin(), part->end()));
    for (std::size_t k : *part) ++seen[k];
  }
  BOOST_TEST(std::count(seen.begin(), seen.end(), 1) == 1000);  // every poem exactly once
  BOOST_TEST(split_poems(1000, 0.1, 0.1, b).validation == s.validation);
  BOOST_TEST(split_poems(1000, 0.1, 0.1, c).validation != s.validation);
  BOOST_CHECK_THROW(split_poems(4, 0.1, 0.1, a), course::Error);  // too few for three parts
}

BOOST_AUTO_TEST_CASE(vocabulary_orders_by_count_and_lumps_rare_characters_into_unk) {
  const CharCounts counts = {{U'月', 5}, {U'山', 5}, {U'，', 7}, {U'鳥', 1}, {U'霜', 2}};
  const Vocabulary v(counts, 2);
  BOOST_TEST(v.size() == 6u);  // <s>, <unk>, then ， 山 月 霜 (鳥 seen once: <unk>)
  BOOST_TEST(v.symbol(0) == "<s>");
  BOOST_TEST(v.symbol(1) == "<unk>");
  BOOST_TEST(v.symbol(2) == "，");
  BOOST_TEST(v.symbol(3) == "山");  // a tie with 月 (5 each): the smaller code point first
  BOOST_TEST(v.symbol(4) == "月");
  BOOST_TEST(v.symbol(5) == "霜");
  BOOST_TEST(v.count(Vocabulary::kUnknown) == 1u);
  BOOST_TEST(v.id(U'鳥') == Vocabulary::kUnknown);
  const std::vector<Token> ids = v.encode(u32("山月鳥"));
  BOOST_TEST(ids == (std::vector<Token>{3, 4, 1}), tt::per_element());
  BOOST_TEST(v.decode({3, 4, 0, 1}) == "山月\n<unk>");
  // Coverage: 18 of these 20 characters have their own id (月 and 霜 do; 鳥 and 雪 do not).
  BOOST_TEST(v.coverage({{U'月', 10}, {U'霜', 8}, {U'鳥', 1}, {U'雪', 1}}) == 0.9,
             tt::tolerance(1e-12));
  BOOST_CHECK_THROW(Vocabulary(counts, 0), course::UsageError);
}

BOOST_AUTO_TEST_CASE(poem_forms_by_hand) {
  BOOST_TEST(form_of(u32("白日依山盡，黃河入海流。欲窮千里目，更上一層樓。")).name() == "5 x 4");
  const PoemForm seven =
      form_of(u32("故人西辭黃鶴樓，煙花三月下揚州。孤帆遠影碧山盡，唯見長江天際流。"));
  BOOST_TEST(seven.name() == "7 x 4");
  BOOST_TEST(seven.line_lengths == (std::vector<std::size_t>{7, 7, 7, 7}), tt::per_element());
  BOOST_TEST(form_of(u32("空山新雨後，天氣晚來秋。明月松間照，清泉石上流。竹喧歸浣女，蓮動下漁舟。"
                         "隨意春芳歇，王孫自可留。"))
                 .name() == "5 x 8");
  BOOST_TEST(form_of(u32("春眠不覺曉，處處聞啼鳥。")).name() == "5 x other");
  BOOST_TEST(form_of(u32("一二三，四五。")).name() == "mixed");
  BOOST_TEST(form_of(u32("一二三四，五六七八。")).name() == "other regular");
  BOOST_TEST(form_of(u32("白日依山盡")).name() == "5 x other");  // an unfinished line counts
  BOOST_TEST(form_of(u32("。，")).name() == "no lines");
}

BOOST_AUTO_TEST_CASE(context_windows_pad_each_poem_with_boundaries) {
  // Two poems, ids (5 6) and (7), context n = 3.
  ContextWindows w({{5, 6}, {7}}, 3);
  BOOST_TEST(w.size() == 5u);  // 3 characters + 2 closing boundaries
  arma::umat context;
  arma::uvec target;
  w.gather(0, 5, context, target);
  const arma::umat expected_context = {{0, 0, 0, 0, 0},  // oldest
                                       {0, 0, 5, 0, 0},
                                       {0, 5, 6, 0, 7}};  // newest
  BOOST_TEST(arma::approx_equal(context, expected_context, "absdiff", 0));
  BOOST_TEST(arma::approx_equal(target, arma::uvec{5, 6, 0, 7, 0}, "absdiff", 0));
  BOOST_TEST(
      arma::approx_equal(last_context({5}, 3), arma::umat(arma::uvec{0, 0, 5}), "absdiff", 0));
  BOOST_TEST(arma::approx_equal(last_context({4, 5, 6, 7}, 2), arma::umat(arma::uvec{6, 7}),
                                "absdiff", 0));
  BOOST_CHECK_THROW(ContextWindows({{5}}, 0), course::UsageError);
}

// ---- 2. hand-computed cases (the lesson's numbers) ------------------------------------------

// The lesson's tiny corpus: two poems "春風" and "春雨" with V = 5 ids (<s>, <unk>, 春 = 2,
// 風 = 3, 雨 = 4). Framed: <s> 春 風 <s> and <s> 春 雨 <s>: N = 6 predictions.
BOOST_AUTO_TEST_CASE(ngram_probabilities_by_hand_as_in_the_lesson) {
  const NgramCounts c({{2, 3}, {2, 4}}, 5);
  BOOST_TEST(c.n_predictions() == 6.0);
  BOOST_TEST(c.unigram(2, 1.0) == 3.0 / 11.0, tt::tolerance(1e-12));   // (2 + 1) / (6 + 5)
  BOOST_TEST(c.unigram(1, 1.0) == 1.0 / 11.0, tt::tolerance(1e-12));   // never seen: (0 + 1) / 11
  BOOST_TEST(c.bigram(2, 3, 1.0) == 2.0 / 7.0, tt::tolerance(1e-12));  // (1 + 1) / (2 + 5)
  BOOST_TEST(c.bigram(2, 3, 0.1) == 1.1 / 2.5, tt::tolerance(1e-12));  // (1 + 0.1) / (2 + 0.5)
  BOOST_TEST(c.bigram(0, 2, 0.1) == 2.1 / 2.5, tt::tolerance(1e-12));  // <s> -> 春 twice
  // lambda = 0.5: 0.5 * 1/2 + 0.5 * 2/11 (風 seen once: (1 + 1) / 11)
  BOOST_TEST(c.interpolated(2, 3, 0.5) == 0.25 + 1.0 / 11.0, tt::tolerance(1e-12));
  // Each smoothed conditional distribution sums to 1 over the 5 ids.
  for (Token u = 0; u < 5; ++u) {
    double add_k = 0, interp = 0;
    for (Token w = 0; w < 5; ++w) {
      add_k += c.bigram(u, w, 0.1);
      interp += c.interpolated(u, w, 0.7);
    }
    BOOST_TEST(add_k == 1.0, tt::tolerance(1e-12));
    BOOST_TEST(interp == 1.0, tt::tolerance(1e-12));
  }
  // Perplexity of the add-0.1 bigram on "春風": (2.1/2.5 * 1.1/2.5 * 1.1/1.5)^(-1/3)
  const double ppl =
      ngram_perplexity({{2, 3}}, [&](Token u, Token w) { return c.bigram(u, w, 0.1); });
  BOOST_TEST(ppl == std::pow(0.84 * 0.44 * (1.1 / 1.5), -1.0 / 3.0), tt::tolerance(1e-12));
  BOOST_TEST(ppl == 1.5452, tt::tolerance(1e-4));
}

BOOST_AUTO_TEST_CASE(perplexity_by_hand_and_from_logits) {
  NegLogLikelihood nll;
  for (double p : {0.5, 0.25, 0.125}) nll.add(std::log(p));
  BOOST_TEST(nll.perplexity() == 4.0, tt::tolerance(1e-12));  // (2 * 4 * 8)^(1/3)
  BOOST_CHECK_THROW(NegLogLikelihood().perplexity(), course::Error);
  // Uniform logits over K = 7 classes: perplexity 7, whatever the (huge) logit value.
  NegLogLikelihood uniform;
  add_logits(uniform, arma::fmat(7, 3, arma::fill::value(1000.0f)), arma::uvec{0, 3, 6});
  BOOST_TEST(uniform.perplexity() == 7.0, tt::tolerance(1e-4));  // float logits near 1000
  // add_logits is log softmax at the target.
  const arma::mat Z = arma::vec{2.0, 1.0, 0.1};
  NegLogLikelihood one;
  add_logits(one, Z, arma::uvec{0});
  BOOST_TEST(one.mean() == 0.417030, tt::tolerance(1e-5));  // chapter 07's worked example
}

BOOST_AUTO_TEST_CASE(tempered_probabilities_by_hand_as_in_the_lesson) {
  const arma::fvec z = {2.0f, 1.0f, 0.0f};
  const arma::vec p1 = tempered_probabilities(z, 1.0);
  const arma::vec p05 = tempered_probabilities(z, 0.5);
  const arma::vec p2 = tempered_probabilities(z, 2.0);
  BOOST_TEST(p1[0] == 0.665241, tt::tolerance(1e-5));
  BOOST_TEST(p1[2] == 0.090031, tt::tolerance(1e-5));
  BOOST_TEST(p05[0] == 0.866813, tt::tolerance(1e-5));  // e^4 / (e^4 + e^2 + 1)
  BOOST_TEST(p05[2] == 0.015876, tt::tolerance(1e-4));
  BOOST_TEST(p2[0] == 0.506480, tt::tolerance(1e-5));  // flatter
  BOOST_TEST(arma::accu(p05) == 1.0, tt::tolerance(1e-12));
  const arma::vec greedy = tempered_probabilities(z, 0.0);
  BOOST_TEST(greedy[0] == 1.0);
  BOOST_TEST(arma::accu(greedy) == 1.0);
  BOOST_CHECK_THROW(tempered_probabilities(z, -1.0), course::UsageError);
}

BOOST_AUTO_TEST_CASE(characters_outside_the_vocabulary_strict_encoding_names_them) {
  const Vocabulary v({{U'月', 3}, {U'光', 3}}, 1);
  BOOST_TEST(v.encode_strict(u32("月光"), "--prompt").size() == 2u);
  const std::string message = error_of([&] { v.encode_strict(u32("月龘"), "--prompt"); });
  BOOST_TEST(message ==
             "--prompt: character '龘' (U+9F98) at position 1 is not in the vocabulary (the 2 "
             "characters seen at least 1 times in the training poems)");
  BOOST_TEST(v.encode(u32("月龘"))[1] == Vocabulary::kUnknown);  // the lenient path: <unk>
}

// ---- 3. gradient checks and the per-example oracle ----------------------------------------

BOOST_AUTO_TEST_CASE(embedding_equals_a_dense_layer_on_one_hot_vectors) {
  course::Rng rng(1);
  Embedding<double> E(6, 3, rng);  // V = 6, d = 3
  const arma::umat ids = {{1, 5, 1, 0},
                          {5, 5, 2, 1}};  // n = 2, m = 4; 5 repeats, even in one context
  const arma::mat X = E.forward(ids);
  arma::mat dX(6, 4);
  course::fill_normal(dX, rng);
  E.backward(dX);
  arma::mat dC_oracle(3, 6, arma::fill::zeros);
  for (arma::uword j = 0; j < ids.n_cols; ++j)
    for (arma::uword k = 0; k < ids.n_rows; ++k) {
      const arma::vec e =
          arma::conv_to<arma::vec>::from(arma::regspace<arma::uvec>(0, 5) == ids(k, j));
      const arma::vec x = E.C * e;  // the one-hot product
      BOOST_TEST(arma::approx_equal(X.col(j).subvec(3 * k, 3 * k + 2), x, "absdiff", 0));
      dC_oracle += dX.col(j).subvec(3 * k, 3 * k + 2) * e.t();  // dC = sum delta e^T
    }
  BOOST_TEST(arma::approx_equal(E.dC, dC_oracle, "absdiff", 1e-14));
  BOOST_TEST(arma::accu(arma::abs(E.dC.col(3))) == 0.0);  // id 3 absent: no gradient
  BOOST_CHECK_THROW(E.forward(arma::umat(1, 1, arma::fill::value(6))), course::Error);
}

BOOST_AUTO_TEST_CASE(embedding_gradient_check) {
  course::Rng rng(2);
  Embedding<double> E(7, 4, rng);
  const arma::umat ids = {
      {3, 3, 0}, {6, 3, 2}, {1, 6, 3}};  // repeated ids collect several gradients
  arma::mat R(12, 3);
  course::fill_normal(R, rng);
  auto loss = [&] {
    return arma::accu(R % E.forward(ids)) + 0.5 * arma::accu(arma::square(E.forward(ids)));
  };
  E.forward(ids);
  E.backward(R + E.forward(ids));  // dL/dX for L = sum R.X + 1/2 sum X^2
  const arma::mat analytic = E.dC;
  const auto r = course::check_gradient(E.C, analytic, loss);
  BOOST_TEST(r.max_rel_error <= 1e-7, r.report("C"));
}

BOOST_AUTO_TEST_CASE(whole_model_gradient_check_in_double) {
  course::Rng rng(3);
  Nplm<double> model({9, 3, 2, 5}, rng);  // V = 9, n = 3, d = 2, h = 5
  const arma::umat context = {{0, 0, 4, 8, 2, 2}, {0, 4, 8, 8, 1, 2}, {4, 8, 3, 0, 2, 2}};
  const arma::uvec target = {8, 3, 0, 5, 2, 7};
  const arma::mat Y = course::one_hot<arma::mat>(target, 9);
  mlp::SoftmaxCrossEntropy<double> ce;
  auto loss = [&] { return ce.forward(model.forward(context), Y); };
  loss();
  model.backward(ce.backward());
  check_every_parameter(model.params(), loss, "nplm ");
  BOOST_TEST(model.params().size() == 5u);
  BOOST_TEST(model.n_params() == 9u * 2 + (6 * 5 + 5) + (5 * 9 + 9));  // Vd + (nd+1)h + (h+1)V
}

// ---- 5. training -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_allocation_after_the_first_training_step) {
  course::Rng rng(4);
  ContextWindows data(aab_poems(50), 3);
  Nplm<float> model({6, 3, 4, 8}, rng);
  mlp::Adam<float> adam(model.params(), 1e-2);
  LmTrainer<float> trainer(model, adam, 32);
  const mlp::CosineSchedule schedule{1e-2, 1e-4, 40};
  std::vector<long> after;
  after.reserve(100);
  trainer.after_step = [&](arma::uword t) {
    adam.eta = schedule.eta_at(t);
    after.push_back(g_allocations.load());
  };
  const long before = g_allocations.load();
  trainer.train(data, 40, rng);  // 650 predictions, 20 batches a pass: the steps cross a reshuffle
  BOOST_REQUIRE(after.size() == 40u);
  BOOST_REQUIRE_MESSAGE(after[0] > before, "the allocation counter is not linked in");
  BOOST_TEST(after[39] - after[0] == 0, "steps 2-40 allocated " << after[39] - after[0]);
}

BOOST_AUTO_TEST_CASE(a_context_of_two_learns_what_a_bigram_cannot) {
  const auto poems = aab_poems(40);
  const NgramCounts counts(poems, 4);
  const double bigram =
      ngram_perplexity(poems, [&](Token u, Token w) { return counts.bigram(u, w, 0.01); });
  course::Rng rng(5);
  ContextWindows data(poems, 2);
  Nplm<float> model({4, 2, 4, 16}, rng);
  mlp::Adam<float> adam(model.params(), 1e-2);
  LmTrainer<float> trainer(model, adam, 32);
  const double start = evaluate(model, data).perplexity();
  trainer.train(data, 400, rng);
  const double end = evaluate(model, data).perplexity();
  BOOST_TEST_MESSAGE("aab: bigram " << bigram << ", network " << start << " -> " << end);
  BOOST_TEST(start > 3.0);  // about uniform over 4 ids at the start
  // Best possible with two characters of context: only "a b" stays uncertain (then "a" 3 times
  // in 4, the end once), e^{-(3 log 3/4 + log 1/4)/13} = 1.189; the bigram cannot do better
  // than 1.82.
  BOOST_TEST(end < 1.25);
  BOOST_TEST(bigram > 1.75);
}

BOOST_AUTO_TEST_CASE(seeded_training_and_sampling_are_bit_identical) {
  auto run = [] {
    course::Rng rng(6);
    ContextWindows data(aab_poems(20), 2);
    Nplm<float> model({4, 2, 3, 8}, rng);
    mlp::Adam<float> adam(model.params(), 1e-2);
    LmTrainer<float> trainer(model, adam, 8);
    trainer.train(data, 50, rng);
    const NextLogits next = [&](const std::vector<Token>& h) {
      return arma::fvec(model.forward(last_context(h, 2)).col(0));
    };
    std::vector<Token> poem = generate(next, {}, 1.0, 30, rng);
    return std::make_pair(arma::fmat(model.output.W), poem);
  };
  const auto a = run(), b = run();
  BOOST_TEST(arma::approx_equal(a.first, b.first, "absdiff", 0.0f));
  BOOST_TEST(a.second == b.second, tt::per_element());
}

// ---- 6. statistical checks ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(draws_follow_the_tempered_distribution) {
  const arma::fvec z = {2.0f, 1.0f, 0.0f};
  const arma::vec p = tempered_probabilities(z, 0.8);
  course::Rng rng(7);
  arma::vec freq(3, arma::fill::zeros);
  const int n = 40000;
  for (int k = 0; k < n; ++k) freq[draw(p, rng)] += 1.0 / n;
  for (arma::uword k = 0; k < 3; ++k)
    BOOST_TEST(std::abs(freq[k] - p[k]) < 0.01, k << ": " << freq[k] << " vs " << p[k]);
}

BOOST_AUTO_TEST_CASE(generation_stops_at_the_boundary_and_keeps_the_prompt) {
  course::Rng rng(8);
  // A "model" that says: character 2 after the prompt, then the boundary.
  const NextLogits next = [](const std::vector<Token>& h) {
    arma::fvec z(4, arma::fill::value(-50.0f));
    z[h.size() < 3 ? 2 : 0] = 50.0f;
    return z;
  };
  const std::vector<Token> poem = generate(next, {3, 3}, 1.0, 10, rng);
  BOOST_TEST(poem == (std::vector<Token>{3, 3, 2}), tt::per_element());
  BOOST_TEST(generate(next, {}, 0.0, 2, rng).size() == 2u);  // max_tokens bounds it
}

BOOST_AUTO_TEST_CASE(nearest_neighbours_by_cosine) {
  arma::mat C(2, 6, arma::fill::zeros);
  C.col(2) = {1, 0};
  C.col(3) = {2, 0.1};  // almost the direction of 2
  C.col(4) = {0, 1};    // orthogonal
  C.col(5) = {-1, 0};   // opposite
  C.col(1) = {5, 0};    // a special id: excluded
  const auto nn = nearest(C, 2, 3);
  BOOST_REQUIRE(nn.size() == 3u);
  BOOST_TEST(nn[0].id == 3u);
  BOOST_TEST(nn[0].cosine == 2 / std::sqrt(4.01), tt::tolerance(1e-12));
  BOOST_TEST(nn[1].id == 4u);
  BOOST_TEST(nn[2].id == 5u);
  BOOST_TEST(nn[2].cosine == -1.0, tt::tolerance(1e-12));
}

// ---- 7. bad input: one failure class per test, each message naming the file --------------

BOOST_AUTO_TEST_CASE(bad_input_missing_file_or_not_a_file) {
  BOOST_TEST(error_of([] { read_poems(kBad + "nowhere.json"); }) ==
             kBad + "nowhere.json: file not found");
  BOOST_TEST(error_of([] { read_poems(kFixtures + "/ch15_poems"); }) ==
             kFixtures + "/ch15_poems: is a folder, expected a JSON array of poems");
  BOOST_TEST(
      error_of([] { read_poems("/dev/zero"); }).rfind("/dev/zero: is not a regular file", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(bad_input_empty_file) {
  BOOST_TEST(error_of([] { read_poems(kBad + "empty.json"); }) ==
             kBad + "empty.json: empty file (expected a JSON array of poems)");
}

BOOST_AUTO_TEST_CASE(bad_input_truncated_json) {
  const std::string m = error_of([] { read_poems(kBad + "truncated.json"); });
  BOOST_TEST(m.rfind(kBad + "truncated.json: malformed JSON (truncated file?): parse error at line",
                     0) == 0u,
             m);
  BOOST_TEST(m.find("unexpected end of input") != std::string::npos, m);
  BOOST_TEST(m.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_input_malformed_json) {
  const std::string m = error_of([] { read_poems(kBad + "malformed.json"); });
  BOOST_TEST(
      m.rfind(kBad + "malformed.json: malformed JSON: parse error at line 3, column 3", 0) == 0u,
      m);
}

// Found by fuzzing: a number too large for a double is valid JSON syntax that nlohmann-json
// refuses with another exception than a parse error; it must still be one line, not a crash.
BOOST_AUTO_TEST_CASE(bad_input_number_overflow) {
  BOOST_TEST(error_of([] { read_poems(kBad + "number_overflow.json"); }) ==
             kBad + "number_overflow.json: malformed JSON: number overflow parsing '1e999'");
}

BOOST_AUTO_TEST_CASE(bad_input_invalid_utf8) {
  const std::string m = error_of([] { read_poems(kBad + "invalid_utf8.json"); });
  BOOST_TEST(m.rfind(kBad + "invalid_utf8.json: malformed JSON: parse error at line 2", 0) == 0u,
             m);
  BOOST_TEST(m.find("UTF-8") != std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(bad_input_wrong_structure) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not_an_array.json", "not_an_array.json: expected a JSON array of poems, found object"},
      {"poem_not_an_object.json",
       "poem_not_an_object.json: poem 0: expected an object with \"paragraphs\", found string"},
      {"no_paragraphs.json",
       "no_paragraphs.json: poem 0 (靜夜思): no \"paragraphs\" (expected an array of lines)"},
      {"paragraphs_not_an_array.json",
       "paragraphs_not_an_array.json: poem 0 (靜夜思): \"paragraphs\" is string, expected an array "
       "of lines (strings)"},
      {"line_not_a_string.json",
       "line_not_a_string.json: poem 0 (靜夜思): \"paragraphs\"[1] is number, expected a string"},
      {"title_not_a_string.json",
       "title_not_a_string.json: poem 0: \"title\" is array, expected a string"},
      {"control_character.json",
       "control_character.json: poem 0 (靜夜思): \"paragraphs\"[0]: control character U+0007 at "
       "character 6 (expected printable text)"},
  };
  for (const auto& [file, expected] : cases)
    BOOST_TEST(error_of([&] { read_poems(kBad + file); }) == kBad + expected);
}

BOOST_AUTO_TEST_CASE(bad_input_poems_with_no_text) {
  // A poem without text is skipped and listed; a file with no poem that has text is an error.
  std::vector<std::string> textless;
  const std::string m = error_of([&] { read_poems(kBad + "no_text.json", &textless); });
  BOOST_TEST(m == kBad +
                      "no_text.json: no poem with text (expected at least one poem whose "
                      "\"paragraphs\" hold characters; found 2 poems, 2 of them empty)");
  BOOST_REQUIRE(textless.size() == 2u);
  BOOST_TEST(textless[1] ==
             kBad + "no_text.json: poem 1 (缺題)");  // only an editor's note: no text
}

BOOST_AUTO_TEST_CASE(bad_input_a_folder_without_the_collection) {
  const std::string m = error_of([] { load_corpus("tang", kBad); });
  BOOST_TEST(m == kBad +
                      ": no poet.tang.0.json ... poet.tang.57000.json files (dataset 'tang'; fix: "
                      "check --data " +
                      kBad + ")");
}
