/// \file
/// \brief Matrix helpers shared by every chapter: one-hot labels, argmax per column, a
/// standard scaler, mini-batch ranges, and seeded shuffles and splits.
///
/// Samples are columns everywhere: a data matrix `X` is (features x samples), labels are a
/// vector with one entry per column. Nothing here is neural-network code; the lessons write
/// that themselves.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/random.hpp"

namespace course {

/// A class label, 0 .. n_classes-1.
using Label = arma::uword;

/// \brief One-hot encode labels: column j is the unit vector e_{labels[j]}.
/// \param labels  (n) class indices, each < n_classes
/// \param n_classes number of classes K
/// \return (K x n) matrix of 0s and 1s
template <class Mat = arma::mat>
Mat one_hot(const arma::uvec& labels, arma::uword n_classes) {
  Mat Y(n_classes, labels.n_elem, arma::fill::zeros);
  for (arma::uword j = 0; j < labels.n_elem; ++j) {
    if (labels[j] >= n_classes)
      throw Error("one_hot: label " + std::to_string(labels[j]) + " at column " +
                  std::to_string(j) + " is not below n_classes = " + std::to_string(n_classes));
    Y(labels[j], j) = 1;
  }
  return Y;
}

/// \brief Row index of the largest entry of each column (the predicted class).
/// \param A (K x n) scores or probabilities
/// \return (n) indices; ties go to the first maximum
template <class Mat>
arma::uvec argmax_cols(const Mat& A) {
  return arma::index_max(A, 0).t();
}

/// \brief Columns [first, first + m) of X as a matrix that reads X's memory in place (no copy).
///
/// Armadillo makes such views only from a non-const pointer; the view is returned const, so
/// nothing writes through it. It is valid while X is alive and not resized.
/// \param X (n_rows x n) the data; \return (n_rows x m) a read-only view
template <class T>
const arma::Mat<T> column_view(const arma::Mat<T>& X, arma::uword first, arma::uword m) {
  if (first + m > X.n_cols)
    throw Error("column_view: columns " + std::to_string(first) + " to " +
                std::to_string(first + m) + " of a matrix with " + std::to_string(X.n_cols));
  return arma::Mat<T>(const_cast<T*>(X.colptr(first)), X.n_rows, m, /*copy_aux_mem=*/false,
                      /*strict=*/true);
}

/// \brief Fraction of columns whose argmax equals the label.
template <class Mat>
double accuracy(const Mat& A, const arma::uvec& labels) {
  if (labels.n_elem == 0) return 0.0;
  return static_cast<double>(arma::accu(argmax_cols(A) == labels)) / labels.n_elem;
}

/// \brief Standardize features: \f$ x' = (x - \mu) / \sigma \f$ per feature (row).
///
/// Like scikit-learn's StandardScaler: \f$\sigma\f$ is the population standard deviation
/// (divide by n, not n-1), and a feature with \f$\sigma = 0\f$ is only centred.
/// Fit on the training data only, then transform training and test data with the same numbers.
template <class Mat = arma::mat>
struct StandardScaler {
  using Vec = arma::Col<typename Mat::elem_type>;
  Vec mean;    ///< (features) per-feature mean of the fitted data
  Vec stddev;  ///< (features) per-feature population standard deviation (1 where it was 0)

  /// \brief Learn mean and population std of each row of X (features x samples).
  StandardScaler& fit(const Mat& X) {
    if (X.n_cols == 0) throw Error("StandardScaler::fit: no samples (X has 0 columns)");
    mean = arma::mean(X, 1);
    stddev = arma::stddev(X, 1, 1);  // norm_type 1: divide by n (population)
    stddev.transform([](auto s) { return s == 0 ? 1 : s; });
    return *this;
  }

  /// \brief Apply the learned shift and scale; X (features x samples) must have as many rows.
  Mat transform(const Mat& X) const {
    if (X.n_rows != mean.n_elem)
      throw Error("StandardScaler::transform: X has " + std::to_string(X.n_rows) +
                  " features, the scaler was fitted on " + std::to_string(mean.n_elem));
    Mat Xs = X;
    Xs.each_col() -= mean;
    Xs.each_col() /= stddev;
    return Xs;
  }

  /// \brief fit(X) then transform(X).
  Mat fit_transform(const Mat& X) { return fit(X).transform(X); }
};

/// A mini-batch as a half-open column range [first, first + size).
struct BatchRange {
  arma::uword first;  ///< first column
  arma::uword size;   ///< number of columns
  /// last column (inclusive), for Armadillo's `cols(first, last)`
  arma::uword last() const { return first + size - 1; }
};

/// \brief Split n columns into consecutive batches of batch_size; the last may be smaller.
///
/// A batch is then a view, `X.cols(r.first, r.last())`, not a copy: shuffle the data once per
/// epoch (see shuffle_columns) and walk the views.
inline std::vector<BatchRange> batch_ranges(arma::uword n, arma::uword batch_size) {
  if (batch_size == 0) throw UsageError("batch size must be at least 1");
  std::vector<BatchRange> ranges;
  for (arma::uword first = 0; first < n; first += batch_size)
    ranges.push_back({first, std::min(batch_size, n - first)});
  return ranges;
}

/// \brief Reorder the columns of X and the entries of labels by the same random permutation.
///
/// Writes into `X_out` / `labels_out`, which keep their memory from epoch to epoch.
template <class Mat>
void shuffle_columns(const Mat& X, const arma::uvec& labels, Rng& rng, Mat& X_out,
                     arma::uvec& labels_out) {
  const arma::uvec order = permutation(X.n_cols, rng);
  X_out.set_size(X.n_rows, X.n_cols);
  labels_out.set_size(labels.n_elem);
  for (arma::uword j = 0; j < order.n_elem; ++j) {
    X_out.col(j) = X.col(order[j]);
    labels_out[j] = labels[order[j]];
  }
}

/// Indices of a train/test split.
struct Split {
  arma::uvec train;  ///< column indices of the training part
  arma::uvec test;   ///< column indices of the test part
};

/// \brief Seeded random split: shuffle 0..n-1, the first `round(test_fraction * n)` are test.
/// (Chapter 05 reproduces scikit-learn's own rule when it must match it exactly.)
inline Split random_split(arma::uword n, double test_fraction, Rng& rng) {
  if (!(test_fraction > 0 && test_fraction < 1))
    throw UsageError("test fraction must be in (0, 1), got " + std::to_string(test_fraction));
  const arma::uvec p = permutation(n, rng);
  const auto n_test = static_cast<arma::uword>(std::lround(test_fraction * n));
  Split s;
  s.test = p.head(n_test);
  s.train = p.tail(n - n_test);
  return s;
}

/// Mean and sample standard deviation of repeated measurements (e.g. accuracies over seeds).
struct MeanSd {
  double mean = 0;  ///< arithmetic mean
  double sd = 0;    ///< sample standard deviation (divide by n - 1); 0 for a single value
};

/// \brief Mean and sample standard deviation of a list of values (error bars over seeds).
inline MeanSd mean_sd(const std::vector<double>& v) {
  MeanSd r;
  for (double x : v) r.mean += x / double(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - r.mean) * (x - r.mean);
    r.sd = std::sqrt(ss / double(v.size() - 1));
  }
  return r;
}

/// \brief The median of a list of values: the middle one after sorting (the upper middle one
/// for an even count); 0 for an empty list. Used for the wall-clock times of epochs.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// \brief Confusion matrix: entry (i, j) counts samples of true class i predicted as j.
inline arma::umat confusion_matrix(const arma::uvec& truth, const arma::uvec& predicted,
                                   arma::uword n_classes) {
  arma::umat C(n_classes, n_classes, arma::fill::zeros);
  for (arma::uword k = 0; k < truth.n_elem; ++k) ++C(truth[k], predicted[k]);
  return C;
}

}  // namespace course
