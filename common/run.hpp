/// \file
/// \brief Run plumbing under the chapter scaffold (common/chapter.hpp): the common flags
/// (CLI11), error handling with exit codes, a progress line, a timer, number formats and
/// `summary.json` (nlohmann-json).
///
/// Chapters use it through course::Chapter; `run_main` is the part of it that turns failures
/// into one line and an exit code, also used by the benchmark.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/files.hpp"

namespace course {

/// Flags every chapter has.
struct CommonOptions {
  explicit CommonOptions(std::string program_name)
      : program(std::move(program_name)), out_dir("output/" + program) {}
  std::string program;      ///< e.g. "ch01_perceptron"
  std::uint64_t seed = 42;  ///< --seed: the one seed of the run's generator
  std::string data_dir;     ///< --data: dataset folder (empty: the registry's default)
  std::string out_dir;      ///< --out: where plots, CSVs and summary.json go
  bool full = false;        ///< --full: the lesson's run (slower), instead of the quick default
  bool no_plots = false;    ///< --no-plots: skip gnuplot (tests, machines without it)
  int threads = 1;          ///< --threads: OpenBLAS threads (1 is fastest for small batches)

  /// Path of a file in the output folder.
  std::string out(const std::string& file) const { return out_dir + "/" + file; }
};

/// \brief A CLI11 check that a flag's value is a number > 0 (learning rates, scales).
/// Its message reads "--eta: must be a number > 0, found -0.5".
CLI::Validator positive();

/// \brief Set the number of OpenBLAS threads (no effect with another BLAS).
///
/// Every chapter runs with 1 unless `--threads` says more: on the course's 2-core machine a
/// second thread gained a few percent at batches 10 and 32, lost 42% at batch 128, and is
/// several times slower whenever the other core is busy (README, "Speed").
void set_blas_threads(int threads);

/// \brief Register --seed, --data, --out, --full, --no-plots and --threads on a CLI11 app.
void add_common_options(CLI::App& app, CommonOptions& options);

/// \brief Parse flags and run the experiment, turning every failure into one line and an exit code.
///
/// After parsing it sets the BLAS threads from `--threads` (default 1).
/// - `--help`: prints the help, exit 0.
/// - a flag CLI11 rejects (unknown, malformed, out of range) or a course::UsageError: exit 2.
/// - a course::Error (bad file, missing dataset ...) or any other exception: exit 1.
/// The line reads `<program>: error: <message>`.
int run_main(CLI::App& app, int argc, char** argv, const std::function<void()>& experiment,
             int threads = 1);

/// \brief Write `summary.json` into the output folder (atomically, 2-space indented).
///
/// Keep wall-clock numbers under the key "timing_seconds": everything else in a summary must be
/// identical for two runs with the same seed.
void write_summary(const std::string& out_dir, const nlohmann::json& summary);

/// Wall-clock timer (steady clock).
class Timer {
 public:
  Timer() : start_(std::chrono::steady_clock::now()) {}
  /// Seconds since construction or the last reset().
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void reset() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

/// \brief A progress line on stderr for long loops: a redrawn bar on a terminal; when stderr
/// is piped, a plain line every 2 s (and the last), nothing for loops shorter than that.
class Progress {
 public:
  /// \param label what is counted, e.g. "epoch"; \param total how many steps there are
  Progress(std::string label, std::size_t total);
  /// Report that `done` of `total` steps are finished, with a short status (e.g. the loss).
  void update(std::size_t done, const std::string& status = "");
  /// End the line (on a terminal).
  ~Progress();

 private:
  std::string label_;
  std::size_t total_;
  bool tty_;
  Timer since_print_;
  bool printed_ = false;
};

/// \brief A number with a fixed number of decimals: fixed(0.06245, 3) is "0.062".
std::string fixed(double value, int decimals);

/// \brief A fraction as a percentage: percent(0.9279) is "92.79%", percent(0.8, 0) is "80%".
std::string percent(double fraction, int decimals = 2);

/// \brief A whole number with thousands separated: grouped(1234567) is "1,234,567" (rounded).
std::string grouped(double value);

/// \brief A number in scientific notation with `digits` significant digits:
/// scientific(1.3e-8) is "1.3e-08", scientific(0.01, 1) is "1e-02".
std::string scientific(double value, int digits = 2);

/// \brief Numbers in brackets, each with a fixed number of decimals: fixed_list(v, 2) is
/// "[0.50, -1.25]" (any vector with size() and [], e.g. arma::vec or std::vector<double>).
template <class Vector>
std::string fixed_list(const Vector& values, int decimals) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + fixed(values[i], decimals);
  return s + "]";
}

}  // namespace course
