/// \file
/// \brief Chapter 05: scikit-learn's `train_test_split(..., test_size=f, random_state=N)`,
/// reproduced exactly for a float test size, no stratification and shuffling on.
///
/// What it is: the rule of scikit-learn's ShuffleSplit (which train_test_split calls): the test
/// part has \f$ n_{test} = \lceil f\,n \rceil \f$ samples, the training part the rest; one
/// permutation from `RandomState(N)` orders them: its first \f$ n_{test} \f$ entries are the
/// test indices, the remaining ones the training indices, in that order.
/// What it leaves out on purpose: integer test sizes, `train_size`, `stratify`, `shuffle=False`.
#pragma once

#include <armadillo>
#include <cmath>
#include <cstdint>
#include <string>

#include "chapters/05_article_iris/numpy_random.hpp"
#include "common/error.hpp"
#include "common/matrix.hpp"

namespace article_iris {

// [split]
/// \brief The indices `train_test_split(range(n), test_size=test_size, random_state=seed)` returns.
/// \param n number of samples; \param test_size fraction in (0, 1); \param seed 0 .. 2^32 - 1
/// \return train: (n - n_test) indices, test: (n_test) indices, both in scikit-learn's order
inline course::Split train_test_split(arma::uword n, double test_size, std::uint32_t seed) {
  if (!(test_size > 0.0 && test_size < 1.0))
    throw course::UsageError("test_size must be in (0, 1), got " + std::to_string(test_size));
  const auto n_test = static_cast<arma::uword>(std::ceil(test_size * n));  // ceil(0.2 * 150) = 30
  if (n_test == 0 || n_test >= n)
    throw course::UsageError("a test size of " + std::to_string(test_size) +
                             " leaves no sample for " + (n_test == 0 ? "testing" : "training") +
                             " among " + std::to_string(n));
  RandomState rng(seed);                    // check_random_state(random_state)
  const arma::uvec p = rng.permutation(n);  // rng.permutation(n_samples)
  course::Split s;
  s.test = p.head(n_test);       // permutation[:n_test]
  s.train = p.tail(n - n_test);  // permutation[n_test:n_test + n_train]
  return s;
}
// [split]

}  // namespace article_iris
