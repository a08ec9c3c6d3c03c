/// \file
/// \brief Chapter 13: LoRA on a whole network: wrap chosen Dense layers in LoRADense, merge
/// them back into plain Dense layers, and count what is trained.
///
/// A Sequential owns its layers and cannot swap one, so with_lora() builds a new network from
/// an existing one, layer by layer: a target Dense becomes a LoRADense around a copy of it
/// (frozen); any other layer is copied as it is (Layer::clone()), so another Dense stays
/// trainable (the new head). merged() does the reverse. The network handed in is not
/// changed. Omits: LoRA on some units of a layer only, several adapters on one base at once,
/// and unmerging (subtracting an update from merged weights).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "chapters/13_lora/lora_dense.hpp"
#include "common/error.hpp"

namespace mlp {

// [with_lora]
/// \brief The network with LoRA on the Dense layers listed in `targets`.
///
/// Layer l in `targets` (it must be a Dense) becomes `LoRADense(copy of layer l, r, alpha)`:
/// its weights frozen, A drawn from `rng`, B = 0. Every other layer is copied: a Dense stays
/// trainable (in this chapter: the new head). At this point the new network computes exactly
/// what `net` computes (B = 0).
/// \param net the network to adapt (not changed), e.g. chapter 12's pretrained body + new head
/// \param targets indices of the Dense layers to adapt, e.g. {0, 2} for both hidden layers
/// \param r the rank; \param alpha the scale numerator (the update is scaled by alpha / r)
/// \param rng draws each A, first target first
template <class T>
Sequential<T> with_lora(Sequential<T>& net, const std::vector<std::size_t>& targets, arma::uword r,
                        double alpha, course::Rng& rng) {
  for (std::size_t t : targets)
    if (t >= net.size() || net.layer(t).kind() != "Dense")
      throw course::UsageError("LoRA target layer " + std::to_string(t) +
                               " is not a Dense layer of " + net.describe());
  Sequential<T> out;
  for (std::size_t l = 0; l < net.size(); ++l) {
    const Layer<T>& layer = net.layer(l);
    if (std::find(targets.begin(), targets.end(), l) != targets.end())
      out.template add<LoRADense<T>>(static_cast<const Dense<T>&>(layer), r, alpha,
                                     rng);  // frozen W0, b0; trainable A, B
    else
      out.add(layer.clone());  // as it is: the head is trained as a whole
  }
  return out;
}
// [with_lora]

// [merged]
/// \brief The same network with every LoRADense replaced by its merge(), a plain Dense with
/// \f$W = W_0 + \frac{\alpha}{r} B A\f$: the adapted network at the cost of the original one.
template <class T>
Sequential<T> merged(Sequential<T>& net) {
  Sequential<T> out;
  for (std::size_t l = 0; l < net.size(); ++l) {
    const Layer<T>& layer = net.layer(l);
    if (layer.kind() == "LoRADense")
      out.template add<Dense<T>>(static_cast<const LoRADense<T>&>(layer).merge());
    else
      out.add(layer.clone());  // a Dense or an activation, as it is
  }
  return out;
}
// [merged]

/// \brief Indices of a network's LoRADense layers, e.g. {0, 2}.
template <class T>
std::vector<std::size_t> lora_layers(Sequential<T>& net) {
  std::vector<std::size_t> out;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (net.layer(l).kind() == "LoRADense") out.push_back(l);
  return out;
}

/// \brief Number of numbers in a network, trainable or frozen (a LoRADense counts
/// \f$W_0\f$, \f$b_0\f$, \f$A\f$ and \f$B\f$).
template <class T>
arma::uword n_total(Sequential<T>& net) {
  arma::uword n = net.n_params();  // everything trainable
  for (std::size_t l : lora_layers(net)) {
    const auto& lora = static_cast<const LoRADense<T>&>(net.layer(l));
    n += lora.W0().n_elem + lora.b0().n_elem;  // plus the frozen weights
  }
  return n;
}

}  // namespace mlp
