// Chapter 15's worked answers (chapters/15_language_model/answers.md): the answers that ask for
// code are compiled here. Training the language model takes minutes, so the answers about the
// trained model quote the committed full run's records instead; the change to sampling
// (Experiment 3) is tested on a model small enough to write by hand.
#define BOOST_TEST_MODULE ch15_language_model_answers
#include <boost/test/unit_test.hpp>

#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/vocabulary.hpp"

using lm::Token;
using lm::Vocabulary;

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
