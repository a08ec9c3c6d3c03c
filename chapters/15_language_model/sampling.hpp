/// \file
/// \brief Chapter 15: sampling text from a language model, one token at a time, with a
/// temperature:
/// \f[ p_k(\tau) = \frac{e^{z_k/\tau}}{\sum_j e^{z_j/\tau}}. \f]
/// \f$\tau = 1\f$ samples the model's own distribution; \f$\tau < 1\f$ sharpens it towards the
/// most likely token (\f$\tau \to 0\f$: always the argmax, "greedy"); \f$\tau > 1\f$ flattens it
/// towards uniform. Draws go through the run's seeded generator, so a seed gives the same poems.
///
/// The generation loop only needs "the logits of the next token given the tokens so far", so
/// any model can use it (this chapter's n-gram network; chapter 16's transformer).
/// Omits: top-k and nucleus (top-p) truncation, beam search, repetition penalties.
#pragma once

#include <armadillo>
#include <functional>
#include <vector>

#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace lm {

// [sample]
/// \brief The distribution \f$p(\tau)\f$ of one column of logits (chapter 07's stable softmax
/// applied to \f$z/\tau\f$); \f$\tau = 0\f$ puts all the mass on the first largest logit.
/// \param z (V) logits; \param temperature \f$\tau \ge 0\f$; \return (V) probabilities
template <class T>
arma::Col<double> tempered_probabilities(const arma::Col<T>& z, double temperature) {
  if (!(temperature >= 0)) throw course::UsageError("temperature must be >= 0");
  arma::Col<double> p(z.n_elem, arma::fill::zeros);
  if (temperature == 0) {
    p[z.index_max()] = 1;  // greedy
    return p;
  }
  const arma::mat scaled = arma::conv_to<arma::mat>::from(z) / temperature;  // z / tau
  arma::mat P;
  mlp::softmax(scaled, P);
  return P.col(0);
}

/// \brief Draw one index from a probability vector by inverting its cumulative sum with one
/// uniform number u in [0, 1): the first k with \f$\sum_{j \le k} p_j > u\f$.
inline arma::uword draw(const arma::Col<double>& p, course::Rng& rng) {
  const double u = course::uniform01(rng);
  double cumulative = 0;
  for (arma::uword k = 0; k < p.n_elem; ++k) {
    cumulative += p[k];
    if (u < cumulative) return k;
  }
  return p.n_elem - 1;  // u beyond a cumulative sum rounded below 1
}
// [sample]

/// The logits of the next token given every token so far (the prompt included).
using NextLogits = std::function<arma::fvec(const std::vector<Token>& history)>;

// [generate]
/// \brief Generate one poem: start from the prompt, append a drawn token until the model draws
/// the boundary `<s>` (the poem is over) or `max_tokens` tokens were added.
/// \param next_logits the model; \param prompt ids the poem starts with (may be empty)
/// \return the poem's ids, the prompt included, without the closing `<s>`
inline std::vector<Token> generate(const NextLogits& next_logits, const std::vector<Token>& prompt,
                                   double temperature, std::size_t max_tokens, course::Rng& rng) {
  std::vector<Token> poem = prompt;
  for (std::size_t t = 0; t < max_tokens; ++t) {
    const arma::uword next = draw(tempered_probabilities(next_logits(poem), temperature), rng);
    if (next == Vocabulary::kBoundary) break;
    poem.push_back(static_cast<Token>(next));
  }
  return poem;
}
// [generate]

}  // namespace lm
