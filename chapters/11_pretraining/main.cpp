// Chapter 11 executable: pretrain a 784-128-64-5 ReLU network on MNIST's digits 0-4, save it as
// a safetensors checkpoint, show what is inside the file, load it back into a freshly built
// network and check that the predictions are identical. With --load, evaluate a checkpoint
// instead (e.g. the one shipped in chapters/11_pretraining/pretrained/).
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/class_subset.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32
constexpr arma::uword kClasses = 5;  // digits 0-4

/// The network's output (logits) for every test image, in chunks.
Mat logits(mlp::Sequential<float>& net, const Mat& X) {
  net.set_training(false);
  Mat Z(kClasses, X.n_cols);
  for (arma::uword first = 0; first < X.n_cols; first += 5000) {
    const arma::uword m = std::min<arma::uword>(5000, X.n_cols - first);
    const Mat Xc(const_cast<float*>(X.colptr(first)), X.n_rows, m, false, true);
    Z.cols(first, first + m - 1) = net.forward(Xc);
  }
  net.set_training(true);
  return Z;
}

/// Print the file's layout: the header length, then each tensor's dtype, shape and bytes,
/// read from the file's own header (what any reader sees).
void print_layout(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  std::uint64_t N = 0;
  for (int k = 7; k >= 0; --k) N = (N << 8) | len[k];
  std::string header(N, ' ');
  in.read(header.data(), static_cast<std::streamsize>(N));
  const auto j = nlohmann::json::parse(header);
  std::cout << "  bytes 0-7: header length N = " << N << " (little-endian u64)\n"
            << "  bytes 8-" << 7 + N << ": JSON header; data from byte " << 8 + N << ":\n";
  std::vector<std::pair<std::uint64_t, std::string>> lines;
  for (const auto& [name, e] : j.items()) {
    if (name == "__metadata__") continue;
    const std::uint64_t b = e["data_offsets"][0], end = e["data_offsets"][1];
    std::string shape = e["shape"].dump();
    lines.push_back({b, "    " + name + std::string(10 - std::min<std::size_t>(9, name.size()), ' ') +
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 11: pretraining and checkpoints. Trains an MLP on MNIST digits 0-4, saves it\n"
               "as safetensors, reloads it and checks the predictions are identical.",
               "ch11_pretraining"};
  course::CommonOptions common("ch11_pretraining");
  course::add_common_options(app, common);
  std::vector<arma::uword> hidden{128, 64};
  arma::uword epochs = 2, batch_size = 64, n_train = 6000;
  double eta = 1e-3;
  std::string save_path, load_path;
  app.add_option("--hidden", hidden, "hidden layer widths, comma-separated")
      ->delimiter(',')->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--epochs", epochs, "epochs (--full: 10)")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--eta", eta, "Adam's learning rate")->check(course::positive())->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--train-size", n_train, "training images of digits 0-4 (--full: all 30,596)")
      ->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--save", save_path, "also save the checkpoint here (e.g. the shipped file)");
  app.add_option("--load", load_path, "evaluate this checkpoint on the digits 0-4 instead of training");

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--epochs")) epochs = 10;
      if (!app.count("--train-size")) n_train = 60000;
    }
    course::make_out_dir(common.out_dir);

    // --- --load: evaluate a checkpoint, nothing else.
    if (!load_path.empty()) {
      auto loaded = mlp::build_from_checkpoint<float>(load_path);
      std::cout << "Loaded " << load_path << ": " << loaded.net.describe() << "\n";
      for (const auto& [k, v] : loaded.metadata) std::cout << "  " << k << ": " << v << "\n";
      const std::string arch = mlp::architecture(loaded.net);  // e.g. "784-128-64-5"
      if (arch.size() < 6 || arch.compare(0, 4, "784-") != 0 || arch.compare(arch.size() - 2, 2, "-5") != 0)
        throw course::Error(load_path + ": the network is " + (arch.empty() ? "empty" : arch) +
                            "; scoring digits 0-4 needs 784 inputs and 5 outputs");
      const course::ImageSet test =
          mlp::select_classes(course::load_images("mnist", "test", common.data_dir), 0, 4);
      const arma::uvec predicted = course::argmax_cols(logits(loaded.net, test.X));
      const arma::uword ok = arma::accu(predicted == test.labels);
      const double acc = ok / double(test.X.n_cols);
      std::cout << "Test accuracy on digits 0-4: " << ok << " / " << test.X.n_cols << " = "
                << course::fixed(100 * acc, 2) << "%\n";
      course::write_summary(common.out_dir,
                            {{"chapter", "11_pretraining"},
                             {"headline", "checkpoint " + load_path + ": " + course::fixed(100 * acc, 2) +
                                              "% on the 0-4 test digits"},
                             {"checkpoint", load_path},
                             {"metadata", loaded.metadata},
                             {"test_correct", ok},
                             {"test_accuracy", acc},
                             {"timing_seconds", {{"total", total.seconds()}}}});
      return;
    }

    // [data]
    // Digits 0-4 only: the pretraining task. Chapter 12 fine-tunes on digits 5-9.
    const course::ImageSet train = mlp::select_classes(
        course::load_images("mnist", "train", common.data_dir), 0, 4, n_train);
    const course::ImageSet test =
        mlp::select_classes(course::load_images("mnist", "test", common.data_dir), 0, 4);
    // [data]
    std::cout << "MNIST digits 0-4: " << train.X.n_cols << " training images, " << test.X.n_cols
              << " test images\n";
    const Mat Y = course::one_hot<Mat>(train.labels, kClasses);  // (5 x n) targets

    // [network]
    course::Rng rng(common.seed);
    mlp::Sequential<float> net;
    arma::uword n_in = 784;
    for (arma::uword h : hidden) {
      net.add<mlp::Dense<float>>(n_in, h, rng);  // W: (h x n_in)
      net.add<mlp::ReLU<float>>();
      n_in = h;
    }
    net.add<mlp::Dense<float>>(n_in, kClasses, rng);  // the head: 5 logits
    mlp::initialize(net, mlp::he_normal<float>, rng);  // W ~ N(0, 2/n_in), b = 0
    mlp::SoftmaxCrossEntropy<float> loss;
    mlp::Adam<float> adam(net.params(), eta);
    mlp::Trainer<float> trainer(net, loss, adam, batch_size);
    const arma::uword steps = epochs * ((train.X.n_cols + batch_size - 1) / batch_size);
    mlp::follow(trainer, adam, mlp::CosineSchedule{eta, 0.0, steps});  // eta: cosine down to 0
    // [network]
    std::cout << net.describe() << ", " << net.n_params() << " parameters; Adam eta " << eta
              << " (cosine to 0), batch " << batch_size << ", " << epochs
              << " epochs\n";

    const Mat W1_init = dynamic_cast<mlp::Dense<float>&>(net.layer(0)).W;  // for the plot
    std::vector<double> train_loss, train_acc, test_acc;
    std::vector<double> epoch_seconds;
    for (arma::uword epoch = 1; epoch <= epochs; ++epoch) {
      course::Timer timer;
      course::Progress progress("images", train.X.n_cols);
      train_loss.push_back(trainer.train_epoch(train.X, Y, rng, epoch, &progress));
      epoch_seconds.push_back(timer.seconds());
      train_acc.push_back(course::accuracy(logits(net, train.X), train.labels));
      test_acc.push_back(course::accuracy(logits(net, test.X), test.labels));
      std::cout << "  epoch " << epoch << ": loss " << course::fixed(train_loss.back(), 4)
                << ", train " << course::fixed(100 * train_acc.back(), 2) << "%, test "
                << course::fixed(100 * test_acc.back(), 2) << "%\n";
    }
    const Mat Z = logits(net, test.X);  // (5 x n_test), the trained network's outputs
    const arma::uvec predicted = course::argmax_cols(Z);
    const arma::uword correct = arma::accu(predicted == test.labels);
    const double accuracy = correct / double(test.X.n_cols);

    // [save]
    // Everything needed to know what this file is, as strings (the format allows only strings).
    const safetensors::Metadata metadata = {
        {"dataset", "MNIST digits 0-4: " +
                        (train.X.n_cols == 30596 ? std::string("all 30596")
                                                 : "the first " + std::to_string(train.X.n_cols)) +
                        " training images; tested on all " + std::to_string(test.X.n_cols) +
                        " test images of 0-4"},
        {"input", "784 pixels of a 28x28 image, row after row, scaled to [0, 1] (x / 255)"},
        {"output", "5 logits for the digits 0-4 (softmax + cross-entropy)"},
        {"training", "He init, Adam, eta " + course::fixed(eta, 4) + " cosine to 0, batch " +
                         std::to_string(batch_size) + ", " + std::to_string(epochs) + " epochs"},
        {"seed", std::to_string(common.seed)},
        {"test_accuracy", course::fixed(accuracy, 4)},
        {"test_correct", std::to_string(correct) + "/" + std::to_string(test.X.n_cols)}};
    std::vector<std::string> paths = {common.out("mnist04_mlp.safetensors")};
    if (!save_path.empty()) paths.push_back(save_path);
    for (const auto& path : paths) mlp::save_checkpoint(net, path, metadata);
    // [save]
    std::cout << "Test accuracy on digits 0-4: " << correct << " / " << test.X.n_cols << " = "
              << course::fixed(100 * accuracy, 2) << "%\n";
    for (const auto& path : paths)
      std::cout << "Saved " << path << " (" << std::filesystem::file_size(path) << " bytes)\n";
    print_layout(paths.back());

    // [reload]
    // A new network, built from nothing but the file: same logits, to the last bit?
    bool identical = true;
    for (const auto& path : paths) {
      auto loaded = mlp::build_from_checkpoint<float>(path);
      const Mat Z2 = logits(loaded.net, test.X);
      const bool same = Z2.n_elem == Z.n_elem &&
                        std::memcmp(Z2.memptr(), Z.memptr(), Z.n_elem * sizeof(float)) == 0;
      const arma::uword agree = arma::accu(course::argmax_cols(Z2) == predicted);
      std::cout << "Reloaded " << path << ": " << agree << " / " << test.X.n_cols
                << " predictions identical, logits bit-identical: " << (same ? "yes" : "NO") << "\n";
      identical = identical && same;
    }
    // [reload]
    if (!identical) throw course::Error("the reloaded network's logits differ from the saved one's");

    if (!common.no_plots) {
      std::vector<double> ep;
      for (arma::uword e = 1; e <= epochs; ++e) ep.push_back(double(e));
      std::vector<double> tr, te;
      for (double a : train_acc) tr.push_back(100 * a);
      for (double a : test_acc) te.push_back(100 * a);
      course::PlotOptions o{"Pretraining on digits 0-4 (" + mlp::architecture(net) + " ReLU, Adam)",
                            "epoch", "accuracy (%)"};
      o.extra = "set yrange [*:100]";
      course::line_plot(common.out("accuracy_per_epoch.png"), o,
                        {{"train", ep, tr, "linespoints", {}}, {"test (5,139 images)", ep, te, "linespoints", {}}});

      const arma::umat C = course::confusion_matrix(test.labels, predicted, kClasses);
      const std::vector<std::string> names = {"0", "1", "2", "3", "4"};
      course::heatmap(common.out("confusion.png"),
                      {"Test digits 0-4: true (rows) vs predicted (columns)", "predicted", "true"},
                      arma::conv_to<arma::mat>::from(C), names, names);

      // What training wrote into the first layer: row j of W1 - W1(init) as a 28x28 image.
      // Weights of pixels that are 0 in every image (the border) get no gradient: they stay.
      const Mat dW1 = dynamic_cast<mlp::Dense<float>&>(net.layer(0)).W - W1_init;  // (h x 784)
      const arma::uword shown = std::min<arma::uword>(32, dW1.n_rows);
      const arma::mat images = arma::conv_to<arma::mat>::from(dW1.rows(0, shown - 1).t());
      std::vector<std::string> captions;
      for (arma::uword j = 0; j < shown; ++j) captions.push_back("unit " + std::to_string(j));
      course::image_grid(common.out("first_layer_change.png"),
                         {"What pretraining wrote into the first layer: W1 - W1(init), units 0-" +
                              std::to_string(shown - 1) + " (blue < 0 < red)", "", ""},
                         images, 28, 28, 8, captions, /*diverging=*/true);
    }

    std::vector<double> sorted = epoch_seconds;
    std::sort(sorted.begin(), sorted.end());
    nlohmann::json summary = {
        {"chapter", "11_pretraining"},
        {"headline", "digits 0-4: test accuracy " + course::fixed(100 * accuracy, 2) + "% (" +
                         std::to_string(correct) + "/" + std::to_string(test.X.n_cols) +
                         "); saved, reloaded: predictions " + (identical ? "identical" : "DIFFER")},
        {"seed", common.seed},
        {"full", common.full},
        {"config", {{"hidden", hidden}, {"eta", eta}, {"batch_size", batch_size},
                    {"epochs", epochs}, {"train_size", train.X.n_cols}}},
        {"architecture", mlp::architecture(net)},
        {"parameters", net.n_params()},
        {"train_loss_per_epoch", train_loss},
        {"train_accuracy_per_epoch", train_acc},
        {"test_accuracy_per_epoch", test_acc},
        {"test_correct", correct},
        {"test_images", test.X.n_cols},
        {"test_accuracy", accuracy},
        {"checkpoint", "mnist04_mlp.safetensors"},  // in the output folder
        {"also_saved_to", save_path},
        {"checkpoint_bytes", std::filesystem::file_size(paths.back())},
        {"reloaded_logits_bit_identical", identical},
        {"timing_seconds", {{"total", total.seconds()}, {"median_epoch", sorted[sorted.size() / 2]}}}};
    course::write_summary(common.out_dir, summary);
  });
}
