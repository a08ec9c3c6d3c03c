/// \file
/// \brief Chapter 17's experiments, one function each, in the lesson's order: the base model and
/// the new domain; every way of adapting it (pretrained as is, full fine-tuning, head only, LoRA
/// on the attention and on every linear layer at each rank, training from scratch), each over
/// several seeds and scored on the ci and on the Tang poems (forgetting); what the adapted
/// models write; and the same choices on GPT-2 and a 7B model, on paper.
///
/// Each returns a small result struct; printing, plots and summary.json (report.hpp) only read
/// those. Only the executable uses this file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chapters/16_transformer/checkpoint.hpp"
#include "chapters/17_lm_fine_tuning/adapt.hpp"
#include "chapters/17_lm_fine_tuning/scale.hpp"
#include "chapters/17_lm_fine_tuning/song_ci.hpp"
#include "common/matrix.hpp"
#include "common/run.hpp"

/// \brief Chapter 17's executable: its experiments and their report.
namespace ch17 {

/// The chapter's knobs (flags, declared in main.cpp), with their quick defaults.
struct Config {
  std::string base;                   ///< --base: the pretrained checkpoint (chapter 16's)
  std::string songci_data;            ///< --songci-data: the ci's folder (empty: the registry's)
  std::size_t train_ci = 200;         ///< --train-ci: training ci (the small new domain)
  std::size_t eval_ci = 60;           ///< --eval-ci: validation and test ci measured
  std::size_t eval_poems = 60;        ///< --eval-poems: Tang validation poems (forgetting)
  arma::uword steps = 20;             ///< --steps: training steps of every method
  arma::uword batch_size = 8;         ///< --batch-size: windows of n_ctx per step
  std::vector<arma::uword> ranks{8};  ///< --ranks: LoRA ranks
  arma::uword headline_rank = 8;      ///< the rank the lesson's comparison quotes (in --ranks)
  arma::uword seeds = 1;              ///< --seeds: seeds per method (error bars)
  double alpha = 8;                   ///< --alpha: LoRA's scale numerator (chapter 13's)
  double eta_full = 3e-3;             ///< --eta-full: peak rate, full fine-tuning (and blocks)
  double eta_lora = 1.6e-2;           ///< --eta-lora: peak rate, LoRA
  double eta_head = 6e-3;             ///< --eta-head: peak rate, head only
  double eta_scratch = 6e-3;          ///< --eta-scratch: peak rate from scratch (chapter 16's)
  double lambda = 0.1;                ///< --weight-decay (AdamW)
  double clip = 1.0;                  ///< --clip: maximum global gradient norm
  arma::uword samples = 10;           ///< --samples: ci written per model
};

/// The base model, the new domain and the old one.
struct Data {
  gpt::Checkpoint base;                                 ///< chapter 16's model and vocabulary
  std::string base_name;                                ///< as the lesson names it
  ft::Domain ci;                                        ///< the Song ci, converted and split
  std::vector<std::vector<lm::Token>> tang_validation;  ///< chapter 15's validation poems
};

/// \brief Load the base checkpoint, the Song ci (through its vocabulary) and `eval_poems` of the
/// Tang validation poems (chapter 15's split).
Data load_data(const std::string& tang_dir, const Config& c);

// [recipe]
/// What is trained.
enum class Method { pretrained, full, blocks, head, lora_attention, lora_all, scratch };

/// A method and, for LoRA, its rank.
struct Recipe {
  Method method = Method::pretrained;
  arma::uword rank = 0;
  /// "full fine-tuning", "LoRA attention r 8", ...
  std::string name() const;
  /// "full", "lora_attention_r8", ...: summary.json's key and the saved file's name
  std::string key() const;
};

/// \brief The recipes of a run: pretrained, full, blocks (full with the embeddings frozen:
/// what LoRA on every linear layer approaches as r grows), head, LoRA attention and all at each
/// rank, scratch.
std::vector<Recipe> recipes(const Config& c);
// [recipe]

/// One training run of one recipe.
struct Run {
  std::uint64_t seed = 0;
  double ci_validation = 0, ci_test = 0;  ///< perplexity on the ci
  double tang_validation = 0;             ///< perplexity on the Tang poems (forgetting)
  double seconds = 0;                     ///< training time (evaluation excluded), wall clock
  double train_loss = 0;                  ///< mean training loss of the last tenth of the steps
};

/// A recipe over all seeds.
struct MethodResult {
  Recipe recipe;
  double trainable = 0;            ///< numbers the optimizer updates
  std::uintmax_t saved_bytes = 0;  ///< the file that must be kept for this task (first seed)
  std::string saved;               ///< its path
  std::vector<Run> runs;           ///< one per seed
  course::MeanSd ci_validation() const;
  course::MeanSd ci_test() const;
  course::MeanSd tang_validation() const;
  double seconds() const;  ///< median over seeds
};

/// Every recipe, and the models the next experiment samples from.
struct Comparison {
  double all_params = 0;              ///< the model's parameters (full fine-tuning's count)
  std::vector<MethodResult> methods;  ///< recipes() in order
  double merged_ci_validation = 0;    ///< LoRA all linear at the headline rank, merged
  std::vector<std::pair<std::string, std::shared_ptr<gpt::Gpt<float>>>> kept;  ///< first seed
};

/// \brief Every rank must fit every adapted layer: r <= d (the smallest side of c_attn and the
/// rest); a larger one is a UsageError naming --ranks, before anything is trained.
void check_ranks(const Data& d, const Config& c);

/// \brief Adapt the base model to the ci by every recipe, `seeds` times each, and score it;
/// save each recipe's trained numbers (first seed) in the output folder.
Comparison compare_methods(Data& d, const Config& c, const course::CommonOptions& common);

/// Ci written by one model.
struct Writing {
  std::string model;               ///< "pretrained", "full fine-tuning", ...
  std::vector<std::string> texts;  ///< UTF-8
  double mixed = 0;                ///< share whose lines have different lengths, as a ci's do
  double regular = 0;      ///< share in a regular Tang form (5 or 7 characters, 4 or 8 lines)
  double mean_length = 0;  ///< characters per text
};

/// \brief `samples` texts from the pretrained model and from the kept adapted ones (temperature
/// 0.8, top-k 40), and how many have a ci's mixed line lengths.
std::vector<Writing> write_ci(Data& d, Comparison& cmp, const Config& c, std::uint64_t seed);

/// The arithmetic at scale.
struct AtScale {
  std::vector<ft::TransformerShape> shapes;  ///< the course's model, GPT-2, LLaMA-2 7B
  std::vector<double> total;                 ///< their parameters
  std::vector<ft::FineTuneCost> costs;       ///< per model: full, LoRA attention, LoRA all
};

/// \brief The course's model, GPT-2 (124M) and LLaMA-2 7B: parameters and what each way of
/// fine-tuning them trains, needs in memory and saves, at the run's ranks.
AtScale at_scale(const Data& d, const Config& c);

}  // namespace ch17
