// Run plumbing (see run.hpp).
#include "common/run.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.hpp"

namespace course {
namespace {

std::string one_line(std::string s) {
  for (auto& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

CLI::Validator positive() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size() || !(v > 0) || !std::isfinite(v))
          return "must be a number > 0, found " + value;
        return "";
      },
      "> 0");
}

void add_common_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--seed", o.seed, "seed of the run's random generator")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            // CLI11 would read "-3" as 2^64 - 3: reject a sign before it converts.
            const std::string max = "18446744073709551615";  // 2^64 - 1
            if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos ||
                v.size() > max.size() || (v.size() == max.size() && v > max))
              return "must be a whole number from 0 to 2^64 - 1, found " + v;
            return "";
          },
          "UINT"))
      ->capture_default_str();
  app.add_option("--data", o.data_dir, "dataset folder (default: the course's datasets/)");
  app.add_option("--out", o.out_dir, "output folder for plots, CSVs and summary.json")
      ->capture_default_str();
  app.add_flag("--full", o.full, "the lesson's full run (slower) instead of the quick default");
  app.add_flag("--no-plots", o.no_plots, "write CSVs and summary.json but no PNG plots");
  app.add_option("--threads", o.threads, "BLAS threads (1 is fastest for small batches here)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

void set_blas_threads(int threads) {
  // OpenBLAS exports openblas_set_num_threads; look it up in the BLAS already loaded, so that
  // nothing links against OpenBLAS directly (another BLAS simply ignores this).
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    f(threads);
}

int run_main(CLI::App& app, int argc, char** argv, const std::function<void()>& experiment,
             int threads) {
  const std::string program = app.get_name().empty() ? std::string(argv[0]) : app.get_name();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": error: " << one_line(e.what()) << " (see --help)" << std::endl;
    return 2;
  }
  // --threads, when the app has it (add_common_options), else the caller's default.
  if (auto* opt = app.get_option_no_throw("--threads"); opt && opt->count() > 0)
    threads = opt->as<int>();
  set_blas_threads(threads);
  remove_pending_file_on_signals();
  try {
    experiment();
    return 0;
  } catch (const UsageError& e) {
    std::cerr << program << ": error: " << one_line(e.what()) << " (see --help)" << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << one_line(e.what()) << std::endl;
    return 1;
  }
}

void write_summary(const std::string& out_dir, const nlohmann::json& summary) {
  make_out_dir(out_dir);
  write_file_atomic(out_dir + "/summary.json", summary.dump(2) + "\n");
}

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::update(std::size_t done, const std::string& status) {
  const bool last = done >= total_;
  if (tty_) {
    if (!last && printed_ && since_print_.seconds() < 0.1) return;
    std::cout.flush();  // keep stdout's lines ahead of the progress line
    const int width = 24;
    const int filled = total_ ? static_cast<int>(width * done / total_) : width;
    std::cerr << "\r  [" << std::string(filled, '#') << std::string(width - filled, '.') << "] "
              << label_ << " " << done << "/" << total_ << "  " << status << "\033[K" << std::flush;
  } else {
    // Piped: quiet for short loops; a line every 2 s (and the last) for long ones.
    if (last ? !printed_ : since_print_.seconds() < 2.0) return;
    std::cout.flush();
    std::cerr << "  " << label_ << " " << done << "/" << total_ << "  " << status << "\n";
  }
  printed_ = true;
  since_print_.reset();
}

Progress::~Progress() {
  if (tty_ && printed_) std::cerr << "\n";
}

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << value;
  return s.str();
}

std::string percent(double fraction, int decimals) { return fixed(100 * fraction, decimals) + "%"; }

std::string grouped(double value) {
  std::string s = std::to_string(static_cast<long long>(std::llround(value)));
  const int first = s[0] == '-' ? 1 : 0;
  for (int i = int(s.size()) - 3; i > first; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

std::string scientific(double value, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*e", digits > 0 ? digits - 1 : 0, value);
  return buf;
}

}  // namespace course
