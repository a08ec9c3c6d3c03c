/// \file
/// \brief Chapter 08: weight initializers, each a function that overwrites a Dense layer's W
/// and b: Nielsen's naive N(0, 1), his scaled N(0, 1/n_in), Glorot (uniform and normal), He.
///
/// An initializer chooses the variance of the weights so that signals (forward) and gradients
/// (backward) keep their size from layer to layer. The layer is built first (chapter 06's
/// constructor draws N(0, 1)), then an initializer redraws it from the run's generator.
/// Omits: orthogonal and LSUV initialization, and data-dependent schemes.
#pragma once

#include <cmath>
#include <functional>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "common/random.hpp"

namespace mlp {

// [naive]
/// \brief Nielsen's network.py: \f$ W_{jk} \sim N(0, 1),\ b_j \sim N(0, 1) \f$.
///
/// A unit with 784 inputs then has a pre-activation of standard deviation about
/// \f$ \sqrt{\sum_k x_k^2} \f$ (about 9 on an MNIST digit): its sigmoid is saturated.
/// \param layer the Dense layer to overwrite; \param rng the run's generator
template <class T>
void naive_normal(Dense<T>& layer, course::Rng& rng) {
  course::fill_normal(layer.W, rng, 1.0);  // W ~ N(0, 1)
  course::fill_normal(layer.b, rng, 1.0);  // b ~ N(0, 1)
}

/// \brief Nielsen's network2.py (`default_weight_initializer`), used in his chapter 5:
/// \f$ W_{jk} \sim N(0, 1/n_{in}),\ b_j \sim N(0, 1) \f$ (LeCun et al. 1998's variance for W).
template <class T>
void nielsen_normal(Dense<T>& layer, course::Rng& rng) {
  course::fill_normal(layer.W, rng, 1.0 / std::sqrt(double(layer.n_in())));  // W ~ N(0, 1/n_in)
  course::fill_normal(layer.b, rng, 1.0);                                    // b ~ N(0, 1)
}
// [naive]

// [glorot]
/// \brief Glorot and Bengio (2010), "uniform" form (their equation 16):
/// \f[ W_{jk} \sim U\!\left(-a, a\right),\quad a = \sqrt{\frac{6}{n_{in} + n_{out}}},
///     \qquad \mathrm{Var}(W_{jk}) = \frac{a^2}{3} = \frac{2}{n_{in} + n_{out}}, \qquad b = 0. \f]
/// The variance is the compromise between \f$1/n_{in}\f$ (keeps the forward signal) and
/// \f$1/n_{out}\f$ (keeps the backward gradient) for units that are linear near 0 (tanh).
template <class T>
void glorot_uniform(Dense<T>& layer, course::Rng& rng) {
  const double a = std::sqrt(6.0 / double(layer.n_in() + layer.n_out()));
  course::fill_uniform(layer.W, rng, -a, a);  // W ~ U(-a, a), Var = 2 / (n_in + n_out)
  layer.b.zeros();                            // b = 0
}

/// \brief Glorot and Bengio (2010), normal form: \f$ W_{jk} \sim N(0, 2/(n_{in} + n_{out})),\ b = 0
/// \f$.
template <class T>
void glorot_normal(Dense<T>& layer, course::Rng& rng) {
  course::fill_normal(layer.W, rng, std::sqrt(2.0 / double(layer.n_in() + layer.n_out())));
  layer.b.zeros();  // b = 0
}
// [glorot]

// [he]
/// \brief He, Zhang, Ren and Sun (2015), for ReLU units:
/// \f[ W_{jk} \sim N\!\left(0, \frac{2}{n_{in}}\right), \qquad b = 0. \f]
/// A ReLU zeroes half of its inputs on average, halving the second moment of the signal;
/// the factor 2 puts it back, so \f$ \mathrm{Var}(z) \f$ stays the same in every layer.
template <class T>
void he_normal(Dense<T>& layer, course::Rng& rng) {
  course::fill_normal(layer.W, rng, std::sqrt(2.0 / double(layer.n_in())));  // W ~ N(0, 2/n_in)
  layer.b.zeros();                                                           // b = 0
}
// [he]

/// An initializer: overwrites one Dense layer's W and b from the generator.
template <class T>
using Initializer = std::function<void(Dense<T>&, course::Rng&)>;

// [initialize]
/// \brief Apply an initializer to every Dense layer of a network, first layer first.
/// \return the number of Dense layers initialized
template <class T>
std::size_t initialize(Sequential<T>& net, const Initializer<T>& init, course::Rng& rng) {
  std::size_t n = 0;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (net.layer(l).kind() == "Dense") {
      init(static_cast<Dense<T>&>(net.layer(l)), rng);
      ++n;
    }
  return n;
}
// [initialize]

}  // namespace mlp
