// Chapter 04 executable: a two-layer network learns XOR by backpropagation. Checks the
// backward pass against numeric gradients and the batched form against the per-example loops,
// trains one network (loss curve, decision regions), then counts over many random starts how
// often each hidden-layer width solves XOR. Writes plots + CSVs and summary.json to --out.
#include <algorithm>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "chapters/04_backprop/batched.hpp"
#include "chapters/04_backprop/per_example.hpp"
#include "chapters/04_backprop/two_layer_net.hpp"
#include "chapters/04_backprop/xor.hpp"
#include "common/error.hpp"
#include "common/gradcheck.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using backprop::Gradients;
using backprop::TwoLayerNet;

/// Largest relative error of the analytic gradients against numeric ones, over all parameters.
double gradient_check(TwoLayerNet& net, const arma::mat& X, const arma::mat& T) {
  // [gradcheck]
  const Gradients g = backprop::backward(net, X, T, backprop::forward(net, X));
  auto L = [&] { return backprop::loss(backprop::forward(net, X).Y, T); };
  double worst = 0;
  worst = std::max(worst, course::check_gradient(net.W1, g.dW1, L).max_rel_error);
  worst = std::max(worst, course::check_gradient(net.b1, g.db1, L).max_rel_error);
  worst = std::max(worst, course::check_gradient(net.W2, g.dW2, L).max_rel_error);
  worst = std::max(worst, course::check_gradient(net.b2, g.db2, L).max_rel_error);
  // [gradcheck]
  return worst;
}

/// Largest absolute difference between the batched gradients and the per-example oracle.
double batched_vs_per_example(const TwoLayerNet& net, const arma::mat& X, const arma::mat& T) {
  const Gradients a = backprop::backward(net, X, T, backprop::forward(net, X));
  Gradients b;
  backprop::gradients_per_example(net, X, T, b);
  return std::max({arma::abs(a.dW1 - b.dW1).max(), arma::abs(a.db1 - b.db1).max(),
                   arma::abs(a.dW2 - b.dW2).max(), arma::abs(a.db2 - b.db2).max()});
}

/// The loss per epoch as a series (x = epoch, starting at 1 for the log axis).
course::Series loss_series(const std::vector<double>& loss, const std::string& title) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t e = 0; e < loss.size(); ++e) {
    s.x.push_back(static_cast<double>(e + 1));
    s.y.push_back(loss[e]);
  }
  return s;
}

std::string outputs_str(const arma::mat& Y) {
  std::string s;
  for (arma::uword i = 0; i < Y.n_elem; ++i) s += (i ? " " : "") + course::fixed(Y[i], 3);
  return s;
}

std::string sci(double v) {
  std::ostringstream s;
  s << std::scientific << std::setprecision(1) << v;
  return s.str();
}

std::string percent(double rate) { return course::fixed(100.0 * rate, 0) + "%"; }

/// "U[-r, r)" for an init range.
std::string range_str(double r) {
  std::ostringstream s;
  s << "U[-" << r << ", " << r << ")";
  return s.str();
}

/// Median number of epochs of the successful runs (0 when none succeeded).
double median_epochs(const backprop::WidthStudy& s) {
  std::vector<arma::uword> e = s.epochs_to_solve;
  if (e.empty()) return 0.0;
  std::sort(e.begin(), e.end());
  return static_cast<double>(e[e.size() / 2]);
}

/// The network's output y as a function of the point (x1, x2), for the decision-region plot.
std::function<double(double, double)> output_of(const TwoLayerNet& net) {
  return [&net](double x1, double x2) {
    return backprop::forward_one(net, arma::vec{x1, x2}).y[0];
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 04: backpropagation by hand. A 2-H-1 sigmoid network learns XOR;\n"
               "gradients are checked numerically, and the success rate over many random\n"
               "starts is measured for each hidden-layer width.",
               "ch04_backprop"};
  course::CommonOptions common("ch04_backprop");
  course::add_common_options(app, common);
  arma::uword n_hidden = 2, max_epochs = 10000, n_seeds = 20;
  double eta = 2.0;
  std::vector<double> inits = {1.0};
  std::vector<arma::uword> widths = {2, 3, 4};
  app.add_option("--hidden", n_hidden, "hidden units of the network that is shown")
      ->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--eta", eta, "learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--epochs", max_epochs, "most full-batch updates a run may take to solve XOR")
      ->check(CLI::Range(1, 10000000))->capture_default_str();
  app.add_option("--init", inits,
                 "initial weights and biases uniform in [-init, init); a list runs the study\n"
                 "once per value, the shown network uses the first (--full: 1,2)")
      ->check(course::positive())->delimiter(',')->capture_default_str();
  app.add_option("--seeds", n_seeds, "random starts per width (--full: 100)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--widths", widths, "hidden-layer widths to study (--full: 1,2,3,4,5,6,8)")
      ->check(CLI::Range(1, 64))->delimiter(',')->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    if (common.full && app.count("--seeds") == 0) n_seeds = 100;
    if (common.full && app.count("--widths") == 0) widths = {1, 2, 3, 4, 5, 6, 8};
    if (common.full && app.count("--init") == 0) inits = {1.0, 2.0};
    course::make_out_dir(common.out_dir);
    const double r = inits.front();
    const backprop::Xor xor_data;
    const arma::mat& X = xor_data.X;  // (2 x 4)
    const arma::mat& T = xor_data.T;  // (1 x 4)

    // --- The network that is shown: 2-H-1, random start from --seed.
    course::Rng rng(common.seed);
    TwoLayerNet net(2, n_hidden, 1);
    backprop::init(net, r, rng);
    std::cout << "XOR with a 2-" << n_hidden << "-1 sigmoid network, squared error, eta = " << eta
              << ", weights from " << range_str(r) << ", seed " << common.seed << "\n";

    // --- Ground truth first: the backward pass against numeric gradients, the matrix form
    //     against the per-example loops.
    const double rel_error = gradient_check(net, X, T);
    const double batched_diff = batched_vs_per_example(net, X, T);
    std::cout << "  gradient check at the start: max relative error " << sci(rel_error)
              << " (bar: 1e-7)\n"
              << "  batched vs per-example gradients: max |difference| " << sci(batched_diff)
              << " (bar: 1e-12)\n";
    if (!(rel_error <= 1e-7) || !(batched_diff <= 1e-12))
      throw course::Error("the backward pass disagrees with its check (see the lines above)");

    // --- Train it: full-batch gradient descent for --epochs updates.
    const backprop::TrainResult shown = backprop::train(net, X, T, eta, max_epochs, false);
    const arma::mat Y = backprop::forward(net, X).Y;
    std::cout << "  loss " << course::fixed(shown.loss.front(), 4) << " -> "
              << course::fixed(shown.final_loss, 6) << " after " << max_epochs << " epochs; "
              << (shown.solved ? "solved after " + std::to_string(shown.epochs_to_solve) + " epochs"
                               : std::string("NOT solved"))
              << "\n  outputs for (0,0) (0,1) (1,0) (1,1): " << outputs_str(Y)
              << "   (targets 0 1 1 0)\n";

    // --- How often does a random start solve XOR? Per init range and width, n_seeds starts.
    std::cout << "Success rate over " << n_seeds << " random starts (seeds " << common.seed
              << " .. " << common.seed + n_seeds - 1 << "), solved within " << max_epochs
              << " epochs:\n";
    std::vector<std::vector<backprop::WidthStudy>> study(inits.size());  // [init][width]
    {
      course::Progress progress("studies", inits.size() * widths.size());
      for (std::size_t i = 0; i < inits.size(); ++i)
        for (std::size_t w = 0; w < widths.size(); ++w) {
          study[i].push_back(
              backprop::success_rate(widths[w], n_seeds, common.seed, inits[i], eta, max_epochs));
          progress.update(i * widths.size() + w + 1, "2-" + std::to_string(widths[w]) + "-1");
        }
    }
    nlohmann::json study_json = nlohmann::json::array();
    for (std::size_t i = 0; i < inits.size(); ++i) {
      std::cout << "  weights from " << range_str(inits[i]) << ":\n";
      nlohmann::json widths_json = nlohmann::json::array();
      for (const auto& s : study[i]) {
        const double median = median_epochs(s);
        std::cout << "    2-" << s.n_hidden << "-1: " << s.successes << "/" << s.runs
                  << " solved (" << percent(s.rate()) << ")"
                  << (s.successes ? ", median " + course::fixed(median, 0) + " epochs" : "")
                  << "\n";
        widths_json.push_back({{"n_hidden", s.n_hidden},
                               {"runs", s.runs},
                               {"successes", s.successes},
                               {"rate", s.rate()},
                               {"median_epochs_to_solve", median},
                               {"failed_seeds", s.failed_seeds},
                               {"failed_final_loss", s.failed_final_loss}});
      }
      study_json.push_back({{"init", inits[i]}, {"widths", widths_json}});
    }

    // --- Stuck or slow? Give the shown width ten times the epochs (first init range).
    const backprop::WidthStudy patient =
        backprop::success_rate(n_hidden, n_seeds, common.seed, r, eta, 10 * max_epochs);
    const auto base = std::find_if(study[0].begin(), study[0].end(),
                                   [&](const auto& s) { return s.n_hidden == n_hidden; });
    const arma::uword failed_before =
        base != study[0].end() ? base->runs - base->successes : n_seeds - patient.successes;
    const arma::uword still_failed = n_seeds - patient.successes;
    const double stuck_loss_min =
        patient.failed_final_loss.empty()
            ? 0.0
            : *std::min_element(patient.failed_final_loss.begin(), patient.failed_final_loss.end());
    std::cout << "  stuck or slow? With " << 10 * max_epochs << " epochs, 2-" << n_hidden
              << "-1, " << range_str(r) << ": " << still_failed << " of the " << failed_before
              << " failures still fail";
    if (still_failed)
      std::cout << ", all at loss >= " << course::fixed(stuck_loss_min, 5)
                << " (plateaus: 1/16 = two outputs at 0.5, 1/12 = three outputs at 2/3)";
    std::cout << "\n";

    // --- Plots.
    if (!common.no_plots) {
      // The background runs from the t = 0 colour (y = 0) to the t = 1 colour (y = 1).
      const arma::uvec labels = arma::conv_to<arma::uvec>::from(T.row(0));
      const std::vector<std::string> names = {"t = 0", "t = 1"};
      course::PlotOptions od{"XOR learned by a 2-" + std::to_string(n_hidden) +
                                 "-1 network (seed " + std::to_string(common.seed) +
                                 "): output y over the plane",
                             "x1", "x2"};
      od.width = 600;
      od.height = 540;
      course::decision_regions(common.out("decision_regions.png"), od, X, labels, names,
                               output_of(net), false);

      std::vector<course::Series> curves{
          loss_series(shown.loss, "seed " + std::to_string(common.seed) +
                                      (shown.solved ? " (solved)" : " (not solved)"))};
      if (base != study[0].end() && !base->failed_seeds.empty()) {
        // The first random start that failed, trained as long, and what it computes.
        const std::uint64_t stuck_seed = base->failed_seeds.front();
        course::Rng rng_stuck(stuck_seed);
        TwoLayerNet stuck(2, n_hidden, 1);
        backprop::init(stuck, r, rng_stuck);
        const backprop::TrainResult rs = backprop::train(stuck, X, T, eta, max_epochs, false);
        curves.push_back(loss_series(rs.loss, "seed " + std::to_string(stuck_seed) + " (stuck)"));
        course::PlotOptions os{"A stuck 2-" + std::to_string(n_hidden) + "-1 network (seed " +
                                   std::to_string(stuck_seed) + "): output y over the plane",
                               "x1", "x2"};
        os.width = 600;
        os.height = 540;
        course::decision_regions(common.out("decision_regions_stuck.png"), os, X, labels, names,
                                 output_of(stuck), false);
      }
      curves.push_back({"1/16: two outputs at 0.5", {1.0, static_cast<double>(max_epochs + 1)},
                        {0.0625, 0.0625}, "lines dt 2", {}});
      course::PlotOptions ol{"Loss per epoch, 2-" + std::to_string(n_hidden) + "-1 network",
                             "epoch", "loss L (mean of 1/2 (y - t)^2)"};
      ol.logx = true;
      ol.logy = true;
      ol.extra = "set xrange [1:" + std::to_string(max_epochs + 1) + "]";
      course::line_plot(common.out("loss_curve.png"), ol, curves);

      std::vector<course::Series> rates;
      for (std::size_t i = 0; i < inits.size(); ++i) {
        course::Series s{"weights from " + range_str(inits[i]), {}, {}, "linespoints", {}};
        for (const auto& w : study[i]) {
          s.x.push_back(static_cast<double>(w.n_hidden));
          s.y.push_back(100.0 * w.rate());
        }
        rates.push_back(s);
      }
      course::PlotOptions orate{"XOR solved within " + std::to_string(max_epochs) +
                                    " epochs, out of " + std::to_string(n_seeds) +
                                    " random starts",
                                "hidden units", "runs that solved XOR (%)"};
      orate.extra = "set yrange [-5:105]\nset xtics 1\nset offsets 0.5, 0.5, 0, 0";
      course::line_plot(common.out("success_rate.png"), orate, rates);
    }

    // --- summary.json: the run's numbers, machine-readable.
    std::string rates;
    for (const auto& s : study[0])
      rates += (rates.empty() ? "" : ", ") + std::to_string(s.n_hidden) + ": " + percent(s.rate());
    const std::string headline =
        "XOR " + std::string(shown.solved ? "solved" : "NOT solved") + " (2-" +
        std::to_string(n_hidden) + "-1, seed " + std::to_string(common.seed) +
        "); solved per width over " + std::to_string(n_seeds) + " starts: " + rates +
        "; gradient check " + sci(rel_error);
    nlohmann::json summary = {
        {"chapter", "04_backprop"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"eta", eta},
        {"max_epochs", max_epochs},
        {"shown",
         {{"n_hidden", n_hidden},
          {"init", r},
          {"solved", shown.solved},
          {"epochs_to_solve", shown.epochs_to_solve},
          {"initial_loss", shown.loss.front()},
          {"final_loss", shown.final_loss},
          {"outputs", arma::conv_to<std::vector<double>>::from(Y.row(0))},
          {"gradient_check_max_rel_error", rel_error},
          {"batched_vs_per_example_max_abs_diff", batched_diff}}},
        {"success_rate",
         {{"seeds", n_seeds}, {"first_seed", common.seed}, {"by_init", study_json}}},
        {"patience",
         {{"n_hidden", n_hidden},
          {"init", r},
          {"max_epochs", 10 * max_epochs},
          {"failed_within_max_epochs", failed_before},
          {"still_failed", still_failed},
          {"min_final_loss_of_failures", stuck_loss_min}}},
        {"timing_seconds", {{"total", timer.seconds()}}}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json"
              << (common.no_plots ? "" : " and plots") << "\n";
  });
}
