/// \file
/// \brief Chapter 06: the loss interface, and the quadratic cost of Nielsen's network.py.
///
/// A loss turns the network's output and the targets into one number, averaged over the batch
/// (\f$ L = \frac{1}{m}\sum_i L_i \f$), and gives the gradient of that number with respect to the
/// output, which starts backpropagation. Chapter 07 adds softmax + cross-entropy.
#pragma once

#include <armadillo>
#include <string>

namespace mlp {

/// \brief A loss: value for a batch, then its gradient with respect to the network's output.
template <class T>
class Loss {
 public:
  using Mat = arma::Mat<T>;
  virtual ~Loss() = default;
  /// \brief The batch's mean loss. \param A (K x m) network output  \param Y (K x m) targets
  virtual T forward(const Mat& A, const Mat& Y) = 0;
  /// \brief dL/dA (K x m) for the A and Y of the last forward().
  virtual const Mat& backward() = 0;
  virtual std::string describe() const = 0;
};

// [quadratic]
/// \brief Quadratic cost \f$ L = \frac{1}{2m}\sum_i \lVert a_i - y_i \rVert^2 \f$,
/// with \f$ \partial L / \partial A = (A - Y)/m \f$.
template <class T>
class QuadraticCost : public Loss<T> {
 public:
  using Mat = arma::Mat<T>;
  T forward(const Mat& A, const Mat& Y) override {
    const T m = static_cast<T>(A.n_cols);
    dA_ = (A - Y) / m;                                  // dL/dA = (A - Y) / m
    return T(0.5) * m * arma::accu(arma::square(dA_));  // L = 1/(2m) sum ||A - Y||^2
  }
  const Mat& backward() override { return dA_; }
  std::string describe() const override { return "quadratic cost"; }

 private:
  Mat dA_;
};
// [quadratic]

}  // namespace mlp
