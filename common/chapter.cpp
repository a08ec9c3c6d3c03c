// The chapter scaffold (see chapter.hpp).
#include "common/chapter.hpp"

#include <filesystem>
#include <iostream>

#include "common/blas.hpp"

namespace course {
namespace {

namespace fs = std::filesystem;

/// The output folder of one run. Created at the start; if the run fails before it writes
/// anything there, the folders this run created are removed again, so a run that refuses its
/// input leaves nothing behind.
class OutputFolder {
 public:
  explicit OutputFolder(const std::string& dir) {
    // The outermost folder that does not exist yet: everything from it down is ours.
    std::error_code ec;
    for (fs::path p = fs::absolute(dir, ec); !p.empty() && !fs::exists(p, ec);
         p = p.parent_path()) {
      first_created_ = p;
      if (p == p.parent_path()) break;
    }
    make_out_dir(dir);
    dir_ = dir;
  }
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  /// The run succeeded: keep the folder whatever it holds.
  void keep() { first_created_.clear(); }
  ~OutputFolder() {
    if (first_created_.empty()) return;
    std::error_code ec;
    // Remove the empty folders this run made, innermost first; stop at the first that is not.
    for (fs::path p = fs::absolute(dir_, ec);; p = p.parent_path()) {
      if (!fs::is_directory(p, ec) || !fs::is_empty(p, ec) || !fs::remove(p, ec)) break;
      if (p == first_created_ || p == p.parent_path()) break;
    }
  }

 private:
  std::string dir_;
  fs::path first_created_;  // empty: the folder existed before the run (or the run succeeded)
};

}  // namespace

Chapter::Chapter(const std::string& id, const std::string& description)
    : id_(id), app_(description, "ch" + id), common_("ch" + id) {
  add_common_options(app_, common_);
}

int Chapter::run(int argc, char** argv, const Body& body) {
  use_best_blas_kernel(argv);  // may start the program again, on a validated faster kernel
  return run_main(app_, argc, argv, [&] {
    Timer timer;
    const BlasInfo blas = blas_info();
    std::cout << blas.line() << "\n";
    if (common_.full)
      for (auto& apply_full_default : full_defaults_) apply_full_default();
    OutputFolder folder(common_.out_dir);
    nlohmann::json summary = body(common_);
    summary["chapter"] = id_;
    summary["seed"] = common_.seed;
    summary["full"] = common_.full;
    summary["blas"] = blas.json();
    summary["timing_seconds"]["total"] = timer.seconds();
    write_summary(common_.out_dir, summary);
    folder.keep();
    std::cout << "wrote " << common_.out("summary.json")
              << (common_.no_plots ? "" : ", the plots and their CSVs") << "\n";
  });
}

}  // namespace course
