/// \file
/// \brief Chapter 11's report: the three plots (PNG + CSV) and summary.json's fields, for the
/// pretraining run and for `--load`.
///
/// What it leaves out on purpose: any computing of results (that is experiments.hpp's).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/07_softmax_cross_entropy/confusion_plot.hpp"
#include "chapters/11_pretraining/experiments.hpp"
#include "common/matrix.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace pretraining {

/// \brief Accuracy per epoch, the confusion matrix of the test digits, and what training wrote
/// into the first layer.
inline void plot(Pretrained& p, const Digits& d, const course::CommonOptions& common) {
  std::vector<double> ep, tr, te;
  for (std::size_t e = 0; e < p.train_acc.size(); ++e) {
    ep.push_back(double(e + 1));
    tr.push_back(100 * p.train_acc[e]);
    te.push_back(100 * p.test_acc[e]);
  }
  course::PlotOptions o{"Pretraining on digits 0-4 (" + mlp::architecture(p.net) + " ReLU, Adam)",
                        "epoch", "accuracy (%)"};
  o.extra = "set yrange [*:100]";
  course::line_plot(
      common.out("accuracy_per_epoch.png"), o,
      {{"train", ep, tr, "linespoints", {}}, {"test (5,139 images)", ep, te, "linespoints", {}}});

  const arma::umat C = course::confusion_matrix(d.test.labels, p.predicted, kClasses);
  const std::vector<std::string> names = {"0", "1", "2", "3", "4"};
  mlp::plot_confusion(common.out("confusion.png"),
                      {"Test digits 0-4: true (rows) vs predicted (columns); colours up to twice "
                       "the largest error count",
                       "predicted", "true"},
                      C, names);

  // What training wrote into the first layer: row j of W1 - W1(init) as a 28x28 image.
  // Weights of pixels that are 0 in every image (the border) get no gradient: they stay.
  const Mat dW1 = *p.net.params().front().value - p.W1_init;  // (h1 x 784)
  const arma::uword shown = std::min<arma::uword>(32, dW1.n_rows);
  const arma::mat images = arma::conv_to<arma::mat>::from(dW1.rows(0, shown - 1).t());
  std::vector<std::string> captions;
  for (arma::uword j = 0; j < shown; ++j) captions.push_back("unit " + std::to_string(j));
  course::image_grid(common.out("first_layer_change.png"),
                     {"What pretraining wrote into the first layer: W1 - W1(init), units 0-" +
                          std::to_string(shown - 1) + " (blue < 0 < red)",
                      "", ""},
                     images, 28, 28, 8, captions, /*diverging=*/true);
}

/// \brief summary.json's chapter fields for the pretraining run.
inline nlohmann::json summary(Pretrained& p, const Digits& d, const Config& c,
                              const std::vector<std::string>& paths, bool identical) {
  const arma::uword n_test = d.test.X.n_cols;
  const arma::umat C = course::confusion_matrix(d.test.labels, p.predicted, kClasses);
  std::vector<std::vector<arma::uword>> confusion;
  for (arma::uword i = 0; i < C.n_rows; ++i)
    confusion.push_back(arma::conv_to<std::vector<arma::uword>>::from(C.row(i)));
  return {
      {"headline", "digits 0-4: test accuracy " + course::percent(p.accuracy) + " (" +
                       std::to_string(p.correct) + "/" + std::to_string(n_test) +
                       "); saved, reloaded: predictions " + (identical ? "identical" : "DIFFER")},
      {"config",
       {{"hidden", c.hidden},
        {"eta", c.eta},
        {"batch_size", c.batch_size},
        {"epochs", c.epochs},
        {"train_size", d.train.X.n_cols}}},
      {"architecture", mlp::architecture(p.net)},
      {"parameters", p.net.n_params()},
      {"train_loss_per_epoch", p.train_loss},
      {"train_accuracy_per_epoch", p.train_acc},
      {"test_accuracy_per_epoch", p.test_acc},
      {"test_correct", p.correct},
      {"test_images", n_test},
      {"test_accuracy", p.accuracy},
      {"test_errors", n_test - p.correct},
      {"confusion", confusion},                   // row i: true digit i, column j: predicted j
      {"checkpoint", "mnist04_mlp.safetensors"},  // in the output folder
      {"also_saved_to", c.save_path},
      {"checkpoint_bytes", std::filesystem::file_size(paths.back())},
      {"reloaded_logits_bit_identical", identical},
      {"timing_seconds", {{"median_epoch", course::median(p.epoch_seconds)}}}};
}

/// \brief summary.json's chapter fields for `--load`.
inline nlohmann::json summary(const Evaluation& e) {
  return {{"headline",
           "checkpoint " + e.path + ": " + course::percent(e.accuracy) + " on the 0-4 test digits"},
          {"checkpoint", e.path},
          {"metadata", e.metadata},
          {"test_correct", e.correct},
          {"test_accuracy", e.accuracy}};
}

}  // namespace pretraining
