/// \file
/// \brief Chapter 13: the three ways of adapting the pretrained network that this chapter
/// compares (linear probe, full fine-tuning, LoRA of rank r) and the one training loop they share.
///
/// Every method starts from the same network: chapter 12's pretrained body with a new 5-class
/// head, drawn from the same generator, so the head starts identical. The methods differ only
/// in what the optimizer is given:
///
/// | method         | the optimizer is given                           | trainable numbers
/// (784-128-64-5) |
/// |----------------|--------------------------------------------------|----------------------------------|
/// | linear probe   | the head                                         | 325 | | LoRA, rank r   | A
/// and B of both hidden layers, and the head      | 1104 r + 325                     | | full
/// fine-tune | everything: the body's W and b, and the head     | 109,061 |
///
/// Each parameter group has its own starting rate (Adam), and all follow one cosine from there
/// down to 0, over chapter 12's number of updates (FewShotRecipe::epochs) and batch size.
/// Omits: training the frozen biases alongside LoRA (PEFT's `bias="lora_only"`), a different rate
/// for A than for B (LoRA+), and early stopping (the few-shot task has no labels to spare).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/12_fine_tuning/methods.hpp"
#include "chapters/12_fine_tuning/param_groups.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "chapters/13_lora/lora_network.hpp"

namespace mlp {

// [method]
/// \brief One way of adapting: a linear probe, full fine-tuning, or LoRA of some rank.
struct Adaptation {
  enum Kind { LinearProbe, FullFineTune, LoRA } kind = LoRA;  ///< which method
  arma::uword rank = 0;                                       ///< r (LoRA only)

  /// \brief "linear probe", "full fine-tune" or "LoRA r = 8".
  std::string name() const {
    if (kind == LinearProbe) return "linear probe";
    if (kind == FullFineTune) return "full fine-tune";
    return "LoRA r = " + std::to_string(rank);
  }
};

/// \brief The starting learning rates (Adam), one per parameter group; all follow one cosine to 0.
struct Rates {
  double probe = 1e-1;      ///< linear probe: the head
  double full_head = 3e-3;  ///< full fine-tune: the head
  double full_body = 1e-2;  ///< full fine-tune: the pretrained body's W and b
  double lora_head = 3e-2;  ///< LoRA: the head
  double lora = 1e-2;       ///< LoRA: every A and B
  double alpha = 8;         ///< LoRA's alpha: the update is scaled by alpha / r
};
// [method]

/// \brief A network made ready for one method: the layers, and what the optimizer gets.
template <class T>
struct Prepared {
  Sequential<T> net;                  ///< the network to train (LoRA: with LoRADense layers)
  std::vector<ParamGroup<T>> groups;  ///< what is trained, at which starting rate
  arma::uword trainable = 0;          ///< numbers in the groups (the head included)
};

// [prepare]
/// \brief Turn chapter 12's pretrained body + new head into the network a method trains.
///
/// Linear probe and full fine-tune keep the network as it is and differ in the groups; LoRA
/// wraps every Dense layer of the body in a LoRADense (A drawn from `rng_A`) and hands over
/// every A and B, and the head.
/// \param tn the pretrained body with its new head (moved in)
/// \param rng_A draws the A matrices (LoRA only)
template <class T>
Prepared<T> prepare(TransferNet<T>&& tn, const Adaptation& method, const Rates& rates,
                    course::Rng& rng_A) {
  Prepared<T> p;
  const auto head = tn.head_params();
  if (method.kind == Adaptation::LinearProbe) {
    p.groups = {{head, rates.probe, "head"}};  // the body is frozen: not handed over
    p.net = std::move(tn.net);
  } else if (method.kind == Adaptation::FullFineTune) {
    p.groups = {{tn.body_params(), rates.full_body, "body"}, {head, rates.full_head, "head"}};
    p.net = std::move(tn.net);
  } else {
    std::vector<std::size_t> body_dense;  // e.g. {0, 2}: the hidden layers
    for (std::size_t l = 0; l < tn.n_body_layers; ++l)
      if (tn.net.layer(l).kind() == "Dense") body_dense.push_back(l);
    p.net = with_lora(tn.net, body_dense, method.rank, rates.alpha, rng_A);
    std::vector<Param<T>> adapters;  // every A and B; W0, b0 stay out
    for (std::size_t l : body_dense)
      for (auto& q : p.net.layer(l).params(std::to_string(l) + ".")) adapters.push_back(q);
    const std::size_t h = p.net.size() - 1;  // the head, a plain Dense, trained whole
    p.groups = {{adapters, rates.lora, "LoRA A, B"},
                {p.net.layer(h).params(std::to_string(h) + "."), rates.lora_head, "head"}};
  }
  for (const auto& g : p.groups)
    for (const auto& q : g.params) p.trainable += q.value->n_elem;
  return p;
}
// [prepare]

// [train_groups]
/// \brief Train the groups with Adam, each from its own rate, all along one cosine to 0 over
/// `recipe.epochs(n)` epochs of batches of `recipe.batch_size` (chapter 12's recipe).
///
/// The group optimizer's base rate is the cosine's factor, from 1 down to 0, so group g's rate
/// at update t is \f$\eta_g \cdot \tfrac{1}{2}(1 + \cos(\pi t / T))\f$.
/// \param X (784 x n) training images; \param labels (n) classes 0 .. K-1
/// \return the mean training loss of the last epoch
template <class T>
double train_groups(Sequential<T>& net, const std::vector<ParamGroup<T>>& groups,
                    const arma::Mat<T>& X, const arma::uvec& labels, arma::uword n_classes,
                    const FewShotRecipe& recipe, course::Rng& rng) {
  const arma::Mat<T> Y = course::one_hot<arma::Mat<T>>(labels, n_classes);  // (K x n) targets
  const arma::uword epochs = recipe.epochs(X.n_cols);
  const arma::uword batches = (X.n_cols + recipe.batch_size - 1) / recipe.batch_size;
  SoftmaxCrossEntropy<T> loss;
  GroupOptimizer<T> optimizer(
      groups, 1.0, [](std::vector<Param<T>> p) { return std::make_unique<Adam<T>>(std::move(p)); });
  Trainer<T> trainer(net, loss, optimizer, recipe.batch_size);
  follow(trainer, optimizer, CosineSchedule{1.0, 0.0, epochs * batches});  // factor 1 -> 0
  double L = 0;
  for (arma::uword epoch = 1; epoch <= epochs; ++epoch) L = trainer.train_epoch(X, Y, rng, epoch);
  return L;
}
// [train_groups]

}  // namespace mlp
