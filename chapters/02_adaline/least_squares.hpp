/// \file
/// \brief Chapter 02: the exact answer gradient descent is looking for, by linear algebra:
/// least squares, solved by LAPACK through `arma::solve`.
///
/// What it is: the bias folded into the weights (an input that is always 1), and the minimizer
/// of \f$ \lVert \tilde X^T \theta - y^T \rVert^2 \f$ in closed form.
/// What it leaves out on purpose: regularized (ridge) least squares, weighted least squares and
/// anything iterative: the iterations are the subject of adaline.hpp.
#pragma once

#include <armadillo>

#include "chapters/02_adaline/adaline.hpp"
#include "common/error.hpp"

namespace adaline {

// [augment]
/// \brief Fold the bias into the weights: append an input that is always 1, so that
/// \f$ \mathbf{w}\cdot\mathbf{x} + b = \theta \cdot \tilde{\mathbf{x}} \f$ with
/// \f$ \theta = (\mathbf{w}, b) \f$ and \f$ \tilde{\mathbf{x}} = (\mathbf{x}, 1) \f$.
/// \param X (n_in x n) examples
/// \return (p x n) the examples with a last row of ones, \f$ \tilde X \f$
inline arma::mat augment(const arma::mat& X) {
  return arma::join_cols(X, arma::ones<arma::rowvec>(X.n_cols));
}
// [augment]

// [least_squares]
/// \brief The least-squares solution: the \f$ \theta^* \f$ that minimizes the loss exactly,
/// \f[ \theta^* = \arg\min_\theta \lVert \tilde X^T \theta - y^T \rVert^2, \f]
/// the solution of the normal equations \f$ \tilde X \tilde X^T \theta = \tilde X y^T \f$.
///
/// `arma::solve` on the tall (n x p) system \f$ \tilde X^T \theta = y^T \f$ calls LAPACK's
/// QR-based least-squares solver (dgels; dgelsd, by the SVD, when the system is near
/// singular). That never forms \f$ \tilde X \tilde X^T \f$, whose condition number is the square
/// of \f$ \tilde X \f$'s, so it loses fewer digits than solving the normal equations.
/// \param X (n_in x n) examples; \param y (1 x n) targets
/// \return (p) \f$ \theta^* = (\mathbf{w}^*, b^*) \f$
inline arma::vec least_squares(const arma::mat& X, const arma::rowvec& y) {
  arma::vec theta_star;
  if (!arma::solve(theta_star, augment(X).t(), y.t()))  // X~^T theta = y^T, least squares
    throw course::Error("least_squares: LAPACK found no solution (are all examples equal?)");
  return theta_star;
}
// [least_squares]

}  // namespace adaline
