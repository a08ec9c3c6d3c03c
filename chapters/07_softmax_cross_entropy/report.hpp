/// \file
/// \brief Chapter 07's report steps: print each experiment's result, draw the plots (PNG + CSV)
/// and build summary.json. Nothing here computes a result; experiments.hpp does.
///
/// What it leaves out on purpose: any plot the lesson does not show.
#pragma once

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/07_softmax_cross_entropy/confusion_plot.hpp"
#include "chapters/07_softmax_cross_entropy/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace softmax_cross_entropy {

inline void print(const Regression& r, const Config& c) {
  std::cout << "Regression: y = sin x + noise (sigma " << c.noise << "), 200 training points, 1-"
            << c.reg_hidden << "-1 tanh network, mean squared error, " << c.reg_epochs
            << " epochs\n  RMSE: training " << course::fixed(r.rmse_train, 4) << ", test "
            << course::fixed(r.rmse_test, 4) << " (noise floor " << c.noise
            << "; predicting the mean: " << course::fixed(r.rmse_predict_mean, 4) << ")\n";
}

inline void print(const SlowdownRace& race) {
  std::cout << "\nLearning slowdown: 784-" << race.hidden
            << "-10 sigmoid network, chapter 06's N(0, 1) weights, " << race.images << " "
            << pretty(race.dataset) << " training images, batch 10, " << race.epochs
            << " epochs\n  at the start " << course::fixed(100 * race.saturated, 0)
            << "% of the output pre-activations have |z| > 4, where sigma'(z) < 0.018\n"
            << "  training accuracy after " << race.epochs << " epochs, for eta =";
  for (double eta : race.etas) std::cout << " " << eta;
  std::cout << ":\n    quadratic cost + sigmoid outputs:";
  for (double a : race.quadratic.final_by_eta) std::cout << " " << course::percent(a, 1);
  std::cout << "\n    softmax + cross-entropy:         ";
  for (double a : race.cross_entropy.final_by_eta) std::cout << " " << course::percent(a, 1);
  std::cout << "\n";
}

inline void print(const std::vector<Classifier>&) {
  std::cout << "\nFor comparison: scikit-learn's MLPClassifier on Fashion-MNIST 87.1% (the "
               "Fashion-MNIST paper).\n";
}

/// The training data, the truth sin x and the network's fit.
inline void plot(const Regression& r, const Config& c, const course::CommonOptions& common) {
  course::Series points{"training data",
                        arma::conv_to<std::vector<double>>::from(r.train.X),
                        arma::conv_to<std::vector<double>>::from(r.train.Y),
                        "points",
                        {}};
  course::Series truth{"sin x", {}, {}, "lines", {}}, fit{"network", {}, {}, "lines", {}};
  for (arma::uword i = 0; i < r.curve_x.n_elem; ++i) {
    truth.x.push_back(r.curve_x[i]);
    truth.y.push_back(std::sin(r.curve_x[i]));
    fit.x.push_back(r.curve_x[i]);
    fit.y.push_back(r.curve_y[i]);
  }
  course::PlotOptions o{"Regression with the mean squared error: 1-" +
                            std::to_string(c.reg_hidden) + "-1 tanh, test RMSE " +
                            course::fixed(r.rmse_test, 3) + " (noise sigma " +
                            course::fixed(c.noise, 2) + ")",
                        "x", "y"};
  o.extra = "set xrange [-3.2:3.2]";
  course::line_plot(common.out("regression.png"), o, {points, truth, fit});
}

/// The slowdown race: each cost at its best learning rate.
inline void plot(const SlowdownRace& race, const course::CommonOptions& common) {
  std::vector<course::Series> curves;
  for (bool quadratic : {true, false}) {
    const SlowdownRun& run = (quadratic ? race.quadratic : race.cross_entropy).best;
    course::Series s{
        std::string(quadratic ? "quadratic cost + sigmoid outputs" : "softmax + cross-entropy") +
            ", eta " + course::fixed(run.eta, 1),
        {},
        {},
        "linespoints",
        {}};
    for (std::size_t e = 0; e < run.accuracy.size(); ++e) {
      s.x.push_back(e);
      s.y.push_back(100 * run.accuracy[e]);
    }
    curves.push_back(s);
  }
  course::PlotOptions o{"Same bad start (N(0,1) weights), each cost at its best eta: " +
                            std::to_string(race.images) + " images",
                        "epoch", "training accuracy (%)"};
  o.extra = "set yrange [0:100]\nset xtics 1\nset key inside bottom right";
  course::line_plot(common.out("slowdown.png"), o, curves);
}

/// A confusion matrix, coloured up to twice the largest error count so that the mistakes show
/// (the diagonal saturates).
inline void plot_confusion(const Classifier& r, const course::CommonOptions& common) {
  const auto& names = course::dataset_info(r.dataset).class_names;
  course::PlotOptions o{pretty(r.dataset) +
                            " test set: true class (rows) vs predicted (columns), " +
                            course::percent(r.test_accuracy) + " correct",
                        "predicted", "true"};
  o.width = 760;
  o.height = 640;
  mlp::plot_confusion(common.out("confusion_" + r.dataset + ".png"), o, r.confusion, names);
}

/// Training loss per epoch of every dataset, and a confusion matrix per dataset.
inline void plot(const std::vector<Classifier>& results, const Config& c,
                 const course::CommonOptions& common) {
  std::vector<course::Series> losses;
  for (const auto& r : results) {
    course::Series s{pretty(r.dataset), {}, {}, "linespoints", {}};
    for (std::size_t e = 0; e < r.loss_per_epoch.size(); ++e) {
      s.x.push_back(e + 1);
      s.y.push_back(r.loss_per_epoch[e]);
    }
    losses.push_back(s);
    plot_confusion(r, common);
  }
  course::PlotOptions o{"Training loss (cross-entropy) per epoch, 784-" + std::to_string(c.hidden) +
                            "-10 " + c.activation,
                        "epoch", "mean cross-entropy over the epoch"};
  o.logy = true;
  course::line_plot(common.out("training_loss.png"), o, losses);
}

inline nlohmann::json summary(const CostRuns& cost, const SlowdownRace& race) {
  return {{"etas", race.etas},
          {"final_accuracy_by_eta", cost.final_by_eta},
          {"best_eta", cost.best.eta},
          {"best_accuracy_per_epoch", cost.best.accuracy}};
}

inline nlohmann::json summary(const Classifier& r) {
  std::vector<std::vector<arma::uword>> confusion;  // row i: true class i
  for (arma::uword i = 0; i < r.confusion.n_rows; ++i)
    confusion.push_back(arma::conv_to<std::vector<arma::uword>>::from(r.confusion.row(i)));
  return {{"train_images", r.n_train},
          {"test_images", r.n_test},
          {"test_correct", r.correct},
          {"test_accuracy", r.test_accuracy},
          {"train_accuracy", r.train_accuracy},
          {"loss_per_epoch", r.loss_per_epoch},
          {"confusion", confusion}};
}

/// The chapter's summary.json fields (the scaffold adds chapter, seed, full and the total time).
inline nlohmann::json summary(const Regression& reg, const SlowdownRace& race,
                              const std::vector<Classifier>& results, const Config& c) {
  std::string headline;
  for (const auto& r : results)
    headline +=
        (headline.empty() ? "" : ", ") + pretty(r.dataset) + " " + course::percent(r.test_accuracy);
  headline += " test (784-" + std::to_string(c.hidden) + "-10 " + c.activation +
              ", softmax + CE, " + std::to_string(c.epochs) + " epochs); sine RMSE " +
              course::fixed(reg.rmse_test, 3);
  nlohmann::json s = {
      {"headline", headline},
      {"regression",
       {{"noise", c.noise},
        {"hidden", c.reg_hidden},
        {"epochs", c.reg_epochs},
        {"rmse_train", reg.rmse_train},
        {"rmse_test", reg.rmse_test},
        {"rmse_predict_mean", reg.rmse_predict_mean},
        {"mse_first_epoch", reg.mse_per_epoch.front()},
        {"mse_last_epoch", reg.mse_per_epoch.back()}}},
      {"slowdown",
       {{"dataset", race.dataset},
        {"images", race.images},
        {"hidden", race.hidden},
        {"epochs", race.epochs},
        {"saturated_output_fraction", race.saturated},
        {"quadratic", summary(race.quadratic, race)},
        {"cross_entropy", summary(race.cross_entropy, race)}}},
      {"config",
       {{"dataset", c.dataset},
        {"hidden", c.hidden},
        {"activation", c.activation},
        {"epochs", c.epochs},
        {"eta", c.eta},
        {"batch_size", c.batch_size},
        {"decay_epochs", c.decay_epochs},
        {"train_size", c.train_size}}},
      {"timing_seconds", {{"regression", reg.seconds}, {"slowdown", race.seconds}}}};
  for (const auto& r : results) {
    s[r.dataset] = summary(r);
    s["timing_seconds"][r.dataset + "_total"] = r.seconds;
    s["timing_seconds"][r.dataset + "_median_epoch"] = course::median(r.epoch_seconds);
  }
  return s;
}

}  // namespace softmax_cross_entropy
