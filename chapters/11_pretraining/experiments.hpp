/// \file
/// \brief Chapter 11's experiments, one function each, in the lesson's order: the digits 0-4;
/// pretraining a 784-128-64-5 ReLU network on them; saving it as safetensors; the file's layout
/// as any reader sees it; a network rebuilt from the file alone, with the same logits to the
/// last bit. And, instead of all that (`--load`), scoring a checkpoint on the test digits 0-4.
///
/// Each experiment returns a plain struct; the plots and summary.json are report.hpp's.
/// What it leaves out on purpose: resuming training from a checkpoint (it holds no optimizer
/// state), and tasks other than the digits 0-4.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/class_subset.hpp"
#include "chapters/11_pretraining/pretrained.hpp"
#include "common/data.hpp"
#include "common/files.hpp"
#include "common/run.hpp"

/// \brief Chapter 11's experiments (the executable's code, not a library).
namespace pretraining {

using Mat = arma::fmat;              // training runs in float32
constexpr arma::uword kClasses = 5;  // digits 0-4

/// The chapter's knobs (the executable's flags), with their quick defaults.
struct Config {
  std::vector<arma::uword> hidden{128, 64};  ///< hidden layer widths
  arma::uword epochs = 2;                    ///< passes over the training digits
  arma::uword batch_size = 64;               ///< examples per mini-batch
  arma::uword n_train = 6000;                ///< training images of digits 0-4 (the first N)
  double eta = 1e-3;                         ///< Adam's rate, then a cosine down to 0
  std::string save_path;                     ///< also save the checkpoint here
  std::string load_path;                     ///< --load: score this checkpoint instead
};

// ---------------------------------------------------------------------------------------------
/// A checkpoint scored on the test digits 0-4 (`--load`).
struct Evaluation {
  std::string path;                ///< the checkpoint
  safetensors::Metadata metadata;  ///< its __metadata__
  arma::uword correct = 0, n = 0;  ///< test digits right, of n
  double accuracy = 0;             ///< correct / n
};

/// \brief `--load`: rebuild the network from the file alone and score it on the test digits 0-4;
/// an Error if it does not take 784 pixels or give 5 outputs.
inline Evaluation evaluate_checkpoint(const std::string& path, const std::string& data_dir) {
  auto loaded = mlp::build_from_checkpoint<float>(path);
  std::cout << "Loaded " << path << ": " << loaded.net.describe() << "\n";
  for (const auto& [k, v] : loaded.metadata) std::cout << "  " << k << ": " << v << "\n";
  const std::string arch = mlp::architecture(loaded.net);  // e.g. "784-128-64-5"
  if (arch.size() < 6 || arch.compare(0, 4, "784-") != 0 ||
      arch.compare(arch.size() - 2, 2, "-5") != 0)
    throw course::Error(path + ": the network is " + (arch.empty() ? "empty" : arch) +
                        "; scoring digits 0-4 needs 784 inputs and 5 outputs");
  const course::ImageSet test = mlp::digits_0_to_4("test", data_dir);
  Evaluation e{path, loaded.metadata, mlp::count_correct(loaded.net, test.X, test.labels),
               test.X.n_cols};
  e.accuracy = e.correct / double(e.n);
  std::cout << "Test accuracy on digits 0-4: " << e.correct << " / " << e.n << " = "
            << course::percent(e.accuracy) << "\n";
  return e;
}

// ---------------------------------------------------------------------------------------------
/// The pretraining task's images.
struct Digits {
  course::ImageSet train;  ///< (784 x n_train) training digits 0-4
  course::ImageSet test;   ///< (784 x 5139) every test digit 0-4
  Mat Y;                   ///< (5 x n_train) one-hot targets
};

/// \brief The digits 0-4: the first `n_train` training images of them, and all test images.
inline Digits load_digits(const Config& c, const std::string& data_dir) {
  // [data]
  // Digits 0-4 only: the pretraining task. Chapter 12 fine-tunes on digits 5-9.
  const course::ImageSet train = mlp::digits_0_to_4("train", data_dir, c.n_train);
  const course::ImageSet test = mlp::digits_0_to_4("test", data_dir);
  // [data]
  std::cout << "MNIST digits 0-4: " << train.X.n_cols << " training images, " << test.X.n_cols
            << " test images\n";
  return {train, test, course::one_hot<Mat>(train.labels, kClasses)};
}

/// The pretrained network and how it got there.
struct Pretrained {
  mlp::Sequential<float> net;      ///< 784-hidden-5, ReLU between
  Mat W1_init;                     ///< (h1 x 784) the first layer's weights before training
  std::vector<double> train_loss;  ///< mean loss, per epoch
  std::vector<double> train_acc;   ///< accuracy on the training digits, per epoch
  std::vector<double> test_acc;    ///< accuracy on the test digits, per epoch
  std::vector<double> epoch_seconds;
  Mat Z;                    ///< (5 x n_test) the trained network's logits
  arma::uvec predicted;     ///< (n_test) their argmax
  arma::uword correct = 0;  ///< test digits right
  double accuracy = 0;      ///< correct / n_test
};

/// \brief Pretrain: He-initialized ReLU network, softmax + cross-entropy, Adam with a cosine
/// from eta to 0; the accuracies after every epoch; the logits of the test digits at the end.
inline Pretrained pretrain(const Digits& d, const Config& c, std::uint64_t seed) {
  Pretrained p;
  course::Rng rng(seed);
  // [network]
  arma::uword n_in = 784;
  for (arma::uword h : c.hidden) {
    p.net.add<mlp::Dense<float>>(n_in, h, rng);  // W: (h x n_in)
    p.net.add<mlp::ReLU<float>>();
    n_in = h;
  }
  p.net.add<mlp::Dense<float>>(n_in, kClasses, rng);   // the head: 5 logits
  mlp::initialize(p.net, mlp::he_normal<float>, rng);  // W ~ N(0, 2/n_in), b = 0
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(p.net.params(), c.eta);
  mlp::Trainer<float> trainer(p.net, loss, adam, c.batch_size);
  const arma::uword steps = c.epochs * ((d.train.X.n_cols + c.batch_size - 1) / c.batch_size);
  mlp::follow(trainer, adam, mlp::CosineSchedule{c.eta, 0.0, steps});  // eta: cosine down to 0
  // [network]
  std::cout << p.net.describe() << ", " << p.net.n_params() << " parameters; Adam eta " << c.eta
            << " (cosine to 0), batch " << c.batch_size << ", " << c.epochs << " epochs\n";
  p.W1_init = *p.net.params().front().value;  // "0.weight", for the plot
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch) {
    course::Timer timer;
    course::Progress progress("images", d.train.X.n_cols);
    p.train_loss.push_back(trainer.train_epoch(d.train.X, d.Y, rng, epoch, &progress));
    p.epoch_seconds.push_back(timer.seconds());
    p.train_acc.push_back(mlp::accuracy(p.net, d.train.X, d.train.labels));
    p.test_acc.push_back(mlp::accuracy(p.net, d.test.X, d.test.labels));
    std::cout << "  epoch " << epoch << ": loss " << course::fixed(p.train_loss.back(), 4)
              << ", train " << course::percent(p.train_acc.back()) << ", test "
              << course::percent(p.test_acc.back()) << "\n";
  }
  p.Z = mlp::forward_eval(p.net, d.test.X);  // (5 x n_test)
  p.predicted = course::argmax_cols(p.Z);
  p.correct = arma::accu(p.predicted == d.test.labels);
  p.accuracy = p.correct / double(d.test.X.n_cols);
  std::cout << "Test accuracy on digits 0-4: " << p.correct << " / " << d.test.X.n_cols << " = "
            << course::percent(p.accuracy) << "\n";
  return p;
}

// ---------------------------------------------------------------------------------------------
/// \brief Save the network with what describes it (metadata: strings only) into the output
/// folder, and to `--save` when given. \return the paths written, the output folder's first
inline std::vector<std::string> save(Pretrained& p, const Digits& d, const Config& c,
                                     std::uint64_t seed, const course::CommonOptions& common) {
  // [save]
  // Everything needed to know what this file is, as strings (the format allows only strings).
  const arma::uword n_train = d.train.X.n_cols, n_test = d.test.X.n_cols;
  const safetensors::Metadata metadata = {
      {"dataset",
       "MNIST digits 0-4: " +
           (n_train == 30596 ? std::string("all 30596") : "the first " + std::to_string(n_train)) +
           " training images; tested on all " + std::to_string(n_test) + " test images of 0-4"},
      {"input", "784 pixels of a 28x28 image, row after row, scaled to [0, 1] (x / 255)"},
      {"output", "5 logits for the digits 0-4 (softmax + cross-entropy)"},
      {"training", "He init, Adam, eta " + course::fixed(c.eta, 4) + " cosine to 0, batch " +
                       std::to_string(c.batch_size) + ", " + std::to_string(c.epochs) + " epochs"},
      {"seed", std::to_string(seed)},
      {"test_accuracy", course::fixed(p.accuracy, 4)},
      {"test_correct", std::to_string(p.correct) + "/" + std::to_string(n_test)}};
  std::vector<std::string> paths = {common.out("mnist04_mlp.safetensors")};
  if (!c.save_path.empty()) paths.push_back(c.save_path);
  for (const auto& path : paths) mlp::save_checkpoint(p.net, path, metadata);
  // [save]
  for (const auto& path : paths)
    std::cout << "Saved " << path << " (" << std::filesystem::file_size(path) << " bytes)\n";
  return paths;
}

/// \brief Print a file's layout: the header length, then each tensor's dtype, shape and bytes,
/// read from the file's own header (what any reader sees).
inline void print_layout(const std::string& path) {
  const std::string bytes =
      course::read_file(path, safetensors::kMaxFileBytes, "a safetensors checkpoint");
  std::uint64_t N = 0;  // bytes 0-7, little-endian
  for (int k = 7; k >= 0; --k) N = (N << 8) | static_cast<unsigned char>(bytes.at(k));
  const auto j = nlohmann::json::parse(bytes.substr(8, N));
  std::cout << "  bytes 0-7: header length N = " << N << " (little-endian u64)\n"
            << "  bytes 8-" << 7 + N << ": JSON header; data from byte " << 8 + N << ":\n";
  std::vector<std::pair<std::uint64_t, std::string>> lines;
  for (const auto& [name, e] : j.items()) {
    if (name == "__metadata__") continue;
    const std::uint64_t b = e["data_offsets"][0], end = e["data_offsets"][1];
    const std::string shape = e["shape"].dump();
    lines.push_back({b, "    " + name +
                            std::string(10 - std::min<std::size_t>(9, name.size()), ' ') +
                            e["dtype"].get<std::string>() + " " + shape +
                            std::string(12 - std::min<std::size_t>(11, shape.size()), ' ') +
                            "data [" + std::to_string(b) + ", " + std::to_string(end) + ")"});
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) std::cout << l.second << "\n";
  std::cout << "  __metadata__ (strings only):\n";
  for (const auto& [k, v] : j["__metadata__"].items())
    std::cout << "    " << k << ": " << v.get<std::string>() << "\n";
}

/// \brief A new network from each file alone: the same logits as the saved one, to the last
/// bit? Prints one line per file. \return true when every file's logits are bit-identical
inline bool reload_is_identical(const std::vector<std::string>& paths, const Digits& d,
                                const Pretrained& p) {
  bool identical = true;
  // [reload]
  // A new network, built from nothing but the file: same logits, to the last bit?
  for (const auto& path : paths) {
    auto loaded = mlp::build_from_checkpoint<float>(path);
    const Mat Z2 = mlp::forward_eval(loaded.net, d.test.X);
    const bool same = Z2.n_elem == p.Z.n_elem &&
                      std::memcmp(Z2.memptr(), p.Z.memptr(), p.Z.n_elem * sizeof(float)) == 0;
    const arma::uword agree = arma::accu(course::argmax_cols(Z2) == p.predicted);
    std::cout << "Reloaded " << path << ": " << agree << " / " << d.test.X.n_cols
              << " predictions identical, logits bit-identical: " << (same ? "yes" : "NO") << "\n";
    identical = identical && same;
  }
  // [reload]
  return identical;
}

}  // namespace pretraining
