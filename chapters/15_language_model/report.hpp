/// \file
/// \brief Chapter 15: the report of a run. Prints the results of the experiments
/// (experiments.hpp), writes the samples as text, draws the plots (with their CSVs) and builds
/// summary.json. Reads result structs only; computes nothing the lesson's numbers depend on.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chapters/15_language_model/experiments.hpp"

namespace ch15 {

/// \brief Print every result, in the lesson's order.
void print(const CorpusFacts& facts, const CoverageTable& coverage, const Baselines& baselines,
           const Trained& model, const Sweep& sweep, const SampleSet& samples,
           const NeighbourSet& neighbours, const SongciFacts& songci, const Data& d,
           const Config& c);

/// \brief Write the samples, one block per temperature, to a UTF-8 text file (atomically).
void write_samples(const std::string& path, const SampleSet& samples);

/// \brief Draw the plots (PNG + CSV): poem lengths, forms, character frequencies, the training
/// curve, the two sweeps, and the embedding neighbours (Chinese labels: Noto Sans CJK).
void plot(const CorpusFacts& facts, const Baselines& baselines, const Trained& model,
          const Sweep& sweep, const NeighbourSet& neighbours, const Data& d, const Config& c,
          const course::CommonOptions& common);

/// \brief The chapter's fields of summary.json: the headline and every number the lesson quotes
/// (wall-clock times under "timing_seconds" only; the scaffold adds the common fields).
nlohmann::json summary(const CorpusFacts& facts, const CoverageTable& coverage,
                       const Baselines& baselines, const Trained& model, const Sweep& sweep,
                       const SampleSet& samples, const NeighbourSet& neighbours,
                       const SongciFacts& songci, const Data& d, const Config& c);

}  // namespace ch15
