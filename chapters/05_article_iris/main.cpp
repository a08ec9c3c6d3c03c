// Chapter 05 executable: the article's iris network. Runs the ported listing with its bugs
// fixed one at a time (the per-bug table), then the same network tuned; studies seeds and
// learning rates; writes plots + CSVs and summary.json to --out.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "chapters/05_article_iris/listing.hpp"
#include "chapters/05_article_iris/network.hpp"
#include "chapters/05_article_iris/sklearn_split.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using namespace article_iris;

/// One row of the per-bug table: the switches after fixing bugs 1 .. fixed, and what happened.
struct Stage {
  std::string name;     // what was just fixed
  Bugs bugs;            // which bugs are still in
  bool ran = false;     // false: stopped with a shape error
  std::string stopped;  // the error
  ListingRun run;       // when it ran
};

/// The training and test parts of iris for a split, scaled with the training part's statistics.
struct Data {
  arma::mat X_train, X_test;  // (4 x 120), (4 x 30)
  arma::uvec t_train, t_test;
  course::Split split;
};

Data prepare(const course::Dataset& iris, std::uint32_t split_seed) {
  Data d;
  d.split = train_test_split(iris.X.n_cols, 0.2, split_seed);
  course::StandardScaler<> scaler;
  scaler.fit(iris.X.cols(d.split.train));  // training part only, population std
  d.X_train = scaler.transform(iris.X.cols(d.split.train));
  d.X_test = scaler.transform(iris.X.cols(d.split.test));
  d.t_train = iris.labels.elem(d.split.train);
  d.t_test = iris.labels.elem(d.split.test);
  return d;
}

/// Train the clean network from np.random.seed(seed) weights; return the history and the params.
std::pair<History, Params> fit(const Data& d, std::uint32_t seed, arma::uword n_hidden, Head head,
                               double eta, arma::uword epochs) {
  Params p = init_params(seed, d.X_train.n_rows, n_hidden, 3);
  History h = train(p, d.X_train, d.t_train, d.X_test, d.t_test, head, eta, epochs);
  return {h, p};
}

course::Series curve(const std::string& title, const std::vector<double>& y, double scale = 1.0) {
  course::Series s{title, {}, {}, "lines", {}};
  for (std::size_t e = 0; e < y.size(); ++e) {
    s.x.push_back(static_cast<double>(e));
    s.y.push_back(scale * y[e]);
  }
  return s;
}

/// A loss for printing: "NaN" once the numbers have blown up.
std::string loss_str(double loss) { return std::isfinite(loss) ? course::fixed(loss, 4) : "NaN"; }

/// The first epoch whose loss is not a finite number (-1: none).
long first_nonfinite(const std::vector<double>& loss) {
  for (std::size_t e = 0; e < loss.size(); ++e)
    if (!std::isfinite(loss[e])) return static_cast<long>(e);
  return -1;
}

std::string correct_str(double accuracy, arma::uword n) {
  return std::to_string(static_cast<arma::uword>(std::lround(accuracy * n))) + "/" +
         std::to_string(n);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Chapter 05: the article's iris network (4-5-3, sigmoid hidden layer). Ports its\n"
      "listing, fixes its bugs one at a time and measures each, then tunes it.",
      "ch05_article_iris"};
  course::CommonOptions common("ch05_article_iris");
  course::add_common_options(app, common);
  std::uint32_t split_seed = 42;
  double eta = 0.01, tuned_eta = 0.5;
  arma::uword epochs = 1000, tuned_epochs = 1000, n_hidden = 5, n_seeds = 20;
  app.add_option("--split-seed", split_seed,
                 "random_state of train_test_split(test_size=0.2) (0 .. 4294967295)")
      ->check(CLI::Range(0u, 4294967295u))
      ->capture_default_str();
  app.add_option("--eta", eta, "the listing's learning rate")
      ->check(course::positive())
      ->capture_default_str();
  app.add_option("--epochs", epochs, "the listing's epochs (full-batch steps)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--tuned-eta", tuned_eta, "learning rate of the tuned network")
      ->check(course::positive())
      ->capture_default_str();
  app.add_option("--tuned-epochs", tuned_epochs, "epochs of the tuned network")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--hidden", n_hidden, "hidden units")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--seeds", n_seeds, "seeds in the seed studies (--full: 200)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer timer;
    if (common.seed > 0xffffffffu)
      throw course::UsageError("--seed: numpy seeds are 0 .. 4294967295, found " +
                               std::to_string(common.seed));
    const auto seed = static_cast<std::uint32_t>(common.seed);
    if (common.full && app.count("--seeds") == 0) n_seeds = 200;
    course::make_out_dir(common.out_dir);
    const course::Dataset iris = course::load_iris(common.data_dir);
    const Data d = prepare(iris, split_seed);

    std::cout << "Split: train_test_split(test_size=0.2, random_state=" << split_seed
              << "): " << d.split.train.n_elem << " train, " << d.split.test.n_elem
              << " test; test indices";
    for (arma::uword i = 0; i < d.split.test.n_elem; ++i) std::cout << " " << d.split.test[i];
    std::cout << "\n";

    // --- The per-bug table.
    // [stages]
    // Each stage fixes one more bug than the one before, in the order the bugs stop the listing.
    const std::vector<std::pair<std::string, bool Bugs::*>> fixes = {
        {"1 W1 created with the right shape", &Bugs::W1_transposed},
        {"2 labels one-hot encoded", &Bugs::labels_not_one_hot},
        {"3 bias gradients summed over the batch", &Bugs::bias_gradient_not_summed},
        {"4 sigma' applied to A1, not Z1", &Bugs::sigma_prime_of_Z1},
        {"5 scaler fit on the training part", &Bugs::scaler_fit_on_all}};
    std::vector<Stage> stages(1);
    stages[0].name = "as printed";
    stages[0].bugs = Bugs::as_printed();
    for (const auto& [name, bug] : fixes) {
      Stage next;
      next.name = name;
      next.bugs = stages.back().bugs;
      next.bugs.*bug = false;  // fix this one
      stages.push_back(next);
    }
    for (Stage& s : stages) {
      try {
        s.run = run_listing(iris, s.bugs, seed, split_seed, eta, epochs, n_hidden);
        s.ran = true;
      } catch (const ShapeError& e) {
        s.stopped = e.what();
      }
    }
    // [stages]
    std::cout << "The article's listing, bugs fixed one at a time (np.random.seed(" << seed
              << "), eta " << eta << ", " << epochs << " epochs):\n";
    for (const Stage& s : stages) {
      std::cout << "  " << s.name
                << std::string(40 - std::min<std::size_t>(40, s.name.size()), ' ');
      if (!s.ran)
        std::cout << "stops: " << s.stopped << "\n";
      else
        std::cout << "runs: test " << s.run.test_correct << "/" << s.run.test_size << ", loss "
                  << loss_str(s.run.loss.front()) << " -> " << loss_str(s.run.loss.back())
                  << (first_nonfinite(s.run.loss) >= 0
                          ? " (from epoch " + std::to_string(first_nonfinite(s.run.loss)) + ")"
                          : "")
                  << "\n";
    }
    const ListingRun& faithful = stages.back().run;

    // --- The clean network: the same as the fixed listing, then tuned.
    const Params p_faithful = fit(d, seed, n_hidden, Head::sigmoid_mse, eta, epochs).second;
    const auto [h_tuned, p_tuned] =
        fit(d, seed, n_hidden, Head::softmax_cross_entropy, tuned_eta, tuned_epochs);
    // The listing's own head with only the learning rate raised, to separate the two changes.
    const double fast_eta = 3.0;
    const History h_fast = fit(d, seed, n_hidden, Head::sigmoid_mse, fast_eta, epochs).first;
    const arma::uword n_test = d.t_test.n_elem;
    const arma::uvec pred_faithful = predict(p_faithful, d.X_test, Head::sigmoid_mse);
    const arma::uvec pred_tuned = predict(p_tuned, d.X_test, Head::softmax_cross_entropy);
    const arma::uword correct_faithful = arma::accu(pred_faithful == d.t_test);
    const arma::uword correct_tuned = arma::accu(pred_tuned == d.t_test);
    std::cout << "Clean network, as the fixed listing (sigmoid + squared error, eta " << eta
              << "): test " << correct_faithful << "/" << n_test << "; with eta " << fast_eta
              << ": test " << correct_str(h_fast.test_accuracy.back(), n_test) << "\n"
              << "Tuned (softmax + cross-entropy, eta " << tuned_eta << ", " << tuned_epochs
              << " epochs): test " << correct_tuned << "/" << n_test << ", loss "
              << course::fixed(h_tuned.loss.front(), 4) << " -> "
              << course::fixed(h_tuned.loss.back(), 4) << "\n";

    // --- Learning rate: the listing's architecture and loss, only eta changed.
    const std::vector<double> etas = {0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30};
    course::Series sweep_mse{"sigmoid + squared error", {}, {}, "linespoints", {}};
    course::Series sweep_ce{"softmax + cross-entropy", {}, {}, "linespoints", {}};
    nlohmann::json sweep = nlohmann::json::array();
    std::cout << "Learning rate (" << epochs
              << " epochs): test right with sigmoid + squared error | softmax + cross-entropy\n";
    for (double e : etas) {
      const double a_mse =
          fit(d, seed, n_hidden, Head::sigmoid_mse, e, epochs).first.test_accuracy.back();
      const double a_ce =
          fit(d, seed, n_hidden, Head::softmax_cross_entropy, e, epochs).first.test_accuracy.back();
      sweep_mse.x.push_back(e);
      sweep_mse.y.push_back(a_mse * n_test);
      sweep_ce.x.push_back(e);
      sweep_ce.y.push_back(a_ce * n_test);
      sweep.push_back({{"eta", e},
                       {"sigmoid_mse_test_correct", std::lround(a_mse * n_test)},
                       {"softmax_ce_test_correct", std::lround(a_ce * n_test)}});
      std::cout << "  eta " << std::setw(5) << std::left << e << std::right << "  " << std::setw(5)
                << correct_str(a_mse, n_test) << " | " << correct_str(a_ce, n_test) << "\n";
    }

    // --- Seeds: the listing set none (bug 6); how much does the result depend on it?
    std::vector<double> acc_faithful, acc_tuned, acc_tuned_split;
    std::cout << std::flush;  // the progress line goes to stderr
    course::Progress progress("seed", n_seeds);
    for (arma::uword s = 0; s < n_seeds; ++s) {
      const auto ws = static_cast<std::uint32_t>(s);
      acc_faithful.push_back(
          fit(d, ws, n_hidden, Head::sigmoid_mse, eta, epochs).first.test_accuracy.back());
      acc_tuned.push_back(fit(d, ws, n_hidden, Head::softmax_cross_entropy, tuned_eta, tuned_epochs)
                              .first.test_accuracy.back());
      acc_tuned_split.push_back(fit(prepare(iris, ws), seed, n_hidden, Head::softmax_cross_entropy,
                                    tuned_eta, tuned_epochs)
                                    .first.test_accuracy.back());
      progress.update(s + 1);
    }
    auto stats = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      double mean = 0;
      for (double x : v) mean += x / v.size();
      return nlohmann::json{
          {"min", v.front()}, {"median", v[v.size() / 2]}, {"max", v.back()}, {"mean", mean}};
    };
    const nlohmann::json st_faithful = stats(acc_faithful), st_tuned = stats(acc_tuned),
                         st_split = stats(acc_tuned_split);
    auto range_str = [&](const nlohmann::json& st) {
      return course::fixed(st["min"].get<double>() * n_test, 0) + " .. " +
             course::fixed(st["max"].get<double>() * n_test, 0) + " of " + std::to_string(n_test) +
             " (mean " + course::fixed(st["mean"].get<double>() * n_test, 1) + ")";
    };
    std::cout << "Weight seeds 0.." << n_seeds - 1 << ": as the fixed listing "
              << range_str(st_faithful) << "; tuned " << range_str(st_tuned) << "\n"
              << "Split seeds 0.." << n_seeds - 1 << ", tuned: " << range_str(st_split) << "\n";

    // --- Plots.
    if (!common.no_plots) {
      std::vector<course::Series> acc_curves, loss_curves;
      const char* labels[] = {"",
                              "",
                              "",
                              "fixes 1-3 (bugs 4, 5 still in)",
                              "fixes 1-4 (bug 5 still in)",
                              "fixes 1-5: the listing, working"};
      for (std::size_t k = 3; k < stages.size(); ++k) {
        if (!stages[k].ran) continue;
        acc_curves.push_back(curve(labels[k], stages[k].run.test_accuracy, n_test));
        loss_curves.push_back(curve(labels[k], stages[k].run.loss));
      }
      acc_curves.push_back(
          curve("the same, eta " + course::fixed(fast_eta, 0), h_fast.test_accuracy, n_test));
      loss_curves.push_back(curve("the same, eta " + course::fixed(fast_eta, 0), h_fast.loss));
      acc_curves.push_back(
          curve("tuned: softmax + cross-entropy, eta " + course::fixed(tuned_eta, 1),
                h_tuned.test_accuracy, n_test));
      loss_curves.push_back(curve("tuned (cross-entropy)", h_tuned.loss));
      course::PlotOptions oa{
          "Test accuracy per epoch (split random_state=" + std::to_string(split_seed) + ")",
          "epoch", "test examples right (of " + std::to_string(n_test) + ")"};
      oa.extra = "set yrange [0:" + std::to_string(n_test + 1) + "]";
      course::line_plot(common.out("test_accuracy.png"), oa, acc_curves);
      const long blowup = first_nonfinite(stages[3].run.loss);
      course::PlotOptions ol{
          "Training loss per epoch" +
              (blowup >= 0 ? " (fixes 1-3: NaN from epoch " + std::to_string(blowup) + ")"
                           : std::string()),
          "epoch", "loss (squared error; cross-entropy for tuned)"};
      ol.logy = true;
      course::line_plot(common.out("loss.png"), ol, loss_curves);

      course::PlotOptions os{
          "Test accuracy after " + std::to_string(epochs) + " epochs against the learning rate",
          "learning rate eta", "test examples right (of " + std::to_string(n_test) + ")"};
      os.logx = true;
      os.extra = "set yrange [0:" + std::to_string(n_test + 1) + "]";
      course::line_plot(common.out("lr_sweep.png"), os, {sweep_mse, sweep_ce});

      // How many seeds give each test score: a histogram per configuration.
      auto histogram = [&](const std::string& title, const std::vector<double>& acc) {
        course::Series h{title, {}, {}, "boxes", {}};
        std::vector<double> count(n_test + 1, 0.0);
        for (double a : acc) count[std::lround(a * n_test)] += 1;
        for (arma::uword k = 0; k <= n_test; ++k) {
          h.x.push_back(k);
          h.y.push_back(count[k]);
        }
        return h;
      };
      course::PlotOptions oseed{
          "Test score over weight seeds 0.." + std::to_string(n_seeds - 1) +
              " (np.random.seed), split random_state=" + std::to_string(split_seed),
          "test examples right (of " + std::to_string(n_test) + ")", "seeds"};
      oseed.logy = true;
      oseed.extra =
          "set style fill transparent solid 0.6 noborder\nset boxwidth 0.8\nset xrange [-0.5:" +
          std::to_string(n_test + 0.5) + "]\nset yrange [0.8:*]";
      course::line_plot(
          common.out("seeds.png"), oseed,
          {histogram("as the fixed listing (eta " + course::fixed(eta, 2) + ")", acc_faithful),
           histogram("tuned", acc_tuned)});

      const arma::mat C_f =
          arma::conv_to<arma::mat>::from(course::confusion_matrix(d.t_test, pred_faithful, 3));
      const arma::mat C_t =
          arma::conv_to<arma::mat>::from(course::confusion_matrix(d.t_test, pred_tuned, 3));
      course::PlotOptions oc{"Tuned: test confusion matrix (" + std::to_string(correct_tuned) +
                                 "/" + std::to_string(n_test) + ")",
                             "predicted", "true"};
      oc.width = 480;
      oc.height = 420;
      course::heatmap(common.out("confusion_tuned.png"), oc, C_t, iris.class_names,
                      iris.class_names);
      oc.title = "As the fixed listing: test confusion matrix (" +
                 std::to_string(correct_faithful) + "/" + std::to_string(n_test) + ")";
      course::heatmap(common.out("confusion_listing.png"), oc, C_f, iris.class_names,
                      iris.class_names);
    }

    // --- summary.json.
    nlohmann::json table = nlohmann::json::array();
    for (const Stage& s : stages) {
      nlohmann::json row = {{"fixed", s.name}, {"runs", s.ran}};
      if (s.ran)
        row.update({{"test_correct", s.run.test_correct},
                    {"test_accuracy", s.run.test_accuracy.back()},
                    {"loss_first", s.run.loss.front()},
                    {"loss_last", s.run.loss.back()},
                    {"first_nonfinite_loss_epoch", first_nonfinite(s.run.loss)}});
      else
        row["stopped"] = s.stopped;
      table.push_back(row);
    }
    const std::string headline =
        "as printed: stops; fixed as written (eta " + course::fixed(eta, 2) + ", " +
        std::to_string(epochs) + " epochs): test " + std::to_string(faithful.test_correct) + "/" +
        std::to_string(n_test) + "; tuned (softmax+CE, eta " + course::fixed(tuned_eta, 2) +
        "): test " + std::to_string(correct_tuned) + "/" + std::to_string(n_test);
    nlohmann::json summary = {
        {"chapter", "05_article_iris"},
        {"headline", headline},
        {"seed", common.seed},
        {"split_seed", split_seed},
        {"full", common.full},
        {"split",
         {{"test_indices", arma::conv_to<std::vector<arma::uword>>::from(d.split.test)},
          {"train_indices", arma::conv_to<std::vector<arma::uword>>::from(d.split.train)}}},
        {"per_bug_table", table},
        {"faithful",
         {{"eta", eta},
          {"epochs", epochs},
          {"test_correct", faithful.test_correct},
          {"test_accuracy", faithful.test_accuracy.back()},
          {"loss_last", faithful.loss.back()}}},
        {"listing_eta_" + course::fixed(fast_eta, 0),
         {{"eta", fast_eta}, {"test_accuracy", h_fast.test_accuracy.back()}}},
        {"tuned",
         {{"head", "softmax + cross-entropy"},
          {"eta", tuned_eta},
          {"epochs", tuned_epochs},
          {"test_correct", correct_tuned},
          {"test_accuracy", static_cast<double>(correct_tuned) / n_test},
          {"loss_last", h_tuned.loss.back()}}},
        {"lr_sweep", sweep},
        {"seed_study",
         {{"seeds", n_seeds},
          {"faithful_weight_seeds", st_faithful},
          {"tuned_weight_seeds", st_tuned},
          {"tuned_split_seeds", st_split}}},
        {"timing_seconds", {{"total", timer.seconds()}}}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json"
              << (common.no_plots ? "" : " and plots") << "\n";
  });
}
