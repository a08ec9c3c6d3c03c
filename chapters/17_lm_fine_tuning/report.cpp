// Chapter 17's report (see report.hpp): printing, plots, summary.json.
#include "chapters/17_lm_fine_tuning/report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>

#include "common/plot.hpp"

namespace ch17 {
namespace {

using course::fixed;
using course::grouped;

std::string pm(const course::MeanSd& m, int decimals) {
  return fixed(m.mean, decimals) + " +- " + fixed(m.sd, decimals);
}

const MethodResult* find(const Comparison& cmp, Method m, arma::uword rank = 0) {
  for (const auto& r : cmp.methods)
    if (r.recipe.method == m && r.recipe.rank == rank) return &r;
  return nullptr;
}

/// The bar: LoRA at the headline rank against full fine-tuning (perplexity ratio and
/// the share of full fine-tuning's trainable numbers).
struct Headline {
  const MethodResult* lora = nullptr;
  const MethodResult* full = nullptr;
  double ratio = 0, share = 0;
};

Headline headline(const Comparison& cmp, const Config& c, Method m) {
  Headline h{find(cmp, m, c.headline_rank), find(cmp, Method::full)};
  if (h.lora && h.full) {
    h.ratio = h.lora->ci_validation().mean / h.full->ci_validation().mean;
    h.share = h.lora->trainable / h.full->trainable;
  }
  return h;
}

void print_domain(const Data& d, const Config& c) {
  std::cout << "Base: " << d.base_name << " (" << grouped(double(d.base.model->n_params()))
            << " parameters, V = " << d.base.vocabulary->size() << ")\n";
  std::cout << "Song ci: " << grouped(double(d.ci.ci)) << " ci, "
            << grouped(double(d.ci.traditional.characters))
            << " characters; with an id in the Tang vocabulary: "
            << course::percent(d.ci.simplified.with_id) << " as stored (simplified script), "
            << course::percent(d.ci.traditional.with_id) << " after OpenCC s2t\n  still <unk>:";
  for (const auto& [ch, n] : d.ci.traditional.top_missing) std::cout << " " << ch << " " << n;
  std::cout << "\n  training " << d.ci.train.size() << " ci ("
            << grouped(double(d.ci.train_characters)) << " characters), " << c.steps << " steps of "
            << c.batch_size << " windows of " << d.base.model->shape().n_ctx << "; measured on "
            << d.ci.validation.size() << " validation and " << d.ci.test.size() << " test ci, and "
            << d.tang_validation.size() << " Tang validation poems (forgetting)\n";
}

}  // namespace

void print(const Data& d, const Comparison& cmp, const std::vector<Writing>& writing,
           const AtScale& scale, const Config& c) {
  print_domain(d, c);
  std::cout << "Adapting to the ci (" << c.seeds << " seed" << (c.seeds > 1 ? "s" : "")
            << "; perplexity mean +- sd):\n  " << std::left << std::setw(26) << "method"
            << std::right << std::setw(11) << "trainable" << std::setw(8) << "share"
            << std::setw(12) << "saved bytes" << std::setw(18) << "ci validation" << std::setw(18)
            << "ci test" << std::setw(18) << "Tang validation" << std::setw(9) << "seconds\n";
  for (const auto& r : cmp.methods)
    std::cout << "  " << std::left << std::setw(26) << r.recipe.name() << std::right
              << std::setw(11) << grouped(r.trainable) << std::setw(8)
              << course::percent(r.trainable / cmp.all_params, 1) << std::setw(12)
              << grouped(double(r.saved_bytes)) << std::setw(18) << pm(r.ci_validation(), 1)
              << std::setw(18) << pm(r.ci_test(), 1) << std::setw(18) << pm(r.tang_validation(), 1)
              << std::setw(8) << fixed(r.seconds(), 1) << "\n";
  for (Method m : {Method::lora_attention, Method::lora_all}) {
    const Headline h = headline(cmp, c, m);
    if (h.lora && h.full)
      std::cout << "  " << h.lora->recipe.name() << " against full fine-tuning: perplexity x "
                << fixed(h.ratio, 3) << " with " << course::percent(h.share)
                << " of its trainable numbers\n";
  }
  if (const auto* all = find(cmp, Method::lora_all, c.headline_rank))
    std::cout << "  LoRA all linear r " << c.headline_rank
              << ", merged into its layers: ci validation " << fixed(cmp.merged_ci_validation, 3)
              << " (with the adapters: " << fixed(all->runs[0].ci_validation, 3) << ")\n";
  std::cout << "What they write (" << c.samples << " texts each, temperature 0.8, top-k 40):\n";
  for (const auto& w : writing) {
    std::cout << "  " << std::left << std::setw(26) << w.model << std::right << " mixed lines "
              << course::percent(w.mixed, 0) << ", regular Tang forms "
              << course::percent(w.regular, 0) << ", " << fixed(w.mean_length, 1)
              << " characters on average\n";
    for (std::size_t i = 0; i < std::min<std::size_t>(2, w.texts.size()); ++i)
      std::cout << "      " << w.texts[i] << "\n";
  }
  std::cout << "At scale (memory: weights, gradients and AdamW, 16 bytes per trained number and 2 "
               "per frozen one; saved: the trained numbers in bf16):\n";
  for (std::size_t m = 0; m < scale.shapes.size(); ++m)
    std::cout << "  " << scale.shapes[m].name << ": " << grouped(scale.total[m]) << " parameters\n";
  for (const auto& k : scale.costs)
    std::cout << "  " << std::left << std::setw(20) << k.model << std::setw(24) << k.method
              << std::right << std::setw(15) << grouped(k.trainable) << std::setw(9)
              << course::percent(k.share, 3) << std::setw(12) << fixed(k.memory_bytes / 1e9, 3)
              << " GB" << std::setw(12) << fixed(k.saved_bytes / 1e6, 3) << " MB\n";
}

void plot(const Comparison& cmp, const Config& c, const course::CommonOptions& common) {
  // 1. Perplexity on the ci by LoRA rank, the other methods as flat lines for reference.
  std::vector<course::Series> by_rank;
  const double x_lo = 0.8, x_hi = 20;  // the plot's x range: reference lines span it all
  for (Method m : {Method::lora_attention, Method::lora_all}) {
    course::Series s{m == Method::lora_attention ? "LoRA on c_attn" : "LoRA on every linear layer",
                     {},
                     {},
                     "yerrorlines",
                     {}};
    for (arma::uword r : c.ranks) {
      const auto v = find(cmp, m, r)->ci_validation();
      s.x.push_back(double(r));
      s.y.push_back(v.mean);
      s.err.push_back(v.sd);
    }
    by_rank.push_back(s);
  }
  for (Method m : {Method::pretrained, Method::full, Method::blocks, Method::head}) {
    const auto* r = find(cmp, m);
    by_rank.push_back({r->recipe.name(),
                       {x_lo, x_hi},
                       {r->ci_validation().mean, r->ci_validation().mean},
                       "lines",
                       {}});
  }
  course::PlotOptions o("Song ci: validation perplexity after adapting the Tang GPT", "LoRA rank r",
                        "perplexity on validation ci");
  o.logx = true;
  o.extra = "set xtics (1, 2, 4, 8, 16)\nset xrange [" + course::fixed(x_lo, 1) + ":" +
            course::fixed(x_hi, 0) + "]";
  course::line_plot(common.out("methods.png"), o, by_rank);

  // 2. Perplexity against trainable numbers; 3. the ci against the Tang poems. One series per
  // method; LoRA's ranks joined by a line (r 1 at one end, r 16 at the other).
  std::vector<course::Series> cost, forgetting;
  for (Method m : {Method::full, Method::blocks, Method::head, Method::lora_attention,
                   Method::lora_all, Method::scratch, Method::pretrained}) {
    const bool lora = m == Method::lora_attention || m == Method::lora_all;
    course::Series by_cost{"", {}, {}, lora ? "yerrorlines" : "yerrorbars", {}};
    course::Series by_tang{"", {}, {}, lora ? "linespoints" : "points", {}};
    for (const auto& r : cmp.methods) {
      if (r.recipe.method != m) continue;
      by_cost.title = by_tang.title =
          lora ? (m == Method::lora_all ? "LoRA all linear, r " : "LoRA attention, r ") +
                     std::to_string(c.ranks.front()) + "-" + std::to_string(c.ranks.back())
               : r.recipe.name();
      const auto ci = r.ci_validation(), tang = r.tang_validation();
      if (m != Method::pretrained) {
        by_cost.x.push_back(r.trainable);
        by_cost.y.push_back(ci.mean);
        by_cost.err.push_back(ci.sd);
      }
      by_tang.x.push_back(ci.mean);
      by_tang.y.push_back(tang.mean);
    }
    if (!by_cost.x.empty()) cost.push_back(by_cost);
    forgetting.push_back(by_tang);
  }
  course::PlotOptions p("What each method trains, and what it buys", "trained numbers (log scale)",
                        "perplexity on validation ci");
  p.logx = true;
  p.extra = "set key top right\nset xrange [500:2000000]";
  course::line_plot(common.out("parameters.png"), p, cost);
  course::PlotOptions f("Learning the ci, forgetting the Tang poems",
                        "perplexity on validation ci (lower: learned more of the ci)",
                        "perplexity on Tang validation poems (higher: forgot more)");
  f.logy = true;
  f.extra = "set key top left\nset ytics (100, 150, 200, 300, 500, 700, 1000)";
  course::line_plot(common.out("forgetting.png"), f, forgetting);
}

Comparison comparison_from_summary(const nlohmann::json& j, const std::string& path, Config& c) {
  if (!j.contains("methods") || !j["methods"].is_object())
    throw course::Error(path + ": no \"methods\" object (not a chapter 17 summary.json)");
  const std::map<std::string, Method> plain{{"pretrained", Method::pretrained},
                                            {"full", Method::full},
                                            {"blocks", Method::blocks},
                                            {"head", Method::head},
                                            {"scratch", Method::scratch}};
  Comparison cmp;
  c.ranks.clear();
  for (const auto& [key, m] : j["methods"].items()) {
    MethodResult r;
    const auto at = key.rfind("_r");
    if (plain.count(key)) {
      r.recipe = {plain.at(key), 0};
    } else if (at != std::string::npos && key.rfind("lora_", 0) == 0) {
      r.recipe = {key.rfind("lora_all", 0) == 0 ? Method::lora_all : Method::lora_attention,
                  arma::uword(std::stoul(key.substr(at + 2)))};
      c.ranks.push_back(r.recipe.rank);
    } else {
      throw course::Error(path + ": methods." + key + " is not a method of chapter 17");
    }
    r.trainable = m.at("trainable").get<double>();
    for (const auto& run : m.at("runs"))
      r.runs.push_back({0, run.at("ci_validation").get<double>(), run.at("ci_test").get<double>(),
                        run.at("tang_validation").get<double>(), 0, 0});
    cmp.methods.push_back(r);
  }
  std::sort(cmp.methods.begin(), cmp.methods.end(), [](const auto& a, const auto& b) {
    return a.recipe.method != b.recipe.method ? a.recipe.method < b.recipe.method
                                              : a.recipe.rank < b.recipe.rank;
  });  // recipes() order: JSON objects come sorted by key
  std::sort(c.ranks.begin(), c.ranks.end());
  c.ranks.erase(std::unique(c.ranks.begin(), c.ranks.end()), c.ranks.end());
  if (c.ranks.empty()) throw course::Error(path + ": no LoRA method in \"methods\"");
  return cmp;
}

nlohmann::json summary(const Data& d, const Comparison& cmp, const std::vector<Writing>& writing,
                       const AtScale& scale, const Config& c) {
  auto stat = [](const course::MeanSd& m) {
    return nlohmann::json{{"mean", m.mean}, {"sd", m.sd}};
  };
  nlohmann::json j;
  j["base"] = {{"checkpoint", d.base_name},
               {"params", cmp.all_params},
               {"vocabulary", d.base.vocabulary->size()}};
  j["data"] = {{"ci", d.ci.ci},
               {"characters", d.ci.traditional.characters},
               {"coverage_simplified", d.ci.simplified.with_id},
               {"coverage_traditional", d.ci.traditional.with_id},
               {"train_ci", d.ci.train.size()},
               {"train_characters", d.ci.train_characters},
               {"validation_ci", d.ci.validation.size()},
               {"test_ci", d.ci.test.size()},
               {"tang_poems", d.tang_validation.size()}};
  for (const auto& [ch, n] : d.ci.traditional.top_missing)
    j["data"]["still_unknown"].push_back({ch, n});
  j["training"] = {{"steps", c.steps},         {"batch_size", c.batch_size},
                   {"seeds", c.seeds},         {"alpha", c.alpha},
                   {"eta_full", c.eta_full},   {"eta_lora", c.eta_lora},
                   {"eta_head", c.eta_head},   {"eta_scratch", c.eta_scratch},
                   {"weight_decay", c.lambda}, {"clip", c.clip}};
  for (const auto& r : cmp.methods) {
    nlohmann::json m{{"name", r.recipe.name()},
                     {"trainable", r.trainable},
                     {"share", r.trainable / cmp.all_params},
                     {"saved_bytes", r.saved_bytes},
                     {"ci_validation", stat(r.ci_validation())},
                     {"ci_test", stat(r.ci_test())},
                     {"tang_validation", stat(r.tang_validation())}};
    nlohmann::json& seconds = j["timing_seconds"]["methods"][r.recipe.key()];
    seconds["median"] = r.seconds();
    for (const auto& run : r.runs) {
      m["runs"].push_back({{"seed", run.seed},
                           {"ci_validation", run.ci_validation},
                           {"ci_test", run.ci_test},
                           {"tang_validation", run.tang_validation},
                           {"train_loss", run.train_loss}});
      seconds["runs"].push_back(run.seconds);
    }
    j["methods"][r.recipe.key()] = m;
  }
  std::string line = "Song ci perplexity: pretrained " +
                     fixed(find(cmp, Method::pretrained)->ci_validation().mean, 1);
  for (Method m : {Method::lora_attention, Method::lora_all}) {
    const Headline h = headline(cmp, c, m);
    if (!h.lora || !h.full) continue;
    j["lora_vs_full"][m == Method::lora_attention ? "attention" : "all_linear"] = {
        {"rank", c.headline_rank}, {"perplexity_ratio", h.ratio}, {"share", h.share}};
    if (m == Method::lora_attention)
      line += ", full fine-tuning " + fixed(h.full->ci_validation().mean, 1);
    line += ", " + h.lora->recipe.name() + " " + fixed(h.lora->ci_validation().mean, 1) + " (" +
            course::percent(h.share, 1) + " trained)";
  }
  j["headline"] = line;
  j["merged_ci_validation"] = cmp.merged_ci_validation;
  for (const auto& w : writing)
    j["writing"].push_back({{"model", w.model},
                            {"mixed", w.mixed},
                            {"regular", w.regular},
                            {"mean_length", w.mean_length},
                            {"texts", w.texts}});
  for (std::size_t m = 0; m < scale.shapes.size(); ++m)
    j["at_scale"]["models"].push_back({{"name", scale.shapes[m].name}, {"params", scale.total[m]}});
  for (const auto& k : scale.costs)
    j["at_scale"]["costs"].push_back({{"model", k.model},
                                      {"method", k.method},
                                      {"trainable", k.trainable},
                                      {"share", k.share},
                                      {"memory_bytes", k.memory_bytes},
                                      {"saved_bytes", k.saved_bytes}});
  return j;
}

}  // namespace ch17
