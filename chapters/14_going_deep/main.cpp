// Chapter 14 executable: going deep. Fashion-MNIST MLPs of one width at several depths, three
// kinds (plain, residual, residual + pre-norm layer norm), the same training budget for each:
//  1. the depth sweep: training loss per epoch, final training loss and test accuracy per depth;
//  2. the gradient probe: ||dL/dW|| of every Dense layer of the deepest networks at the start;
//  3. wide or deep: one hidden layer as wide as it takes to match the deepest network's size;
//  4. the verdict: does the deepest plain network train worse than the shallow one (He et al.'s
//     degradation), and does the deepest residual + layer-norm one train at least as well?
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/14_going_deep/deep_mlp.hpp"
#include "chapters/14_going_deep/deep_probes.hpp"
#include "common/chapter.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"

namespace {

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

Data load_data(const course::CommonOptions& common, const Config& c) {
  Data d;
  d.train = course::load_images("fashion", "train", common.data_dir, c.train_size);
  d.test = course::load_images("fashion", "test", common.data_dir, c.test_size);
  d.Y_train = course::one_hot<Mat>(d.train.labels, 10);
  d.Y_test = course::one_hot<Mat>(d.test.labels, 10);
  return d;
}

void print(const Data& d, const Config& c) {
  std::cout << "Fashion-MNIST: " << d.train.X.n_cols << " training images, " << d.test.X.n_cols
            << " test images; width " << c.width << ", Adam (eta " << c.eta
            << ", cosine to 0), batch " << c.batch_size << ", " << c.epochs << " epochs, "
            << c.seeds << " seed(s)\n";
}

/// Mean cross-entropy and accuracy of a network on a whole set, in evaluation mode.
struct Score {
  double loss = 0, accuracy = 0;
};

Score evaluate(mlp::Sequential<float>& net, const Mat& X, const Mat& Y, const arma::uvec& labels) {
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
Run train_one(Kind kind, arma::uword depth, arma::uword width, const Data& d, const Config& c,
              std::uint64_t seed) {
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
Cell train_seeds(Kind kind, arma::uword depth, arma::uword width, const Data& d, const Config& c,
                 std::uint64_t seed) {
  Cell cell;
  course::Progress progress(mlp::kind_name(kind) + " depth " + std::to_string(depth) + ", seeds",
                            c.seeds);
  for (arma::uword s = 0; s < c.seeds; ++s) {
    cell.seeds.push_back(train_one(kind, depth, width, d, c, seed + 100 * s));
    progress.update(s + 1);
  }
  return cell;
}

std::string plus_minus(const MeanSd& v, int decimals, double scale = 1.0) {
  return course::fixed(scale * v.mean, decimals) +
         (v.sd > 0 ? " +- " + course::fixed(scale * v.sd, decimals) : "");
}

void print_cell(const std::string& label, const Cell& cell) {
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

Sweep depth_sweep(const Data& d, const Config& c, std::uint64_t seed) {
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

Probe gradient_probe(const Data& d, const Config& c, std::uint64_t seed) {
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

Wide wide_or_deep(const Data& d, const Config& c, std::uint64_t seed) {
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

Verdict verdict(const Sweep& s) {
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

std::string yes_no(const std::optional<bool>& b) {
  return b ? (*b ? "yes" : "no") : "not measured";
}

void print(const Probe& p) {
  std::cout << "2. ||dL/dW|| of each Dense layer at initialization, depth " << p.depth << ":\n";
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    const auto& n = p.norms[k];
    std::cout << "  " << std::left << std::setw(9) << mlp::kind_name(p.kinds[k]) << std::right
              << " stem " << course::fixed(n.front().dW_norm, 4) << ", layer 2 "
              << course::fixed(n[1].dW_norm, 4) << ", layer " << n.size() / 2 << " "
              << course::fixed(n[n.size() / 2 - 1].dW_norm, 4) << ", layer " << n.size() - 1 << " "
              << course::fixed(n[n.size() - 2].dW_norm, 4) << ", head "
              << course::fixed(n.back().dW_norm, 4) << "\n";
  }
}

void print(const Verdict& v, const Sweep& s) {
  std::cout << "4. Final training loss, depth " << v.shallow << " -> depth " << v.deepest << ":";
  for (Kind kind : s.kinds)
    std::cout << "  " << mlp::kind_name(kind) << " "
              << course::fixed(s.at(kind, v.shallow).loss().mean, 4) << " -> "
              << course::fixed(s.at(kind, v.deepest).loss().mean, 4);
  std::cout << "\n   degradation (deepest plain trains worse than shallow plain): "
            << yes_no(v.degradation)
            << "; removed (deepest pre-norm trains at least as well as the best shallow): "
            << yes_no(v.removed) << "\n";
}

/// A curve per kind of a statistic against depth, with the spread over seeds as error bars.
template <class F>
std::vector<course::Series> against_depth(const Sweep& s, F stat, double scale) {
  std::vector<course::Series> curves;
  for (Kind kind : s.kinds) {
    course::Series curve{mlp::kind_name(kind), {}, {}, "yerrorlines", {}};
    for (arma::uword depth : s.depths) {
      const MeanSd v = stat(s.at(kind, depth));
      curve.x.push_back(double(depth));
      curve.y.push_back(scale * v.mean);
      curve.err.push_back(scale * v.sd);
    }
    curves.push_back(curve);
  }
  return curves;
}

/// The mean training loss of each epoch of one cell, as a curve.
course::Series epoch_curve(const std::string& title, const Cell& cell) {
  course::Series curve{title, {}, {}, "linespoints", {}};
  const auto mean = cell.epoch_loss();
  for (std::size_t e = 0; e < mean.size(); ++e) {
    curve.x.push_back(double(e + 1));
    curve.y.push_back(mean[e]);
  }
  return curve;
}

void plot(const Sweep& s, const Probe& p, const Config& c, const course::CommonOptions& common) {
  const std::string budget = ", width " + std::to_string(c.width) + ", " +
                             std::to_string(c.epochs) + " epochs" +
                             (c.seeds > 1 ? ", mean of " + std::to_string(c.seeds) + " seeds" : "");
  for (Kind kind : s.kinds) {  // training loss per epoch, one curve per depth
    std::vector<course::Series> curves;
    for (arma::uword depth : s.depths)
      curves.push_back(epoch_curve("depth " + std::to_string(depth), s.at(kind, depth)));
    course::PlotOptions o{"Training loss per epoch: " + mlp::kind_name(kind) + budget, "epoch",
                          "mean training loss (cross-entropy)"};
    o.logy = true;
    course::line_plot(common.out("loss_" + mlp::kind_name(kind) + ".png"), o, curves);
  }
  // He et al.'s figure in miniature: the shallowest network against the deepest of each kind.
  const arma::uword shallow = *std::min_element(s.depths.begin(), s.depths.end());
  const arma::uword deepest = *std::max_element(s.depths.begin(), s.depths.end());
  std::vector<course::Series> ends = {
      epoch_curve(mlp::kind_name(s.kinds.front()) + ", depth " + std::to_string(shallow),
                  s.at(s.kinds.front(), shallow))};
  for (Kind kind : s.kinds)
    ends.push_back(epoch_curve(mlp::kind_name(kind) + ", depth " + std::to_string(deepest),
                               s.at(kind, deepest)));
  course::PlotOptions eo{"Training loss per epoch, shallowest against deepest" + budget, "epoch",
                         "mean training loss (cross-entropy)"};
  eo.logy = true;
  course::line_plot(common.out("loss_shallow_vs_deep.png"), eo, ends);
  course::PlotOptions lo{"Final training loss against depth" + budget, "depth (Dense layers)",
                         "training loss (cross-entropy)"};
  lo.logy = true;
  course::line_plot(common.out("train_loss_vs_depth.png"), lo,
                    against_depth(
                        s, [](const Cell& cell) { return cell.loss(); }, 1.0));
  course::line_plot(
      common.out("test_accuracy_vs_depth.png"),
      {"Test accuracy against depth" + budget, "depth (Dense layers)", "test accuracy (%)"},
      against_depth(
          s, [](const Cell& cell) { return cell.accuracy(); }, 100.0));
  std::vector<course::Series> g;  // gradient norm per layer at initialization
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    course::Series curve{mlp::kind_name(p.kinds[k]), {}, {}, "linespoints", {}};
    for (const auto& n : p.norms[k]) {
      curve.x.push_back(double(n.layer + 1));
      curve.y.push_back(n.dW_norm);
    }
    g.push_back(curve);
  }
  course::PlotOptions go{
      "||dL/dW|| of each Dense layer at initialization, depth " + std::to_string(p.depth),
      "Dense layer (1 = stem, " + std::to_string(p.depth) + " = head)", "||dL/dW||_F"};
  go.logy = true;
  course::line_plot(common.out("gradient_norms.png"), go, g);
}

nlohmann::json to_json(const Cell& cell) {
  const Run& r = cell.seeds.front();
  nlohmann::json per_seed = nlohmann::json::array();
  for (const Run& run : cell.seeds)
    per_seed.push_back({{"epoch_training_loss", run.epoch_loss},
                        {"final_training_loss", run.train.loss},
                        {"training_accuracy", run.train.accuracy},
                        {"test_loss", run.test.loss},
                        {"test_accuracy", run.test.accuracy}});
  return {{"kind", mlp::kind_name(r.kind)},
          {"depth", r.depth},
          {"width", r.width},
          {"parameters", r.n_params},
          {"final_training_loss", cell.loss().mean},
          {"final_training_loss_sd", cell.loss().sd},
          {"test_accuracy", cell.accuracy().mean},
          {"test_accuracy_sd", cell.accuracy().sd},
          {"seeds", per_seed}};
}

nlohmann::json summary(const Sweep& s, const Probe& p, const Wide& w, const Verdict& v,
                       const Config& c) {
  nlohmann::json cells = nlohmann::json::array(), probe, seconds = nlohmann::json::array();
  for (const Cell& cell : s.cells) {
    cells.push_back(to_json(cell));
    for (const Run& r : cell.seeds) seconds.push_back(r.seconds);
  }
  for (std::size_t k = 0; k < p.kinds.size(); ++k) {
    std::vector<double> dW;
    for (const auto& n : p.norms[k]) dW.push_back(n.dW_norm);
    probe[mlp::kind_name(p.kinds[k])] = dW;
  }
  std::vector<std::string> kinds;
  for (Kind k : c.kinds) kinds.push_back(mlp::kind_name(k));
  std::ostringstream headline;
  headline << "training loss, depth " << v.shallow << " -> " << v.deepest << ":";
  for (Kind kind : s.kinds)
    headline << " " << mlp::kind_name(kind) << " "
             << course::fixed(s.at(kind, v.shallow).loss().mean, 3) << " -> "
             << course::fixed(s.at(kind, v.deepest).loss().mean, 3);
  if (v.degradation) headline << "; degradation " << (*v.degradation ? "shown" : "not shown");
  if (v.removed)
    headline << (*v.removed ? ", removed" : ", not removed") << " by residual + layer norm";
  return {
      {"headline", headline.str()},
      {"config",
       {{"width", c.width},
        {"depths", c.depths},
        {"kinds", kinds},
        {"epochs", c.epochs},
        {"seeds", c.seeds},
        {"train_size", c.train_size},
        {"test_size", c.test_size},
        {"batch_size", c.batch_size},
        {"eta", c.eta},
        {"probe_images", c.probe_images},
        {"optimizer", "Adam, cosine schedule to 0"},
        {"init", c.unscaled ? "He normal"
                            : "He normal; last Dense of each residual branch / sqrt(blocks)"}}},
      {"sweep", cells},
      {"gradient_norms_at_init", {{"depth", p.depth}, {"dW_norm", probe}}},
      {"wide_or_deep", {{"deep_parameters", w.deep_params}, {"wide", to_json(w.cell)}}},
      {"degradation", v.degradation ? nlohmann::json(*v.degradation) : nlohmann::json()},
      {"removed_by_residual_layer_norm", v.removed ? nlohmann::json(*v.removed) : nlohmann::json()},
      {"timing_seconds", {{"runs", seconds}}}};
}

/// A CLI11 check of one depth: an even number from 2 to 1000 (stem, two Dense per block, head).
CLI::Validator even_depth() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const long v = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || v < 2 || v > 1000 || v % 2 != 0)
          return "expected even depths from 2 to 1000 like 2,10,50, found '" + value + "'";
        return "";
      },
      "EVEN");
}

/// A CLI11 check of one network kind.
CLI::Validator kind_name() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        for (Kind k : mlp::all_kinds())
          if (mlp::kind_name(k) == value) return "";
        return "expected plain, residual or pre_norm, found '" + value + "'";
      },
      "KIND");
}

}  // namespace

int main(int argc, char** argv) {
  course::Chapter chapter(
      "14_going_deep",
      "Chapter 14: going deep. Plain, residual and residual + layer-norm MLPs of\n"
      "one width at several depths on Fashion-MNIST, trained with the same budget.");
  Config c;
  std::vector<std::string> kinds = {"plain", "residual", "pre_norm"};
  chapter.option("--width", c.width, "units of every hidden layer")->check(CLI::Range(2, 4096));
  chapter
      .list_knob("--depths", c.depths, "depths (Dense layers), even",
                 std::vector<arma::uword>{2, 4, 8, 16, 32, 50})
      ->check(even_depth());
  chapter.list("--kinds", kinds, "networks: plain, residual, pre_norm")->check(kind_name());
  chapter.knob("--epochs", c.epochs, "epochs per network", 10)->check(CLI::Range(1, 1000));
  chapter.knob("--seeds", c.seeds, "runs per network, from seeds seed, seed+100, ...", 3)
      ->check(CLI::Range(1, 100));
  chapter.knob("--train-size", c.train_size, "training images, the first N of 60,000", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.knob("--test-size", c.test_size, "test images, the first N of 10,000", 10000)
      ->check(CLI::Range(1, 10000));
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter.option("--eta", c.eta, "Adam's learning rate at the start of the cosine schedule")
      ->check(course::positive());
  chapter
      .option("--probe-images", c.probe_images, "training images the gradient probe averages over")
      ->check(CLI::Range(1, 60000));
  chapter.app().add_flag("--unscaled", c.unscaled,
                         "leave out the 1/sqrt(blocks) scale of the residual branches");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    c.kinds.clear();
    for (const std::string& k : kinds) c.kinds.push_back(mlp::parse_kind(k));
    const Data d = load_data(common, c);
    print(d, c);
    const Sweep sweep = depth_sweep(d, c, common.seed);     // 1. every kind at every depth
    const Probe probe = gradient_probe(d, c, common.seed);  // 2. gradients at the start
    print(probe);
    const Wide wide = wide_or_deep(d, c, common.seed);  // 3. one wide layer, same size
    const Verdict v = verdict(sweep);                   // 4. the chapter's targets
    print(v, sweep);
    if (!common.no_plots) plot(sweep, probe, c, common);
    return summary(sweep, probe, wide, v, c);
  });
}
