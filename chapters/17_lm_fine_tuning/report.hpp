/// \file
/// \brief Chapter 17's report: the tables it prints, its plots and its summary.json, all read
/// from the experiments' results (experiments.hpp). Nothing here computes a result.
#pragma once

#include <nlohmann/json.hpp>

#include "chapters/17_lm_fine_tuning/experiments.hpp"
#include "common/run.hpp"

namespace ch17 {

/// \brief The domain, the comparison table, the merge check, the samples, the arithmetic.
void print(const Data& d, const Comparison& cmp, const std::vector<Writing>& writing,
           const AtScale& scale, const Config& c);

/// \brief methods.png (ci perplexity by method and rank), parameters.png (perplexity
/// against trainable parameters), forgetting.png (the ci against the Tang poems).
void plot(const Comparison& cmp, const Config& c, const course::CommonOptions& common);

/// \brief `--replot`: the comparison as a summary.json recorded it (per method: the recipe,
/// trained numbers and each seed's perplexities), so the plots can be redrawn without training.
/// Sets c.ranks to the ranks it holds. A file that is not such a summary is a course::Error.
Comparison comparison_from_summary(const nlohmann::json& j, const std::string& path, Config& c);

/// \brief summary.json's chapter fields.
nlohmann::json summary(const Data& d, const Comparison& cmp, const std::vector<Writing>& writing,
                       const AtScale& scale, const Config& c);

}  // namespace ch17
