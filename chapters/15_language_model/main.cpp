// Chapter 15 executable: a character-level language model of the Tang poems. Reads the corpus,
// shows what is in it, builds the vocabulary, counts the unigram and bigram baselines, trains
// Bengio et al.'s (2003) neural probabilistic language model, sweeps its context length and
// embedding size, samples poems at several temperatures and lists the nearest neighbours of a
// few characters in embedding space. Each step is one function below; printing, plots and
// summary.json come after.
#include "chapters/15_language_model/experiments.hpp"
#include "chapters/15_language_model/report.hpp"

using namespace ch15;

int main(int argc, char** argv) {
  CLI::App app{"Chapter 15: a neural language model of the Tang poems (Bengio et al. 2003).",
               "ch15_language_model"};
  course::CommonOptions common("ch15_language_model");
  course::add_common_options(app, common);
  Config c;
  add_flags(app, c);

  return course::run_main(app, argc, argv, [&] {
    course::Timer total;
    apply_full_defaults(app, c, common.full);
    course::make_out_dir(common.out_dir);
    // [table_of_contents]
    const Data d = load_data(common.data_dir, c);                  // corpus, split, vocabulary
    const CorpusFacts facts = explore_corpus(d);                    // lengths, forms, frequencies
    const CoverageTable coverage = vocabulary_coverage(d, c);      // min-count vs size, coverage
    const Baselines baselines = count_baselines(d, c);             // unigram and bigram, counted
    Trained model = train_model(d, c, common.seed);                // Bengio's model, trained
    const Sweep sweep = sweep_context_and_embedding(d, c, common.seed);  // n and d
    const SampleSet samples = sample_poems(model, d, c, common.seed);   // temperatures
    const NeighbourSet neighbours = embedding_neighbours(model, d, c);  // what C learned
    const SongciFacts songci = c.songci ? songci_through_tang_vocabulary(d, c.songci_data)
                                        : SongciFacts{};               // --songci: chapter 17's data
    // [table_of_contents]
    print(facts, coverage, baselines, model, sweep, samples, neighbours, songci, d, c);
    write_samples(common.out("samples.txt"), samples);
    if (!common.no_plots) plot(facts, baselines, model, sweep, neighbours, d, c, common);
    course::write_summary(common.out_dir, summary(facts, coverage, baselines, model, sweep, samples,
                                                  neighbours, songci, d, c, common, total.seconds()));
  });
}
