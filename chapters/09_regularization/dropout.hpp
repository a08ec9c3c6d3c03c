/// \file
/// \brief Chapter 09: inverted dropout (Srivastava, Hinton et al. 2014), a layer that zeroes each
/// of its inputs with probability p during training and is the identity in evaluation mode.
///
/// "Inverted": the kept units are scaled by \f$1/(1-p)\f$ while training, so the expected output
/// equals the input and nothing changes at test time (the paper instead scales the weights by the
/// keep probability after training; both give the same expectations).
/// Omits: DropConnect (dropping weights), spatial dropout for convolutions, and max-norm
/// constraints, which the paper pairs with dropout.
#pragma once

#include <string>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

// [dropout]
/// \brief Inverted dropout with drop probability p.
///
/// Training: a fresh mask per batch, one draw per entry,
/// \f[ M_{ij} = \begin{cases} 0 & \text{with probability } p \\ \frac{1}{1-p} & \text{otherwise}
///     \end{cases}, \qquad A_{out} = M \odot A_{in}, \qquad
///     \frac{\partial L}{\partial A_{in}} = M \odot \frac{\partial L}{\partial A_{out}}, \f]
/// so \f$ E[A_{out}] = (1-p) \cdot \frac{A_{in}}{1-p} = A_{in} \f$.
/// Evaluation: \f$ A_{out} = A_{in} \f$.
/// (Srivastava et al. write p for the probability of *keeping* a unit; here, as in PyTorch's
/// `nn.Dropout(p)`, p is the probability of dropping it.)
template <class T>
class Dropout : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  /// \param p_ drop probability in [0, 1)
  /// \param rng the generator the masks are drawn from (kept by reference: it must outlive the
  ///            layer; the run's seed then fixes every mask)
  Dropout(double p_, course::Rng& rng) : p(p_), rng_(rng) {
    if (!(p >= 0 && p < 1))
      throw course::UsageError("dropout probability must be in [0, 1), got " + std::to_string(p));
  }

  const Mat& forward(const Mat& A_in) override {
    masked_ = this->training_ && p > 0;
    if (!masked_) return A_in;  // evaluation (or p = 0): the identity
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    mask_.set_size(A_in.n_rows, A_in.n_cols);  // allocated on the first batch, then reused
    T* M = mask_.memptr();
    for (arma::uword i = 0; i < mask_.n_elem; ++i)
      M[i] = course::uniform01(rng_) < p ? T(0) : keep_scale;  // M = 0 w.p. p, else 1/(1-p)
    A_ = A_in % mask_;                                         // A_out = M . A_in
    return A_;
  }

  const Mat& backward(const Mat& dA_out, bool need_dA_in = true) override {
    if (!masked_) return dA_out;              // the identity's gradient
    if (need_dA_in) dA_in_ = dA_out % mask_;  // dL/dA_in = M . dL/dA_out (the forward's mask)
    return dA_in_;
  }

  /// \brief The mask of the last training forward(): (n x m), entries 0 or 1/(1-p).
  const Mat& mask() const { return mask_; }

  std::string kind() const override { return "Dropout"; }
  std::string describe() const override {
    return "Dropout(p = " + std::to_string(p).substr(0, 4) + ")";
  }
  /// A copy draws its masks from the same generator.
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Dropout>(*this); }

  const double p;  ///< drop probability

 private:
  course::Rng& rng_;
  bool masked_ = false;  // did the last forward() apply a mask?
  Mat mask_;             // (n x m) M, reused from batch to batch
  Mat A_;                // (n x m) output buffer
  Mat dA_in_;            // (n x m) input-gradient buffer
};
// [dropout]

}  // namespace mlp
