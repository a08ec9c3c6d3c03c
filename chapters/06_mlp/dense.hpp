/// \file
/// \brief Chapter 06: the fully connected (dense) layer, \f$ Z = W A_{in} + b \f$.
///
/// Omits: initialization schemes other than Nielsen's N(0, 1) (chapter 08 adds Glorot and He),
/// and weight sharing of any kind.
#pragma once

#include <string>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

// Dimension legend:  n_in inputs,  n_out units,  m examples in the batch.

/// \brief Dense layer: every output unit is a weighted sum of every input, plus a bias.
///
/// \f[ Z = W A_{in} + b \qquad W: (n_{out} \times n_{in}),\ b: (n_{out} \times 1) \f]
/// with b added to each column. Backward, for \f$ \delta = \partial L / \partial Z \f$:
/// \f[ \frac{\partial L}{\partial W} = \delta A_{in}^T, \quad
///     \frac{\partial L}{\partial b} = \sum_{\text{columns}} \delta, \quad
///     \frac{\partial L}{\partial A_{in}} = W^T \delta. \f]
template <class T>
class Dense : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  Mat W;   ///< (n_out x n_in) weights; W(j, k) connects input k to unit j
  Mat b;   ///< (n_out x 1) biases
  Mat dW;  ///< (n_out x n_in) dL/dW
  Mat db;  ///< (n_out x 1) dL/db

  /// \brief A layer with weights and biases drawn from N(0, 1), as in Nielsen's network.py.
  Dense(arma::uword n_in, arma::uword n_out, course::Rng& rng)
      : W(n_out, n_in),
        b(n_out, 1),
        dW(n_out, n_in, arma::fill::zeros),
        db(n_out, 1, arma::fill::zeros) {
    course::fill_normal(W, rng);
    course::fill_normal(b, rng);
  }

  arma::uword n_in() const { return W.n_cols; }
  arma::uword n_out() const { return W.n_rows; }

  // [dense_forward]
  const Mat& forward(const Mat& A_in) override {
    if (A_in.n_rows != W.n_cols)
      throw course::Error(describe() + ": expected an input with " + std::to_string(W.n_cols) +
                          " rows (features), got " + std::to_string(A_in.n_rows) + " x " +
                          std::to_string(A_in.n_cols));
    A_in_ = &A_in;       // kept for backward: dW = delta * A_in^T
    Z_ = W * A_in;       // Z = W A_in          (n_out x m)
    Z_.each_col() += b;  //   + b, to every column
    return Z_;
  }
  // [dense_forward]

  // [dense_backward]
  const Mat& backward(const Mat& delta, bool need_dA_in = true) override {
    // In the forward pass Z = W A_in + b, so now, with delta = dL/dZ (n_out x m):
    dW = delta * A_in_->t();                 // dL/dW = delta A_in^T            (n_out x n_in)
    db = arma::sum(delta, 1);                // dL/db = delta summed over the batch (n_out x 1)
    if (need_dA_in) dA_in_ = W.t() * delta;  // dL/dA_in = W^T delta            (n_in x m)
    return dA_in_;
  }
  // [dense_backward]

  // [dense_backward_sgd]
  /// The fast path (layer.hpp): the same three products as backward(), with the step folded
  /// into the weight-gradient product, so dW is never written and read back.
  const Mat& backward_sgd(const Mat& delta, T eta, bool need_dA_in) override {
    if (need_dA_in) dA_in_ = W.t() * delta;  // dL/dA_in = W^T delta, with W before the step
    W -= eta * delta * A_in_->t();           // W <- W - eta delta A_in^T: one gemm, beta = 1
    db = arma::sum(delta, 1);                // dL/db
    b -= eta * db;                           // b <- b - eta dL/db
    return dA_in_;
  }
  bool fuses_sgd() const override { return true; }
  // [dense_backward_sgd]

  std::vector<Param<T>> params(const std::string& prefix) override {
    return {{prefix + "weight", &W, &dW, false}, {prefix + "bias", &b, &db, true}};
  }

  std::string kind() const override { return "Dense"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Dense>(*this); }

  std::string describe() const override {
    return "Dense(" + std::to_string(W.n_cols) + " -> " + std::to_string(W.n_rows) + ")";
  }

 private:
  const Mat* A_in_ = nullptr;  // the input of the last forward()
  Mat Z_;                      // (n_out x m) output buffer, reused
  Mat dA_in_;                  // (n_in x m) input-gradient buffer, reused
};

}  // namespace mlp
