// Chapter 14 executable: going deep. Fashion-MNIST MLPs of one width at several depths, three
// kinds (plain, residual, residual + pre-norm layer norm), the same training budget for each:
//  1. the depth sweep: training loss per epoch, final training loss and test accuracy per depth;
//  2. the gradient probe: ||dL/dW|| of every Dense layer of the deepest networks at the start;
//  3. wide or deep: one hidden layer as wide as it takes to match the deepest network's size;
//  4. the verdict: does the deepest plain network train worse than the shallow one (He et al.'s
//     degradation), and does the deepest residual + layer-norm one train at least as well?
#include <string>
#include <vector>

#include "chapters/14_going_deep/experiments.hpp"
#include "chapters/14_going_deep/report.hpp"
#include "common/chapter.hpp"

namespace {

using going_deep::Kind;

/// A CLI11 check of one depth: an even number from 2 to 1000 (stem, two Dense per block, head).
CLI::Validator even_depth() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const long v = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || v < 2 || v > 1000 || v % 2 != 0)
          return "expected even depths from 2 to 1000 like 2,10,50, found '" + value + "'";
        return "";
      },
      "EVEN");
}

/// A CLI11 check of one network kind.
CLI::Validator kind_name() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        for (Kind k : mlp::all_kinds())
          if (mlp::kind_name(k) == value) return "";
        return "expected plain, residual or pre_norm, found '" + value + "'";
      },
      "KIND");
}

}  // namespace

using namespace going_deep;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "14_going_deep",
      "Chapter 14: going deep. Plain, residual and residual + layer-norm MLPs of\n"
      "one width at several depths on Fashion-MNIST, trained with the same budget.");
  Config c;
  std::vector<std::string> kinds = {"plain", "residual", "pre_norm"};
  chapter.option("--width", c.width, "units of every hidden layer")->check(CLI::Range(2, 4096));
  chapter
      .list_knob("--depths", c.depths, "depths (Dense layers), even",
                 std::vector<arma::uword>{2, 4, 8, 16, 32, 50})
      ->check(even_depth());
  chapter.list("--kinds", kinds, "networks: plain, residual, pre_norm")->check(kind_name());
  chapter.knob("--epochs", c.epochs, "epochs per network", 10)->check(CLI::Range(1, 1000));
  chapter.knob("--seeds", c.seeds, "runs per network, from seeds seed, seed+100, ...", 3)
      ->check(CLI::Range(1, 100));
  chapter.knob("--train-size", c.train_size, "training images, the first N of 60,000", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.knob("--test-size", c.test_size, "test images, the first N of 10,000", 10000)
      ->check(CLI::Range(1, 10000));
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter.option("--eta", c.eta, "Adam's learning rate at the start of the cosine schedule")
      ->check(course::positive());
  chapter
      .option("--probe-images", c.probe_images, "training images the gradient probe averages over")
      ->check(CLI::Range(1, 60000));
  chapter.app().add_flag("--unscaled", c.unscaled,
                         "leave out the 1/sqrt(blocks) scale of the residual branches");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    c.kinds.clear();
    for (const std::string& k : kinds) c.kinds.push_back(mlp::parse_kind(k));
    const Data d = load_data(common, c);
    print(d, c);
    const Sweep sweep = depth_sweep(d, c, common.seed);     // 1. every kind at every depth
    const Probe probe = gradient_probe(d, c, common.seed);  // 2. gradients at the start
    print(probe);
    const Wide wide = wide_or_deep(d, c, common.seed);  // 3. one wide layer, same size
    const Verdict v = verdict(sweep);                   // 4. the chapter's targets
    print(v, sweep);
    if (!common.no_plots) plot(sweep, probe, c, common);
    return summary(sweep, probe, wide, v, c);
  });
}
