// Chapter 05 executable: the article's iris listing, fixed one bug at a time. The table of
// contents: the data as the listing prepares it; the six stages for one weight seed; the stages
// that run, over many weight seeds; a learning-rate sweep. Then printing, plots (PNG + CSV) and
// summary.json, each its own step.
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/05_article_iris/experiments.hpp"
#include "chapters/05_article_iris/report.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

using namespace article_iris;

int main(int argc, char** argv) {
  CLI::App app{
      "Chapter 05: the article's iris listing (4-5-3, sigmoid hidden layer, linear output),\n"
      "ported with its bugs as switches, fixed one at a time and measured, then tuned.",
      "ch05_article_iris"};
  course::CommonOptions common("ch05_article_iris");
  course::add_common_options(app, common);
  Config c;
  std::uint32_t weight_seed = 0;
  app.add_option("--weight-seed", weight_seed,
                 "np.random.seed(N) before the listing draws its weights (default: --seed)")
      ->check(CLI::Range(0u, 4294967295u));
  app.add_option("--split-seed", c.split_seed,
                 "random_state of train_test_split(test_size=0.2) (0 .. 4294967295)")
      ->check(CLI::Range(0u, 4294967295u))
      ->capture_default_str();
  app.add_option("--eta", c.eta, "the listing's learning rate")
      ->check(course::positive())
      ->capture_default_str();
  app.add_option("--tuned-eta", c.tuned_eta, "learning rate of the tuned network")
      ->check(course::positive())
      ->capture_default_str();
  app.add_option("--epochs", c.epochs, "full-batch steps, every stage")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--hidden", c.n_hidden, "hidden units")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--seeds", c.n_seeds, "weight seeds 0 .. N-1 in the seed study (--full: 200)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    if (app.count("--weight-seed") == 0 && common.seed > 0xffffffffu)
      throw course::UsageError("--seed: numpy seeds are 0 .. 4294967295, found " +
                               std::to_string(common.seed));
    const auto seed = app.count("--weight-seed") ? weight_seed
                                                 : static_cast<std::uint32_t>(common.seed);
    if (common.full && app.count("--seeds") == 0) c.n_seeds = 200;
    const course::Dataset iris = course::load_iris(common.data_dir);
    course::make_out_dir(common.out_dir);

    // [toc]
    const IrisData d = prepare(iris, c.split_seed);          // the listing's data
    const StageTable table = stage_table(d, c, seed);        // 1. six stages, one seed
    print(d, table, c);
    const SeedStudy study = seed_study(d, c);                // 2. the stages that run, many seeds
    print(study, c);
    const LrSweep sweep = lr_sweep(d, c, seed);              // 3. the learning rate
    print(sweep, c);

    if (!common.no_plots) plot(table, study, sweep, c, common);
    course::write_summary(common.out_dir, summary(d, table, study, sweep, c, common, timer));
    // [toc]
    std::cout << "wrote " << common.out_dir << "/summary.json"
              << (common.no_plots ? "" : " and plots") << "\n";
  });
}
