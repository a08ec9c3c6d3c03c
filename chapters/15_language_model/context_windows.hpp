/// \file
/// \brief Chapter 15: the training examples of an n-gram model: every predicted token of every
/// poem, with the n tokens before it as its context.
///
/// Boundary handling: each poem is stored as n boundary ids, its characters, and one closing
/// boundary id, `<s> ... <s> c_1 ... c_L <s>`. The context of c_1 is n boundaries, that of c_2
/// is n - 1 boundaries and c_1, and so on; the closing `<s>` is predicted from the last n
/// characters. A context never reaches into another poem, so each poem is modelled on its own
/// (and sampling starts from n boundaries and stops at the first predicted `<s>`).
/// Omits: contexts that run across poems, and sequences for models with one prediction per
/// position of a long block (chapter 16).
#pragma once

#include <armadillo>
#include <vector>

#include "chapters/15_language_model/vocabulary.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace lm {

// [windows]
/// \brief The (context, target) pairs of a set of poems, gathered into batches on demand.
class ContextWindows {
 public:
  /// \param poems id sequences (no boundary marks); \param n context length, at least 1
  ContextWindows(const std::vector<std::vector<Token>>& poems, arma::uword n) : n_(n) {
    if (n == 0) throw course::UsageError("context length n must be at least 1");
    for (const auto& poem : poems) {
      stream_.insert(stream_.end(), n, Vocabulary::kBoundary);  // n <s> before the poem
      for (std::size_t t = 0; t <= poem.size(); ++t) {
        targets_.push_back(stream_.size());  // a target: its context is the n ids before it
        stream_.push_back(t < poem.size() ? poem[t] : Vocabulary::kBoundary);  // closing <s>
      }
    }
  }

  /// Number of predictions (characters plus one closing boundary per poem).
  arma::uword size() const { return targets_.size(); }
  /// The context length n.
  arma::uword n() const { return n_; }

  /// \brief Put the predictions in a new random order (Fisher-Yates with the run's generator).
  void shuffle(course::Rng& rng) { course::shuffle(targets_, rng); }

  /// \brief Gather predictions first .. first + m - 1 (in the current order).
  /// \param context (n x m) output: column j holds the n ids before target j, oldest first
  /// \param target (m) output: the ids to predict
  /// Both are resized only when m changes, so equal batches allocate nothing.
  void gather(arma::uword first, arma::uword m, arma::umat& context, arma::uvec& target) const {
    if (first + m > size())
      throw course::Error("ContextWindows::gather: batch reaches past the end");
    context.set_size(n_, m);
    target.set_size(m);
    for (arma::uword j = 0; j < m; ++j) {
      const std::size_t pos = targets_[first + j];
      for (arma::uword k = 0; k < n_; ++k) context(k, j) = stream_[pos - n_ + k];
      target[j] = stream_[pos];
    }
  }

 private:
  arma::uword n_;
  std::vector<Token> stream_;         // every poem: n <s>, its ids, one <s>
  std::vector<std::size_t> targets_;  // positions in stream_ of the predicted ids
};
// [windows]

/// \brief The context of the next token of a poem being written: its last n ids, padded with
/// `<s>` on the left when the poem is shorter than n (as ContextWindows pads every poem).
/// \param history the poem's ids so far (no boundary marks); \return (n x 1) ids, oldest first
inline arma::umat last_context(const std::vector<Token>& history, arma::uword n) {
  arma::umat context(n, 1);
  for (arma::uword k = 0; k < n; ++k) {
    const std::ptrdiff_t pos =
        std::ptrdiff_t(history.size()) - std::ptrdiff_t(n) + std::ptrdiff_t(k);
    context(k, 0) = pos < 0 ? Vocabulary::kBoundary : history[pos];
  }
  return context;
}

}  // namespace lm
