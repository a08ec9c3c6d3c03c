/// \file
/// \brief Chapter 03: the two losses of a sigmoid unit, binary cross-entropy and the squared
/// error, each with its derivative with respect to the logit z.
///
/// What it is: per example, \f$ L_{CE} = -[y\log\sigma(z) + (1-y)\log\sigma(-z)] \f$ (with the
/// stable log-sigmoid) and \f$ L_{MSE} = \frac12(\sigma(z) - y)^2 \f$; over a batch, their mean,
/// and \f$ \delta = \partial L/\partial Z \f$. A naive cross-entropy, log of the probability, is
/// kept for comparison. What it leaves out on purpose: more than two classes (softmax and its
/// cross-entropy are chapter 07), class weights, label smoothing.
#pragma once

#include <armadillo>
#include <cmath>
#include <string>

#include "chapters/03_sigmoid_neuron/sigmoid.hpp"

namespace sigmoid_neuron {

// Dimension legend:  m = number of examples in the batch.
// Z (1 x m) logits, Y (1 x m) targets 0 or 1, P = sigma(Z) (1 x m) probabilities of y = 1.

/// Which loss the unit is trained on.
enum class Loss {
  cross_entropy,  ///< binary cross-entropy (the negative log-likelihood of a Bernoulli)
  mse             ///< half the squared error of the probability, \f$ \frac12(p - y)^2 \f$
};

/// "cross-entropy" or "MSE", for printing.
inline std::string name(Loss loss) { return loss == Loss::cross_entropy ? "cross-entropy" : "MSE"; }

// [bce]
/// \brief Binary cross-entropy of one example from its logit, stable for every finite z:
/// \f[ L = -\bigl[y \log\sigma(z) + (1 - y)\log(1 - \sigma(z))\bigr]
///       = -\bigl[y \log\sigma(z) + (1 - y)\log\sigma(-z)\bigr], \f]
/// using \f$ 1 - \sigma(z) = \sigma(-z) \f$. For z = 1000 and y = 0 it is 1000, not infinity.
/// \param z the logit \f$ w\cdot x + b \f$; \param y the target, 0 or 1
inline double bce(double z, double y) {
  return -(y * log_sigmoid(z) + (1.0 - y) * log_sigmoid(-z));
}

/// \brief The same loss computed naively from the probability, for comparison only:
/// \f$ -[y\log p + (1-y)\log(1-p)] \f$ with \f$ p = \sigma(z) \f$. Once |z| > 37, p rounds to
/// exactly 0 or 1 and a wrong answer costs log 0 = infinity.
inline double bce_naive(double z, double y) {
  const double p = sigmoid(z);
  return -(y * std::log(p) + (1.0 - y) * std::log(1.0 - p));
}
// [bce]

/// \brief Squared error of one example's probability: \f$ \frac12(\sigma(z) - y)^2 \f$.
inline double mse(double z, double y) {
  const double e = sigmoid(z) - y;
  return 0.5 * e * e;
}

/// \brief Mean loss over a batch: \f$ L = \frac1m \sum_i L_i \f$.
/// \param Z (1 x m) logits; \param Y (1 x m) targets 0/1
inline double mean_loss(Loss loss, const arma::rowvec& Z, const arma::rowvec& Y) {
  double sum = 0;
  for (arma::uword i = 0; i < Z.n_elem; ++i)
    sum += loss == Loss::cross_entropy ? bce(Z[i], Y[i]) : mse(Z[i], Y[i]);
  return sum / Z.n_elem;
}

// [delta]
/// \brief \f$ \delta = \partial L / \partial Z \f$ for the mean loss, one entry per example:
/// \f[ \text{cross-entropy: } \delta_i = \tfrac1m (p_i - y_i), \qquad
///     \text{MSE: } \delta_i = \tfrac1m (p_i - y_i)\,\sigma'(z_i). \f]
/// The factor \f$ \sigma'(z_i) \f$, nearly 0 for a saturated unit, is the whole difference.
/// \param Z (1 x m) logits; \param Y (1 x m) targets \return (1 x m)
inline arma::rowvec delta(Loss loss, const arma::rowvec& Z, const arma::rowvec& Y) {
  const double m = Z.n_elem;
  const arma::rowvec P = sigmoid(Z);                    // P = sigma(Z)
  if (loss == Loss::cross_entropy) return (P - Y) / m;  // (P - Y) / m
  return (P - Y) % (P % (1.0 - P)) / m;                 // (P - Y) % sigma'(Z) / m
}
// [delta]

}  // namespace sigmoid_neuron
