// Chapter 16's report (see report.hpp): printing, plots, summary.json.
#include "chapters/16_transformer/report.hpp"

#include <cmath>
#include <iostream>

#include "common/plot.hpp"
#include "common/run.hpp"

namespace ch16 {
namespace {

using course::grouped;

std::string head_name(const HeadFocus& f) {
  return "layer " + std::to_string(f.layer + 1) + " head " + std::to_string(f.head + 1);
}

}  // namespace

void print(const Data& d, const Trained& t, const Comparison& cmp, const AttentionStudy& att,
           const std::vector<SampleSetting>& samples, const Config& c) {
  std::cout << "Tang poems: " << grouped(double(d.train.size())) << " training poems; measured on "
            << d.validation.size() << " validation and " << d.test.size()
            << " test poems; V = " << d.vocabulary->size() << "\n";
  std::cout << "Model: " << cmp.gpt.model << ", " << grouped(cmp.gpt.params) << " parameters\n";
  if (!t.curve.empty()) {
    std::cout << "  AdamW, eta " << c.eta << " (warm-up " << c.warmup << " steps, cosine to "
              << c.eta / 10 << "), weight decay " << c.lambda << ", clip " << c.clip << ", "
              << c.batch_size << " windows of " << c.context << " per step\n";
    std::cout << "      step   predictions  training loss  validation loss  validation ppl\n";
    for (const auto& p : t.curve)
      std::cout << "  " << std::setw(8) << p.steps << std::setw(14) << grouped(p.tokens)
                << std::setw(15) << course::fixed(p.train_loss, 3) << std::setw(17)
                << course::fixed(p.validation_loss, 3) << std::setw(16)
                << course::fixed(std::exp(p.validation_loss), 1) << "\n";
  } else {
    std::cout << "  loaded from " << t.checkpoint << " (no training)\n";
  }
  std::cout << "  validation perplexity " << course::fixed(t.validation, 1) << ", test "
            << course::fixed(t.test, 1) << "\n";
  std::cout << "Against chapter 15 (its --full run):\n"
            << "  model                                      parameters  FLOPs/token  trained on  "
               "val ppl  test ppl\n";
  for (const Cost* m : {&cmp.gpt, &cmp.nplm})
    std::cout << "  " << std::left << std::setw(42) << m->model << std::right << std::setw(11)
              << grouped(m->params) << std::setw(13) << grouped(m->flops_per_token) << std::setw(12)
              << grouped(m->tokens_trained) << std::setw(9) << course::fixed(m->validation, 1)
              << std::setw(10) << course::fixed(m->test, 1) << "\n";
  std::cout << "Attention over " << att.poems
            << " regular validation poems (mean weight per query on: <s>, the previous token, "
               "the latest line end, the same place one line back; uniform: one position of a "
               "uniform head):\n";
  for (const auto& f : att.heads)
    std::cout << "  " << head_name(f) << ":  start " << course::fixed(f.start, 3) << "  previous "
              << course::fixed(f.previous, 3) << "  line end " << course::fixed(f.line_end, 3)
              << "  same place " << course::fixed(f.same_place, 3) << "  (uniform "
              << course::fixed(f.uniform_place, 3) << ")\n";
  std::cout << "Samples:\n";
  for (const auto& s : samples) {
    std::cout << "  temperature " << s.temperature
              << (s.top_k ? ", top-" + std::to_string(s.top_k) : std::string(", all characters"))
              << ": regular " << course::percent(s.regular, 0) << ", "
              << course::fixed(s.mean_length, 1) << " characters per poem\n";
    for (const auto& p : s.poems) std::cout << "    " << p << "\n";
  }
  std::cout << "validation perplexity " << course::fixed(t.validation, 1)
            << " (chapter 15's model: " << course::fixed(cmp.nplm.validation, 1) << ")\n";
}

void plot(const Trained& t, const Comparison& cmp, const AttentionStudy& att,
          const course::CommonOptions& common) {
  if (!t.curve.empty()) {
    course::Series train{
        "GPT, training (mean since the previous point)", {}, {}, "linespoints", {}};
    course::Series val{"GPT, validation", {}, {}, "linespoints", {}};
    for (const auto& p : t.curve) {
      train.x.push_back(p.tokens / 1e6);
      train.y.push_back(std::exp(p.train_loss));
      val.x.push_back(p.tokens / 1e6);
      val.y.push_back(std::exp(p.validation_loss));
    }
    const double x1 = std::max(t.curve.back().tokens, cmp.nplm.tokens_trained) / 1e6;
    course::Series nplm{"chapter 15's MLP after " +
                            course::fixed(cmp.nplm.tokens_trained / 1e6, 2) +
                            " M predictions (validation)",
                        {0, x1},
                        {cmp.nplm.validation, cmp.nplm.validation},
                        "lines",
                        {}};
    course::PlotOptions o{"Pretraining the GPT on the Tang poems",
                          "training predictions (millions)", "perplexity"};
    o.logy = true;
    course::line_plot(common.out("training_curve.png"), o, {train, val, nplm});
  }
  if (!att.maps.empty()) {
    const arma::uword T = att.maps[0].n_rows;
    arma::mat images(T * T, att.maps.size());
    std::vector<std::string> captions;
    for (std::size_t k = 0; k < att.maps.size(); ++k) {
      images.col(k) = arma::vectorise(att.maps[k]);  // pixel (row t, column s) = P(s, t)
      captions.push_back(head_name(att.heads[k]));
    }
    course::PlotOptions o{
        "Attention on a validation quatrain: row = query, column = key (white 0, black 1)", "", ""};
    o.height = 520;
    course::image_grid(common.out("attention_maps.png"), o, images, T, T,
                       std::min<arma::uword>(4, att.maps.size()), captions);
  }
}

nlohmann::json summary(const Data& d, const Trained& t, const Comparison& cmp,
                       const AttentionStudy& att, const std::vector<SampleSetting>& samples,
                       const Config& c) {
  nlohmann::json j;
  j["headline"] = "validation perplexity " + course::fixed(t.validation, 1) +
                  " (chapter 15: " + course::fixed(cmp.nplm.validation, 1) + "); test " +
                  course::fixed(t.test, 1);
  j["config"] = {{"d_model", c.d},
                 {"layers", c.layers},
                 {"heads", c.heads},
                 {"context", c.context},
                 {"batch_size", c.batch_size},
                 {"steps", c.steps},
                 {"warmup", c.warmup},
                 {"eta", c.eta},
                 {"weight_decay", c.lambda},
                 {"clip", c.clip},
                 {"eval_poems", c.eval_poems},
                 {"top_k", c.top_k},
                 {"from_checkpoint", !c.from_checkpoint.empty()}};
  j["data"] = {{"V", d.vocabulary->size()},
               {"train_poems", d.train.size()},
               {"validation_poems", d.validation.size()},
               {"test_poems", d.test.size()}};
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& p : t.curve)
    curve.push_back({{"steps", p.steps},
                     {"tokens", p.tokens},
                     {"train_loss", p.train_loss},
                     {"validation_loss", p.validation_loss},
                     {"validation_perplexity", std::exp(p.validation_loss)}});
  j["gpt"] = {{"describe", cmp.gpt.model},
              {"params", cmp.gpt.params},
              {"flops_per_token", cmp.gpt.flops_per_token},
              {"tokens_trained", cmp.gpt.tokens_trained},
              {"val_perplexity", t.validation},
              {"test_perplexity", t.test},
              {"curve", curve}};
  j["nplm"] = {{"describe", cmp.nplm.model},
               {"params", cmp.nplm.params},
               {"flops_per_token", cmp.nplm.flops_per_token},
               {"tokens_trained", cmp.nplm.tokens_trained},
               {"val_perplexity", cmp.nplm.validation},
               {"test_perplexity", cmp.nplm.test}};
  nlohmann::json heads = nlohmann::json::array();
  for (const auto& f : att.heads)
    heads.push_back({{"layer", f.layer + 1},
                     {"head", f.head + 1},
                     {"start", f.start},
                     {"previous", f.previous},
                     {"line_end", f.line_end},
                     {"same_place", f.same_place},
                     {"uniform", f.uniform_place}});
  j["attention"] = {{"poem", att.poem}, {"poems_measured", att.poems}, {"heads", heads}};
  nlohmann::json s = nlohmann::json::array();
  for (const auto& st : samples)
    s.push_back({{"temperature", st.temperature},
                 {"top_k", st.top_k},
                 {"regular", st.regular},
                 {"mean_length", st.mean_length},
                 {"poems", st.poems}});
  j["samples"] = s;
  j["timing_seconds"] = {{"training", t.seconds}, {"tokens_per_second", t.tokens_per_second}};
  return j;
}

}  // namespace ch16
