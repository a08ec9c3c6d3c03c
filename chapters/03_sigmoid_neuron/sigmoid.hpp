/// \file
/// \brief Chapter 03: the logistic sigmoid, its derivative, and a log-sigmoid that stays finite
/// for any logit.
///
/// What it is: \f$ \sigma(z) = 1/(1 + e^{-z}) \f$, \f$ \sigma'(z) = \sigma(z)(1 - \sigma(z)) \f$,
/// and \f$ \log\sigma(z) = -\mathrm{softplus}(-z) \f$ written so that no exp overflows and no
/// log sees 0. What it leaves out on purpose: other activations (tanh, ReLU arrive in chapter
/// 08) and single precision. Scalars, plus element-wise versions for a row of logits.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cmath>

namespace sigmoid_neuron {

// [sigmoid]
/// \brief The logistic function \f$ \sigma(z) = \frac{1}{1 + e^{-z}} \f$, a smooth step from 0 to 1.
///
/// In double precision this form is safe for every z: for z = -1000, exp(1000) overflows to
/// +inf and 1/inf is exactly 0; no NaN appears. What is *not* safe is taking log of the result
/// (log 0 = -inf): for the loss use log_sigmoid().
inline double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

/// \brief Its derivative, \f$ \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) \f$: at most 1/4 (at z = 0),
/// and nearly 0 once |z| is more than a few units (the unit is *saturated*).
inline double sigmoid_prime(double z) {
  const double s = sigmoid(z);
  return s * (1.0 - s);
}
// [sigmoid]

// [log_sigmoid]
/// \brief \f$ \mathrm{softplus}(u) = \log(1 + e^{u}) = \max(u, 0) + \log(1 + e^{-|u|}) \f$.
///
/// The second form never overflows (the exponent is \f$ \le 0 \f$), and log1p keeps the digits
/// of \f$ \log(1 + \epsilon) \f$ when \f$ e^{-|u|} \f$ is tiny.
inline double softplus(double u) { return std::max(u, 0.0) + std::log1p(std::exp(-std::abs(u))); }

/// \brief \f$ \log\sigma(z) = -\log(1 + e^{-z}) = -\mathrm{softplus}(-z) \f$, finite for every
/// finite z: \f$ \log\sigma(-1000) = -1000 \f$, where log(sigmoid(-1000)) = log(0) = -inf.
inline double log_sigmoid(double z) { return -softplus(-z); }
// [log_sigmoid]

/// \brief \f$ \sigma \f$ applied to each entry of a row of logits. \param Z (1 x m) \return (1 x m)
inline arma::rowvec sigmoid(const arma::rowvec& Z) {
  arma::rowvec P = Z;
  P.transform([](double z) { return sigmoid(z); });
  return P;
}

}  // namespace sigmoid_neuron
