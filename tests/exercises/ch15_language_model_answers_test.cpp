// Chapter 15's worked answers (chapters/15_language_model/answers.md): every answer that states
// a number is measured here. The exercises retrain the language model on the whole corpus, which
// takes minutes to tens of minutes; these answers run the chapter's code on setups that take
// seconds, and each answer says which: the lesson's model (h 64) trained for 2,000 steps on
// made-up poems whose rules are known (tests/support/made_up_poems.hpp), the counted baselines on
// made-up text with Zipf's frequencies, the fixture's real Tang poems and Song ci, and (Experiment
// 3) a model small enough to write by hand. No test needs the fetched corpus.
#define BOOST_TEST_MODULE ch15_language_model_answers
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>

#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/15_language_model/context_windows.hpp"
#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/neighbours.hpp"
#include "chapters/15_language_model/ngram.hpp"
#include "chapters/15_language_model/nplm.hpp"
#include "chapters/15_language_model/poem_form.hpp"
#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/train_lm.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "tests/support/made_up_poems.hpp"
#include "tests/support/one_blas_thread.hpp"
#include "tests/support/release_numbers.hpp"  // COURSE_RELEASE_NUMBERS: the quoted numbers

namespace tt = boost::test_tools;
using lm::Token;
using lm::Vocabulary;

BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);  // the same sums in the same order on every run

namespace {

const std::string kFixtures = COURSE_FIXTURES_DIR;

/// Indices 0 .. n-1 (every poem of a corpus).
std::vector<std::size_t> first(std::size_t n) {
  std::vector<std::size_t> all(n);
  for (std::size_t k = 0; k < n; ++k) all[k] = k;
  return all;
}

/// A model trained on the made-up poems as the chapter's train_model trains the lesson's: Adam
/// at 4e-3 with cosine decay to 4e-5, here 2,000 steps of 64 predictions, h 64; and its
/// validation perplexity. Each (n, d) is trained once and kept (two answers read n 12, d 16).
struct TrainedLm {
  std::unique_ptr<lm::Nplm<float>> model;
  double validation = 0;
};

TrainedLm& trained(arma::uword n, arma::uword d) {
  static std::map<std::pair<arma::uword, arma::uword>, TrainedLm> done;
  TrainedLm& t = done[{n, d}];
  if (t.model) return t;
  const MadeUpCorpus& data = made_up_corpus();
  const arma::uword steps = 2000;
  course::Rng rng(42);
  t.model = std::make_unique<lm::Nplm<float>>(
      lm::NplmShape{arma::uword(data.vocabulary->size()), n, d, 64}, rng);
  lm::ContextWindows train(data.train_ids, n), validation(data.validation_ids, n);
  mlp::Adam<float> adam(t.model->params(), 4e-3);
  const mlp::CosineSchedule schedule{4e-3, 4e-5, steps};
  lm::LmTrainer<float> trainer(*t.model, adam, 64);
  trainer.after_step = [&](arma::uword k) { adam.eta = schedule.eta_at(k); };
  trainer.train(train, steps, rng);
  t.validation = lm::evaluate(*t.model, validation).perplexity();
  return t;
}

/// The model's next-token logits, as the chapter's sample_poems reads them.
lm::NextLogits next_of(lm::Nplm<float>& model) {
  return [&model](const std::vector<Token>& history) {
    return arma::fvec(model.forward(lm::last_context(history, model.n())).col(0));
  };
}

}  // namespace

// [ex1]
// Experiment 1: contexts of 4, 12 and 16 characters on the made-up poems, whose lines have 5 or
// 7 characters: the validation perplexity, and the "even" column of 100 samples at 0.8.
namespace {
/// Mean probability of <s> (the poem ends) after the second line of the five-character
/// validation poems, where every such poem goes on.
double p_end_after_line_2(lm::Nplm<float>& model) {
  double p = 0;
  int poems = 0;
  for (const auto& poem : made_up_corpus().validation_ids) {
    if (poem.size() != 24) continue;  // 4 lines of 5 characters and a mark
    const std::vector<Token> two_lines(poem.begin(), poem.begin() + 12);
    p += lm::tempered_probabilities(next_of(model)(two_lines), 1.0)[Vocabulary::kBoundary];
    ++poems;
  }
  return p / poems;
}

double even_lines(lm::Nplm<float>& model, int samples) {
  course::Rng rng(7);
  int even = 0;
  for (int k = 0; k < samples; ++k) {
    const auto poem = lm::generate(next_of(model), {}, 0.8, 80, rng);
    const std::string shape =
        lm::form_of(lm::utf8_decode(made_up_corpus().vocabulary->decode(poem), "sample")).name();
    even += shape.rfind("5 x", 0) == 0 || shape.rfind("7 x", 0) == 0;  // every line 5, or 7
  }
  return double(even) / samples;
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex1_a_context_shorter_than_a_line) {
  TrainedLm &n4 = trained(4, 16), &n12 = trained(12, 16), &n16 = trained(16, 16);
  const double even4 = even_lines(*n4.model, 100), even12 = even_lines(*n12.model, 100),
               even16 = even_lines(*n16.model, 100);
  BOOST_TEST_MESSAGE("validation perplexity n 4: " << n4.validation << ", n 12: " << n12.validation
                                                   << ", n 16: " << n16.validation << "; even: "
                                                   << even4 << ", " << even12 << ", " << even16);
  // 4 characters cannot see the mark that began the line, nor the parallel character one line
  // back: far worse, and most samples lose the even line.
  BOOST_TEST(n4.validation > 1.5 * n12.validation);
  BOOST_TEST(even4 < 0.5);
  BOOST_TEST(even12 > 0.7);
  // 16 still helps a little: after the second line of a five-character poem it sees the <s>
  // before the poem, so it knows the poem goes on; 12 cannot tell that line from the fourth.
  const double end12 = p_end_after_line_2(*n12.model), end16 = p_end_after_line_2(*n16.model);
  BOOST_TEST_MESSAGE("p(<s>) after line 2 of a five-character poem: n 12 " << end12 << ", n 16 "
                                                                           << end16);
  BOOST_TEST(end12 > 0.3);
  BOOST_TEST(end16 < 0.1);
  BOOST_TEST(n16.validation < n12.validation);
  BOOST_TEST(n12.validation - n16.validation < 0.1 * (n4.validation - n12.validation));
#ifdef COURSE_RELEASE_NUMBERS
  BOOST_TEST(n4.validation == 10.97, tt::tolerance(0.001));
  BOOST_TEST(n12.validation == 6.031, tt::tolerance(0.001));
  BOOST_TEST(n16.validation == 5.927, tt::tolerance(0.001));
  BOOST_TEST(even4 == 0.20);
  BOOST_TEST(even12 == 0.87);
  BOOST_TEST(even16 == 0.91);
  BOOST_TEST(end12 == 0.521, tt::tolerance(0.001));
  BOOST_TEST(end16 == 0.034, tt::tolerance(0.01));
#endif
}
// [ex1]

// [ex2]
// Experiment 2: the vocabulary's min-count, on made-up text whose characters follow Zipf's law
// (the k-th most frequent of 3,000 has probability proportional to 1/k, as the Tang poems'
// roughly do): 2,000 training poems, 200 validation poems, four lines of 5 characters each. The
// model is the counted unigram (add-1), the lesson's first baseline: what the answer says
// holds for any model scored with its own vocabulary.
namespace {
std::vector<lm::Poem> zipf_poems(std::size_t count, course::Rng& rng) {
  std::vector<double> cumulative;  // sum of 1/k for k = 1 .. 3,000
  for (double k = 1, sum = 0; k <= 3000; ++k) cumulative.push_back(sum += 1 / k);
  std::vector<lm::Poem> poems;
  for (std::size_t p = 0; p < count; ++p) {
    std::u32string text;
    for (int line = 0; line < 4; ++line) {
      for (int c = 0; c < 5; ++c) {
        const double u = course::uniform01(rng) * cumulative.back();
        const auto k =
            std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
        text += char32_t(U'一' + k);  // 3,000 CJK characters from U+4E00 on
      }
      text += line % 2 ? U'。' : U'，';
    }
    poems.push_back({"", "", text, text});
  }
  return poems;
}

struct VocabularyRun {
  std::size_t V = 0;
  double perplexity = 0;  ///< the unigram's, on the validation poems
  double unknown = 0;     ///< fraction of the validation predictions that are <unk>
  double charged = 0;     ///< perplexity when <unk> pays for the character it hides
};

VocabularyRun with_min_count(std::size_t min_count) {
  course::Rng rng(15);
  const std::vector<lm::Poem> poems = zipf_poems(2200, rng);
  std::vector<std::size_t> train, validation;
  for (std::size_t k = 0; k < poems.size(); ++k) (k < 2000 ? train : validation).push_back(k);
  const lm::CharCounts counts = lm::count_characters(poems, train);
  std::vector<std::size_t> seen;  // validation poems whose characters all occur in training
  for (std::size_t k : validation)
    if (std::all_of(poems[k].text.begin(), poems[k].text.end(),
                    [&](char32_t c) { return counts.count(c) > 0; }))
      seen.push_back(k);
  const Vocabulary v(counts, min_count);
  const lm::NgramCounts unigram(lm::encode_poems(v, poems, train), v.size());
  const auto p = [&](Token, Token w) { return unigram.unigram(w, 1.0); };
  VocabularyRun r;
  r.V = v.size();
  const auto ids = lm::encode_poems(v, poems, validation);
  r.perplexity = lm::ngram_perplexity(ids, p);
  std::size_t unknown = 0, all = 0;
  for (const auto& poem : ids)
    for (Token t : poem) unknown += t == Vocabulary::kUnknown, ++all;
  r.unknown = double(unknown) / double(all + ids.size());  // + each poem's closing <s>
  // Charge <unk>: share its probability evenly among the training characters it stands for.
  std::size_t hidden = 0;
  for (const auto& [c, n] : counts) hidden += n < min_count;
  r.charged = lm::ngram_perplexity(lm::encode_poems(v, poems, seen), [&](Token u, Token w) {
    return w == Vocabulary::kUnknown ? p(u, w) / double(hidden) : p(u, w);
  });
  return r;
}

/// One row of the answer's table (counting is exact in double: the same in every build).
void same_row(const VocabularyRun& r, std::size_t V, double perplexity, double unknown,
              double charged) {
  BOOST_TEST(r.V == V);
  BOOST_TEST(r.perplexity == perplexity, tt::tolerance(0.001));
  BOOST_TEST(r.unknown == unknown, tt::tolerance(0.02));
  BOOST_TEST(r.charged == charged, tt::tolerance(0.001));
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex2_the_vocabulary) {
  const VocabularyRun one = with_min_count(1), ten = with_min_count(10), fifty = with_min_count(50),
                      all_rare = with_min_count(100000);
  for (const VocabularyRun& r : {one, ten, fifty, all_rare})
    BOOST_TEST_MESSAGE("V " << r.V << ": perplexity " << r.perplexity << ", <unk> " << r.unknown
                            << ", charged " << r.charged);
  // Fewer ids, lower perplexity: more and more of the predictions are the easy <unk>.
  BOOST_TEST(one.V > ten.V);
  BOOST_TEST(ten.V > fifty.V);
  BOOST_TEST(fifty.perplexity < ten.perplexity);
  BOOST_TEST(ten.perplexity < one.perplexity);
  BOOST_TEST(fifty.unknown > 10 * one.unknown);
  // The extreme: every character is <unk> (V = 2: <s> and <unk>), the lowest perplexity of all,
  // and the model cannot write a single character.
  BOOST_TEST(all_rare.V == 2u);
  BOOST_TEST(all_rare.perplexity < 2);
  // Charged for what <unk> hides, the order turns round: min-count 1 is the best model.
  BOOST_TEST(one.charged < ten.charged);
  BOOST_TEST(ten.charged < fifty.charged);
  BOOST_TEST(fifty.charged < all_rare.charged);
  same_row(one, 2798, 206.5, 0.0082, 192.2);
  same_row(ten, 504, 58.70, 0.1618, 192.9);
  same_row(fifty, 96, 19.68, 0.31, 215.3);
  same_row(all_rare, 2, 1.183, 0.96, 2408);
}
// [ex2]

// [ex3]
// Experiment 3: forbid the boundary <s> until the poem has `min_length` tokens, by giving it a
// logit so low that its probability is 0 at any temperature.
namespace {
lm::NextLogits at_least(const lm::NextLogits& model, std::size_t min_length) {
  return [model, min_length](const std::vector<Token>& history) {
    arma::fvec z = model(history);
    if (history.size() < min_length) z[Vocabulary::kBoundary] = -1e30f;  // p(<s>) = 0
    return z;
  };
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex3_forbid_the_boundary_until_20_characters) {
  // A model like the chapter's after a full stop: <s> is the single most likely next token
  // (logit 3), and the rest of the mass is spread over 100 characters (logit 0 each).
  const lm::NextLogits model = [](const std::vector<Token>&) {
    arma::fvec z(102, arma::fill::zeros);
    z[Vocabulary::kBoundary] = 3.0f;
    return z;
  };
  course::Rng rng(42);
  // Greedy: the poem ends at once; with the rule it runs to 20 tokens, then ends.
  BOOST_TEST(lm::generate(model, {}, 0.0, 200, rng).size() == 0u);
  BOOST_TEST(lm::generate(at_least(model, 20), {}, 0.0, 200, rng).size() == 20u);
  // At temperature 0.8: without the rule p(<s>) = e^3.75 / (e^3.75 + 100) = 0.30 per step, so
  // poems end after about 2.3 tokens; with it none ends before 20.
  std::size_t shortest = 1000, total = 0;
  for (int k = 0; k < 200; ++k) {
    const std::size_t n = lm::generate(at_least(model, 20), {}, 0.8, 200, rng).size();
    shortest = std::min(shortest, n);
    total += n;
  }
  BOOST_TEST(shortest == 20u);
  BOOST_TEST(total / 200.0 == 22.3, boost::test_tools::tolerance(0.05));
  std::size_t free_total = 0;
  for (int k = 0; k < 200; ++k) free_total += lm::generate(model, {}, 0.8, 200, rng).size();
  BOOST_TEST(free_total / 200.0 == 2.3, boost::test_tools::tolerance(0.15));
}
// [ex3]

// [ex4]
// Experiment 4: a two-dimensional embedding against the d = 16 of Experiment 1's model (n 12),
// on the made-up poems, where characters of one class (春秋夏冬, 東西南北, ...) are alike and
// nothing else is. Neighbours as the lesson reads them: cosine, lm::nearest.
namespace {
/// True when two ids are characters of one class of the made-up language (the marks are in none).
bool classmates(Token a, Token b) {
  const auto character = [](Token t) {
    return lm::utf8_decode(made_up_corpus().vocabulary->symbol(t), "id")[0];
  };
  for (const std::u32string& members : made_up_classes())
    if (members.find(character(a)) != std::u32string::npos)
      return members.find(character(b)) != std::u32string::npos;
  return false;
}

struct Geometry {
  double spring_autumn = 0;          ///< cos(春, 秋)
  std::size_t autumn_rank = 0;       ///< 秋's place among 春's neighbours (1: the nearest)
  std::size_t closer_strangers = 0;  ///< characters of other classes nearer to 春 than 秋 is
  double strangers = 0;  ///< per character: characters of other classes at cosine above 0.9
};

Geometry geometry(const lm::Nplm<float>& model) {
  const Vocabulary& v = *made_up_corpus().vocabulary;
  const auto neighbours = [&](Token t) {  // every other character and mark, nearest first
    return lm::nearest(model.embedding.C, t, v.size(), 2, Token(v.size()));
  };
  Geometry g;
  for (const lm::Neighbour& nb : neighbours(v.id(U'春'))) {
    ++g.autumn_rank;
    if (nb.id == v.id(U'秋')) {
      g.spring_autumn = nb.cosine;
      break;
    }
    g.closer_strangers += !classmates(v.id(U'春'), nb.id);
  }
  for (const std::u32string& members : made_up_classes())
    for (char32_t c : members)
      for (const lm::Neighbour& nb : neighbours(v.id(c)))
        g.strangers += nb.cosine > 0.9 && !classmates(v.id(c), nb.id) ? 1.0 / 48 : 0.0;
  return g;
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex4_a_two_dimensional_embedding) {
  TrainedLm &d2 = trained(12, 2), &d16 = trained(12, 16);
  const Geometry plane = geometry(*d2.model), space = geometry(*d16.model);
  BOOST_TEST_MESSAGE("validation perplexity d 2: " << d2.validation
                                                   << ", d 16: " << d16.validation);
  BOOST_TEST_MESSAGE("cos(春, 秋) d 2: " << plane.spring_autumn << ", rank " << plane.autumn_rank
                                         << " (" << plane.closer_strangers
                                         << " of other classes nearer); d 16: "
                                         << space.spring_autumn << ", rank " << space.autumn_rank
                                         << "; other classes above 0.9: " << plane.strangers
                                         << " and " << space.strangers);
  // Two numbers per character cost perplexity ...
  BOOST_TEST(d2.validation > 1.3 * d16.validation);
  // ... 春 and 秋 are still close in the plane, but so are characters of other classes.
  BOOST_TEST(plane.spring_autumn > 0.9);
  BOOST_TEST(plane.strangers > 3);
  BOOST_TEST(space.strangers < 0.5);
#ifdef COURSE_RELEASE_NUMBERS
  BOOST_TEST(d2.validation == 9.368, tt::tolerance(0.001));
  BOOST_TEST(plane.spring_autumn == 0.979, tt::tolerance(0.001));
  BOOST_TEST(plane.autumn_rank == 7u);
  BOOST_TEST(plane.closer_strangers == 4u);
  BOOST_TEST(plane.strangers == 7.21, tt::tolerance(0.01));
#endif
}
// [ex4]

// [ex5]
// Experiment 5 on the fixtures: the 4 Song ci of tests/fixtures/ch15_songci read through the
// vocabulary of the 21 Tang poems of tests/fixtures/ch15_poems (min-count 1: every character
// of those poems has an id).
BOOST_AUTO_TEST_CASE(ex5_the_song_ci_through_tang_eyes) {
  const lm::Corpus tang = lm::load_corpus("tang", kFixtures + "/ch15_poems");
  const lm::Corpus ci = lm::load_corpus("songci", kFixtures + "/ch15_songci");
  const Vocabulary v(lm::count_characters(tang.poems, first(tang.poems.size())), 1);
  const lm::CharCounts counts = lm::count_characters(ci.poems, first(ci.poems.size()));
  std::size_t characters = 0, known = 0;
  for (const auto& [c, n] : counts) characters += n, known += v.contains(c) ? n : 0;
  BOOST_TEST(v.size() == 374u);  // 372 characters, <s> and <unk>
  BOOST_TEST(characters == 484u);
  BOOST_TEST(known == 160u);  // coverage 33.1%
  BOOST_TEST(v.coverage(counts) == 160.0 / 484);
  // The ci are in simplified script, the Tang poems in traditional: these 26 simplified
  // characters of the ci are written in the fixture's Tang poems, in their traditional forms.
  const std::u32string simplified = U"声云时仪气万马来无归岁欢烟渔烛铜莲际谁认载遥经动销泽",
                       traditional = U"聲雲時儀氣萬馬來無歸歲歡煙漁燭銅蓮際誰認載遙經動銷澤";
  std::size_t converted = 0;
  for (std::size_t k = 0; k < simplified.size(); ++k) {
    BOOST_TEST(!v.contains(simplified[k]));
    BOOST_TEST(v.contains(traditional[k]));
    converted += counts.at(simplified[k]);
  }
  BOOST_TEST(converted == 38u);  // one script: coverage 33.1% -> 40.9%
  // Every ci has lines of mixed lengths (a tune's pattern, not 5 or 7 characters a line).
  for (const lm::Poem& p : ci.poems) BOOST_TEST(lm::form_of(p.text).name() == "mixed");
}
// [ex5]
