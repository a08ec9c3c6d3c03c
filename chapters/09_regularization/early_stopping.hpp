/// \file
/// \brief Chapter 09: early stopping on a validation set: remember the parameters of the best
/// epoch so far, stop when `patience` epochs bring no improvement, and restore the best.
///
/// The validation set is carved from the training data (here, as in Nielsen's book, MNIST's
/// last 10,000 training images), so choosing the epoch never looks at the test set.
/// Omits: stopping on the validation *loss* with a minimum improvement (Keras' `min_delta`),
/// and Prechelt's (1998) generalization-loss criteria.
#pragma once

#include <limits>
#include <vector>

#include "chapters/06_mlp/layer.hpp"
#include "common/error.hpp"

namespace mlp {

// [early_stopping]
/// \brief Keeps a copy of the parameters at the best validation score seen so far.
///
/// Call record() after every epoch with the validation score (higher is better, e.g. accuracy);
/// it copies the parameter values when the score beats the best so far. should_stop() is true
/// once `patience` epochs in a row have not beaten it; restore() writes the best values back.
template <class T>
class EarlyStopping {
 public:
  /// \param params the parameters to snapshot and restore (usually net.params())
  /// \param patience_ epochs without improvement before should_stop() (Nielsen's
  ///        "no-improvement-in-n"); 0 never stops, it only tracks and restores the best
  EarlyStopping(std::vector<Param<T>> params, arma::uword patience_)
      : patience(patience_), params_(std::move(params)) {
    for (const auto& p : params_) best_.emplace_back(*p.value);  // allocated once, here
  }

  /// \brief Report the validation score after an epoch (epochs counted from 1).
  /// \return true when it beats every earlier score (the parameters were copied); a tie keeps
  /// the earlier epoch
  bool record(arma::uword epoch, double score) {
    if (epoch == 0) throw course::Error("EarlyStopping::record: epochs are counted from 1");
    last_epoch_ = epoch;
    if (!(score > best_score_)) return false;
    best_score_ = score;
    best_epoch_ = epoch;
    for (std::size_t i = 0; i < params_.size(); ++i) best_[i] = *params_[i].value;  // snapshot
    return true;
  }

  /// \brief True once `patience` epochs since the best have passed (never when patience is 0).
  bool should_stop() const { return patience > 0 && last_epoch_ >= best_epoch_ + patience; }

  /// \brief Copy the best epoch's values back into the parameters.
  void restore() {
    if (best_epoch_ == 0) throw course::Error("EarlyStopping::restore: no epoch was recorded");
    for (std::size_t i = 0; i < params_.size(); ++i) *params_[i].value = best_[i];
  }

  arma::uword best_epoch() const { return best_epoch_; }  ///< 0 before any record()
  double best_score() const { return best_score_; }
  arma::uword patience;  ///< epochs without improvement before stopping (0: never)

 private:
  std::vector<Param<T>> params_;
  std::vector<arma::Mat<T>> best_;  // one copy per parameter, same shapes
  double best_score_ = -std::numeric_limits<double>::infinity();
  arma::uword best_epoch_ = 0, last_epoch_ = 0;
};
// [early_stopping]

}  // namespace mlp
