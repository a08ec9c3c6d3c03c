// Chapter 02 executable: the ADALINE on iris (petal width from the other three measurements).
// The table of contents: least squares by LAPACK as the reference; batch gradient descent below,
// near and above the learning-rate limit 2/lambda_max; raw vs standardized features to
// convergence; a sweep of learning rates; the delta rule; and the path of gradient descent on the
// loss contours of a two-weight problem. The experiments are in experiments.hpp; printing, plots
// and summary.json in report.hpp.
#include "chapters/02_adaline/experiments.hpp"
#include "chapters/02_adaline/report.hpp"
#include "common/chapter.hpp"

using namespace adaline;

int main(int argc, char** argv) {
  course::Chapter chapter("02_adaline",
                          "Chapter 02: the ADALINE. Fits petal width from three iris measurements "
                          "with a\nlinear unit: least squares (LAPACK) as the reference, batch "
                          "gradient descent\nbelow/near/above the limit 2/lambda_max, raw vs "
                          "standardized features, the\ndelta rule, and gradient descent's path on "
                          "the loss contours.");
  Config c;
  chapter.option("--steps", c.steps, "GD steps of the runs below/near/above the limit")
      ->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", c.epochs, "epochs of the delta rule", 1000)
      ->check(CLI::Range(1, 100000));
  chapter.option("--sgd-eta", c.sgd_eta, "learning rate of the delta rule (standardized features)")
      ->check(course::positive());
  chapter.option("--tol", c.tol, "GD to convergence stops when the gradient's norm is <= tol")
      ->check(course::positive());
  chapter.option("--max-steps", c.max_steps, "most GD steps of a run to convergence")
      ->check(CLI::Range(1, 100000000));
  chapter.knob("--sweep", c.sweep, "learning rates in the sweep of eta/(2/lambda_max)", 48)
      ->check(CLI::Range(2, 1000));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    // [toc]
    const Regression d = load_regression(common.data_dir);
    const Reference ref = least_squares_reference(d);  // the exact answer, the curvature
    print(ref);
    const std::vector<RateRun> rates = learning_rates(d, ref, c);  // 1. below/near/above
    print(rates, c);
    const Convergence conv = to_convergence(d, ref, c);  // 2. raw vs standardized
    print(conv, ref, c);
    const Sweep sweep = learning_rate_sweep(d, ref, c);  // 3. steps against eta
    print(sweep, c);
    const DeltaRule delta = delta_rule_vs_batch(d, ref, c, common.seed);  // 4. per example
    print(delta, c);
    const std::vector<Path2> paths = two_weight_paths(d, c);  // 5. paths on the contours
    print(paths, c);
    if (!common.no_plots) {
      plot(rates, ref, common);
      plot(conv, ref, common);
      plot(sweep, common);
      plot(delta, c, common);
      plot(paths, c, common);
    }
    return summary(ref, rates, conv, sweep, delta, paths, c);
    // [toc]
  });
}
