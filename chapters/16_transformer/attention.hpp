/// \file
/// \brief Chapter 16: causal multi-head self-attention (Vaswani et al. 2017), as GPT-2 computes
/// it: one projection to queries, keys and values (`c_attn`), scaled dot products masked so that
/// a token sees only itself and the tokens before it, a softmax per query, the weighted sum of
/// the values, and one output projection (`c_proj`).
///
/// Samples are columns: a batch of B sequences of T tokens is a (d x B*T) matrix whose column
/// b*T + t is token t of sequence b. The two projections are chapter 06 Dense layers held
/// behind the Layer interface, so chapter 17 can swap them for chapter 13's LoRA layer. The part
/// in between (`attention_forward` / `attention_backward`) is written as llm.c writes it: plain
/// loops per sequence, head and query, the attention weights kept for backward.
/// Omits: dropout on the weights, a key-value cache for generation (each call recomputes every
/// position), relative or rotary positions, and any fused or flash kernel.
#pragma once

#include <cmath>
#include <memory>
#include <string>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace gpt {

// Dimension legend (llm.c's):  B sequences,  T tokens per sequence,  N = B*T columns,
//   d channels (d_model),  NH heads,  hs = d / NH channels per head.

// [attention_core]
/// \brief The attention core between the projections, forward and backward side by side.
///
/// For each sequence b, head h and query position t, with \f$q_t, k_s, v_s\f$ the head's hs
/// rows of QKV (queries in rows 0..d-1, keys d..2d-1, values 2d..3d-1):
/// \f[ a_{st} = \frac{q_t \cdot k_s}{\sqrt{hs}} \ (s \le t), \qquad
///     P_{st} = \frac{e^{a_{st}}}{\sum_{r \le t} e^{a_{rt}}}, \qquad
///     y_t = \sum_{s \le t} P_{st}\, v_s. \f]
/// \f$P_{st} = 0\f$ for \f$s > t\f$ (the causal mask). Each column t of P is a distribution
/// over the keys: samples are columns here too.
template <class T>
struct AttentionCore {
  using Mat = arma::Mat<T>;
  arma::uword n_head = 1;  ///< NH
  arma::uword seq = 1;     ///< T, tokens per sequence (columns come in groups of T)
  Mat P;            ///< (T x N*NH) weights: column t + T*(h + NH*b) is query t's distribution
  Mat Y;            ///< (d x N) output of forward
  Mat dQKV;         ///< (3d x N) output of backward
  arma::Col<T> dP;  ///< (T) scratch: dL/dP for one query

  /// \param QKV (3d x N) queries, keys, values \return Y (d x N)
  const Mat& forward(const Mat& QKV) {
    const arma::uword d = QKV.n_rows / 3, N = QKV.n_cols, B = N / seq, hs = d / n_head;
    const T scale = T(1) / std::sqrt(T(hs));
    P.zeros(seq, N * n_head);  // set_size + zeros: no allocation once the size is known
    Y.set_size(d, N);
    for (arma::uword b = 0; b < B; ++b)
      for (arma::uword t = 0; t < seq; ++t)
        for (arma::uword h = 0; h < n_head; ++h) {
          const T* q = QKV.colptr(b * seq + t) + h * hs;  // q_t (hs)
          T* p = P.colptr(t + seq * (h + n_head * b));    // P[:, t] (T)
          // a_st = q_t . k_s / sqrt(hs) for s <= t, keeping the maximum for a stable softmax
          T max_a = -std::numeric_limits<T>::infinity();
          for (arma::uword s = 0; s <= t; ++s) {
            const T* k = QKV.colptr(b * seq + s) + d + h * hs;  // k_s (hs)
            T a = 0;
            for (arma::uword i = 0; i < hs; ++i) a += q[i] * k[i];
            p[s] = a * scale;
            max_a = std::max(max_a, p[s]);
          }
          T sum = 0;  // P_st = exp(a_st - max) / sum_r exp(a_rt - max); P_st = 0 for s > t
          for (arma::uword s = 0; s <= t; ++s) sum += (p[s] = std::exp(p[s] - max_a));
          for (arma::uword s = 0; s <= t; ++s) p[s] /= sum;
          T* y = Y.colptr(b * seq + t) + h * hs;  // y_t = sum_s P_st v_s   (hs)
          for (arma::uword i = 0; i < hs; ++i) y[i] = 0;
          for (arma::uword s = 0; s <= t; ++s) {
            const T* v = QKV.colptr(b * seq + s) + 2 * d + h * hs;
            for (arma::uword i = 0; i < hs; ++i) y[i] += p[s] * v[i];
          }
        }
    return Y;
  }

  /// \param QKV (3d x N) the forward's input \param dY (d x N) dL/dY \return dL/dQKV (3d x N)
  const Mat& backward(const Mat& QKV, const Mat& dY) {
    const arma::uword d = QKV.n_rows / 3, N = QKV.n_cols, B = N / seq, hs = d / n_head;
    const T scale = T(1) / std::sqrt(T(hs));
    dQKV.zeros(3 * d, N);
    dP.set_size(seq);
    for (arma::uword b = 0; b < B; ++b)
      for (arma::uword t = 0; t < seq; ++t)
        for (arma::uword h = 0; h < n_head; ++h) {
          const T* p = P.colptr(t + seq * (h + n_head * b));
          const T* dy = dY.colptr(b * seq + t) + h * hs;
          // In the forward pass y_t = sum_s P_st v_s, so now dP_st = v_s . dy_t, dv_s += P_st dy_t.
          for (arma::uword s = 0; s <= t; ++s) {
            const T* v = QKV.colptr(b * seq + s) + 2 * d + h * hs;
            T* dv = dQKV.colptr(b * seq + s) + 2 * d + h * hs;
            T g = 0;
            for (arma::uword i = 0; i < hs; ++i) {
              g += v[i] * dy[i];
              dv[i] += p[s] * dy[i];
            }
            dP[s] = g;
          }
          // P = softmax(a), so da_st = P_st (dP_st - sum_r P_rt dP_rt).
          T pdp = 0;
          for (arma::uword s = 0; s <= t; ++s) pdp += p[s] * dP[s];
          // a_st = q_t . k_s / sqrt(hs), so dq_t += da_st k_s / sqrt(hs), dk_s += da_st q_t / sqrt(hs).
          const T* q = QKV.colptr(b * seq + t) + h * hs;
          T* dq = dQKV.colptr(b * seq + t) + h * hs;
          for (arma::uword s = 0; s <= t; ++s) {
            const T da = p[s] * (dP[s] - pdp) * scale;
            const T* k = QKV.colptr(b * seq + s) + d + h * hs;
            T* dk = dQKV.colptr(b * seq + s) + d + h * hs;
            for (arma::uword i = 0; i < hs; ++i) {
              dq[i] += da * k[i];
              dk[i] += da * q[i];
            }
          }
        }
    return dQKV;
  }
};
// [attention_core]

// [attention]
/// \brief The attention layer: \f$ QKV = W_{attn} X + b_{attn} \f$ (3d x N), the core,
/// \f$ Z = W_{proj} Y + b_{proj} \f$ (d x N). Backward chains the three in reverse.
template <class T>
class CausalSelfAttention : public mlp::Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  std::unique_ptr<mlp::Layer<T>> c_attn;  ///< W_attn (3d x d), b_attn (3d): a Dense (or LoRA)
  std::unique_ptr<mlp::Layer<T>> c_proj;  ///< W_proj (d x d), b_proj (d): a Dense (or LoRA)

  /// \param d channels \param n_head heads (must divide d) \param rng draws the Dense weights
  CausalSelfAttention(arma::uword d, arma::uword n_head, course::Rng& rng)
      : c_attn(std::make_unique<mlp::Dense<T>>(d, 3 * d, rng)),
        c_proj(std::make_unique<mlp::Dense<T>>(d, d, rng)),
        d_(d) {
    if (n_head == 0 || d % n_head != 0)
      throw course::UsageError("attention: " + std::to_string(n_head) +
                               " heads do not divide d_model = " + std::to_string(d));
    core_.n_head = n_head;
  }
  /// A deep copy: the projections cloned.
  CausalSelfAttention(const CausalSelfAttention& o)
      : mlp::Layer<T>(o),
        c_attn(o.c_attn->clone()),
        c_proj(o.c_proj->clone()),
        core_(o.core_),
        d_(o.d_) {}

  /// \brief How the columns group into sequences: T tokens each (set before forward).
  void set_sequence_length(arma::uword T_) { core_.seq = T_; }
  arma::uword n_head() const { return core_.n_head; }
  /// \brief The attention weights of the last forward(): (T x N*NH), see AttentionCore::P.
  const Mat& weights() const { return core_.P; }

  const Mat& forward(const Mat& X) override {
    if (X.n_cols % core_.seq != 0)
      throw course::Error(describe() + ": " + std::to_string(X.n_cols) +
                          " columns are not whole sequences of " + std::to_string(core_.seq));
    const Mat& QKV = c_attn->forward(X);  // QKV = W_attn X + b_attn     (3d x N)
    QKV_ = &QKV;                          // kept for the core's backward
    const Mat& Y = core_.forward(QKV);    // Y = per head: softmax(mask(K^T Q / sqrt hs)) V
    return c_proj->forward(Y);            // Z = W_proj Y + b_proj       (d x N)
  }

  const Mat& backward(const Mat& dZ, bool need_dX = true) override {
    const Mat& dY = c_proj->backward(dZ);         // dW_proj, db_proj; dY = W_proj^T dZ
    const Mat& dQKV = core_.backward(*QKV_, dY);  // through the softmax and the products
    return c_attn->backward(dQKV, need_dX);       // dW_attn, db_attn; dX = W_attn^T dQKV
  }

  std::vector<mlp::Param<T>> params(const std::string& prefix) override {
    auto all = c_attn->params(prefix + "c_attn.");
    for (auto& p : c_proj->params(prefix + "c_proj.")) all.push_back(p);
    return all;
  }

  void set_training(bool training) override {
    mlp::Layer<T>::set_training(training);
    c_attn->set_training(training);
    c_proj->set_training(training);
  }

  std::string kind() const override { return "CausalSelfAttention"; }
  std::unique_ptr<mlp::Layer<T>> clone() const override {
    return std::make_unique<CausalSelfAttention>(*this);
  }
  std::string describe() const override {
    return "CausalSelfAttention(d " + std::to_string(d_) + ", " + std::to_string(core_.n_head) +
           " heads)";
  }

 private:
  AttentionCore<T> core_;
  arma::uword d_;
  const Mat* QKV_ = nullptr;
};
// [attention]

}  // namespace gpt
