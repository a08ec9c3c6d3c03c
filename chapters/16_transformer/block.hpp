/// \file
/// \brief Chapter 16: the GPT-2 block, two pre-norm residual halves:
/// \f$ X \leftarrow X + \text{Attn}(\text{LN}_1(X)) \f$, then
/// \f$ X \leftarrow X + W_2\,\text{GELU}(W_1\,\text{LN}_2(X) + b_1) + b_2 \f$.
///
/// Nothing new is computed here: the first half is chapter 14's Residual around a Sequential of
/// chapter 14's LayerNorm and this chapter's attention; the second half is chapter 14's
/// PreNormBlock (hidden size 4d, GELU). The block only gives the parts GPT-2's names.
/// Omits: dropout (GPT-2 pretrains with 0.1; these runs are too short to overfit much), and
/// the post-norm arrangement of the original transformer.
#pragma once

#include <memory>
#include <string>

#include "chapters/14_going_deep/layer_norm.hpp"
#include "chapters/14_going_deep/pre_norm_block.hpp"
#include "chapters/14_going_deep/residual.hpp"
#include "chapters/16_transformer/attention.hpp"

namespace gpt {

// Dimension legend:  d channels,  N = B*T columns (tokens of the batch).

// [block]
/// \brief One transformer block, (d x N) -> (d x N). Parameter names follow GPT-2:
/// ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj (each .weight and .bias).
template <class T>
class Block : public mlp::Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  /// \param d channels \param n_head heads \param rng draws the Dense weights
  Block(arma::uword d, arma::uword n_head, course::Rng& rng)
      : attn_half_(attention_branch(d, n_head, rng)), mlp_half_(d, 4 * d, rng) {}

  const Mat& forward(const Mat& X) override {
    return mlp_half_.forward(attn_half_.forward(X));  // X + Attn(LN1 X), then + MLP(LN2 .)
  }
  const Mat& backward(const Mat& dY, bool need_dX = true) override {
    // In the forward pass Y = M(A(X)), so now the MLP half first, then the attention half.
    return attn_half_.backward(mlp_half_.backward(dY), need_dX);
  }

  mlp::LayerNorm<T>& ln_1() { return static_cast<mlp::LayerNorm<T>&>(attn_half_.F().layer(0)); }
  CausalSelfAttention<T>& attn() {
    return static_cast<CausalSelfAttention<T>&>(attn_half_.F().layer(1));
  }
  mlp::LayerNorm<T>& ln_2() { return static_cast<mlp::LayerNorm<T>&>(mlp_half_.F().layer(0)); }
  /// \brief mlp.c_fc, \f$W_1\f$ (4d x d), as the Layer the block calls (Dense, or LoRA in ch 17).
  mlp::Layer<T>& c_fc() { return mlp_half_.F().layer(1); }
  /// \brief mlp.c_proj, \f$W_2\f$ (d x 4d).
  mlp::Layer<T>& mlp_c_proj() { return mlp_half_.F().layer(3); }
  /// \brief The attention half (a Residual) and the MLP half (a PreNormBlock), for chapter 17,
  /// which rebuilds their inner Sequentials with LoRA layers.
  mlp::Residual<T>& attention_half() { return attn_half_; }
  mlp::PreNormBlock<T>& mlp_half() { return mlp_half_; }

  std::vector<mlp::Param<T>> params(const std::string& prefix) override {
    std::vector<mlp::Param<T>> all;
    auto take = [&](mlp::Layer<T>& layer, const std::string& name) {
      for (auto& p : layer.params(prefix + name)) all.push_back(p);
    };
    take(ln_1(), "ln_1.");
    take(attn(), "attn.");
    take(ln_2(), "ln_2.");
    take(c_fc(), "mlp.c_fc.");
    take(mlp_c_proj(), "mlp.c_proj.");
    return all;
  }

  void set_training(bool training) override {
    mlp::Layer<T>::set_training(training);
    attn_half_.set_training(training);
    mlp_half_.set_training(training);
  }

  std::string kind() const override { return "Block"; }
  std::unique_ptr<mlp::Layer<T>> clone() const override { return std::make_unique<Block>(*this); }

 private:
  static mlp::Sequential<T> attention_branch(arma::uword d, arma::uword n_head, course::Rng& rng) {
    mlp::Sequential<T> F;
    F.template add<mlp::LayerNorm<T>>(d);                    // LN1(X)               (d x N)
    F.template add<CausalSelfAttention<T>>(d, n_head, rng);  // Attn(LN1(X))         (d x N)
    return F;
  }

  mlp::Residual<T> attn_half_;     // X + Attn(LN1(X))
  mlp::PreNormBlock<T> mlp_half_;  // . + W2 GELU(W1 LN2(.) + b1) + b2
};
// [block]

}  // namespace gpt
