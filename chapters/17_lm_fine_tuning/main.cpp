// Chapter 17 executable: fine-tuning chapter 16's pretrained GPT on a new domain, the Song ci.
// The lesson's experiments, in order (each a function of experiments.cpp that returns a result):
//  1. the base model, and the ci made readable to it (OpenCC), split and encoded;
//  2. every way of adapting it, over seeds: as is, full, head only, LoRA (attention, every
//     linear layer) at each rank, from scratch; scored on the ci and on the Tang poems;
//  3. what the adapted models write;
//  4. the same choices on GPT-2 and a 7B model, on paper.
// Printing, plots and summary.json (report.cpp) only read the results.
#include <algorithm>

#include "chapters/17_lm_fine_tuning/experiments.hpp"
#include "chapters/17_lm_fine_tuning/report.hpp"
#include "common/chapter.hpp"
#include "common/files.hpp"

using namespace ch17;

int main(int argc, char** argv) {
  course::Chapter chapter("17_lm_fine_tuning",
                          "Chapter 17: fine-tuning the Tang GPT of chapter 16 on the Song ci:\n"
                          "full, head only, LoRA (Hu et al. 2021) at ranks 1-16, from scratch.");
  Config c;
  c.base = gpt::shipped_checkpoint();
  chapter.option("--base", c.base, "the pretrained checkpoint (chapter 16's format)");
  chapter.option("--songci-data", c.songci_data, "folder of the ci.song.*.json files");
  chapter.knob("--train-ci", c.train_ci, "training ci (0: all 16,842)", 2000)
      ->check(CLI::Range(0, 1000000));
  chapter.knob("--eval-ci", c.eval_ci, "validation and test ci measured (0: all)", 500)
      ->check(CLI::Range(0, 1000000));
  chapter.knob("--eval-poems", c.eval_poems, "Tang validation poems measured (0: all)", 500)
      ->check(CLI::Range(0, 1000000));
  chapter.knob("--steps", c.steps, "training steps of each run", 300)
      ->check(CLI::Range(10, 100000000));
  chapter.option("--batch-size", c.batch_size, "windows per step")->check(CLI::Range(1, 4096));
  chapter.list_knob("--ranks", c.ranks, "LoRA ranks", std::vector<arma::uword>{1, 2, 4, 8, 16})
      ->check(CLI::Range(1, 4096));
  chapter.knob("--seeds", c.seeds, "seeds per method (--seed, --seed + 1, ...)", 3)
      ->check(CLI::Range(1, 100));
  chapter.option("--alpha", c.alpha, "LoRA's alpha (the update is scaled by alpha / r)")
      ->check(course::positive());
  chapter.option("--eta-full", c.eta_full, "peak learning rate, full fine-tuning")
      ->check(course::positive());
  chapter.option("--eta-lora", c.eta_lora, "peak learning rate, LoRA")->check(course::positive());
  chapter.option("--eta-head", c.eta_head, "peak learning rate, head only")
      ->check(course::positive());
  chapter.option("--eta-scratch", c.eta_scratch, "peak learning rate, from scratch")
      ->check(course::positive());
  chapter.option("--weight-decay", c.lambda, "AdamW's decoupled weight decay")
      ->check(CLI::Range(0.0, 1.0));
  chapter.option("--clip", c.clip, "maximum global gradient norm (0: none)")
      ->check(CLI::Range(0.0, 1e6));
  chapter.option("--samples", c.samples, "texts written per model")->check(CLI::Range(1, 10000));
  std::string replot;
  chapter.option("--replot", replot,
                 "redraw the plots from a summary.json of an earlier run (no training)");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    if (!replot.empty()) {  // the plots of a recorded run, e.g. figures/summary_full.json
      const auto j = nlohmann::json::parse(course::read_file(replot, 64 << 20, "summary.json"),
                                           nullptr, false);
      if (j.is_discarded()) throw course::Error(replot + ": not valid JSON");
      plot(comparison_from_summary(j, replot, c), c, common);
      return nlohmann::json{{"replotted", replot}};
    }
    std::sort(c.ranks.begin(), c.ranks.end());
    c.ranks.erase(std::unique(c.ranks.begin(), c.ranks.end()), c.ranks.end());
    if (std::find(c.ranks.begin(), c.ranks.end(), c.headline_rank) == c.ranks.end())
      c.headline_rank = c.ranks.back();  // the lesson quotes rank 8 when it is run
    // [table_of_contents]
    Data d = load_data(common.data_dir, c);  // 1. base model, new domain
    check_ranks(d, c);
    Comparison cmp = compare_methods(d, c, common);         // 2. every way to adapt
    const auto writing = write_ci(d, cmp, c, common.seed);  // 3. what they write
    const AtScale scale = at_scale(d, c);                   // 4. GPT-2 and 7B on paper
    // [table_of_contents]
    print(d, cmp, writing, scale, c);
    if (!common.no_plots) plot(cmp, c, common);
    return summary(d, cmp, writing, scale, c);
  });
}
