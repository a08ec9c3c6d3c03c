/// \file
/// \brief Chapter 07: softmax and cross-entropy, fused into one numerically stable loss.
///
/// The network's last layer outputs raw scores (logits) Z; this loss turns them into
/// probabilities with the softmax and measures them with cross-entropy. Fused, the gradient is
/// simply \f$ (P - Y)/m \f$, and computing through log-sum-exp keeps every number finite for
/// logits of any size. Omits: label smoothing and class weights.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "chapters/06_mlp/loss.hpp"
#include "common/error.hpp"

namespace mlp {

// [softmax]
/// \brief \f$ \log \sum_k e^{z_k} \f$ of one column, computed as
/// \f$ z_{max} + \log \sum_k e^{z_k - z_{max}} \f$ (log-sum-exp).
///
/// Subtracting the maximum changes nothing mathematically but keeps \f$ e^{(\cdot)} \le 1 \f$:
/// no overflow for logits of 1000, and the largest term is exactly 1, so the sum is at least 1
/// and its logarithm is finite. \param z K logits
template <class T>
T log_sum_exp(const T* z, arma::uword K) {
  T z_max = z[0];
  for (arma::uword k = 1; k < K; ++k) z_max = std::max(z_max, z[k]);
  T sum = 0;
  for (arma::uword k = 0; k < K; ++k) sum += std::exp(z[k] - z_max);
  return z_max + std::log(sum);
}

/// \brief Column-wise softmax, \f$ p_k = e^{z_k} / \sum_i e^{z_i}
/// = e^{z_k - z_{max}} / \sum_i e^{z_i - z_{max}} \f$.
///
/// The shifted form never overflows, and dividing by the shifted sum keeps each \f$ p_k \f$
/// accurate to a few units in the last place. (Writing \f$ p_k = e^{z_k - \text{lse}(z)} \f$
/// is equal on paper but loses digits for large logits: \f$ \text{lse} \approx 1001.1 \f$ is
/// stored with an absolute error near \f$ 10^{-13} \f$ in double and \f$ 6 \cdot 10^{-5} \f$
/// in float, and that error lands in every \f$ p_k \f$.)
/// \param Z (K x m) logits  \param P (K x m) output probabilities; each column sums to 1
template <class T>
void softmax(const arma::Mat<T>& Z, arma::Mat<T>& P) {
  P.set_size(Z.n_rows, Z.n_cols);
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    const T* z = Z.colptr(j);
    T* p = P.colptr(j);
    const T z_max = *std::max_element(z, z + Z.n_rows);
    T sum = 0;
    for (arma::uword k = 0; k < Z.n_rows; ++k) {
      p[k] = std::exp(z[k] - z_max);  // e^{z_k - z_max}, at most 1: no overflow
      sum += p[k];
    }
    for (arma::uword k = 0; k < Z.n_rows; ++k) p[k] /= sum;  // p_k = e^{z_k - z_max} / sum
  }
}
// [softmax]

// [cross_entropy]
/// \brief Softmax + cross-entropy on logits:
/// \f[ L = -\frac{1}{m}\sum_i \sum_k y_{ki} \log p_{ki}, \qquad
///     \log p_{ki} = z_{ki} - \max_j z_{ji} - \log \sum_{k'} e^{z_{k'i} - \max_j z_{ji}} \f]
/// (log-sum-exp: never \f$\log 0\f$), and \f$ \partial L / \partial Z = (P - Y)/m \f$.
template <class T>
class SoftmaxCrossEntropy : public Loss<T> {
 public:
  using Mat = arma::Mat<T>;
  /// \param Z (K x m) logits (no activation after the last Dense)  \param Y (K x m) one-hot or
  /// probability targets (each column sums to 1)
  /// \return the batch's mean cross-entropy (accumulated in double)
  T forward(const Mat& Z, const Mat& Y) override {
    if (Z.n_rows != Y.n_rows || Z.n_cols != Y.n_cols)
      throw course::Error("softmax + cross-entropy: logits are " + std::to_string(Z.n_rows) +
                          " x " + std::to_string(Z.n_cols) + ", targets " +
                          std::to_string(Y.n_rows) + " x " + std::to_string(Y.n_cols));
    P_.set_size(Z.n_rows, Z.n_cols);
    double L = 0;
    for (arma::uword j = 0; j < Z.n_cols; ++j) {
      const T* z = Z.colptr(j);
      T* p = P_.colptr(j);
      const T z_max = *std::max_element(z, z + Z.n_rows);
      T sum = 0;
      for (arma::uword k = 0; k < Z.n_rows; ++k) {
        p[k] = std::exp(z[k] - z_max);  // e^{z_k - z_max}, at most 1: no overflow
        sum += p[k];
      }
      const T log_sum = std::log(sum);  // log sum_k e^{z_k - z_max}, in [0, log K]
      for (arma::uword k = 0; k < Z.n_rows; ++k) {
        const T log_p = (z[k] - z_max) - log_sum;           // log p_k, finite for any logits
        p[k] /= sum;                                        // p_k (softmax)
        if (Y(k, j) != T(0)) L -= Y(k, j) * double(log_p);  // - y_k log p_k
      }
    }
    const T m = static_cast<T>(Z.n_cols);
    dZ_ = (P_ - Y) / m;  // dL/dZ = (P - Y) / m
    return static_cast<T>(L / m);
  }
  const Mat& backward() override { return dZ_; }
  /// \brief The probabilities of the last forward(): (K x m).
  const Mat& probabilities() const { return P_; }
  std::string describe() const override { return "softmax + cross-entropy"; }

 private:
  Mat P_, dZ_;
};
// [cross_entropy]

}  // namespace mlp
