/// \file
/// \brief Chapter 14: chapter 08's gradient-norm probe extended to networks with residual
/// blocks: the gradient size of every Dense layer, the ones inside blocks included.
///
/// Chapter 08's `gradient_norms` looks at the layers of a Sequential, and a residual block hides
/// its Dense layers inside its own inner network; `dense_layers` (residual.hpp) finds them.
/// Omits: norms of LayerNorm's gain and bias (they start at 1 and 0 and are not what vanishes).
#pragma once

#include <vector>

#include "chapters/06_mlp/loss.hpp"
#include "chapters/08_training_deeper/probes.hpp"
#include "chapters/14_going_deep/residual.hpp"

namespace mlp {

// [deep_probe]
/// \brief \f$\lVert\partial L/\partial W\rVert_F\f$ and \f$\lVert\partial L/\partial b\rVert_2\f$
/// of every Dense layer, first layer first, after one forward, loss and backward on (X, Y)
/// (no update). `layer` in each entry counts Dense layers from 0.
/// \param X (n_in x m) inputs \param Y (K x m) targets
template <class T>
std::vector<LayerGradientNorm> probe_every_dense(Sequential<T>& net, Loss<T>& loss,
                                                 const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  loss.forward(net.forward(X), Y);  // forward, loss
  net.backward(loss.backward());    // backward: fills every dW, db, inside blocks too
  std::vector<LayerGradientNorm> norms;
  for (const Dense<T>* dense : dense_layers(net))
    norms.push_back({norms.size(), dense->describe(), double(arma::norm(dense->db, 2)),
                     double(arma::norm(dense->dW, "fro"))});
  return norms;
}
// [deep_probe]

}  // namespace mlp
