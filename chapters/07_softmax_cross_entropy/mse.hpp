/// \file
/// \brief Chapter 07: the mean squared error, the loss for regression, and RMSE, its report.
///
/// For a network that predicts numbers (not classes) the output layer has no activation and the
/// loss is the mean of the squared errors. RMSE, its square root, is in the units of the target,
/// which makes it the number to report. Omits: robust losses (MAE, Huber) and per-output weights.
#pragma once

#include <cmath>
#include <string>

#include "chapters/06_mlp/loss.hpp"
#include "common/error.hpp"

namespace mlp {

// [mse]
/// \brief Mean squared error over every entry of the batch:
/// \f[ L = \frac{1}{K m}\sum_{i=1}^{m}\sum_{k=1}^{K} (a_{ki} - y_{ki})^2, \qquad
///     \frac{\partial L}{\partial A} = \frac{2}{K m}(A - Y). \f]
///
/// This is PyTorch's `MSELoss()` and scikit-learn's `mean_squared_error` (the mean over all
/// entries). Chapter 06's QuadraticCost, \f$ \frac{1}{2m}\sum_i \lVert a_i - y_i\rVert^2 \f$,
/// is the same up to the factor \f$ K/2 \f$, which only rescales the learning rate.
template <class T>
class MeanSquaredError : public Loss<T> {
 public:
  using Mat = arma::Mat<T>;
  /// \param A (K x m) predictions (no activation on the output)  \param Y (K x m) targets
  T forward(const Mat& A, const Mat& Y) override {
    if (A.n_rows != Y.n_rows || A.n_cols != Y.n_cols)
      throw course::Error("mean squared error: predictions are " + std::to_string(A.n_rows) +
                          " x " + std::to_string(A.n_cols) + ", targets " +
                          std::to_string(Y.n_rows) + " x " + std::to_string(Y.n_cols));
    const T n = static_cast<T>(A.n_elem);           // K m entries
    dA_ = A - Y;                                    // the errors A - Y
    const T L = arma::accu(arma::square(dA_)) / n;  // L = mean of the squared errors
    dA_ *= T(2) / n;                                // dL/dA = 2 (A - Y) / (K m)
    return L;
  }
  const Mat& backward() override { return dA_; }
  std::string describe() const override { return "mean squared error"; }

 private:
  Mat dA_;
};
// [mse]

// [rmse]
/// \brief Root mean squared error, \f$ \text{RMSE} = \sqrt{\frac{1}{Km}\sum (a - y)^2} \f$,
/// a metric in the units of the target (not a loss: its gradient blows up at a perfect fit).
/// Accumulated in double. \param A (K x m) predictions  \param Y (K x m) targets
template <class T>
double rmse(const arma::Mat<T>& A, const arma::Mat<T>& Y) {
  if (A.n_rows != Y.n_rows || A.n_cols != Y.n_cols || A.n_elem == 0)
    throw course::Error("rmse: predictions are " + std::to_string(A.n_rows) + " x " +
                        std::to_string(A.n_cols) + ", targets " + std::to_string(Y.n_rows) + " x " +
                        std::to_string(Y.n_cols));
  const arma::mat E = arma::conv_to<arma::mat>::from(A) - arma::conv_to<arma::mat>::from(Y);
  return std::sqrt(arma::accu(arma::square(E)) / static_cast<double>(E.n_elem));
}
// [rmse]

}  // namespace mlp
