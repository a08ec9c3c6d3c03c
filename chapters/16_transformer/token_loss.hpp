/// \file
/// \brief Chapter 16: the language-model loss of a whole batch of positions, softmax and
/// cross-entropy fused as llm.c fuses them, with targets given as ids instead of one-hot columns.
///
/// \f[ L = -\frac1N \sum_{j=1}^{N} \log \frac{e^{z_{y_j j}}}{\sum_k e^{z_{kj}}}, \qquad
///     \frac{\partial L}{\partial Z} = \frac{P - Y}{N}, \f]
/// chapter 07's result, with Y one-hot. With V = 5,061 and N = 1,024 positions a one-hot Y
/// would be 20 MB of zeros; here the target id subtracts 1 from one entry of each column.
/// Omits: label smoothing, ignored positions (every position of a batch counts).
#pragma once

#include <armadillo>
#include <cmath>

#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/error.hpp"

namespace gpt {

// Dimension legend:  V vocabulary,  N positions (columns).

// [token_loss]
/// \brief Mean cross-entropy of logits against target ids, and its gradient.
template <class T>
struct TokenCrossEntropy {
  using Mat = arma::Mat<T>;
  Mat dZ;  ///< (V x N) dL/dZ of the last forward(), (P - Y) / N

  /// \param Z (V x N) logits \param targets (N) ids (any container indexable by j)
  /// \return L, the mean of -log p(target) over the N columns
  template <class Targets>
  T forward(const Mat& Z, const Targets& targets) {
    const arma::uword V = Z.n_rows, N = Z.n_cols;
    dZ.set_size(V, N);
    double total = 0;
    for (arma::uword j = 0; j < N; ++j) {
      const T* z = Z.colptr(j);
      T* g = dZ.colptr(j);
      const arma::uword y = targets[j];
      if (y >= V)
        throw course::Error("loss: target id " + std::to_string(y) +
                            " is not below V = " + std::to_string(V));
      T z_max = z[0];
      for (arma::uword k = 1; k < V; ++k) z_max = std::max(z_max, z[k]);
      T sum = 0;
      for (arma::uword k = 0; k < V; ++k) sum += (g[k] = std::exp(z[k] - z_max));
      total += double(std::log(sum) + z_max - z[y]);  // -log p_y = lse(z) - z_y
      const T scale = T(1) / (sum * T(N));
      for (arma::uword k = 0; k < V; ++k) g[k] *= scale;  // p_k / N
      g[y] -= T(1) / T(N);                                // (p - y) / N
    }
    return static_cast<T>(total / double(N));
  }
};
// [token_loss]

}  // namespace gpt
