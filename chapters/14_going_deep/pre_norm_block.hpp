/// \file
/// \brief Chapter 14: the pre-norm residual MLP block, \f$ A_{out} = A_{in} + W_2\,
/// \text{GELU}(W_1\, \text{LN}(A_{in}) + b_1) + b_2 \f$, the feed-forward half of a GPT-2 block.
///
/// Layer normalization sits at the start of the branch F, not on the skip path: the skip stays
/// an exact identity from the network's input to its output ("pre-norm", Xiong et al. 2020;
/// GPT-2 moved the norm there from the original transformer's "post-norm" place, after the
/// addition). The block is a Residual whose F is a Sequential of chapter 06's Dense and this
/// chapter's LayerNorm and GELU, so its backward is theirs, chained; nothing new is computed here.
/// Omits: attention (the other half of a transformer block, chapter 16), dropout, and the final
/// layer norm a pre-norm stack needs before its head (the network builder adds that one).
#pragma once

#include <memory>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/14_going_deep/gelu.hpp"
#include "chapters/14_going_deep/layer_norm.hpp"
#include "chapters/14_going_deep/residual.hpp"
#include "common/random.hpp"

namespace mlp {

// Dimension legend:  n features of the residual stream,  h hidden units of the MLP,  m examples.

// [pre_norm_block]
/// \brief \f$ A_{out} = A_{in} + F(A_{in}),\quad F = \text{Dense}(h \to n) \circ \text{Act} \circ
/// \text{Dense}(n \to h) \circ \text{LN} \f$, with Act = GELU unless another activation layer
/// is named (e.g. `PreNormBlock<float, ReLU>` to measure what GELU adds).
///
/// F's layers are indexed 0 (LayerNorm), 1 (Dense, \f$W_1\f$: h x n), 2 (activation),
/// 3 (Dense, \f$W_2\f$: n x h); parameters are named "<prefix>f.1.weight" and so on.
template <class T, template <class> class Act = GELU>
class PreNormBlock : public Residual<T> {
 public:
  /// \param n features of the stream (in and out) \param h hidden units
  /// \param rng draws the Dense layers' initial weights (chapter 06's N(0, 1); an initializer
  ///            from chapter 08 usually redraws them)
  PreNormBlock(arma::uword n, arma::uword h, course::Rng& rng) : Residual<T>(branch(n, h, rng)) {}

  std::string kind() const override { return "PreNormBlock"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<PreNormBlock>(*this); }

  /// \brief The first layer of the branch, \f$W_1\f$ (h x n).
  Dense<T>& fc1() { return static_cast<Dense<T>&>(this->F().layer(1)); }
  /// \brief The last layer of the branch, \f$W_2\f$ (n x h): its output is added to the stream.
  Dense<T>& fc2() { return static_cast<Dense<T>&>(this->F().layer(3)); }

 private:
  static Sequential<T> branch(arma::uword n, arma::uword h, course::Rng& rng) {
    Sequential<T> F;
    F.template add<LayerNorm<T>>(n);      // LN(A_in)                 (n x m)
    F.template add<Dense<T>>(n, h, rng);  // W1 LN(A_in) + b1         (h x m)
    F.template add<Act<T>>();             // GELU(...)                (h x m)
    F.template add<Dense<T>>(h, n, rng);  // W2 GELU(...) + b2        (n x m)
    return F;
  }
};
// [pre_norm_block]

}  // namespace mlp
