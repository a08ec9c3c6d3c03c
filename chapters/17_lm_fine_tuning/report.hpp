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

/// \brief summary.json's chapter fields.
nlohmann::json summary(const Data& d, const Comparison& cmp, const std::vector<Writing>& writing,
                       const AtScale& scale, const Config& c);

}  // namespace ch17
