// Chapter 15 executable: a character-level language model of the Tang poems. The lesson's
// experiments, in order (each a function of experiments.cpp that returns a result struct):
//  1. the corpus: read, clean, split by poem; what is in it (lengths, forms, frequencies);
//  2. the vocabulary: size and coverage for several minimum counts;
//  3. the counted baselines: unigram and bigram, smoothed;
//  4. Bengio et al.'s (2003) model, trained, with its validation curve and test perplexity;
//  5. the sweep: perplexity against context length and embedding size;
//  6. samples at several temperatures, and what they get right;
//  7. the nearest neighbours of a few characters in embedding space;
//  8. (--songci) the Song ci read through the Tang vocabulary, for chapter 17.
// Printing, plots and summary.json (report.cpp) only read the results.
#include "chapters/15_language_model/experiments.hpp"
#include "chapters/15_language_model/report.hpp"
#include "common/chapter.hpp"

using namespace ch15;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "15_language_model",
      "Chapter 15: a neural language model of the Tang poems (Bengio et al. 2003),\n"
      "against counted unigram and bigram models; samples and embeddings.");
  Config c;
  chapter.option("--min-count", c.min_count, "training count a character needs for its own id")
      ->check(CLI::Range(1, 1000000));
  chapter.option("--context", c.n, "n, characters of context")->check(CLI::Range(1, 64));
  chapter.option("--embedding", c.d, "d, embedding size")->check(CLI::Range(2, 4096));
  chapter.option("--hidden", c.h, "h, tanh units")->check(CLI::Range(1, 65536));
  chapter.option("--batch-size", c.batch_size, "predictions per step")->check(CLI::Range(1, 65536));
  chapter.option("--eta", c.eta, "Adam's learning rate at the start (cosine decay to eta/100)")
      ->check(course::positive());
  chapter.knob("--steps", c.steps, "training steps of the main model", 12000)
      ->check(CLI::Range(1, 100000000));
  chapter.knob("--evaluations", c.evaluations, "validation points on the training curve", 6)
      ->check(CLI::Range(1, 1000));
  chapter
      .knob("--sweep-steps", c.sweep_steps, "training steps of each sweep model (0: no sweep)",
            1200)
      ->check(CLI::Range(0, 100000000));
  chapter
      .list_knob("--contexts", c.contexts, "n values of the sweep",
                 std::vector<arma::uword>{1, 2, 4, 8, 12})
      ->check(CLI::Range(1, 64));
  chapter
      .list_knob("--embeddings", c.embeddings, "d values of the sweep",
                 std::vector<arma::uword>{8, 16, 64})
      ->check(CLI::Range(2, 4096));
  chapter.list("--temperatures", c.temperatures, "sampling temperatures (0: greedy)")
      ->check(CLI::Range(0.0, 100.0));
  chapter.knob("--samples", c.samples, "poems per temperature", 6)->check(CLI::Range(1, 10000));
  chapter.option("--max-chars", c.max_chars, "longest sample")->check(CLI::Range(1, 100000));
  chapter.option("--prompt", c.prompt, "characters every sample starts with");
  chapter.knob("--eval-poems", c.eval_poems, "validation and test poems measured (0: all)", 0)
      ->check(CLI::Range(0, 1000000));
  chapter.app().add_flag("--songci", c.songci, "also read the Song ci through the Tang vocabulary");
  chapter.option("--songci-data", c.songci_data, "the Song ci's folder (implies --songci)");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    // [table_of_contents]
    const Data d = load_data(common.data_dir, c);              // 1. corpus, split, vocabulary
    const CorpusFacts facts = explore_corpus(d);               //    what is in it
    const CoverageTable coverage = vocabulary_coverage(d, c);  // 2. min-count: size, coverage
    const Baselines baselines = count_baselines(d);            // 3. unigram, bigram: counted
    Trained model = train_model(d, c, common.seed);            // 4. Bengio's model, trained
    const Sweep sweep = sweep_context_and_embedding(d, c, common.seed);  // 5. n and d
    const SampleSet samples = sample_poems(model, d, c, common.seed);    // 6. temperatures
    const NeighbourSet neighbours = embedding_neighbours(model, d);      // 7. what C learned
    const SongciFacts songci = c.songci || !c.songci_data.empty()
                                   ? songci_through_tang_vocabulary(d, c.songci_data)
                                   : SongciFacts{};  // 8. chapter 17's data
    // [table_of_contents]
    print(facts, coverage, baselines, model, sweep, samples, neighbours, songci, d, c);
    write_samples(common.out("samples.txt"), samples);
    if (!common.no_plots) plot(facts, baselines, model, sweep, neighbours, d, c, common);
    return summary(facts, coverage, baselines, model, sweep, samples, neighbours, songci, d, c);
  });
}
