// Chapter 06 executable: Nielsen's network.py in C++. A 784-30-10 sigmoid network with the
// quadratic cost, trained by mini-batch SGD (eta 3.0, batch 10) on MNIST's first 50,000 training
// images and evaluated on the 10,000 test images after every epoch, as network.py does.
// The lesson's experiment, in order: load MNIST, train Nielsen's network (several runs with
// --runs), then print, plot and summarize.
#include "chapters/06_mlp/experiments.hpp"
#include "chapters/06_mlp/report.hpp"
#include "common/chapter.hpp"

using namespace nielsen;

int main(int argc, char** argv) {
  course::Chapter chapter("06_mlp",
                          "Chapter 06: a multi-layer network (Nielsen's network.py) on MNIST.");
  Config c;
  chapter.option("--hidden", c.hidden, "hidden units")->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", c.epochs, "epochs", 30)->check(CLI::Range(1, 100000));
  chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter.option("--train-size", c.n_train, "training images (the first N of MNIST's 60,000)")
      ->check(CLI::Range(1, 60000));
  chapter.knob("--runs", c.runs, "independent runs (seeds seed, seed+1, ...)", 3)
      ->check(CLI::Range(1, 100));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const Data d = load_mnist(c, common);
    const Runs r = train_nielsen(d, c, common.seed);
    print(r, c);
    if (!common.no_plots) plot(d, r, c, common);
    return summary(d, r, c);
  });
}
