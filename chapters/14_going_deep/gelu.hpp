/// \file
/// \brief Chapter 14: the GELU activation (Hendrycks and Gimpel 2016), \f$ z\,\Phi(z) \f$, in its
/// exact form with the Gaussian error function.
///
/// GELU weighs its input by the probability that a standard normal variable is below it: large
/// positive inputs pass almost unchanged (like ReLU), large negative ones are almost zeroed, and
/// in between the curve is smooth, with a small dip below zero (minimum -0.17 at z = -0.75).
/// It is the activation of BERT and GPT-2, so of the blocks chapters 16-17 build.
/// Omits on purpose: the tanh approximation
/// \f$ \tfrac12 z (1 + \tanh(\sqrt{2/\pi}(z + 0.044715 z^3))) \f$ of the paper (and of GPT-2 and
/// llm.c). It was a speed trick; `std::erf` is exact, fast enough here, and its derivative needs
/// no second approximation. The two differ by at most 4.7e-4 (at z = -2.70), so weights trained
/// with one work with the other. Also omits: SiLU/Swish \f$ z\,\sigma(z) \f$, its sigmoid cousin.
#pragma once

#include <cmath>
#include <memory>

#include "chapters/06_mlp/layer.hpp"

namespace mlp {

// Dimension legend:  n units,  m examples in the batch.

// [gelu]
/// \brief GELU and its derivative (the product rule, with \f$\Phi' = \varphi\f$):
/// \f[ \text{GELU}(z) = z\,\Phi(z), \quad
///     \Phi(z) = \tfrac12\left(1 + \operatorname{erf}(z/\sqrt2)\right), \f]
/// \f[ \text{GELU}'(z) = \Phi(z) + z\,\varphi(z), \quad \varphi(z) = e^{-z^2/2}/\sqrt{2\pi}. \f]
///
/// Forward keeps \f$\Phi(Z)\f$ (n x m) and a reference to Z, so backward computes no second erf.
template <class T>
class GELU : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  const Mat& forward(const Mat& Z) override {
    Z_ = &Z;
    Phi_.set_size(Z.n_rows, Z.n_cols);  // buffers keep their memory from batch to batch
    A_.set_size(Z.n_rows, Z.n_cols);
    const T* z = Z.memptr();
    T* Phi = Phi_.memptr();
    T* A = A_.memptr();
    const T inv_sqrt2 = T(1) / std::sqrt(T(2));
    for (arma::uword i = 0; i < Z.n_elem; ++i) {
      Phi[i] = T(0.5) * (T(1) + std::erf(z[i] * inv_sqrt2));  // Phi(z) = (1 + erf(z / sqrt 2)) / 2
      A[i] = z[i] * Phi[i];                                   // A = z Phi(z)
    }
    return A_;
  }

  const Mat& backward(const Mat& dA, bool need_dZ = true) override {
    (void)need_dZ;
    // In the forward pass A = z Phi(z), so now dL/dz = dL/dA (Phi(z) + z phi(z)).
    dZ_.set_size(dA.n_rows, dA.n_cols);
    const T* z = Z_->memptr();
    const T* Phi = Phi_.memptr();
    const T* g = dA.memptr();
    T* out = dZ_.memptr();
    const T inv_sqrt_2pi = T(1) / std::sqrt(T(2) * T(M_PI));
    for (arma::uword i = 0; i < dA.n_elem; ++i) {
      const T phi = inv_sqrt_2pi * std::exp(T(-0.5) * z[i] * z[i]);  // phi(z), the normal density
      out[i] = g[i] * (Phi[i] + z[i] * phi);                         // dL/dz = dL/dA GELU'(z)
    }
    return dZ_;
  }

  std::string kind() const override { return "GELU"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<GELU>(*this); }

 private:
  const Mat* Z_ = nullptr;  // the input of the last forward()
  Mat Phi_;                 // (n x m) Phi(Z), kept for backward
  Mat A_;                   // (n x m) output buffer
  Mat dZ_;                  // (n x m) input-gradient buffer
};
// [gelu]

}  // namespace mlp
