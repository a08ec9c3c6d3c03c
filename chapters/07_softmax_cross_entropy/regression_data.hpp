/// \file
/// \brief Chapter 07: a small regression problem made on the spot, \f$ y = \sin x + \varepsilon \f$.
///
/// The noise \f$ \varepsilon \sim N(0, \sigma^2) \f$ sets a floor: no model can predict it, so
/// the best possible RMSE on fresh data is about \f$ \sigma \f$. That makes the RMSE a model
/// reaches easy to judge. Omits: more than one input, and real measurements.
#pragma once

#include <cmath>

#include "common/random.hpp"

namespace mlp {

/// Inputs and targets of a regression problem, one example per column.
template <class T>
struct RegressionData {
  arma::Mat<T> X;  ///< (1 x n) inputs x
  arma::Mat<T> Y;  ///< (1 x n) targets y
};

// [noisy_sine]
/// \brief n points with x uniform in \f$ [-\pi, \pi] \f$ and \f$ y = \sin x + \varepsilon \f$,
/// \f$ \varepsilon \sim N(0, \sigma^2) \f$.
/// \param n examples  \param sigma noise standard deviation  \param rng the run's generator
/// \return X (1 x n), Y (1 x n)
template <class T>
RegressionData<T> noisy_sine(arma::uword n, double sigma, course::Rng& rng) {
  RegressionData<T> d{arma::Mat<T>(1, n), arma::Mat<T>(1, n)};
  for (arma::uword i = 0; i < n; ++i) {
    const double x = course::uniform(rng, -M_PI, M_PI);
    d.X(0, i) = static_cast<T>(x);
    d.Y(0, i) = static_cast<T>(std::sin(x) + sigma * course::normal(rng));  // y = sin x + noise
  }
  return d;
}
// [noisy_sine]

}  // namespace mlp
