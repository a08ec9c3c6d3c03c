/// \file
/// \brief Chapter 14: the three deep networks the chapter compares, all of one width and one
/// depth (the number of Dense layers, as He et al. count layers): plain, residual, and residual
/// with pre-norm layer normalization, with one initialization rule for all.
///
/// Every network starts with a stem, Dense(n_in -> w) and ReLU, and ends with a head,
/// Dense(w -> K) whose logits go to chapter 07's softmax + cross-entropy. In between, depth - 2
/// Dense(w -> w) layers: one per ReLU in the plain network, two per block in the residual ones.
/// At depth 2 there is nothing in between, and the three are the same network (the pre-norm one
/// adds its final LayerNorm). Omits: widths that change with depth, convolutions, and any
/// normalization over the batch.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/14_going_deep/layer_norm.hpp"
#include "chapters/14_going_deep/pre_norm_block.hpp"
#include "chapters/14_going_deep/residual.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

/// The kinds of network compared.
enum class Kind {
  plain,     ///< [Dense(w -> w), ReLU] x (depth - 2): depth alone
  residual,  ///< [A + W2 ReLU(W1 A)] x (depth - 2)/2: skip connections, no normalization
  pre_norm   ///< [A + W2 GELU(W1 LN(A))] x (depth - 2)/2, then LN: the transformer's MLP half
};

/// The kinds, in the order the chapter shows them.
inline const std::vector<Kind>& all_kinds() {
  static const std::vector<Kind> kinds = {Kind::plain, Kind::residual, Kind::pre_norm};
  return kinds;
}

/// \brief "plain", "residual" or "pre_norm" (the names of `--kinds` and summary.json).
inline std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::plain:
      return "plain";
    case Kind::residual:
      return "residual";
    default:
      return "pre_norm";
  }
}

/// \brief The kind named `name`; a UsageError naming the choices otherwise.
inline Kind parse_kind(const std::string& name) {
  for (Kind k : all_kinds())
    if (kind_name(k) == name) return k;
  throw course::UsageError("--kinds: expected plain, residual or pre_norm, found '" + name + "'");
}

/// \brief Check a depth: at least 2 (stem and head), and even, so that the residual kinds have
/// a whole number of two-layer blocks. \return the number of blocks, (depth - 2)/2
inline arma::uword blocks_for_depth(arma::uword depth) {
  if (depth < 2 || depth % 2 != 0)
    throw course::UsageError("depth " + std::to_string(depth) +
                             ": expected an even number >= 2 (stem + 2 Dense per block + head)");
  return (depth - 2) / 2;
}

// [residual_init]
/// \brief Chapter 08's He initialization for every Dense layer, inside blocks too, then the
/// last Dense of every residual branch scaled by \f$1/\sqrt{B}\f$, B the number of blocks
/// (Radford et al. 2019, GPT-2: "scale the weights of residual layers by \f$1/\sqrt N\f$").
///
/// Why the scale: a ReLU branch with He weights adds about twice the stream's mean square, so
/// B blocks would multiply it by \f$3^B\f$ (\f$2.8 \cdot 10^{11}\f$ at depth 50). Scaled, each
/// block adds \f$2/B\f$ of it: \f$(1 + 2/B)^B < e^2\f$ in all.
/// \param scale_residuals false leaves out the scale (the lesson's experiment: the residual
///        network blows up, the pre-norm one does not notice)
template <class T>
void initialize_deep(Sequential<T>& net, course::Rng& rng, bool scale_residuals = true) {
  for (Dense<T>* dense : dense_layers(net)) he_normal(*dense, rng);  // W ~ N(0, 2/n_in), b = 0
  if (!scale_residuals) return;
  std::vector<Residual<T>*> blocks;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (auto* block = dynamic_cast<Residual<T>*>(&net.layer(l))) blocks.push_back(block);
  for (Residual<T>* block : blocks) {
    auto& F = block->F();
    for (std::size_t l = F.size(); l-- > 0;)
      if (auto* last = dynamic_cast<Dense<T>*>(&F.layer(l))) {
        last->W *= static_cast<T>(1.0 / std::sqrt(double(blocks.size())));  // W2 /= sqrt(B)
        break;
      }
  }
}
// [residual_init]

// [deep_mlp]
/// \brief A network of the given kind: stem, depth - 2 layers of width w, head; initialized by
/// initialize_deep.
/// \param n_in input features (784) \param width w \param n_classes K (the head's outputs)
/// \param scale_residuals see initialize_deep
template <class T>
Sequential<T> deep_mlp(Kind kind, arma::uword depth, arma::uword n_in, arma::uword width,
                       arma::uword n_classes, course::Rng& rng, bool scale_residuals = true) {
  const arma::uword blocks = blocks_for_depth(depth);
  Sequential<T> net;
  net.template add<Dense<T>>(n_in, width, rng);  // stem: (w x n_in)
  net.template add<ReLU<T>>();
  if (kind == Kind::plain) {
    for (arma::uword l = 0; l < 2 * blocks; ++l) {
      net.template add<Dense<T>>(width, width, rng);  // Z = W A + b      (w x m)
      net.template add<ReLU<T>>();                    // A = max(0, Z)
    }
  } else if (kind == Kind::residual) {
    for (arma::uword k = 0; k < blocks; ++k) {
      Sequential<T> F;
      F.template add<Dense<T>>(width, width, rng);  // W1 A + b1
      F.template add<ReLU<T>>();                    // ReLU(...)
      F.template add<Dense<T>>(width, width, rng);  // W2 ReLU(...) + b2
      net.template add<Residual<T>>(std::move(F));  // A + F(A)
    }
  } else {
    for (arma::uword k = 0; k < blocks; ++k)
      net.template add<PreNormBlock<T>>(width, width, rng);  // A + W2 GELU(W1 LN(A))
    net.template add<LayerNorm<T>>(width);  // the final norm of a pre-norm stack (GPT-2's ln_f)
  }
  net.template add<Dense<T>>(width, n_classes, rng);  // head: logits (K x m)
  initialize_deep(net, rng, scale_residuals);
  return net;
}
// [deep_mlp]

}  // namespace mlp
