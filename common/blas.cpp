// The BLAS kernel (see blas.hpp).
#include "common/blas.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace course {
namespace {

/// Ask OpenBLAS a question by name, through the BLAS already loaded (nothing links OpenBLAS
/// directly, so another BLAS simply has no answer).
std::string openblas_says(const char* function) {
  using Get = char* (*)();
  if (auto f = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, function)))
    if (const char* s = f()) return s;
  return "";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

std::string BlasInfo::line() const {
  if (library.empty()) return "BLAS: not OpenBLAS (kernel unknown)";
  std::string s = "BLAS: " + library + ", kernel " + kernel;
  if (chosen_by == "the course")
    s += " (chosen by the course: OpenBLAS fell back to " + detected + " on this CPU)";
  else if (chosen_by == "OPENBLAS_CORETYPE")
    s += " (chosen by OPENBLAS_CORETYPE)";
  else
    s += " (chosen by OpenBLAS for this CPU)";
  return s;
}

nlohmann::json BlasInfo::json() const {
  nlohmann::json j = {{"library", library}, {"kernel", kernel}, {"chosen_by", chosen_by}};
  if (!detected.empty()) j["openblas_detected"] = detected;
  return j;
}

BlasInfo blas_info() {
  BlasInfo info;
  const std::string config = openblas_says("openblas_get_config");  // "OpenBLAS 0.3.21 ..."
  if (config.rfind("OpenBLAS", 0) != 0) return info;
  const std::size_t version_end = config.find(' ', 9);
  info.library = config.substr(0, version_end);
  info.kernel = openblas_says("openblas_get_corename");
  if (env("COURSE_BLAS_DETECTED")) {
    info.chosen_by = "the course";
    info.detected = env("COURSE_BLAS_DETECTED");
  } else {
    info.chosen_by = env("OPENBLAS_CORETYPE") ? "OPENBLAS_CORETYPE" : "OpenBLAS";
  }
  return info;
}

std::string better_kernel(const std::string& detected, bool avx2_fma, bool avx512) {
  // OpenBLAS's generic x86-64 kernels, older than AVX2: what it falls back to on a CPU it does
  // not know (driver/others/dynamic.c).
  static const std::vector<std::string> fallbacks = {
      "katmai",    "coppermine",  "northwood", "prescott",   "banias",      "core2",
      "penryn",    "dunnington",  "nehalem",   "atom",       "opteron",     "opteron_sse3",
      "barcelona", "bobcat",      "bulldozer", "piledriver", "steamroller", "excavator",
      "nano",      "sandybridge", "unknown"};
  if (std::find(fallbacks.begin(), fallbacks.end(), lower(detected)) == fallbacks.end()) return "";
  if (avx512) return "SkylakeX";
  if (avx2_fma) return "Haswell";
  return "";
}

void use_best_blas_kernel(char** argv) {
  if (env("OPENBLAS_CORETYPE") || env("COURSE_BLAS_DETECTED")) return;  // chosen already
  const BlasInfo info = blas_info();
  if (info.library.empty()) return;
  __builtin_cpu_init();
  const bool avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  const std::string kernel = better_kernel(info.kernel, avx2_fma, avx512);
  if (kernel.empty()) return;
  // OpenBLAS reads OPENBLAS_CORETYPE when it loads: only a new start of the program sees it.
  setenv("OPENBLAS_CORETYPE", kernel.c_str(), 1);
  setenv("COURSE_BLAS_DETECTED", info.kernel.c_str(), 1);
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE");  // the restart failed: go on as we were
  unsetenv("COURSE_BLAS_DETECTED");
}

}  // namespace course
