/// \file
/// \brief Chapter 17: the ways to adapt a pretrained GPT to a new domain. Each is a choice of
/// what training may change; the model and the training step are chapter 16's.
///
/// - full fine-tuning: every parameter;
/// - head only: a new output layer \f$W\f$ (V x d) on the frozen model's features, starting as
///   the tied embedding's transpose (the pretrained head, untied);
/// - LoRA (chapter 13's layer) on the attention's c_attn (\f$W_q, W_k, W_v\f$ in one matrix, as
///   Hugging Face's PEFT targets GPT-2 by default) or on every linear layer of every block
///   (c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj); everything else frozen, embeddings included.
///
/// Omits: adapters (Houlsby et al.), prefix and prompt tuning, BitFit (biases only), LoRA on
/// the embeddings or the head, and training the layer norms beside LoRA (PEFT leaves them
/// frozen too).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chapters/13_lora/lora_dense.hpp"
#include "chapters/13_lora/lora_network.hpp"
#include "chapters/16_transformer/gpt.hpp"
#include "common/error.hpp"

namespace ft {

// Dimension legend:  V vocabulary,  d channels,  r rank,  N = B*T positions.

// [attach_lora]
/// \brief Wrap one projection in chapter 13's LoRADense: its W0, b0 frozen, A and B trained.
template <class T>
std::unique_ptr<mlp::Layer<T>> lora_of(const mlp::Layer<T>& layer, arma::uword r, double alpha,
                                       course::Rng& rng) {
  if (layer.kind() != "Dense")
    throw course::UsageError("LoRA: " + layer.describe() + " is not a Dense layer (LoRA twice?)");
  return std::make_unique<mlp::LoRADense<T>>(static_cast<const mlp::Dense<T>&>(layer), r, alpha,
                                             rng);
}

/// \brief Put LoRA on c_attn of every block (`every_linear`: on all four linear layers of every
/// block) and freeze the rest: the embeddings (Gpt::frozen_embeddings) and, by leaving them out
/// of lora_params(), the layer norms. At the start B = 0, so the model computes what it did.
template <class T>
void attach_lora(gpt::Gpt<T>& model, bool every_linear, arma::uword r, double alpha,
                 course::Rng& rng) {
  for (auto& block : model.h) {
    gpt::CausalSelfAttention<T>& attn = block.attn();
    attn.c_attn = lora_of(*attn.c_attn, r, alpha, rng);  // W_q, W_k, W_v  (3d x d)
    if (!every_linear) continue;
    attn.c_proj = lora_of(*attn.c_proj, r, alpha, rng);  // W_proj         (d x d)
    mlp::Sequential<T>& F = block.mlp_half().F();        // LN, c_fc, GELU, c_proj
    F = mlp::with_lora(F, {1, 3}, r, alpha, rng);        // W_1 (4d x d), W_2 (d x 4d)
  }
  model.frozen_embeddings = true;
}

/// \brief What the optimizer may change after attach_lora(): every lora_A and lora_B.
template <class T>
std::vector<mlp::Param<T>> lora_params(gpt::Gpt<T>& model) {
  std::vector<mlp::Param<T>> trained;
  for (auto& p : model.params())
    if (p.name.find(".lora_") != std::string::npos) trained.push_back(p);
  return trained;
}
// [attach_lora]

/// \brief Fold every LoRA update into its layer, \f$W = W_0 + \frac{\alpha}{r} B A\f$ (chapter
/// 13's merge): the same model, at the cost of the original one.
template <class T>
void merge_lora(gpt::Gpt<T>& model) {
  auto merge = [](std::unique_ptr<mlp::Layer<T>>& layer) {
    if (layer->kind() == "LoRADense")
      layer = std::make_unique<mlp::Dense<T>>(static_cast<mlp::LoRADense<T>&>(*layer).merge());
  };
  for (auto& block : model.h) {
    merge(block.attn().c_attn);
    merge(block.attn().c_proj);
    mlp::Sequential<T>& F = block.mlp_half().F();
    if (F.layer(1).kind() == "LoRADense") F = mlp::merged(F);
  }
}

// [new_head]
/// \brief A GPT whose output layer is its own: \f$Z = W X_f\f$ with \f$X_f\f$ the frozen model's
/// features (Gpt::body). Only \f$W\f$ is trained, so backward stops at the head: nothing flows
/// into the frozen model. Named as Hugging Face names GPT-2's untied head, lm_head.weight.
template <class T>
class HeadOnly {
 public:
  using Mat = arma::Mat<T>;
  Mat W;   ///< (V x d) the head, starting as \f$C^T\f$: the pretrained (tied) head, untied
  Mat dW;  ///< (V x d) dL/dW

  explicit HeadOnly(gpt::Gpt<T>& frozen)
      : W(frozen.wte.C.t()), dW(arma::size(W), arma::fill::zeros), model_(frozen) {}

  /// \brief Logits (V x N) of ids (T x B).
  const Mat& forward(const arma::umat& ids) {
    Xf_ = &model_.body(ids);  // X_f = LN_f(X_L)                   (d x N), frozen
    Z_ = W * *Xf_;            // Z = W X_f                          (V x N)
    return Z_;
  }
  /// \brief In the forward pass Z = W X_f, so dL/dW = dZ X_f^T (V x d); nothing below.
  void backward(const Mat& dZ) { dW = dZ * Xf_->t(); }

  std::vector<mlp::Param<T>> params() { return {{"lm_head.weight", &W, &dW}}; }
  const gpt::GptShape& shape() const { return model_.shape(); }

 private:
  gpt::Gpt<T>& model_;
  const Mat* Xf_ = nullptr;
  Mat Z_;
};
// [new_head]

}  // namespace ft
