/// \file
/// \brief Chapter 06: activation layers, applied element by element: sigmoid, tanh, ReLU.
///
/// Each keeps what its derivative needs from the forward pass (sigmoid and tanh their output,
/// ReLU its input) and multiplies the incoming gradient by that derivative.
/// Omits: parametric activations (PReLU), GELU and friends.
#pragma once

#include <cmath>

#include "chapters/06_mlp/layer.hpp"

namespace mlp {

// [sigmoid]
/// \brief \f$ \sigma(z) = 1 / (1 + e^{-z}) \f$, with \f$ \sigma'(z) = \sigma(z)(1 - \sigma(z)) \f$.
template <class T>
class Sigmoid : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;
  const Mat& forward(const Mat& Z) override {
    A_ = T(1) / (T(1) + arma::exp(-Z));  // A = sigma(Z)
    return A_;
  }
  const Mat& backward(const Mat& dA, bool need_dZ = true) override {
    (void)need_dZ;
    dZ_ = dA % A_ % (T(1) - A_);  // dL/dZ = dL/dA . sigma(Z)(1 - sigma(Z))
    return dZ_;
  }
  std::string kind() const override { return "Sigmoid"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Sigmoid>(*this); }

 private:
  Mat A_, dZ_;
};
// [sigmoid]

/// \brief \f$ \tanh(z) \f$, with \f$ \tanh'(z) = 1 - \tanh^2(z) \f$.
template <class T>
class Tanh : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;
  const Mat& forward(const Mat& Z) override {
    A_ = arma::tanh(Z);  // A = tanh(Z)
    return A_;
  }
  const Mat& backward(const Mat& dA, bool need_dZ = true) override {
    (void)need_dZ;
    dZ_ = dA % (T(1) - arma::square(A_));  // dL/dZ = dL/dA . (1 - tanh^2(Z))
    return dZ_;
  }
  std::string kind() const override { return "Tanh"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Tanh>(*this); }

 private:
  Mat A_, dZ_;
};

// [relu]
/// \brief \f$ \text{ReLU}(z) = \max(0, z) \f$, with derivative 1 for z > 0 and 0 otherwise
/// (at the kink z = 0 we take 0, as PyTorch does).
template <class T>
class ReLU : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;
  const Mat& forward(const Mat& Z) override {
    Z_ = &Z;
    A_ = arma::clamp(Z, T(0), std::numeric_limits<T>::max());  // A = max(0, Z)
    return A_;
  }
  const Mat& backward(const Mat& dA, bool need_dZ = true) override {
    (void)need_dZ;
    dZ_.set_size(dA.n_rows, dA.n_cols);
    const T* z = Z_->memptr();
    const T* g = dA.memptr();
    T* out = dZ_.memptr();
    for (arma::uword i = 0; i < dA.n_elem; ++i)
      out[i] = z[i] > T(0) ? g[i] : T(0);  // dL/dZ = dL/dA . 1[Z > 0]
    return dZ_;
  }
  std::string kind() const override { return "ReLU"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<ReLU>(*this); }

 private:
  const Mat* Z_ = nullptr;
  Mat A_, dZ_;
};
// [relu]

}  // namespace mlp
