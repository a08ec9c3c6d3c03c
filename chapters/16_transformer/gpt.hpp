/// \file
/// \brief Chapter 16: the GPT model (Radford et al. 2018, 2019) at any size: token and learned
/// position embeddings, a stack of blocks, a final layer norm, and an output layer tied to the
/// token embedding (the same matrix reads tokens in and writes logits out).
///
/// \f[ X_0 = C_{:,w_t} + P_{:,t}, \quad X_l = \text{Block}_l(X_{l-1}), \quad
///     Z = C^T\, \text{LN}_f(X_L). \f]
/// The embeddings are chapter 15's Embedding (position t is just another id), the blocks
/// block.hpp's. Names follow GPT-2's checkpoints: wte, wpe, h.N..., ln_f.
/// Omits: dropout, a separate (untied) output matrix, a KV cache, and mixed precision.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "chapters/15_language_model/embedding.hpp"
#include "chapters/16_transformer/block.hpp"

namespace gpt {

// Dimension legend:  V vocabulary,  n_ctx longest sequence,  d channels,  L blocks,
//   NH heads,  B sequences,  T tokens per sequence,  N = B*T.

/// The sizes of a model.
struct GptShape {
  arma::uword V = 0;        ///< vocabulary size
  arma::uword n_ctx = 0;    ///< longest sequence (rows of wpe)
  arma::uword d = 0;        ///< channels (d_model)
  arma::uword n_layer = 0;  ///< blocks
  arma::uword n_head = 0;   ///< heads per attention (divides d)
};

/// \brief Check a shape's sizes, one error naming the flag-like field and the expectation.
inline void check_shape(const GptShape& s) {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw course::UsageError("GPT shape: " + what);
  };
  need(s.V >= 2, "V (vocabulary) must be at least 2, got " + std::to_string(s.V));
  need(s.n_ctx >= 1, "n_ctx must be at least 1");
  need(s.d >= 2, "d_model must be at least 2, got " + std::to_string(s.d));
  need(s.n_layer >= 1, "n_layer must be at least 1");
  need(s.n_head >= 1 && s.d % s.n_head == 0,
       "--heads " + std::to_string(s.n_head) + " must divide --d-model " + std::to_string(s.d));
}

// [gpt]
/// \brief A GPT: ids (T x B) in, logits (V x B*T) out; backward fills every gradient.
template <class T>
class Gpt {
 public:
  using Mat = arma::Mat<T>;

  lm::Embedding<T> wte;     ///< C (d x V): token t's vector is column t; also the output layer
  lm::Embedding<T> wpe;     ///< P (d x n_ctx): position t's vector is column t
  std::vector<Block<T>> h;  ///< the L blocks
  mlp::LayerNorm<T> ln_f;   ///< the final layer norm

  /// \brief GPT-2's initialization: weights N(0, 0.02), the two projections that write into the
  /// residual stream (attn.c_proj, mlp.c_proj) N(0, 0.02 / sqrt(2L)), biases 0, norms 1 and 0.
  Gpt(const GptShape& s, course::Rng& rng)
      : wte((check_shape(s), s.V), s.d, rng), wpe(s.n_ctx, s.d, rng), ln_f(s.d), shape_(s) {
    for (arma::uword l = 0; l < s.n_layer; ++l) h.emplace_back(s.d, s.n_head, rng);
    const double std_proj = 0.02 / std::sqrt(2.0 * double(s.n_layer));
    for (auto& p : params()) {
      const bool proj = p.name.find("c_proj.weight") != std::string::npos;
      if (p.value->n_cols == 1 && p.is_bias)
        p.value->zeros();              // biases
      else if (p.value->n_cols > 1) {  // matrices
        course::fill_normal(*p.value, rng);
        *p.value *= T(proj ? std_proj : 0.02);
      }
    }
  }

  const GptShape& shape() const { return shape_; }
  /// \brief \f$X_f = \text{LN}_f(X_L)\f$ of the last forward(): (d x N), what the head reads.
  const Mat& features() const { return *Xf_; }

  /// \brief Chapter 17 trains only part of a pretrained model: with the embeddings frozen,
  /// backward() leaves dC and dP alone and skips their three products (the head's dC, both
  /// scatter-adds): the head's share is the largest matrix product of a step.
  bool frozen_embeddings = false;

  /// \brief Logits of every position of every sequence.
  /// \param ids (T x B) token ids, column b a sequence, T <= n_ctx; kept until backward()
  /// \return Z (V x B*T), column b*T + t predicts the token after ids(t, b)
  const Mat& forward(const arma::umat& ids) {
    const Mat& Xf = body(ids);
    Z_ = wte.C.t() * Xf;  // Z = C^T LN_f(X_L)           (V x N), the tied head
    return Z_;
  }

  /// \brief Everything but the head: \f$X_f = \text{LN}_f(X_L)\f$ (d x B*T), the features the
  /// head reads (chapter 17 trains a head of its own on them).
  const Mat& body(const arma::umat& ids) {
    const arma::uword T_ = ids.n_rows, N = ids.n_elem;
    if (T_ == 0 || T_ > shape_.n_ctx)
      throw course::Error("GPT: sequences of " + std::to_string(T_) + " tokens; this model reads " +
                          "1 to n_ctx = " + std::to_string(shape_.n_ctx));
    tokens_.set_size(1, N);  // the ids as one row, and each one's position
    positions_.set_size(1, N);
    for (arma::uword j = 0; j < N; ++j) {
      tokens_[j] = ids[j];
      positions_[j] = j % T_;
    }
    X0_ = wte.forward(tokens_);  // X0 = C[:, w] + P[:, t]     (d x N)
    X0_ += wpe.forward(positions_);
    const Mat* X = &X0_;
    for (auto& block : h) {
      block.attn().set_sequence_length(T_);
      X = &block.forward(*X);  // X_l = Block_l(X_{l-1})      (d x N)
    }
    Xf_ = &ln_f.forward(*X);
    return *Xf_;
  }

  /// \brief Back-propagate dL/dZ (V x N) into every parameter's gradient.
  void backward(const Mat& dZ) {
    // In the forward pass Z = C^T Xf, so now dXf = C dZ and C's head share is Xf dZ^T.
    dXf_ = wte.C * dZ;  // (d x N)
    const Mat* dX = &ln_f.backward(dXf_);
    for (std::size_t l = h.size(); l-- > 0;) dX = &h[l].backward(*dX, !frozen_embeddings || l > 0);
    if (frozen_embeddings) return;
    dC_head_ = *Xf_ * dZ.t();  // (d x V)
    // X0 = C[:, w] + P[:, t]: the same dX0 scatter-adds into both tables.
    wte.backward(*dX);   // dC = the embedding's share (zeroed first)
    wte.dC += dC_head_;  //    + the head's share: the sum of both uses
    wpe.backward(*dX);
  }

  /// \brief Every parameter, GPT-2's names: wte.weight, wpe.weight, h.N.ln_1.weight ...,
  /// ln_f.weight, ln_f.bias. wte.weight is there once: the head has no matrix of its own.
  std::vector<mlp::Param<T>> params() {
    std::vector<mlp::Param<T>> all = wte.params("wte.");
    for (auto& p : wpe.params("wpe.")) all.push_back(p);
    for (std::size_t l = 0; l < h.size(); ++l)
      for (auto& p : h[l].params("h." + std::to_string(l) + ".")) all.push_back(p);
    for (auto& p : ln_f.params("ln_f.")) all.push_back(p);
    return all;
  }

  /// \brief Trainable numbers: \f$Vd + n_{ctx}d + L(12d^2 + 13d) + 2d\f$.
  arma::uword n_params() {
    arma::uword n = 0;
    for (auto& p : params()) n += p.value->n_elem;
    return n;
  }

  void set_training(bool training) {
    for (auto& block : h) block.set_training(training);
  }

 private:
  GptShape shape_;
  arma::umat tokens_, positions_;  // (1 x N) each
  Mat X0_;                         // (d x N) embeddings' sum
  const Mat* Xf_ = nullptr;        // (d x N) LN_f output
  Mat Z_;                          // (V x N) logits
  Mat dXf_;                        // (d x N)
  Mat dC_head_;                    // (d x V) the head's share of dC
};
// [gpt]

}  // namespace gpt
