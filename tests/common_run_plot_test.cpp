// Tests for common/run.hpp and common/plot.hpp: exit codes and one-line errors, atomic writes,
// summary.json, and plots that come with their CSV (or a clear error without gnuplot).
#define BOOST_TEST_MODULE common_run_plot
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/chapter.hpp"
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
  const auto p =
      fs::temp_directory_path() / ("course_run_test_" + name + std::to_string(::getpid()));
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

/// Run a course::Chapter with a knob --epochs (quick 3, full 30) and the given arguments;
/// returns exit code, stderr, stdout, and the epochs the body saw (0 if it did not run).
struct ChapterRun {
  int code = 0;
  std::string err, out;
  unsigned epochs = 0;
};

ChapterRun run_chapter(std::vector<std::string> args,
                       const std::function<nlohmann::json(const CommonOptions&)>& body) {
  Chapter chapter("99_test", "a test chapter");
  unsigned epochs = 3;
  chapter.knob("--epochs", epochs, "epochs", 30);
  ChapterRun r;
  args.insert(args.begin(), "ch99_test");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::stringstream err, out;
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  r.code = chapter.run(static_cast<int>(argv.size()), argv.data(), [&](const CommonOptions& c) {
    r.epochs = epochs;
    return body(c);
  });
  std::cerr.rdbuf(old_err);
  std::cout.rdbuf(old_out);
  r.err = err.str();
  r.out = out.str();
  return r;
}

BOOST_AUTO_TEST_CASE(chapter_knobs_take_their_full_default_only_with_full) {
  const auto dir = temp_dir("knobs");
  const auto body = [](const CommonOptions&) { return nlohmann::json{{"headline", "ok"}}; };
  const std::string out = (dir / "o").string();
  BOOST_TEST(run_chapter({"--out", out, "--no-plots"}, body).epochs == 3u);
  BOOST_TEST(run_chapter({"--out", out, "--full"}, body).epochs == 30u);
  BOOST_TEST(run_chapter({"--out", out, "--full", "--epochs", "7"}, body).epochs == 7u);
  const auto help = run_chapter({"--help"}, body);
  BOOST_TEST(help.code == 0);
  BOOST_TEST(help.out.find("epochs (--full: 30)") != std::string::npos, help.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(chapter_writes_the_common_summary_fields) {
  const auto dir = temp_dir("summary");
  const auto r = run_chapter(
      {"--out", (dir / "o").string(), "--seed", "7", "--full"}, [](const CommonOptions&) {
        return nlohmann::json{{"headline", "h"}, {"timing_seconds", {{"step", 1.5}}}};
      });
  BOOST_TEST(r.code == 0);
  std::ifstream js(dir / "o" / "summary.json");
  const auto j = nlohmann::json::parse(js);
  BOOST_TEST(j["chapter"].get<std::string>() == "99_test");
  BOOST_TEST(j["seed"].get<int>() == 7);
  BOOST_TEST(j["full"].get<bool>() == true);
  BOOST_TEST(j["headline"].get<std::string>() == "h");
  BOOST_TEST(j["timing_seconds"]["step"].get<double>() == 1.5);
  BOOST_TEST(j["timing_seconds"]["total"].get<double>() >= 0.0);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_refused_run_leaves_no_new_output_folder) {
  const auto dir = temp_dir("refused");
  const fs::path out = dir / "new" / "deeper";
  const auto r = run_chapter({"--out", out.string()}, [](const CommonOptions&) -> nlohmann::json {
    throw Error("data.csv: file not found");
  });
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "ch99_test: error: data.csv: file not found\n");
  BOOST_TEST(!fs::exists(dir / "new"));  // both folders it made are gone again
  BOOST_TEST(fs::exists(dir));           // the one that was there stays
  // A folder that existed before the run stays, even when empty.
  fs::create_directories(out);
  run_chapter({"--out", out.string()},
              [](const CommonOptions&) -> nlohmann::json { throw Error("x"); });
  BOOST_TEST(fs::exists(out));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(read_file_refuses_special_and_oversized_files) {
  const auto dir = temp_dir("read");
  const std::string small = (dir / "small.bin").string();
  std::ofstream(small) << "12345";
  BOOST_TEST(read_file(small, 5, "a test file") == "12345");
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(message([&] { read_file(small, 4, "a test file"); }) ==
             small + ": 5 bytes, more than the 4 expected of a test file");
  BOOST_TEST(message([&] { read_file("/dev/zero", 100, "a test file"); }) ==
             "/dev/zero: is not a regular file (a device or a pipe?), expected a test file");
  BOOST_TEST(message([&] { read_file(dir.string(), 100, "a test file"); }) ==
             dir.string() + ": is a folder, expected a test file");
  BOOST_TEST(message([&] {
               read_file((dir / "none").string(), 100, "a test file", " (fix: x)");
             }) == (dir / "none").string() + ": file not found (fix: x)");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(number_formats) {
  BOOST_TEST(fixed(0.06245, 3) == "0.062");
  BOOST_TEST(percent(0.9279) == "92.79%");
  BOOST_TEST(percent(0.8, 0) == "80%");
  BOOST_TEST(scientific(1.3e-8) == "1.3e-08");
  BOOST_TEST(scientific(0.01, 1) == "1e-02");
  BOOST_TEST(fixed_list(std::vector<double>{0.5, -1.25}, 2) == "[0.50, -1.25]");
  BOOST_TEST(fixed_list(std::vector<double>{}, 2) == "[]");
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
  decision_regions(
      png("regions"), {"t", "x", "y"}, X2, labels, {"a", "b"},
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
