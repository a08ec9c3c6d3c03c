/// \file
/// \brief The chapter scaffold: what every chapter's executable shares, so that its `main.cpp`
/// can be a table of contents of the lesson's experiments.
///
/// A `Chapter` owns the CLI11 app and the common flags (`--seed`, `--data`, `--out`, `--full`,
/// `--no-plots`, `--threads`), the chapter's own flags with their quick and `--full` defaults,
/// the run's timer and `summary.json`. A chapter's main reads like this:
/// \code
/// int main(int argc, char** argv) {
///   course::Chapter chapter("06_mlp", "Chapter 06: Nielsen's network.py on MNIST.");
///   Config c;
///   chapter.knob("--epochs", c.epochs, "epochs", /*full=*/30);
///   chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
///   return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
///     const Data d = load_data(common);            // each experiment: a named function
///     const Runs r = train_runs(d, c, common.seed); // that returns a result struct
///     print(r);
///     if (!common.no_plots) plot(r, c, common);
///     return summary(r, c);                         // the chapter's own summary fields
///   });
/// }
/// \endcode
/// What it leaves out on purpose: anything a lesson teaches. It only parses, times and writes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/run.hpp"

namespace course {

/// \brief The common part of every chapter's executable (see the file's description).
class Chapter {
 public:
  /// The experiments: given the parsed common flags, run them and return the chapter's own
  /// summary fields (at least "headline").
  using Body = std::function<nlohmann::json(const CommonOptions&)>;

  /// \param id the chapter's folder name, e.g. "06_mlp" (the program is "ch06_mlp")
  /// \param description one or two lines for `--help`
  Chapter(const std::string& id, const std::string& description);

  /// \brief A chapter flag with one default, shown in `--help` (e.g. `--eta`).
  template <class V>
  CLI::Option* option(const std::string& flag, V& value, const std::string& help) {
    return app_.add_option(flag, value, help)->capture_default_str();
  }

  /// \brief A chapter flag whose default is different in the `--full` run: `--help` shows
  /// "epochs (--full: 30)" next to the quick default, and `run` applies `full_value` when
  /// `--full` is given and the flag is not.
  template <class V, class F>
  CLI::Option* knob(const std::string& flag, V& value, const std::string& help, F full_value) {
    const V full = static_cast<V>(full_value);
    CLI::Option* opt = option(flag, value, help + " (--full: " + text_of(full) + ")");
    full_defaults_.push_back([opt, &value, full] {
      if (opt->count() == 0) value = full;
    });
    return opt;
  }

  /// \brief A comma-separated list flag, e.g. `--widths 16,32,64`.
  template <class V>
  CLI::Option* list(const std::string& flag, std::vector<V>& values, const std::string& help) {
    return option(flag, values, help)->delimiter(',');
  }

  /// \brief A comma-separated list flag whose default is different in the `--full` run.
  template <class V>
  CLI::Option* list_knob(const std::string& flag, std::vector<V>& values, const std::string& help,
                         const std::vector<V>& full_values) {
    return knob(flag, values, help, full_values)->delimiter(',');
  }

  /// \brief Whether a chapter flag was given on the command line (after `run` has parsed).
  bool given(const std::string& flag) const { return app_.count(flag) > 0; }

  /// The CLI11 app, for what the helpers above do not cover (flags, checks, exclusions).
  CLI::App& app() { return app_; }

  /// \brief Parse the flags, run `body`, write `summary.json`; return the exit code.
  ///
  /// In order: move to a validated faster BLAS kernel if OpenBLAS fell back to a generic one
  /// (common/blas.hpp); parse (a rejected flag: one line, exit 2); print the BLAS kernel; apply the `--full` defaults of the
  /// knobs not given; set the BLAS threads; create the output folder; run `body`; add the common
  /// fields ("chapter", "seed", "full", "blas", and "total" under "timing_seconds") to what it returns
  /// and write `summary.json` atomically. An exception ends the run with one line (exit 1 for a
  /// course::Error, 2 for a course::UsageError) and removes the output folder if this run
  /// created it and left it empty.
  int run(int argc, char** argv, const Body& body);

 private:
  template <class V>
  static std::string text_of(const V& v) {
    std::ostringstream s;
    s << std::boolalpha << v;
    return s.str();
  }
  template <class V>
  static std::string text_of(const std::vector<V>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + text_of(x);
    return s;
  }

  std::string id_;
  CLI::App app_;
  CommonOptions common_;
  std::vector<std::function<void()>> full_defaults_;
};

}  // namespace course
