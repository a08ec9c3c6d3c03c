/// \file
/// \brief Chapter 15: what the embedding learned, read off as nearest neighbours. Two tokens
/// are close when their vectors point the same way:
/// \f[ \cos(u, v) = \frac{C_{:,u} \cdot C_{:,v}}{\lVert C_{:,u} \rVert\, \lVert C_{:,v} \rVert}.
/// \f] Characters the model can swap without changing its predictions much (numbers, colours,
/// directions ...) end up with similar vectors, because they receive similar gradients.
/// Omits: analogies (a - b + c), and projections other than the principal components.
#pragma once

#include <algorithm>
#include <armadillo>
#include <vector>

#include "chapters/15_language_model/vocabulary.hpp"

namespace lm {

/// One neighbour: its id and its cosine similarity to the query.
struct Neighbour {
  Token id;       ///< the neighbour's id
  double cosine;  ///< cos(query, neighbour), in [-1, 1]
};

// [neighbours]
/// \brief The k tokens among ids [first_id, last_id) whose columns of C have the largest cosine
/// similarity to the query's (the query itself excluded).
///
/// Restrict the candidates to frequent tokens (the vocabulary numbers them by frequency): a
/// rare token's vector was updated a few times only and is still mostly its random start, and
/// among thousands of random vectors some are close to anything by chance.
/// \param C (d x V) embedding table; \param first_id 2 skips `<s>` and `<unk>`
/// \param last_id one past the last candidate (clipped to V); \return k neighbours, most similar
/// first
template <class T>
std::vector<Neighbour> nearest(const arma::Mat<T>& C, Token query, std::size_t k,
                               Token first_id = 2, Token last_id = 2000) {
  const arma::mat E = arma::normalise(arma::conv_to<arma::mat>::from(C), 2, 0);  // unit columns
  const arma::rowvec cosines = E.col(query).t() * E;  // (1 x V) cos(query, every token)
  std::vector<Neighbour> all;
  for (arma::uword v = first_id; v < std::min<arma::uword>(last_id, C.n_cols); ++v)
    if (v != query) all.push_back({static_cast<Token>(v), cosines[v]});
  const std::size_t kept = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + kept, all.end(),
                    [](const Neighbour& a, const Neighbour& b) { return a.cosine > b.cosine; });
  all.resize(kept);
  return all;
}
// [neighbours]

/// \brief Coordinates of some columns of C on their first two principal components (for a plot).
/// \param ids which tokens; \return (2 x ids.size()) coordinates
template <class T>
arma::mat principal_plane(const arma::Mat<T>& C, const std::vector<Token>& ids) {
  arma::mat X(C.n_rows, ids.size());
  for (std::size_t j = 0; j < ids.size(); ++j)
    X.col(j) = arma::conv_to<arma::vec>::from(C.col(ids[j]));
  X.each_col() -= arma::mean(X, 1);  // centre
  arma::mat U, V;
  arma::vec s;
  arma::svd_econ(U, s, V, X);          // X = U diag(s) V^T; the first columns of U are the axes
  arma::mat P = U.cols(0, 1).t() * X;  // (2 x ids) projections
  for (arma::uword r = 0; r < 2; ++r)  // fix the sign of each axis (SVD's is arbitrary)
    if (arma::accu(U.col(r)) < 0) P.row(r) *= -1;
  return P;
}

}  // namespace lm
