// Chapter 09 executable: regularization. Two experiments on MNIST, with a validation split carved
// from the training images (the first 50,000 train, the last 10,000 validate, as in Nielsen's
// mnist_loader) and the test set touched once, at the end of each run:
//  1. Overfitting on purpose (Nielsen's chapter 3): 784-30-10 sigmoid, sigmoid outputs +
//     cross-entropy, eta 0.5, batch 10, on only 1,000 training images; then each remedy on the
//     same data from the same initial weights: L2, L1, dropout, early stopping, random shifts,
//     and all of them together.
//  2. The full training set: 784-800-800-10 ReLU with dropout and random shifts, Adam with a
//     cosine schedule, the best validation epoch's weights restored before the test.
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/08_training_deeper/sigmoid_cross_entropy.hpp"
#include "chapters/09_regularization/augment.hpp"
#include "chapters/09_regularization/dropout.hpp"
#include "chapters/09_regularization/early_stopping.hpp"
#include "chapters/09_regularization/penalties.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32
using mlp::Sequential;

/// MNIST split as in Nielsen's mnist_loader: train / validation from the training file, and test.
struct Data {
  Mat X_train, Y_train;  // (784 x 50000), (10 x 50000): the first 50,000 training images
  arma::uvec y_train;
  Mat X_val;             // (784 x 10000): the last 10,000 training images
  arma::uvec y_val;
  Mat X_test;            // (784 x 10000): the test set, used once per run
  arma::uvec y_test;
  arma::uword rows = 28, cols = 28;
};

double accuracy(Sequential<float>& net, const Mat& X, const arma::uvec& labels) {
  return double(mlp::count_correct(net, X, labels)) / double(X.n_cols);
}

/// One remedy of experiment 1 (zeros: not used).
struct Remedy {
  std::string key;    // summary.json key and file name
  std::string label;  // legend and table entry
  double l2 = 0;      // lambda of the L2 penalty
  double l1 = 0;      // lambda of the L1 penalty
  double dropout = 0; // drop probability of the hidden units
  arma::uword patience = 0;  // early stopping: epochs without improvement (0: none)
  bool shifts = false;       // data augmentation by random shifts
};

/// What one run produced.
struct History {
  std::vector<double> train_acc, val_acc;  // per epoch
  arma::uword best_epoch = 0, epochs_run = 0;
  double best_val = 0, test_acc = 0, seconds = 0;
  arma::mat W1;                            // (hidden x 784) first-layer weights at the end
};

struct SmallConfig {
  arma::uword n_train, hidden, epochs, batch_size;
  double eta;
  int max_shift;
};

// [remedy_run]
/// Experiment 1: train Nielsen's 784-30-10 on the first n_train images with one remedy.
History run_small(const Remedy& r, const SmallConfig& c, const Data& d, std::uint64_t seed) {
  course::Timer timer;
  course::Rng rng(seed);  // the same seed for every remedy: the same initial weights
  const Mat X = d.X_train.head_cols(c.n_train), Y = d.Y_train.head_cols(c.n_train);
  const arma::uvec y = d.y_train.head(c.n_train);

  Sequential<float> net;
  net.add<mlp::Dense<float>>(784, c.hidden, rng);  // N(0, 1): Nielsen's large_weight_initializer
  net.add<mlp::Sigmoid<float>>();
  if (r.dropout > 0) net.add<mlp::Dropout<float>>(r.dropout, rng);
  net.add<mlp::Dense<float>>(c.hidden, 10, rng);    // logits; the loss applies the sigmoid
  mlp::SigmoidCrossEntropy<float> cost;             // network2.py's CrossEntropyCost
  mlp::SGD<float> sgd(net.params(), c.eta);
  std::unique_ptr<mlp::Penalty<float>> penalty;
  if (r.l2 > 0) penalty = std::make_unique<mlp::L2Penalty<float>>(mlp::weights_only(net.params()), r.l2, c.n_train);
  if (r.l1 > 0) penalty = std::make_unique<mlp::L1Penalty<float>>(mlp::weights_only(net.params()), r.l1, c.n_train);
  std::unique_ptr<mlp::Optimizer<float>> regularized;
  if (penalty) regularized = std::make_unique<mlp::Regularized<float>>(sgd, *penalty);
  mlp::Trainer<float> trainer(net, cost, regularized ? *regularized : sgd, c.batch_size);
  mlp::EarlyStopping<float> best(net.params(), r.patience);

  History h;
  Mat X_shifted;  // (784 x n_train) this epoch's shifted copy, reused every epoch
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch) {
    if (r.shifts) mlp::random_shifts(X, d.rows, d.cols, c.max_shift, rng, X_shifted);
    trainer.train_epoch(r.shifts ? X_shifted : X, Y, rng, epoch);
    h.train_acc.push_back(accuracy(net, X, y));        // on the unshifted training images
    h.val_acc.push_back(accuracy(net, d.X_val, d.y_val));
    best.record(epoch, h.val_acc.back());
    h.epochs_run = epoch;
    if (best.should_stop()) break;  // only with patience > 0
  }
  if (r.patience > 0) best.restore();  // early stopping: back to the best validation epoch
  h.best_epoch = best.best_epoch();
  h.best_val = best.best_score();
  h.test_acc = accuracy(net, d.X_test, d.y_test);  // the test set, touched once
  h.W1 = arma::conv_to<arma::mat>::from(*net.params()[0].value);
  h.seconds = timer.seconds();
  return h;
}
// [remedy_run]

struct LargeConfig {
  arma::uword n_train, hidden, epochs, batch_size;
  double eta, input_dropout, dropout;
  int max_shift;
};

struct LargeResult {
  std::vector<double> train_acc, val_acc, epoch_seconds;
  arma::uword best_epoch = 0, n_params = 0;
  double best_val = 0, test_acc = 0;
  std::string describe;
};

/// Experiment 2: a wide MLP on the full training set.
LargeResult run_large(const LargeConfig& c, const Data& d, std::uint64_t seed) {
  course::Rng rng(seed);
  // The first n_train columns, viewed in place (no copy of up to 160 MB).
  const Mat X(const_cast<float*>(d.X_train.memptr()), d.X_train.n_rows, c.n_train, false, true);
  const Mat Y(const_cast<float*>(d.Y_train.memptr()), d.Y_train.n_rows, c.n_train, false, true);
  const arma::uword n_probe = std::min<arma::uword>(10000, c.n_train);  // training accuracy on these
  const Mat X_probe = X.head_cols(n_probe);
  const arma::uvec y_probe = d.y_train.head(n_probe);
  // [large_net]
  Sequential<float> net;
  if (c.input_dropout > 0) net.add<mlp::Dropout<float>>(c.input_dropout, rng);
  net.add<mlp::Dense<float>>(784, c.hidden, rng);
  net.add<mlp::ReLU<float>>();
  net.add<mlp::Dropout<float>>(c.dropout, rng);
  net.add<mlp::Dense<float>>(c.hidden, c.hidden, rng);
  net.add<mlp::ReLU<float>>();
  net.add<mlp::Dropout<float>>(c.dropout, rng);
  net.add<mlp::Dense<float>>(c.hidden, 10, rng);
  mlp::initialize(net, mlp::Initializer<float>(mlp::he_normal<float>), rng);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(net.params(), c.eta);
  mlp::Trainer<float> trainer(net, loss, adam, c.batch_size);
  const arma::uword steps = c.epochs * ((c.n_train + c.batch_size - 1) / c.batch_size);
  mlp::follow(trainer, adam, mlp::CosineSchedule{c.eta, 0.0, steps});  // eta -> 0 at the end
  mlp::EarlyStopping<float> best(net.params(), 0);  // patience 0: keep the best, never stop
  // [large_net]
  LargeResult res;
  res.n_params = net.n_params();
  res.describe = net.describe();
  std::cout << "   " << res.describe << "\n   " << res.n_params << " parameters, Adam (eta "
            << c.eta << ", cosine to 0), batch " << c.batch_size << ", shifts up to "
            << c.max_shift << " px, " << c.epochs << " epochs on " << c.n_train << " images\n";
  Mat X_shifted;
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch) {
    course::Timer timer;
    mlp::random_shifts(X, d.rows, d.cols, c.max_shift, rng, X_shifted);
    {
      course::Progress progress("epoch " + std::to_string(epoch), X.n_cols);
      trainer.train_epoch(X_shifted, Y, rng, epoch, &progress);
    }
    res.epoch_seconds.push_back(timer.seconds());
    res.train_acc.push_back(accuracy(net, X_probe, y_probe));
    res.val_acc.push_back(accuracy(net, d.X_val, d.y_val));
    const bool better = best.record(epoch, res.val_acc.back());
    std::cout << "   epoch " << std::setw(3) << epoch << ": training accuracy "
              << course::fixed(100 * res.train_acc.back(), 2) << "%, validation "
              << course::fixed(100 * res.val_acc.back(), 2) << "%" << (better ? " *" : "  ")
              << "  (" << course::fixed(res.epoch_seconds.back(), 1) << " s)\n";
  }
  best.restore();
  res.best_epoch = best.best_epoch();
  res.best_val = best.best_score();
  res.test_acc = accuracy(net, d.X_test, d.y_test);  // the test set, touched once
  return res;
}

/// A histogram of the entries of M as a step curve: counts per bin of width (hi - lo) / bins.
course::Series histogram(const std::string& title, const arma::mat& M, double lo, double hi,
                         arma::uword bins) {
  course::Series s{title, {}, {}, "histeps", {}};
  arma::vec counts(bins, arma::fill::zeros);
  const double width = (hi - lo) / double(bins);
  for (double v : M) {
    const double k = std::floor((v - lo) / width);
    if (k >= 0 && k < double(bins)) counts[arma::uword(k)] += 1;
  }
  for (arma::uword k = 0; k < bins; ++k) {
    s.x.push_back(lo + (double(k) + 0.5) * width);
    s.y.push_back(counts[k]);
  }
  return s;
}

std::string pct(double v) { return course::fixed(100 * v, 2) + "%"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 09: regularization. A 784-30-10 network overfits 1,000 MNIST images;\n"
               "L2, L1, dropout, early stopping and random shifts each fight it. Then a\n"
               "784-800-800-10 ReLU network with dropout and shifts on the full training set.",
               "ch09_regularization"};
  course::CommonOptions common("ch09_regularization");
  course::add_common_options(app, common);
  std::string part = "both";
  SmallConfig sc{1000, 30, 60, 10, 0.5, 2};
  double lambda = 0.1, lambda_l1 = 0.1, dropout = 0.3;
  arma::uword patience = 50;
  LargeConfig lc{10000, 800, 3, 100, 1e-3, 0.2, 0.5, 2};
  app.add_option("--part", part, "which experiment: small (1,000 images), large (full data), both")
      ->check(CLI::IsMember({"small", "large", "both"}))->capture_default_str();
  app.add_option("--train-size", sc.n_train, "small: training images (the first N of 50,000)")
      ->check(CLI::Range(10, 50000))->capture_default_str();
  app.add_option("--hidden", sc.hidden, "small: hidden units")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--epochs", sc.epochs, "small: epochs per remedy (--full: 400)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--eta", sc.eta, "small: SGD learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--batch-size", sc.batch_size, "small: examples per mini-batch")
      ->check(CLI::Range(1, 50000))->capture_default_str();
  app.add_option("--lambda", lambda, "small: L2 strength (penalty lambda/(2n) sum w^2)")
      ->check(course::positive())->capture_default_str();
  app.add_option("--lambda-l1", lambda_l1, "small: L1 strength (penalty lambda/n sum |w|)")
      ->check(course::positive())->capture_default_str();
  app.add_option("--dropout", dropout, "small: drop probability of the hidden units")
      ->check(CLI::Range(0.0, 0.95))->capture_default_str();
  app.add_option("--patience", patience, "small: early stopping after this many epochs without a better validation accuracy")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--max-shift", sc.max_shift, "largest shift in pixels, each direction (small and large)")
      ->check(CLI::Range(0, 6))->capture_default_str();
  app.add_option("--large-train-size", lc.n_train, "large: training images, the first N of 50,000 (--full: 50000)")
      ->check(CLI::Range(100, 50000))->capture_default_str();
  app.add_option("--large-hidden", lc.hidden, "large: units in each of the two hidden layers")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--large-epochs", lc.epochs, "large: epochs (--full: 60)")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--large-eta", lc.eta, "large: Adam's initial learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--large-dropout", lc.dropout, "large: drop probability of the hidden units")
      ->check(CLI::Range(0.0, 0.95))->capture_default_str();
  app.add_option("--input-dropout", lc.input_dropout, "large: drop probability of the input pixels")
      ->check(CLI::Range(0.0, 0.95))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--epochs")) sc.epochs = 400;
      if (!app.count("--large-train-size")) lc.n_train = 50000;
      if (!app.count("--large-epochs")) lc.epochs = 60;
    }
    lc.max_shift = sc.max_shift;
    course::make_out_dir(common.out_dir);

    // [data]
    Data d;
    {
      course::ImageSet train = course::load_images("mnist", "train", common.data_dir);
      course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
      if (train.X.n_cols != 60000)
        throw course::Error("MNIST training set: expected 60000 images, found " + std::to_string(train.X.n_cols));
      d.X_train = train.X.head_cols(50000);  // Nielsen's training_data
      d.y_train = train.labels.head(50000);
      d.Y_train = course::one_hot<Mat>(d.y_train, 10);
      d.X_val = train.X.tail_cols(10000);    // Nielsen's validation_data
      d.y_val = train.labels.tail(10000);
      d.X_test = std::move(test.X);          // used once per run, at its end
      d.y_test = std::move(test.labels);
    }
    // [data]
    std::cout << "MNIST: 60,000 training images split into 50,000 for training and 10,000 for "
                 "validation; 10,000 test images (each run looks at them once, at its end)\n";
    nlohmann::json summary = {{"chapter", "09_regularization"}, {"seed", common.seed}, {"full", common.full}};
    nlohmann::json timing = nlohmann::json::object();
    std::string headline;

    if (part != "large") {
      // -------------------------------------------------------------------------------------
      // [remedies]
      const std::vector<Remedy> remedies = {
          {"none", "no regularization"},
          {"l2", "L2, lambda " + course::fixed(lambda, 2), lambda},
          {"l1", "L1, lambda " + course::fixed(lambda_l1, 2), 0, lambda_l1},
          {"dropout", "dropout p = " + course::fixed(dropout, 2), 0, 0, dropout},
          {"early_stopping", "early stopping, patience " + std::to_string(patience), 0, 0, 0, patience},
          {"shifts", "random shifts <= " + std::to_string(sc.max_shift) + " px", 0, 0, 0, 0, true},
          {"all", "L2 + dropout + shifts + early stopping", lambda, 0, dropout, patience, true}};
      // [remedies]
      std::cout << "\n1. Overfitting on purpose: 784-" << sc.hidden << "-10 sigmoid, sigmoid outputs + "
                << "cross-entropy, N(0,1) weights, eta " << sc.eta << ", batch " << sc.batch_size
                << ", " << sc.epochs << " epochs, the first " << sc.n_train << " training images\n";
      std::printf("   %-40s %9s %9s %11s %7s %9s\n", "remedy", "train", "best val", "(epoch)", "epochs", "test");
      std::vector<History> runs;
      nlohmann::json small_json;
      for (std::size_t k = 0; k < remedies.size(); ++k) {
        const Remedy& r = remedies[k];
        runs.push_back(run_small(r, sc, d, common.seed));
        const History& h = runs.back();
        std::printf("   %-40s %9s %9s %11s %7lu %9s\n", r.label.c_str(), pct(h.train_acc.back()).c_str(),
                    pct(h.best_val).c_str(), ("(" + std::to_string(h.best_epoch) + ")").c_str(),
                    static_cast<unsigned long>(h.epochs_run), pct(h.test_acc).c_str());
        small_json[r.key] = {{"label", r.label},
                             {"final_train_accuracy", h.train_acc.back()},
                             {"best_validation_accuracy", h.best_val},
                             {"best_epoch", h.best_epoch},
                             {"epochs_run", h.epochs_run},
                             {"test_accuracy", h.test_acc},
                             {"train_accuracy_per_epoch", h.train_acc},
                             {"validation_accuracy_per_epoch", h.val_acc}};
        timing["small_" + r.key] = h.seconds;
      }
      std::cout << "   (train: accuracy on the unshifted training images at the end; test: the "
                   "weights at the end, or of the best validation epoch with early stopping)\n"
                << "   Nielsen (test set as his monitor): no regularization peaked at 82.27%, "
                   "L2 lambda 0.1 reached 87.10%\n";
      summary["small"] = small_json;
      summary["small_config"] = {{"train_size", sc.n_train}, {"hidden", sc.hidden}, {"epochs", sc.epochs},
                                 {"eta", sc.eta}, {"batch_size", sc.batch_size}, {"lambda", lambda},
                                 {"lambda_l1", lambda_l1}, {"dropout", dropout}, {"patience", patience},
                                 {"max_shift", sc.max_shift}};
      headline = std::to_string(sc.n_train) + " images: test " + pct(runs.front().test_acc) +
                 " -> " + pct(runs[1].test_acc) + " (L2) -> " + pct(runs.back().test_acc) + " (all)";

      if (!common.no_plots) {
        for (std::size_t k = 0; k < remedies.size(); ++k) {
          course::Series tr{"training (unshifted)", {}, {}, "lines", {}}, va{"validation", {}, {}, "lines", {}};
          for (std::size_t e = 0; e < runs[k].train_acc.size(); ++e) {
            tr.x.push_back(double(e + 1));
            tr.y.push_back(100 * runs[k].train_acc[e]);
            va.x.push_back(double(e + 1));
            va.y.push_back(100 * runs[k].val_acc[e]);
          }
          std::vector<course::Series> s = {tr, va};
          if (remedies[k].patience > 0)
            s.push_back({"best validation epoch (restored)", {double(runs[k].best_epoch)},
                         {100 * runs[k].best_val}, "points pt 7 ps 1.5", {}});
          course::PlotOptions o{remedies[k].label + ": test " + pct(runs[k].test_acc), "epoch", "accuracy (%)"};
          o.extra = "set yrange [70:101]\nset xrange [0:" + std::to_string(sc.epochs) + "]";
          course::line_plot(common.out("curves_" + remedies[k].key + ".png"), o, s);
        }
        std::vector<course::Series> all;
        for (std::size_t k = 0; k < remedies.size(); ++k) {
          course::Series va{remedies[k].label, {}, {}, "lines", {}};
          for (std::size_t e = 0; e < runs[k].val_acc.size(); ++e) {
            va.x.push_back(double(e + 1));
            va.y.push_back(100 * runs[k].val_acc[e]);
          }
          all.push_back(va);
        }
        course::PlotOptions o{"Validation accuracy per epoch, " + std::to_string(sc.n_train) + " training images",
                              "epoch", "validation accuracy (%)"};
        o.extra = "set yrange [60:95]\nset key outside right center vertical Left reverse noopaque";
        o.width = 1000;
        course::line_plot(common.out("validation_all.png"), o, all);

        // Weight histograms and first-layer weights: none vs L2 vs L1.
        course::PlotOptions oh{"First-layer weights after training (" + std::to_string(runs[0].W1.n_elem) +
                                   " each)", "weight", "count per bin of 0.1 (log scale)"};
        oh.logy = true;
        course::line_plot(common.out("weight_histograms.png"), oh,
                          {histogram(remedies[0].label, runs[0].W1, -4, 4, 80),
                           histogram(remedies[1].label, runs[1].W1, -4, 4, 80),
                           histogram(remedies[2].label, runs[2].W1, -4, 4, 80)});
        const arma::uword shown = std::min<arma::uword>(10, sc.hidden);
        arma::mat images(784, 3 * shown);
        std::vector<std::string> captions;
        for (std::size_t k = 0; k < 3; ++k)
          for (arma::uword u = 0; u < shown; ++u) {
            images.col(k * shown + u) = runs[k].W1.row(u).t();
            captions.push_back(remedies[k].key + " " + std::to_string(u + 1));
          }
        course::PlotOptions ow{"Weights into hidden units 1-" + std::to_string(shown) +
                                   ": none (top), L2 (middle), L1 (bottom); red > 0, blue < 0", "", ""};
        ow.width = 1000;
        ow.height = 430;
        course::image_grid(common.out("first_layer_weights.png"), ow, images, 28, 28, shown, captions, true);
        // What the shifts do: digits and one random shift of each (a faint grey shows the frame).
        course::Rng rng(common.seed);
        arma::mat pair(784, 16);
        std::vector<std::string> shift_captions(8, "");
        arma::fvec moved(784);
        for (arma::uword j = 0; j < 8; ++j) {
          const int dx = int(course::uniform_index(rng, 2 * sc.max_shift + 1)) - sc.max_shift;
          const int dy = int(course::uniform_index(rng, 2 * sc.max_shift + 1)) - sc.max_shift;
          mlp::shift_image(d.X_train.colptr(j), moved.memptr(), d.rows, d.cols, dx, dy);
          pair.col(j) = 0.08 + 0.92 * arma::conv_to<arma::vec>::from(d.X_train.col(j));
          pair.col(8 + j) = 0.08 + 0.92 * arma::conv_to<arma::vec>::from(moved);
          shift_captions.push_back("dx " + std::to_string(dx) + ", dy " + std::to_string(dy));
        }
        course::PlotOptions os{"Training digits (top) and a random shift of each (bottom)", "", ""};
        os.height = 330;
        course::image_grid(common.out("shifted_digits.png"), os, pair, 28, 28, 8, shift_captions);
      }
    }

    if (part != "small") {
      // -------------------------------------------------------------------------------------
      std::cout << "\n2. A wide MLP without convolutions, on " << lc.n_train
                << " of the 50,000 training images:\n";
      const LargeResult res = run_large(lc, d, common.seed);
      std::vector<double> sorted = res.epoch_seconds;
      std::sort(sorted.begin(), sorted.end());
      const double median_epoch = sorted[sorted.size() / 2];
      std::cout << "   best validation epoch " << res.best_epoch << " (" << pct(res.best_val)
                << "), restored; test accuracy " << pct(res.test_acc)
                << " (--full target: >= 98.60%; Simard 2003: 98.4% without distortions; Srivastava 2014: "
                   "98.94% with dropout)\n   median epoch " << course::fixed(median_epoch, 1) << " s\n";
      summary["large"] = {{"network", res.describe},
                          {"parameters", res.n_params},
                          {"train_size", lc.n_train},
                          {"epochs", lc.epochs},
                          {"batch_size", lc.batch_size},
                          {"eta", lc.eta},
                          {"dropout", lc.dropout},
                          {"input_dropout", lc.input_dropout},
                          {"max_shift", lc.max_shift},
                          {"best_epoch", res.best_epoch},
                          {"best_validation_accuracy", res.best_val},
                          {"test_accuracy", res.test_acc},
                          {"train_accuracy_per_epoch", res.train_acc},
                          {"validation_accuracy_per_epoch", res.val_acc}};
      timing["large_median_epoch"] = median_epoch;
      timing["large_total"] = std::accumulate(res.epoch_seconds.begin(), res.epoch_seconds.end(), 0.0);
      headline += std::string(headline.empty() ? "" : "; ") + "784-" + std::to_string(lc.hidden) + "-" +
                  std::to_string(lc.hidden) + "-10 + dropout + shifts: test " + pct(res.test_acc) +
                  " (" + std::to_string(lc.epochs) + " epochs)";
      if (!common.no_plots) {
        course::Series tr{"training (first 10,000, unshifted)", {}, {}, "linespoints", {}},
            va{"validation", {}, {}, "linespoints", {}};
        for (std::size_t e = 0; e < res.val_acc.size(); ++e) {
          tr.x.push_back(double(e + 1));
          tr.y.push_back(100 * res.train_acc[e]);
          va.x.push_back(double(e + 1));
          va.y.push_back(100 * res.val_acc[e]);
        }
        course::Series target{"98.6% (the target)", {1, double(lc.epochs)}, {98.6, 98.6}, "lines", {}};
        course::PlotOptions o{"784-" + std::to_string(lc.hidden) + "-" + std::to_string(lc.hidden) +
                                  "-10 ReLU, dropout, shifts, Adam: test " + pct(res.test_acc),
                              "epoch", "accuracy (%)"};
        o.extra = "set yrange [96:100.2]";
        course::line_plot(common.out("large_curves.png"), o, {tr, va, target});
      }
    }

    timing["total"] = total.seconds();
    summary["headline"] = headline;
    summary["timing_seconds"] = timing;
    course::write_summary(common.out_dir, summary);
    std::cout << "\nWrote " << common.out("summary.json") << "\n";
  });
}
