/// \file
/// \brief Chapter 10: an architecture as a list of layer sizes, its parameter count by formula,
/// and the network it stands for (Dense layers with ReLU between them, He-initialized).
///
/// A fully connected network is described by its layer sizes \f$n_0, n_1, \dots, n_L\f$: the
/// input, each hidden layer, the output. That list fixes the number of weights and biases before
/// any training, so networks can be compared by size (and by the time they take) as well as by
/// accuracy. Omits: other activations per layer, convolutions, and architectures that are not a
/// plain chain of layers (skip connections).
#pragma once

#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "common/error.hpp"

namespace mlp {

/// Layer sizes \f$n_0, \dots, n_L\f$: input, hidden layers, output (e.g. {784, 256, 256, 10}).
using LayerSizes = std::vector<arma::uword>;

/// \brief The sizes of a network with `depth` hidden layers of `width` units each.
/// \return {n_in, width, ..., width, n_out}, depth + 2 entries
inline LayerSizes uniform_sizes(arma::uword n_in, arma::uword width, arma::uword depth,
                                arma::uword n_out) {
  LayerSizes sizes(depth + 2, width);
  sizes.front() = n_in;
  sizes.back() = n_out;
  return sizes;
}

/// \brief "784-256-256-10": the sizes joined by dashes, the usual way to write an MLP.
inline std::string describe(const LayerSizes& sizes) {
  std::string s;
  for (auto n : sizes) s += (s.empty() ? "" : "-") + std::to_string(n);
  return s;
}

// [count]
/// \brief Number of trainable numbers in a fully connected network, by formula:
/// \f[ P = \sum_{l=1}^{L} (n_{l-1} + 1)\, n_l , \f]
/// since layer l has a weight matrix \f$W^{(l)}\f$ of \f$n_l \times n_{l-1}\f$ entries and a
/// bias vector \f$b^{(l)}\f$ of \f$n_l\f$ entries. Activations have no parameters.
/// \param sizes \f$n_0, \dots, n_L\f$ (at least two entries)
inline arma::uword count_parameters(const LayerSizes& sizes) {
  if (sizes.size() < 2)
    throw course::UsageError("count_parameters: need at least an input and an output size, got " +
                             std::to_string(sizes.size()) + " sizes");
  arma::uword P = 0;
  for (std::size_t l = 1; l < sizes.size(); ++l)
    P += (sizes[l - 1] + 1) * sizes[l];  // W^(l): n_l x n_{l-1}, b^(l): n_l
  return P;
}
// [count]

// [build]
/// \brief The network the sizes describe: Dense layers with ReLU between them and no
/// activation after the last (the loss takes logits), every Dense He-initialized
/// (chapter 08: \f$W \sim N(0, 2/n_{in}),\ b = 0\f$).
/// \param sizes \f$n_0, \dots, n_L\f$; \param rng the generator the weights are drawn from
template <class T>
Sequential<T> build_mlp(const LayerSizes& sizes, course::Rng& rng) {
  if (sizes.size() < 2)
    throw course::UsageError("build_mlp: need at least an input and an output size");
  Sequential<T> net;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    net.template add<Dense<T>>(sizes[l - 1], sizes[l], rng);  // W^(l): (n_l x n_{l-1})
    if (l + 1 < sizes.size()) net.template add<ReLU<T>>();    // hidden layers only
  }
  initialize<T>(net, he_normal<T>, rng);
  return net;
}
// [build]

}  // namespace mlp
