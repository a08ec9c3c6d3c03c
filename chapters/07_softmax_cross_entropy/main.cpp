// Chapter 07 executable: which loss for which task? The table of contents, in the lesson's order:
//  1. regression: a 1-16-1 tanh network fits y = sin x + noise with the mean squared error and
//     reports the RMSE against the noise floor (fit_sine);
//  2. the learning slowdown: the same badly started 784-100-10 sigmoid network trained with the
//     quadratic cost on sigmoid outputs and with softmax + cross-entropy (slowdown_race);
//  3. classification: 784-100-10 (ReLU hidden layer) with softmax + cross-entropy on MNIST and
//     Fashion-MNIST, evaluated once on the test images, with a confusion matrix (classify_each).
// Each experiment prints its result; then the plots (PNG + CSV) and summary.json.
#include "chapters/07_softmax_cross_entropy/experiments.hpp"
#include "chapters/07_softmax_cross_entropy/report.hpp"
#include "common/chapter.hpp"

using namespace softmax_cross_entropy;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "07_softmax_cross_entropy",
      "Chapter 07: softmax and cross-entropy for classification (MNIST, Fashion-MNIST),\n"
      "mean squared error and RMSE for regression, and the learning slowdown of the\n"
      "quadratic cost.");
  Config c;
  chapter.option("--dataset", c.dataset, "classification data: mnist, fashion or both")
      ->check(CLI::IsMember({"mnist", "fashion", "both"}));
  chapter.option("--hidden", c.hidden, "hidden units")->check(CLI::Range(1, 100000));
  chapter.option("--activation", c.activation, "hidden activation: relu or sigmoid")
      ->check(CLI::IsMember({"relu", "sigmoid"}));
  chapter.knob("--epochs", c.epochs, "epochs", 30)->check(CLI::Range(1, 100000));
  chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter.knob("--decay-epochs", c.decay_epochs, "the last N epochs use eta/10", 10)
      ->check(CLI::Range(0, 100000));
  chapter.knob("--train-size", c.train_size, "training images, the first N of 60,000", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.knob("--slowdown-size", c.slow_size, "training images of the slowdown race", 10000)
      ->check(CLI::Range(10, 60000));
  chapter.knob("--slowdown-epochs", c.slow_epochs, "epochs of the slowdown race", 10)
      ->check(CLI::Range(1, 1000));
  chapter.option("--noise", c.noise, "noise sigma of the regression data")
      ->check(course::positive());
  chapter.option("--reg-hidden", c.reg_hidden, "hidden units of the regression network")
      ->check(CLI::Range(1, 10000));
  chapter.option("--reg-epochs", c.reg_epochs, "epochs of the regression network")
      ->check(CLI::Range(1, 1000000));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const std::vector<std::string> datasets = datasets_to_run(c, common);
    course::Rng rng(common.seed);  // one generator: the regression, then each classifier
    const Regression reg = fit_sine(c, rng);
    print(reg, c);
    const SlowdownRace race = slowdown_race(datasets[0], c, common);  // its own seeded starts
    print(race);
    const std::vector<Classifier> results = classify_each(datasets, c, common.data_dir, rng);
    print(results);
    if (!common.no_plots) {
      plot(reg, c, common);
      plot(race, common);
      plot(results, c, common);
    }
    return summary(reg, race, results, c);
  });
}
