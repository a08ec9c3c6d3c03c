// Chapter 16 executable: a small GPT pretrained on the Tang poems. The lesson's experiments,
// in order (each a function of experiments.cpp that returns a result struct):
//  1. the poems, split and encoded as chapter 15 does (same split, same vocabulary);
//  2. pretraining: AdamW, warm-up + cosine, clipping; the training curve; the checkpoint;
//  3. against chapter 15's model: parameters, FLOPs per token, perplexity;
//  4. attention: maps of every head on a real poem, and where each head looks, measured;
//  5. generation with temperature and top-k.
// Printing, plots and summary.json (report.cpp) only read the results.
#include "chapters/16_transformer/checkpoint.hpp"
#include "chapters/16_transformer/experiments.hpp"
#include "chapters/16_transformer/report.hpp"
#include "common/chapter.hpp"

using namespace ch16;

int main(int argc, char** argv) {
  course::Chapter chapter("16_transformer",
                          "Chapter 16: attention and a small GPT (Radford et al. 2018/2019),\n"
                          "pretrained on the Tang poems, against chapter 15's model.");
  Config c;
  chapter.knob("--d-model", c.d, "d, channels of the residual stream", 64)
      ->check(CLI::Range(2, 4096));
  chapter.knob("--layers", c.layers, "transformer blocks", 4)->check(CLI::Range(1, 64));
  chapter.option("--heads", c.heads, "attention heads per block (must divide --d-model)")
      ->check(CLI::Range(1, 64));
  chapter.knob("--context", c.context, "n_ctx: tokens per training window", 128)
      ->check(CLI::Range(2, 1024));
  chapter.knob("--batch-size", c.batch_size, "windows per step", 8)->check(CLI::Range(1, 4096));
  chapter.knob("--steps", c.steps, "training steps", 4000)->check(CLI::Range(2, 100000000));
  chapter.knob("--warmup", c.warmup, "warm-up steps (fewer than --steps)", 200)
      ->check(CLI::Range(1, 100000000));
  chapter.knob("--eta", c.eta, "peak learning rate (cosine decay to eta/10)", 0.006)
      ->check(course::positive());
  chapter.option("--weight-decay", c.lambda, "AdamW's decoupled weight decay")
      ->check(CLI::Range(0.0, 1.0));
  chapter.option("--clip", c.clip, "maximum global gradient norm (0: none)")
      ->check(CLI::Range(0.0, 1e6));
  chapter.knob("--evaluations", c.evaluations, "validation points on the training curve", 10)
      ->check(CLI::Range(1, 1000));
  chapter.knob("--eval-poems", c.eval_poems, "validation and test poems measured (0: all)", 0)
      ->check(CLI::Range(0, 1000000));
  chapter.list("--temperatures", c.temperatures, "sampling temperatures (0: greedy)")
      ->check(CLI::Range(0.0, 100.0));
  chapter.option("--top-k", c.top_k, "sample among the k most likely characters (0: all)")
      ->check(CLI::Range(0, 1000000));
  chapter.knob("--samples", c.samples, "poems per sampling setting", 6)
      ->check(CLI::Range(1, 10000));
  chapter.option("--max-chars", c.max_chars, "longest sample")->check(CLI::Range(1, 100000));
  chapter.option("--prompt", c.prompt, "characters every sample starts with");
  chapter.option("--min-count", c.min_count, "training count a character needs for its own id")
      ->check(CLI::Range(1, 1000000));
  chapter.option("--from-checkpoint", c.from_checkpoint,
                 "measure and sample a saved model instead of training (e.g. " +
                     gpt::shipped_checkpoint_name() + ")");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    if (c.d % c.heads != 0)
      throw course::UsageError("--heads " + std::to_string(c.heads) + " must divide --d-model " +
                               std::to_string(c.d));
    if (c.warmup >= c.steps)
      throw course::UsageError("--warmup " + std::to_string(c.warmup) + " must be below --steps " +
                               std::to_string(c.steps));
    // [table_of_contents]
    const Data d = load_data(common.data_dir, c, checkpoint_vocabulary(c.from_checkpoint));  // 1.
    Trained t = pretrain(d, c, common);                         // 2. pretrain (or load), measure
    const Comparison cmp = compare_with_nplm(t, d, c);          // 3. against chapter 15
    const AttentionStudy att = study_attention(t, d);           // 4. where the heads look
    const auto samples = generate_poems(t, d, c, common.seed);  // 5. temperature, top-k
    // [table_of_contents]
    print(d, t, cmp, att, samples, c);
    if (!common.no_plots) plot(t, cmp, att, common);
    return summary(d, t, cmp, att, samples, c);
  });
}
