/// \file
/// \brief Chapter 01's report: what the experiments print, the plots (PNG + CSV) and
/// summary.json. What it leaves out on purpose: any computation (see experiments.hpp).
#pragma once

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/01_perceptron/experiments.hpp"
#include "common/plot.hpp"

namespace perceptron {
inline void print(const IrisRun& r, const BoundStudy& b, const XorRun& x, const Config& c) {
  std::cout << "Iris, setosa vs versicolor (sepal length, petal length), eta = " << c.eta << "\n";
  for (std::size_t e = 0, done = 0; e < r.h.mistakes.size(); ++e) {
    done += r.h.mistakes[e];  // updates so far: the weights at the end of epoch e are w[done-1]
    std::cout << "  epoch " << e + 1 << ": " << r.h.mistakes[e] << " mistakes, w = "
              << course::fixed_list(done ? r.h.w[done - 1] : arma::vec(2, arma::fill::zeros), 2)
              << ", b = " << course::fixed(done ? r.h.b[done - 1] : 0.0, 2) << "\n";
  }
  std::cout << "  " << (r.h.converged ? "converged" : "NOT converged") << " after "
            << r.h.mistakes.size() << " epochs, " << r.h.updates << " updates\n"
            << "  Novikoff: R = " << course::fixed(r.bound.R, 3)
            << ", gamma = " << course::fixed(r.bound.gamma, 4)
            << ", bound (R/gamma)^2 = " << course::fixed(r.bound.bound, 1) << " >= " << r.h.updates
            << " updates\n";
  std::cout << "  over " << b.seeds << " more seeds: at most " << b.worst_updates
            << " updates; largest updates/bound = " << course::fixed(b.worst_ratio, 4) << "\n";
  std::cout << "XOR: after " << x.h.mistakes.size() << " epochs, " << x.h.mistakes.back()
            << " mistakes in the last epoch (fewest in any epoch: " << x.fewest_mistakes << ")\n";
}

/// The boundary w0 x + w1 y + b = 0 as a line segment across [x_lo, x_hi] (or a vertical line).
inline course::Series boundary(const arma::vec& w, double b, double x_lo, double x_hi, double y_lo,
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

/// The iris boundary after each update, light (early) to black (final).
inline void plot_iris_boundaries(const Problem& iris, const IrisRun& r,
                                 const course::CommonOptions& common) {
  const double xl = iris.X.row(0).min() - 0.3, xh = iris.X.row(0).max() + 0.3;
  const double yl = iris.X.row(1).min() - 0.5, yh = iris.X.row(1).max() + 0.5;
  std::vector<course::Series> lines;
  for (std::size_t k = 0; k < r.h.w.size(); ++k)
    lines.push_back(boundary(r.h.w[k], r.h.b[k], xl, xh, yl, yh,
                             k + 1 == r.h.w.size()
                                 ? "after update " + std::to_string(k + 1) + " (final)"
                                 : (k == 0 ? "after update 1" : "")));
  course::PlotOptions o{"Boundary after each of the " + std::to_string(r.h.updates) +
                            " updates (light: early, black: final)",
                        "sepal length (cm)", "petal length (cm)"};
  o.extra = "set xrange [" + std::to_string(xl) + ":" + std::to_string(xh) + "]\nset yrange [" +
            std::to_string(yl) + ":" + std::to_string(yh) + "]";
  course::scatter_classes(common.out("boundary_per_update.png"), o, iris.X,
                          arma::conv_to<arma::uvec>::from(iris.y), {"setosa", "versicolor"}, lines);
}

/// Mistakes per epoch on iris and XOR; the last XOR boundaries, never settling.
inline void plot_mistakes_and_xor(const Problem& xor_data, const IrisRun& r, const XorRun& x,
                                  const course::CommonOptions& common) {
  course::Series iris_m{"iris (separable)", {}, {}, "linespoints", {}};
  course::Series xor_m{"XOR (not separable)", {}, {}, "lines", {}};
  for (std::size_t e = 0; e < r.h.mistakes.size(); ++e) {
    iris_m.x.push_back(e + 1);
    iris_m.y.push_back(r.h.mistakes[e]);
  }
  for (std::size_t e = 0; e < x.h.mistakes.size(); ++e) {
    xor_m.x.push_back(e + 1);
    xor_m.y.push_back(x.h.mistakes[e]);
  }
  course::PlotOptions om{"Mistakes per epoch", "epoch", "misclassified examples"};
  om.logx = true;
  om.extra = "set yrange [-0.2:*]";
  course::line_plot(common.out("mistakes_per_epoch.png"), om, {iris_m, xor_m});

  std::vector<course::Series> xor_lines;
  const std::size_t last = std::min<std::size_t>(12, x.h.w.size());
  for (std::size_t k = x.h.w.size() - last; k < x.h.w.size(); ++k)
    xor_lines.push_back(boundary(x.h.w[k], x.h.b[k], -0.5, 1.5, -0.5, 1.5,
                                 k + 1 == x.h.w.size() ? "after the last update" : ""));
  course::PlotOptions ox{"XOR: the boundary after each of the last " + std::to_string(last) +
                             " of " + std::to_string(x.h.updates) + " updates, never settling",
                         "x1", "x2"};
  ox.extra = "set xrange [-0.5:1.5]\nset yrange [-0.5:1.5]";
  course::scatter_classes(common.out("xor.png"), ox, xor_data.X,
                          arma::conv_to<arma::uvec>::from(xor_data.y), {"y = 0", "y = 1"},
                          xor_lines);
}

inline nlohmann::json summary(const IrisRun& r, const BoundStudy& b, const XorRun& x,
                              const Config& c) {
  const std::string headline = std::string(r.h.converged ? "0 mistakes" : "not converged") +
                               " after " + std::to_string(r.h.mistakes.size()) + " epochs; " +
                               std::to_string(r.h.updates) + " updates <= Novikoff bound " +
                               course::fixed(r.bound.bound, 0) +
                               "; XOR: " + std::to_string(x.h.mistakes.back()) +
                               " mistakes after " + std::to_string(x.h.mistakes.size()) + " epochs";
  return {{"headline", headline},
          {"eta", c.eta},
          {"iris",
           {{"converged", r.h.converged},
            {"epochs", r.h.mistakes.size()},
            {"updates", r.h.updates},
            {"mistakes_per_epoch", r.h.mistakes},
            {"w", arma::conv_to<std::vector<double>>::from(r.p.w)},
            {"b", r.p.b},
            {"novikoff", {{"R", r.bound.R}, {"gamma", r.bound.gamma}, {"bound", r.bound.bound}}}}},
          {"bound_study",
           {{"seeds", b.seeds},
            {"max_updates", b.worst_updates},
            {"max_updates_over_bound", b.worst_ratio}}},
          {"xor",
           {{"epochs", x.h.mistakes.size()},
            {"mistakes_last_epoch", x.h.mistakes.back()},
            {"fewest_mistakes_in_an_epoch", x.fewest_mistakes}}}};
}

}  // namespace perceptron
