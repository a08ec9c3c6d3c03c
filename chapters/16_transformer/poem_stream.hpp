/// \file
/// \brief Chapter 16: the poems as a GPT reads them: one long stream `<s> poem <s> poem ...`,
/// cut into windows of T + 1 ids for training, and each poem on its own for evaluation.
///
/// Training takes windows at random offsets, as GPT-2 and nanoGPT do: a window may start inside
/// a poem and run into the next (the `<s>` between them says where one ends). Evaluation reads
/// each poem as chapter 15 does, from `<s>` to its closing `<s>`: the inputs `<s> c_1 ... c_L`
/// predict `c_1 ... c_L <s>`, so the two chapters' perplexities count the same predictions.
/// Poems of equal length go into one batch (no padding); a poem longer than n_ctx is read in
/// pieces of n_ctx, each piece starting without the previous piece's characters.
/// Omits: padding and attention masks for ragged batches, and sliding-window evaluation.
#pragma once

#include <algorithm>
#include <map>
#include <vector>

#include "chapters/15_language_model/perplexity.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "chapters/16_transformer/gpt.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace gpt {

// Dimension legend:  T tokens per window,  B windows per batch.

// [poem_stream]
/// \brief The training stream and its random windows.
class PoemStream {
 public:
  /// \param poems id sequences (no boundary marks); each is preceded by one `<s>`
  explicit PoemStream(const std::vector<std::vector<lm::Token>>& poems) {
    for (const auto& poem : poems) {
      stream_.push_back(lm::Vocabulary::kBoundary);
      stream_.insert(stream_.end(), poem.begin(), poem.end());
    }
    stream_.push_back(lm::Vocabulary::kBoundary);  // the last poem's closing <s>
  }

  /// Ids in the stream.
  std::size_t size() const { return stream_.size(); }

  /// \brief B windows at random offsets: ids (T x B) and, for column b*T + t, the id after
  /// ids(t, b) in targets (T*B). Sized once: equal batches allocate nothing.
  void sample(arma::uword T, arma::uword B, course::Rng& rng, arma::umat& ids,
              arma::uvec& targets) const {
    if (stream_.size() < T + 1)
      throw course::Error("the training poems hold " + std::to_string(stream_.size()) +
                          " ids, fewer than one window of " + std::to_string(T + 1));
    ids.set_size(T, B);
    targets.set_size(T * B);
    const std::size_t starts = stream_.size() - T;  // offsets 0 .. size - T - 1
    for (arma::uword b = 0; b < B; ++b) {
      const std::size_t at = std::size_t(course::uniform01(rng) * double(starts)) % starts;
      for (arma::uword t = 0; t < T; ++t) {
        ids(t, b) = stream_[at + t];               // input: stream[at .. at + T - 1]
        targets[b * T + t] = stream_[at + t + 1];  // target: the id after each
      }
    }
  }

 private:
  std::vector<lm::Token> stream_;
};
// [poem_stream]

// [evaluate]
/// \brief Perplexity of the model on whole poems: for each poem, `<s> c_1 ... c_L` predicts
/// `c_1 ... c_L <s>` (pieces of at most n_ctx), pieces of equal length batched together.
/// \param max_batch sequences per forward pass
/// \param logits the model's forward pass, ids (T x B) in, logits (V x B*T) out (as
/// Gpt::forward; chapter 17 passes a model with a head of its own)
template <class Logits>
lm::NegLogLikelihood evaluate(const Logits& logits, arma::uword n_ctx,
                              const std::vector<std::vector<lm::Token>>& poems,
                              arma::uword max_batch = 64) {
  std::map<arma::uword, std::vector<std::vector<lm::Token>>> by_length;  // piece length -> pieces
  for (const auto& poem : poems) {
    std::vector<lm::Token> seq{lm::Vocabulary::kBoundary};  // <s> c_1 ... c_L <s>
    seq.insert(seq.end(), poem.begin(), poem.end());
    seq.push_back(lm::Vocabulary::kBoundary);
    for (std::size_t first = 0; first + 1 < seq.size(); first += n_ctx) {  // pieces: inputs and
      const std::size_t len = std::min<std::size_t>(n_ctx, seq.size() - 1 - first);  // 1 more id
      by_length[len].emplace_back(seq.begin() + first, seq.begin() + first + len + 1);
    }
  }
  lm::NegLogLikelihood nll;
  arma::umat ids;
  arma::uvec targets;
  for (const auto& [len, pieces] : by_length)
    for (std::size_t first = 0; first < pieces.size(); first += max_batch) {
      const arma::uword B = std::min<std::size_t>(max_batch, pieces.size() - first);
      ids.set_size(len, B);
      targets.set_size(len * B);
      for (arma::uword b = 0; b < B; ++b)
        for (arma::uword t = 0; t < len; ++t) {
          ids(t, b) = pieces[first + b][t];
          targets[b * len + t] = pieces[first + b][t + 1];
        }
      lm::add_logits(nll, logits(ids), targets);  // sum of -log p(target)
    }
  return nll;
}

/// \brief The same for the GPT itself.
inline lm::NegLogLikelihood evaluate(Gpt<float>& model,
                                     const std::vector<std::vector<lm::Token>>& poems,
                                     arma::uword max_batch = 64) {
  return evaluate(
      [&model](const arma::umat& ids) -> const arma::fmat& { return model.forward(ids); },
      model.shape().n_ctx, poems, max_batch);
}
// [evaluate]

}  // namespace gpt
