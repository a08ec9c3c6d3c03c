// Chapter 13 executable: LoRA on the pretrained MLP. Chapter 12's task (digits 5-9 from k
// labelled images per class, the same seeded subsets) learnt by a linear probe, by LoRA of ranks
// 1, 2, 4, 8, 16 on both hidden layers, and by full fine-tuning: test accuracy against the number
// of trainable parameters. Then, for one run: the adapter saved as its own small safetensors file,
// loaded back onto the base checkpoint (identical predictions), merged into plain Dense layers
// (the same outputs), the base weights checked bit for bit; and the singular values of what full
// fine-tuning changed. --tune picks the learning rates on held-out training images instead;
// --load-adapter evaluates an adapter file on the base.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>

#include "chapters/12_fine_tuning/task.hpp"
#include "chapters/13_lora/adapter.hpp"
#include "chapters/13_lora/compare.hpp"
#include "chapters/13_lora/lora_network.hpp"
#include "common/data.hpp"
#include "common/plot.hpp"
#include "common/run.hpp"

namespace {

using Mat = arma::fmat;  // training runs in float32
using mlp::Adaptation;

using course::MeanSd;  // mean and sample standard deviation (common/matrix.hpp)
using course::mean_sd;

std::string pct(double a) { return course::fixed(100 * a, 2); }

/// A rate as the tables print it: 0.01 -> "1e-02".
std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0e", x);
  return buf;
}

/// One method's runs at one k.
struct MethodRuns {
  Adaptation method;
  arma::uword trainable = 0;
  std::vector<double> accuracy;  // one per seed
  double seconds = 0;            // training time, all seeds
};

/// The network's logits (K x n) for every column of X, in eval mode.
Mat logits(mlp::Sequential<float>& net, const Mat& X) {
  net.set_training(false);
  Mat Z = net.forward(X);
  net.set_training(true);
  return Z;
}

double accuracy(mlp::Sequential<float>& net, const course::ImageSet& set) {
  return double(mlp::count_correct(net, set.X, set.labels)) / double(set.X.n_cols);
}

/// The trained networks one run leaves behind (kept for the adapter and spectrum checks).
struct Kept {
  mlp::Sequential<float> lora;  // LoRA of the adapter rank, seed 0
  mlp::Sequential<float> full;  // full fine-tune, seed 0
  bool has_lora = false, has_full = false;
};

/// Train one method on one subset and score it on `eval`. Seed s: head and batch order from
/// run_seed + 1000 s (as chapter 12), the A matrices from run_seed + 1000 s + 1.
double run_one(const Adaptation& method, const mlp::Rates& rates, const mlp::Recipe& recipe,
               const std::string& base, const mlp::TaskData& task, const course::ImageSet& train,
               const course::ImageSet& eval, std::uint64_t run_seed, arma::uword s,
               arma::uword* trainable, double* seconds, mlp::Sequential<float>* keep = nullptr) {
  // [run_one]
  course::Rng rng(run_seed + 1000 * s);     // the head's initial weights, then the batch order
  course::Rng rng_A(run_seed + 1000 * s + 1);
  auto tn = mlp::load_with_new_head<float>(base, task.n_classes, rng);
  auto p = mlp::prepare(std::move(tn), method, rates, rng_A);
  course::Timer timer;
  mlp::train_groups(p.net, p.groups, train.X, train.labels, task.n_classes, recipe, rng);
  // [run_one]
  *seconds += timer.seconds();
  *trainable = p.trainable;
  const double a = accuracy(p.net, eval);
  if (keep) *keep = std::move(p.net);
  return a;
}

std::vector<Adaptation> all_methods(const std::vector<arma::uword>& ranks) {
  std::vector<Adaptation> m = {{Adaptation::LinearProbe, 0}};
  for (arma::uword r : ranks) m.push_back({Adaptation::LoRA, r});
  m.push_back({Adaptation::FullFineTune, 0});
  return m;
}

/// Bit-for-bit equality of two float matrices.
bool same_bits(const Mat& a, const Mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(float)) == 0;
}

/// --tune: every method's rates on a grid, scored on validation images (never the test set).
nlohmann::json tune(const mlp::TaskData& task, const std::string& base, const mlp::Rates& rates0,
                    const mlp::Recipe& recipe, arma::uword k, arma::uword n_seeds,
                    arma::uword tune_rank, std::uint64_t run_seed, const std::string& out_dir) {
  const std::vector<double> head_grid = {1e-3, 3e-3, 1e-2, 3e-2}, body_grid = {1e-3, 3e-3, 1e-2, 3e-2},
                            probe_grid = {1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
  struct Row {
    std::string method;
    double head, other;
    MeanSd acc;
  };
  std::vector<Row> rows;
  // Chapter 12's validation set: 5,000 pool images that no training subset (k, seeds 0..n-1) uses.
  const mlp::TaskData val = mlp::with_validation_set(task, k, n_seeds, 5000);
  std::vector<course::ImageSet> trains;
  for (arma::uword s = 0; s < n_seeds; ++s) trains.push_back(mlp::few_shot_subset(task, k, s));
  const std::size_t total = probe_grid.size() + 2 * head_grid.size() * body_grid.size();
  course::Progress progress("configurations", total);
  auto score = [&](const Adaptation& m, const mlp::Rates& r) {
    std::vector<double> acc;
    arma::uword trainable = 0;
    double secs = 0;
    for (arma::uword s = 0; s < n_seeds; ++s)
      acc.push_back(run_one(m, r, recipe, base, task, trains[s], val.test, run_seed, s, &trainable, &secs));
    progress.update(rows.size() + 1);
    return mean_sd(acc);
  };
  for (double e : probe_grid) {
    mlp::Rates r = rates0;
    r.probe = e;
    rows.push_back({"linear probe", e, 0, score({Adaptation::LinearProbe, 0}, r)});
  }
  for (const Adaptation m : {Adaptation{Adaptation::LoRA, tune_rank}, Adaptation{Adaptation::FullFineTune, 0}})
    for (double h : head_grid)
      for (double b : body_grid) {
        mlp::Rates r = rates0;
        (m.kind == Adaptation::LoRA ? r.lora_head : r.full_head) = h;
        (m.kind == Adaptation::LoRA ? r.lora : r.full_body) = b;
        rows.push_back({m.name(), h, b, score(m, r)});
      }
  std::cout << "Validation accuracy % (" << val.test.X.n_cols << " training images outside every subset; k = "
            << k << ", mean +- sd over " << n_seeds << " subset seeds)\n";
  nlohmann::json j = nlohmann::json::array();
  std::string csv = "method,eta_head,eta_other,mean,sd\n";
  const std::string lora_name = Adaptation{Adaptation::LoRA, tune_rank}.name();
  for (const std::string& name : {std::string("linear probe"), lora_name, std::string("full fine-tune")}) {
    const Row* best = nullptr;
    for (const auto& row : rows)
      if (row.method == name && (!best || row.acc.mean > best->acc.mean)) best = &row;
    if (name == "linear probe") {
      std::cout << "  linear probe, by the head's rate:\n   ";
      for (const auto& row : rows)
        if (row.method == name) std::cout << "  " << sci(row.head) << ": " << pct(row.acc.mean);
      std::cout << "\n    best: head " << sci(best->head) << " -> " << pct(best->acc.mean) << "%\n";
      continue;
    }
    const std::string other = name == lora_name ? "A and B" : "the body";
    std::cout << "  " << name << ", rows: the rate of " << other << "; columns: the head's\n            ";
    for (double h : head_grid) std::cout << "  head " << sci(h);
    std::cout << "\n";
    for (double b : body_grid) {
      std::cout << "    " << sci(b) << "  ";
      for (double h : head_grid)
        for (const auto& row : rows)
          if (row.method == name && row.head == h && row.other == b)
            std::cout << "  " << pct(row.acc.mean) << " +- " << course::fixed(100 * row.acc.sd, 1);
      std::cout << "\n";
    }
    std::cout << "    best: head " << sci(best->head) << ", " << other << " " << sci(best->other) << " -> "
              << pct(best->acc.mean) << "%\n";
  }
  for (const auto& row : rows) {
    j.push_back({{"method", row.method}, {"eta_head", row.head}, {"eta_other", row.other},
                 {"mean", row.acc.mean}, {"sd", row.acc.sd}});
    csv += row.method + "," + sci(row.head) + "," + sci(row.other) + "," + std::to_string(row.acc.mean) +
           "," + std::to_string(row.acc.sd) + "\n";
  }
  course::write_file_atomic(out_dir + "/tune.csv", csv);
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 13: LoRA. Chapter 12's few-shot task (digits 5-9, k labels per class) learnt by\n"
               "a linear probe, LoRA of ranks 1..16 on the hidden layers, and full fine-tuning:\n"
               "accuracy vs trainable parameters; the adapter saved, reloaded and merged.",
               "ch13_lora"};
  course::CommonOptions common("ch13_lora");
  course::add_common_options(app, common);
  std::string base = mlp::default_pretrained_file(), load_adapter_path;
  std::vector<arma::uword> ks{100}, ranks{1, 2, 4, 8, 16};
  arma::uword n_seeds = 2, adapter_rank = 8;
  mlp::Rates rates;
  mlp::Recipe recipe;  // chapter 12's batch size and number of updates
  bool tune_mode = false;
  app.add_option("--base", base, "the base checkpoint (784 inputs), e.g. chapter 11's shipped file")
      ->capture_default_str();
  app.add_option("--k", ks, "labelled images per class, comma-separated; the first is the headline "
                            "(--full: 100,10,500)")
      ->delimiter(',')->check(CLI::Range(1, 5000))->capture_default_str();
  app.add_option("--seeds", n_seeds, "subset seeds per method and k (--full: 10; --tune: 5)")
      ->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--ranks", ranks, "LoRA ranks, comma-separated")
      ->delimiter(',')->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--alpha", rates.alpha, "LoRA's alpha: the update is scaled by alpha / r")
      ->check(course::positive())->capture_default_str();
  app.add_option("--eta-probe", rates.probe, "linear probe: the head's starting rate (Adam, cosine to 0)")
      ->check(course::positive())->capture_default_str();
  app.add_option("--eta-full-head", rates.full_head, "full fine-tune: the head's starting rate")
      ->check(course::positive())->capture_default_str();
  app.add_option("--eta-full-body", rates.full_body, "full fine-tune: the body's starting rate")
      ->check(course::positive())->capture_default_str();
  app.add_option("--eta-lora-head", rates.lora_head, "LoRA: the head's starting rate")
      ->check(course::positive())->capture_default_str();
  app.add_option("--eta-lora", rates.lora, "LoRA: the starting rate of A and B")
      ->check(course::positive())->capture_default_str();
  app.add_option("--adapter-rank", adapter_rank, "the rank whose adapter is saved, reloaded and merged "
                                                  "(one of --ranks)")
      ->check(CLI::Range(1, 64))->capture_default_str();
  app.add_flag("--tune", tune_mode, "choose the rates instead: a grid per method, scored on 5,000 "
                                    "held-out training images (not the test set)");
  app.add_option("--load-adapter", load_adapter_path,
                 "evaluate this adapter file on --base (digits 5-9) instead of training");

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    if (common.full) {
      if (!app.count("--k")) ks = {100, 10, 500};
      if (!app.count("--seeds")) n_seeds = 10;
    }
    if (tune_mode && !app.count("--seeds")) n_seeds = 5;
    for (std::size_t i = 1; i < ks.size(); ++i)  // drop repeated k values, keep the order
      if (std::find(ks.begin(), ks.begin() + long(i), ks[i]) != ks.begin() + long(i)) ks.erase(ks.begin() + long(i--));
    if (std::find(ranks.begin(), ranks.end(), adapter_rank) == ranks.end())
      throw course::UsageError("--adapter-rank: " + std::to_string(adapter_rank) +
                               " is not one of --ranks");
    course::make_out_dir(common.out_dir);

    // --- --load-adapter: put an adapter on the base, score it, nothing else.
    if (!load_adapter_path.empty()) {
      auto adapted = mlp::load_adapter<float>(base, load_adapter_path);
      std::cout << "Loaded " << load_adapter_path << " onto " << base << ":\n  "
                << adapted.net.describe() << "\n";
      for (const auto& [key, value] : adapted.metadata) std::cout << "  " << key << ": " << value << "\n";
      const mlp::TaskData task = mlp::load_digits_5_9(common.data_dir);
      const arma::uword ok = mlp::count_correct(adapted.net, task.test.X, task.test.labels);
      const double acc = double(ok) / double(task.test.X.n_cols);
      std::cout << "Test accuracy on digits 5-9: " << ok << " / " << task.test.X.n_cols << " = "
                << pct(acc) << "%\n";
      course::write_summary(common.out_dir,
                            {{"chapter", "13_lora"},
                             {"headline", "adapter " + load_adapter_path + " on " +
                                              std::filesystem::path(base).filename().string() + ": " +
                                              pct(acc) + "% on the 5-9 test digits"},
                             {"adapter", load_adapter_path},
                             {"base", base},
                             {"metadata", adapted.metadata},
                             {"test_correct", ok},
                             {"test_accuracy", acc},
                             {"timing_seconds", {{"total", total.seconds()}}}});
      return;
    }

    const mlp::TaskData task = mlp::load_digits_5_9(common.data_dir);
    std::cout << task.name << " (relabelled 0-4): pool of " << task.pool.X.n_cols << " training images, "
              << task.test.X.n_cols << " test images; base " << base << "\n";

    if (tune_mode) {
      const nlohmann::json grid = tune(task, base, rates, recipe, ks.front(), n_seeds, adapter_rank,
                                       common.seed, common.out_dir);
      course::write_summary(common.out_dir,
                            {{"chapter", "13_lora"},
                             {"headline", "--tune: learning rates per method on validation images, k = " +
                                              std::to_string(ks.front())},
                             {"seed", common.seed}, {"k", ks.front()}, {"seeds", n_seeds},
                             {"tune_rank", adapter_rank}, {"alpha", rates.alpha}, {"grid", grid},
                             {"timing_seconds", {{"total", total.seconds()}}}});
      return;
    }

    const std::vector<Adaptation> methods = all_methods(ranks);
    std::cout << "Methods: linear probe (head, eta " << rates.probe << "); LoRA r = ";
    for (std::size_t i = 0; i < ranks.size(); ++i) std::cout << (i ? ", " : "") << ranks[i];
    std::cout << " on both hidden layers (alpha " << rates.alpha << ", A and B eta " << rates.lora
              << ", head " << rates.lora_head << "); full fine-tune (body eta " << rates.full_body << ", head "
              << rates.full_head << ")\nAll: Adam, cosine to 0, batch " << recipe.batch_size
              << ", chapter 12's number of updates; the new head is trained by every method\n";

    // --- The comparison: every k, seed and method on the same subsets.
    std::map<arma::uword, std::vector<MethodRuns>> results;
    Kept kept;
    double train_seconds = 0;
    course::Progress progress("runs", ks.size() * n_seeds * methods.size());
    std::size_t done = 0;
    for (const arma::uword k : ks) {
      auto& runs = results[k];
      for (const auto& m : methods) runs.push_back({m, 0, {}, 0});
      for (arma::uword s = 0; s < n_seeds; ++s) {
        const course::ImageSet train = mlp::few_shot_subset(task, k, /*subset_seed=*/s);
        for (auto& run : runs) {
          mlp::Sequential<float>* keep = nullptr;
          if (k == ks.front() && s == 0 && run.method.kind == Adaptation::LoRA && run.method.rank == adapter_rank) {
            keep = &kept.lora;
            kept.has_lora = true;
          }
          if (k == ks.front() && s == 0 && run.method.kind == Adaptation::FullFineTune) {
            keep = &kept.full;
            kept.has_full = true;
          }
          run.accuracy.push_back(run_one(run.method, rates, recipe, base, task, train, task.test,
                                         common.seed, s, &run.trainable, &run.seconds, keep));
          progress.update(++done);
        }
      }
      const arma::uword n_full = runs.back().trainable;
      std::cout << "k = " << k << " per class (" << k * task.n_classes << " images, "
                << recipe.epochs(k * task.n_classes) << " epochs): test accuracy % on "
                << task.test.X.n_cols << " digits, mean +- sd over " << n_seeds << " seed" << (n_seeds > 1 ? "s" : "") << "\n"
                << "  method            trainable  of full   accuracy         s/run\n";
      for (const auto& run : runs) {
        const MeanSd a = mean_sd(run.accuracy);
        char line[160];
        std::snprintf(line, sizeof line, "  %-16s %10llu  %6.2f%%   %6.2f +- %4.2f   %5.2f", run.method.name().c_str(),
                      static_cast<unsigned long long>(run.trainable), 100.0 * double(run.trainable) / double(n_full),
                      100 * a.mean, 100 * a.sd, run.seconds / double(n_seeds));
        std::cout << line << "\n";
      }
      for (const auto& run : runs) train_seconds += run.seconds;
    }

    // --- The headline: the best rank with at most 10% of full fine-tuning's trainable numbers.
    const auto& head_runs = results.at(ks.front());
    const MethodRuns& full = head_runs.back();
    const double full_acc = mean_sd(full.accuracy).mean;
    const MethodRuns* best = nullptr;
    for (const auto& run : head_runs)
      if (run.method.kind == Adaptation::LoRA && 10 * run.trainable <= full.trainable &&
          (!best || mean_sd(run.accuracy).mean > mean_sd(best->accuracy).mean))
        best = &run;
    std::string headline;
    double gap = 0;
    if (best) {
      const double a = mean_sd(best->accuracy).mean;
      gap = 100 * (full_acc - a);
      headline = "k = " + std::to_string(ks.front()) + ": " + best->method.name() + " " + pct(a) + "% with " +
                 course::fixed(100.0 * double(best->trainable) / double(full.trainable), 1) +
                 "% of full fine-tuning's trainable parameters; full fine-tune " + pct(full_acc) + "% (" +
                 (gap <= 1.0 ? "within 1 point: " : "NOT within 1 point: ") + course::fixed(gap, 2) + " points)";
    } else {
      headline = "k = " + std::to_string(ks.front()) + ": no LoRA rank with <= 10% of full fine-tuning's "
                 "trainable parameters was run; full fine-tune " + pct(full_acc) + "%";
    }
    std::cout << headline << "\n";

    // --- One run (seed 0, the headline k) looked at closely.
    nlohmann::json checks;
    if (kept.has_lora) {
      // [adapter_round_trip]
      // The adapter alone, in its own file beside the base checkpoint.
      const std::string adapter = common.out("adapter_r" + std::to_string(adapter_rank) + ".safetensors");
      mlp::save_adapter(kept.lora, adapter, base,
                        {{"task", "MNIST digits 5-9 (relabelled 0-4), k = " + std::to_string(ks.front()) +
                                      " per class, subset seed 0"},
                         {"seed", std::to_string(common.seed)}});
      // Put it back on the base, rebuilt from the base file: the same logits, to the last bit?
      auto reloaded = mlp::load_adapter<float>(base, adapter);
      const Mat Z = logits(kept.lora, task.test.X);              // (5 x n_test)
      const bool reload_identical = same_bits(logits(reloaded.net, task.test.X), Z);
      // Merged: plain Dense layers with W = W0 + (alpha / r) B A.
      mlp::Sequential<float> merged = mlp::merged(kept.lora);
      const Mat Zm = logits(merged, task.test.X);
      const double merge_diff = double(arma::abs(Zm - Z).max());
      const arma::uword merge_agree = arma::accu(course::argmax_cols(Zm) == course::argmax_cols(Z));
      // The base weights after training: bit-identical to the file's?
      auto base_net = mlp::build_from_checkpoint<float>(base);
      bool base_identical = true;
      for (std::size_t l : mlp::lora_layers(kept.lora)) {
        const auto& lora = static_cast<const mlp::LoRADense<float>&>(kept.lora.layer(l));
        const auto& orig = dynamic_cast<const mlp::Dense<float>&>(base_net.net.layer(l));
        base_identical = base_identical && same_bits(lora.W0(), orig.W) && same_bits(lora.b0(), orig.b);
      }
      // [adapter_round_trip]
      const auto adapter_bytes = std::filesystem::file_size(adapter);
      const auto base_bytes = std::filesystem::file_size(base);
      std::cout << "Seed 0, LoRA r = " << adapter_rank << ":\n  adapter " << adapter << ": "
                << adapter_bytes << " bytes (" << course::fixed(100.0 * double(adapter_bytes) / double(base_bytes), 1)
                << "% of the base's " << base_bytes << "), base SHA-256 " << reloaded.metadata.at("base_sha256").substr(0, 16)
                << "...\n  reloaded onto the base: logits bit-identical: " << (reload_identical ? "yes" : "NO")
                << "\n  merged into Dense layers: largest logit difference " << merge_diff << ", "
                << merge_agree << " / " << Z.n_cols << " predictions identical\n"
                << "  base weights W0, b0 after training: bit-identical to the file: "
                << (base_identical ? "yes" : "NO") << "\n";
      if (!reload_identical || !base_identical)
        throw course::Error("the adapter round trip or the frozen base weights failed their check");
      checks = {{"adapter_file", std::filesystem::path(adapter).filename().string()},
                {"adapter_bytes", adapter_bytes},
                {"base_bytes", base_bytes},
                {"reloaded_logits_bit_identical", reload_identical},
                {"merged_max_logit_difference", merge_diff},
                {"merged_predictions_identical", merge_agree},
                {"base_weights_bit_identical", base_identical}};
    }

    // --- How low-rank is what full fine-tuning changed? Singular values of W - W0 per layer.
    nlohmann::json spectrum;
    std::vector<course::Series> energy_curves;
    if (kept.has_full) {
      auto base_net = mlp::build_from_checkpoint<float>(base);
      std::cout << "Full fine-tune, seed 0: share of ||W - W0||_F^2 in the top r singular directions\n";
      for (std::size_t l = 0; l + 1 < kept.full.size(); ++l) {
        const auto* d = dynamic_cast<const mlp::Dense<float>*>(&kept.full.layer(l));
        if (!d) continue;
        // [spectrum]
        const arma::mat dW = arma::conv_to<arma::mat>::from(
            d->W - dynamic_cast<const mlp::Dense<float>&>(base_net.net.layer(l)).W);  // (n_out x n_in)
        const arma::vec sigma = arma::svd(dW);                          // singular values, largest first
        const arma::vec energy = arma::cumsum(arma::square(sigma)) / arma::accu(arma::square(sigma));
        // [spectrum]
        course::Series c{"layer " + std::to_string(l) + ", " + d->describe(), {}, {}, "lines", {}};
        for (arma::uword i = 0; i < energy.n_elem; ++i) {
          c.x.push_back(double(i + 1));
          c.y.push_back(100 * energy[i]);
        }
        energy_curves.push_back(c);
        std::cout << "  layer " << l << " (" << d->describe() << ", rank <= " << sigma.n_elem << "):";
        nlohmann::json at;
        for (arma::uword r : ranks)
          if (r <= energy.n_elem) {
            std::cout << "  r = " << r << ": " << course::fixed(100 * energy[r - 1], 1) << "%";
            at[std::to_string(r)] = energy[r - 1];
          }
        std::cout << "\n";
        spectrum[std::to_string(l)] = {{"energy_in_top_r", at},
                                       {"singular_values", arma::conv_to<std::vector<double>>::from(sigma)}};
      }
      // For scale: a matrix of independent N(0, 1) numbers, the shape of layer 0, spreads its
      // squared norm almost evenly over its directions.
      course::Rng rng(common.seed);
      arma::mat noise(128, 784);
      course::fill_normal(noise, rng);
      const arma::vec sigma = arma::svd(noise);
      const arma::vec energy = arma::cumsum(arma::square(sigma)) / arma::accu(arma::square(sigma));
      course::Series c{"for scale: a random N(0, 1) matrix, 128 x 784", {}, {}, "lines", {}};
      for (arma::uword i = 0; i < energy.n_elem; ++i) {
        c.x.push_back(double(i + 1));
        c.y.push_back(100 * energy[i]);
      }
      energy_curves.push_back(c);
      std::cout << "  (a random 128 x 784 matrix: r = 8: " << course::fixed(100 * energy[7], 1) << "%, r = 16: "
                << course::fixed(100 * energy[15], 1) << "%)\n";
      spectrum["random_128x784"] = {{"energy_in_top_8", energy[7]}, {"energy_in_top_16", energy[15]}};
    }

    // --- Plots.
    if (!common.no_plots) {
      const double n_full = double(full.trainable);
      course::Series lora_curve{"LoRA, ranks " + std::to_string(ranks.front()) + "-" + std::to_string(ranks.back()) +
                                    " (both hidden layers + head)", {}, {}, "yerrorlines", {}};
      course::Series probe_pt{"linear probe (head only)", {}, {}, "yerrorlines", {}};
      course::Series full_pt{"full fine-tune (everything)", {}, {}, "yerrorlines", {}};
      std::string labels;
      double lo = 100, hi = 0;
      for (const auto& run : head_runs) {
        const MeanSd a = mean_sd(run.accuracy);
        course::Series& s = run.method.kind == Adaptation::LoRA ? lora_curve
                            : run.method.kind == Adaptation::LinearProbe ? probe_pt : full_pt;
        s.x.push_back(double(run.trainable));
        s.y.push_back(100 * a.mean);
        s.err.push_back(100 * a.sd);
        lo = std::min(lo, 100 * (a.mean - a.sd));
        hi = std::max(hi, 100 * (a.mean + a.sd));
        if (run.method.kind == Adaptation::LoRA)
          labels += "set label 'r = " + std::to_string(run.method.rank) + "' at " + std::to_string(run.trainable) +
                    "," + std::to_string(100 * a.mean) + " offset 0.7,0.8 font ',9'\n";
      }
      const double y_lo = std::floor(lo - 1), y_hi = std::ceil(hi + 1);
      course::Series band{"full fine-tune - 1 point", {200, 2e5}, {100 * full_acc - 1, 100 * full_acc - 1}, "lines", {}};
      course::Series ten{"10% of full fine-tune's parameters", {n_full / 10, n_full / 10}, {y_lo, y_hi}, "lines", {}};
      course::PlotOptions o{"Digits 5-9, k = " + std::to_string(ks.front()) + " per class: accuracy vs what is trained (mean +- sd, " +
                                std::to_string(n_seeds) + " seeds)",
                            "trainable parameters (log scale)", "test accuracy (%)"};
      o.logx = true;
      o.extra = labels + "set key inside bottom right vertical\nset xrange [200:2e5]\nset yrange [" + std::to_string(y_lo) + ":" +
                std::to_string(y_hi) + "]";
      course::line_plot(common.out("accuracy_vs_parameters.png"), o, {probe_pt, lora_curve, full_pt, band, ten});

      if (!energy_curves.empty()) {
        course::PlotOptions e{"What full fine-tuning changed: share of ||W - W0||^2 in the top r directions",
                              "number of singular directions r (log scale)", "share of the squared norm (%)"};
        e.logx = true;
        e.extra = "set key inside bottom right vertical\nset yrange [0:100]\nset xrange [1:128]";
        course::line_plot(common.out("update_spectrum.png"), e, energy_curves);
      }

      // Per k: each method minus full fine-tuning on the same subset (paired), in points.
      std::vector<course::Series> gaps;
      for (const arma::uword k : ks) {
        const auto& runs = results.at(k);
        course::Series c{"k = " + std::to_string(k) + " per class (full fine-tune " +
                             pct(mean_sd(runs.back().accuracy).mean) + "%)", {}, {}, "yerrorlines", {}};
        for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
          std::vector<double> d;
          for (std::size_t s = 0; s < runs[i].accuracy.size(); ++s)
            d.push_back(100 * (runs[i].accuracy[s] - runs.back().accuracy[s]));
          const MeanSd g = mean_sd(d);
          c.x.push_back(double(runs[i].trainable));
          c.y.push_back(g.mean);
          c.err.push_back(g.sd);
        }
        gaps.push_back(c);
      }
      gaps.push_back({"1 point below full fine-tuning", {200, 3e4}, {-1, -1}, "lines", {}});
      course::PlotOptions g{"Linear probe (left) and LoRA r = " + std::to_string(ranks.front()) + "-" +
                                std::to_string(ranks.back()) + " minus full fine-tuning, same subsets (mean +- sd)",
                            "trainable parameters (log scale)", "accuracy - full fine-tune (points)"};
      g.logx = true;
      g.extra = "set key inside bottom right vertical\nset xrange [200:3e4]";
      course::line_plot(common.out("gap_to_full.png"), g, gaps);
    }

    // --- summary.json
    nlohmann::json by_k;
    for (const auto& [k, runs] : results)
      for (const auto& run : runs) {
        const MeanSd a = mean_sd(run.accuracy);
        by_k[std::to_string(k)][run.method.name()] = {{"trainable", run.trainable},
                                                      {"mean", a.mean}, {"sd", a.sd}, {"runs", run.accuracy}};
      }
    nlohmann::json timing = {{"total", total.seconds()}, {"training", train_seconds}};
    for (const auto& run : head_runs) timing["per_run_" + run.method.name()] = run.seconds / double(n_seeds);
    nlohmann::json summary = {
        {"chapter", "13_lora"},
        {"headline", headline},
        {"seed", common.seed},
        {"full", common.full},
        {"base", std::filesystem::path(base).filename().string()},
        {"config", {{"k", ks}, {"seeds", n_seeds}, {"ranks", ranks}, {"alpha", rates.alpha},
                    {"eta_probe", rates.probe}, {"eta_full_head", rates.full_head},
                    {"eta_full_body", rates.full_body}, {"eta_lora_head", rates.lora_head}, {"eta_lora", rates.lora}, {"batch_size", recipe.batch_size},
                    {"min_epochs", recipe.min_epochs}, {"min_steps", recipe.min_steps}}},
        {"test_images", task.test.X.n_cols},
        {"results", by_k},
        {"headline_k", ks.front()},
        {"full_fine_tune_accuracy", full_acc},
        {"full_fine_tune_trainable", full.trainable},
        {"best_lora_within_10_percent", best ? nlohmann::json{{"rank", best->method.rank},
                                                              {"trainable", best->trainable},
                                                              {"accuracy", mean_sd(best->accuracy).mean},
                                                              {"gap_points", gap},
                                                              {"within_1_point", gap <= 1.0}}
                                             : nlohmann::json()},
        {"seed0_checks", checks},
        {"full_fine_tune_update_spectrum", spectrum},
        {"timing_seconds", timing}};
    course::write_summary(common.out_dir, summary);
  });
}
