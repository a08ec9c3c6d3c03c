// Chapter 17's experiments (see experiments.hpp), in the order of the lesson.
#include "chapters/17_lm_fine_tuning/experiments.hpp"

#include <algorithm>
#include <filesystem>

#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/13_lora/adapter.hpp"
#include "chapters/15_language_model/poem_form.hpp"
#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/utf8.hpp"
#include "chapters/16_transformer/generate.hpp"
#include "chapters/16_transformer/poem_stream.hpp"
#include "chapters/16_transformer/trainer.hpp"
#include "common/error.hpp"

namespace ch17 {

// [load_data]
Data load_data(const std::string& tang_dir, const Config& c) {
  Data d;
  d.base = gpt::load_checkpoint(c.base);  // the model and the ids it was trained with
  d.base_name = c.base == gpt::shipped_checkpoint() ? gpt::shipped_checkpoint_name() : c.base;
  d.ci = ft::load_song_ci(c.songci_data, *d.base.vocabulary, c.train_ci, c.eval_ci);
  const lm::Corpus tang = lm::load_corpus("tang", tang_dir);
  course::Rng split_rng(lm::kSplitSeed);  // chapter 15's split: poems no model trained on
  const lm::PoemSplit split = lm::split_poems(tang.poems.size(), 0.1, 0.1, split_rng);
  d.tang_validation = lm::encode_poems(*d.base.vocabulary, tang.poems,
                                       lm::evenly_spaced(split.validation, c.eval_poems));
  return d;
}
// [load_data]

std::string Recipe::name() const {
  switch (method) {
    case Method::pretrained:
      return "pretrained, as is";
    case Method::full:
      return "full fine-tuning";
    case Method::blocks:
      return "blocks (embeddings frozen)";
    case Method::head:
      return "head only";
    case Method::lora_attention:
      return "LoRA attention r " + std::to_string(rank);
    case Method::lora_all:
      return "LoRA all linear r " + std::to_string(rank);
    case Method::scratch:
      return "from scratch";
  }
  return "";
}

std::string Recipe::key() const {
  switch (method) {
    case Method::pretrained:
      return "pretrained";
    case Method::full:
      return "full";
    case Method::blocks:
      return "blocks";
    case Method::head:
      return "head";
    case Method::lora_attention:
      return "lora_attention_r" + std::to_string(rank);
    case Method::lora_all:
      return "lora_all_r" + std::to_string(rank);
    case Method::scratch:
      return "scratch";
  }
  return "";
}

std::vector<Recipe> recipes(const Config& c) {
  std::vector<Recipe> all{{Method::pretrained}, {Method::full}, {Method::blocks}, {Method::head}};
  for (Method m : {Method::lora_attention, Method::lora_all})
    for (arma::uword r : c.ranks) all.push_back({m, r});
  all.push_back({Method::scratch});
  return all;
}

namespace {

course::MeanSd over_seeds(const std::vector<Run>& runs, double Run::*field) {
  std::vector<double> v;
  for (const Run& r : runs) v.push_back(r.*field);
  return course::mean_sd(v);
}

}  // namespace

course::MeanSd MethodResult::ci_validation() const { return over_seeds(runs, &Run::ci_validation); }
course::MeanSd MethodResult::ci_test() const { return over_seeds(runs, &Run::ci_test); }
course::MeanSd MethodResult::tang_validation() const {
  return over_seeds(runs, &Run::tang_validation);
}
double MethodResult::seconds() const {
  std::vector<double> s;
  for (const Run& r : runs) s.push_back(r.seconds);
  std::sort(s.begin(), s.end());
  return s.empty() ? 0 : s[s.size() / 2];
}

namespace {

/// A model adapted by one recipe: the GPT, for head only the new head on it, what was trained.
struct Adapted {
  std::shared_ptr<gpt::Gpt<float>> model;
  std::unique_ptr<ft::HeadOnly<float>> head;  // declared after model: destroyed before it
  std::vector<mlp::Param<float>> trained;
  double seconds = 0, train_loss = 0;

  /// The model's perplexity on whole poems, read through the head it has.
  double perplexity(const std::vector<std::vector<lm::Token>>& poems) {
    if (!head) return gpt::evaluate(*model, poems).perplexity();
    auto logits = [this](const arma::umat& ids) -> const arma::fmat& { return head->forward(ids); };
    return gpt::evaluate(logits, model->shape().n_ctx, poems).perplexity();
  }
};

// [train]
/// Chapter 16's training step on the ci's windows: AdamW on `a.trained` (for the GPT itself:
/// what its params() give), warm-up over the first tenth, cosine to eta / 10, clipping.
template <class Model>
void train(Model& m, Adapted& a, const Data& d, const Config& c, double eta, course::Rng& rng) {
  const arma::uword n_ctx = a.model->shape().n_ctx, tenth = c.steps / 10;
  gpt::GptTrainer<float, Model> trainer(
      m, {n_ctx, c.batch_size, c.steps, tenth, eta, eta / 10, c.lambda, c.clip}, a.trained);
  const gpt::PoemStream stream(d.ci.train);
  course::Timer timer;
  trainer.train(stream, c.steps - tenth, rng);
  a.train_loss = trainer.train(stream, tenth, rng);  // the last tenth's mean loss
  a.seconds = timer.seconds();
}
// [train]

// [adapt]
/// One recipe, one seed: copy the pretrained model (or draw a new one), decide what is trained.
Adapted adapt(const Data& d, const Config& c, const Recipe& r, std::uint64_t seed) {
  Adapted a;
  course::Rng rng(seed);
  a.model = r.method == Method::scratch
                ? std::make_shared<gpt::Gpt<float>>(d.base.model->shape(), rng)  // random start
                : std::make_shared<gpt::Gpt<float>>(*d.base.model);  // the pretrained weights
  gpt::Gpt<float>& m = *a.model;
  switch (r.method) {
    case Method::pretrained:
      break;
    case Method::full:
    case Method::scratch:  // every parameter
      a.trained = m.params();
      train(m, a, d, c, r.method == Method::full ? c.eta_full : c.eta_scratch, rng);
      break;
    case Method::blocks:  // every block's weights and norms, the embeddings (and head) frozen
      m.frozen_embeddings = true;
      for (auto& p : m.params())
        if (p.name.rfind("wte.", 0) != 0 && p.name.rfind("wpe.", 0) != 0) a.trained.push_back(p);
      train(m, a, d, c, c.eta_full, rng);
      break;
    case Method::head:  // a new W (V x d) on frozen features
      a.head = std::make_unique<ft::HeadOnly<float>>(m);
      a.trained = a.head->params();
      train(*a.head, a, d, c, c.eta_head, rng);
      break;
    case Method::lora_attention:
    case Method::lora_all:  // A and B of each adapted layer; all else frozen
      ft::attach_lora(m, r.method == Method::lora_all, r.rank, c.alpha, rng);
      a.trained = ft::lora_params(m);
      train(m, a, d, c, c.eta_lora, rng);
      break;
  }
  return a;
}
// [adapt]

/// Save what this recipe trained, as the file a user would keep per task: the whole model
/// (full, scratch), the blocks' tensors (blocks), the head, or the adapter (PEFT's names and shapes), each naming its base by
/// SHA-256 as chapter 13's adapters do. \return the file's size in bytes
std::uintmax_t save_trained(Adapted& a, const Recipe& r, const Data& d, const Config& c,
                            const std::string& path) {
  safetensors::Metadata m{{"method", r.key()},
                          {"base_checkpoint", std::filesystem::path(c.base).filename().string()},
                          {"base_sha256", mlp::checkpoint_sha256(c.base)}};
  if (r.method == Method::full || r.method == Method::scratch) {
    gpt::save_checkpoint(path, *a.model, *d.base.vocabulary, m);  // every weight
  } else if (r.method == Method::blocks) {
    safetensors::Tensors tensors;  // the trained tensors only, GPT-2's names and layout
    for (const auto& p : a.trained)
      tensors[p.name] = safetensors::make_tensor(gpt::gpt2_shape(*p.value), p.value->memptr());
    safetensors::save_safetensors(path, tensors, m);
  } else {
    if (r.rank > 0) {
      m["peft_type"] = "LORA";
      m["r"] = std::to_string(r.rank);
      m["lora_alpha"] = mlp::detail::compact(c.alpha);
      m["target_modules"] = r.method == Method::lora_all ? "c_attn,c_proj,c_fc" : "c_attn";
    }
    safetensors::Tensors tensors;  // lora_A [r, in], lora_B [out, r], lm_head [V, d]: row-major
    for (const auto& p : a.trained)
      tensors[p.name] = mlp::to_tensor(*p.value, {p.value->n_rows, p.value->n_cols});
    safetensors::save_safetensors(path, tensors, m);
  }
  return std::filesystem::file_size(path);
}

Run score(Adapted& a, const Data& d, std::uint64_t seed) {
  Run run;
  run.seed = seed;
  run.seconds = a.seconds;
  run.train_loss = a.train_loss;
  run.ci_validation = a.perplexity(d.ci.validation);
  run.ci_test = a.perplexity(d.ci.test);
  run.tang_validation = a.perplexity(d.tang_validation);  // what it still knows of the Tang poems
  return run;
}

}  // namespace

void check_ranks(const Data& d, const Config& c) {
  const arma::uword dm = d.base.model->shape().d;
  for (arma::uword r : c.ranks)
    if (r > dm)
      throw course::UsageError("--ranks: rank " + std::to_string(r) +
                               " is above d_model = " + std::to_string(dm) + " of " + d.base_name +
                               " (LoRA needs r <= min(n_in, n_out) of every adapted layer)");
}

// [compare]
Comparison compare_methods(Data& d, const Config& c, const course::CommonOptions& common) {
  Comparison cmp;
  cmp.all_params = double(d.base.model->n_params());
  std::filesystem::create_directories(common.out_dir);
  const std::vector<Recipe> all = recipes(c);
  course::Progress progress("runs", all.size() * c.seeds);
  std::size_t done = 0;
  for (const Recipe& r : all) {
    MethodResult result;
    result.recipe = r;
    const arma::uword seeds = r.method == Method::pretrained ? 1 : c.seeds;
    for (arma::uword s = 0; s < seeds; ++s) {
      Adapted a = adapt(d, c, r, common.seed + s);
      result.runs.push_back(score(a, d, common.seed + s));
      progress.update(done += (r.method == Method::pretrained ? c.seeds : 1), r.name());
      if (s > 0) continue;
      for (const auto& p : a.trained) result.trainable += double(p.value->n_elem);
      if (r.method != Method::pretrained) {
        result.saved = common.out(r.key() + ".safetensors");
        result.saved_bytes = save_trained(a, r, d, c, result.saved);
      }
      const bool headline = r.method == Method::lora_all && r.rank == c.headline_rank;
      if (r.method == Method::pretrained || r.method == Method::full || headline)
        cmp.kept.push_back({r.name(), a.model});
      if (headline) {  // merged, the adapted model costs what the base did, and scores the same
        gpt::Gpt<float> merged = *a.model;
        ft::merge_lora(merged);
        cmp.merged_ci_validation = gpt::evaluate(merged, d.ci.validation).perplexity();
      }
    }
    cmp.methods.push_back(result);
  }
  return cmp;
}
// [compare]

// [write]
std::vector<Writing> write_ci(Data& d, Comparison& cmp, const Config& c, std::uint64_t seed) {
  std::vector<Writing> all;
  for (auto& [name, model] : cmp.kept) {
    course::Rng rng(seed);  // the same draws for every model
    Writing w{name, {}, 0, 0, 0};
    const lm::NextLogits next = gpt::next_logits(*model, 40);
    for (arma::uword i = 0; i < c.samples; ++i) {
      const std::vector<lm::Token> text = lm::generate(next, {}, 0.8, 200, rng);
      const std::string utf8 = d.base.vocabulary->decode(text);
      const std::string form = lm::form_of(lm::utf8_decode(utf8, "sample")).name();
      w.mixed += form == "mixed";
      w.regular += form == "5 x 4" || form == "7 x 4" || form == "5 x 8" || form == "7 x 8";
      w.mean_length += double(text.size());
      w.texts.push_back(utf8);
    }
    for (double* x : {&w.mixed, &w.regular, &w.mean_length}) *x /= double(c.samples);
    all.push_back(w);
  }
  return all;
}
// [write]

// [at_scale]
AtScale at_scale(const Data& d, const Config& c) {
  const gpt::GptShape& s = d.base.model->shape();
  AtScale a;
  a.shapes.push_back({"this chapter's GPT", double(s.V), double(s.n_ctx), double(s.d),
                      double(s.n_layer), 4.0 * double(s.d), false});
  for (const auto& m : ft::real_models()) a.shapes.push_back(m);
  const std::vector<double> ranks(c.ranks.begin(), c.ranks.end());
  for (const auto& shape : a.shapes) {
    a.total.push_back(ft::total_params(shape));
    for (const auto& cost : ft::fine_tune_costs(shape, ranks)) a.costs.push_back(cost);
  }
  return a;
}
// [at_scale]

}  // namespace ch17
