// Chapter 01 executable: the perceptron on iris (setosa vs versicolor, two features), the
// Novikoff bound for the separator it finds, and XOR, which it can never learn.
// The lesson's experiments, in order: learn iris; check the bound over many orders of the
// examples; fail on XOR. Then print, plot and summarize.
#include "chapters/01_perceptron/experiments.hpp"
#include "chapters/01_perceptron/report.hpp"
#include "common/chapter.hpp"

using namespace perceptron;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "01_perceptron",
      "Chapter 01: the perceptron. Learns setosa vs versicolor from two iris "
      "features,\nchecks Novikoff's bound, and shows that XOR cannot be learned.");
  Config c;
  chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
  chapter.option("--epochs", c.max_epochs, "maximum epochs on iris")->check(CLI::Range(1, 1000000));
  chapter.option("--xor-epochs", c.xor_epochs, "epochs on XOR")->check(CLI::Range(1, 1000000));
  chapter.knob("--seeds", c.n_seeds, "seeds for the bound study", 1000)
      ->check(CLI::Range(1, 100000));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const Problem iris = load_iris_two_classes(common);
    const Problem xor_data = xor_problem();
    const IrisRun r = learn_iris(iris, c, common.seed);
    const BoundStudy b = bound_study(iris, c, common.seed);
    const XorRun x = fail_on_xor(xor_data, c, common.seed);
    print(r, b, x, c);
    if (!common.no_plots) {
      plot_iris_boundaries(iris, r, common);
      plot_mistakes_and_xor(xor_data, r, x, common);
    }
    return summary(r, b, x, c);
  });
}
