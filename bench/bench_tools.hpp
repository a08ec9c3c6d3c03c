// What the two benchmarks (bench_mlp, bench_gpt) share: the statistics of repeated timings and
// running their PyTorch peer scripts. Not part of any chapter, and nothing here is tested:
// benchmarks only measure.
#pragma once

#include <unistd.h>

#include <algorithm>
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
