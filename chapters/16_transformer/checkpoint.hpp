/// \file
/// \brief Chapter 16: GPT checkpoints in safetensors with GPT-2's tensor names and layouts,
/// the vocabulary in the metadata, so one file is everything chapter 17 needs.
///
/// GPT-2's checkpoints keep their linear layers as `Conv1D` modules whose weight is
/// (n_in x n_out), applied as \f$y = xW + b\f$ to a row x; the course's Dense holds
/// \f$W\f$ as (n_out x n_in) and computes \f$Z = WX + b\f$ on columns. The two are transposes,
/// and Armadillo stores a matrix column by column: the bytes of our (n_out x n_in) W, read row
/// by row as an (n_in x n_out) tensor, are exactly GPT-2's Conv1D weight. So a Dense weight is
/// written as its memory with shape [n_in, n_out] and read back the same way, with no transpose
/// at all; likewise the embeddings: our C (d x V) is GPT-2's wte (V x d). (Chapter 11 writes
/// PyTorch's `nn.Linear` layout [n_out, n_in] instead, and transposes.)
///
/// The vocabulary is stored in the metadata ("vocabulary": the characters of ids 2, 3, ... in
/// order; "vocabulary_counts": their training counts), not in a sidecar file, so a checkpoint
/// cannot be separated from the ids it was trained on.
/// Omits: the optimizer's state (a checkpoint to resume training would need AdamW's moments),
/// GPT-2's BPE tokenizer, and loading the real GPT-2's weights (its 50,257-token vocabulary and
/// 1,024 positions would fit the format, but the course has no reason to ship 500 MB).
#pragma once

#include <memory>
#include <string>

#include "chapters/11_pretraining/safetensors.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "chapters/16_transformer/gpt.hpp"

namespace gpt {

// [gpt2_layout]
/// \brief A parameter's shape in a GPT-2 checkpoint: a column (n x 1: bias, norm) is [n]; an
/// (r x c) matrix is [c, r], its column-major memory read row by row (Conv1D's n_in x n_out for
/// a Dense weight, V x d for wte, n_ctx x d for wpe).
inline std::vector<std::uint64_t> gpt2_shape(const arma::fmat& M) {
  if (M.n_cols == 1) return {M.n_rows};
  return {M.n_cols, M.n_rows};
}

/// \brief Every parameter as a float32 tensor under its GPT-2 name (no transposes: see above).
safetensors::Tensors gpt2_tensors(Gpt<float>& model);

/// \brief Copy tensors named `prefix + <GPT-2 name>` into the model's parameters. Each must
/// exist with gpt2_shape(); an Error names `source`, the tensor and both shapes. Tensors with
/// other names are ignored here (load_checkpoint rejects them).
void load_gpt2_tensors(Gpt<float>& model, const safetensors::Tensors& tensors,
                       const std::string& source, const std::string& prefix = "");
// [gpt2_layout]

/// A model with the vocabulary it reads.
struct Checkpoint {
  std::unique_ptr<Gpt<float>> model;  ///< sizes from the metadata, weights from the tensors
  std::unique_ptr<lm::Vocabulary> vocabulary;  ///< ids exactly as in training
  safetensors::Metadata metadata;              ///< the file's __metadata__
};

/// \brief Save model and vocabulary, atomically (chapter 11's writer). Metadata: "format"
/// "gpt2", the sizes ("n_vocab", "n_ctx", "n_embd", "n_layer", "n_head", GPT-2's config names),
/// the vocabulary and the course version, plus `extra`.
void save_checkpoint(const std::string& path, Gpt<float>& model, const lm::Vocabulary& vocabulary,
                     safetensors::Metadata extra = {});

/// \brief Load a checkpoint strictly: the sizes must be positive integers, the vocabulary must
/// have n_vocab ids, every parameter must have its tensor and every tensor a parameter; anything
/// else is one Error naming the file and the field.
Checkpoint load_checkpoint(const std::string& path);

/// \brief The checkpoint this chapter ships (absolute path, set by CMake), chapter 17's start.
std::string shipped_checkpoint();
/// \brief How the lessons name it: "chapters/16_transformer/pretrained/tang_gpt.safetensors".
std::string shipped_checkpoint_name();

}  // namespace gpt
