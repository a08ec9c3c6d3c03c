/// \file
/// \brief Chapter 11: a subset of a labelled image set by class, and the pretraining task's:
/// MNIST's digits 0-4 (chapter 12 fine-tunes on the digits 5-9, which pretraining never sees).
///
/// Omits: stratified sampling (the subset keeps the file's order; `limit` keeps the first ones).
#pragma once

#include <string>

#include "common/data.hpp"
#include "common/error.hpp"

namespace mlp {

// [select_classes]
/// \brief The images whose label lies in [first, last], relabelled to 0 .. last - first
/// (digits 5-9 become classes 0-4), in the order of the file.
/// \param images (pixels x n) images and their labels
/// \param limit keep at most this many (0: all)
/// \return (pixels x k) images, k labels in 0 .. last - first
inline course::ImageSet select_classes(const course::ImageSet& images, arma::uword first,
                                       arma::uword last, arma::uword limit = 0) {
  if (first > last)
    throw course::UsageError("select_classes: first class " + std::to_string(first) +
                             " is after the last " + std::to_string(last));
  arma::uvec keep = arma::find(images.labels >= first && images.labels <= last);
  if (limit && keep.n_elem > limit) keep = keep.head(limit);
  course::ImageSet out;
  out.X = images.X.cols(keep);  // (pixels x k)
  out.labels = images.labels.elem(keep) - first;
  out.rows = images.rows;
  out.cols = images.cols;
  return out;
}
// [select_classes]

/// \brief The pretraining task: MNIST's digits 0-4 of one file, in the file's order.
/// \param split "train" or "test"; \param data_dir the dataset folder (empty: the default)
/// \param limit keep at most this many (0: all)
/// \return (784 x k) images, labels 0-4
inline course::ImageSet digits_0_to_4(const std::string& split, const std::string& data_dir,
                                      arma::uword limit = 0) {
  return select_classes(course::load_images("mnist", split, data_dir), 0, 4, limit);
}

}  // namespace mlp
