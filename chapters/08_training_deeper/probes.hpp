/// \file
/// \brief Chapter 08: gradient-norm probes, the size of each Dense layer's gradient after a
/// backward pass, to see gradients vanish (or not) on their way back to the first layer.
///
/// Nielsen (chapter 5) measures \f$\lVert \partial L/\partial b^{(l)} \rVert\f$, the length of
/// the bias gradient of hidden layer l, which equals \f$\lVert \delta^{(l)} \rVert\f$ summed
/// over the batch; the probe reports it and the Frobenius norm of \f$\partial L/\partial
/// W^{(l)}\f$. Omits: histograms of activations, and per-unit statistics.
#pragma once

#include <string>
#include <vector>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/loss.hpp"
#include "chapters/06_mlp/sequential.hpp"

namespace mlp {

/// The gradient size of one Dense layer.
struct LayerGradientNorm {
  std::size_t layer;  ///< index of the layer in the Sequential
  std::string name;   ///< e.g. "Dense(784 -> 30)"
  double db_norm;     ///< \f$\lVert \partial L/\partial b \rVert_2\f$
  double dW_norm;     ///< \f$\lVert \partial L/\partial W \rVert_F\f$
};

// [probe]
/// \brief Read the gradient norms of every Dense layer, first layer first, as the last
/// backward() left them.
template <class T>
std::vector<LayerGradientNorm> gradient_norms(Sequential<T>& net) {
  std::vector<LayerGradientNorm> norms;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (net.layer(l).kind() == "Dense") {
      const auto& dense = static_cast<const Dense<T>&>(net.layer(l));
      norms.push_back({l, dense.describe(), double(arma::norm(dense.db, 2)),  // ||dL/db||
                       double(arma::norm(dense.dW, "fro"))});                 // ||dL/dW||_F
    }
  return norms;
}

/// \brief Forward, loss and backward on one batch (no update), then gradient_norms().
///
/// With the loss averaged over the batch, \f$\partial L/\partial b\f$ is the mean over the m
/// examples of each example's own bias gradient: Nielsen's "average gradient" over m examples.
/// \param X (n_in x m) inputs; \param Y (K x m) targets
template <class T>
std::vector<LayerGradientNorm> probe_gradients(Sequential<T>& net, Loss<T>& loss,
                                               const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  loss.forward(net.forward(X), Y);  // forward, loss
  net.backward(loss.backward());    // backward: fills every dW, db
  return gradient_norms(net);
}
// [probe]

}  // namespace mlp
