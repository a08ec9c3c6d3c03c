/// \file
/// \brief Chapter 10: the one training recipe every experiment of the chapter uses, so that
/// networks differ only in what is being compared (the sizes, or one hyperparameter).
///
/// FitRecipe: the network of build_mlp (ReLU, He initialization), softmax + cross-entropy, Adam,
/// an optional L2 penalty (chapter 09's), mini-batches in a new random order each epoch, a fixed
/// number of epochs. A seed fixes the initial weights and the batch order. Omits: early stopping
/// and learning-rate schedules (chapters 09 and 08): a fixed number of epochs is the budget.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/09_regularization/penalties.hpp"
#include "chapters/10_architecture/architecture.hpp"
#include "common/run.hpp"

namespace mlp {

/// \brief The training hyperparameters fit() uses that are not the architecture.
struct FitRecipe {
  arma::uword epochs = 5;        ///< passes over the training data (the budget)
  arma::uword batch_size = 128;  ///< examples per mini-batch
  double eta = 1e-3;             ///< Adam's learning rate \f$\eta\f$
  double lambda = 0;  ///< L2 strength \f$\lambda\f$ per example (see l2_per_example), 0: none
};

// [l2_per_example]
/// \brief Chapter 09's L2 penalty for a \f$\lambda\f$ given per example:
/// \f[ \Omega(W) = \frac{\lambda}{2} \sum_l \lVert W^{(l)} \rVert_F^2, \qquad
///     \frac{\partial \Omega}{\partial W} = \lambda W , \f]
/// added to the mean loss of a batch. Chapter 09 writes the same penalty in Nielsen's form,
/// \f$\frac{\lambda_{09}}{2n} \sum w^2\f$ for a training set of n examples, so
/// \f$\lambda_{09} = n \lambda\f$: this chapter's \f$\lambda\f$ does not change its meaning when
/// a search trains on fewer images than the final run.
/// \param params the network's parameters (the biases are left out, as in chapter 09)
/// \param lambda \f$\lambda \ge 0\f$ per example; \param n the training set's size
template <class T>
L2Penalty<T> l2_per_example(const std::vector<Param<T>>& params, double lambda, arma::uword n) {
  return L2Penalty<T>(weights_only(params), lambda * double(n), n);  // lambda_09 = n lambda
}
// [l2_per_example]

/// \brief A network trained by fit(), and what the training reported.
template <class T>
struct Fitted {
  Sequential<T> net;       ///< the trained network
  double seconds = 0;      ///< wall-clock training time (not the scoring)
  double cpu_seconds = 0;  ///< processor time of the same (all threads): unlike the wall clock,
                           ///< it barely changes when other programs share the machine
  double final_loss = 0;   ///< mean training loss of the last epoch (without the penalty)
  bool diverged = false;   ///< the loss became NaN or infinite; training stopped there
};

// [fit]
/// \brief Build the network `sizes` describes and train it by the recipe.
/// \param X (n_0 x n) training examples; \param Y (n_L x n) one-hot targets
/// \param seed fixes the initial weights and the order of the batches
/// \param label when not empty, a progress line "label epoch e/E" is shown
/// \return the trained network, its training time, last loss and divergence
template <class T>
Fitted<T> fit(const LayerSizes& sizes, const FitRecipe& recipe, const arma::Mat<T>& X,
              const arma::Mat<T>& Y, std::uint64_t seed, const std::string& label = "") {
  course::Timer timer;
  const std::clock_t cpu_start = std::clock();
  course::Rng rng(seed);
  Fitted<T> r{build_mlp<T>(sizes, rng)};
  SoftmaxCrossEntropy<T> loss;
  Adam<T> adam(r.net.params(), recipe.eta);
  L2Penalty<T> l2 = l2_per_example(r.net.params(), recipe.lambda, X.n_cols);
  Regularized<T> adam_l2(adam, l2);  // chapter 09: dW += lambda W, then Adam's step
  Optimizer<T>& optimizer = recipe.lambda > 0 ? static_cast<Optimizer<T>&>(adam_l2) : adam;
  Trainer<T> trainer(r.net, loss, optimizer, recipe.batch_size);
  for (arma::uword epoch = 1; epoch <= recipe.epochs; ++epoch) {
    std::unique_ptr<course::Progress> progress;
    if (!label.empty())
      progress = std::make_unique<course::Progress>(
          label + " epoch " + std::to_string(epoch) + "/" + std::to_string(recipe.epochs),
          X.n_cols);
    try {
      r.final_loss = trainer.train_epoch(X, Y, rng, epoch, progress.get());
    } catch (const course::Error&) {  // the loss is not finite: report it, keep the network
      r.diverged = true;
      break;
    }
  }
  r.seconds = timer.seconds();
  r.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return r;
}
// [fit]

}  // namespace mlp
