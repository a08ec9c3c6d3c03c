/// \file
/// \brief Chapter 14: layer normalization (Ba, Kiros and Hinton 2016): each example's features
/// shifted to mean 0 and scaled to variance 1, then given a learned gain and bias.
///
/// Samples are columns, so "each example" is each column: the statistics are taken over the n
/// rows of one column, never across the batch. The layer therefore does the same thing in
/// training and evaluation, for a batch of 1 or of 1,000, which is why transformers use it rather
/// than batch normalization. Forward and backward are written as llm.c writes `layernorm_forward`
/// and `layernorm_backward`: one loop per column, mean and 1/std kept from the forward pass, the
/// normalized value recomputed in backward.
/// Omits: batch normalization (Ioffe and Szegedy 2015, statistics over the batch, with running
/// averages for evaluation), RMSNorm (Zhang and Sennrich 2019, no mean subtraction), and
/// normalizing over anything but the features of one example.
#pragma once

#include <cmath>
#include <memory>
#include <string>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"

namespace mlp {

// Dimension legend:  n features (rows, index j),  m examples in the batch (columns, index i).

/// \brief Layer normalization of every column (example i), over its n features j:
/// \f[ \mu_i = \frac1n \sum_j x_{ji}, \quad \sigma_i^2 = \frac1n \sum_j (x_{ji} - \mu_i)^2, \quad
///     \hat x_{ji} = \frac{x_{ji} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}}, \quad
///     a_{ji} = \gamma_j \hat x_{ji} + \beta_j. \f]
/// Backward, for \f$ g_{ji} = \gamma_j\, \partial L/\partial a_{ji} \f$ and
/// \f$ s_i = 1/\sqrt{\sigma_i^2 + \epsilon} \f$:
/// \f[ \frac{\partial L}{\partial x_{ji}} = s_i \Big( g_{ji} - \frac1n \sum_k g_{ki}
///       - \hat x_{ji}\, \frac1n \sum_k g_{ki} \hat x_{ki} \Big), \quad
///     \frac{\partial L}{\partial \gamma_j} = \sum_i \frac{\partial L}{\partial a_{ji}}
///       \hat x_{ji}, \quad
///     \frac{\partial L}{\partial \beta_j} = \sum_i \frac{\partial L}{\partial a_{ji}}. \f]
/// The variance divides by n (the paper's and PyTorch's choice); \f$\epsilon = 10^{-5}\f$ as in
/// PyTorch's `nn.LayerNorm` keeps a constant column finite (its \f$\hat x\f$ is 0).
template <class T>
class LayerNorm : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  Mat gamma;    ///< (n x 1) gain, starts at 1 (PyTorch's `weight`)
  Mat beta;     ///< (n x 1) bias, starts at 0 (PyTorch's `bias`)
  Mat dgamma;   ///< (n x 1) dL/dgamma
  Mat dbeta;    ///< (n x 1) dL/dbeta
  const T eps;  ///< \f$\epsilon\f$, added to the variance

  /// \param n features per example \param eps_ added to the variance before the square root
  explicit LayerNorm(arma::uword n, double eps_ = 1e-5)
      : gamma(n, 1, arma::fill::ones),
        beta(n, 1, arma::fill::zeros),
        dgamma(n, 1, arma::fill::zeros),
        dbeta(n, 1, arma::fill::zeros),
        eps(static_cast<T>(eps_)) {
    if (n < 2)
      throw course::UsageError("LayerNorm needs at least 2 features, got " + std::to_string(n));
  }

  arma::uword n() const { return gamma.n_rows; }

  // [layernorm_forward]
  const Mat& forward(const Mat& X) override {
    if (X.n_rows != n())
      throw course::Error(describe() + ": expected an input with " + std::to_string(n()) +
                          " rows (features), got " + std::to_string(X.n_rows) + " x " +
                          std::to_string(X.n_cols));
    X_ = &X;                          // kept for backward, with mean and rstd
    A_.set_size(X.n_rows, X.n_cols);  // (n x m)
    mean_.set_size(1, X.n_cols);      // (1 x m) mu_i
    rstd_.set_size(1, X.n_cols);      // (1 x m) s_i = 1 / sqrt(sigma_i^2 + eps)
    const arma::uword n_ = n();
    for (arma::uword i = 0; i < X.n_cols; ++i) {  // example i: one column, contiguous
      const T* x = X.colptr(i);
      T* a = A_.colptr(i);
      T mu = 0;
      for (arma::uword j = 0; j < n_; ++j) mu += x[j];
      mu /= T(n_);  // mu = (1/n) sum_j x_j
      T var = 0;
      for (arma::uword j = 0; j < n_; ++j) var += (x[j] - mu) * (x[j] - mu);
      var /= T(n_);                             // sigma^2 = (1/n) sum_j (x_j - mu)^2
      const T s = T(1) / std::sqrt(var + eps);  // s = 1 / sqrt(sigma^2 + eps)
      for (arma::uword j = 0; j < n_; ++j)
        a[j] = gamma[j] * ((x[j] - mu) * s) + beta[j];  // a = gamma xhat + beta
      mean_[i] = mu;
      rstd_[i] = s;
    }
    return A_;
  }
  // [layernorm_forward]

  // [layernorm_backward]
  const Mat& backward(const Mat& dA, bool need_dX = true) override {
    // In the forward pass a = gamma xhat + beta with xhat = (x - mu) s, so now, per example:
    dgamma.zeros();
    dbeta.zeros();
    if (need_dX) dX_.set_size(dA.n_rows, dA.n_cols);
    const arma::uword n_ = n();
    for (arma::uword i = 0; i < dA.n_cols; ++i) {
      const T* x = X_->colptr(i);
      const T* da = dA.colptr(i);
      const T mu = mean_[i], s = rstd_[i];
      // Two reductions first: mean(g) and mean(g xhat), with g = gamma da = dL/dxhat.
      T g_mean = 0, g_xhat_mean = 0;
      for (arma::uword j = 0; j < n_; ++j) {
        const T xhat = (x[j] - mu) * s;  // recomputed, as llm.c does: cheaper than storing it
        const T g = gamma[j] * da[j];
        g_mean += g;
        g_xhat_mean += g * xhat;
      }
      g_mean /= T(n_);
      g_xhat_mean /= T(n_);
      for (arma::uword j = 0; j < n_; ++j) {
        const T xhat = (x[j] - mu) * s;
        dbeta[j] += da[j];          // dL/dbeta  = sum over the batch of da
        dgamma[j] += da[j] * xhat;  // dL/dgamma = sum over the batch of da xhat
        if (need_dX)                // dL/dx = s (g - mean(g) - xhat mean(g xhat))
          dX_(j, i) = s * (gamma[j] * da[j] - g_mean - xhat * g_xhat_mean);
      }
    }
    return dX_;
  }
  // [layernorm_backward]

  /// \brief The gain and the bias, named as PyTorch's `nn.LayerNorm` names them; the bias is
  /// additive (`is_bias`), the gain is not.
  std::vector<Param<T>> params(const std::string& prefix) override {
    return {{prefix + "weight", &gamma, &dgamma, false}, {prefix + "bias", &beta, &dbeta, true}};
  }

  /// \brief \f$\mu_i\f$ of every column of the last forward(): (1 x m).
  const Mat& mean() const { return mean_; }
  /// \brief \f$s_i = 1/\sqrt{\sigma_i^2 + \epsilon}\f$ of every column of the last forward(): (1 x
  /// m).
  const Mat& rstd() const { return rstd_; }

  std::string kind() const override { return "LayerNorm"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<LayerNorm>(*this); }
  std::string describe() const override { return "LayerNorm(" + std::to_string(n()) + ")"; }

 private:
  const Mat* X_ = nullptr;  // the input of the last forward()
  Mat A_;                   // (n x m) output buffer
  Mat mean_, rstd_;         // (1 x m) each, kept for backward
  Mat dX_;                  // (n x m) input-gradient buffer
};

}  // namespace mlp
