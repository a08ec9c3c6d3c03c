/// \file
/// \brief Chapter 16: the lesson's experiments, one function each, in the lesson's order: load
/// the poems, pretrain the GPT (its training curve), compare it with chapter 15's model, read
/// the attention of its heads on a real poem and measure where they look, generate poems.
///
/// Each returns a small result struct; printing, plots and summary.json (report.hpp) only read
/// those. Only the executable uses this file; chapter 17 reuses the headers it calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "chapters/16_transformer/gpt.hpp"
#include "chapters/16_transformer/trainer.hpp"

/// \brief Chapter 16's executable: its experiments and their report.
namespace ch16 {

/// Chapter 15's --full run of its model (n 12, d 32, h 128), the model to beat: the values of
/// chapters/15_language_model/figures/summary_full.json's "model" (a test holds them equal), and
/// its 12,000 steps x 256 predictions.
constexpr double kNplmValidation = 201.7297042355671, kNplmTest = 202.133519779432;
constexpr double kNplmTokens = 12000.0 * 256.0;

/// The chapter's knobs (flags, declared in main.cpp), with their quick defaults.
struct Config {
  std::size_t min_count = 10;    ///< --min-count: chapter 15's vocabulary rule (V = 5,061)
  arma::uword d = 48;            ///< --d-model
  arma::uword layers = 2;        ///< --layers
  arma::uword heads = 4;         ///< --heads (divides --d-model)
  arma::uword context = 64;      ///< --context: n_ctx, and the training window T
  arma::uword batch_size = 8;    ///< --batch-size: windows per step
  arma::uword steps = 150;       ///< --steps
  arma::uword warmup = 15;       ///< --warmup
  double eta = 4e-3;             ///< --eta: peak learning rate
  double lambda = 0.1;           ///< --weight-decay
  double clip = 1.0;             ///< --clip
  arma::uword evaluations = 3;   ///< --evaluations: validation points on the curve
  std::size_t eval_poems = 300;  ///< --eval-poems: validation/test poems measured (0: all)
  std::vector<double> temperatures{0, 0.8, 1.0};  ///< --temperatures
  arma::uword top_k = 40;                         ///< --top-k (0: no truncation)
  arma::uword samples = 3;                        ///< --samples: poems per setting
  std::size_t max_chars = 100;                    ///< --max-chars
  std::string prompt;                             ///< --prompt
  std::string from_checkpoint;                    ///< --from-checkpoint: skip training
};

/// The poems, split as chapter 15 splits them, and the vocabulary.
struct Data {
  lm::Corpus corpus;                               ///< every poem with text
  lm::PoemSplit split;                             ///< chapter 15's split (seed 2003)
  std::unique_ptr<lm::Vocabulary> vocabulary;      ///< chapter 15's rule (or the checkpoint's)
  std::vector<std::vector<lm::Token>> train;       ///< encoded training poems
  std::vector<std::vector<lm::Token>> validation;  ///< --eval-poems of the validation poems
  std::vector<std::vector<lm::Token>> test;        ///< --eval-poems of the test poems
  std::vector<std::size_t> validation_index;       ///< corpus index of each validation poem
  std::vector<lm::Token> prompt;                   ///< --prompt, encoded
};

/// \brief Read the Tang poems, split them as chapter 15 does, take the vocabulary from the
/// training poems (or from `vocabulary`, a checkpoint's), encode each split and the prompt.
Data load_data(const std::string& data_dir, const Config& c,
               std::unique_ptr<lm::Vocabulary> vocabulary = nullptr);

/// \brief The vocabulary stored in a checkpoint (nullptr for an empty path): a saved model
/// reads the ids it was trained with, whatever --min-count says.
std::unique_ptr<lm::Vocabulary> checkpoint_vocabulary(const std::string& path);

/// One point of the training curve.
struct CurvePoint {
  arma::uword steps = 0;       ///< steps done
  double tokens = 0;           ///< predictions trained on (steps x B x T)
  double train_loss = 0;       ///< mean training loss since the previous point (nats)
  double validation_loss = 0;  ///< cross-entropy (nats) on up to 500 of the validation poems
};

/// The model after pretraining (or as loaded).
struct Trained {
  std::unique_ptr<gpt::Gpt<float>> model;  ///< the network
  std::vector<CurvePoint> curve;           ///< empty when loaded from a checkpoint
  double validation = 0, test = 0;         ///< perplexities
  double seconds = 0, tokens_per_second = 0;
  std::string checkpoint;  ///< where it was saved (or loaded from)
};

/// \brief Pretrain a GPT of the flags' shape (or load --from-checkpoint), measure validation
/// perplexity `evaluations` times and test once; save the model to the output folder.
Trained pretrain(const Data& d, const Config& c, const course::CommonOptions& common);

/// Size and compute of a model, per predicted token.
struct Cost {
  std::string model;                ///< description
  double params = 0;                ///< trainable numbers
  double flops_per_token = 0;       ///< forward pass, 2 per multiply-add
  double validation = 0, test = 0;  ///< perplexities
  double tokens_trained = 0;        ///< predictions seen in training
};

/// This GPT against chapter 15's model.
struct Comparison {
  Cost gpt, nplm;
};

/// \brief Parameter counts and forward FLOPs per token of both models, with their perplexities
/// (chapter 15's from its --full run, recorded in chapters/15_language_model/figures).
Comparison compare_with_nplm(Trained& t, const Data& d, const Config& c);

/// Where one head looks, averaged over the queries of regular poems.
struct HeadFocus {
  arma::uword layer = 0, head = 0;
  double start = 0;          ///< mass on `<s>`, the poem's start
  double previous = 0;       ///< on the token just before the query
  double line_end = 0;       ///< on the latest line-ending punctuation before the query
  double same_place = 0;     ///< on the same place in the previous line (one line length back)
  double uniform_place = 0;  ///< what a uniform causal head would give one position: mean 1/(t+1)
};

/// Attention on one poem (the maps) and measured over many.
struct AttentionStudy {
  std::string poem;                 ///< the poem shown (UTF-8)
  std::vector<std::string> tokens;  ///< its tokens, `<s>` first
  std::vector<arma::mat> maps;      ///< per layer and head: (T x T), column t = query t
  std::vector<HeadFocus> heads;     ///< per layer and head
  std::size_t poems = 0;            ///< regular poems measured
};

/// \brief Attention maps of every head on the first regular validation quatrain, and each
/// head's average focus over up to 300 regular validation poems.
AttentionStudy study_attention(Trained& t, const Data& d);

/// Poems generated with one setting.
struct SampleSetting {
  double temperature = 0;
  arma::uword top_k = 0;           ///< 0: the whole vocabulary
  std::vector<std::string> poems;  ///< UTF-8
  double regular = 0;              ///< fraction in a regular form (5 or 7 characters, 4 or 8 lines)
  double mean_length = 0;          ///< characters per poem
};

/// \brief Generate `samples` poems for each temperature, without and with top-k truncation.
std::vector<SampleSetting> generate_poems(Trained& t, const Data& d, const Config& c,
                                          std::uint64_t seed);

}  // namespace ch16
