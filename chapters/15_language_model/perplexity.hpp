/// \file
/// \brief Chapter 15: perplexity, the measure of a language model,
/// \f[ \text{PPL} = \exp\Big(-\frac{1}{N}\sum_{t=1}^{N} \log p(w_t \mid \text{context}_t)\Big), \f]
/// the exponential of the mean cross-entropy per predicted token. A model that spreads its
/// probability evenly over K tokens has perplexity K: perplexity is the number of equally
/// likely characters the model is, on average, choosing between.
///
/// Any model can be measured: it only has to give \f$\log p\f$ of each token that occurred
/// (counted n-grams add them one by one, networks add a batch of logits at once).
/// Sums run in double. Omits: bits per character (divide the mean by \f$\log 2\f$).
#pragma once

#include <armadillo>
#include <cmath>
#include <cstddef>

#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/error.hpp"

namespace lm {

// [perplexity]
/// \brief Running sum of \f$-\log p\f$ over predicted tokens.
struct NegLogLikelihood {
  double sum = 0;          ///< \f$-\sum_t \log p(w_t \mid \cdot)\f$, in nats
  std::size_t tokens = 0;  ///< N, the number of predictions added

  /// \brief Add one prediction: the natural log of the probability the model gave the token
  /// that occurred.
  void add(double log_p) {
    sum -= log_p;
    ++tokens;
  }
  /// \brief Mean cross-entropy per token, \f$-\frac{1}{N}\sum_t \log p\f$ (nats).
  double mean() const {
    if (tokens == 0) throw course::Error("perplexity: no predictions were added");
    return sum / double(tokens);
  }
  /// \brief \f$\exp\f$ of the mean: the perplexity.
  double perplexity() const { return std::exp(mean()); }
};

/// \brief Add a batch of predictions made as logits:
/// \f$\log p_t = z_{w_t} - \log\sum_k e^{z_k}\f$ per column (chapter 07's log-sum-exp, so no
/// logit can overflow).
/// \param Z (V x m) logits, one column per prediction; \param targets (m) the tokens that occurred
template <class T, class Targets>
void add_logits(NegLogLikelihood& nll, const arma::Mat<T>& Z, const Targets& targets) {
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    const T* z = Z.colptr(j);
    const double lse = static_cast<double>(mlp::log_sum_exp(z, Z.n_rows));
    nll.add(static_cast<double>(z[targets[j]]) - lse);  // log p = z_w - lse(z)
  }
}
// [perplexity]

}  // namespace lm
