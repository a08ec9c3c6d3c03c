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
#include <string>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"

namespace mlp {

// Dimension legend:  n features (rows),  m examples in the batch (columns).

/// \brief Layer normalization of every column, with a gain \f$\gamma\f$ and a bias \f$\beta\f$:
/// \f[ \mu_j = \frac1n \sum_i x_{ij}, \quad \sigma_j^2 = \frac1n \sum_i (x_{ij} - \mu_j)^2, \quad
///     \hat x_{ij} = \frac{x_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \epsilon}}, \quad
///     y_{ij} = \gamma_i \hat x_{ij} + \beta_i. \f]
/// Backward, for \f$ g_{ij} = \gamma_i\, \partial L/\partial y_{ij} \f$ and
/// \f$ s_j = 1/\sqrt{\sigma_j^2 + \epsilon} \f$:
/// \f[ \frac{\partial L}{\partial x_{ij}} = s_j \Big( g_{ij} - \frac1n \sum_k g_{kj}
///       - \hat x_{ij}\, \frac1n \sum_k g_{kj} \hat x_{kj} \Big), \quad
///     \frac{\partial L}{\partial \gamma_i} = \sum_j \frac{\partial L}{\partial y_{ij}} \hat x_{ij},
///     \quad \frac{\partial L}{\partial \beta_i} = \sum_j \frac{\partial L}{\partial y_{ij}}. \f]
/// The variance divides by n (the paper's and PyTorch's choice); \f$\epsilon = 10^{-5}\f$ as in
/// PyTorch's `nn.LayerNorm` keeps a constant column finite (its \f$\hat x\f$ is 0).
template <class T>
class LayerNorm : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  Mat gamma;   ///< (n x 1) gain, starts at 1 (PyTorch's `weight`)
  Mat beta;    ///< (n x 1) bias, starts at 0 (PyTorch's `bias`)
  Mat dgamma;  ///< (n x 1) dL/dgamma
  Mat dbeta;   ///< (n x 1) dL/dbeta
  const T eps; ///< \f$\epsilon\f$, added to the variance

  /// \param n features per example \param eps_ added to the variance before the square root
  explicit LayerNorm(arma::uword n, double eps_ = 1e-5)
      : gamma(n, 1, arma::fill::ones), beta(n, 1, arma::fill::zeros),
        dgamma(n, 1, arma::fill::zeros), dbeta(n, 1, arma::fill::zeros), eps(static_cast<T>(eps_)) {
    if (n < 2) throw course::UsageError("LayerNorm needs at least 2 features, got " + std::to_string(n));
  }

  arma::uword n() const { return gamma.n_rows; }

  // [layernorm_forward]
  const Mat& forward(const Mat& X) override {
    if (X.n_rows != n())
      throw course::Error(describe() + ": expected an input with " + std::to_string(n()) +
                          " rows (features), got " + std::to_string(X.n_rows) + " x " +
                          std::to_string(X.n_cols));
    X_ = &X;                                 // kept for backward, with mean and rstd
    Y_.set_size(X.n_rows, X.n_cols);         // (n x m)
    mean_.set_size(1, X.n_cols);             // (1 x m) mu_j
    rstd_.set_size(1, X.n_cols);             // (1 x m) s_j = 1 / sqrt(sigma_j^2 + eps)
    const arma::uword n_ = n();
    for (arma::uword j = 0; j < X.n_cols; ++j) {
      const T* x = X.colptr(j);
      T* y = Y_.colptr(j);
      T mu = 0;
      for (arma::uword i = 0; i < n_; ++i) mu += x[i];
      mu /= T(n_);                                         // mu = (1/n) sum_i x_i
      T var = 0;
      for (arma::uword i = 0; i < n_; ++i) var += (x[i] - mu) * (x[i] - mu);
      var /= T(n_);                                        // sigma^2 = (1/n) sum_i (x_i - mu)^2
      const T s = T(1) / std::sqrt(var + eps);             // s = 1 / sqrt(sigma^2 + eps)
      for (arma::uword i = 0; i < n_; ++i)
        y[i] = gamma[i] * ((x[i] - mu) * s) + beta[i];     // y = gamma xhat + beta
      mean_[j] = mu;
      rstd_[j] = s;
    }
    return Y_;
  }
  // [layernorm_forward]

  // [layernorm_backward]
  const Mat& backward(const Mat& dY, bool need_dX = true) override {
    // In the forward pass y = gamma xhat + beta with xhat = (x - mu) s, so now, per column:
    dgamma.zeros();
    dbeta.zeros();
    if (need_dX) dX_.set_size(dY.n_rows, dY.n_cols);
    const arma::uword n_ = n();
    for (arma::uword j = 0; j < dY.n_cols; ++j) {
      const T* x = X_->colptr(j);
      const T* dy = dY.colptr(j);
      const T mu = mean_[j], s = rstd_[j];
      // Two reductions first: mean(g) and mean(g xhat), with g = gamma dy = dL/dxhat.
      T g_mean = 0, g_xhat_mean = 0;
      for (arma::uword i = 0; i < n_; ++i) {
        const T xhat = (x[i] - mu) * s;  // recomputed, as llm.c does: cheaper than storing it
        const T g = gamma[i] * dy[i];
        g_mean += g;
        g_xhat_mean += g * xhat;
      }
      g_mean /= T(n_);
      g_xhat_mean /= T(n_);
      for (arma::uword i = 0; i < n_; ++i) {
        const T xhat = (x[i] - mu) * s;
        dbeta[i] += dy[i];          // dL/dbeta  = sum over the batch of dy
        dgamma[i] += dy[i] * xhat;  // dL/dgamma = sum over the batch of dy xhat
        if (need_dX)                // dL/dx = s (g - mean(g) - xhat mean(g xhat))
          dX_(i, j) = s * (gamma[i] * dy[i] - g_mean - xhat * g_xhat_mean);
      }
    }
    return dX_;
  }
  // [layernorm_backward]

  /// \brief The gain and the bias, named as PyTorch's `nn.LayerNorm` names them.
  std::vector<Param<T>> params(const std::string& prefix) override {
    return {{prefix + "weight", &gamma, &dgamma}, {prefix + "bias", &beta, &dbeta}};
  }

  /// \brief \f$\mu_j\f$ of every column of the last forward(): (1 x m).
  const Mat& mean() const { return mean_; }
  /// \brief \f$s_j = 1/\sqrt{\sigma_j^2 + \epsilon}\f$ of every column of the last forward(): (1 x m).
  const Mat& rstd() const { return rstd_; }

  std::string describe() const override { return "LayerNorm(" + std::to_string(n()) + ")"; }

 private:
  const Mat* X_ = nullptr;  // the input of the last forward()
  Mat Y_;                   // (n x m) output buffer
  Mat mean_, rstd_;         // (1 x m) each, kept for backward
  Mat dX_;                  // (n x m) input-gradient buffer
};

}  // namespace mlp
