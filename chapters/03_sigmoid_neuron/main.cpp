// Chapter 03 executable: a sigmoid neuron (logistic regression) on iris versicolor vs
// virginica. Trains on cross-entropy and scores a held-out split; averages the test accuracy
// over many splits (and, with --full, leave-one-out); races cross-entropy against MSE from a
// saturated start; draws the sigmoid, the gradients, the learning curves and a probability map.
// Prints what it does, writes plots + CSVs and summary.json to --out.
#include <iostream>

#include "chapters/03_sigmoid_neuron/iris_task.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using namespace sigmoid_neuron;

std::string vec_str(const arma::rowvec& v, int decimals) {
  std::string s = "[";
  for (arma::uword i = 0; i < v.n_elem; ++i) s += (i ? ", " : "") + course::fixed(v[i], decimals);
  return s + "]";
}

std::string count_str(double accuracy, arma::uword n) {
  return course::fixed(accuracy, 3) + " (" + std::to_string(std::lround(accuracy * n)) + "/" +
         std::to_string(n) + ")";
}

/// First epoch whose training accuracy reaches `level`, or -1 if none does.
long first_epoch_reaching(const History& h, double level) {
  for (std::size_t e = 0; e < h.accuracy.size(); ++e)
    if (h.accuracy[e] >= level) return static_cast<long>(e);
  return -1;
}

course::Series curve(const std::string& title, const std::vector<double>& y, double scale = 1.0) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t e = 0; e < y.size(); ++e) {
    s.x.push_back(static_cast<double>(e));
    s.y.push_back(y[e] / scale);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 03: the sigmoid neuron (logistic regression). Learns iris versicolor\n"
               "vs virginica from 4 features with cross-entropy, scores held-out data, and\n"
               "shows why MSE learns slowly from a saturated start.",
               "ch03_sigmoid_neuron"};
  course::CommonOptions common("ch03_sigmoid_neuron");
  course::add_common_options(app, common);
  Settings settings;
  arma::uword n_splits = 100, sat_epochs = 1000;
  double saturation = 5.0;
  app.add_option("--eta", settings.eta, "learning rate")
      ->check(course::positive())->capture_default_str();
  app.add_option("--epochs", settings.epochs, "full-batch gradient steps")
      ->check(CLI::Range(1, 10000000))->capture_default_str();
  app.add_option("--test-fraction", settings.test_fraction, "part of the data held out")
      ->check(CLI::Range(0.05, 0.95))->capture_default_str();
  app.add_option("--splits", n_splits, "random splits to average the test accuracy over (--full: 1000)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--saturation", saturation, "size s of the wrong-side logits at the saturated start")
      ->check(course::positive())->capture_default_str();
  app.add_option("--sat-epochs", sat_epochs, "epochs of the saturated-start race")
      ->check(CLI::Range(1, 10000000))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    if (common.full && app.count("--splits") == 0) n_splits = 1000;
    course::make_out_dir(common.out_dir);

    // --- Data: versicolor (t = 0) vs virginica (t = 1), all four features.
    const course::Dataset iris = course::load_iris(common.data_dir);
    const Task task = versicolor_virginica(iris);
    const arma::uword n = task.X.n_cols;
    std::cout << "Iris, versicolor (t = 0) vs virginica (t = 1): " << task.X.n_rows
              << " features, " << n << " examples\n";

    // --- One seeded split: train on one part, score on the other.
    // [split]
    course::Rng rng(common.seed);
    const course::Split split = course::random_split(n, settings.test_fraction, rng);
    const Scored model = fit_split(task, split, settings);
    // [split]
    std::cout << "Split (seed " << common.seed << "): " << split.train.n_elem << " train, "
              << split.test.n_elem << " test; features standardized on the training part\n"
              << "Cross-entropy, full-batch gradient descent, eta = " << settings.eta << ", "
              << settings.epochs << " epochs, from zero weights\n";
    const std::size_t E = model.history.loss.size() - 1;
    for (const std::size_t e : {std::size_t{0}, std::size_t{10}, std::size_t{100}, E}) {
      if (e > E || (e == E && (E == 10 || E == 100))) continue;  // shown once, if it exists
      std::cout << "  epoch " << e << ": loss " << course::fixed(model.history.loss[e], 4)
                << ", train accuracy " << course::fixed(model.history.accuracy[e], 3) << "\n";
    }
    std::cout << "  train accuracy " << count_str(model.train_accuracy, split.train.n_elem)
              << ", test accuracy " << count_str(model.test_accuracy, split.test.n_elem) << "\n"
              << "  W = " << vec_str(model.neuron.W, 3) << " (sepal l, sepal w, petal l, petal w;"
              << " standardized), b = " << course::fixed(model.neuron.b, 3) << "\n";

    // --- The test accuracy of one 30-example split is noisy: average over many splits.
    arma::vec test_acc(n_splits);
    {
      course::Progress progress("split", n_splits);
      for (arma::uword k = 0; k < n_splits; ++k) {
        course::Rng rng_k(common.seed + 1 + k);
        test_acc[k] = fit_split(task, course::random_split(n, settings.test_fraction, rng_k),
                                settings).test_accuracy;
        progress.update(k + 1);
      }
    }
    const double mean_acc = arma::mean(test_acc);
    const double sd_acc = n_splits > 1 ? arma::stddev(test_acc) : 0.0;
    std::cout << "Over " << n_splits << " more random splits (seeds " << common.seed + 1 << ".."
              << common.seed + n_splits << "): test accuracy mean " << course::fixed(mean_acc, 3)
              << ", sd " << course::fixed(sd_acc, 3) << ", min " << course::fixed(test_acc.min(), 3)
              << ", max " << course::fixed(test_acc.max(), 3) << "\n";
    long loo = -1;
    if (common.full) {
      loo = static_cast<long>(leave_one_out(task, settings));
      std::cout << "Leave-one-out: " << loo << "/" << n << " = "
                << course::fixed(static_cast<double>(loo) / n, 3) << "\n";
    }

    // --- The race: cross-entropy vs MSE from the same saturated, wrong-side start.
    // [race]
    const arma::mat X_train = model.scaler.transform(task.X.cols(split.train));  // (4 x m)
    const arma::rowvec T_train = task.T.cols(split.train);                        // (1 x m)
    const SigmoidNeuron start = saturated_start(X_train, T_train, saturation);
    SigmoidNeuron ce = start, sq = start;  // the same weights for both
    const Gradient g_ce = gradient(ce, X_train, T_train, Loss::cross_entropy);
    const Gradient g_sq = gradient(sq, X_train, T_train, Loss::mse);
    const History h_ce = train(ce, X_train, T_train, Loss::cross_entropy, settings.eta, sat_epochs);
    const History h_sq = train(sq, X_train, T_train, Loss::mse, settings.eta, sat_epochs);
    // [race]
    const arma::rowvec margin = (2.0 * T_train - 1.0) % start.logits(X_train);  // > 0: right side
    const double wrong = arma::mean(arma::conv_to<arma::rowvec>::from(margin < 0.0));
    const double norm_ce = std::sqrt(arma::dot(g_ce.dW, g_ce.dW) + g_ce.db * g_ce.db);
    const double norm_sq = std::sqrt(arma::dot(g_sq.dW, g_sq.dW) + g_sq.db * g_sq.db);
    const long reach_ce = first_epoch_reaching(h_ce, 0.9), reach_sq = first_epoch_reaching(h_sq, 0.9);
    auto reach_str = [&](long e) {
      return e < 0 ? "never in " + std::to_string(sat_epochs) + " epochs"
                   : "after " + std::to_string(e) + " epochs";
    };
    std::cout << "Saturated start (s = " << saturation << "): " << course::fixed(100 * wrong, 0)
              << "% of training examples on the wrong side, median |z| "
              << course::fixed(arma::median(arma::abs(margin)), 1) << "\n"
              << "  gradient norm at the start: cross-entropy " << course::fixed(norm_ce, 4)
              << ", MSE " << course::fixed(norm_sq, 4) << "\n"
              << "  cross-entropy: 90% train accuracy " << reach_str(reach_ce) << "; loss "
              << course::fixed(h_ce.loss.front(), 3) << " -> " << course::fixed(h_ce.loss.back(), 3)
              << "\n  MSE:           90% train accuracy " << reach_str(reach_sq) << "; loss "
              << course::fixed(h_sq.loss.front(), 3) << " -> " << course::fixed(h_sq.loss.back(), 3)
              << "\n";

    // --- Two features only (petal length, petal width) for a map of the probability.
    const Task task2 = versicolor_virginica(iris, {2, 3});
    const Scored model2 = fit_split(task2, split, settings);
    std::cout << "Petal length and width only: train accuracy "
              << count_str(model2.train_accuracy, split.train.n_elem) << ", test accuracy "
              << count_str(model2.test_accuracy, split.test.n_elem) << "\n";

    // --- Plots.
    if (!common.no_plots) {
      course::Series s_sig{"sigma(z)", {}, {}, "lines", {}}, s_der{"sigma'(z)", {}, {}, "lines", {}};
      course::Series s_gce{"cross-entropy: |dL/dz| = 1 - sigma(z)", {}, {}, "lines", {}};
      course::Series s_gsq{"MSE: |dL/dz| = (1 - sigma(z)) sigma'(z)", {}, {}, "lines", {}};
      for (double z = -10; z <= 10.0001; z += 0.05) {
        s_sig.x.push_back(z), s_sig.y.push_back(sigmoid(z));
        s_der.x.push_back(z), s_der.y.push_back(sigmoid_prime(z));
        s_gce.x.push_back(z), s_gce.y.push_back(1.0 - sigmoid(z));
        s_gsq.x.push_back(z), s_gsq.y.push_back((1.0 - sigmoid(z)) * sigmoid_prime(z));
      }
      course::PlotOptions o1{"The sigmoid and its derivative (at most 1/4, at z = 0)", "z", ""};
      o1.extra = "set yrange [-0.05:1.05]";
      course::line_plot(common.out("sigmoid.png"), o1, {s_sig, s_der});
      course::PlotOptions o2{"How hard each loss pushes an example with t = 1 (wrong for z < 0)",
                             "z", "|dL/dz|"};
      o2.extra = "set yrange [-0.05:1.05]";
      course::line_plot(common.out("gradient_vs_z.png"), o2, {s_gce, s_gsq});

      course::PlotOptions o3{"Saturated start (s = " + course::fixed(saturation, 1) +
                                 "): training loss relative to its start",
                             "epoch", "L / L(epoch 0)"};
      o3.extra = "set yrange [0:1.05]";
      course::line_plot(common.out("saturated_loss.png"), o3,
                        {curve("cross-entropy", h_ce.loss, h_ce.loss.front()),
                         curve("MSE", h_sq.loss, h_sq.loss.front())});
      course::PlotOptions o4{"Saturated start: training accuracy", "epoch", "training accuracy"};
      o4.extra = "set yrange [0:1.05]";
      course::line_plot(common.out("saturated_accuracy.png"), o4,
                        {curve("cross-entropy", h_ce.accuracy), curve("MSE", h_sq.accuracy)});

      // The map's colour runs from versicolor's colour (p = 0, t = 0) to virginica's (p = 1).
      const arma::uvec plot_labels = arma::conv_to<arma::uvec>::from(task2.T);
      course::PlotOptions o5{"p(virginica | petal length, petal width), all 100 flowers",
                             "petal length (cm)", "petal width (cm)"};
      o5.extra = "set cblabel 'p(virginica)'";
      course::decision_regions(
          common.out("probability_map.png"), o5, task2.X, plot_labels,
          {"versicolor (t = 0)", "virginica (t = 1)"},
          [&](double x, double y) {
            return model2.neuron.probability(model2.scaler.transform(arma::vec{x, y}))[0];
          },
          false);
    }

    // --- summary.json: the run's numbers, machine-readable.
    std::string headline = "test accuracy " + course::fixed(model.test_accuracy, 3) + " (seed " +
                           std::to_string(common.seed) + "); mean over " +
                           std::to_string(n_splits) + " splits " + course::fixed(mean_acc, 3);
    if (loo >= 0) headline += "; leave-one-out " + course::fixed(static_cast<double>(loo) / n, 3);
    headline += "; 90% from saturation: CE " + std::to_string(reach_ce) + " epochs, MSE " +
                (reach_sq < 0 ? "> " + std::to_string(sat_epochs) : std::to_string(reach_sq));
    nlohmann::json summary = {
        {"chapter", "03_sigmoid_neuron"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"eta", settings.eta},
        {"epochs", settings.epochs},
        {"test_fraction", settings.test_fraction},
        {"split",
         {{"train", split.train.n_elem},
          {"test", split.test.n_elem},
          {"train_accuracy", model.train_accuracy},
          {"test_accuracy", model.test_accuracy},
          {"final_loss", model.history.loss.back()},
          {"W", arma::conv_to<std::vector<double>>::from(model.neuron.W)},
          {"b", model.neuron.b}}},
        {"splits",
         {{"count", n_splits},
          {"test_accuracy_mean", mean_acc},
          {"test_accuracy_sd", sd_acc},
          {"test_accuracy_min", test_acc.min()},
          {"test_accuracy_max", test_acc.max()}}},
        {"saturated_start",
         {{"saturation", saturation},
          {"epochs", sat_epochs},
          {"wrong_side_fraction", wrong},
          {"gradient_norm_cross_entropy", norm_ce},
          {"gradient_norm_mse", norm_sq},
          {"epochs_to_90pct_cross_entropy", reach_ce},
          {"epochs_to_90pct_mse", reach_sq},
          {"final_accuracy_cross_entropy", h_ce.accuracy.back()},
          {"final_accuracy_mse", h_sq.accuracy.back()}}},
        {"petal_only",
         {{"train_accuracy", model2.train_accuracy}, {"test_accuracy", model2.test_accuracy}}},
        {"timing_seconds", {{"total", timer.seconds()}}}};
    if (loo >= 0) summary["leave_one_out"] = {{"correct", loo}, {"accuracy", static_cast<double>(loo) / n}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json" << (common.no_plots ? "" : " and plots")
              << "\n";
  });
}
