/// \file
/// \brief Chapter 16: the report of a run. Prints the results of the experiments
/// (experiments.hpp), writes the samples as text, draws the plots (with their CSVs) and builds
/// summary.json. Reads result structs only; computes nothing the lesson's numbers depend on.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chapters/16_transformer/experiments.hpp"

namespace ch16 {

/// \brief Print every result, in the lesson's order.
void print(const Data& d, const Trained& t, const Comparison& cmp, const AttentionStudy& att,
           const std::vector<SampleSetting>& samples, const Config& c);

/// \brief Draw the training curve and the attention maps (PNG + CSV).
void plot(const Trained& t, const Comparison& cmp, const AttentionStudy& att,
          const course::CommonOptions& common);

/// \brief The chapter's fields of summary.json (wall-clock numbers under "timing_seconds").
nlohmann::json summary(const Data& d, const Trained& t, const Comparison& cmp,
                       const AttentionStudy& att, const std::vector<SampleSetting>& samples,
                       const Config& c);

}  // namespace ch16
