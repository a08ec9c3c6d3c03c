// Chapter 06 executable: Nielsen's network.py in C++. A 784-30-10 sigmoid network with the
// quadratic cost, trained by mini-batch SGD (eta 3.0, batch 10) on MNIST's first 50,000 training
// images and evaluated on the 10,000 test images after every epoch, as network.py does.
// The lesson's experiment, in order: load MNIST, train Nielsen's network (several runs with
// --runs), then print, plot and summarize.
#include <algorithm>
#include <iostream>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/chapter.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32

/// The chapter's knobs (flags), with their quick defaults.
struct Config {
  arma::uword hidden = 30, epochs = 3, batch_size = 10, n_train = 50000, runs = 1;
  double eta = 3.0;
};

/// MNIST as network.py uses it: the first n_train training images, the 10,000 test images.
struct Data {
  course::ImageSet train, test;
  Mat Y;  // (10 x n_train) one-hot targets
};

Data load_mnist(const Config& c, const course::CommonOptions& common) {
  // [data]
  const course::ImageSet train = course::load_images("mnist", "train", common.data_dir, c.n_train);
  const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
  const Mat Y = course::one_hot<Mat>(train.labels, 10);  // (10 x n) targets
  // [data]
  std::cout << "MNIST: " << train.X.n_cols << " training images, " << test.X.n_cols
            << " test images of " << train.rows << " x " << train.cols << "\n";
  return {train, test, Y};
}

/// What the runs found: test images right after each epoch, per run.
struct Runs {
  std::vector<std::vector<arma::uword>> correct;  // [run][epoch]
  std::vector<double> epoch_seconds;              // every epoch of every run
  arma::uvec best_predicted;                      // test predictions at the best epoch
  arma::uword n_test = 0;
  double best_final = 0, peak = 0;  // accuracies: best last epoch, best any epoch
};

/// Experiment: Nielsen's network trained `runs` times (seeds seed, seed + 1, ...), the test
/// accuracy measured after every epoch, as network.py prints it.
Runs train_nielsen(const Data& d, const Config& c, std::uint64_t seed) {
  Runs r;
  r.n_test = d.test.X.n_cols;
  r.correct.resize(c.runs);
  double best = -1;
  for (arma::uword run = 0; run < c.runs; ++run) {
    course::Rng rng(seed + run);
    // [network]
    mlp::Sequential<float> net;
    net.add<mlp::Dense<float>>(784, c.hidden, rng);  // W1: (hidden x 784), N(0,1)
    net.add<mlp::Sigmoid<float>>();
    net.add<mlp::Dense<float>>(c.hidden, 10, rng);  // W2: (10 x hidden), N(0,1)
    net.add<mlp::Sigmoid<float>>();
    mlp::QuadraticCost<float> cost;
    mlp::SGD<float> sgd(net.params(), c.eta);
    mlp::Trainer<float> trainer(net, cost, sgd, c.batch_size);
    // [network]
    if (run == 0)
      std::cout << net.describe() << ", " << net.n_params() << " parameters; eta " << c.eta
                << ", batch " << c.batch_size << ", " << c.epochs << " epochs\n";
    if (c.runs > 1) std::cout << "Run " << run + 1 << " (seed " << seed + run << ")\n";
    for (arma::uword epoch = 0; epoch < c.epochs; ++epoch) {
      course::Timer timer;
      course::Progress progress("images", d.train.X.n_cols);
      trainer.train_epoch(d.train.X, d.Y, rng, epoch + 1, &progress);
      r.epoch_seconds.push_back(timer.seconds());
      const arma::uvec predicted = mlp::predict(net, d.test.X);
      const arma::uword ok = arma::accu(predicted == d.test.labels);
      r.correct[run].push_back(ok);
      std::cout << "Epoch " << epoch << ": " << ok << " / " << r.n_test
                << "\n";  // Nielsen counts from 0
      if (ok / double(r.n_test) > best) {
        best = ok / double(r.n_test);
        r.best_predicted = predicted;
      }
    }
  }
  for (const auto& run : r.correct) {
    r.best_final = std::max(r.best_final, run.back() / double(r.n_test));
    r.peak = std::max(r.peak, *std::max_element(run.begin(), run.end()) / double(r.n_test));
  }
  return r;
}

std::vector<double> final_accuracies(const Runs& r) {
  std::vector<double> a;
  for (const auto& run : r.correct) a.push_back(run.back() / double(r.n_test));
  return a;
}

void print(const Runs& r, const Config& c) {
  std::cout << "Final test accuracy" << (c.runs > 1 ? " (best of runs)" : "") << ": "
            << course::percent(r.best_final) << ", best epoch " << course::percent(r.peak)
            << " (Nielsen: 95.42%, best of 3 runs)\n";
}

/// Images of the given columns (as double, for the plots).
arma::mat columns_of(const Mat& X, const arma::uvec& cols) {
  return arma::conv_to<arma::mat>::from(X.cols(cols));
}

/// Sample digits, accuracy per epoch (one curve per run), misclassified test digits.
void plot(const Data& d, const Runs& r, const Config& c, const course::CommonOptions& common) {
  const arma::uvec first32 = arma::regspace<arma::uvec>(0, 31);
  std::vector<std::string> captions;
  for (auto j : first32) captions.push_back(std::to_string(d.train.labels[j]));
  course::image_grid(common.out("sample_digits.png"),
                     {"MNIST training digits and their labels", "", ""},
                     columns_of(d.train.X, first32), 28, 28, 8, captions);
  std::vector<course::Series> curves;
  for (std::size_t run = 0; run < r.correct.size(); ++run) {
    course::Series s{"run " + std::to_string(run + 1), {}, {}, "linespoints", {}};
    for (std::size_t e = 0; e < r.correct[run].size(); ++e) {
      s.x.push_back(e + 1);
      s.y.push_back(100.0 * r.correct[run][e] / r.n_test);
    }
    curves.push_back(s);
  }
  course::line_plot(common.out("accuracy_per_epoch.png"),
                    {"Test accuracy per epoch (784-" + std::to_string(c.hidden) +
                         "-10 sigmoid, quadratic cost, eta " + course::fixed(c.eta, 1) + ")",
                     "epoch", "test accuracy (%)"},
                    curves);
  const arma::uvec wrong = arma::find(r.best_predicted != d.test.labels);
  const arma::uvec shown = wrong.head(std::min<arma::uword>(32, wrong.n_elem));
  std::vector<std::string> labels;  // "predicted (true)"
  for (auto j : shown)
    labels.push_back(std::to_string(r.best_predicted[j]) + " (" + std::to_string(d.test.labels[j]) +
                     ")");
  course::image_grid(common.out("misclassified.png"),
                     {"Misclassified test digits: predicted (true)", "", ""},
                     columns_of(d.test.X, shown), 28, 28, 8, labels);
}

nlohmann::json summary(const Data& d, const Runs& r, const Config& c) {
  std::vector<double> sorted = r.epoch_seconds;
  std::sort(sorted.begin(), sorted.end());
  return {
      {"headline", "test accuracy " + course::fixed(100 * r.best_final, 2) + "% after " +
                       std::to_string(c.epochs) + " epochs" +
                       (c.runs > 1 ? " (best of " + std::to_string(c.runs) + " runs)" : "") +
                       ", best epoch " + course::fixed(100 * r.peak, 2) + "% (Nielsen: 95.42%)"},
      {"config",
       {{"hidden", c.hidden},
        {"eta", c.eta},
        {"batch_size", c.batch_size},
        {"epochs", c.epochs},
        {"train_size", d.train.X.n_cols},
        {"runs", c.runs}}},
      {"correct_per_epoch", r.correct},
      {"final_accuracy_per_run", final_accuracies(r)},
      {"best_final_accuracy", r.best_final},
      {"peak_accuracy", r.peak},
      {"timing_seconds", {{"median_epoch", sorted[sorted.size() / 2]}}}};
}

}  // namespace

int main(int argc, char** argv) {
  course::Chapter chapter("06_mlp",
                          "Chapter 06: a multi-layer network (Nielsen's network.py) on MNIST.");
  Config c;
  chapter.option("--hidden", c.hidden, "hidden units")->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", c.epochs, "epochs", 30)->check(CLI::Range(1, 100000));
  chapter.option("--eta", c.eta, "learning rate")->check(course::positive());
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter.option("--train-size", c.n_train, "training images (the first N of MNIST's 60,000)")
      ->check(CLI::Range(1, 60000));
  chapter.knob("--runs", c.runs, "independent runs (seeds seed, seed+1, ...)", 3)
      ->check(CLI::Range(1, 100));

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    const Data d = load_mnist(c, common);
    const Runs r = train_nielsen(d, c, common.seed);
    print(r, c);
    if (!common.no_plots) plot(d, r, c, common);
    return summary(d, r, c);
  });
}
