/// \file
/// \brief Chapter 04: how a backward pass of the two-layer network is proven right: every
/// parameter's gradient against central differences of the loss (common/gradcheck.hpp), and
/// the batched gradients against the per-example oracle.
///
/// What it is: the two checks the executable runs before it trains and the tests run on random
/// networks. What it leaves out on purpose: second derivatives, and any automatic
/// differentiation.
#pragma once

#include <algorithm>
#include <armadillo>
#include <string>

#include "chapters/04_backprop/two_layer_net.hpp"
#include "common/gradcheck.hpp"

namespace backprop {

/// The outcome of checking all four parameters.
struct NetCheck {
  double worst = 0;  ///< the largest relative error over \f$ W^{(1)}, b^{(1)}, W^{(2)}, b^{(2)} \f$
  std::string report;  ///< the worst entries of each parameter, for a failure message
};

// [gradcheck]
/// \brief Compare the gradients `g` of every parameter with central differences of `loss`.
/// \param net the network; each parameter is perturbed in place and restored exactly
/// \param g the backward pass's gradients at `net`
/// \param loss callable returning the loss (double) for the current parameters
template <class LossFn>
NetCheck check_gradients(TwoLayerNet& net, const Gradients& g, LossFn&& loss) {
  const course::GradCheck r1 = course::check_gradient(net.W1, g.dW1, loss);
  const course::GradCheck r2 = course::check_gradient(net.b1, g.db1, loss);
  const course::GradCheck r3 = course::check_gradient(net.W2, g.dW2, loss);
  const course::GradCheck r4 = course::check_gradient(net.b2, g.db2, loss);
  NetCheck c;
  c.report = r1.report("W1") + r2.report("b1") + r3.report("W2") + r4.report("b2");
  for (const course::GradCheck* r : {&r1, &r2, &r3, &r4})
    c.worst = std::max(c.worst, r->max_rel_error);
  return c;
}
// [gradcheck]

/// \brief The largest absolute difference between two sets of gradients (e.g. the batched
/// backward pass against the per-example oracle).
inline double max_abs_diff(const Gradients& a, const Gradients& b) {
  return std::max({arma::abs(a.dW1 - b.dW1).max(), arma::abs(a.db1 - b.db1).max(),
                   arma::abs(a.dW2 - b.dW2).max(), arma::abs(a.db2 - b.db2).max()});
}

}  // namespace backprop
