/// \file
/// \brief Chapter 04: XOR with a two-layer network: the data, what "solved" means, training by
/// full-batch gradient descent, and the success rate over many random starts.
///
/// What it is: the experiment of the chapter. Training uses the matrix form (batched.hpp);
/// the per-example form would give the same numbers (the tests check it). What it leaves out
/// on purpose: mini-batches and shuffling (4 examples: every step sees all of them), momentum,
/// restarts from a new random start when a run is stuck.
#pragma once

#include <armadillo>
#include <cstdint>
#include <vector>

#include "chapters/04_backprop/batched.hpp"
#include "chapters/04_backprop/two_layer_net.hpp"
#include "common/random.hpp"

namespace backprop {

// [xor_data]
/// \brief The four XOR examples as columns: \f$ y = x_1 \oplus x_2 \f$.
struct Xor {
  arma::mat X = {{0, 0, 1, 1},   // x1
                 {0, 1, 0, 1}};  // x2      (2 x 4)
  arma::mat Y = {{0, 1, 1, 0}};  // targets (1 x 4)
};
// [xor_data]

// [solved]
/// \brief XOR is solved when every output is on the right side of 0.5: \f$ \hat y > 0.5 \f$ exactly
/// where \f$ y = 1 \f$.
/// \param Y_hat (1 x 4) outputs; \param Y (1 x 4) targets 0/1
inline bool solved(const arma::mat& Y_hat, const arma::mat& Y) {
  for (arma::uword i = 0; i < Y_hat.n_elem; ++i)
    if ((Y_hat[i] > 0.5) != (Y[i] > 0.5)) return false;
  return true;
}
// [solved]

/// What one training run recorded.
struct TrainResult {
  std::vector<double> loss;         ///< loss before each update (entry e: after e updates)
  bool solved = false;              ///< solved() held after at most max_epochs updates
  arma::uword epochs_to_solve = 0;  ///< updates until solved() first held (if solved)
  double final_loss = 0;            ///< loss when training stopped
};

// [train]
/// \brief Full-batch gradient descent: each epoch is one forward pass over all examples, one
/// backward pass, one update of every parameter.
/// \param X (n_in x m) examples; \param Y (n_out x m) targets; \param eta learning rate
/// \param max_epochs updates at most; \param stop_when_solved stop as soon as solved() holds
inline TrainResult train(TwoLayerNet& net, const arma::mat& X, const arma::mat& Y, double eta,
                         arma::uword max_epochs, bool stop_when_solved) {
  TrainResult r;
  for (arma::uword epoch = 0;; ++epoch) {
    const BatchCache c = forward(net, X);  // forward
    const double L = loss(c.A2, Y);        // loss
    r.loss.push_back(L);
    r.final_loss = L;
    if (!r.solved && solved(c.A2, Y)) {
      r.solved = true;
      r.epochs_to_solve = epoch;
      if (stop_when_solved) break;
    }
    if (epoch == max_epochs) break;
    update(net, backward(net, X, Y, c), eta);  // backward, update
  }
  return r;
}
// [train]

/// Success of many random starts for one hidden-layer width.
struct WidthStudy {
  arma::uword n_hidden = 0;                  ///< hidden units
  arma::uword runs = 0;                      ///< random starts tried
  arma::uword successes = 0;                 ///< runs that solved XOR within max_epochs
  std::vector<arma::uword> epochs_to_solve;  ///< one per success
  std::vector<std::uint64_t> failed_seeds;   ///< the seed of each failed run
  std::vector<double> failed_final_loss;     ///< final loss of each failed run
  double rate() const { return runs ? static_cast<double>(successes) / runs : 0.0; }
};

// [success_rate]
/// \brief Train `runs` networks of one width on XOR, each from its own random start (seeds
/// first_seed, first_seed + 1, ...), and count how many solve it within max_epochs.
/// \param r init range (weights uniform in [-r, r)); \param eta learning rate
inline WidthStudy success_rate(arma::uword n_hidden, arma::uword runs, std::uint64_t first_seed,
                               double r, double eta, arma::uword max_epochs) {
  const Xor xor_data;
  WidthStudy s;
  s.n_hidden = n_hidden;
  s.runs = runs;
  for (arma::uword k = 0; k < runs; ++k) {
    course::Rng rng(first_seed + k);
    TwoLayerNet net(2, n_hidden, 1);
    init(net, r, rng);
    const TrainResult t = train(net, xor_data.X, xor_data.Y, eta, max_epochs, true);
    if (t.solved) {
      ++s.successes;
      s.epochs_to_solve.push_back(t.epochs_to_solve);
    } else {
      s.failed_seeds.push_back(first_seed + k);
      s.failed_final_loss.push_back(t.final_loss);
    }
  }
  return s;
}
// [success_rate]

}  // namespace backprop
