/// \file
/// \brief Which BLAS kernel the matrix products run on, and the choice of a faster one when
/// OpenBLAS does not know the CPU.
///
/// OpenBLAS picks its kernels for the CPU when the library loads. A release that predates the
/// CPU may not recognise it and falls back to a generic kernel (on a 2023 Xeon, OpenBLAS 0.3.21
/// picks "Prescott", an SSE3 kernel from 2004) that runs the course three to five times slower
/// than the AVX2 or AVX-512 kernels it also ships. Every chapter therefore (1) asks OpenBLAS
/// which kernel it runs and says so, and (2) when that kernel is such a fallback and the CPU has
/// the instructions of a kernel the course has validated (its whole test suite passes on it),
/// starts itself again with `OPENBLAS_CORETYPE` naming that kernel. A kernel the user chose with
/// `OPENBLAS_CORETYPE` is never overridden.
/// What it leaves out on purpose: other BLAS libraries' kernel choices (they are reported as
/// "unknown kernel" and left alone).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace course {

/// What the run's BLAS is and who chose its kernel.
struct BlasInfo {
  std::string library;    ///< e.g. "OpenBLAS 0.3.21" ("" when it is not OpenBLAS)
  std::string kernel;     ///< e.g. "SkylakeX" ("" when the library does not say)
  std::string chosen_by;  ///< "OpenBLAS", "OPENBLAS_CORETYPE" (the user) or "the course"
  std::string detected;   ///< when the course chose: the fallback OpenBLAS had picked itself

  /// One line for the start of a run, e.g. "BLAS: OpenBLAS 0.3.21, kernel SkylakeX (chosen by
  /// the course: OpenBLAS fell back to Prescott on this CPU)".
  std::string line() const;
  /// The same as a JSON object for summary.json.
  nlohmann::json json() const;
};

/// \brief Ask the loaded BLAS what it is and which kernel it runs.
BlasInfo blas_info();

/// \brief The kernel to ask OpenBLAS for instead of `detected`, or "" to keep it.
///
/// Only generic fallbacks (Prescott, Core2, Nehalem, Sandybridge, ...) are replaced: by
/// "SkylakeX" when the CPU has AVX-512 (F, BW, DQ, VL), else by "Haswell" when it has AVX2 and
/// FMA. Both are validated here: the course's whole test suite passes on each.
std::string better_kernel(const std::string& detected, bool avx2_fma, bool avx512);

/// \brief If OpenBLAS runs a fallback kernel that better_kernel() would replace, and the user
/// did not choose one, start this program again (same arguments) with OPENBLAS_CORETYPE set.
/// Call it first thing in main, before any matrix product. Returns if nothing is to be done
/// (or the restart failed, in which case the run goes on with the fallback).
void use_best_blas_kernel(char** argv);

}  // namespace course
