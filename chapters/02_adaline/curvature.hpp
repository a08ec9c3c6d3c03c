/// \file
/// \brief Chapter 02: the curvature of the squared-error loss, its Hessian
/// \f$ H = \tilde X \tilde X^T / n \f$, whose eigenvalues (LAPACK, `arma::eig_sym`) decide how
/// fast batch gradient descent converges and the largest learning rate it survives,
/// \f$ 2/\lambda_{max} \f$.
///
/// What it is: the Hessian, its eigen-decomposition, the factor \f$ 1 - \eta\lambda_i \f$ by which
/// one step multiplies the error along each eigenvector, and the ellipses of constant loss drawn
/// in the lesson. What it leaves out on purpose: curvature of losses that are not quadratic
/// (there the Hessian changes from point to point), and Newton's method, which would divide by H.
#pragma once

#include <armadillo>
#include <cmath>

#include "chapters/02_adaline/least_squares.hpp"
#include "common/error.hpp"

namespace adaline {

// [hessian]
/// \brief The Hessian of \f$ L = \frac{1}{2n}\lVert \tilde X^T\theta - y^T\rVert^2 \f$ with respect to
/// \f$ \theta = (\mathbf{w}, b) \f$:
/// \f[ H = \nabla^2 L = \frac{1}{n} \tilde X \tilde X^T, \f]
/// the same at every \f$ \theta \f$ (the loss is quadratic), and independent of the targets.
/// \param X (n_in x n) examples
/// \return (p x p) symmetric, positive semi-definite
inline arma::mat hessian(const arma::mat& X) {
  const arma::mat Xa = augment(X);  // X~ = [X; 1]          (p x n)
  return Xa * Xa.t() / X.n_cols;    // H = X~ X~^T / n      (p x p)
}
// [hessian]

/// \brief The eigen-decomposition \f$ H = V \Lambda V^T \f$ and what follows from it.
struct Spectrum {
  arma::vec lambda;  ///< (p) eigenvalues, ascending
  arma::mat V;       ///< (p x p) orthonormal eigenvectors as columns, V.col(i) for lambda[i]
  /// Smallest eigenvalue: the flattest direction of the loss.
  double lambda_min() const { return lambda[0]; }
  /// Largest eigenvalue: the steepest direction of the loss.
  double lambda_max() const { return lambda[lambda.n_elem - 1]; }
  /// Condition number \f$ \kappa = \lambda_{max} / \lambda_{min} \f$.
  double condition() const { return lambda_max() / lambda_min(); }
  /// The learning-rate limit of batch gradient descent, \f$ 2 / \lambda_{max} \f$.
  double eta_limit() const { return 2.0 / lambda_max(); }
};

// [spectrum]
/// \brief Eigenvalues and eigenvectors of a symmetric matrix, by LAPACK (`arma::eig_sym`,
/// dsyevd), ascending.
/// \param H (p x p) symmetric, e.g. the Hessian
inline Spectrum spectrum(const arma::mat& H) {
  Spectrum s;
  if (!arma::eig_sym(s.lambda, s.V, H))
    throw course::Error("spectrum: LAPACK's eigen-decomposition failed (NaN in the Hessian?)");
  return s;
}
// [spectrum]

// [contraction]
/// \brief The worst factor by which one gradient-descent step multiplies the distance to the
/// minimum, \f$ \rho(\eta) = \max_i |1 - \eta \lambda_i| \f$.
///
/// GD converges for every start exactly when \f$ \rho < 1 \f$, that is
/// \f$ 0 < \eta < 2/\lambda_{max} \f$ (when all \f$ \lambda_i > 0 \f$).
/// \param s the Hessian's spectrum; \param eta learning rate
inline double contraction(const Spectrum& s, double eta) {
  return arma::abs(1.0 - eta * s.lambda).max();  // max_i |1 - eta lambda_i|
}
// [contraction]

// [predicted_error]
/// \brief Where gradient descent will be after k steps, without running it:
/// \f[ \theta_k - \theta^* = V\, \mathrm{diag}\big((1 - \eta\lambda_i)^k\big)\, V^T (\theta_0 - \theta^*). \f]
/// Each eigen-direction evolves on its own, multiplied by \f$ 1 - \eta\lambda_i \f$ per step.
/// \param s the Hessian's spectrum; \param e0 (p) the start's error \f$ \theta_0 - \theta^* \f$
/// \param eta learning rate; \param k number of steps
/// \return (p) \f$ \theta_k - \theta^* \f$
inline arma::vec predicted_error(const Spectrum& s, const arma::vec& e0, double eta, double k) {
  const arma::vec c = s.V.t() * e0;                        // coordinates in the eigenbasis
  const arma::vec f = arma::pow(1.0 - eta * s.lambda, k);  // (1 - eta lambda_i)^k
  return s.V * (f % c);                                    // back to (w, b) coordinates
}
// [predicted_error]

// [quadratic]
/// \brief The loss written around its minimum, exact because L is quadratic:
/// \f[ L(\theta) = L^* + \tfrac12 (\theta - \theta^*)^T H (\theta - \theta^*). \f]
/// \param H (p x p) Hessian; \param L_star the loss at \f$ \theta^* \f$
/// \param theta_star (p) the minimum; \param theta (p) any parameters
inline double quadratic_loss(const arma::mat& H, double L_star, const arma::vec& theta_star,
                             const arma::vec& theta) {
  const arma::vec e = theta - theta_star;
  return L_star + 0.5 * arma::dot(e, H * e);
}
// [quadratic]

// [ellipse]
/// \brief The ellipse of constant loss \f$ L^* + c \f$ of a two-parameter problem, as points:
/// \f[ \theta(\phi) = \theta^* + \sqrt{2c/\lambda_1}\,\cos\phi\; v_1 + \sqrt{2c/\lambda_2}\,\sin\phi\; v_2, \f]
/// since along eigenvector \f$ v_i \f$ the loss rises as \f$ \frac12 \lambda_i s^2 \f$.
/// Steep directions (large \f$ \lambda \f$) give the short axis.
/// \param s spectrum of a (2 x 2) Hessian, both eigenvalues > 0
/// \param theta_star (2) the centre; \param c height above the minimum, > 0
/// \param n_points points on the closed curve (the last repeats the first)
/// \return (2 x n_points) the curve
inline arma::mat iso_loss_ellipse(const Spectrum& s, const arma::vec& theta_star, double c,
                                  arma::uword n_points = 181) {
  if (s.lambda.n_elem != 2 || !(s.lambda_min() > 0))
    throw course::Error("iso_loss_ellipse: needs two positive eigenvalues");
  arma::mat curve(2, n_points);
  const double r1 = std::sqrt(2.0 * c / s.lambda[0]), r2 = std::sqrt(2.0 * c / s.lambda[1]);
  for (arma::uword j = 0; j < n_points; ++j) {
    const double phi = 2.0 * M_PI * j / (n_points - 1);
    curve.col(j) = theta_star + r1 * std::cos(phi) * s.V.col(0) + r2 * std::sin(phi) * s.V.col(1);
  }
  return curve;
}
// [ellipse]

}  // namespace adaline
