// Chapter 06 executable: Nielsen's network.py in C++. A 784-30-10 sigmoid network with the
// quadratic cost, trained by mini-batch SGD (eta 3.0, batch 10) on MNIST's first 50,000 training
// images and evaluated on the 10,000 test images after every epoch, as network.py does.
#include <iostream>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32

/// Images of the given columns (as double, for the plots) and their captions.
arma::mat columns_of(const Mat& X, const arma::uvec& cols) {
  return arma::conv_to<arma::mat>::from(X.cols(cols));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 06: a multi-layer network (Nielsen's network.py) on MNIST.", "ch06_mlp"};
  course::CommonOptions common("ch06_mlp");
  course::add_common_options(app, common);
  arma::uword hidden = 30, epochs = 3, batch_size = 10, n_train = 50000, runs = 1;
  double eta = 3.0;
  app.add_option("--hidden", hidden, "hidden units")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--epochs", epochs, "epochs (--full: 30)")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--eta", eta, "learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per mini-batch")->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--train-size", n_train, "training images (the first N of MNIST's 60,000)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--runs", runs, "independent runs (seeds seed, seed+1, ...); --full: 3")
      ->check(CLI::Range(1, 100))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--epochs")) epochs = 30;
      if (!app.count("--runs")) runs = 3;
    }
    course::make_out_dir(common.out_dir);

    // [data]
    const course::ImageSet train = course::load_images("mnist", "train", common.data_dir, n_train);
    const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
    const Mat Y = course::one_hot<Mat>(train.labels, 10);  // (10 x n) targets
    // [data]
    std::cout << "MNIST: " << train.X.n_cols << " training images, " << test.X.n_cols
              << " test images of " << train.rows << " x " << train.cols << "\n";

    std::vector<std::vector<arma::uword>> correct(runs);
    std::vector<double> epoch_seconds;
    arma::uvec best_predicted;
    double best = -1;
    for (arma::uword run = 0; run < runs; ++run) {
      course::Rng rng(common.seed + run);
      // [network]
      mlp::Sequential<float> net;
      net.add<mlp::Dense<float>>(784, hidden, rng);   // W1: (hidden x 784), N(0,1)
      net.add<mlp::Sigmoid<float>>();
      net.add<mlp::Dense<float>>(hidden, 10, rng);    // W2: (10 x hidden), N(0,1)
      net.add<mlp::Sigmoid<float>>();
      mlp::QuadraticCost<float> cost;
      mlp::SGD<float> sgd(net.params(), eta);
      mlp::Trainer<float> trainer(net, cost, sgd, batch_size);
      // [network]
      if (run == 0)
        std::cout << net.describe() << ", " << net.n_params() << " parameters; eta " << eta
                  << ", batch " << batch_size << ", " << epochs << " epochs\n";
      if (runs > 1) std::cout << "Run " << run + 1 << " (seed " << common.seed + run << ")\n";
      for (arma::uword epoch = 0; epoch < epochs; ++epoch) {
        course::Timer timer;
        course::Progress progress("images", train.X.n_cols);
        trainer.train_epoch(train.X, Y, rng, epoch + 1, &progress);
        epoch_seconds.push_back(timer.seconds());
        const arma::uvec predicted = mlp::predict(net, test.X);
        const arma::uword ok = arma::accu(predicted == test.labels);
        correct[run].push_back(ok);
        // Nielsen's line (he counts epochs from 0).
        std::cout << "Epoch " << epoch << ": " << ok << " / " << test.X.n_cols << "\n";
        if (ok / double(test.X.n_cols) > best) {
          best = ok / double(test.X.n_cols);
          best_predicted = predicted;
        }
      }
    }

    std::vector<double> final_acc;
    for (const auto& c : correct) final_acc.push_back(c.back() / double(test.X.n_cols));
    const double best_final = *std::max_element(final_acc.begin(), final_acc.end());
    arma::uword peak = 0;  // the best epoch of any run, the number Nielsen quotes
    for (const auto& c : correct) peak = std::max(peak, *std::max_element(c.begin(), c.end()));
    const double peak_acc = peak / double(test.X.n_cols);
    std::cout << "Final test accuracy" << (runs > 1 ? " (best of runs)" : "") << ": "
              << course::fixed(100 * best_final, 2) << "%, best epoch "
              << course::fixed(100 * peak_acc, 2) << "% (Nielsen: 95.42%, best of 3 runs)\n";

    if (!common.no_plots) {
      // A grid of training digits with their labels.
      const arma::uvec first32 = arma::regspace<arma::uvec>(0, 31);
      std::vector<std::string> captions;
      for (auto j : first32) captions.push_back(std::to_string(train.labels[j]));
      course::image_grid(common.out("sample_digits.png"), {"MNIST training digits and their labels", "", ""},
                         columns_of(train.X, first32), 28, 28, 8, captions);
      // Accuracy per epoch, one curve per run.
      std::vector<course::Series> curves;
      for (arma::uword run = 0; run < runs; ++run) {
        course::Series s{"run " + std::to_string(run + 1), {}, {}, "linespoints", {}};
        for (std::size_t e = 0; e < correct[run].size(); ++e) {
          s.x.push_back(e + 1);
          s.y.push_back(100.0 * correct[run][e] / test.X.n_cols);
        }
        curves.push_back(s);
      }
      course::PlotOptions o{"Test accuracy per epoch (784-" + std::to_string(hidden) +
                                "-10 sigmoid, quadratic cost, eta " + course::fixed(eta, 1) + ")",
                            "epoch", "test accuracy (%)"};
      course::line_plot(common.out("accuracy_per_epoch.png"), o, curves);
      // Misclassified test digits: "predicted (true)".
      const arma::uvec wrong = arma::find(best_predicted != test.labels);
      const arma::uvec shown = wrong.head(std::min<arma::uword>(32, wrong.n_elem));
      std::vector<std::string> labels;
      for (auto j : shown)
        labels.push_back(std::to_string(best_predicted[j]) + " (" + std::to_string(test.labels[j]) + ")");
      course::image_grid(common.out("misclassified.png"),
                         {"Misclassified test digits: predicted (true)", "", ""},
                         columns_of(test.X, shown), 28, 28, 8, labels);
    }

    std::vector<double> sorted = epoch_seconds;
    std::sort(sorted.begin(), sorted.end());
    const double median_epoch = sorted[sorted.size() / 2];
    nlohmann::json summary = {
        {"chapter", "06_mlp"},
        {"headline", "test accuracy " + course::fixed(100 * best_final, 2) + "% after " +
                         std::to_string(epochs) + " epochs" +
                         (runs > 1 ? " (best of " + std::to_string(runs) + " runs)" : "") +
                         ", best epoch " + course::fixed(100 * peak_acc, 2) + "% (Nielsen: 95.42%)"},
        {"seed", common.seed},
        {"full", common.full},
        {"config", {{"hidden", hidden}, {"eta", eta}, {"batch_size", batch_size}, {"epochs", epochs},
                    {"train_size", train.X.n_cols}, {"runs", runs}}},
        {"correct_per_epoch", correct},
        {"final_accuracy_per_run", final_acc},
        {"best_final_accuracy", best_final},
        {"peak_accuracy", peak_acc},
        {"timing_seconds", {{"total", total.seconds()}, {"median_epoch", median_epoch}}}};
    course::write_summary(common.out_dir, summary);
  });
}
