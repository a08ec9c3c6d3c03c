/// \file
/// \brief A confusion matrix as a heatmap whose colour scale shows the mistakes: it runs up to
/// twice the largest off-diagonal count, so the diagonal saturates and the errors stand out.
/// Chapter 07 draws its MNIST and Fashion-MNIST matrices with it; later chapters reuse it.
///
/// What it leaves out on purpose: normalising rows to rates (the counts are what the lessons
/// quote).
#pragma once

#include <algorithm>
#include <armadillo>
#include <string>
#include <vector>

#include "common/plot.hpp"

namespace mlp {

/// \brief Draw a confusion matrix (row: true class, column: predicted class), coloured up to
/// twice the largest error count (PNG + CSV).
/// \param confusion (classes x classes) counts, e.g. from course::confusion_matrix
inline void plot_confusion(const std::string& png, course::PlotOptions o,
                           const arma::umat& confusion, const std::vector<std::string>& names) {
  arma::umat errors = confusion;
  errors.diag().zeros();
  o.extra += (o.extra.empty() ? "" : "\n") + std::string("set cbrange [0:") +
             std::to_string(2 * std::max<arma::uword>(1, errors.max())) + "]";
  course::heatmap(png, o, arma::conv_to<arma::mat>::from(confusion), names, names);
}

}  // namespace mlp
