/// \file
/// \brief Chapter 08: Nielsen's cross-entropy cost for sigmoid output units (network2.py's
/// `CrossEntropyCost`), fused with the sigmoid and computed from the logits.
///
/// Chapter 08 needs it only to reproduce Nielsen's vanishing-gradient measurements, which use
/// ten independent sigmoid outputs, not a softmax. Omits: class weights, label smoothing.
#pragma once

#include <cmath>

#include "chapters/06_mlp/loss.hpp"

namespace mlp {

// [sigmoid_cross_entropy]
/// \brief Sigmoid + binary cross-entropy on every output unit, averaged over the batch:
/// \f[ L = \frac{1}{m}\sum_i \sum_k \left[ -y_{ki} \log \sigma(z_{ki})
///       - (1 - y_{ki}) \log\left(1 - \sigma(z_{ki})\right) \right]
///     = \frac{1}{m}\sum_i \sum_k \left[ \mathrm{softplus}(z_{ki}) - y_{ki} z_{ki} \right], \f]
/// with \f$\mathrm{softplus}(z) = \log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})\f$ (finite
/// for any z), and \f$ \partial L / \partial Z = (\sigma(Z) - Y)/m \f$: Nielsen's
/// \f$\delta^L = a - y\f$, averaged over the batch.
template <class T>
class SigmoidCrossEntropy : public Loss<T> {
 public:
  using Mat = arma::Mat<T>;
  /// \param Z (K x m) logits (the last Dense, no activation)  \param Y (K x m) targets in [0, 1]
  T forward(const Mat& Z, const Mat& Y) override {
    A_.set_size(Z.n_rows, Z.n_cols);
    double L = 0;
    for (arma::uword i = 0; i < Z.n_elem; ++i) {
      const T z = Z[i];
      const T softplus = std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)));  // log(1 + e^z)
      L += softplus - Y[i] * z;              // -y log a - (1 - y) log(1 - a)
      A_[i] = T(1) / (T(1) + std::exp(-z));  // a = sigma(z)
    }
    const T m = static_cast<T>(Z.n_cols);
    dZ_ = (A_ - Y) / m;  // dL/dZ = (A - Y) / m
    return static_cast<T>(L / m);
  }
  const Mat& backward() override { return dZ_; }
  /// \brief The sigmoid outputs \f$ \sigma(Z) \f$ of the last forward(): (K x m).
  const Mat& outputs() const { return A_; }
  std::string describe() const override { return "sigmoid + cross-entropy"; }

 private:
  Mat A_, dZ_;
};
// [sigmoid_cross_entropy]

}  // namespace mlp
