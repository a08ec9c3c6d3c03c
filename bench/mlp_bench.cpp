// Training-speed benchmark (./course bench): the course's own library on MNIST 784-100-10
// (ReLU, softmax + cross-entropy, SGD lr 0.1, float32), one epoch over the 60,000 training
// images per measurement, at batch sizes 10, 32 and 128: "ours" with the trainer's fast path
// (SGD fused into backward, batches gathered from the pixels kept as bytes: chapter 06's
// train.hpp), and the plain path the chapters run (floats).
//
// Beside it, the limit: the same epoch's matrix products alone (same shapes, same BLAS), and
// sgemm at 1024^3 for context. With --vs-pytorch it runs bench/pytorch_mlp.py on the identical
// workload after each of its own measurements and reports PyTorch / ours.
// Not a test: nothing here asserts, and no test is timed. Not a chapter either: it runs on
// course::run_main with the common flags, and writes only summary.json (no plots).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_tools.hpp"
#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "common/blas.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace {

using Mat = arma::fmat;

/// The benchmark's flags (besides the common ones).
struct Config {
  arma::uword epochs = 5;  ///< timed epochs per measurement
  std::vector<arma::uword> batches = {10, 32, 128};
  std::vector<int> thread_counts = {1, 2};  ///< BLAS threads to measure
  bool vs_pytorch = false;                  ///< also run bench/pytorch_mlp.py
  std::string script = "bench/pytorch_mlp.py";
};

using bench::Stats;
using bench::stats;

/// FLOPs of one training epoch of 784-H-10: forward W1 X, W2 A1; backward dW2, dA1, dW1.
double epoch_flops(arma::uword n, arma::uword H) {
  return 2.0 * n * (784.0 * H * 2 + H * 10.0 * 3);
}

/// One measurement: warm-up epoch, then `epochs` timed epochs of the real training loop.
struct Result {
  Stats seconds;
  double accuracy;
};

/// \param fast take the trainer's fast path (plain SGD fused into backward, train.hpp)
Result train_library(const course::ImageSet& train, const course::ImageSet& test, arma::uword batch,
                     arma::uword epochs, std::uint64_t seed, bool fast) {
  course::Rng rng(seed);
  mlp::Sequential<float> net;
  auto& d1 = net.add<mlp::Dense<float>>(784, 100, rng);
  net.add<mlp::ReLU<float>>();
  auto& d2 = net.add<mlp::Dense<float>>(100, 10, rng);
  d1.W /= std::sqrt(784.0f);  // a sane start; speed does not depend on it
  d2.W /= std::sqrt(100.0f);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::SGD<float> sgd(net.params(), 0.1);
  mlp::Trainer<float> trainer(net, loss, sgd, batch);
  trainer.fast_sgd = fast;
  if (fast && !trainer.fast_sgd_possible()) throw course::Error("bench: no fast path for this net");
  const Mat Y = course::one_hot<Mat>(train.labels, 10);
  // The fast path reads its batches from the pixels kept as bytes (the same floats, a quarter
  // of the memory traffic); the plain path from the float matrix, as the chapters do.
  const course::ByteExamples bytes = course::image_bytes(train);
  std::vector<double> times;
  for (arma::uword e = 0; e <= epochs; ++e) {
    course::Timer t;
    if (fast)
      trainer.train_epoch(bytes, Y, rng, e + 1);
    else
      trainer.train_epoch(train.X, Y, rng, e + 1);
    if (e > 0) times.push_back(t.seconds());  // epoch 0 is the warm-up
  }
  return {stats(times), mlp::accuracy(net, test.X, test.labels)};
}

/// The same epoch's matrix products and nothing else: the time the BLAS needs. With `data`
/// empty, every batch multiplies one fixed, cached X (the bare products); with the training set,
/// the batches are its consecutive columns, read from memory as training must read them (in
/// order, where the hardware prefetcher helps most: still a lower bound).
Stats gemm_only(const Mat& data, arma::uword n, arma::uword batch, arma::uword epochs) {
  const arma::uword H = 100;
  Mat X(784, batch, arma::fill::randu), W1(H, 784, arma::fill::randn), W2(10, H, arma::fill::randn);
  Mat Z1(H, batch), Z2(10, batch), d2(10, batch, arma::fill::randn),
      d1(H, batch, arma::fill::randn);
  Mat dW1(H, 784), dW2(10, H), dA1(H, batch);
  std::vector<double> times;
  for (arma::uword e = 0; e <= epochs; ++e) {
    course::Timer t;
    for (arma::uword first = 0; first < n; first += batch) {
      const Mat Xb = data.is_empty() ? course::column_view(X, 0, batch)  // a short last batch:
                                     : course::column_view(data, std::min(first, n - batch), batch);
      Z1 = W1 * Xb;       // forward, layer 1
      Z2 = W2 * Z1;       // forward, layer 2
      dW2 = d2 * Z1.t();  // backward, layer 2
      dA1 = W2.t() * d2;
      dW1 = d1 * Xb.t();  // backward, layer 1
    }
    if (e > 0) times.push_back(t.seconds());
  }
  return stats(times);
}

double sgemm_gflops() {
  const arma::uword N = 1024;
  Mat A(N, N, arma::fill::randu), B(N, N, arma::fill::randu), C(N, N);
  C = A * B;  // warm-up
  std::vector<double> times;
  for (int r = 0; r < 5; ++r) {
    course::Timer t;
    C = A * B;
    times.push_back(t.seconds());
  }
  return 2.0 * N * N * N / stats(times).median / 1e9;
}

/// Run bench/pytorch_mlp.py for one batch size; parse its one JSON line.
nlohmann::json run_pytorch(const std::string& script, arma::uword batch, arma::uword epochs,
                           int threads, const std::string& data_dir) {
  return bench::run_python(script, "--batch " + std::to_string(batch) + " --epochs " +
                                       std::to_string(epochs) + " --threads " +
                                       std::to_string(threads) + " --data " + data_dir);
}

/// One row of the table: the cells left-aligned in their columns, one space apart; the last
/// cell (PyTorch's) as it is.
void print_row(const std::vector<std::string>& cells) {
  const std::vector<int> widths = {5, 7, 26, 9, 8, 5, 18, 9, 16, 19};
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i < widths.size())
      std::cout << std::left << std::setw(widths[i]) << cells[i] << ' ';
    else
      std::cout << cells[i];
  }
  std::cout << "\n" << std::flush;
}

/// One measurement: our library and the GEMM limit at one batch size and thread count (and
/// PyTorch, when asked), as a row of summary.json; prints its row of the table.
nlohmann::json measure(const course::ImageSet& train, const course::ImageSet& test,
                       arma::uword batch, int threads, const Config& c,
                       const course::CommonOptions& common) {
  const Result plain = train_library(train, test, batch, c.epochs, common.seed, false);
  const Result ours = train_library(train, test, batch, c.epochs, common.seed, true);
  const Stats gemm = gemm_only(Mat(), train.X.n_cols, batch, c.epochs);
  const Stats gemm_data = gemm_only(train.X, train.X.n_cols, batch, c.epochs);
  const double n = static_cast<double>(train.X.n_cols);
  nlohmann::json row = {
      {"batch", batch},
      {"threads", threads},
      {"ours_seconds",
       {{"median", ours.seconds.median}, {"min", ours.seconds.min}, {"max", ours.seconds.max}}},
      {"plain_seconds",
       {{"median", plain.seconds.median}, {"min", plain.seconds.min}, {"max", plain.seconds.max}}},
      {"samples_per_second", n / ours.seconds.median},
      {"gflops", epoch_flops(train.X.n_cols, 100) / ours.seconds.median / 1e9},
      {"test_accuracy", ours.accuracy},
      {"plain_test_accuracy", plain.accuracy},
      {"gemm_only_seconds", gemm.median},
      {"ours_over_gemm", ours.seconds.median / gemm.median},
      {"plain_over_gemm", plain.seconds.median / gemm.median},
      {"gemm_on_data_seconds", gemm_data.median},
      {"ours_over_gemm_on_data", ours.seconds.median / gemm_data.median}};
  std::string torch_text;
  if (c.vs_pytorch) {
    const auto pt = run_pytorch(c.script, batch, c.epochs, threads,
                                course::dataset_dir("mnist", common.data_dir));
    row["pytorch"] = pt;
    row["pytorch_over_ours"] = pt["median"].get<double>() / ours.seconds.median;
    torch_text = course::fixed(pt["median"].get<double>(), 3) + std::string(12, ' ') +
                 course::fixed(row["pytorch_over_ours"].get<double>(), 2) + "x";
  }
  print_row({std::to_string(batch), std::to_string(threads),
             course::fixed(ours.seconds.median, 3) + " (" + course::fixed(ours.seconds.min, 3) +
                 "-" + course::fixed(ours.seconds.max, 3) + ")",
             course::fixed(row["samples_per_second"].get<double>(), 0),
             course::fixed(row["gflops"].get<double>(), 1), course::fixed(ours.accuracy, 3),
             course::fixed(gemm.median, 3), course::fixed(row["ours_over_gemm"].get<double>(), 2),
             course::fixed(gemm_data.median, 3) + " (" +
                 course::fixed(row["ours_over_gemm_on_data"].get<double>(), 2) + ")",
             course::fixed(plain.seconds.median, 3) + " (" +
                 course::fixed(row["plain_over_gemm"].get<double>(), 2) + ")",
             torch_text});
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Training-speed benchmark: the course's MLP library vs the GEMM limit (and PyTorch).",
      "bench_mlp"};
  course::CommonOptions common("bench");
  course::add_common_options(app, common);
  Config c;
  app.add_option("--epochs", c.epochs, "timed epochs per measurement (after one warm-up)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--batch", c.batches, "batch sizes")->check(CLI::Range(1, 60000));
  app.add_option("--bench-threads", c.thread_counts, "BLAS thread counts to measure")
      ->check(CLI::Range(1, 64));
  app.add_flag("--vs-pytorch", c.vs_pytorch, "also run bench/pytorch_mlp.py (needs python3-torch)");
  app.add_option("--pytorch-script", c.script, "path of pytorch_mlp.py")->capture_default_str();

  course::use_best_blas_kernel(argv);  // the kernel the chapters would run on
  return course::run_main(app, argc, argv, [&] {
    const course::BlasInfo blas = course::blas_info();
    const course::ImageSet train = course::load_images("mnist", "train", common.data_dir);
    const course::ImageSet test = course::load_images("mnist", "test", common.data_dir);
    std::cout << blas.line() << "\n";
    print_row({"batch", "threads", "ours: s/epoch (min-max)", "samples/s", "GFLOP/s", "acc",
               "GEMM-only s/epoch", "ours/GEMM", "on data (ours/)", "plain path (/GEMM)",
               c.vs_pytorch ? "PyTorch s/epoch  PyTorch/ours" : ""});
    nlohmann::json rows = nlohmann::json::array();
    for (const int threads : c.thread_counts) {
      course::set_blas_threads(threads);
      for (const arma::uword batch : c.batches)
        rows.push_back(measure(train, test, batch, threads, c, common));
    }
    course::set_blas_threads(1);
    const double peak = sgemm_gflops();
    std::cout << "sgemm 1024^3, 1 thread: " << course::fixed(peak, 1) << " GFLOP/s\n";
    course::write_summary(common.out_dir, {{"headline", "see rows"},
                                           {"rows", rows},
                                           {"sgemm_1024_gflops_1_thread", peak},
                                           {"epochs_timed", c.epochs},
                                           {"blas", blas.json()}});
    std::cout << "wrote " << common.out_dir << "/summary.json\n";
  });
}
