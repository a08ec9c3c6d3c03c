// What the two benchmarks (bench_mlp, bench_gpt) share: the statistics of repeated timings and
// running their PyTorch peer scripts. Not part of any chapter, and nothing here is tested:
// benchmarks only measure.
#pragma once

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace bench {

/// Median, smallest and largest of repeated timings.
struct Stats {
  double median = 0, min = 0, max = 0;
  nlohmann::json json() const { return {{"median", median}, {"min", min}, {"max", max}}; }
};

inline Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

/// \brief Seconds of CPU time this process has used. Unlike wall-clock time, it does not grow
/// while other processes hold the core, so on a shared machine it measures what a
/// single-threaded computation costs (with 1 BLAS thread, OpenBLAS computes in the caller's
/// thread). Python's time.process_time() reads the same clock.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// Wall-clock and CPU seconds of the same calls.
struct Times {
  Stats wall, cpu;
  nlohmann::json json() const { return {{"wall", wall.json()}, {"cpu", cpu.json()}}; }
};

/// \brief Time `n` calls of f, each alone (no warm-up call: the caller makes one if needed).
template <class F>
Times time_calls(std::size_t n, F&& f) {
  std::vector<double> wall, cpu;
  for (std::size_t i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    f();
    cpu.push_back(cpu_seconds() - cpu_start);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return {stats(wall), stats(cpu)};
}

/// \brief Run `script` with `arguments` under Debian's python3 (where python3-torch lives, even
/// when another python3 comes first on PATH); \return the JSON object of its last output line.
inline nlohmann::json run_python(const std::string& script, const std::string& arguments) {
  const std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string cmd = python + " " + script + " " + arguments + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw course::Error("cannot run: " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe.get())) out += buf;
  const auto brace = out.rfind("{\"");
  if (brace == std::string::npos) throw course::Error(script + " failed: " + out);
  return nlohmann::json::parse(out.substr(brace));
}

}  // namespace bench
