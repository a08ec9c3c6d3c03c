/// \file
/// \brief Chapter 15: the lesson's experiments, one function each, in the order of the lesson:
/// load the corpus, look at it, choose the vocabulary, count the baselines, train the model,
/// sweep its context and embedding sizes, sample poems, read the embedding's neighbours.
///
/// Each returns a small result struct; printing, plots and summary.json (report.hpp) only read
/// those. Only the executable uses this file; later chapters reuse the headers it calls.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/08_training_deeper/schedules.hpp"
#include "chapters/15_language_model/context_windows.hpp"
#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/neighbours.hpp"
#include "chapters/15_language_model/ngram.hpp"
#include "chapters/15_language_model/nplm.hpp"
#include "chapters/15_language_model/poem_form.hpp"
#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/train_lm.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "common/run.hpp"

/// \brief Chapter 15's executable: its experiments and their report (not a library for later
/// chapters; those include the chapter's other headers).
namespace ch15 {

/// The chapter's knobs (flags, declared in main.cpp), with their quick defaults.
struct Config {
  std::size_t min_count = 10;    ///< --min-count: training count a character needs for its own id
  arma::uword n = 12;            ///< --context: characters of context
  arma::uword d = 32;            ///< --embedding: embedding size
  arma::uword h = 128;           ///< --hidden: tanh units
  arma::uword batch_size = 256;  ///< --batch-size
  double eta = 4e-3;             ///< --eta: Adam's rate at the start (cosine decay to eta/100)
  arma::uword steps = 200;       ///< --steps: training steps of the main model (--full: more)
  arma::uword evaluations = 2;   ///< --evaluations: validation points on the training curve
  arma::uword sweep_steps = 60;  ///< --sweep-steps: training steps of each sweep model
  std::vector<arma::uword> contexts{1, 12};                 ///< --contexts: n values of the sweep
  std::vector<arma::uword> embeddings{16};                  ///< --embeddings: d values of the sweep
  std::vector<double> temperatures{0, 0.6, 0.8, 1.0, 1.2};  ///< --temperatures
  arma::uword samples = 3;                                  ///< --samples: poems per temperature
  std::size_t max_chars = 120;                              ///< --max-chars: longest sample
  std::string prompt;            ///< --prompt: every sample starts with it
  std::size_t eval_poems = 500;  ///< --eval-poems: validation/test poems measured (0: all)
  bool songci = false;           ///< --songci: also read the Song ci through the Tang vocabulary
  std::string songci_data;       ///< --songci-data: their folder (empty: the registry's)
};

/// The corpus and everything derived from it that every experiment reads.
struct Data {
  lm::Corpus corpus;                          ///< every poem with text
  lm::PoemSplit split;                        ///< by poem, seed lm::kSplitSeed
  lm::Vocabulary vocabulary;                  ///< from the training poems, min-count c.min_count
  std::vector<std::vector<lm::Token>> train;  ///< encoded training poems
  std::vector<std::vector<lm::Token>>
      validation;                            ///< encoded validation poems (--eval-poems of them)
  std::vector<std::vector<lm::Token>> test;  ///< encoded test poems (--eval-poems of them)
  std::size_t validation_poems_all = 0;      ///< validation poems before --eval-poems
  std::vector<lm::Token> prompt;             ///< --prompt, encoded (every character known)
};

/// \brief Read the Tang poems, split them by poem, build the vocabulary, encode each split and
/// the prompt (a character outside the vocabulary is an Error, before any training).
Data load_data(const std::string& data_dir, const Config& c);

/// What is in the corpus.
struct CorpusFacts {
  std::size_t files = 0, poems = 0, textless = 0;          ///< JSON files, poems with text, without
  std::size_t raw_characters = 0, raw_distinct = 0;        ///< as stored (the issue's counts)
  std::size_t characters = 0, distinct = 0;                ///< after clean_text
  std::size_t punctuation = 0;                             ///< of `characters`: ，。？！；：
  std::vector<std::pair<std::string, std::size_t>> forms;  ///< form name -> poems
  std::vector<std::pair<std::size_t, std::size_t>> lengths;  ///< characters per poem -> poems
  std::vector<std::pair<std::string, std::size_t>> top;      ///< most frequent characters
  std::vector<double> frequency_by_rank;                     ///< count of the k-th most frequent
  std::vector<std::pair<std::size_t, std::string>>
      milestones;            ///< (rank, character) at ranks 1, 2, 3, 10, 100, 1000, 5000
  double median_length = 0;  ///< characters per poem
};

/// \brief Count poems, characters, forms, lengths and character frequencies.
CorpusFacts explore_corpus(const Data& d);

/// One row of the vocabulary table.
struct CoverageRow {
  std::size_t min_count = 0;  ///< the rule
  std::size_t size = 0;       ///< V, the two special ids included
  double coverage = 0;        ///< fraction of validation characters with their own id
};
/// The vocabulary size and coverage for several minimum counts.
using CoverageTable = std::vector<CoverageRow>;

/// \brief V and validation coverage for min-counts 1, 2, 3, 5, 10, 20, 50 (and the chosen one).
CoverageTable vocabulary_coverage(const Data& d, const Config& c);

/// The counted models' validation perplexities.
struct Baselines {
  double unigram = 0;                                   ///< add-1
  std::vector<std::pair<double, double>> bigram_add_k;  ///< (k, perplexity)
  double best_lambda = 0;            ///< interpolation weight chosen on validation
  double interpolated = 0;           ///< perplexity at best_lambda
  double issue_unigram = 0;          ///< raw text, min-count 1: the issue's setting
  double issue_bigram = 0;           ///< raw text, min-count 1, add-0.1
  std::size_t issue_vocabulary = 0;  ///< V in that setting
  double bigram() const;             ///< the add-0.1 bigram (the issue's smoothing)
};

/// \brief Count unigram and bigram models on the training poems; measure them on validation.
Baselines count_baselines(const Data& d);

/// One point of the training curve.
struct CurvePoint {
  arma::uword steps = 0;        ///< steps done
  double tokens = 0;            ///< predictions seen (steps x batch)
  double train_perplexity = 0;  ///< exp of the mean training loss since the previous point
  double validation_perplexity = 0;
};

/// The main model after training.
struct Trained {
  lm::Nplm<float> model;            ///< the trained network
  std::vector<CurvePoint> curve;    ///< validation perplexity during training
  double validation = 0, test = 0;  ///< final perplexities
  double seconds = 0, tokens_per_second = 0;
};

/// \brief Train the model of the flags (Adam, cosine decay) and measure it on validation
/// (`evaluations` times) and once on test.
Trained train_model(const Data& d, const Config& c, std::uint64_t seed);

/// One trained sweep model.
struct SweepPoint {
  arma::uword n = 0, d = 0;  ///< context length, embedding size
  arma::uword params = 0;    ///< trainable numbers
  double validation = 0;     ///< perplexity after c.sweep_steps steps
};

/// Perplexity against context length (at the flags' d) and embedding size (at the flags' n).
struct Sweep {
  std::vector<SweepPoint> by_context, by_embedding;  ///< the two lines of the sweep
};

/// \brief Train one model per n in `contexts` and per d in `embeddings`, each for sweep_steps.
Sweep sweep_context_and_embedding(const Data& d, const Config& c, std::uint64_t seed);

/// Poems drawn at one temperature, and what they get right.
struct TemperatureSamples {
  double temperature = 0;          ///< tau
  std::vector<std::string> poems;  ///< the samples (UTF-8)
  double even_lines = 0;           ///< fraction whose lines all have 5, or all 7, characters
  double regular = 0;              ///< fraction in a regulated shape (5 or 7 chars, 4 or 8 lines)
  double mean_length = 0;          ///< characters per sample
  double copied_lines = 0;         ///< fraction of 5- and 7-character lines found in training
  double distinct = 0;             ///< distinct characters / characters
};
/// Samples at every temperature.
using SampleSet = std::vector<TemperatureSamples>;

/// \brief Draw `samples` poems at each temperature (seeded), and measure them.
SampleSet sample_poems(Trained& t, const Data& d, const Config& c, std::uint64_t seed);

/// A query character and its nearest neighbours.
struct NeighbourRow {
  lm::Token query = 0;                    ///< the character asked about
  std::vector<lm::Neighbour> neighbours;  ///< most similar first
};

/// Nearest neighbours of some characters, and the plane they are plotted in.
struct NeighbourSet {
  std::vector<NeighbourRow> rows;  ///< one per query
  arma::mat plane;                 ///< (2 x points) principal-component coordinates
  std::vector<lm::Token> points;   ///< the plotted ids (queries and neighbours)
  arma::uvec group;                ///< (points) which query each point belongs to
};

/// The Song ci seen through the Tang vocabulary (chapter 17's question).
struct SongciFacts {
  std::size_t poems = 0, characters = 0, distinct = 0;     ///< ci with text, their characters
  double coverage = 0;                                     ///< fraction with an id of their own
  std::vector<std::pair<std::string, std::size_t>> forms;  ///< form name -> ci
  std::vector<std::pair<std::string, std::size_t>>
      top_unknown;  ///< most frequent characters without an id
};

/// \brief Read the Song ci (`--songci`) and measure them with the Tang vocabulary.
SongciFacts songci_through_tang_vocabulary(const Data& d, const std::string& data_dir);

/// \brief The 6 nearest neighbours of 月 山 春 紅 一 東 君 馬 (those in the vocabulary) among the
/// 2,000 most frequent characters.
NeighbourSet embedding_neighbours(const Trained& t, const Data& d);

}  // namespace ch15
