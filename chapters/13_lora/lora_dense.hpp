/// \file
/// \brief Chapter 13: the LoRA layer (Hu et al. 2021), a frozen Dense layer plus a trainable
/// low-rank update, \f$ Z = W_0 X + b_0 + \frac{\alpha}{r} B A X \f$.
///
/// The pretrained weights \f$W_0\f$, \f$b_0\f$ stay exactly as they were: they are not among
/// the layer's params(), so no optimizer ever sees them. Only \f$A\f$ (r x n_in) and \f$B\f$
/// (n_out x r) are trained, \f$r (n_{in} + n_{out})\f$ numbers instead of
/// \f$n_{out} n_{in}\f$. \f$B\f$ starts at zero, so at initialization the layer computes
/// exactly what the pretrained one did. After training, merge() folds the update into one
/// ordinary weight matrix, and inference costs what it cost before.
/// Omits: dropout on the LoRA path (the paper's code has it, off by default), rank-stabilized
/// scaling (rsLoRA's \f$\alpha/\sqrt{r}\f$), DoRA's magnitude vector, and LoRA on anything but a
/// Dense layer.
#pragma once

#include <cmath>
#include <string>
#include <utility>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

namespace detail {
/// A number in the fewest characters that keep 6 decimals: 8 -> "8", 0.5 -> "0.5".
inline std::string compact(double value) {
  std::string s = std::to_string(value);  // "8.000000"
  s.erase(s.find_last_not_of('0') + 1);   // "8."
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
}  // namespace detail

// Dimension legend:  n_in inputs,  n_out units,  r the rank,  m examples in the batch.

/// \brief A Dense layer whose pretrained weights are frozen, plus a trainable rank-r update:
/// \f[ Z = W_0 X + b_0 + s\, B (A X), \qquad s = \frac{\alpha}{r}, \f]
/// \f$W_0: (n_{out} \times n_{in})\f$ and \f$b_0: (n_{out} \times 1)\f$ frozen,
/// \f$A: (r \times n_{in})\f$, \f$B: (n_{out} \times r)\f$ trained. Backward, for
/// \f$\delta = \partial L/\partial Z\f$ (n_out x m):
/// \f[ \frac{\partial L}{\partial B} = s\, \delta (A X)^T, \quad
///     \frac{\partial L}{\partial A} = s\, (B^T \delta) X^T, \quad
///     \frac{\partial L}{\partial X} = W_0^T \delta + s\, A^T (B^T \delta). \f]
/// Nothing is computed for \f$W_0\f$ or \f$b_0\f$: that is the saving.
template <class T>
class LoRADense : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  Mat A;   ///< (r x n_in) down-projection, random at the start
  Mat B;   ///< (n_out x r) up-projection, zero at the start
  Mat dA;  ///< (r x n_in) dL/dA
  Mat dB;  ///< (n_out x r) dL/dB

  // [lora_init]
  /// \brief Wrap a (pretrained) Dense layer; its W and b become the frozen \f$W_0\f$, \f$b_0\f$.
  ///
  /// \f$A\f$ is drawn as in the paper's reference code (loralib, and Hugging Face's PEFT):
  /// PyTorch's `kaiming_uniform_(A, a=sqrt(5))`, whose gain \f$\sqrt{2/(1 + a^2)} = \sqrt{1/3}\f$
  /// makes the bound \f$\sqrt{1/3} \cdot \sqrt{3/n_{in}} = 1/\sqrt{n_{in}}\f$:
  /// \f[ A_{jk} \sim U\!\left(-\frac{1}{\sqrt{n_{in}}}, \frac{1}{\sqrt{n_{in}}}\right), \qquad B =
  /// 0. \f] \param base the pretrained layer (copied in; the copy is never changed) \param r the
  /// rank, 1 <= r <= min(n_in, n_out) \param alpha the scale numerator: the update is multiplied by
  /// \f$\alpha / r\f$ \param rng draws A
  LoRADense(Dense<T> base, arma::uword r, double alpha, course::Rng& rng)
      : A(r, base.n_in()),
        B(base.n_out(), r, arma::fill::zeros),
        dA(r, base.n_in(), arma::fill::zeros),
        dB(base.n_out(), r, arma::fill::zeros),
        base_(std::move(base)),
        r_(r),
        alpha_(alpha),
        scale_(static_cast<T>(alpha / double(r))) {
    if (r == 0 || r > std::min(base_.n_in(), base_.n_out()))
      throw course::UsageError("LoRA rank r = " + std::to_string(r) + " for " + base_.describe() +
                               ": must be between 1 and min(n_in, n_out) = " +
                               std::to_string(std::min(base_.n_in(), base_.n_out())));
    if (!(alpha > 0))
      throw course::UsageError("LoRA alpha must be > 0, got " + std::to_string(alpha));
    const double bound = 1.0 / std::sqrt(double(base_.n_in()));
    course::fill_uniform(A, rng, -bound, bound);  // A ~ U(-1/sqrt(n_in), 1/sqrt(n_in))
  }
  // [lora_init]

  /// \brief The frozen pretrained weights \f$W_0\f$ (n_out x n_in).
  const Mat& W0() const { return base_.W; }
  /// \brief The frozen pretrained biases \f$b_0\f$ (n_out x 1).
  const Mat& b0() const { return base_.b; }
  arma::uword n_in() const { return base_.n_in(); }
  arma::uword n_out() const { return base_.n_out(); }
  /// \brief The rank r.
  arma::uword rank() const { return r_; }
  /// \brief \f$\alpha\f$, as given.
  double alpha() const { return alpha_; }
  /// \brief \f$s = \alpha / r\f$, the factor on the update.
  T scale() const { return scale_; }

  // [lora_forward]
  const Mat& forward(const Mat& X) override {
    if (X.n_rows != n_in())
      throw course::Error(describe() + ": expected an input with " + std::to_string(n_in()) +
                          " rows (features), got " + std::to_string(X.n_rows) + " x " +
                          std::to_string(X.n_cols));
    X_ = &X;                   // kept for backward: dA = s (B^T delta) X^T
    AX_ = A * X;               // A X                       (r x m), kept for dB
    Z_ = base_.W * X;          // Z = W0 X                  (n_out x m)
    Z_.each_col() += base_.b;  //   + b0, to every column
    Z_ += scale_ * B * AX_;    //   + s B (A X)
    return Z_;
  }
  // [lora_forward]

  // [lora_backward]
  const Mat& backward(const Mat& delta, bool need_dX = true) override {
    // In the forward pass Z = W0 X + b0 + s B (A X), so now, with delta = dL/dZ (n_out x m):
    dB = scale_ * delta * AX_.t();     // dL/dB = s delta (A X)^T          (n_out x r)
    BtDelta_ = B.t() * delta;          // B^T delta                        (r x m)
    dA = scale_ * BtDelta_ * X_->t();  // dL/dA = s (B^T delta) X^T        (r x n_in)
    if (need_dX) {
      dX_ = base_.W.t() * delta;         // dL/dX = W0^T delta               (n_in x m)
      dX_ += scale_ * A.t() * BtDelta_;  //       + s A^T (B^T delta)
    }
    return dX_;  // no dL/dW0, no dL/db0: frozen
  }
  // [lora_backward]

  /// \brief Only A and B, named as Hugging Face's PEFT names them ("0.lora_A.weight" of shape
  /// [r, in], "0.lora_B.weight" of shape [out, r]); \f$W_0\f$ and \f$b_0\f$ are not handed out.
  std::vector<Param<T>> params(const std::string& prefix) override {
    return {{prefix + "lora_A.weight", &A, &dA}, {prefix + "lora_B.weight", &B, &dB}};
  }

  // [merge]
  /// \brief The merged weights \f$W = W_0 + \frac{\alpha}{r} B A\f$ (n_out x n_in): one matrix
  /// that computes what the layer computes.
  Mat merged_W() const { return base_.W + scale_ * (B * A); }

  /// \brief An ordinary Dense layer with \f$W = W_0 + \frac{\alpha}{r} B A\f$ and \f$b = b_0\f$:
  /// the same outputs (up to rounding), at the cost of the original layer.
  Dense<T> merge() const {
    Dense<T> merged = base_;
    merged.W = merged_W();
    return merged;
  }
  // [merge]

  /// \brief Number of trainable numbers, \f$r (n_{in} + n_{out})\f$.
  arma::uword n_trainable() const { return A.n_elem + B.n_elem; }

  std::string kind() const override { return "LoRADense"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<LoRADense>(*this); }

  std::string describe() const override {
    return "LoRADense(" + std::to_string(n_in()) + " -> " + std::to_string(n_out()) +
           ", r = " + std::to_string(r_) + ", alpha = " + detail::compact(alpha_) + ")";
  }

 private:
  Dense<T> base_;  // the frozen pretrained layer: W0 = base_.W, b0 = base_.b
  arma::uword r_;
  double alpha_;
  T scale_;                 // s = alpha / r
  const Mat* X_ = nullptr;  // the input of the last forward()
  Mat AX_;                  // (r x m) A X, reused
  Mat Z_;                   // (n_out x m) output buffer, reused
  Mat BtDelta_;             // (r x m) B^T delta, reused
  Mat dX_;                  // (n_in x m) input-gradient buffer, reused
};

}  // namespace mlp
