// Tests for common/blas.hpp: which kernels count as OpenBLAS's fallbacks, what replaces them on
// which CPU, and that the loaded BLAS answers.
#define BOOST_TEST_MODULE common_blas
#include <armadillo>
#include <boost/test/unit_test.hpp>

#include "common/blas.hpp"

using course::better_kernel;

BOOST_AUTO_TEST_CASE(a_fallback_kernel_is_replaced_by_the_best_the_cpu_can_run) {
  BOOST_TEST(better_kernel("Prescott", true, true) == "SkylakeX");
  BOOST_TEST(better_kernel("Prescott", true, false) == "Haswell");
  BOOST_TEST(better_kernel("Prescott", false, false) == "");  // an old CPU: Prescott is right
  BOOST_TEST(better_kernel("NEHALEM", true, false) == "Haswell");
  BOOST_TEST(better_kernel("Sandybridge", true, true) == "SkylakeX");
}

BOOST_AUTO_TEST_CASE(a_kernel_openblas_chose_for_the_cpu_is_kept) {
  for (const char* k : {"Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids"})
    BOOST_TEST(better_kernel(k, true, true) == "", k);
}

BOOST_AUTO_TEST_CASE(the_loaded_blas_says_what_it_is) {
  const arma::mat A(64, 64, arma::fill::ones);
  BOOST_TEST(arma::mat(A * A)(0, 0) == 64.0);  // a product through the BLAS the course links
  const course::BlasInfo info = course::blas_info();
  BOOST_TEST_MESSAGE(info.line());
  // The course links Debian's OpenBLAS (packages.txt); another BLAS would be reported as such.
  BOOST_TEST(info.library.rfind("OpenBLAS ", 0) == 0u, info.line());
  BOOST_TEST(!info.kernel.empty());
  BOOST_TEST(info.json()["kernel"].get<std::string>() == info.kernel);
}
