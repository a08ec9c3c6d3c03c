// Chapter 05 executable: the article's iris listing, fixed one bug at a time. The table of
// contents: the data as the listing prepares it; the six stages for one weight seed; the stages
// that run, over many weight seeds; a learning-rate sweep. Then printing, plots (PNG + CSV) and
// summary.json, each its own step.
#include <iostream>
#include <string>

#include "chapters/05_article_iris/experiments.hpp"
#include "chapters/05_article_iris/report.hpp"
#include "common/chapter.hpp"
#include "common/data.hpp"

using namespace article_iris;

int main(int argc, char** argv) {
  course::Chapter chapter("05_article_iris",
                          "Chapter 05: the article's iris listing (4-5-3, sigmoid hidden layer, "
                          "linear output),\nported with its bugs as switches, fixed one at a "
                          "time and measured, then tuned.");
  Config c;
  std::uint32_t weight_seed = 0;
  chapter
      .option("--weight-seed", weight_seed,
              "np.random.seed(N) before the listing draws its weights (default: --seed)")
      ->check(CLI::Range(0u, 4294967295u));
  chapter
      .option("--split-seed", c.split_seed,
              "random_state of train_test_split(test_size=0.2) (0 .. 4294967295)")
      ->check(CLI::Range(0u, 4294967295u));
  chapter.option("--eta", c.eta, "the listing's learning rate")->check(course::positive());
  chapter.option("--tuned-eta", c.tuned_eta, "learning rate of the tuned network")
      ->check(course::positive());
  chapter.option("--epochs", c.epochs, "full-batch steps, every stage")
      ->check(CLI::Range(1, 1000000));
  chapter.option("--hidden", c.n_hidden, "hidden units")->check(CLI::Range(1, 1000));
  chapter.knob("--seeds", c.n_seeds, "weight seeds 0 .. N-1 in the seed study", 200)
      ->check(CLI::Range(1, 100000));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    if (!chapter.given("--weight-seed") && common.seed > 0xffffffffu)
      throw course::UsageError("--seed: numpy seeds are 0 .. 4294967295, found " +
                               std::to_string(common.seed));
    const auto seed =
        chapter.given("--weight-seed") ? weight_seed : static_cast<std::uint32_t>(common.seed);
    const course::Dataset iris = course::load_iris(common.data_dir);
    // [toc]
    const IrisData d = prepare(iris, c.split_seed);    // the listing's data
    const StageTable table = stage_table(d, c, seed);  // 1. six stages, one seed
    print(d, table, c);
    const SeedStudy study = seed_study(d, c);  // 2. the stages that run, many seeds
    print(study, c);
    const LrSweep sweep = lr_sweep(d, c, seed);  // 3. the learning rate
    print(sweep, c);
    if (!common.no_plots) plot(table, study, sweep, c, common);
    return summary(d, table, study, sweep, c);
    // [toc]
  });
}
