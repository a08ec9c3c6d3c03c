/// \file
/// \brief Chapter 17: the same adaptations on real models, on paper. From a model's shapes the
/// code counts its parameters, what each way of fine-tuning trains, the memory for weights,
/// gradients and optimizer, and the size of what is saved.
///
/// Two families: GPT-2 (Radford et al. 2019: fused c_attn, biases, learned positions, a tied
/// head, MLP 4d) and LLaMA (Touvron et al. 2023: separate q, k, v, o without biases, rotary
/// positions with no table, RMSNorm, a gated MLP of width d_ff, an untied head). The course's
/// model is a GPT-2 too, so the same function counts it, and a test holds that count equal to
/// the parameters of the real thing.
///
/// Memory, the usual accounting for mixed-precision AdamW (Rajbhandari et al. 2020, ZeRO): a
/// trained number costs 16 bytes (bf16 weight and gradient, 2 + 2; float32 master weight and
/// two moments, 4 + 4 + 4), a frozen one 2 (its bf16 weight). Adapters are saved in bf16.
/// Omits: activations (they depend on batch and sequence length, and are the same for every
/// method here), quantized bases (QLoRA), and optimizer-state sharding.
#pragma once

#include <string>
#include <vector>

namespace ft {

// [shapes]
/// The shapes that decide a decoder-only transformer's parameter count.
struct TransformerShape {
  std::string name;         ///< "GPT-2 (124M)", ...
  double V = 0, n_ctx = 0;  ///< vocabulary; positions in the table (0: rotary, no table)
  double d = 0, L = 0;      ///< channels, blocks
  double d_ff = 0;          ///< MLP width
  bool llama = false;       ///< LLaMA's layout (else GPT-2's)
};

/// One linear layer of a block: n_out x n_in weights, a bias or not.
struct Linear {
  std::string name;  ///< GPT-2's or LLaMA's module name
  double n_in = 0, n_out = 0;
  bool bias = false;
  bool attention = false;  ///< one of the projections to queries, keys and values
};

/// \brief A block's linear layers: GPT-2's c_attn (d -> 3d), c_proj, c_fc (d -> d_ff),
/// mlp.c_proj; or LLaMA's q, k, v, o (d -> d), gate and up (d -> d_ff), down (d_ff -> d).
inline std::vector<Linear> block_linears(const TransformerShape& s) {
  if (s.llama)
    return {{"q_proj", s.d, s.d, false, true},        {"k_proj", s.d, s.d, false, true},
            {"v_proj", s.d, s.d, false, true},        {"o_proj", s.d, s.d, false, false},
            {"gate_proj", s.d, s.d_ff, false, false}, {"up_proj", s.d, s.d_ff, false, false},
            {"down_proj", s.d_ff, s.d, false, false}};
  return {{"attn.c_attn", s.d, 3 * s.d, true, true},
          {"attn.c_proj", s.d, s.d, true, false},
          {"mlp.c_fc", s.d, s.d_ff, true, false},
          {"mlp.c_proj", s.d_ff, s.d, true, false}};
}

/// \brief Every parameter: embeddings (and position table), blocks (linears, two norms), the
/// final norm, and an untied head (LLaMA). GPT-2's norms have a gain and a bias, RMSNorm a gain.
inline double total_params(const TransformerShape& s) {
  double block = (s.llama ? 2 : 4) * s.d;  // ln_1, ln_2 (or the two RMSNorms)
  for (const Linear& l : block_linears(s)) block += l.n_in * l.n_out + (l.bias ? l.n_out : 0);
  const double embeddings = s.V * s.d * (s.llama ? 2 : 1) + s.n_ctx * s.d;  // + head if untied
  return embeddings + s.L * block + (s.llama ? 1 : 2) * s.d;
}
// [shapes]

// [lora_cost]
/// What one way of fine-tuning costs on one model.
struct FineTuneCost {
  std::string model, method;  ///< e.g. "GPT-2 (124M)", "LoRA r 8 attention"
  double trainable = 0;       ///< numbers the optimizer updates
  double share = 0;           ///< trainable / all
  double memory_bytes = 0;    ///< weights + gradients + AdamW: 16 per trained, 2 per frozen
  double saved_bytes = 0;     ///< what must be kept per task: the trained numbers in bf16
};

/// \brief LoRA of rank r: r (n_in + n_out) per adapted layer, on the attention's q, k, v
/// projections (`every_linear` false) or on every linear layer of every block.
inline double lora_trainable(const TransformerShape& s, double r, bool every_linear) {
  double per_block = 0;
  for (const Linear& l : block_linears(s))
    if (every_linear || l.attention) per_block += r * (l.n_in + l.n_out);
  return s.L * per_block;
}

/// \brief Full fine-tuning, and LoRA at each rank on the attention and on every linear layer.
inline std::vector<FineTuneCost> fine_tune_costs(const TransformerShape& s,
                                                 const std::vector<double>& ranks) {
  const double all = total_params(s);
  auto cost = [&](const std::string& method, double trained) {
    return FineTuneCost{
        s.name, method, trained, trained / all, 16 * trained + 2 * (all - trained), 2 * trained};
  };
  std::vector<FineTuneCost> costs{cost("full fine-tuning", all)};
  for (bool every : {false, true})
    for (double r : ranks)
      costs.push_back(
          cost("LoRA r " + std::to_string(int(r)) + (every ? " all linear" : " attention"),
               lora_trainable(s, r, every)));
  return costs;
}
// [lora_cost]

/// \brief The shapes the lesson uses: GPT-2 small (124M) and LLaMA 2 7B.
inline std::vector<TransformerShape> real_models() {
  return {{"GPT-2 (124M)", 50257, 1024, 768, 12, 3072, false},
          {"LLaMA-2 7B", 32000, 0, 4096, 32, 11008, true}};
}

}  // namespace ft
