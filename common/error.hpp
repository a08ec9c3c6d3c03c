/// \file
/// \brief The two kinds of error a chapter reports: bad input (files, data) and bad usage (flags).
///
/// Both carry a complete one-line message a learner can act on; `run_main` prints it and
/// chooses the exit code (1 for Error, 2 for UsageError).
#pragma once

#include <stdexcept>
#include <string>

/// \brief The course's shared library (common/): data loading, matrix helpers, plots, run
/// plumbing and the gradient checker. No lesson's neural-network code lives here.
namespace course {

/// Bad input: a missing or malformed file, a dataset that is not there, a shape that does not fit.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Bad usage: a flag value out of range. Exits with code 2, like a flag the parser rejects.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace course
