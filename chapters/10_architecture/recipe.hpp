/// \file
/// \brief Chapter 10: the one training recipe every experiment of the chapter uses, so that
/// networks differ only in what is being compared (the sizes, or one hyperparameter).
///
/// Recipe: the network of build_mlp (ReLU, He initialization), softmax + cross-entropy, Adam,
/// an optional L2 penalty, mini-batches in a new random order each epoch, a fixed number of
/// epochs. A seed fixes the initial weights and the batch order. Omits: early stopping and
/// learning-rate schedules (chapters 09 and 08): a fixed number of epochs is the budget.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/10_architecture/architecture.hpp"
#include "chapters/10_architecture/l2_penalty.hpp"
#include "common/run.hpp"

namespace mlp {

/// The training hyperparameters that are not the architecture.
struct Recipe {
  arma::uword epochs = 5;        ///< passes over the training data (the budget)
  arma::uword batch_size = 128;  ///< examples per mini-batch
  double eta = 1e-3;             ///< Adam's learning rate \f$\eta\f$
  double lambda = 0;             ///< L2 penalty \f$\lambda\f$ on the weights (0: none)
};

/// What a training run reports besides the network.
struct FitReport {
  double seconds = 0;             ///< wall-clock training time (not the scoring)
  double cpu_seconds = 0;         ///< processor time of the same (all threads): unlike the wall
                                  ///< clock, it barely changes when other programs share the machine
  double final_loss = 0;          ///< mean training loss of the last epoch (without the penalty)
  bool diverged = false;          ///< the loss became NaN or infinite; training stopped there
};

// [fit]
/// \brief Build the network `sizes` describes and train it by the recipe.
/// \param X (n_0 x n) training examples; \param Y (n_L x n) one-hot targets
/// \param seed fixes the initial weights and the order of the batches
/// \param report optional: time, last loss, divergence
/// \param label when not empty, a progress line "label epoch e/E" is shown
/// \return the trained network
template <class T>
Sequential<T> fit(const LayerSizes& sizes, const Recipe& recipe, const arma::Mat<T>& X,
                  const arma::Mat<T>& Y, std::uint64_t seed, FitReport* report = nullptr,
                  const std::string& label = "") {
  course::Timer timer;
  const std::clock_t cpu_start = std::clock();
  course::Rng rng(seed);
  Sequential<T> net = build_mlp<T>(sizes, rng);
  SoftmaxCrossEntropy<T> loss;
  Adam<T> adam(net.params(), recipe.eta);
  WithL2<T> adam_l2(adam, recipe.lambda);
  Optimizer<T>& optimizer = recipe.lambda > 0 ? static_cast<Optimizer<T>&>(adam_l2) : adam;
  Trainer<T> trainer(net, loss, optimizer, recipe.batch_size);
  FitReport r;
  for (arma::uword epoch = 1; epoch <= recipe.epochs; ++epoch) {
    std::unique_ptr<course::Progress> progress;
    if (!label.empty())
      progress = std::make_unique<course::Progress>(
          label + " epoch " + std::to_string(epoch) + "/" + std::to_string(recipe.epochs), X.n_cols);
    try {
      r.final_loss = trainer.train_epoch(X, Y, rng, epoch, progress.get());
    } catch (const course::Error&) {  // the loss is not finite: report it, keep the network
      r.diverged = true;
      break;
    }
  }
  r.seconds = timer.seconds();
  r.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (report) *report = r;
  return net;
}
// [fit]

}  // namespace mlp
