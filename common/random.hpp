/// \file
/// \brief One seeded random generator per run, and the few distributions the course needs.
///
/// The standard library's distributions (std::normal_distribution, std::shuffle ...) are
/// implementation-defined, so the same seed could give other numbers with another compiler.
/// These are written out so a seed means the same numbers everywhere. Not cryptographic.
#pragma once

#include <armadillo>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace course {

/// The generator every run creates once from `--seed` and passes explicitly (64-bit Mersenne Twister).
using Rng = std::mt19937_64;

/// \brief Uniform double in [0, 1): the top 53 bits of one draw.
inline double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

/// \brief Uniform double in [lo, hi).
inline double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

/// \brief Uniform integer in [0, n), unbiased (rejection of the last partial block).
/// \param n number of choices, n > 0
inline std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t r;
  do {
    r = rng();
  } while (r >= limit);
  return r % n;
}

/// \brief Standard normal N(0, 1) by the Box-Muller transform (one value per call).
inline double normal(Rng& rng) {
  const double u1 = 1.0 - uniform01(rng);  // in (0, 1]: log(u1) stays finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/// \brief Fill a matrix with N(0, stddev^2) values, column by column.
template <class Mat>
void fill_normal(Mat& M, Rng& rng, double stddev = 1.0) {
  for (auto& v : M) v = static_cast<typename Mat::elem_type>(stddev * normal(rng));
}

/// \brief Fill a matrix with uniform values in [lo, hi), column by column.
template <class Mat>
void fill_uniform(Mat& M, Rng& rng, double lo, double hi) {
  for (auto& v : M) v = static_cast<typename Mat::elem_type>(uniform(rng, lo, hi));
}

/// \brief Shuffle a vector in place (Fisher-Yates, with uniform_index).
template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_index(rng, i)]);
}

/// \brief Shuffle an Armadillo index vector in place (Fisher-Yates).
inline void shuffle(arma::uvec& v, Rng& rng) {
  for (arma::uword i = v.n_elem; i > 1; --i) std::swap(v[i - 1], v[uniform_index(rng, i)]);
}

/// \brief A random permutation of 0 .. n-1.
inline arma::uvec permutation(arma::uword n, Rng& rng) {
  arma::uvec p = arma::regspace<arma::uvec>(0, n - 1);
  if (n == 0) p.reset();
  shuffle(p, rng);
  return p;
}

}  // namespace course
