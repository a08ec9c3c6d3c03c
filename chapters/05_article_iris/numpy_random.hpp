/// \file
/// \brief Chapter 05: numpy's legacy random generator (`np.random.RandomState`, `np.random.seed`),
/// written out so that the C++ port draws exactly the numbers the article's Python draws.
///
/// What it is: the Mersenne Twister MT19937 (Matsumoto and Nishimura 1998) seeded the way
/// `RandomState(seed)` seeds it from an integer (`init_genrand`), and the three legacy methods the
/// article's program uses through scikit-learn and numpy: bounded integers (`random_interval`),
/// `permutation(n)` (Fisher-Yates from the end) and the standard normal of `randn` (the polar
/// method). Bit for bit, for seeds 0 .. 2^32 - 1. The lesson explains them in its appendix.
/// What it leaves out on purpose: seeding from arrays or from the operating system, numpy's newer
/// `Generator` API (PCG64, a different algorithm), and every other distribution. The rest of the
/// course uses course::Rng; this file exists only to match numpy.
#pragma once

#include <armadillo>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include "common/error.hpp"

namespace article_iris {

// [mt19937]
/// \brief MT19937, the 32-bit Mersenne Twister, as in numpy's legacy generator (and as
/// `std::mt19937`, which the C++ standard specifies with the same seeding).
///
/// State: 624 words. Seeding (`init_genrand`):
/// \f$ k_0 = s,\; k_i = 1812433253\,(k_{i-1} \oplus (k_{i-1} \gg 30)) + i \pmod{2^{32}} \f$.
class MT19937 {
 public:
  /// \brief The state `RandomState(seed)` starts from. \param seed 0 .. 2^32 - 1
  explicit MT19937(std::uint32_t seed) {
    key_[0] = seed;
    for (std::uint32_t i = 1; i < N; ++i)
      key_[i] = 1812433253u * (key_[i - 1] ^ (key_[i - 1] >> 30)) + i;  // mod 2^32 by wrap-around
    pos_ = N;  // the first draw regenerates the whole block
  }

  /// \brief Next 32-bit output (`genrand_int32`): regenerate the block when used up, then temper.
  std::uint32_t next32() {
    if (pos_ == N) generate();
    std::uint32_t y = key_[pos_++];
    y ^= y >> 11;  // tempering: a fixed invertible bit mix
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

 private:
  static constexpr std::uint32_t N = 624, M = 397;

  /// The twist: each word mixes the top bit of word i with the low 31 bits of word i+1.
  void generate() {
    for (std::uint32_t i = 0; i < N; ++i) {
      const std::uint32_t y = (key_[i] & 0x80000000u) | (key_[(i + 1) % N] & 0x7fffffffu);
      key_[i] = key_[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    pos_ = 0;
  }

  std::array<std::uint32_t, N> key_{};
  std::uint32_t pos_ = N;
};
// [mt19937]

/// \brief numpy's legacy `RandomState`: MT19937 plus the legacy ways of turning its 32-bit
/// outputs into bounded integers, permutations and normal numbers.
class RandomState {
 public:
  /// \brief `np.random.RandomState(seed)` or `np.random.seed(seed)`. \param seed 0 .. 2^32 - 1
  explicit RandomState(std::uint32_t seed) : mt_(seed) {}

  /// \brief One raw 32-bit draw.
  std::uint32_t next32() { return mt_.next32(); }

  // [interval]
  /// \brief A uniform integer in [0, max] by masked rejection (numpy's `random_interval`).
  ///
  /// The mask is the smallest \f$2^k - 1 \ge \f$ max; draws are masked and rejected while above
  /// max, so each value is equally likely and the number of draws consumed is random. Only the
  /// 32-bit branch is written (max < 2^32; numpy then uses 64-bit draws).
  /// \param max the largest value returned
  std::uint32_t random_interval(std::uint64_t max) {
    if (max > 0xffffffffu)
      throw course::Error("random_interval: max above 2^32 - 1 is not implemented");
    if (max == 0) return 0;
    std::uint64_t mask = max;  // smallest 2^k - 1 >= max: copy the top bit into every lower bit
    for (int shift : {1, 2, 4, 8, 16}) mask |= mask >> shift;
    std::uint64_t value;
    do {
      value = next32() & mask;  // a k-bit number
    } while (value > max);      // reject values above max (fewer than half of them)
    return static_cast<std::uint32_t>(value);
  }
  // [interval]

  // [permutation]
  /// \brief `RandomState.permutation(n)`: shuffle 0 .. n-1 by Fisher-Yates, from the last
  /// position down: for i = n-1 .. 1, swap entry i with entry j = random_interval(i).
  /// \return (n) a permutation of 0 .. n-1
  arma::uvec permutation(arma::uword n) {
    arma::uvec p(n);
    for (arma::uword i = 0; i < n; ++i) p[i] = i;  // np.arange(n)
    for (arma::uword i = n; i-- > 1;) std::swap(p[i], p[random_interval(i)]);
    return p;
  }
  // [permutation]

  // [gauss]
  /// \brief A uniform double in [0, 1) with 53 random bits from two draws (numpy's legacy
  /// `random_sample`): \f$ (a \cdot 2^{26} + b) / 2^{53} \f$, a = draw >> 5, b = draw >> 6.
  double random_double() {
    const std::uint32_t a = next32() >> 5, b = next32() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /// \brief A standard normal number as `np.random.randn` draws it (the polar method of Marsaglia).
  ///
  /// Draw \f$ x_1, x_2 \f$ uniform in (-1, 1) until \f$ 0 < r^2 = x_1^2 + x_2^2 < 1 \f$; then
  /// \f$ f = \sqrt{-2 \ln r^2 / r^2} \f$ and \f$ f x_1 \f$, \f$ f x_2 \f$ are two independent
  /// normals. The second, \f$ f x_2 \f$, is returned first; \f$ f x_1 \f$ is kept for the next
  /// call.
  double standard_normal() {
    if (has_gauss_) {
      has_gauss_ = false;
      return gauss_;
    }
    double x1, x2, r2;
    do {
      x1 = 2.0 * random_double() - 1.0;
      x2 = 2.0 * random_double() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);  // keep points strictly inside the unit disc
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    gauss_ = f * x1;
    has_gauss_ = true;
    return f * x2;
  }
  // [gauss]

  // [randn]
  /// \brief `np.random.randn(n_in, n_out)` as this course stores it: the numpy array is
  /// (n_in x n_out) and filled row by row; its transpose, (n_out x n_in), is the same numbers
  /// filled column by column, which is how Armadillo stores a matrix.
  /// \return (n_out x n_in) the transpose of numpy's randn(n_in, n_out)
  arma::mat randn_transposed(arma::uword n_in, arma::uword n_out) {
    arma::mat W(n_out, n_in);
    for (double& w : W) w = standard_normal();  // column-major order = numpy's row-major order
    return W;
  }

  /// \brief `np.random.randn(n)`: n standard normal numbers, a vector. \return (n)
  arma::vec randn(arma::uword n) {
    arma::vec v(n);
    for (double& x : v) x = standard_normal();
    return v;
  }
  // [randn]

 private:
  MT19937 mt_;
  bool has_gauss_ = false;  ///< a second normal from the last polar step is waiting
  double gauss_ = 0.0;      ///< that normal
};

}  // namespace article_iris
