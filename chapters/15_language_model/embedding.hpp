/// \file
/// \brief Chapter 15: the embedding layer. Each token id has a learned vector (a column of C);
/// the forward pass looks the vectors of a context up and stacks them; the backward pass adds
/// each incoming gradient into the column it came from (a scatter-add).
///
/// An embedding is a Dense layer without bias fed one-hot vectors: \f$C\,e_w = C_{:,w}\f$. The
/// lookup computes exactly that without the multiplication by zeros, and the backward pass
/// \f$\partial L/\partial C = \sum \delta\, e_w^T\f$ adds \f$\delta\f$ into column w only. The
/// input is ids, not numbers, so it is not an mlp::Layer, but it has the same
/// forward/backward/params shape. Bengio et al. (2003) call the matrix C; theirs holds one
/// token per row, PyTorch's `nn.Embedding.weight` too (V x d); here samples are columns, so C
/// is (d x V), the transpose.
/// Omits: sparse gradients (dC is dense and zeroed every step), padding ids, max-norm.
#pragma once

#include <armadillo>
#include <string>
#include <vector>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace lm {

// Dimension legend:  V vocabulary size,  d embedding size,  n tokens per context,  m examples.

/// \brief A lookup table of one d-vector per token, applied to n-token contexts.
template <class T>
class Embedding {
 public:
  using Mat = arma::Mat<T>;

  Mat C;   ///< (d x V) column w is the vector of token w
  Mat dC;  ///< (d x V) dL/dC

  /// \brief A table with entries drawn from N(0, 1) (PyTorch's default for nn.Embedding).
  Embedding(arma::uword V, arma::uword d, course::Rng& rng) : C(d, V), dC(d, V, arma::fill::zeros) {
    course::fill_normal(C, rng);
  }

  arma::uword V() const { return C.n_cols; }  ///< vocabulary size
  arma::uword d() const { return C.n_rows; }  ///< size of one token's vector

  // [embedding_forward]
  /// \brief Look up and stack: rows k*d .. k*d+d-1 of column j are \f$C_{:,\,ids(k,j)}\f$.
  /// \param ids (n x m) token ids, each < V; must stay alive until backward()
  /// \return X (n*d x m), owned by the layer, valid until the next forward()
  const Mat& forward(const arma::umat& ids) {
    if (ids.n_elem && ids.max() >= V())
      throw course::Error(describe() + ": token id " + std::to_string(ids.max()) +
                          " is not below the vocabulary size " + std::to_string(V()));
    ids_ = &ids;
    const arma::uword d = C.n_rows, n = ids.n_rows;
    X_.set_size(n * d, ids.n_cols);
    for (arma::uword j = 0; j < ids.n_cols; ++j)
      for (arma::uword k = 0; k < n; ++k)  // X[k*d : k*d+d, j] = C[:, ids(k, j)]
        std::copy_n(C.colptr(ids(k, j)), d, X_.colptr(j) + k * d);
    return X_;
  }
  // [embedding_forward]

  // [embedding_backward]
  /// \brief Scatter-add: \f$\partial L/\partial C_{:,w} = \sum_{(k,j):\ ids(k,j) = w}
  /// \delta_{k*d : k*d+d,\ j}\f$. A token that occurs several times in the batch (or in one
  /// context) collects all of its gradients; a token that does not occur gets 0.
  /// \param dX (n*d x m) gradient of the loss with respect to the forward's output
  void backward(const Mat& dX) {
    const arma::uword d = C.n_rows, n = ids_->n_rows;
    dC.zeros();
    // In the forward pass X[k*d : k*d+d, j] = C[:, w] with w = ids(k, j), so now:
    for (arma::uword j = 0; j < dX.n_cols; ++j)
      for (arma::uword k = 0; k < n; ++k) {
        T* g = dC.colptr((*ids_)(k, j));  // dC[:, w] += dX[k*d : k*d+d, j]
        const T* delta = dX.colptr(j) + k * d;
        for (arma::uword i = 0; i < d; ++i) g[i] += delta[i];
      }
  }
  // [embedding_backward]

  /// \brief The table as one parameter, named "<prefix>weight".
  std::vector<mlp::Param<T>> params(const std::string& prefix) {
    return {{prefix + "weight", &C, &dC}};
  }

  /// "Embedding(V -> d)"
  std::string describe() const {
    return "Embedding(" + std::to_string(V()) + " -> " + std::to_string(d()) + ")";
  }

 private:
  const arma::umat* ids_ = nullptr;  // the ids of the last forward()
  Mat X_;                            // (n*d x m) output buffer, reused
};

}  // namespace lm
