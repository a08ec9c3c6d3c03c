// Chapter 08 executable: training deeper networks. Three experiments on MNIST:
//  1. vanishing gradients: the bias-gradient norm of each hidden layer of a [784,30,30,30,30,10]
//     network at initialization, for sigmoid with Nielsen's initializations, tanh + Glorot and
//     ReLU + He (Nielsen's chapter 5 setup: sigmoid outputs, cross-entropy, 1000 images);
//  2. an optimizer race: 784-100-10 ReLU + softmax, same start, SGD / momentum / Nesterov /
//     RMSProp / Adam, mean training loss per epoch;
//  3. a deeper net: 784-256-128-10 ReLU, He init, Adam with a constant, step and cosine learning
//     rate, test accuracy per epoch (the cosine run is the chapter's headline).
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/probes.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/08_training_deeper/sigmoid_cross_entropy.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32
using mlp::Sequential;

// [make_net]
/// A fully connected network: Dense layers of the given sizes with `activation` between them
/// (none after the last: the loss takes logits), every Dense initialized by `init`.
Sequential<float> make_net(const std::vector<arma::uword>& sizes, const std::string& activation,
                           const mlp::Initializer<float>& init, course::Rng& rng) {
  Sequential<float> net;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    net.add<mlp::Dense<float>>(sizes[l - 1], sizes[l], rng);
    if (l + 1 == sizes.size()) break;
    if (activation == "sigmoid") net.add<mlp::Sigmoid<float>>();
    else if (activation == "tanh") net.add<mlp::Tanh<float>>();
    else net.add<mlp::ReLU<float>>();
  }
  mlp::initialize(net, init, rng);
  return net;
}
// [make_net]

/// One configuration of the vanishing-gradient experiment.
struct ProbeConfig {
  std::string label;       // legend and table entry
  std::string key;         // summary.json key
  std::string activation;
  mlp::Initializer<float> init;
};

std::string join(const std::vector<arma::uword>& v, const std::string& sep) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : sep) + std::to_string(x);
  return s;
}

std::vector<arma::uword> parse_sizes(const std::string& text, const std::string& flag) {
  std::vector<arma::uword> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 1 || v > 100000)
      throw course::UsageError(flag + ": expected hidden sizes like 256,128 (each 1..100000), found '" +
                               text + "'");
    sizes.push_back(static_cast<arma::uword>(v));
  }
  if (sizes.empty()) throw course::UsageError(flag + ": expected at least one hidden size");
  return sizes;
}

/// Mean loss of a network on a dataset (evaluation mode, chunks of 10,000 columns).
double mean_loss(Sequential<float>& net, mlp::Loss<float>& loss, const Mat& X, const Mat& Y) {
  double total = 0;
  net.set_training(false);
  for (arma::uword first = 0; first < X.n_cols; first += 10000) {
    const arma::uword m = std::min<arma::uword>(10000, X.n_cols - first);
    const Mat Xc(const_cast<float*>(X.colptr(first)), X.n_rows, m, false, true);
    const Mat Yc(const_cast<float*>(Y.colptr(first)), Y.n_rows, m, false, true);
    total += double(loss.forward(net.forward(Xc), Yc)) * m;
  }
  net.set_training(true);
  return total / double(X.n_cols);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 08: training deeper networks. Vanishing gradients at initialization,\n"
               "an optimizer race (SGD, momentum, Nesterov, RMSProp, Adam), and a deeper ReLU\n"
               "network with He initialization and Adam under three learning-rate schedules.",
               "ch08_training_deeper"};
  course::CommonOptions common("ch08_training_deeper");
  course::add_common_options(app, common);
  arma::uword probe_images = 1000, probe_seeds = 1;
  arma::uword race_epochs = 3, race_train = 5000, race_hidden = 100;
  arma::uword epochs = 2, n_train = 10000, batch_size = 128;
  double eta_sgd = 0.1, eta_momentum = 0.1, mu = 0.9, eta_rmsprop = 0.001, eta_adam = 0.001;
  double eta = 0.001;
  std::string hidden_text = "256,128";
  app.add_option("--probe-images", probe_images, "training images the gradient norms are averaged over")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--probe-seeds", probe_seeds, "initializations averaged in the gradient probe (--full: 20)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--race-epochs", race_epochs, "epochs of the optimizer race (--full: 10)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--race-train-size", race_train, "training images in the race (--full: 60000)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--race-hidden", race_hidden, "hidden units of the race's network")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--eta-sgd", eta_sgd, "race: SGD learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--eta-momentum", eta_momentum, "race: momentum and Nesterov learning rate")
      ->check(course::positive())->capture_default_str();
  app.add_option("--mu", mu, "race: momentum coefficient")->check(CLI::Range(0.0, 0.999))->capture_default_str();
  app.add_option("--eta-rmsprop", eta_rmsprop, "race: RMSProp learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--eta-adam", eta_adam, "race: Adam learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--hidden", hidden_text, "deeper net: hidden sizes, comma-separated")->capture_default_str();
  app.add_option("--epochs", epochs, "deeper net: epochs (--full: 20)")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--train-size", n_train, "deeper net: training images, the first N of 60,000 (--full: 60000)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per mini-batch (race and deeper net)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--eta", eta, "deeper net: Adam's learning rate (the schedules start there)")->check(course::positive())->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--probe-seeds")) probe_seeds = 20;
      if (!app.count("--race-epochs")) race_epochs = 10;
      if (!app.count("--race-train-size")) race_train = 60000;
      if (!app.count("--epochs")) epochs = 20;
      if (!app.count("--train-size")) n_train = 60000;
    }
    const std::vector<arma::uword> hidden = parse_sizes(hidden_text, "--hidden");
    course::make_out_dir(common.out_dir);

    const arma::uword n_load = std::max({probe_images, race_train, n_train});
    const course::ImageSet train = course::load_images("mnist", "train", common.data_dir, n_load);
    const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
    const Mat Y_all = course::one_hot<Mat>(train.labels, 10);  // (10 x n) targets
    const Mat Y_test = course::one_hot<Mat>(test.labels, 10);
    std::cout << "MNIST: " << train.X.n_cols << " training images loaded, " << test.X.n_cols
              << " test images\n\n";

    // ---------------------------------------------------------------------------------------
    // 1. Vanishing gradients at initialization.
    // [probe_setup]
    const std::vector<arma::uword> deep_sizes = {784, 30, 30, 30, 30, 10};
    const std::vector<ProbeConfig> configs = {
        {"sigmoid, N(0,1) (network.py)", "sigmoid_naive", "sigmoid", mlp::naive_normal<float>},
        {"sigmoid, N(0,1/n_in) (network2.py)", "sigmoid_nielsen", "sigmoid", mlp::nielsen_normal<float>},
        {"tanh, Glorot uniform", "tanh_glorot", "tanh", mlp::glorot_uniform<float>},
        {"ReLU, He normal", "relu_he", "relu", mlp::he_normal<float>}};
    const Mat X_probe = train.X.head_cols(probe_images);  // Nielsen: the first 1000 images
    const Mat Y_probe = Y_all.head_cols(probe_images);
    mlp::SigmoidCrossEntropy<float> nielsen_cost;         // his network2.py's cost
    // [probe_setup]
    const std::vector<double> nielsen_reported = {0.003, 0.017, 0.070, 0.285};
    const std::size_t n_hidden = deep_sizes.size() - 2;
    std::cout << "1. Vanishing gradients: ||dL/db|| of each hidden layer at initialization, "
              << join(deep_sizes, "-") << ",\n   sigmoid outputs + cross-entropy, averaged over "
              << probe_images << " training images, " << probe_seeds << " initialization"
              << (probe_seeds > 1 ? "s (mean)" : "") << "\n";
    std::printf("   %-36s %10s %10s %10s %10s\n", "", "layer 1", "layer 2", "layer 3", "layer 4");
    nlohmann::json probe_json;
    std::vector<course::Series> probe_series;
    for (const auto& c : configs) {
      std::vector<std::vector<double>> per_seed;  // [seed][hidden layer]
      for (arma::uword s = 0; s < probe_seeds; ++s) {
        course::Rng rng(common.seed + s);
        // [probe_run]
        Sequential<float> net = make_net(deep_sizes, c.activation, c.init, rng);
        const auto norms = mlp::probe_gradients(net, nielsen_cost, X_probe, Y_probe);
        // [probe_run]
        std::vector<double> db;
        for (std::size_t l = 0; l < n_hidden; ++l) db.push_back(norms[l].db_norm);
        per_seed.push_back(db);
      }
      std::vector<double> mean(n_hidden, 0.0), lo(n_hidden, 1e300), hi(n_hidden, 0.0);
      for (const auto& db : per_seed)
        for (std::size_t l = 0; l < n_hidden; ++l) {
          mean[l] += db[l] / double(probe_seeds);
          lo[l] = std::min(lo[l], db[l]);
          hi[l] = std::max(hi[l], db[l]);
        }
      std::printf("   %-36s %10.2e %10.2e %10.2e %10.2e\n", c.label.c_str(), mean[0], mean[1], mean[2],
                  mean[3]);
      probe_json[c.key] = {{"label", c.label}, {"mean_db_norm", mean}, {"min_db_norm", lo},
                           {"max_db_norm", hi}, {"ratio_last_to_first", mean.back() / mean.front()}};
      course::Series s{c.label, {}, {}, "linespoints", {}};
      for (std::size_t l = 0; l < n_hidden; ++l) {
        s.x.push_back(double(l + 1));
        s.y.push_back(mean[l]);
      }
      probe_series.push_back(s);
    }
    std::printf("   %-36s %10.3f %10.3f %10.3f %10.3f\n", "Nielsen's book (sigmoid, network2.py)",
                nielsen_reported[0], nielsen_reported[1], nielsen_reported[2], nielsen_reported[3]);
    {
      course::Series s{"Nielsen's book (his numbers)", {1, 2, 3, 4}, nielsen_reported, "points", {}};
      probe_series.push_back(s);
    }

    // ---------------------------------------------------------------------------------------
    // 2. The optimizer race.
    const Mat X_race = train.X.head_cols(race_train);
    const Mat Y_race = Y_all.head_cols(race_train);
    const std::vector<arma::uword> race_sizes = {784, race_hidden, 10};
    std::cout << "\n2. Optimizer race: " << join(race_sizes, "-") << " ReLU + softmax, He init, "
              << race_train << " images, batch " << batch_size << ", " << race_epochs
              << " epochs; the same initial weights and batch order for every optimizer\n";
    struct Racer {
      std::string name;
      double eta;
    };
    const std::vector<Racer> racers = {{"SGD", eta_sgd},
                                       {"momentum", eta_momentum},
                                       {"Nesterov", eta_momentum},
                                       {"RMSProp", eta_rmsprop},
                                       {"Adam", eta_adam}};
    nlohmann::json race_json;
    std::vector<course::Series> race_series;
    double race_seconds = 0;
    for (const auto& r : racers) {
      course::Timer timer;
      course::Rng rng(common.seed);  // same seed: same weights, same batch order
      // [race]
      Sequential<float> net = make_net(race_sizes, "relu", mlp::he_normal<float>, rng);
      std::unique_ptr<mlp::Optimizer<float>> opt;
      if (r.name == "SGD") opt = std::make_unique<mlp::SGD<float>>(net.params(), r.eta);
      else if (r.name == "momentum") opt = std::make_unique<mlp::Momentum<float>>(net.params(), r.eta, mu);
      else if (r.name == "Nesterov") opt = std::make_unique<mlp::Nesterov<float>>(net.params(), r.eta, mu);
      else if (r.name == "RMSProp") opt = std::make_unique<mlp::RMSProp<float>>(net.params(), r.eta);
      else opt = std::make_unique<mlp::Adam<float>>(net.params(), r.eta);
      mlp::SoftmaxCrossEntropy<float> loss;
      mlp::Trainer<float> trainer(net, loss, *opt, batch_size);
      // [race]
      std::vector<double> losses;
      course::Series s{r.name + " (eta " + course::fixed(r.eta, 3) +
                           (r.name == "momentum" || r.name == "Nesterov" ? ", mu " + course::fixed(mu, 2) : "") + ")",
                       {}, {}, "linespoints", {}};
      for (arma::uword e = 1; e <= race_epochs; ++e) {
        course::Progress progress(r.name + " epoch " + std::to_string(e), X_race.n_cols);
        losses.push_back(trainer.train_epoch(X_race, Y_race, rng, e, &progress));
        s.x.push_back(double(e));
        s.y.push_back(losses.back());
      }
      const double acc = mlp::count_correct(net, test.X, test.labels) / double(test.X.n_cols);
      race_seconds += timer.seconds();
      std::cout << "   " << std::left << std::setw(9) << r.name << std::right << " eta " << std::setw(6)
                << r.eta << ": mean training loss per epoch";
      for (double L : losses) std::cout << " " << course::fixed(L, 4);
      std::cout << "; test accuracy " << course::fixed(100 * acc, 2) << "%\n";
      race_json[r.name] = {{"eta", r.eta}, {"loss_per_epoch", losses}, {"test_accuracy", acc}};
      race_series.push_back(s);
    }
    race_json["mu"] = mu;

    // ---------------------------------------------------------------------------------------
    // 3. A deeper ReLU network: He init, Adam, and three learning-rate schedules.
    std::vector<arma::uword> sizes = {784};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(10);
    const Mat X_train = train.X.head_cols(n_train);
    const Mat Y_train = Y_all.head_cols(n_train);
    const arma::uword batches_per_epoch = (n_train + batch_size - 1) / batch_size;
    const arma::uword total_steps = epochs * batches_per_epoch;
    // [schedules]
    const mlp::CosineSchedule cosine{eta, 0.0, total_steps};                      // eta -> 0
    const mlp::StepSchedule step{eta, (total_steps + 2) / 3, 0.1};  // /10 after T/3 and 2T/3
    // [schedules]
    std::cout << "\n3. Deeper network: " << join(sizes, "-") << " ReLU, He init, Adam (eta " << eta
              << "), batch " << batch_size << ", " << epochs << " epochs = " << total_steps
              << " updates,\n   trained on the first " << n_train
              << " training images (no validation split; the test set is only measured, never used to choose)\n";
    struct DeeperRun {
      std::string schedule;
      std::vector<double> train_loss, test_acc, eta_end;
      double test_loss = 0;
    };
    std::vector<DeeperRun> runs;
    std::vector<double> epoch_seconds;
    arma::uword n_params = 0;
    for (const std::string schedule : {"constant", "step", "cosine"}) {
      DeeperRun run{schedule, {}, {}, {}, 0};
      course::Rng rng(common.seed);  // the same start and batch order for each schedule
      // [deeper]
      Sequential<float> net = make_net(sizes, "relu", mlp::he_normal<float>, rng);
      mlp::SoftmaxCrossEntropy<float> loss;
      mlp::Adam<float> adam(net.params(), eta);
      mlp::Trainer<float> trainer(net, loss, adam, batch_size);
      if (schedule == "cosine") mlp::follow(trainer, adam, cosine);
      if (schedule == "step") mlp::follow(trainer, adam, step);
      // [deeper]
      n_params = net.n_params();
      for (arma::uword e = 1; e <= epochs; ++e) {
        course::Timer timer;
        course::Progress progress(schedule + " epoch " + std::to_string(e), X_train.n_cols);
        run.train_loss.push_back(trainer.train_epoch(X_train, Y_train, rng, e, &progress));
        epoch_seconds.push_back(timer.seconds());
        run.test_acc.push_back(mlp::count_correct(net, test.X, test.labels) / double(test.X.n_cols));
        run.eta_end.push_back(adam.eta);
        std::ostringstream eta_now;
        eta_now << std::scientific << std::setprecision(2) << adam.eta;
        std::cout << "   " << std::left << std::setw(8) << schedule << std::right << " epoch "
                  << std::setw(2) << e << ": training loss " << course::fixed(run.train_loss.back(), 4)
                  << ", test accuracy " << course::fixed(100 * run.test_acc.back(), 2) << "%, eta now "
                  << eta_now.str() << ", " << course::fixed(epoch_seconds.back(), 1) << " s\n";
      }
      run.test_loss = mean_loss(net, loss, test.X, Y_test);
      runs.push_back(run);
    }
    std::cout << "   " << n_params << " parameters. Final test accuracy:";
    for (const auto& r : runs)
      std::cout << " " << r.schedule << " " << course::fixed(100 * r.test_acc.back(), 2) << "%";
    std::cout << " (target with cosine, --full: >= 98.00%)\n";
    const DeeperRun& best_run = runs.back();  // cosine: the chapter's headline
    const double final_acc = best_run.test_acc.back();

    // ---------------------------------------------------------------------------------------
    if (!common.no_plots) {
      course::PlotOptions op{"Gradient norm per hidden layer at initialization (" + join(deep_sizes, "-") + ")",
                             "hidden layer (1 = nearest the input)", "||dL/db|| (log scale)"};
      op.logy = true;
      op.extra = "set xtics 1\nset xrange [0.7:4.3]";
      course::line_plot(common.out("gradient_norms.png"), op, probe_series);

      course::PlotOptions orace{"Optimizer race: " + join(race_sizes, "-") + " ReLU + softmax, same start",
                                "epoch", "mean training loss in the epoch (log scale)"};
      orace.logy = true;
      orace.extra = "set xtics 1";
      course::line_plot(common.out("optimizer_race.png"), orace, race_series);

      std::vector<course::Series> acc_series;
      for (const auto& r : runs) {
        course::Series s{"Adam, " + r.schedule + " eta", {}, {}, "linespoints", {}};
        for (std::size_t e = 0; e < r.test_acc.size(); ++e) {
          s.x.push_back(double(e + 1));
          s.y.push_back(100 * r.test_acc[e]);
        }
        acc_series.push_back(s);
      }
      acc_series.push_back({"98% (the target)", {1, double(epochs)}, {98.0, 98.0}, "lines", {}});
      course::PlotOptions oacc{"Deeper net " + join(sizes, "-") + " ReLU, He init: test accuracy per epoch",
                               "epoch", "test accuracy (%)"};
      course::line_plot(common.out("deeper_accuracy.png"), oacc, acc_series);

      // The schedules, as functions of the update number.
      course::Series sc{"cosine", {}, {}, "lines", {}}, ss{"step (x0.1 every T/3)", {}, {}, "lines", {}},
          sk{"constant", {}, {}, "lines", {}};
      const arma::uword stride = std::max<arma::uword>(1, total_steps / 400);
      for (arma::uword t = 0; t <= total_steps; t = (t == total_steps ? t + 1 : std::min(t + stride, total_steps))) {
        for (auto* s : {&sc, &ss, &sk}) s->x.push_back(double(t));
        sc.y.push_back(cosine.eta_at(t));
        ss.y.push_back(step.eta_at(t));
        sk.y.push_back(eta);
      }
      course::PlotOptions osch{"Learning-rate schedules over the " + std::to_string(total_steps) +
                                   " updates of the deeper net",
                               "update t", "eta_t"};
      osch.extra = "set yrange [0:" + std::to_string(1.15 * eta) + "]\nset xrange [0:" +
                   std::to_string(total_steps) + "]";
      course::line_plot(common.out("schedules.png"), osch, {sk, ss, sc});
    }

    std::vector<double> sorted = epoch_seconds;
    std::sort(sorted.begin(), sorted.end());
    const auto& sn = probe_json["sigmoid_nielsen"]["mean_db_norm"];
    const auto& rh = probe_json["relu_he"]["mean_db_norm"];
    const std::string headline =
        join(sizes, "-") + " ReLU, He, Adam + cosine: test " + course::fixed(100 * final_acc, 2) +
        "% after " + std::to_string(epochs) + " epochs on " + std::to_string(n_train) +
        " images; ||dL/db|| layer 1 -> 4: sigmoid " + course::fixed(sn[0].get<double>(), 4) + " -> " +
        course::fixed(sn[3].get<double>(), 3) + " (Nielsen 0.003 -> 0.285), ReLU+He " +
        course::fixed(rh[0].get<double>(), 2) + " -> " + course::fixed(rh[3].get<double>(), 2);
    nlohmann::json deeper_json = {{"sizes", sizes}, {"parameters", n_params}, {"train_size", n_train},
                                  {"epochs", epochs}, {"batch_size", batch_size}, {"eta", eta},
                                  {"final_test_accuracy", final_acc}};
    for (const auto& r : runs)
      deeper_json[r.schedule] = {{"train_loss_per_epoch", r.train_loss},
                                 {"test_accuracy_per_epoch", r.test_acc},
                                 {"eta_at_epoch_end", r.eta_end},
                                 {"final_test_accuracy", r.test_acc.back()},
                                 {"test_loss", r.test_loss}};
    nlohmann::json summary = {
        {"chapter", "08_training_deeper"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"gradient_probe",
         {{"sizes", deep_sizes}, {"images", probe_images}, {"seeds", probe_seeds},
          {"measured", "||dL/db|| per hidden layer, L = sigmoid cross-entropy averaged over the images"},
          {"configs", probe_json}, {"nielsen_reported", nielsen_reported}}},
        {"optimizer_race",
         {{"sizes", race_sizes}, {"train_size", race_train}, {"epochs", race_epochs},
          {"batch_size", batch_size}, {"optimizers", race_json}}},
        {"deeper", deeper_json},
        {"timing_seconds",
         {{"total", total.seconds()}, {"race", race_seconds}, {"deeper_epochs", epoch_seconds},
          {"deeper_median_epoch", sorted[sorted.size() / 2]}}}};
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json" << (common.no_plots ? "" : " and plots") << "\n";
  });
}
