// Chapter 04 executable: a two-layer network learns XOR by backpropagation.
// The table of contents: check the backward pass against numeric gradients and the batched form
// against the per-example loops; train one network (loss curve, decision regions); count over
// many random starts how often each hidden-layer width solves XOR; ask whether the failures are
// stuck or only slow. The experiments are in experiments.hpp; printing, plots and summary.json
// in report.hpp.
#include <optional>

#include "chapters/04_backprop/experiments.hpp"
#include "chapters/04_backprop/report.hpp"
#include "common/chapter.hpp"
#include "common/error.hpp"

using namespace backprop;

int main(int argc, char** argv) {
  course::Chapter chapter("04_backprop",
                          "Chapter 04: backpropagation by hand. A 2-H-1 sigmoid network learns "
                          "XOR;\ngradients are checked numerically, and the success rate over "
                          "many random\nstarts is measured for each hidden-layer width.");
  Config c;
  chapter.option("--hidden", c.n_hidden, "hidden units of the network that is shown")
      ->check(CLI::Range(1, 64));
  chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
  chapter.option("--epochs", c.max_epochs, "most full-batch updates a run may take to solve XOR")
      ->check(CLI::Range(1, 10000000));
  chapter
      .list_knob("--init", c.inits,
                 "initial weights and biases uniform in [-init, init); a list runs the study\n"
                 "once per value, the shown network uses the first",
                 {1.0, 2.0})
      ->check(course::positive());
  chapter.knob("--seeds", c.n_seeds, "random starts per width", 100)->check(CLI::Range(1, 100000));
  chapter.list_knob("--widths", c.widths, "hidden-layer widths to study", {1, 2, 3, 4, 5, 6, 8})
      ->check(CLI::Range(1, 64));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    // [toc]
    const Xor d;
    const TwoLayerNet start = random_start(c.n_hidden, c.inits.front(), common.seed);
    const GroundTruth truth = ground_truth(start, d);  // 1. the checks, before training
    print(truth, c, common.seed);
    if (!truth.agrees())
      throw course::Error("the backward pass disagrees with its check (see the lines above)");
    const Trained shown = train_on_xor(start, d, c);  // 2. one network learns XOR
    print(shown, c);
    const Study study = success_rates(c, common.seed);  // 3. success rate per width
    print(study, c, common.seed);
    const Patience p = patience(study, c, common.seed);  // 4. stuck or slow?
    print(p, c);
    if (!common.no_plots) {
      plot(shown, first_stuck_run(study, d, c), d, c, common);
      plot(study, c, common);
    }
    return summary(truth, shown, study, p, c, common.seed);
    // [toc]
  });
}
