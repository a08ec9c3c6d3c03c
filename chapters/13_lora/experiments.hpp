/// \file
/// \brief Chapter 13's experiments, one function each, in the lesson's order: chapter 12's task;
/// the comparison (linear probe, LoRA of every rank, full fine-tuning on every k and subset
/// seed); the best rank within 10% of full fine-tuning's trainable numbers; for one run, the
/// adapter saved, reloaded, merged and the frozen base checked; the singular values of what full
/// fine-tuning changed. And, instead (`--load-adapter`), an adapter file scored on its base.
///
/// Each experiment returns a plain struct; the tables, plots and summary.json are report.hpp's.
/// What it leaves out on purpose: choosing the rates (`--tune`, tune.hpp), and LoRA on the head.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "chapters/12_fine_tuning/task.hpp"
#include "chapters/13_lora/adapter.hpp"
#include "chapters/13_lora/compare.hpp"
#include "chapters/13_lora/lora_network.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

/// \brief Chapter 13's experiments (the executable's code, not a library).
namespace lora {

using Mat = arma::fmat;  // training runs in float32
using mlp::Adaptation;

/// The chapter's knobs (the executable's flags), with their quick defaults.
struct Config {
  std::string base = mlp::shipped_checkpoint();  ///< the base checkpoint (784 inputs)
  std::string load_adapter;                      ///< --load-adapter: score this adapter instead
  std::vector<arma::uword> ks{100};              ///< labelled images per class; the first: headline
  std::vector<arma::uword> ranks{1, 2, 4, 8, 16};  ///< LoRA ranks
  arma::uword n_seeds = 2;                         ///< subset seeds per method and k
  arma::uword adapter_rank = 8;  ///< the rank whose adapter is saved, reloaded and merged
  bool tune = false;             ///< --tune: choose the rates on validation images instead
  mlp::Rates rates;              ///< the starting rates, and alpha
  mlp::FewShotRecipe recipe;     ///< chapter 12's batch size and number of updates
};

/// \brief Drop repeated k values (keeping the order: the first is the headline); the adapter's
/// rank must be one of the ranks run (so the comparison always has its network to keep).
inline void settle(Config& c) {
  for (std::size_t i = 1; i < c.ks.size(); ++i)
    if (std::find(c.ks.begin(), c.ks.begin() + long(i), c.ks[i]) != c.ks.begin() + long(i))
      c.ks.erase(c.ks.begin() + long(i--));
  if (std::find(c.ranks.begin(), c.ranks.end(), c.adapter_rank) == c.ranks.end())
    throw course::UsageError("--adapter-rank: " + std::to_string(c.adapter_rank) +
                             " is not one of --ranks");
}

/// Bit-for-bit equality of two float matrices.
inline bool same_bits(const Mat& a, const Mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(float)) == 0;
}

// ---------------------------------------------------------------------------------------------
/// An adapter file scored on its base (`--load-adapter`).
struct AdapterScore {
  std::string adapter, base;       ///< the two files
  safetensors::Metadata metadata;  ///< the adapter's __metadata__
  arma::uword correct = 0;         ///< test digits 5-9 right
  double accuracy = 0;             ///< of the 4,861
};

/// \brief `--load-adapter`: put the adapter on the base, score it on the test digits 5-9.
inline AdapterScore evaluate_adapter(const Config& c, const std::string& data_dir) {
  auto adapted = mlp::load_adapter<float>(c.base, c.load_adapter);
  std::cout << "Loaded " << c.load_adapter << " onto " << mlp::checkpoint_name(c.base) << ":\n  "
            << adapted.net.describe() << "\n";
  for (const auto& [key, value] : adapted.metadata)
    std::cout << "  " << key << ": " << value << "\n";
  const mlp::TaskData task = mlp::load_digits_5_9(data_dir);
  AdapterScore r{c.load_adapter, c.base, adapted.metadata,
                 mlp::count_correct(adapted.net, task.test.X, task.test.labels)};
  r.accuracy = double(r.correct) / double(task.test.X.n_cols);
  std::cout << "Test accuracy on digits 5-9: " << r.correct << " / " << task.test.X.n_cols << " = "
            << course::percent(r.accuracy) << "\n";
  return r;
}

/// \brief Chapter 12's task: MNIST's digits 5-9, relabelled 0-4.
inline mlp::TaskData load_task(const Config& c, const std::string& data_dir) {
  mlp::TaskData task = mlp::load_digits_5_9(data_dir);
  std::cout << task.name << " (relabelled 0-4): pool of " << task.pool.X.n_cols
            << " training images, " << task.test.X.n_cols << " test images; base "
            << mlp::checkpoint_name(c.base) << "\n";
  return task;
}

// ---------------------------------------------------------------------------------------------
/// One trained network and its score.
struct Run {
  mlp::Sequential<float> net;  ///< the trained network
  arma::uword trainable = 0;   ///< numbers the optimizer was given
  double accuracy = 0;         ///< on the images scored
  double seconds = 0;          ///< training time
};

/// \brief Train one method on one subset and score it on `eval`. Subset seed s: head and batch
/// order from seed + 1000 s (as chapter 12), the A matrices from seed + 1000 s + 1.
inline Run run_one(const Adaptation& method, const Config& c, const mlp::TaskData& task,
                   const course::ImageSet& train, const course::ImageSet& eval, std::uint64_t seed,
                   arma::uword s) {
  const std::string& base = c.base;
  // [run_one]
  course::Rng rng(seed + 1000 * s);  // the head's initial weights, then the batch order
  course::Rng rng_A(seed + 1000 * s + 1);
  auto tn = mlp::load_with_new_head<float>(base, task.n_classes, rng);
  auto p = mlp::prepare(std::move(tn), method, c.rates, rng_A);
  course::Timer timer;
  mlp::train_groups(p.net, p.groups, train.X, train.labels, task.n_classes, c.recipe, rng);
  // [run_one]
  Run r{std::move(p.net), p.trainable, 0, timer.seconds()};
  r.accuracy = mlp::accuracy(r.net, eval.X, eval.labels);
  return r;
}

/// \brief The methods compared: the linear probe, LoRA of every rank, full fine-tuning.
inline std::vector<Adaptation> all_methods(const std::vector<arma::uword>& ranks) {
  std::vector<Adaptation> m = {{Adaptation::LinearProbe, 0}};
  for (arma::uword r : ranks) m.push_back({Adaptation::LoRA, r});
  m.push_back({Adaptation::FullFineTune, 0});
  return m;
}

/// One method's runs at one k.
struct MethodRuns {
  Adaptation method;             ///< which
  arma::uword trainable = 0;     ///< numbers trained
  std::vector<double> accuracy;  ///< one per subset seed
  double seconds = 0;            ///< training time, all seeds
};

/// What the comparison found, and the two networks of seed 0 at the headline k kept for a
/// closer look.
struct Comparison {
  std::map<arma::uword, std::vector<MethodRuns>> runs;  ///< per k, in all_methods() order
  mlp::Sequential<float> lora;  ///< LoRA of the adapter's rank, seed 0, headline k
  mlp::Sequential<float> full;  ///< full fine-tuning, seed 0, headline k
  double train_seconds = 0;     ///< all training
  /// The headline k's runs.
  const std::vector<MethodRuns>& headline(const Config& c) const { return runs.at(c.ks.front()); }
};

/// \brief Every k, subset seed and method, on the same subsets; keeps seed 0's LoRA network of
/// the adapter's rank and its fully fine-tuned network at the headline k.
inline Comparison compare_methods(const mlp::TaskData& task, const Config& c, std::uint64_t seed) {
  const std::vector<Adaptation> methods = all_methods(c.ranks);
  Comparison cmp;
  course::Progress progress("runs", c.ks.size() * c.n_seeds * methods.size());
  std::size_t done = 0;
  for (const arma::uword k : c.ks) {
    auto& runs = cmp.runs[k];
    for (const auto& m : methods) runs.push_back({m, 0, {}, 0});
    for (arma::uword s = 0; s < c.n_seeds; ++s) {
      const course::ImageSet train = mlp::few_shot_subset(task, k, /*subset_seed=*/s);
      for (auto& mr : runs) {
        Run r = run_one(mr.method, c, task, train, task.test, seed, s);
        mr.trainable = r.trainable;
        mr.accuracy.push_back(r.accuracy);
        mr.seconds += r.seconds;
        cmp.train_seconds += r.seconds;
        const bool kept_run = k == c.ks.front() && s == 0;
        if (kept_run && mr.method.kind == Adaptation::LoRA && mr.method.rank == c.adapter_rank)
          cmp.lora = std::move(r.net);
        else if (kept_run && mr.method.kind == Adaptation::FullFineTune)
          cmp.full = std::move(r.net);
        progress.update(++done);
      }
    }
  }
  return cmp;
}

/// The headline: the best LoRA rank with at most 10% of full fine-tuning's trainable numbers.
struct BestRank {
  const MethodRuns* best = nullptr;  ///< null when no rank that small was run
  const MethodRuns* full = nullptr;  ///< full fine-tuning at the headline k
  double full_accuracy = 0;          ///< its mean accuracy
  double gap = 0;                    ///< full - best, in points
  std::string headline;              ///< the sentence
};

/// \brief At the headline k: the LoRA rank with the highest mean accuracy among those with at
/// most a tenth of full fine-tuning's trainable numbers, and its gap to full fine-tuning.
inline BestRank best_small_rank(const Comparison& cmp, const Config& c) {
  const auto& runs = cmp.headline(c);
  BestRank b;
  b.full = &runs.back();
  b.full_accuracy = course::mean_sd(b.full->accuracy).mean;
  for (const auto& run : runs)
    if (run.method.kind == Adaptation::LoRA && 10 * run.trainable <= b.full->trainable &&
        (!b.best || course::mean_sd(run.accuracy).mean > course::mean_sd(b.best->accuracy).mean))
      b.best = &run;
  const std::string k = "k = " + std::to_string(c.ks.front()) + ": ";
  if (!b.best) {
    b.headline = k +
                 "no LoRA rank with <= 10% of full fine-tuning's trainable parameters was "
                 "run; full fine-tune " +
                 course::percent(b.full_accuracy);
    return b;
  }
  const double a = course::mean_sd(b.best->accuracy).mean;
  b.gap = 100 * (b.full_accuracy - a);
  b.headline = k + b.best->method.name() + " " + course::percent(a) + " with " +
               course::fixed(100.0 * double(b.best->trainable) / double(b.full->trainable), 1) +
               "% of full fine-tuning's trainable parameters; full fine-tune " +
               course::percent(b.full_accuracy) + " (" +
               (b.gap <= 1.0 ? "within 1 point: " : "NOT within 1 point: ") +
               course::fixed(b.gap, 2) + " points)";
  return b;
}

// ---------------------------------------------------------------------------------------------
/// The checks of seed 0's LoRA network.
struct AdapterChecks {
  std::string adapter;  ///< the adapter file written
  std::uintmax_t adapter_bytes = 0, base_bytes = 0;
  std::string base_sha256;             ///< as the adapter's metadata records it
  bool reload_identical = false;       ///< reloaded onto the base: bit-identical logits
  double merge_diff = 0;               ///< merged: the largest logit difference
  arma::uword merge_agree = 0, n = 0;  ///< merged: predictions identical, of n
  bool base_identical = false;         ///< W0, b0 after training: the file's, bit for bit
};

/// \brief The adapter alone in its own file, put back on the base, merged into plain Dense
/// layers; and the base weights after training compared with the file's. An Error if the round
/// trip or the frozen weights fail.
inline AdapterChecks adapter_round_trip(Comparison& cmp, const mlp::TaskData& task, const Config& c,
                                        std::uint64_t seed, const course::CommonOptions& common) {
  const std::string& base = c.base;
  mlp::Sequential<float>& lora = cmp.lora;
  AdapterChecks r;
  // [adapter_round_trip]
  // The adapter alone, in its own file beside the base checkpoint.
  r.adapter = common.out("adapter_r" + std::to_string(c.adapter_rank) + ".safetensors");
  mlp::save_adapter(lora, r.adapter, base,
                    {{"task", "MNIST digits 5-9 (relabelled 0-4), k = " +
                                  std::to_string(c.ks.front()) + " per class, subset seed 0"},
                     {"seed", std::to_string(seed)}});
  // Put it back on the base, rebuilt from the base file: the same logits, to the last bit?
  auto reloaded = mlp::load_adapter<float>(base, r.adapter);
  const Mat Z = mlp::forward_eval(lora, task.test.X);  // (5 x n_test)
  r.reload_identical = same_bits(mlp::forward_eval(reloaded.net, task.test.X), Z);
  // Merged: plain Dense layers with W = W0 + (alpha / r) B A.
  mlp::Sequential<float> merged = mlp::merged(lora);
  const Mat Zm = mlp::forward_eval(merged, task.test.X);
  r.merge_diff = double(arma::abs(Zm - Z).max());
  r.merge_agree = arma::accu(course::argmax_cols(Zm) == course::argmax_cols(Z));
  // The base weights after training: bit-identical to the file's?
  auto base_net = mlp::build_from_checkpoint<float>(base);
  r.base_identical = true;
  for (std::size_t l : mlp::lora_layers(lora)) {
    const auto& adapted = static_cast<const mlp::LoRADense<float>&>(lora.layer(l));
    const auto& orig = static_cast<const mlp::Dense<float>&>(base_net.net.layer(l));  // a target
    r.base_identical =
        r.base_identical && same_bits(adapted.W0(), orig.W) && same_bits(adapted.b0(), orig.b);
  }
  // [adapter_round_trip]
  r.n = Z.n_cols;
  r.base_sha256 = reloaded.metadata.at("base_sha256");
  r.adapter_bytes = std::filesystem::file_size(r.adapter);
  r.base_bytes = std::filesystem::file_size(base);
  return r;
}

/// How much of what full fine-tuning changed lies in a few directions, per layer.
struct Spectrum {
  /// Per hidden Dense layer: its index, description and the share of ||W - W0||_F^2 in the
  /// top r singular directions, r = 1, 2, ...
  struct Layer {
    std::size_t index = 0;
    std::string name;
    arma::vec sigma, energy;
  };
  std::vector<Layer> layers;  ///< the hidden layers (not the new head)
  arma::vec random_energy;    ///< the same for a random N(0, 1) matrix of layer 0's shape
};

/// \brief The singular values of W - W0 for every Dense layer below the head of seed 0's fully
/// fine-tuned network, and of a random 128 x 784 matrix for scale.
inline Spectrum update_spectrum(Comparison& cmp, const Config& c, std::uint64_t seed) {
  Spectrum s;
  auto base_net = mlp::build_from_checkpoint<float>(c.base);
  for (std::size_t l = 0; l + 1 < cmp.full.size(); ++l) {
    if (cmp.full.layer(l).kind() != "Dense") continue;
    const auto& d = static_cast<const mlp::Dense<float>&>(cmp.full.layer(l));
    const auto& d0 = static_cast<const mlp::Dense<float>&>(base_net.net.layer(l));  // same arch
    // [spectrum]
    const arma::mat dW = arma::conv_to<arma::mat>::from(d.W - d0.W);  // (n_out x n_in)
    const arma::vec sigma = arma::svd(dW);  // singular values, largest first
    const arma::vec energy = arma::cumsum(arma::square(sigma)) / arma::accu(arma::square(sigma));
    // [spectrum]
    s.layers.push_back({l, d.describe(), sigma, energy});
  }
  // For scale: a matrix of independent N(0, 1) numbers, the shape of layer 0, spreads its
  // squared norm almost evenly over its directions.
  course::Rng rng(seed);
  arma::mat noise(128, 784);
  course::fill_normal(noise, rng);
  const arma::vec sigma = arma::svd(noise);
  s.random_energy = arma::cumsum(arma::square(sigma)) / arma::accu(arma::square(sigma));
  return s;
}

}  // namespace lora
