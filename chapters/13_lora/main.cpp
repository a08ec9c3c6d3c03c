// Chapter 13 executable: LoRA on the pretrained MLP. Chapter 12's task (digits 5-9 from k
// labelled images per class, the same seeded subsets) learnt by a linear probe, by LoRA of ranks
// 1, 2, 4, 8, 16 on both hidden layers, and by full fine-tuning: test accuracy against the number
// of trainable parameters. The lesson's experiments, in order (experiments.hpp): the comparison;
// the best rank within 10% of full fine-tuning's trainable numbers; for one run, the adapter
// saved as its own small safetensors file, loaded back onto the base checkpoint, merged into
// plain Dense layers, the base weights checked bit for bit; the singular values of what full
// fine-tuning changed. Then the tables, plots and summary.json (report.hpp); --full also runs
// the grid of learning rates --tune runs. --tune picks the learning rates on held-out training
// images instead (tune.hpp); --load-adapter scores an adapter file on the base.

#include "chapters/13_lora/experiments.hpp"
#include "chapters/13_lora/report.hpp"
#include "chapters/13_lora/tune.hpp"
#include "common/chapter.hpp"

using namespace lora;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "13_lora",
      "Chapter 13: LoRA. Chapter 12's few-shot task (digits 5-9, k labels per class) learnt by\n"
      "a linear probe, LoRA of ranks 1..16 on the hidden layers, and full fine-tuning:\n"
      "accuracy vs trainable parameters; the adapter saved, reloaded and merged.");
  Config c;
  chapter.option("--base", c.base,
                 "the base checkpoint (784 inputs), e.g. chapter 11's shipped file");
  chapter
      .list_knob("--k", c.ks,
                 "labelled images per class, comma-separated; the first is the headline",
                 {100, 10, 500})
      ->check(CLI::Range(1, 5000));
  chapter.knob("--seeds", c.n_seeds, "subset seeds per method and k (--tune: 5)", 10)
      ->check(CLI::Range(1, 100));
  chapter.list("--ranks", c.ranks, "LoRA ranks, comma-separated")->check(CLI::Range(1, 64));
  chapter.option("--alpha", c.rates.alpha, "LoRA's alpha: the update is scaled by alpha / r")
      ->check(course::positive());
  chapter
      .option("--eta-probe", c.rates.probe,
              "linear probe: the head's starting rate (Adam, cosine to 0)")
      ->check(course::positive());
  chapter.option("--eta-full-head", c.rates.full_head, "full fine-tune: the head's starting rate")
      ->check(course::positive());
  chapter.option("--eta-full-body", c.rates.full_body, "full fine-tune: the body's starting rate")
      ->check(course::positive());
  chapter.option("--eta-lora-head", c.rates.lora_head, "LoRA: the head's starting rate")
      ->check(course::positive());
  chapter.option("--eta-lora", c.rates.lora, "LoRA: the starting rate of A and B")
      ->check(course::positive());
  chapter
      .option("--adapter-rank", c.adapter_rank,
              "the rank whose adapter is saved, reloaded and merged (one of --ranks)")
      ->check(CLI::Range(1, 64));
  chapter.app().add_flag("--tune", c.tune,
                         "choose the rates instead: a grid per method, scored on 5,000 held-out "
                         "training images (not the test set)");
  chapter.option("--load-adapter", c.load_adapter,
                 "evaluate this adapter file on --base (digits 5-9) instead of training");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) -> nlohmann::json {
    if (c.tune && !chapter.given("--seeds")) c.n_seeds = 5;
    settle(c);
    if (!c.load_adapter.empty()) return summary(evaluate_adapter(c, common.data_dir));
    const std::uint64_t seed = common.seed;
    const mlp::TaskData task = load_task(c, common.data_dir);  // chapter 12's task
    if (c.tune) {
      const std::vector<TuneRow> rows = tune_rates(task, c, seed);
      print(rows, c);
      return summary(rows, c, common);
    }
    // [toc]
    print_methods(c);
    Comparison cmp = compare_methods(task, c, seed);  // every method, k and subset seed
    print(cmp, c, task.n_classes, task.test.X.n_cols);
    const BestRank best = best_small_rank(cmp, c);  // the headline
    std::cout << best.headline << "\n";
    const AdapterChecks checks = adapter_round_trip(cmp, task, c, seed, common);  // seed 0
    print(checks, c);
    if (!checks.reload_identical || !checks.base_identical)
      throw course::Error("the adapter round trip or the frozen base weights failed their check");
    const Spectrum spectrum = update_spectrum(cmp, c, seed);  // what full fine-tuning changed
    print(spectrum, c);
    // [toc]
    if (!common.no_plots) {
      plot_accuracy(cmp, best, c, common);
      plot_spectrum(spectrum, common);
      plot_gaps(cmp, c, common);
    }
    nlohmann::json s = summary(cmp, best, checks, spectrum, c, task.test.X.n_cols);
    if (common.full) {  // the full run also records how the rates were chosen (--tune's grid)
      Config tc = c;
      tc.n_seeds = 5;
      const std::vector<TuneRow> rows = tune_rates(task, tc, seed);
      print(rows, tc);
      s["tune"] = summary(rows, tc, common);
    }
    return s;
  });
}
