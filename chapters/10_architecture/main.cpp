// Chapter 10 executable: choosing a network's structure by experiment. The lesson's
// experiments, in order (experiments.hpp):
//  1. parameter counts: the formula sum (n_{l-1} + 1) n_l against the built network's count;
//  2. a width x depth sweep on MNIST: train on (a slice of) the first 50,000 training images,
//     score on the last 10,000 (the validation set); the choice by the one-standard-error rule,
//     and the chosen network trained with other seeds;
//  3. stratified k-fold cross-validation of a small 4-H-3 network on iris, for several H;
//  4. a random search over learning rate, width and L2 strength with a fixed budget;
//  5. the final network: the chosen sizes with the better of the default recipe and the
//     search's best, scored once on the test set.
// Then the plots and summary.json (report.hpp).
#include "chapters/10_architecture/experiments.hpp"
#include "chapters/10_architecture/report.hpp"
#include "common/chapter.hpp"

using namespace architecture;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "10_architecture",
      "Chapter 10: choosing the architecture. Parameter counts, a width x depth sweep on\n"
      "MNIST (validation = the last 10,000 training images), stratified k-fold\n"
      "cross-validation on iris, a random search over eta / width / L2, and the choice.");
  Config c;
  chapter
      .list_knob("--widths", c.widths, "sweep: hidden widths", {16, 32, 64, 128, 256, 512, 1024})
      ->check(CLI::Range(1, 100000));
  chapter.list("--depths", c.depths, "sweep: numbers of hidden layers")->check(CLI::Range(1, 10));
  chapter.knob("--epochs", c.epochs, "sweep and final: epochs per network", 5)
      ->check(CLI::Range(1, 1000));
  chapter
      .knob("--train-size", c.n_train, "sweep and final: training images, the first N of 50,000",
            50000)
      ->check(CLI::Range(1, 50000));
  chapter.option("--batch-size", c.batch_size, "MNIST mini-batch size")
      ->check(CLI::Range(1, 50000));
  chapter.option("--eta", c.eta, "sweep: Adam's learning rate")->check(course::positive());
  chapter
      .option("--se", c.n_se,
              "choice: a network within this many standard errors of the best counts as a tie")
      ->check(CLI::Range(0.0, 10.0));
  chapter
      .knob("--seed-runs", c.seed_runs,
            "sweep: train the chosen network with this many seeds, to see the seed's effect", 4)
      ->check(CLI::Range(1, 100));
  chapter.option("--folds", c.folds, "iris: k of the stratified k-fold")->check(CLI::Range(2, 50));
  chapter.list("--cv-hidden", c.cv_hidden, "iris: hidden sizes H of the 4-H-3 networks")
      ->check(CLI::Range(1, 100000));
  chapter.option("--cv-epochs", c.cv_epochs, "iris: epochs per fold")->check(CLI::Range(1, 100000));
  chapter.knob("--cv-repeats", c.cv_repeats, "iris: k-fold repeated with new folds", 10)
      ->check(CLI::Range(1, 1000));
  chapter.option("--cv-eta", c.cv_eta, "iris: Adam's learning rate")->check(course::positive());
  chapter.knob("--trials", c.trials, "search: number of random trials", 20)
      ->check(CLI::Range(1, 10000));
  chapter.knob("--trial-epochs", c.trial_epochs, "search: epochs per trial", 2)
      ->check(CLI::Range(1, 1000));
  chapter.knob("--trial-train-size", c.trial_train, "search: training images per trial", 10000)
      ->check(CLI::Range(1, 50000));
  chapter.option("--eta-min", c.eta_min, "search: smallest learning rate")
      ->check(course::positive());
  chapter.option("--eta-max", c.eta_max, "search: largest learning rate")
      ->check(course::positive());
  chapter.option("--lambda-min", c.lambda_min, "search: smallest L2 strength (per example)")
      ->check(course::positive());
  chapter.option("--lambda-max", c.lambda_max, "search: largest L2 strength (per example)")
      ->check(course::positive());

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    settle(c);
    const std::uint64_t seed = common.seed;
    // [toc]
    Results r;
    r.counts = parameter_counts(seed);  // 1. parameters: formula and code
    print(r.counts);
    const Data d = load_data(c, common.data_dir);
    r.sweep = width_depth_sweep(d, c, seed);  // 2. width x depth, and the choice
    print(r.sweep, c);
    r.seeds = seed_spread(d, c, r.sweep.pick(), seed);  //    the seed's share of the noise
    print(r.seeds);
    r.cv = iris_cross_validation(d.iris, c, seed);  // 3. cross-validation on iris
    print(r.cv, c);
    r.search = search_hyperparameters(d, c, r.sweep.pick().depth, seed);  // 4. random search
    print(r.search);
    r.final = final_network(d, c, r.sweep, r.search, seed);  // 5. the final network, tested once
    print(r.final, r.sweep, r.search, c);
    // [toc]
    if (!common.no_plots) {
      plot_sweep(r.sweep, c, common);
      plot_cv(r.cv, c, common);
      plot_search(r.search, c, common);
    }
    return summary(r, c, d);
  });
}
