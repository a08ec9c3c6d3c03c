/// \file
/// \brief Chapter 09: data augmentation by random shifts: every training image moved by up to
/// s pixels in each direction, anew for every epoch, the pixels that enter filled with 0.
///
/// A digit moved by a pixel or two is the same digit, so the label is kept: the network sees a
/// slightly different training set in every epoch and cannot memorize the exact pixels. Simard,
/// Steinkraus and Platt (2003) used such distortions (and elastic ones) to bring an MLP on MNIST
/// from 98.4% to 99.3%. Omits: rotations, scaling, elastic distortions and sub-pixel shifts.
#pragma once

#include <armadillo>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

// [shift_image]
/// \brief Move one image by (dx, dy) pixels: \f$ \text{out}(r, c) = \text{in}(r - dy, c - dx) \f$,
/// 0 where \f$ (r - dy, c - dx) \f$ falls outside the image.
///
/// Positive dx moves the picture right, positive dy down. Pixels are stored row after row, as
/// course::ImageSet keeps them (index \f$ r \cdot \text{cols} + c \f$). Pixels moved out of the
/// frame are lost; when the picture keeps a margin of at least |dx| and |dy| blank pixels, the
/// shift loses nothing and keeps the pixel sum.
/// \param in rows*cols pixels; \param out rows*cols pixels (must not alias in)
template <class T>
void shift_image(const T* in, T* out, arma::uword rows, arma::uword cols, int dx, int dy) {
  const auto R = static_cast<long>(rows), C = static_cast<long>(cols);
  for (long r = 0; r < R; ++r)
    for (long c = 0; c < C; ++c) {
      const long r_in = r - dy, c_in = c - dx;  // where this output pixel comes from
      const bool inside = r_in >= 0 && r_in < R && c_in >= 0 && c_in < C;
      out[r * C + c] = inside ? in[r_in * C + c_in] : T(0);
    }
}
// [shift_image]

// [random_shifts]
/// \brief Shift every column (image) of X by its own random (dx, dy), each drawn uniformly from
/// \f$ \{-s, \dots, s\} \f$ (so \f$ (2s+1)^2 \f$ possible shifts, one of them no shift).
///
/// Column j of X_out is column j of X moved, so the labels of X are the labels of X_out.
/// X_out keeps its memory from call to call: after the first epoch nothing is allocated.
/// \param X (rows*cols x n) images; \param X_out (rows*cols x n) result (must not alias X)
/// \param max_shift s, in pixels
template <class T>
void random_shifts(const arma::Mat<T>& X, arma::uword rows, arma::uword cols, int max_shift,
                   course::Rng& rng, arma::Mat<T>& X_out) {
  if (X.n_rows != rows * cols)
    throw course::Error("random_shifts: images of " + std::to_string(rows) + " x " +
                        std::to_string(cols) + " need " + std::to_string(rows * cols) +
                        " rows, X has " + std::to_string(X.n_rows));
  if (max_shift < 0) throw course::UsageError("random_shifts: max_shift must be >= 0");
  X_out.set_size(X.n_rows, X.n_cols);
  const auto choices = static_cast<std::uint64_t>(2 * max_shift + 1);
  for (arma::uword j = 0; j < X.n_cols; ++j) {
    const int dx = static_cast<int>(course::uniform_index(rng, choices)) - max_shift;  // -s..s
    const int dy = static_cast<int>(course::uniform_index(rng, choices)) - max_shift;  // -s..s
    shift_image(X.colptr(j), X_out.colptr(j), rows, cols, dx, dy);
  }
}
// [random_shifts]

}  // namespace mlp
