/// \file
/// \brief Chapter 15: the counted baselines, Shannon's n-gram models for n = 1 and 2. Nothing is
/// trained: the probabilities are counts from the training poems, smoothed so that a character
/// never seen (after this context) does not get probability 0.
///
/// Every poem is framed by the boundary id, `<s> c_1 ... c_L <s>`: the first `<s>` is the context
/// of the first character, the last is predicted after the last character (so a poem's length
/// is part of what is predicted, as in the neural model). With V ids:
/// \f[ p_{\text{add-}k}(w) = \frac{c(w) + k}{N + kV}, \qquad
///     p_{\text{add-}k}(w \mid u) = \frac{c(u\,w) + k}{c(u) + kV}, \f]
/// \f[ p_{\lambda}(w \mid u) = \lambda\,\frac{c(u\,w)}{c(u)} + (1 - \lambda)\, p_{\text{add-}1}(w)
/// \f] (add-k, "Laplace" for k = 1; and linear interpolation, Jelinek and Mercer 1980). Omits:
/// trigrams and beyond, Good-Turing and Kneser-Ney discounting, back-off.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "chapters/15_language_model/perplexity.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "common/error.hpp"

namespace lm {

// [ngram]
/// \brief Unigram and bigram counts of framed poems, and the smoothed probabilities above.
class NgramCounts {
 public:
  /// \brief Count the training poems. \param poems id sequences without boundary marks
  /// \param V the vocabulary size (ids are 0..V-1)
  NgramCounts(const std::vector<std::vector<Token>>& poems, std::size_t V)
      : V_(V), c_(V, 0.0), c_context_(V, 0.0) {
    for (const auto& poem : poems) {
      Token u = Vocabulary::kBoundary;  // the opening <s>
      for (std::size_t t = 0; t <= poem.size(); ++t) {
        const Token w =
            t < poem.size() ? poem[t] : Vocabulary::kBoundary;  // ... then the closing <s>
        if (w >= V)
          throw course::Error("n-gram counts: id " + std::to_string(w) +
                              " >= V = " + std::to_string(V));
        c_[w] += 1;            // c(w): w predicted
        c_context_[u] += 1;    // c(u): u as a context
        ++c_pair_[key(u, w)];  // c(u w)
        N_ += 1;
        u = w;
      }
    }
  }

  /// \brief \f$(c(w) + k) / (N + kV)\f$.
  double unigram(Token w, double k) const { return (c_[w] + k) / (N_ + k * double(V_)); }

  /// \brief \f$(c(u\,w) + k) / (c(u) + kV)\f$.
  double bigram(Token u, Token w, double k) const {
    return (pair(u, w) + k) / (c_context_[u] + k * double(V_));
  }

  /// \brief \f$\lambda\, c(u\,w)/c(u) + (1 - \lambda)\, p_{\text{add-}1}(w)\f$ (an unseen context u
  /// falls back to the unigram).
  double interpolated(Token u, Token w, double lambda) const {
    const double ml = c_context_[u] > 0 ? pair(u, w) / c_context_[u] : 0.0;  // maximum likelihood
    const double l = c_context_[u] > 0 ? lambda : 0.0;
    return l * ml + (1 - l) * unigram(w, 1.0);
  }

  /// N, the number of predictions counted (characters and closing boundaries).
  double n_predictions() const { return N_; }
  /// Number of distinct pairs (u, w) seen.
  std::size_t n_pairs() const { return c_pair_.size(); }

 private:
  std::uint64_t key(Token u, Token w) const { return std::uint64_t(u) * V_ + w; }
  double pair(Token u, Token w) const {
    const auto it = c_pair_.find(key(u, w));
    return it == c_pair_.end() ? 0.0 : double(it->second);
  }

  std::size_t V_;
  std::vector<double> c_;                                    // (V) c(w)
  std::vector<double> c_context_;                            // (V) c(u)
  std::unordered_map<std::uint64_t, std::uint32_t> c_pair_;  // c(u w), only the pairs seen
  double N_ = 0;
};
// [ngram]

/// \brief Perplexity of a bigram-shaped model \f$p(w \mid u)\f$ on framed poems.
/// \param prob callable (u, w) -> probability, e.g. a lambda around NgramCounts::bigram
template <class Prob>
double ngram_perplexity(const std::vector<std::vector<Token>>& poems, Prob&& prob) {
  NegLogLikelihood nll;
  for (const auto& poem : poems) {
    Token u = Vocabulary::kBoundary;
    for (std::size_t t = 0; t <= poem.size(); ++t) {
      const Token w = t < poem.size() ? poem[t] : Vocabulary::kBoundary;
      nll.add(std::log(prob(u, w)));
      u = w;
    }
  }
  return nll.perplexity();
}

}  // namespace lm
