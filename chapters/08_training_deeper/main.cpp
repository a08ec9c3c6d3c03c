// Chapter 08 executable: training deeper networks. The table of contents, in the lesson's order:
//  1. vanishing gradients: the bias-gradient norm of each hidden layer of a [784,30,30,30,30,10]
//     network at initialization, for sigmoid with Nielsen's initializations, tanh + Glorot and
//     ReLU + He (vanishing_gradients);
//  2. an optimizer race: 784-100-10 ReLU + softmax, same start, SGD / momentum / Nesterov /
//     RMSProp / Adam, mean training loss per epoch (optimizer_race); then the same race on fewer
//     images from several seeds, for error bars on the ranking (race_over_seeds);
//  3. a deeper net: 784-256-128-10 ReLU, He init, Adam with a constant, step and cosine learning
//     rate, test accuracy per epoch; the cosine run is the chapter's headline (deeper_net).
// Each experiment prints its result; then the plots (PNG + CSV) and summary.json.
#include "chapters/08_training_deeper/experiments.hpp"
#include "chapters/08_training_deeper/report.hpp"
#include "common/chapter.hpp"

using namespace training_deeper;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "08_training_deeper",
      "Chapter 08: training deeper networks. Vanishing gradients at initialization,\n"
      "an optimizer race (SGD, momentum, Nesterov, RMSProp, Adam), and a deeper ReLU\n"
      "network with He initialization and Adam under three learning-rate schedules.");
  Config c;
  chapter
      .option("--probe-images", c.probe_images,
              "training images the gradient norms are averaged over")
      ->check(CLI::Range(1, 60000));
  chapter
      .knob("--probe-seeds", c.probe_seeds, "initializations averaged in the gradient probe", 20)
      ->check(CLI::Range(1, 1000));
  chapter.knob("--race-epochs", c.race_epochs, "epochs of the optimizer race", 10)
      ->check(CLI::Range(1, 1000));
  chapter.knob("--race-train-size", c.race_train, "training images in the race", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.knob("--race-seeds", c.race_seeds, "seeds of the race repeated over seeds", 5)
      ->check(CLI::Range(0, 100));
  chapter
      .knob("--race-seeds-train-size", c.seeds_train, "training images in each race over seeds",
            10000)
      ->check(CLI::Range(1, 60000));
  chapter.option("--race-hidden", c.race_hidden, "hidden units of the race's network")
      ->check(CLI::Range(1, 100000));
  chapter.option("--eta-sgd", c.eta_sgd, "race: SGD learning rate")->check(course::positive());
  chapter.option("--eta-momentum", c.eta_momentum, "race: momentum and Nesterov learning rate")
      ->check(course::positive());
  chapter.option("--mu", c.mu, "race: momentum coefficient")->check(CLI::Range(0.0, 0.999));
  chapter.option("--eta-rmsprop", c.eta_rmsprop, "race: RMSProp learning rate")
      ->check(course::positive());
  chapter.option("--eta-adam", c.eta_adam, "race: Adam learning rate")->check(course::positive());
  chapter.list("--hidden", c.hidden, "deeper net: hidden sizes, comma-separated")
      ->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", c.epochs, "deeper net: epochs", 20)->check(CLI::Range(1, 1000));
  chapter
      .knob("--train-size", c.n_train, "deeper net: training images, the first N of 60,000", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch (race and deeper net)")
      ->check(CLI::Range(1, 60000));
  chapter.option("--eta", c.eta, "deeper net: Adam's learning rate (the schedules start there)")
      ->check(course::positive());

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const Data d = load_mnist(c, common);
    const GradientProbe probe = vanishing_gradients(d, c, common.seed);
    print(probe);
    const Race race = optimizer_race(d, c, common.seed);
    print(race);
    const RaceOverSeeds over_seeds = race_over_seeds(d, c, common.seed);
    print(over_seeds);
    const Deeper deeper = deeper_net(d, c, common.seed);
    print(deeper);
    if (!common.no_plots) {
      plot(probe, common);
      plot(race, common);
      plot(deeper, c, common);
    }
    return summary(probe, race, over_seeds, deeper, c);
  });
}
