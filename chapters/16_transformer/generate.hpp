/// \file
/// \brief Chapter 16: generating text with the GPT: the model as chapter 15's "logits of the
/// next token" function, and top-k truncation (Fan, Lewis and Dauphin 2018) before chapter 15's
/// tempered sampling.
///
/// Top-k keeps the k largest logits and sets the others to \f$-\infty\f$, so their probability
/// is exactly 0 at every temperature: the long tail of unlikely characters, which together
/// hold real probability mass, can no longer be drawn one at a time.
/// Omits: nucleus (top-p) sampling, beam search, and a key-value cache (each new token reruns
/// the whole context, at most n_ctx tokens).
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "chapters/15_language_model/sampling.hpp"
#include "chapters/16_transformer/gpt.hpp"

namespace gpt {

// [top_k]
/// \brief Keep the k largest logits, \f$-\infty\f$ for the rest (k = 0 or k >= V: unchanged).
/// Ties at the k-th value are all kept.
inline arma::fvec top_k(arma::fvec z, arma::uword k) {
  if (k == 0 || k >= z.n_elem) return z;
  arma::fvec sorted = arma::sort(z, "descend");
  const float kth = sorted[k - 1];
  for (auto& v : z)
    if (v < kth) v = -std::numeric_limits<float>::infinity();
  return z;
}
// [top_k]

// [next_logits]
/// \brief The GPT as chapter 15's NextLogits: `<s>` and the poem so far (its last n_ctx ids)
/// in, the last position's logits out, top-k applied.
inline lm::NextLogits next_logits(Gpt<float>& model, arma::uword k) {
  return [&model, k](const std::vector<lm::Token>& history) {
    std::vector<lm::Token> seq{lm::Vocabulary::kBoundary};
    seq.insert(seq.end(), history.begin(), history.end());
    const std::size_t n_ctx = model.shape().n_ctx;
    const std::size_t first = seq.size() > n_ctx ? seq.size() - n_ctx : 0;
    arma::umat ids(seq.size() - first, 1);
    for (std::size_t t = first; t < seq.size(); ++t) ids(t - first, 0) = seq[t];
    const arma::fmat& Z = model.forward(ids);  // (V x T): the last column predicts what follows
    return top_k(arma::fvec(Z.col(Z.n_cols - 1)), k);
  };
}
// [next_logits]

}  // namespace gpt
