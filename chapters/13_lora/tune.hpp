/// \file
/// \brief Chapter 13's `--tune`: how the starting rates were chosen. Every method's rates on a
/// small grid, scored on 5,000 held-out training images (chapter 12's validation set), never on
/// the test set.
///
/// What it leaves out on purpose: a finer or random search (chapter 10's), tuning alpha and the
/// rank (alpha is fixed, the rank is the comparison's variable).
#pragma once

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chapters/13_lora/experiments.hpp"
#include "common/files.hpp"

namespace lora {

/// One configuration of the grid and its validation accuracy.
struct TuneRow {
  std::string method;  ///< "linear probe", "LoRA r = 8" or "full fine-tune"
  double head = 0;     ///< the head's rate
  double other = 0;    ///< the rate of A and B, or of the body (0 for the probe)
  course::MeanSd acc;  ///< over the subset seeds
};

/// \brief Every grid point of every method at the headline k, `n_seeds` subsets each, scored
/// on the validation images.
inline std::vector<TuneRow> tune_rates(const mlp::TaskData& task, const Config& c,
                                       std::uint64_t seed) {
  const std::vector<double> head_grid = {1e-3, 3e-3, 1e-2, 3e-2}, other_grid = head_grid,
                            probe_grid = {1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
  const arma::uword k = c.ks.front();
  // Chapter 12's validation set: 5,000 pool images that no training subset (k, seeds) uses.
  const mlp::TaskData val = mlp::with_validation_set(task, k, c.n_seeds, 5000);
  std::vector<course::ImageSet> trains;
  for (arma::uword s = 0; s < c.n_seeds; ++s) trains.push_back(mlp::few_shot_subset(task, k, s));
  std::vector<TuneRow> rows;
  course::Progress progress("configurations",
                            probe_grid.size() + 2 * head_grid.size() * other_grid.size());
  auto score = [&](const Adaptation& m, const mlp::Rates& r) {
    Config rc = c;
    rc.rates = r;
    std::vector<double> acc;
    for (arma::uword s = 0; s < c.n_seeds; ++s)
      acc.push_back(run_one(m, rc, task, trains[s], val.test, seed, s).accuracy);
    progress.update(rows.size() + 1);
    return course::mean_sd(acc);
  };
  for (double e : probe_grid) {
    mlp::Rates r = c.rates;
    r.probe = e;
    rows.push_back({"linear probe", e, 0, score({Adaptation::LinearProbe, 0}, r)});
  }
  for (const Adaptation m :
       {Adaptation{Adaptation::LoRA, c.adapter_rank}, Adaptation{Adaptation::FullFineTune, 0}})
    for (double h : head_grid)
      for (double o : other_grid) {
        mlp::Rates r = c.rates;
        (m.kind == Adaptation::LoRA ? r.lora_head : r.full_head) = h;
        (m.kind == Adaptation::LoRA ? r.lora : r.full_body) = o;
        rows.push_back({m.name(), h, o, score(m, r)});
      }
  std::cout << "Validation accuracy % (" << val.test.X.n_cols
            << " training images outside every subset; k = " << k << ", mean +- sd over "
            << c.n_seeds << " subset seeds)\n";
  return rows;
}

/// \brief The grids as tables: the probe by its rate, LoRA and full fine-tuning by both rates,
/// each with its best.
inline void print(const std::vector<TuneRow>& rows, const Config& c) {
  using course::scientific;
  const std::string lora_name = Adaptation{Adaptation::LoRA, c.adapter_rank}.name();
  for (const std::string& name :
       {std::string("linear probe"), lora_name, std::string("full fine-tune")}) {
    std::vector<const TuneRow*> mine;
    std::vector<double> heads, others;
    for (const auto& row : rows)
      if (row.method == name) {
        mine.push_back(&row);
        if (std::find(heads.begin(), heads.end(), row.head) == heads.end())
          heads.push_back(row.head);
        if (std::find(others.begin(), others.end(), row.other) == others.end())
          others.push_back(row.other);
      }
    const TuneRow* best = *std::max_element(
        mine.begin(), mine.end(), [](auto* a, auto* b) { return a->acc.mean < b->acc.mean; });
    if (name == "linear probe") {
      std::cout << "  linear probe, by the head's rate:\n   ";
      for (const TuneRow* row : mine)
        std::cout << "  " << scientific(row->head, 1) << ": "
                  << course::fixed(100 * row->acc.mean, 2);
      std::cout << "\n    best: head " << scientific(best->head, 1) << " -> "
                << course::percent(best->acc.mean) << "\n";
      continue;
    }
    const std::string other = name == lora_name ? "A and B" : "the body";
    std::cout << "  " << name << ", rows: the rate of " << other
              << "; columns: the head's\n            ";
    for (double h : heads) std::cout << "  head " << scientific(h, 1);
    std::cout << "\n";
    for (double o : others) {
      std::cout << "    " << scientific(o, 1) << "  ";
      for (double h : heads)
        for (const TuneRow* row : mine)
          if (row->head == h && row->other == o)
            std::cout << "  " << course::fixed(100 * row->acc.mean, 2) << " +- "
                      << course::fixed(100 * row->acc.sd, 1);
      std::cout << "\n";
    }
    std::cout << "    best: head " << scientific(best->head, 1) << ", " << other << " "
              << scientific(best->other, 1) << " -> " << course::percent(best->acc.mean) << "\n";
  }
}

/// \brief `tune.csv` in the output folder, and summary.json's fields of the `--tune` run.
inline nlohmann::json summary(const std::vector<TuneRow>& rows, const Config& c,
                              const course::CommonOptions& common) {
  using course::scientific;
  nlohmann::json grid = nlohmann::json::array();
  std::string csv = "method,eta_head,eta_other,mean,sd\n";
  for (const auto& row : rows) {
    grid.push_back({{"method", row.method},
                    {"eta_head", row.head},
                    {"eta_other", row.other},
                    {"mean", row.acc.mean},
                    {"sd", row.acc.sd}});
    csv += row.method + "," + scientific(row.head, 1) + "," + scientific(row.other, 1) + "," +
           std::to_string(row.acc.mean) + "," + std::to_string(row.acc.sd) + "\n";
  }
  course::write_file_atomic(common.out("tune.csv"), csv);
  return {{"headline", "--tune: learning rates per method on validation images, k = " +
                           std::to_string(c.ks.front())},
          {"k", c.ks.front()},
          {"seeds", c.n_seeds},
          {"tune_rank", c.adapter_rank},
          {"alpha", c.rates.alpha},
          {"grid", grid}};
}

}  // namespace lora
