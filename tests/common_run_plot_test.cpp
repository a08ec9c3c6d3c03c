// Tests for common/run.hpp and common/plot.hpp: exit codes and one-line errors, atomic writes,
// summary.json, and plots that come with their CSV (or a clear error without gnuplot).
#define BOOST_TEST_MODULE common_run_plot
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

using namespace course;
namespace fs = std::filesystem;

namespace {

/// Run `run_main` with the given arguments; returns exit code and what it wrote to stderr.
std::pair<int, std::string> run(std::vector<std::string> args, const std::function<void()>& body) {
  CLI::App app{"test", "prog"};
  CommonOptions common("prog");
  add_common_options(app, common);
  double eta = 1.0;
  app.add_option("--eta", eta)->check(positive());
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::stringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  const int code = run_main(app, static_cast<int>(argv.size()), argv.data(), body);
  std::cerr.rdbuf(old);
  return {code, captured.str()};
}

fs::path temp_dir(const std::string& name) {
  const auto p = fs::temp_directory_path() / ("course_run_test_" + name + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(exit_codes_and_one_line_errors) {
  BOOST_TEST(run({}, [] {}).first == 0);
  const auto bad_flag = run({"--bogus"}, [] {});
  BOOST_TEST(bad_flag.first == 2);
  BOOST_TEST(bad_flag.second.rfind("prog: error: ", 0) == 0u);
  BOOST_TEST(bad_flag.second.find("--bogus") != std::string::npos);
  BOOST_TEST(std::count(bad_flag.second.begin(), bad_flag.second.end(), '\n') == 1);
  BOOST_TEST(run({"--eta", "-1"}, [] {}).first == 2);
  BOOST_TEST(run({}, [] { throw UsageError("k too large"); }).first == 2);
  const auto bad_file = run({}, [] { throw Error("x.csv:3: bad\nsecond line"); });
  BOOST_TEST(bad_file.first == 1);
  BOOST_TEST(bad_file.second == "prog: error: x.csv:3: bad second line\n");
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary_and_summary_is_json) {
  const auto dir = temp_dir("atomic");
  write_file_atomic((dir / "a.txt").string(), "hello");
  BOOST_TEST(!fs::exists(dir / "a.txt.tmp"));
  std::ifstream in(dir / "a.txt");
  std::string text;
  std::getline(in, text);
  BOOST_TEST(text == "hello");
  write_summary((dir / "sub").string(), {{"headline", "ok"}, {"n", 3}});
  std::ifstream js(dir / "sub" / "summary.json");
  const auto j = nlohmann::json::parse(js);
  BOOST_TEST(j["n"].get<int>() == 3);
  BOOST_CHECK_THROW(write_file_atomic((dir / "no" / "such" / "dir" / "f").string(), "x"), Error);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(each_plot_writes_a_png_and_its_csv) {
  if (!gnuplot_available()) {
    BOOST_TEST_MESSAGE("gnuplot not installed: plot files not checked");
    return;
  }
  const auto dir = temp_dir("plots");
  const auto png = [&](const std::string& n) { return (dir / (n + ".png")).string(); };
  line_plot(png("lines"), {"t", "x", "y"}, {{"a", {1, 2, 3}, {3, 1, 2}, "lines", {}}});
  const arma::mat X2 = {{0, 1, 0, 1}, {0, 0, 1, 1}};
  const arma::uvec labels = {0, 1, 1, 0};
  scatter_classes(png("scatter"), {"t", "x", "y"}, X2, labels, {"a", "b"});
  decision_regions(png("regions"), {"t", "x", "y"}, X2, labels, {"a", "b"},
                   [](double x, double y) { return x > y ? 1.0 : 0.0; }, true, 20);
  heatmap(png("heat"), {"t", "pred", "true"}, arma::mat{{5, 1}, {0, 4}}, {"a", "b"}, {"a", "b"});
  image_grid(png("grid"), {"t", "", ""}, arma::mat(4, 3, arma::fill::randu), 2, 2, 3,
             {"x", "y", "z"});
  for (const char* n : {"lines", "scatter", "regions", "heat", "grid"}) {
    BOOST_TEST(fs::file_size(dir / (std::string(n) + ".png")) > 1000u);
    BOOST_TEST(fs::file_size(dir / (std::string(n) + ".csv")) > 0u);
    BOOST_TEST(!fs::exists(dir / (std::string(n) + ".png.tmp.png")));
  }
  std::ifstream csv(dir / "lines.csv");
  std::string header;
  std::getline(csv, header);
  BOOST_TEST(header == "series,x,y,err");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(no_gnuplot_is_a_clear_error_not_sigpipe) {
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  const auto dir = temp_dir("nognuplot");
  std::string message;
  try {
    line_plot((dir / "x.png").string(), {"t", "x", "y"}, {{"a", {1}, {1}, "lines", {}}});
  } catch (const Error& e) {
    message = e.what();
  }
  setenv("PATH", saved.c_str(), 1);
  BOOST_TEST(message.find("gnuplot not found on PATH (install Debian package gnuplot-nox") !=
             std::string::npos);
  BOOST_TEST(!fs::exists(dir / "x.png"));
  fs::remove_all(dir);
}

// Ctrl-C while a file is being written: the run ends by the signal, and the half-written
// temporary file is gone (only complete files remain).
BOOST_AUTO_TEST_CASE(ctrl_c_leaves_no_half_written_file) {
  const auto dir = temp_dir("sigint");
  const std::string tmp = (dir / "summary.json.tmp").string();
  const pid_t child = fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    run({}, [&] {
      std::ofstream(tmp) << "{ half";
      PendingFile pending(tmp);
      std::raise(SIGINT);  // the user presses Ctrl-C here
    });
    _exit(0);  // not reached: SIGINT ends the child
  }
  int status = 0;
  waitpid(child, &status, 0);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGINT);
  BOOST_TEST(!fs::exists(tmp));
  fs::remove_all(dir);
}
