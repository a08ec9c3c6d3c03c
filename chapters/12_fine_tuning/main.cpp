// Chapter 12 executable: transfer learning. The body of a network pretrained on MNIST's digits 0-4
// (chapter 11's checkpoint, or any compatible safetensors file) gets a new head and learns the
// digits 5-9 from k labelled images per class, five ways: from scratch, linear probe, fine-tune,
// discriminative learning rates, gradual unfreezing. Then the same body meets Fashion-MNIST.
// Prints a table per k (mean +- sd over subset seeds), writes the accuracy-vs-k plots, CSVs and
// summary.json to --out.
#include <cstring>
#include <iostream>
#include <map>

#include "chapters/12_fine_tuning/methods.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using mlp::Method;

using course::MeanSd;  // mean and sample standard deviation (common/matrix.hpp)
using course::mean_sd;

std::string pct(const MeanSd& a) {
  return course::fixed(100 * a.mean, 2) + " +- " + course::fixed(100 * a.sd, 2);
}

/// Accuracies of one task: results[method][k] = one test accuracy per seed.
using Results = std::map<Method, std::map<arma::uword, std::vector<double>>>;

/// Each method's accuracy minus scratch's on the same subset and seed (percentage points),
/// mean +- sd over seeds: what the pretrained body adds.
MeanSd gain_over_scratch(const Results& results, Method method, arma::uword k) {
  const auto& a = results.at(method).at(k);
  const auto& b = results.at(Method::Scratch).at(k);
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size(); ++i) d.push_back(100 * (a[i] - b[i]));
  return mean_sd(d);
}

/// The few-shot experiment on one task: every k, seed and method; prints a table per k.
/// Seed s uses subset seed s (the same images for every method) and a training generator
/// seeded with run_seed + 1000 s (the same head initialization and batch order for every
/// pretrained method).
Results run_task(const mlp::TaskData& task, const std::vector<arma::uword>& ks, arma::uword n_seeds,
                 const std::vector<Method>& methods, const std::string& pretrained,
                 const std::string& activation, const mlp::Recipe& recipe, std::uint64_t run_seed,
                 const std::string& scored_on, double* train_seconds) {
  Results results;
  const arma::fmat& X_test = task.test.X;
  course::Progress progress(task.name + " runs", ks.size() * n_seeds * methods.size());
  std::size_t done = 0;
  for (const arma::uword k : ks) {
    for (arma::uword s = 0; s < n_seeds; ++s) {
      const course::ImageSet train = mlp::few_shot_subset(task, k, /*subset_seed=*/s);
      for (const Method method : methods) {
        course::Rng rng(run_seed + 1000 * s);
        auto tn = mlp::make_network<float>(method, pretrained, task.n_classes, rng, activation);
        course::Timer timer;
        mlp::train(tn, method, train.X, train.labels, recipe, rng);
        *train_seconds += timer.seconds();
        results[method][k].push_back(mlp::accuracy(tn, X_test, task.test.labels));
        progress.update(++done);
      }
    }
    std::cout << "  k = " << k << " per class (" << k * task.n_classes << " images, "
              << recipe.epochs(k * task.n_classes) << " epochs), " << scored_on
              << " accuracy %, mean +- sd over " << n_seeds << " seed" << (n_seeds > 1 ? "s" : "")
              << "; gain = minus scratch on the same subset:\n";
    for (const Method method : methods) {
      std::cout << "    " << mlp::method_name(method)
                << std::string(20 - mlp::method_name(method).size(), ' ')
                << pct(mean_sd(results[method][k]));
      if (method != Method::Scratch) {
        const MeanSd g = gain_over_scratch(results, method, k);
        std::cout << "   gain " << (g.mean >= 0 ? "+" : "") << course::fixed(g.mean, 2) << " +- "
                  << course::fixed(g.sd, 2);
      }
      std::cout << "\n";
    }
  }
  return results;
}

/// One curve per method: mean accuracy (%) vs k, error bars one sd.
std::vector<course::Series> curves(const Results& results, const std::vector<arma::uword>& ks) {
  std::vector<course::Series> series;
  for (const auto& [method, by_k] : results) {
    course::Series c{mlp::method_name(method), {}, {}, "yerrorlines", {}};
    for (const arma::uword k : ks) {
      const MeanSd a = mean_sd(by_k.at(k));
      c.x.push_back(double(k));
      c.y.push_back(100 * a.mean);
      c.err.push_back(100 * a.sd);
    }
    series.push_back(c);
  }
  return series;
}

/// The results as JSON: {"scratch": {"10": {"mean": .., "sd": .., "runs": [..]}, ...}, ...}.
nlohmann::json to_json(const Results& results) {
  nlohmann::json j;
  for (const auto& [method, by_k] : results)
    for (const auto& [k, runs] : by_k) {
      const MeanSd a = mean_sd(runs);
      j[mlp::method_name(method)][std::to_string(k)] = {{"mean", a.mean}, {"sd", a.sd}, {"runs", runs}};
    }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 12: fine-tuning. A body pretrained on digits 0-4 learns digits 5-9 from k\n"
               "labelled images per class: scratch vs linear probe vs fine-tuning (smaller body lr,\n"
               "discriminative lrs, gradual unfreezing); then Fashion-MNIST (cross-domain).",
               "ch12_fine_tuning"};
  course::CommonOptions common("ch12_fine_tuning");
  course::add_common_options(app, common);
  std::string pretrained = mlp::default_pretrained_file(), activation = "ReLU", fashion_data;
  std::vector<arma::uword> ks{10, 100};
  arma::uword n_seeds = 1, fashion_k = 100;
  mlp::Recipe recipe;
  app.add_option("--pretrained", pretrained,
                 "safetensors checkpoint whose body is reused (784 inputs; sizes from its tensors; "
                 "default: chapter 11's shipped mnist04_mlp.safetensors)");
  app.add_option("--activation", activation,
                 "activation between Dense layers when the file has no __metadata__ \"layers\"")
      ->check(CLI::IsMember({"ReLU", "Sigmoid", "Tanh"}))->capture_default_str();
  app.add_option("--k", ks, "labelled images per class, comma-separated (--full: 10,50,100,500)")
      ->delimiter(',')->check(CLI::Range(1, 5000))->capture_default_str();
  app.add_option("--seeds", n_seeds, "subset seeds per (method, k) (--full: 5)")
      ->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--eta", recipe.eta, "Adam's rate for new layers: the head, or all layers from scratch (cosine to 0)")
      ->check(course::positive())->capture_default_str();
  app.add_option("--body-factor", recipe.body_factor, "fine-tune: body rate = body-factor * eta")
      ->check(course::positive())->capture_default_str();
  app.add_option("--layer-factor", recipe.layer_factor,
                 "discriminative lrs: each Dense layer down divides the rate by this")
      ->check(CLI::Range(1.0, 1000.0))->capture_default_str();
  app.add_option("--batch-size", recipe.batch_size, "examples per update")
      ->check(CLI::Range(1, 10000))->capture_default_str();
  app.add_option("--min-epochs", recipe.min_epochs, "at least this many epochs")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--min-steps", recipe.min_steps, "at least this many updates")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--fashion-k", fashion_k,
                 "cross-domain run: Fashion-MNIST images per class (0: skip it)")
      ->check(CLI::Range(0, 6000))->capture_default_str();
  app.add_option("--fashion-data", fashion_data, "Fashion-MNIST folder (default: the registry's)");
  bool validate = false;
  app.add_flag("--validate", validate,
               "report on 5,000 held-out training images instead of the test set (to choose a recipe)");

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--k")) ks = {10, 50, 100, 500};
      if (!app.count("--seeds")) n_seeds = 5;
    }
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    course::make_out_dir(common.out_dir);
    const auto& methods = mlp::all_methods();

    // [load]
    // The pretrained body, once, to show what the file holds (each run reloads it: a fresh copy).
    course::Rng rng(common.seed);
    auto probe = mlp::load_with_new_head<float>(pretrained, 5, rng, activation);
    const arma::uword n_in = dynamic_cast<mlp::Dense<float>&>(probe.net.layer(0)).n_in();
    if (n_in != 784)
      throw course::Error(pretrained + ": the network takes " + std::to_string(n_in) +
                          " inputs; MNIST images have 784 pixels");
    // [load]
    // The shipped file by its place in the course (the compiled-in path is absolute).
    const std::string shown = pretrained == mlp::default_pretrained_file()
                                  ? "chapters/11_pretraining/pretrained/mnist04_mlp.safetensors"
                                  : pretrained;
    std::cout << "Pretrained body from " << shown << ":\n  " << probe.layers
              << " (activations from " << probe.activations_from << "), old head " << probe.dropped
              << " dropped\n  network: " << probe.net.describe() << ", "
              << probe.body_params().size() / 2 << " pretrained Dense layers\n";

    mlp::TaskData digits = mlp::load_digits_5_9(common.data_dir);
    if (validate) digits = mlp::with_validation_set(digits, ks.back(), n_seeds, 5000);
    std::cout << digits.name << " (relabelled 0-4): pool of " << digits.pool.X.n_cols
              << " training images, " << digits.test.X.n_cols << (validate ? " validation" : " test")
              << " images\n";
    std::cout << "Recipe (all methods): Adam, new layers eta " << recipe.eta << " cosine to 0, batch "
              << recipe.batch_size << ", max(" << recipe.min_epochs << " epochs, " << recipe.min_steps
              << " updates); fine-tune body eta x " << recipe.body_factor
              << "; discriminative: / " << recipe.layer_factor << " per layer down\n";

    // [baseline]
    // The untouched body with a random head: what training has to beat (about chance).
    std::vector<double> untouched;
    for (arma::uword s = 0; s < n_seeds; ++s) {
      course::Rng r(common.seed + 1000 * s);
      auto tn = mlp::load_with_new_head<float>(pretrained, digits.n_classes, r, activation);
      untouched.push_back(mlp::accuracy(tn, digits.test.X, digits.test.labels));
    }
    // [baseline]
    std::cout << "Untouched body + random head: " << pct(mean_sd(untouched)) << "% (chance: 20%)\n";

    double train_seconds = 0;
    course::Timer digits_timer;
    const Results results = run_task(digits, ks, n_seeds, methods, pretrained, activation, recipe,
                                     common.seed, validate ? "validation" : "test", &train_seconds);
    const double digits_seconds = digits_timer.seconds();

    // The cross-domain run: the same digit body, clothes to classify (all 10 classes).
    Results fashion_results;
    double fashion_seconds = 0;
    if (fashion_k > 0) {
      mlp::TaskData fashion = mlp::load_fashion(fashion_data);
      if (validate) fashion = mlp::with_validation_set(fashion, fashion_k, n_seeds, 5000);
      std::cout << "Cross-domain: " << fashion.name << ", " << fashion.n_classes
                << " classes, pool of " << fashion.pool.X.n_cols << ", " << fashion.test.X.n_cols
                << (validate ? " validation" : " test") << " images\n";
      course::Timer fashion_timer;
      fashion_results = run_task(fashion, {fashion_k}, n_seeds, methods, pretrained, activation,
                                 recipe, common.seed, validate ? "validation" : "test", &train_seconds);
      fashion_seconds = fashion_timer.seconds();
    }

    // Headline numbers: k = 100 when it was run, else the largest k.
    const arma::uword k_head = std::count(ks.begin(), ks.end(), 100) ? 100 : ks.back();
    const MeanSd ft = mean_sd(results.at(Method::FineTune).at(k_head));
    const MeanSd sc = mean_sd(results.at(Method::Scratch).at(k_head));
    const MeanSd lp = mean_sd(results.at(Method::LinearProbe).at(k_head));
    std::string headline = std::string(validate ? "VALIDATION " : "") + "digits 5-9, k = " + std::to_string(k_head) + ": fine-tune " +
                           course::fixed(100 * ft.mean, 2) + "% vs scratch " +
                           course::fixed(100 * sc.mean, 2) + "% (linear probe " +
                           course::fixed(100 * lp.mean, 2) + "%)";
    if (fashion_k > 0) {
      const MeanSd fft = mean_sd(fashion_results.at(Method::FineTune).at(fashion_k));
      const MeanSd fsc = mean_sd(fashion_results.at(Method::Scratch).at(fashion_k));
      headline += "; Fashion k = " + std::to_string(fashion_k) + ": " +
                  course::fixed(100 * fft.mean, 2) + "% vs " + course::fixed(100 * fsc.mean, 2) + "%";
    }
    std::cout << headline << "\n";

    if (!common.no_plots) {
      course::PlotOptions o{"Digits 5-9 from k labels per class (body pretrained on 0-4; mean +- sd, " +
                                std::to_string(n_seeds) + " seed" + (n_seeds > 1 ? "s" : "") + ")",
                            "labelled training images per class (k)", "test accuracy on 4,861 digits 5-9 (%)"};
      o.logx = true;
      o.extra = "set xtics (" + [&] {
        std::string t;
        for (const arma::uword k : ks) t += (t.empty() ? "" : ", ") + std::to_string(k);
        return t;
      }() + ")\nset xrange [" + std::to_string(ks.front() * 0.8) + ":" + std::to_string(ks.back() * 1.25) + "]";
      course::line_plot(common.out("accuracy_vs_k.png"), o, curves(results, ks));

      // What the digit body adds over scratch, per method: digits 5-9 vs Fashion-MNIST.
      course::PlotOptions g{"What the body pretrained on digits 0-4 adds (accuracy minus scratch's, same subsets)",
                            "", "gain over training from scratch (points)"};
      g.extra = "set xtics ('linear probe' 1, 'fine-tune' 2, 'discriminative lrs' 3, 'gradual unfreezing' 4)\n"
                "set xrange [0.5:4.5]\nset xzeroaxis lt -1";
      std::vector<course::Series> gains;
      auto gain_series = [&](const Results& r, arma::uword k, const std::string& title) {
        course::Series c{title, {}, {}, "yerrorlines", {}};
        for (std::size_t m = 1; m < methods.size(); ++m) {
          const MeanSd d = gain_over_scratch(r, methods[m], k);
          c.x.push_back(double(m));
          c.y.push_back(d.mean);
          c.err.push_back(d.sd);
        }
        return c;
      };
      for (const arma::uword k : ks)
        gains.push_back(gain_series(results, k, "digits 5-9, k = " + std::to_string(k)));
      if (fashion_k > 0)
        gains.push_back(gain_series(fashion_results, fashion_k,
                                    "Fashion-MNIST, k = " + std::to_string(fashion_k)));
      course::line_plot(common.out("transfer_gain.png"), g, gains);
    }

    nlohmann::json summary = {
        {"chapter", "12_fine_tuning"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"pretrained", {{"file", shown}, {"body", probe.layers},
                        {"activations_from", probe.activations_from}, {"dropped_head", probe.dropped},
                        {"architecture", mlp::architecture(probe.net)}}},
        {"config", {{"k", ks}, {"seeds", n_seeds}, {"eta", recipe.eta},
                    {"body_factor", recipe.body_factor}, {"layer_factor", recipe.layer_factor},
                    {"batch_size", recipe.batch_size}, {"min_epochs", recipe.min_epochs},
                    {"min_steps", recipe.min_steps}, {"fashion_k", fashion_k}}},
        {"untouched_body_random_head", {{"mean", mean_sd(untouched).mean}, {"runs", untouched}}},
        {"digits_5_9", to_json(results)},
        {"test_images", digits.test.X.n_cols},
        {"headline_k", k_head},
        {"fine_tune_at_headline_k", ft.mean},
        {"scratch_at_headline_k", sc.mean},
        {"timing_seconds", {{"total", total.seconds()}, {"digits_runs", digits_seconds},
                            {"fashion_runs", fashion_seconds}, {"training_only", train_seconds}}}};
    if (fashion_k > 0) summary["fashion"] = to_json(fashion_results);
    course::write_summary(common.out_dir, summary);
  });
}
