/// \file
/// \brief A Boost.Test global fixture that runs a test module with one OpenBLAS thread, as the
/// chapters run by default (`--threads 1`): their matrices are small, and on a shared machine
/// extra BLAS threads only wait for each other. Use: `BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);`
///
/// What it leaves out on purpose: restoring the previous count (a test module is one process).
#pragma once

#include "common/run.hpp"

/// Sets OpenBLAS to one thread for the whole test module.
struct OneBlasThread {
  OneBlasThread() { course::set_blas_threads(1); }
};
