// Chapter 03 executable: a sigmoid neuron (logistic regression) on iris versicolor vs virginica.
// The table of contents: train on cross-entropy and score a held-out split; average the test
// accuracy over many splits (and, with --full, leave-one-out); race cross-entropy against MSE
// from a saturated start; fit the petals alone for a probability map. The experiments are in
// experiments.hpp; printing, plots and summary.json in report.hpp.
#include <optional>

#include "chapters/03_sigmoid_neuron/experiments.hpp"
#include "chapters/03_sigmoid_neuron/report.hpp"
#include "common/chapter.hpp"

using namespace sigmoid_neuron;

int main(int argc, char** argv) {
  course::Chapter chapter("03_sigmoid_neuron",
                          "Chapter 03: the sigmoid neuron (logistic regression). Learns iris "
                          "versicolor\nvs virginica from 4 features with cross-entropy, scores "
                          "held-out data, and\nshows why MSE learns slowly from a saturated "
                          "start.");
  Config c;
  chapter.option("--eta", c.settings.eta, "learning rate")->check(course::positive());
  chapter.option("--epochs", c.settings.epochs, "full-batch gradient steps")
      ->check(CLI::Range(1, 10000000));
  chapter.option("--test-fraction", c.settings.test_fraction, "part of the data held out")
      ->check(CLI::Range(0.05, 0.95));
  chapter.knob("--splits", c.n_splits, "random splits to average the test accuracy over", 1000)
      ->check(CLI::Range(1, 100000));
  chapter
      .option("--saturation", c.saturation,
              "size s of the wrong-side logits at the saturated start")
      ->check(course::positive());
  chapter.option("--sat-epochs", c.sat_epochs, "epochs of the saturated-start race")
      ->check(CLI::Range(1, 10000000));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    // [toc]
    const Tasks t = load_tasks(common.data_dir);
    const OneSplit s = one_split(t.all, c.settings, common.seed);  // 1. one seeded split
    print(t, s, c, common.seed);
    const SplitStudy study = many_splits(t.all, c, common.seed);  // 2. many more splits
    print(study);
    std::optional<arma::uword> loo;  // ... and leave-one-out, in the --full run
    if (common.full) loo = leave_one_out(t.all, c.settings);
    print_leave_one_out(loo, t.all.X.n_cols);
    const Race race = saturated_race(t.all, s, c);  // 3. CE vs MSE from a saturated start
    print(race, c);
    const Scored petals = fit_split(t.petals, s.split, c.settings);  // 4. the petals alone
    print_petals(petals, s);
    if (!common.no_plots) {
      plot_sigmoid(common);
      plot(race, c, common);
      plot_probability_map(t.petals, petals, common);
    }
    return summary(s, study, loo, race, petals, c, common.seed);
    // [toc]
  });
}
