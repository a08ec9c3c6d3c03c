/// \file
/// \brief Chapter 14's experiments, one function each, in the lesson's order: the depth sweep
/// (every kind of network at every depth, the same budget), the gradient probe at the start,
/// one wide layer of the deepest network's size, and the verdict on the chapter's targets.
///
/// What it is: the script around deep_mlp.hpp and deep_probes.hpp. Each experiment returns a
/// plain struct; printing, plots and summary.json are in report.hpp.
/// What it leaves out on purpose: any other data than Fashion-MNIST, any other optimizer than
/// Adam with a cosine schedule.
#pragma once

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/14_going_deep/deep_mlp.hpp"
#include "chapters/14_going_deep/deep_probes.hpp"
#include "common/data.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

namespace going_deep {

using Mat = arma::fmat;  // training runs in float32
using course::MeanSd;
using mlp::Kind;

/// The chapter's knobs (flags), with the quick defaults.
struct Config {
  arma::uword width = 64;
  std::vector<arma::uword> depths = {2, 10, 50};
  std::vector<Kind> kinds = mlp::all_kinds();
  arma::uword epochs = 3;
  arma::uword seeds = 1;
  arma::uword train_size = 5000;
  arma::uword test_size = 2000;
  arma::uword batch_size = 128;
  double eta = 1e-3;
  arma::uword probe_images = 1000;
  bool unscaled = false;  // leave out the 1/sqrt(B) scale of the residual branches
};

/// Fashion-MNIST: the first train_size training images and the first test_size test images.
struct Data {
  course::ImageSet train, test;
  Mat Y_train, Y_test;  // (10 x n) one-hot targets
};

inline Data load_data(const course::CommonOptions& common, const Config& c) {
  Data d;
  d.train = course::load_images("fashion", "train", common.data_dir, c.train_size);
  d.test = course::load_images("fashion", "test", common.data_dir, c.test_size);
  d.Y_train = course::one_hot<Mat>(d.train.labels, 10);
  d.Y_test = course::one_hot<Mat>(d.test.labels, 10);
  return d;
}

/// Mean cross-entropy and accuracy of a network on a whole set, in evaluation mode.
struct Score {
  double loss = 0, accuracy = 0;
};

inline Score evaluate(mlp::Sequential<float>& net, const Mat& X, const Mat& Y,
                      const arma::uvec& labels) {
  const Mat Z = mlp::forward_eval(net, X, 2000);  // (10 x n) logits, in chunks of 2,000
  mlp::SoftmaxCrossEntropy<float> loss;
  return {double(loss.forward(Z, Y)), course::accuracy(Z, labels)};
}

/// One network (kind, depth, width) trained from one seed with the common budget.
struct Run {
  Kind kind = Kind::plain;
  arma::uword depth = 0, width = 0, n_params = 0;
  std::vector<double> epoch_loss;  // mean training loss of each epoch (while training)
  Score train, test;               // after the last epoch, evaluation mode
  double seconds = 0;
};

// [train_one]
/// Train one network: He init (+ 1/sqrt(B) on residual branches) from `seed`, Adam with a
/// cosine schedule to 0, batches in the order drawn from seed + 1: for one seed, every network
/// sees the same batches in the same order.
inline Run train_one(Kind kind, arma::uword depth, arma::uword width, const Data& d,
                     const Config& c, std::uint64_t seed) {
  course::Rng init_rng(seed), order_rng(seed + 1);
  mlp::Sequential<float> net =
      mlp::deep_mlp<float>(kind, depth, 784, width, 10, init_rng, !c.unscaled);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(net.params(), c.eta);
  mlp::Trainer<float> trainer(net, loss, adam, c.batch_size);
  const arma::uword batches = (d.train.X.n_cols + c.batch_size - 1) / c.batch_size;
  mlp::follow(trainer, adam, mlp::CosineSchedule{c.eta, 0.0, c.epochs * batches});
  Run r{kind, depth, width, net.n_params(), {}, {}, {}, 0};
  course::Timer timer;
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch)
    r.epoch_loss.push_back(trainer.train_epoch(d.train.X, d.Y_train, order_rng, epoch));
  r.seconds = timer.seconds();
  r.train = evaluate(net, d.train.X, d.Y_train, d.train.labels);
  r.test = evaluate(net, d.test.X, d.Y_test, d.test.labels);
  return r;
}
// [train_one]

/// Runs of one network over the seeds, and their mean and spread.
struct Cell {
  std::vector<Run> seeds;
  MeanSd loss() const {
    return stat([](const Run& r) { return r.train.loss; });
  }
  MeanSd accuracy() const {
    return stat([](const Run& r) { return r.test.accuracy; });
  }
  /// The mean over seeds of each epoch's training loss.
  std::vector<double> epoch_loss() const {
    std::vector<double> mean(seeds.front().epoch_loss.size(), 0.0);
    for (const Run& r : seeds)
      for (std::size_t e = 0; e < mean.size(); ++e)
        mean[e] += r.epoch_loss[e] / double(seeds.size());
    return mean;
  }
  template <class F>
  MeanSd stat(F f) const {
    std::vector<double> v;
    for (const Run& r : seeds) v.push_back(f(r));
    return course::mean_sd(v);
  }
};

/// Seeds seed, seed + 100, seed + 200 ... (each uses two generators: s and s + 1).
inline Cell train_seeds(Kind kind, arma::uword depth, arma::uword width, const Data& d,
                        const Config& c, std::uint64_t seed) {
  Cell cell;
  course::Progress progress(mlp::kind_name(kind) + " depth " + std::to_string(depth) + ", seeds",
                            c.seeds);
  for (arma::uword s = 0; s < c.seeds; ++s) {
    cell.seeds.push_back(train_one(kind, depth, width, d, c, seed + 100 * s));
    progress.update(s + 1);
  }
  return cell;
}

inline std::string plus_minus(const MeanSd& v, int decimals, double scale = 1.0) {
  return course::fixed(scale * v.mean, decimals) +
         (v.sd > 0 ? " +- " + course::fixed(scale * v.sd, decimals) : "");
}

inline void print_cell(const std::string& label, const Cell& cell) {
  const Run& r = cell.seeds.front();
  std::cout << "  " << std::left << std::setw(9) << label << std::right << " depth " << std::setw(3)
            << r.depth << " (" << std::setw(6) << r.n_params << " parameters): epoch losses";
  for (double l : cell.epoch_loss()) std::cout << " " << course::fixed(l, 3);
  std::cout << "; final training loss " << plus_minus(cell.loss(), 4) << ", test accuracy "
            << plus_minus(cell.accuracy(), 2, 100) << "%" << std::endl;
}

/// Experiment 1: every kind at every depth, width c.width.
struct Sweep {
  std::vector<Kind> kinds;
  std::vector<arma::uword> depths;
  std::vector<Cell> cells;  // kind-major: cells[k * depths.size() + i]
  const Cell& at(Kind kind, arma::uword depth) const {
    for (const Cell& cell : cells)
      if (cell.seeds.front().kind == kind && cell.seeds.front().depth == depth) return cell;
    throw course::Error("no run for " + mlp::kind_name(kind) + " at depth " +
                        std::to_string(depth));
  }
};

inline Sweep depth_sweep(const Data& d, const Config& c, std::uint64_t seed) {
  Sweep s{c.kinds, c.depths, {}};
  std::cout << "1. Depth sweep:\n";
  for (Kind kind : c.kinds)
    for (arma::uword depth : c.depths) {
      s.cells.push_back(train_seeds(kind, depth, c.width, d, c, seed));
      print_cell(mlp::kind_name(kind), s.cells.back());
    }
  return s;
}

/// Experiment 2: gradient norms of every Dense layer of the deepest network of each kind, at
/// initialization, averaged over probe_images training images (one batch, no update).
struct Probe {
  arma::uword depth = 0;
  std::vector<Kind> kinds;
  std::vector<std::vector<mlp::LayerGradientNorm>> norms;  // one list per kind
};

inline Probe gradient_probe(const Data& d, const Config& c, std::uint64_t seed) {
  Probe p{*std::max_element(c.depths.begin(), c.depths.end()), c.kinds, {}};
  const arma::uword m = std::min(c.probe_images, d.train.X.n_cols);
  const Mat X = d.train.X.head_cols(m), Y = d.Y_train.head_cols(m);
  for (Kind kind : c.kinds) {
    // [probe]
    course::Rng init_rng(seed);  // the same initial weights as the sweep's first seed
    auto net = mlp::deep_mlp<float>(kind, p.depth, 784, c.width, 10, init_rng, !c.unscaled);
    mlp::SoftmaxCrossEntropy<float> loss;
    p.norms.push_back(mlp::probe_every_dense(net, loss, X, Y));
    // [probe]
  }
  return p;
}

/// Experiment 3: one hidden layer, as wide as it takes to have the deepest network's size.
struct Wide {
  arma::uword deep_params = 0;
  Cell cell;
};

inline Wide wide_or_deep(const Data& d, const Config& c, std::uint64_t seed) {
  std::cout << "3. Wide or deep (one hidden layer with the deepest network's parameter count):\n";
  const arma::uword deepest = *std::max_element(c.depths.begin(), c.depths.end());
  course::Rng rng(seed);
  Wide w;
  w.deep_params = mlp::deep_mlp<float>(Kind::plain, deepest, 784, c.width, 10, rng).n_params();
  // 784 w + w + 10 w + 10 parameters at depth 2: w = (P - 10) / 795
  const arma::uword width = std::max<arma::uword>(2, (w.deep_params - 10 + 397) / 795);
  w.cell = train_seeds(Kind::plain, 2, width, d, c, seed);
  print_cell("wide " + std::to_string(width), w.cell);
  return w;
}

/// Experiment 4: the chapter's targets, read off the sweep (empty when a kind was not run).
struct Verdict {
  arma::uword shallow = 0, deepest = 0;
  std::optional<bool> degradation;  // deepest plain: over 10% more training loss than shallow plain
  std::optional<bool> removed;      // deepest pre-norm: no more training loss than the best shallow
};

inline Verdict verdict(const Sweep& s) {
  Verdict v;
  v.shallow = *std::min_element(s.depths.begin(), s.depths.end());
  v.deepest = *std::max_element(s.depths.begin(), s.depths.end());
  double best_shallow = 1e300;  // the best network at the smallest depth, any kind
  for (Kind kind : s.kinds)
    best_shallow = std::min(best_shallow, s.at(kind, v.shallow).loss().mean);
  for (Kind kind : s.kinds) {
    const double deep = s.at(kind, v.deepest).loss().mean;
    if (kind == Kind::plain) v.degradation = deep > 1.1 * s.at(kind, v.shallow).loss().mean;
    if (kind == Kind::pre_norm) v.removed = deep <= best_shallow;
  }
  return v;
}

}  // namespace going_deep
