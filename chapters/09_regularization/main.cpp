// Chapter 09 executable: regularization, on MNIST with a validation split carved from the
// training images (the first 50,000 train, the last 10,000 validate, as in Nielsen's
// mnist_loader) and the test set touched once, at the end of each run. The table of contents,
// in the lesson's order:
//  1. overfitting on purpose (Nielsen's chapter 3): 784-30-10 sigmoid, sigmoid outputs +
//     cross-entropy, eta 0.5, batch 10, on only 1,000 training images; then each remedy on the
//     same data from the same initial weights: L2, L1, dropout, early stopping, random shifts,
//     and all of them together (overfit_and_cure);
//  2. does depth fight overfitting? The run without a remedy with 1, 2 and 3 hidden layers of
//     the same width, over a few seeds (depth_study);
//  3. the full training set: 784-800-800-10 ReLU with dropout and random shifts, Adam with a
//     cosine schedule, the best validation epoch's weights restored before the test
//     (train_wide_net).
// Each experiment prints its result; then its plots (PNG + CSV) and its part of summary.json.
#include "chapters/09_regularization/experiments.hpp"
#include "chapters/09_regularization/report.hpp"
#include "common/chapter.hpp"

using namespace regularization;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "09_regularization",
      "Chapter 09: regularization. A 784-30-10 network overfits 1,000 MNIST images;\n"
      "L2, L1, dropout, early stopping and random shifts each fight it, and deeper networks\n"
      "are measured against it. Then a 784-800-800-10 ReLU network with dropout and shifts on\n"
      "the full training set.");
  Config c;
  SmallConfig& sc = c.small;
  LargeConfig& lc = c.large;
  chapter
      .option("--part", c.part, "which experiments: small (1,000 images), large (full data), both")
      ->check(CLI::IsMember({"small", "large", "both"}));
  chapter.option("--train-size", sc.n_train, "small: training images (the first N of 50,000)")
      ->check(CLI::Range(10, 50000));
  chapter.option("--hidden", sc.hidden, "small: hidden units")->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", sc.epochs, "small: epochs per remedy and per depth", 400)
      ->check(CLI::Range(1, 100000));
  chapter.option("--eta", sc.eta, "small: SGD learning rate")->check(course::positive());
  chapter.option("--batch-size", sc.batch_size, "small: examples per mini-batch")
      ->check(CLI::Range(1, 50000));
  chapter.option("--lambda", c.lambda, "small: L2 strength (penalty lambda/(2n) sum w^2)")
      ->check(course::positive());
  chapter.option("--lambda-l1", c.lambda_l1, "small: L1 strength (penalty lambda/n sum |w|)")
      ->check(course::positive());
  chapter.option("--dropout", c.dropout, "small: drop probability of the hidden units")
      ->check(CLI::Range(0.0, 0.95));
  chapter
      .option("--patience", c.patience,
              "small: early stopping after this many epochs without a better validation "
              "accuracy")
      ->check(CLI::Range(1, 100000));
  chapter
      .option("--max-shift", sc.max_shift,
              "largest shift in pixels, each direction (small and large)")
      ->check(CLI::Range(0, 6));
  chapter.list("--depths", c.depths, "small: hidden layers of the depth study, comma-separated")
      ->check(CLI::Range(1, 10));
  chapter.knob("--depth-seeds", c.depth_seeds, "small: seeds per depth in the depth study", 5)
      ->check(CLI::Range(1, 100));
  chapter
      .knob("--large-train-size", lc.n_train, "large: training images, the first N of 50,000",
            50000)
      ->check(CLI::Range(100, 50000));
  chapter.option("--large-hidden", lc.hidden, "large: units in each of the two hidden layers")
      ->check(CLI::Range(1, 100000));
  chapter.knob("--large-epochs", lc.epochs, "large: epochs", 60)->check(CLI::Range(1, 100000));
  chapter.option("--large-eta", lc.eta, "large: Adam's initial learning rate")
      ->check(course::positive());
  chapter.option("--large-dropout", lc.dropout, "large: drop probability of the hidden units")
      ->check(CLI::Range(0.0, 0.95));
  chapter
      .option("--input-dropout", lc.input_dropout, "large: drop probability of the input pixels")
      ->check(CLI::Range(0.0, 0.95));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const Data d = load_mnist_split(common);
    nlohmann::json s = {{"headline", ""}};
    if (c.run_small()) {
      const RemedyRuns remedies = overfit_and_cure(d, c, common.seed);
      print(remedies, sc);
      const DepthStudy depth = depth_study(d, c, common.seed);
      print(depth, sc);
      if (!common.no_plots) {
        plot_curves(remedies, sc, common);
        plot_weights(remedies, sc, common);
        plot_shifts(d, sc, common);
        plot(depth, sc, common);
      }
      add_small(s, remedies, depth, c);
    }
    if (c.run_large()) {
      const LargeResult large = train_wide_net(d, c, common.seed);
      print(large);
      if (!common.no_plots) plot(large, lc, common);
      add_large(s, large, c);
    }
    return s;
  });
}
