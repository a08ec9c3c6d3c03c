// Chapter 07 executable: which loss for which task? Three experiments:
//  1. regression: a 1-16-1 tanh network fits y = sin x + noise with the mean squared error,
//     and reports the RMSE against the noise floor;
//  2. the learning slowdown: the same badly initialized 784-100-10 sigmoid network trained with
//     the quadratic cost on sigmoid outputs and with softmax + cross-entropy;
//  3. classification: 784-100-10 (ReLU hidden layer) with softmax + cross-entropy on MNIST and
//     Fashion-MNIST, trained on all 60,000 training images, evaluated once on the 10,000 test
//     images, with a confusion matrix for each.
#include <algorithm>
#include <iostream>
#include <map>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/mse.hpp"
#include "chapters/07_softmax_cross_entropy/regression_data.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// ---------------------------------------------------------------------------------------------
// 1. Regression: mean squared error, RMSE as the report.
struct RegressionResult {
  double rmse_train = 0, rmse_test = 0, rmse_predict_mean = 0;
  std::vector<double> mse_per_epoch;
  mlp::RegressionData<float> train;
  arma::fmat curve_x, curve_y;  // (1 x 200) the fitted function on a grid
};

RegressionResult regression_demo(arma::uword hidden, double noise, arma::uword epochs,
                                 course::Rng& rng) {
  RegressionResult r;
  r.train = mlp::noisy_sine<float>(200, noise, rng);                  // (1 x 200) each
  const mlp::RegressionData<float> test = mlp::noisy_sine<float>(1000, noise, rng);
  // [regression]
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(1, hidden, rng);             // W1: (hidden x 1)
  net.add<mlp::Tanh<float>>();
  auto& output = net.add<mlp::Dense<float>>(hidden, 1, rng);  // W2: (1 x hidden)
  output.W /= std::sqrt(static_cast<float>(hidden));
  // No activation after the last layer: the prediction can be any real number.
  mlp::MeanSquaredError<float> mse;
  mlp::SGD<float> sgd(net.params(), 0.05);
  mlp::Trainer<float> trainer(net, mse, sgd, 10);
  for (arma::uword epoch = 1; epoch <= epochs; ++epoch) {
    if (epoch == epochs - epochs / 5 + 1) sgd.eta /= 10;  // the last fifth with smaller steps
    r.mse_per_epoch.push_back(trainer.train_epoch(r.train.X, r.train.Y, rng, epoch));
  }
  // [regression]
  r.rmse_train = mlp::rmse(arma::fmat(net.forward(r.train.X)), r.train.Y);
  r.rmse_test = mlp::rmse(arma::fmat(net.forward(test.X)), test.Y);
  // The simplest model, "always predict the mean of the training targets", for comparison.
  const arma::fmat mean_prediction(1, test.Y.n_cols, arma::fill::value(arma::mean(r.train.Y.row(0))));
  r.rmse_predict_mean = mlp::rmse(mean_prediction, test.Y);
  r.curve_x = arma::linspace<arma::frowvec>(-M_PI, M_PI, 200);
  r.curve_y = net.forward(r.curve_x);
  return r;
}

// ---------------------------------------------------------------------------------------------
// 2. The learning slowdown: quadratic cost on sigmoid outputs vs softmax + cross-entropy.
struct SlowdownRun {
  bool quadratic = true;
  double eta = 0;
  std::vector<double> accuracy;  // training accuracy before epoch 1 and after every epoch
};

/// Train one badly initialized network; the seed fixes the initial weights and the batch
/// order, so the two costs start from the same point and see the same batches.
SlowdownRun slowdown_run(bool quadratic, double eta, const course::ImageSet& data,
                         arma::uword hidden, arma::uword epochs, std::uint64_t seed,
                         double* saturated = nullptr) {
  course::Rng rng(seed);
  // [slowdown]
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(784, hidden, rng);  // chapter 06's N(0, 1) weights: a bad start
  net.add<mlp::Sigmoid<float>>();
  net.add<mlp::Dense<float>>(hidden, 10, rng);   // output pre-activations Z (10 x m)
  if (saturated) {  // how many output units start where sigma'(z) < 0.018 (|z| > 4)
    const Mat& Z = net.forward(data.X);
    *saturated = arma::accu(arma::abs(Z) > 4.0f) / static_cast<double>(Z.n_elem);
  }
  mlp::QuadraticCost<float> quadratic_cost;        // needs outputs in [0, 1]: sigmoid outputs
  mlp::SoftmaxCrossEntropy<float> cross_entropy;   // takes the logits Z directly
  if (quadratic) net.add<mlp::Sigmoid<float>>();
  mlp::Loss<float>& loss = quadratic ? static_cast<mlp::Loss<float>&>(quadratic_cost) : cross_entropy;
  // [slowdown]
  mlp::SGD<float> sgd(net.params(), eta);
  mlp::Trainer<float> trainer(net, loss, sgd, 10);
  const Mat Y = course::one_hot<Mat>(data.labels, 10);
  SlowdownRun run{quadratic, eta, {}};
  const double n = static_cast<double>(data.X.n_cols);
  run.accuracy.push_back(mlp::count_correct(net, data.X, data.labels) / n);
  for (arma::uword epoch = 1; epoch <= epochs; ++epoch) {
    trainer.train_epoch(data.X, Y, rng, epoch);
    run.accuracy.push_back(mlp::count_correct(net, data.X, data.labels) / n);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// 3. Classification with softmax + cross-entropy.
struct ClassifierSettings {
  arma::uword hidden = 100, epochs = 2, batch_size = 16, train_size = 10000, decay_epochs = 0;
  double eta = 0.1;
  std::string activation = "relu";
};

struct ClassifierResult {
  std::string dataset;
  arma::uword n_train = 0, n_test = 0, correct = 0;
  double test_accuracy = 0, train_accuracy = 0;
  std::vector<double> loss_per_epoch, epoch_seconds;
  arma::umat confusion;  // (10 x 10) row: true class, column: predicted class
};

ClassifierResult classify(const std::string& dataset, const ClassifierSettings& s,
                          const std::string& data_dir, course::Rng& rng) {
  // [data]
  const course::ImageSet train = course::load_images(dataset, "train", data_dir, s.train_size);
  const course::ImageSet test = course::load_images(dataset, "test", data_dir);
  const Mat Y = course::one_hot<Mat>(train.labels, 10);  // (10 x n) one-hot targets
  // [data]
  // [network]
  mlp::Sequential<float> net;
  auto& hidden = net.add<mlp::Dense<float>>(784, s.hidden, rng);
  hidden.W /= std::sqrt(784.0f);  // N(0, 1/n_in) instead of N(0, 1): see chapter 08
  hidden.b.zeros();
  if (s.activation == "relu")
    net.add<mlp::ReLU<float>>();
  else
    net.add<mlp::Sigmoid<float>>();
  auto& output = net.add<mlp::Dense<float>>(s.hidden, 10, rng);
  output.W /= std::sqrt(static_cast<float>(s.hidden));
  output.b.zeros();
  // No activation after the last layer: its output Z are the logits; the loss takes the softmax.
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::SGD<float> sgd(net.params(), s.eta);
  mlp::Trainer<float> trainer(net, loss, sgd, s.batch_size);
  // [network]
  std::cout << "\n" << (dataset == "mnist" ? "MNIST" : "Fashion-MNIST") << ": "
            << net.describe() << " + softmax, " << net.n_params() << " parameters\n"
            << "  " << train.X.n_cols << " training images, batch " << s.batch_size << ", eta "
            << s.eta << (s.decay_epochs ? " (eta/10 for the last " + std::to_string(s.decay_epochs) + " epochs)" : "")
            << ", " << s.epochs << " epochs\n";

  ClassifierResult r;
  r.dataset = dataset;
  r.n_train = train.X.n_cols;
  r.n_test = test.X.n_cols;
  for (arma::uword epoch = 1; epoch <= s.epochs; ++epoch) {
    // [decay]
    if (epoch == s.epochs - s.decay_epochs + 1) sgd.eta = s.eta / 10;  // anneal: smaller steps at the end
    // [decay]
    course::Timer timer;
    course::Progress progress("images", train.X.n_cols);
    const double L = trainer.train_epoch(train.X, Y, rng, epoch, &progress);
    r.epoch_seconds.push_back(timer.seconds());
    r.loss_per_epoch.push_back(L);
    std::cout << "  epoch " << epoch << "/" << s.epochs << ": training loss " << course::fixed(L, 4)
              << " (eta " << sgd.eta << "), " << course::fixed(r.epoch_seconds.back(), 2) << " s\n";
  }
  // [evaluate]
  const arma::uvec predicted = mlp::predict(net, test.X);  // evaluated once, after training
  r.correct = arma::accu(predicted == test.labels);
  r.test_accuracy = r.correct / static_cast<double>(r.n_test);
  r.train_accuracy = mlp::count_correct(net, train.X, train.labels) / static_cast<double>(r.n_train);
  r.confusion = course::confusion_matrix(test.labels, predicted, 10);
  // [evaluate]
  std::cout << "  training accuracy " << course::fixed(100 * r.train_accuracy, 2)
            << "%, test accuracy " << r.correct << " / " << r.n_test << " = "
            << course::fixed(100 * r.test_accuracy, 2) << "%\n";
  return r;
}

std::string pretty(const std::string& dataset) { return dataset == "mnist" ? "MNIST" : "Fashion-MNIST"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 07: softmax and cross-entropy for classification (MNIST, Fashion-MNIST),\n"
               "mean squared error and RMSE for regression, and the learning slowdown of the\n"
               "quadratic cost.",
               "ch07_softmax_cross_entropy"};
  course::CommonOptions common("ch07_softmax_cross_entropy");
  course::add_common_options(app, common);
  std::string dataset = "both";
  ClassifierSettings s;
  arma::uword slow_size = 2000, slow_epochs = 3, reg_hidden = 16, reg_epochs = 500;
  double noise = 0.1;
  app.add_option("--dataset", dataset, "classification data: mnist, fashion or both")
      ->check(CLI::IsMember({"mnist", "fashion", "both"}))->capture_default_str();
  app.add_option("--hidden", s.hidden, "hidden units")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--activation", s.activation, "hidden activation: relu or sigmoid")
      ->check(CLI::IsMember({"relu", "sigmoid"}))->capture_default_str();
  app.add_option("--epochs", s.epochs, "epochs (--full: 30)")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--eta", s.eta, "learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--batch-size", s.batch_size, "examples per mini-batch")->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--decay-epochs", s.decay_epochs, "the last N epochs use eta/10 (--full: 10)")
      ->check(CLI::Range(0, 100000))->capture_default_str();
  app.add_option("--train-size", s.train_size, "training images, the first N of 60,000 (--full: 60000)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--slowdown-size", slow_size, "training images of the slowdown race (--full: 10000)")
      ->check(CLI::Range(10, 60000))->capture_default_str();
  app.add_option("--slowdown-epochs", slow_epochs, "epochs of the slowdown race (--full: 10)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--noise", noise, "noise sigma of the regression data")->check(course::positive())->capture_default_str();
  app.add_option("--reg-hidden", reg_hidden, "hidden units of the regression network")
      ->check(CLI::Range(1, 10000))->capture_default_str();
  app.add_option("--reg-epochs", reg_epochs, "epochs of the regression network")
      ->check(CLI::Range(1, 1000000))->capture_default_str();

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--epochs")) s.epochs = 30;
      if (!app.count("--decay-epochs")) s.decay_epochs = 10;
      if (!app.count("--train-size")) s.train_size = 60000;
      if (!app.count("--slowdown-size")) slow_size = 10000;
      if (!app.count("--slowdown-epochs")) slow_epochs = 10;
    }
    if (s.decay_epochs > s.epochs)
      throw course::UsageError("--decay-epochs: " + std::to_string(s.decay_epochs) +
                               " is more than --epochs " + std::to_string(s.epochs));
    if (dataset == "both" && !common.data_dir.empty())
      throw course::UsageError("--data names one dataset's folder: add --dataset mnist or --dataset fashion");
    const std::vector<std::string> datasets =
        dataset == "both" ? std::vector<std::string>{"mnist", "fashion"} : std::vector<std::string>{dataset};
    course::make_out_dir(common.out_dir);
    course::Rng rng(common.seed);
    nlohmann::json summary = {{"chapter", "07_softmax_cross_entropy"}, {"seed", common.seed},
                              {"full", common.full}};
    nlohmann::json timing;

    // --- 1. Regression: MSE loss, RMSE report.
    course::Timer t_reg;
    const RegressionResult reg = regression_demo(reg_hidden, noise, reg_epochs, rng);
    timing["regression"] = t_reg.seconds();
    std::cout << "Regression: y = sin x + noise (sigma " << noise << "), 200 training points, 1-"
              << reg_hidden << "-1 tanh network, mean squared error, " << reg_epochs << " epochs\n"
              << "  RMSE: training " << course::fixed(reg.rmse_train, 4) << ", test "
              << course::fixed(reg.rmse_test, 4) << " (noise floor " << noise
              << "; predicting the mean: " << course::fixed(reg.rmse_predict_mean, 4) << ")\n";
    summary["regression"] = {{"noise", noise}, {"hidden", reg_hidden}, {"epochs", reg_epochs},
                             {"rmse_train", reg.rmse_train}, {"rmse_test", reg.rmse_test},
                             {"rmse_predict_mean", reg.rmse_predict_mean},
                             {"mse_first_epoch", reg.mse_per_epoch.front()},
                             {"mse_last_epoch", reg.mse_per_epoch.back()}};

    // --- 2. The learning slowdown, on the first dataset's first images.
    course::Timer t_slow;
    const course::ImageSet slow_data = course::load_images(datasets[0], "train", common.data_dir, slow_size);
    const std::vector<double> etas = {0.1, 0.3, 1.0, 3.0, 10.0, 30.0};
    const arma::uword slow_hidden = 100;
    double saturated = 0;
    std::cout << "\nLearning slowdown: 784-" << slow_hidden << "-10 sigmoid network, chapter 06's N(0, 1) "
              << "weights, " << slow_data.X.n_cols << " " << pretty(datasets[0]) << " training images, batch 10, "
              << slow_epochs << " epochs\n";
    std::map<bool, SlowdownRun> best;  // key: quadratic?
    std::map<bool, std::vector<double>> final_by_eta;
    for (bool quadratic : {true, false}) {
      for (double eta : etas) {
        SlowdownRun run = slowdown_run(quadratic, eta, slow_data, slow_hidden, slow_epochs,
                                       common.seed, quadratic && eta == etas[0] ? &saturated : nullptr);
        final_by_eta[quadratic].push_back(run.accuracy.back());
        if (!best.count(quadratic) || run.accuracy.back() > best[quadratic].accuracy.back())
          best[quadratic] = run;
      }
    }
    timing["slowdown"] = t_slow.seconds();
    std::cout << "  at the start " << course::fixed(100 * saturated, 0)
              << "% of the output pre-activations have |z| > 4, where sigma'(z) < 0.018\n"
              << "  training accuracy after " << slow_epochs << " epochs, for eta =";
    for (double eta : etas) std::cout << " " << eta;
    std::cout << ":\n";
    for (bool quadratic : {true, false}) {
      std::cout << (quadratic ? "    quadratic cost + sigmoid outputs:" : "    softmax + cross-entropy:         ");
      for (double a : final_by_eta[quadratic]) std::cout << " " << course::fixed(100 * a, 1) << "%";
      std::cout << "\n";
    }
    auto slow_json = [&](bool quadratic) {
      return nlohmann::json{{"etas", etas}, {"final_accuracy_by_eta", final_by_eta[quadratic]},
                            {"best_eta", best[quadratic].eta}, {"best_accuracy_per_epoch", best[quadratic].accuracy}};
    };
    summary["slowdown"] = {{"dataset", datasets[0]}, {"images", slow_data.X.n_cols},
                           {"hidden", slow_hidden}, {"epochs", slow_epochs},
                           {"saturated_output_fraction", saturated},
                           {"quadratic", slow_json(true)}, {"cross_entropy", slow_json(false)}};

    // --- 3. Classification: softmax + cross-entropy on each dataset.
    std::vector<ClassifierResult> results;
    for (const auto& name : datasets) {
      course::Timer t;
      results.push_back(classify(name, s, common.data_dir, rng));
      timing[name + "_total"] = t.seconds();
      timing[name + "_median_epoch"] = median(results.back().epoch_seconds);
    }
    std::cout << "\nFor comparison: scikit-learn's MLPClassifier on Fashion-MNIST 87.1% (the Fashion-MNIST paper).\n";
    for (const auto& r : results) {
      std::vector<std::vector<arma::uword>> confusion;  // row i: true class i
      for (arma::uword i = 0; i < r.confusion.n_rows; ++i)
        confusion.push_back(arma::conv_to<std::vector<arma::uword>>::from(r.confusion.row(i)));
      summary[r.dataset] = {{"train_images", r.n_train}, {"test_images", r.n_test},
                            {"test_correct", r.correct}, {"test_accuracy", r.test_accuracy},
                            {"train_accuracy", r.train_accuracy},
                            {"loss_per_epoch", r.loss_per_epoch},
                            {"confusion", confusion}};
    }

    if (!common.no_plots) {
      // Regression: the data, the truth and the fit.
      course::Series pts{"training data", arma::conv_to<std::vector<double>>::from(reg.train.X),
                         arma::conv_to<std::vector<double>>::from(reg.train.Y), "points", {}};
      course::Series truth{"sin x", {}, {}, "lines", {}}, fit{"network", {}, {}, "lines", {}};
      for (arma::uword i = 0; i < reg.curve_x.n_elem; ++i) {
        truth.x.push_back(reg.curve_x[i]);
        truth.y.push_back(std::sin(reg.curve_x[i]));
        fit.x.push_back(reg.curve_x[i]);
        fit.y.push_back(reg.curve_y[i]);
      }
      course::PlotOptions o{"Regression with the mean squared error: 1-" + std::to_string(reg_hidden) +
                                "-1 tanh, test RMSE " + course::fixed(reg.rmse_test, 3) +
                                " (noise sigma " + course::fixed(noise, 2) + ")",
                            "x", "y"};
      o.extra = "set xrange [-3.2:3.2]";
      course::line_plot(common.out("regression.png"), o, {pts, truth, fit});

      // The slowdown race: each cost at its best learning rate.
      std::vector<course::Series> curves;
      for (bool quadratic : {true, false}) {
        const SlowdownRun& run = best[quadratic];
        course::Series c{std::string(quadratic ? "quadratic cost + sigmoid outputs" : "softmax + cross-entropy") +
                             ", eta " + course::fixed(run.eta, 1), {}, {}, "linespoints", {}};
        for (std::size_t e = 0; e < run.accuracy.size(); ++e) {
          c.x.push_back(e);
          c.y.push_back(100 * run.accuracy[e]);
        }
        curves.push_back(c);
      }
      course::PlotOptions os{"Same bad start (N(0,1) weights), each cost at its best eta: " +
                                 std::to_string(slow_data.X.n_cols) + " images",
                             "epoch", "training accuracy (%)"};
      os.extra = "set yrange [0:100]\nset xtics 1\nset key inside bottom right";
      course::line_plot(common.out("slowdown.png"), os, curves);

      // Training loss per epoch, and a confusion matrix per dataset.
      std::vector<course::Series> losses;
      for (const auto& r : results) {
        course::Series c{pretty(r.dataset), {}, {}, "linespoints", {}};
        for (std::size_t e = 0; e < r.loss_per_epoch.size(); ++e) {
          c.x.push_back(e + 1);
          c.y.push_back(r.loss_per_epoch[e]);
        }
        losses.push_back(c);
        const auto& names = course::dataset_info(r.dataset).class_names;
        course::PlotOptions oc{pretty(r.dataset) + " test set: true class (rows) vs predicted (columns), " +
                                   course::fixed(100 * r.test_accuracy, 2) + "% correct",
                               "predicted", "true"};
        oc.width = 760;
        oc.height = 640;
        // Colour up to twice the largest error count, so the mistakes show; the diagonal saturates.
        arma::umat errors = r.confusion;
        errors.diag().zeros();
        oc.extra = "set cbrange [0:" + std::to_string(2 * std::max<arma::uword>(1, errors.max())) + "]";
        course::heatmap(common.out("confusion_" + r.dataset + ".png"), oc,
                        arma::conv_to<arma::mat>::from(r.confusion), names, names);
      }
      course::PlotOptions ol{"Training loss (cross-entropy) per epoch, 784-" + std::to_string(s.hidden) + "-10 " +
                                 s.activation,
                             "epoch", "mean cross-entropy over the epoch"};
      ol.logy = true;
      course::line_plot(common.out("training_loss.png"), ol, losses);
    }

    std::string headline;
    for (const auto& r : results)
      headline += (headline.empty() ? "" : ", ") + pretty(r.dataset) + " " +
                  course::fixed(100 * r.test_accuracy, 2) + "%";
    headline += " test (784-" + std::to_string(s.hidden) + "-10 " + s.activation + ", softmax + CE, " +
                std::to_string(s.epochs) + " epochs); sine RMSE " + course::fixed(reg.rmse_test, 3);
    summary["headline"] = headline;
    summary["config"] = {{"dataset", dataset}, {"hidden", s.hidden}, {"activation", s.activation},
                         {"epochs", s.epochs}, {"eta", s.eta}, {"batch_size", s.batch_size},
                         {"decay_epochs", s.decay_epochs}, {"train_size", s.train_size}};
    timing["total"] = total.seconds();
    summary["timing_seconds"] = timing;
    course::write_summary(common.out_dir, summary);
    std::cout << "\n" << headline << "\nWrote " << common.out_dir << " in "
              << course::fixed(total.seconds(), 1) << " s\n";
  });
}
