// Chapter 10 executable: choosing a network's structure by experiment.
//  1. parameter counts: the formula sum (n_{l-1} + 1) n_l against the built network's count;
//  2. a width x depth sweep on MNIST: train on (a slice of) the first 50,000 training images,
//     score on the last 10,000 (the validation set), record parameters and training time;
//  3. stratified k-fold cross-validation of a small 4-H-3 network on iris, for several H;
//  4. a random search over learning rate, width and L2 strength with a fixed budget;
//  5. the choice: the smallest sweep network within one standard error of the best, trained with
//     the better of the default recipe and the search's best, scored once on the test set.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "chapters/10_architecture/architecture.hpp"
#include "chapters/10_architecture/cross_validation.hpp"
#include "chapters/10_architecture/random_search.hpp"
#include "chapters/10_architecture/recipe.hpp"
#include "chapters/10_architecture/selection.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32
using mlp::LayerSizes;

/// A comma-separated list of integers in [lo, hi], e.g. "16,64,256".
std::vector<arma::uword> parse_list(const std::string& text, const std::string& flag, long lo, long hi) {
  std::vector<arma::uword> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < lo || v > hi)
      throw course::UsageError(flag + ": expected a list like 16,64,256 (each " + std::to_string(lo) +
                               ".." + std::to_string(hi) + "), found '" + text + "'");
    values.push_back(static_cast<arma::uword>(v));
  }
  if (values.empty()) throw course::UsageError(flag + ": expected at least one value");
  return values;
}

std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", x);
  return buf;
}

/// A copy of every parameter of a network (to score a sweep's network again later).
std::vector<Mat> snapshot(mlp::Sequential<float>& net) {
  std::vector<Mat> values;
  for (const auto& p : net.params()) values.push_back(*p.value);
  return values;
}

/// One configuration of the width x depth sweep.
struct SweepRow {
  arma::uword depth = 0, width = 0;
  LayerSizes sizes;
  arma::uword n_params = 0;
  double val_accuracy = 0, seconds = 0, cpu_seconds = 0, final_loss = 0;
  std::vector<Mat> weights;  // the trained parameters
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 10: choosing the architecture. Parameter counts, a width x depth sweep on\n"
               "MNIST (validation = the last 10,000 training images), stratified k-fold\n"
               "cross-validation on iris, a random search over eta / width / L2, and the choice.",
               "ch10_architecture"};
  course::CommonOptions common("ch10_architecture");
  course::add_common_options(app, common);
  std::string widths_text = "16,64,256", depths_text = "1,2,3", cv_hidden_text = "1,2,4,8,16,32";
  arma::uword epochs = 2, n_train = 5000, batch_size = 128;
  double eta = 1e-3, n_se = 1.0;
  arma::uword seed_runs = 2;
  arma::uword folds = 5, cv_epochs = 100, cv_repeats = 1, cv_batch = 16;
  double cv_eta = 0.01;
  arma::uword trials = 6, trial_epochs = 1, trial_train = 2000;
  double eta_min = 1e-4, eta_max = 1e-1, lambda_min = 1e-6, lambda_max = 1e-2;
  app.add_option("--widths", widths_text, "sweep: hidden widths (--full: 16,32,64,128,256,512,1024)")->capture_default_str();
  app.add_option("--depths", depths_text, "sweep: numbers of hidden layers")->capture_default_str();
  app.add_option("--epochs", epochs, "sweep and final: epochs per network (--full: 5)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--train-size", n_train, "sweep and final: training images, the first N of 50,000 (--full: 50000)")
      ->check(CLI::Range(1, 50000))->capture_default_str();
  app.add_option("--batch-size", batch_size, "MNIST mini-batch size")->check(CLI::Range(1, 50000))->capture_default_str();
  app.add_option("--eta", eta, "sweep: Adam's learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--se", n_se, "choice: a network within this many standard errors of the best counts as a tie")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  app.add_option("--seed-runs", seed_runs, "sweep: train the chosen network with this many seeds, to see the seed's effect (--full: 4)")
      ->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--folds", folds, "iris: k of the stratified k-fold")->check(CLI::Range(2, 50))->capture_default_str();
  app.add_option("--cv-hidden", cv_hidden_text, "iris: hidden sizes H of the 4-H-3 networks")->capture_default_str();
  app.add_option("--cv-epochs", cv_epochs, "iris: epochs per fold")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--cv-repeats", cv_repeats, "iris: k-fold repeated with new folds (--full: 10)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--cv-eta", cv_eta, "iris: Adam's learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--trials", trials, "search: number of random trials (--full: 20)")->check(CLI::Range(1, 10000))->capture_default_str();
  app.add_option("--trial-epochs", trial_epochs, "search: epochs per trial (--full: 2)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--trial-train-size", trial_train, "search: training images per trial (--full: 10000)")
      ->check(CLI::Range(1, 50000))->capture_default_str();
  app.add_option("--eta-min", eta_min, "search: smallest learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--eta-max", eta_max, "search: largest learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--lambda-min", lambda_min, "search: smallest L2 strength")->check(course::positive())->capture_default_str();
  app.add_option("--lambda-max", lambda_max, "search: largest L2 strength")->check(course::positive())->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--widths")) widths_text = "16,32,64,128,256,512,1024";
      if (!app.count("--epochs")) epochs = 5;
      if (!app.count("--train-size")) n_train = 50000;
      if (!app.count("--cv-repeats")) cv_repeats = 10;
      if (!app.count("--seed-runs")) seed_runs = 4;
      if (!app.count("--trials")) trials = 20;
      if (!app.count("--trial-epochs")) trial_epochs = 2;
      if (!app.count("--trial-train-size")) trial_train = 10000;
    }
    const auto widths = parse_list(widths_text, "--widths", 1, 100000);
    const auto depths = parse_list(depths_text, "--depths", 1, 10);
    const auto cv_hidden = parse_list(cv_hidden_text, "--cv-hidden", 1, 100000);
    if (eta_min > eta_max) throw course::UsageError("--eta-min must not exceed --eta-max");
    if (lambda_min > lambda_max) throw course::UsageError("--lambda-min must not exceed --lambda-max");
    trial_train = std::min(trial_train, n_train);
    course::make_out_dir(common.out_dir);
    nlohmann::json summary = {{"chapter", "10_architecture"}, {"seed", common.seed}, {"full", common.full}};
    nlohmann::json timing;

    // -----------------------------------------------------------------------------------------
    // 1. Parameter counts: formula and code.
    std::cout << "1. Parameters: the formula sum_l (n_{l-1} + 1) n_l and Sequential::n_params()\n";
    nlohmann::json counts = nlohmann::json::array();
    for (const LayerSizes& sizes : std::vector<LayerSizes>{{4, 8, 3}, {784, 30, 10}, {784, 100, 10},
                                                           {784, 256, 128, 10}, {784, 1024, 1024, 1024, 10}}) {
      course::Rng rng(common.seed);
      // [count_check]
      const arma::uword by_formula = mlp::count_parameters(sizes);
      const arma::uword by_code = mlp::build_mlp<float>(sizes, rng).n_params();
      // [count_check]
      std::printf("   %-22s formula %9llu   code %9llu\n", mlp::describe(sizes).c_str(),
                  (unsigned long long)by_formula, (unsigned long long)by_code);
      if (by_formula != by_code)
        throw course::Error("parameter count of " + mlp::describe(sizes) + ": formula " +
                            std::to_string(by_formula) + ", code " + std::to_string(by_code));
      counts.push_back({{"sizes", sizes}, {"formula", by_formula}, {"code", by_code}});
    }
    summary["parameter_counts"] = counts;

    // -----------------------------------------------------------------------------------------
    // Iris for the cross-validation (read first: the smaller file fails faster).
    const course::Dataset iris = course::load_iris(common.data_dir);
    // [data]
    // MNIST's 60,000 training images: the first 50,000 train, the last 10,000 validate (as
    // Nielsen does). The 10,000 test images are scored once, at the very end.
    const course::ImageSet all = course::load_images("mnist", "train", common.data_dir);
    const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
    const Mat X_train = all.X.cols(0, n_train - 1);             // (784 x n_train)
    const arma::uvec labels_train = all.labels.subvec(0, n_train - 1);
    const Mat Y_train = course::one_hot<Mat>(labels_train, 10);  // (10 x n_train)
    const Mat X_val = all.X.cols(50000, 59999);                 // (784 x 10000)
    const arma::uvec labels_val = all.labels.subvec(50000, 59999);
    // [data]
    const double n_val = double(labels_val.n_elem);

    // -----------------------------------------------------------------------------------------
    // 2. The width x depth sweep.
    const mlp::Recipe recipe{epochs, batch_size, eta, 0.0};
    std::cout << "\n2. Sweep: ReLU networks 784-(width x depth)-10, He init, Adam (eta " << eta << "), batch "
              << batch_size << ", " << epochs << " epochs on " << n_train
              << " training images; validation on 10000\n";
    std::printf("   %-26s %10s %10s %9s\n", "network", "parameters", "val acc", "CPU s");
    std::vector<SweepRow> sweep;
    for (arma::uword depth : depths)
      for (arma::uword width : widths) {
        SweepRow row;
        row.depth = depth;
        row.width = width;
        // [sweep]
        row.sizes = mlp::uniform_sizes(784, width, depth, 10);
        mlp::FitReport report;
        mlp::Sequential<float> net =
            mlp::fit(row.sizes, recipe, X_train, Y_train, common.seed, &report, mlp::describe(row.sizes));
        row.val_accuracy = mlp::accuracy(net, X_val, labels_val);
        row.n_params = net.n_params();
        // [sweep]
        row.seconds = report.seconds;
        row.cpu_seconds = report.cpu_seconds;
        row.final_loss = report.final_loss;
        row.weights = snapshot(net);
        std::printf("   %-26s %10llu %9.2f%% %9.2f\n", mlp::describe(row.sizes).c_str(),
                    (unsigned long long)row.n_params, 100 * row.val_accuracy, row.cpu_seconds);
        sweep.push_back(std::move(row));
      }
    // [choose]
    std::vector<mlp::Candidate> candidates;
    for (const auto& r : sweep) candidates.push_back({double(r.n_params), r.val_accuracy});
    const double best_val = std::max_element(candidates.begin(), candidates.end(), [](auto& a, auto& b) {
                              return a.score < b.score;
                            })->score;
    const double se = mlp::binomial_se(best_val, n_val);        // one standard error
    const std::size_t chosen = mlp::smallest_within(candidates, n_se * se);
    // [choose]
    const std::size_t best_index = std::max_element(sweep.begin(), sweep.end(), [](auto& a, auto& b) {
                                     return a.val_accuracy < b.val_accuracy;
                                   }) - sweep.begin();
    const SweepRow& pick = sweep[chosen];
    std::cout << "   best: " << mlp::describe(sweep[best_index].sizes) << " at "
              << course::fixed(100 * best_val, 2) << "% (" << sweep[best_index].n_params
              << " parameters); one standard error = " << course::fixed(100 * se, 2) << " points\n"
              << "   chosen (fewest parameters within " << course::fixed(n_se, 1) << " SE of the best): "
              << mlp::describe(pick.sizes) << ", " << course::fixed(100 * pick.val_accuracy, 2) << "%, "
              << pick.n_params << " parameters\n";
    // How much does the training seed alone move the score? The chosen network, other seeds.
    course::Timer seeds_timer;
    std::vector<double> seed_accuracies = {pick.val_accuracy};
    for (arma::uword s = 1; s < seed_runs; ++s) {
      auto net = mlp::fit(pick.sizes, recipe, X_train, Y_train, common.seed + s, nullptr,
                          mlp::describe(pick.sizes) + " seed " + std::to_string(common.seed + s));
      seed_accuracies.push_back(mlp::accuracy(net, X_val, labels_val));
    }
    const mlp::CvScores seed_spread = mlp::summarize(seed_accuracies);
    if (seed_runs > 1)
      std::cout << "   the chosen network trained with " << seed_runs << " seeds: validation mean "
                << course::fixed(100 * seed_spread.mean, 2) << "%, sd " << course::fixed(100 * seed_spread.sd, 2)
                << " points (the seed's share of the noise)\n";
    timing["seed_runs"] = seeds_timer.seconds();
    nlohmann::json sweep_json = nlohmann::json::array();
    nlohmann::json sweep_times = nlohmann::json::array();  // in the order of "results"
    for (const auto& r : sweep) {
      sweep_json.push_back({{"sizes", r.sizes}, {"depth", r.depth}, {"width", r.width}, {"parameters", r.n_params},
                            {"val_accuracy", r.val_accuracy}, {"final_train_loss", r.final_loss}});
      sweep_times.push_back({{"network", mlp::describe(r.sizes)}, {"wall", r.seconds}, {"cpu", r.cpu_seconds}});
    }
    summary["sweep"] = {{"train_size", n_train}, {"val_size", labels_val.n_elem}, {"epochs", epochs},
                        {"batch_size", batch_size}, {"eta", eta}, {"results", sweep_json},
                        {"best", mlp::describe(sweep[best_index].sizes)}, {"best_val_accuracy", best_val},
                        {"standard_error", se}, {"tolerance_se", n_se},
                        {"chosen", mlp::describe(pick.sizes)}, {"chosen_val_accuracy", pick.val_accuracy},
                        {"chosen_parameters", pick.n_params},
                        {"chosen_seed_runs", {{"seeds", seed_runs}, {"val_accuracies", seed_accuracies},
                                              {"mean", seed_spread.mean}, {"sd", seed_spread.sd}}}};
    timing["sweep_training"] = sweep_times;

    // -----------------------------------------------------------------------------------------
    // 3. Stratified k-fold cross-validation on iris.
    const mlp::Recipe cv_recipe{cv_epochs, cv_batch, cv_eta, 0.0};
    std::cout << "\n3. Iris, 4-H-3 ReLU networks, Adam (eta " << cv_eta << "), batch " << cv_batch << ", "
              << cv_epochs << " epochs: stratified " << folds << "-fold cross-validation"
              << (cv_repeats > 1 ? ", repeated " + std::to_string(cv_repeats) + " times" : "") << "\n";
    course::Timer cv_timer;
    std::vector<mlp::CvScores> cv_results;
    for (arma::uword H : cv_hidden) {
      std::vector<double> all_scores;
      for (arma::uword r = 0; r < cv_repeats; ++r) {
        course::Rng rng(common.seed + r);  // repeat r: new folds
        std::uint64_t fold_seed = common.seed + 1000 * (r + 1);
        // [cv]
        const auto splits = mlp::stratified_kfold(iris.labels, folds, rng);
        const mlp::CvScores s = mlp::cross_validate(splits, [&](const course::Split& split) {
          course::StandardScaler<arma::mat> scaler;  // fitted on the training folds only
          scaler.fit(iris.X.cols(split.train));
          const Mat X_tr = arma::conv_to<Mat>::from(scaler.transform(iris.X.cols(split.train)));
          const Mat X_te = arma::conv_to<Mat>::from(scaler.transform(iris.X.cols(split.test)));
          const Mat Y_tr = course::one_hot<Mat>(iris.labels.elem(split.train), 3);
          auto net = mlp::fit<float>({4, H, 3}, cv_recipe, X_tr, Y_tr, fold_seed++);
          return mlp::accuracy(net, X_te, arma::uvec(iris.labels.elem(split.test)));
        });
        // [cv]
        all_scores.insert(all_scores.end(), s.scores.begin(), s.scores.end());
      }
      cv_results.push_back(mlp::summarize(all_scores));
      const auto& c = cv_results.back();
      std::printf("   H = %-4llu (%3llu parameters): mean %.3f, sd %.3f over %zu folds\n", (unsigned long long)H,
                  (unsigned long long)mlp::count_parameters({4, H, 3}), c.mean, c.sd, c.scores.size());
    }
    std::vector<mlp::Candidate> cv_candidates;
    std::size_t cv_best = 0;
    for (std::size_t i = 0; i < cv_hidden.size(); ++i) {
      cv_candidates.push_back({double(cv_hidden[i]), cv_results[i].mean});
      if (cv_results[i].mean > cv_results[cv_best].mean) cv_best = i;
    }
    const double cv_se = cv_results[cv_best].se();
    const std::size_t cv_chosen = mlp::smallest_within(cv_candidates, n_se * cv_se);
    std::cout << "   best mean: H = " << cv_hidden[cv_best] << " (" << course::fixed(cv_results[cv_best].mean, 3)
              << ", standard error " << course::fixed(cv_se, 3) << "); chosen: H = " << cv_hidden[cv_chosen]
              << " (smallest within " << course::fixed(n_se, 1) << " SE)\n";
    nlohmann::json cv_json = nlohmann::json::array();
    for (std::size_t i = 0; i < cv_hidden.size(); ++i)
      cv_json.push_back({{"hidden", cv_hidden[i]}, {"parameters", mlp::count_parameters({4, cv_hidden[i], 3})},
                         {"mean_accuracy", cv_results[i].mean}, {"sd", cv_results[i].sd},
                         {"fold_accuracies", cv_results[i].scores}});
    summary["iris_cv"] = {{"folds", folds}, {"repeats", cv_repeats}, {"epochs", cv_epochs}, {"eta", cv_eta},
                          {"batch_size", cv_batch}, {"results", cv_json}, {"best_hidden", cv_hidden[cv_best]},
                          {"chosen_hidden", cv_hidden[cv_chosen]}};
    timing["iris_cv"] = cv_timer.seconds();

    // -----------------------------------------------------------------------------------------
    // 4. Random search over eta, width and lambda at the chosen depth, with a fixed budget.
    const arma::uword depth = pick.depth;
    const Mat X_search = X_train.head_cols(trial_train);
    const Mat Y_search = Y_train.head_cols(trial_train);
    std::cout << "\n4. Random search: " << trials << " trials x " << trial_epochs << " epoch"
              << (trial_epochs > 1 ? "s" : "") << " on " << trial_train << " images, depth " << depth
              << "; eta ~ logU[" << sci(eta_min) << ", " << sci(eta_max) << "], width from the sweep's list, "
              << "lambda ~ logU[" << sci(lambda_min) << ", " << sci(lambda_max) << "]\n";
    course::Timer search_timer;
    std::vector<double> trial_seconds;
    // [search]
    const mlp::SearchSpace space{eta_min, eta_max, widths, lambda_min, lambda_max};
    course::Rng search_rng(common.seed);
    const std::vector<mlp::Trial> found =
        mlp::random_search(space, trials, search_rng, [&](const mlp::Trial& t) {
          const mlp::Recipe r{trial_epochs, batch_size, t.eta, t.lambda};
          mlp::FitReport report;
          auto net = mlp::fit(mlp::uniform_sizes(784, t.width, depth, 10), r, X_search, Y_search, t.seed, &report);
          trial_seconds.push_back(report.seconds);
          const double acc = mlp::accuracy(net, X_val, labels_val);
          std::printf("   trial %2llu: eta %.2e  width %5llu  lambda %.2e  ->  val %6.2f%%%s\n",
                      (unsigned long long)t.index + 1, t.eta, (unsigned long long)t.width, t.lambda, 100 * acc,
                      report.diverged ? " (diverged)" : "");
          return acc;
        });
    const mlp::Trial& best = found[mlp::best_trial(found)];
    // [search]
    std::cout << "   best: trial " << best.index + 1 << ", eta " << sci(best.eta) << ", width " << best.width
              << ", lambda " << sci(best.lambda) << ": " << course::fixed(100 * best.score, 2) << "%\n";
    nlohmann::json trials_json = nlohmann::json::array();
    for (const auto& t : found)
      trials_json.push_back({{"trial", t.index + 1}, {"eta", t.eta}, {"width", t.width}, {"lambda", t.lambda},
                             {"seed", t.seed}, {"val_accuracy", t.score}});
    summary["random_search"] = {{"trials", trials}, {"epochs", trial_epochs}, {"train_size", trial_train},
                                {"depth", depth}, {"eta_range", {eta_min, eta_max}}, {"widths", widths},
                                {"lambda_range", {lambda_min, lambda_max}}, {"results", trials_json},
                                {"best_trial", best.index + 1}};
    timing["search"] = search_timer.seconds();
    timing["search_trials"] = trial_seconds;

    // -----------------------------------------------------------------------------------------
    // 5. The choice: the chosen sizes with the default recipe (already trained in the sweep) or
    // with the search's eta and lambda, whichever scores higher on validation; then the test set,
    // once.
    // [final]
    const mlp::Recipe tuned{epochs, batch_size, best.eta, best.lambda};
    mlp::FitReport tuned_report;
    mlp::Sequential<float> tuned_net = mlp::fit(pick.sizes, tuned, X_train, Y_train, common.seed, &tuned_report,
                                                mlp::describe(pick.sizes) + " tuned");
    const double tuned_val = mlp::accuracy(tuned_net, X_val, labels_val);
    const bool use_tuned = tuned_val > pick.val_accuracy;
    mlp::Sequential<float> final_net;
    if (use_tuned) {
      final_net = std::move(tuned_net);
    } else {  // the sweep's network, from its saved parameters
      course::Rng unused(0);
      final_net = mlp::build_mlp<float>(pick.sizes, unused);
      auto params = final_net.params();
      for (std::size_t i = 0; i < params.size(); ++i) *params[i].value = pick.weights[i];
    }
    const mlp::Recipe& final_recipe = use_tuned ? tuned : recipe;
    const double final_val = use_tuned ? tuned_val : pick.val_accuracy;
    const double test_acc = mlp::accuracy(final_net, test.X, test.labels);  // the only use of the test set
    // [final]
    std::cout << "\n5. The choice: " << mlp::describe(pick.sizes) << "\n"
              << "   default recipe (eta " << sci(eta) << ", no L2): validation "
              << course::fixed(100 * pick.val_accuracy, 2) << "%\n"
              << "   search's recipe (eta " << sci(best.eta) << ", lambda " << sci(best.lambda) << "): validation "
              << course::fixed(100 * tuned_val, 2) << "%" << (tuned_report.diverged ? " (diverged)" : "") << "\n"
              << "   final: " << mlp::describe(pick.sizes) << " ReLU, He init, Adam eta " << sci(final_recipe.eta)
              << (final_recipe.lambda > 0 ? ", lambda " + sci(final_recipe.lambda) : std::string(", no L2"))
              << ", batch " << batch_size << ", " << epochs << " epochs on " << n_train << " images:\n"
              << "   validation " << course::fixed(100 * final_val, 2) << "%, test " << course::fixed(100 * test_acc, 2)
              << "% (the test set used once)\n";
    summary["final"] = {{"sizes", pick.sizes}, {"parameters", pick.n_params}, {"recipe", use_tuned ? "search" : "default"},
                        {"eta", final_recipe.eta}, {"lambda", final_recipe.lambda}, {"epochs", epochs},
                        {"train_size", n_train}, {"tuned_val_accuracy", tuned_val},
                        {"default_val_accuracy", pick.val_accuracy}, {"val_accuracy", final_val},
                        {"test_accuracy", test_acc}};
    timing["final_tuned_training"] = tuned_report.seconds;

    // -----------------------------------------------------------------------------------------
    if (!common.no_plots) {
      std::vector<course::Series> acc_series, time_series;
      const char* layer_words[] = {"", "1 hidden layer", "2 hidden layers", "3 hidden layers"};
      for (arma::uword d : depths) {
        const std::string name = d < 4 ? layer_words[d] : std::to_string(d) + " hidden layers";
        course::Series a{name, {}, {}, "linespoints", {}}, t{name, {}, {}, "linespoints", {}};
        for (const auto& r : sweep)
          if (r.depth == d) {
            a.x.push_back(double(r.n_params));
            a.y.push_back(100 * r.val_accuracy);
            t.x.push_back(r.cpu_seconds);
            t.y.push_back(100 * r.val_accuracy);
          }
        acc_series.push_back(a);
        time_series.push_back(t);
      }
      double p_min = 1e300, p_max = 0;
      for (const auto& r : sweep) {
        p_min = std::min(p_min, double(r.n_params));
        p_max = std::max(p_max, double(r.n_params));
      }
      acc_series.push_back({"best - " + course::fixed(n_se, 1) + " SE", {p_min, p_max},
                            {100 * (best_val - n_se * se), 100 * (best_val - n_se * se)}, "lines", {}});
      acc_series.push_back({"chosen: " + mlp::describe(pick.sizes), {double(pick.n_params)},
                            {100 * pick.val_accuracy}, "points", {}});
      course::PlotOptions oa{"Validation accuracy vs parameters (" + std::to_string(epochs) + " epochs, " +
                                 std::to_string(n_train) + " training images)",
                             "parameters (log scale)", "validation accuracy (%)"};
      oa.logx = true;
      course::line_plot(common.out("accuracy_vs_parameters.png"), oa, acc_series);

      course::PlotOptions ot{"Training time vs validation accuracy (" + std::to_string(epochs) + " epochs, " +
                                 std::to_string(n_train) + " images)",
                             "training time (CPU seconds, log scale)",
                             "validation accuracy (%)"};
      ot.logx = true;
      course::line_plot(common.out("time_vs_accuracy.png"), ot, time_series);

      course::Series cv{"mean +- sd over " + std::to_string(cv_results[0].scores.size()) + " folds", {}, {},
                        "yerrorlines", {}};
      for (std::size_t i = 0; i < cv_hidden.size(); ++i) {
        cv.x.push_back(double(cv_hidden[i]));
        cv.y.push_back(100 * cv_results[i].mean);
        cv.err.push_back(100 * cv_results[i].sd);
      }
      course::PlotOptions oc{"Iris, 4-H-3: stratified " + std::to_string(folds) + "-fold cross-validation",
                             "hidden units H (log scale)", "held-out accuracy (%)"};
      oc.logx = true;
      oc.extra = "set xrange [" + std::to_string(0.7 * cv_hidden.front()) + ":" +
                 std::to_string(1.4 * cv_hidden.back()) + "]\nset yrange [:101]";  // no bars past 100%
      course::line_plot(common.out("cv_iris.png"), oc, {cv});

      std::map<arma::uword, course::Series> by_width;
      for (const auto& t : found) {
        auto& s = by_width[t.width];
        s.title = "width " + std::to_string(t.width);
        s.style = "points";
        s.x.push_back(t.eta);
        s.y.push_back(100 * t.score);
      }
      std::vector<course::Series> search_series;
      for (auto& [w, s] : by_width) search_series.push_back(s);
      course::PlotOptions os{"Random search: " + std::to_string(trials) + " trials, depth " + std::to_string(depth) +
                                 ", " + std::to_string(trial_epochs) + " epoch(s) on " + std::to_string(trial_train) +
                                 " images",
                             "learning rate eta (log scale)", "validation accuracy (%)"};
      os.logx = true;
      course::line_plot(common.out("search.png"), os, search_series);
    }

    summary["headline"] = "chosen " + mlp::describe(pick.sizes) + " (" + std::to_string(pick.n_params) +
                          " parameters, fewest within " + course::fixed(n_se, 1) + " SE of the best " +
                          course::fixed(100 * best_val, 2) + "%): validation " + course::fixed(100 * final_val, 2) +
                          "%, test " + course::fixed(100 * test_acc, 2) + "% (used once); iris 4-" +
                          std::to_string(cv_hidden[cv_chosen]) + "-3 CV " +
                          course::fixed(100 * cv_results[cv_chosen].mean, 1) + "%";
    timing["total"] = total.seconds();
    summary["timing_seconds"] = timing;
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json" << (common.no_plots ? "" : " and plots") << "\n";
  });
}
