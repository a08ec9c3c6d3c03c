// Chapter 01 executable: the perceptron on iris (setosa vs versicolor, two features), the
// Novikoff bound for the separator it finds, and XOR, which it can never learn.
// Prints per-epoch lines, writes plots + CSVs and summary.json to --out.
#include <iostream>

#include "chapters/01_perceptron/perceptron.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using perceptron::History;
using perceptron::Perceptron;

/// The boundary w0 x + w1 y + b = 0 as a line segment across [x_lo, x_hi] (or a vertical line).
course::Series boundary(const arma::vec& w, double b, double x_lo, double x_hi, double y_lo,
                        double y_hi, const std::string& title) {
  course::Series s{title, {}, {}, "lines", {}};
  if (std::abs(w[1]) > 1e-12) {
    for (double x : {x_lo, x_hi}) {
      s.x.push_back(x);
      s.y.push_back(-(w[0] * x + b) / w[1]);
    }
  } else if (std::abs(w[0]) > 1e-12) {
    s.x = {-b / w[0], -b / w[0]};
    s.y = {y_lo, y_hi};
  }
  return s;
}

std::string vec_str(const arma::vec& v) {
  std::string s = "[";
  for (arma::uword i = 0; i < v.n_elem; ++i) s += (i ? ", " : "") + course::fixed(v[i], 2);
  return s + "]";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 01: the perceptron. Learns setosa vs versicolor from two iris features,\n"
               "checks Novikoff's bound, and shows that XOR cannot be learned.",
               "ch01_perceptron"};
  course::CommonOptions common("ch01_perceptron");
  course::add_common_options(app, common);
  double eta = 1.0;
  arma::uword max_epochs = 100, xor_epochs = 1000, n_seeds = 20;
  app.add_option("--eta", eta, "learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--epochs", max_epochs, "maximum epochs on iris")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--xor-epochs", xor_epochs, "epochs on XOR")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--seeds", n_seeds, "seeds for the bound study (--full: 1000)")
      ->check(CLI::Range(1, 100000))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    if (common.full && app.count("--seeds") == 0) n_seeds = 1000;
    course::make_out_dir(common.out_dir);

    // [data]
    // Iris: setosa (t = 0) vs versicolor (t = 1), sepal length and petal length (cm).
    const course::Dataset iris = course::load_iris(common.data_dir);
    const arma::uvec two_classes = arma::find(iris.labels <= 1);
    const arma::uvec features = {0, 2};
    const arma::mat X = iris.X.submat(features, two_classes);         // (2 x 100)
    const arma::ivec t = arma::conv_to<arma::ivec>::from(iris.labels.elem(two_classes));
    // [data]

    // --- Iris: train from zero weights, one seeded order of examples per epoch.
    course::Rng rng(common.seed);
    Perceptron p(2);
    const History h = perceptron::train(p, X, t, eta, max_epochs, rng);
    std::cout << "Iris, setosa vs versicolor (sepal length, petal length), eta = " << eta << "\n";
    for (std::size_t e = 0, done = 0; e < h.mistakes.size(); ++e) {
      done += h.mistakes[e];  // updates so far: the weights at the end of epoch e are w[done-1]
      std::cout << "  epoch " << e + 1 << ": " << h.mistakes[e] << " mistakes, w = "
                << vec_str(done ? h.w[done - 1] : p.w) << ", b = "
                << course::fixed(done ? h.b[done - 1] : p.b, 2) << "\n";
    }
    const auto nb = perceptron::novikoff_bound(X, t, p.w, p.b);
    std::cout << "  " << (h.converged ? "converged" : "NOT converged") << " after "
              << h.mistakes.size() << " epochs, " << h.updates << " updates\n"
              << "  Novikoff: R = " << course::fixed(nb.R, 3) << ", gamma = "
              << course::fixed(nb.gamma, 4) << ", bound (R/gamma)^2 = "
              << course::fixed(nb.bound, 1) << " >= " << h.updates << " updates\n";

    // --- The bound over many orders of the examples: updates never exceed it.
    arma::uword worst_updates = 0;
    double worst_ratio = 0;
    for (arma::uword s = 0; s < n_seeds; ++s) {
      course::Rng rng_s(common.seed + 1 + s);
      Perceptron q(2);
      const History hs = perceptron::train(q, X, t, eta, max_epochs, rng_s);
      const auto bs = perceptron::novikoff_bound(X, t, q.w, q.b);
      worst_updates = std::max(worst_updates, hs.updates);
      worst_ratio = std::max(worst_ratio, hs.updates / bs.bound);
    }
    std::cout << "  over " << n_seeds << " more seeds: at most " << worst_updates
              << " updates; largest updates/bound = " << course::fixed(worst_ratio, 4) << "\n";

    // --- XOR: no line separates it, so some example is always wrong.
    // [xor]
    const arma::mat X_xor = {{0, 0, 1, 1},   // x1
                             {0, 1, 0, 1}};  // x2      (2 x 4)
    const arma::ivec t_xor = {0, 1, 1, 0};
    // [xor]
    Perceptron px(2);
    course::Rng rng_xor(common.seed);
    const History hx = perceptron::train(px, X_xor, t_xor, eta, xor_epochs, rng_xor);
    const arma::uword xor_min = *std::min_element(hx.mistakes.begin(), hx.mistakes.end());
    std::cout << "XOR: after " << hx.mistakes.size() << " epochs, " << hx.mistakes.back()
              << " mistakes in the last epoch (fewest in any epoch: " << xor_min << ")\n";

    // --- Plots.
    if (!common.no_plots) {
      const double xl = X.row(0).min() - 0.3, xh = X.row(0).max() + 0.3;
      const double yl = X.row(1).min() - 0.5, yh = X.row(1).max() + 0.5;
      std::vector<course::Series> lines;
      for (std::size_t k = 0; k < h.w.size(); ++k)
        lines.push_back(boundary(h.w[k], h.b[k], xl, xh, yl, yh,
                                 k + 1 == h.w.size() ? "after update " + std::to_string(k + 1) +
                                                           " (final)"
                                                     : (k == 0 ? "after update 1" : "")));
      course::PlotOptions o{"Boundary after each of the " + std::to_string(h.updates) +
                                " updates (light: early, black: final)",
                            "sepal length (cm)", "petal length (cm)"};
      o.extra = "set xrange [" + std::to_string(xl) + ":" + std::to_string(xh) + "]\nset yrange [" +
                std::to_string(yl) + ":" + std::to_string(yh) + "]";
      course::scatter_classes(common.out("boundary_per_update.png"), o, X,
                              arma::conv_to<arma::uvec>::from(t), {"setosa", "versicolor"}, lines);

      course::Series iris_m{"iris (separable)", {}, {}, "linespoints", {}};
      course::Series xor_m{"XOR (not separable)", {}, {}, "lines", {}};
      for (std::size_t e = 0; e < h.mistakes.size(); ++e) {
        iris_m.x.push_back(e + 1);
        iris_m.y.push_back(h.mistakes[e]);
      }
      for (std::size_t e = 0; e < hx.mistakes.size(); ++e) {
        xor_m.x.push_back(e + 1);
        xor_m.y.push_back(hx.mistakes[e]);
      }
      course::PlotOptions om{"Mistakes per epoch", "epoch", "misclassified examples"};
      om.logx = true;
      om.extra = "set yrange [-0.2:*]";
      course::line_plot(common.out("mistakes_per_epoch.png"), om, {iris_m, xor_m});

      // The last updates on XOR: the boundary keeps jumping and never settles.
      std::vector<course::Series> xor_lines;
      const std::size_t last = std::min<std::size_t>(12, hx.w.size());
      for (std::size_t k = hx.w.size() - last; k < hx.w.size(); ++k)
        xor_lines.push_back(boundary(hx.w[k], hx.b[k], -0.5, 1.5, -0.5, 1.5,
                                     k + 1 == hx.w.size() ? "after the last update" : ""));
      course::PlotOptions ox{"XOR: the boundary after each of the last " + std::to_string(last) +
                                 " of " + std::to_string(hx.updates) + " updates, never settling",
                             "x1", "x2"};
      ox.extra = "set xrange [-0.5:1.5]\nset yrange [-0.5:1.5]";
      course::scatter_classes(common.out("xor.png"), ox, X_xor,
                              arma::conv_to<arma::uvec>::from(t_xor), {"t = 0", "t = 1"},
                              xor_lines);
    }

    // --- summary.json: the run's numbers, machine-readable.
    const std::string headline =
        std::string(h.converged ? "0 mistakes" : "not converged") + " after " +
        std::to_string(h.mistakes.size()) + " epochs; " + std::to_string(h.updates) +
        " updates <= Novikoff bound " + course::fixed(nb.bound, 0) + "; XOR: " +
        std::to_string(hx.mistakes.back()) + " mistakes after " +
        std::to_string(hx.mistakes.size()) + " epochs";
    nlohmann::json summary = {
        {"chapter", "01_perceptron"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"eta", eta},
        {"iris",
         {{"converged", h.converged},
          {"epochs", h.mistakes.size()},
          {"updates", h.updates},
          {"mistakes_per_epoch", h.mistakes},
          {"w", arma::conv_to<std::vector<double>>::from(p.w)},
          {"b", p.b},
          {"novikoff", {{"R", nb.R}, {"gamma", nb.gamma}, {"bound", nb.bound}}}}},
        {"bound_study",
         {{"seeds", n_seeds}, {"max_updates", worst_updates}, {"max_updates_over_bound", worst_ratio}}},
        {"xor",
         {{"epochs", hx.mistakes.size()},
          {"mistakes_last_epoch", hx.mistakes.back()},
          {"fewest_mistakes_in_an_epoch", xor_min}}},
        {"timing_seconds", {{"total", timer.seconds()}}}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json" << (common.no_plots ? "" : " and plots")
              << "\n";
  });
}
