// Chapter 16's experiments (see experiments.hpp), in the order of the lesson.
#include "chapters/16_transformer/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "chapters/15_language_model/poem_form.hpp"
#include "chapters/15_language_model/sampling.hpp"
#include "chapters/15_language_model/utf8.hpp"
#include "chapters/16_transformer/checkpoint.hpp"
#include "chapters/16_transformer/generate.hpp"
#include "chapters/16_transformer/poem_stream.hpp"
#include "common/error.hpp"

namespace ch16 {
// [load_data]
Data load_data(const std::string& data_dir, const Config& c,
               std::unique_ptr<lm::Vocabulary> vocabulary) {
  Data d;
  d.corpus = lm::load_corpus("tang", data_dir);
  course::Rng split_rng(lm::kSplitSeed);  // chapter 15's split: the same poems in both chapters
  d.split = lm::split_poems(d.corpus.poems.size(), 0.1, 0.1, split_rng);
  d.vocabulary = vocabulary ? std::move(vocabulary)
                            : std::make_unique<lm::Vocabulary>(
                                  lm::count_characters(d.corpus.poems, d.split.train), c.min_count);
  d.train = lm::encode_poems(*d.vocabulary, d.corpus.poems, d.split.train);
  d.validation_index = lm::evenly_spaced(d.split.validation, c.eval_poems);
  d.validation = lm::encode_poems(*d.vocabulary, d.corpus.poems, d.validation_index);
  d.test = lm::encode_poems(*d.vocabulary, d.corpus.poems,
                            lm::evenly_spaced(d.split.test, c.eval_poems));
  d.prompt = d.vocabulary->encode_strict(lm::utf8_decode(c.prompt, "--prompt"), "--prompt");
  return d;
}
// [load_data]

std::unique_ptr<lm::Vocabulary> checkpoint_vocabulary(const std::string& path) {
  if (path.empty()) return nullptr;
  return std::move(gpt::load_checkpoint(path).vocabulary);
}

// [pretrain]
Trained pretrain(const Data& d, const Config& c, const course::CommonOptions& common) {
  Trained t;
  if (!c.from_checkpoint.empty()) {  // a model trained before: measure it, train nothing
    gpt::Checkpoint loaded = gpt::load_checkpoint(c.from_checkpoint);
    t.model = std::move(loaded.model);
    t.checkpoint = c.from_checkpoint == gpt::shipped_checkpoint() ? gpt::shipped_checkpoint_name()
                                                                  : c.from_checkpoint;
  } else {
    course::Rng rng(common.seed);
    t.model = std::make_unique<gpt::Gpt<float>>(
        gpt::GptShape{d.vocabulary->size(), c.context, c.d, c.layers, c.heads}, rng);
    gpt::TrainConfig tc{c.context, c.batch_size, c.steps,  c.warmup,
                        c.eta,     c.eta / 10,   c.lambda, c.clip};
    gpt::GptTrainer<float> trainer(*t.model, tc);
    const gpt::PoemStream stream(d.train);
    const auto curve_poems = lm::evenly_spaced(d.validation, 500);  // the curve: 500 poems at most
    course::Progress progress("steps", c.steps);
    course::Timer timer;
    double evaluating = 0;
    for (arma::uword e = 1; e <= c.evaluations; ++e) {  // train to the next point, then measure
      const arma::uword until = c.steps * e / c.evaluations;
      CurvePoint p;
      p.train_loss = trainer.train(stream, until - trainer.steps_done(), rng, &progress);
      p.steps = until;
      p.tokens = double(until) * double(c.batch_size) * double(c.context);
      course::Timer eval_timer;
      p.validation_loss = gpt::evaluate(*t.model, curve_poems).mean();
      evaluating += eval_timer.seconds();
      t.curve.push_back(p);
    }
    t.seconds = timer.seconds() - evaluating;
    t.tokens_per_second = double(c.steps * c.batch_size * c.context) / t.seconds;
    t.checkpoint = common.out("tang_gpt.safetensors");
    std::filesystem::create_directories(common.out_dir);
    gpt::save_checkpoint(
        t.checkpoint, *t.model, *d.vocabulary,
        {{"seed", std::to_string(common.seed)}, {"steps", std::to_string(c.steps)}});
  }
  t.validation = gpt::evaluate(*t.model, d.validation).perplexity();
  t.test = gpt::evaluate(*t.model, d.test).perplexity();
  return t;
}
// [pretrain]

// [compare]
Comparison compare_with_nplm(Trained& t, const Data& d, const Config& c) {
  Comparison r;
  const gpt::GptShape& s = t.model->shape();
  const double V = double(s.V), dm = double(s.d), L = double(s.n_layer), n = double(s.n_ctx);
  r.gpt.model = "GPT d " + std::to_string(s.d) + ", " + std::to_string(s.n_layer) + " blocks of " +
                std::to_string(s.n_head) + " heads, n_ctx " + std::to_string(s.n_ctx);
  r.gpt.params = double(t.model->n_params());
  // Per token: the blocks' matrices (12 d^2 multiply-adds per block), attention's scores and
  // weighted sums (2 d per visible position, on average about n_ctx / 2 of them), the tied head
  // (V d). Two FLOPs per multiply-add.
  r.gpt.flops_per_token = 2.0 * (L * (12 * dm * dm + 2 * dm * (n + 1) / 2) + V * dm);
  r.gpt.validation = t.validation;
  r.gpt.test = t.test;
  r.gpt.tokens_trained = t.curve.empty() ? 0 : t.curve.back().tokens;
  const double nV = double(d.vocabulary->size()), nn = 12, nd = 32, nh = 128;  // chapter 15
  r.nplm.model = "chapter 15's MLP: n 12, d 32, h 128";
  r.nplm.params = nV * nd + (nn * nd + 1) * nh + (nh + 1) * nV;
  r.nplm.flops_per_token = 2.0 * (nn * nd * nh + nh * nV);
  r.nplm.validation = kNplmValidation;
  r.nplm.test = kNplmTest;
  r.nplm.tokens_trained = kNplmTokens;
  (void)c;
  return r;
}
// [compare]

namespace {

/// One head's focus on one poem: add each query's masses to `f` (divided later by `queries`).
void add_focus(HeadFocus& f, const arma::mat& P, const std::vector<lm::Token>& seq,
               const lm::Vocabulary& v, std::size_t line, std::size_t& queries) {
  std::ptrdiff_t last_end = -1;  // latest line-ending punctuation strictly before the query
  for (std::size_t t = 1; t < seq.size(); ++t) {
    const lm::Token prev = seq[t - 1];
    if (prev >= 2 && lm::ends_line(lm::utf8_decode(v.symbol(prev), "vocabulary")[0]))
      last_end = std::ptrdiff_t(t - 1);
    f.start += P(0, t);
    f.previous += P(t - 1, t);
    if (last_end >= 0) f.line_end += P(std::size_t(last_end), t);
    if (t >= line + 1) f.same_place += P(t - line - 1, t);  // one line (+ its mark) back
    f.uniform_place += 1.0 / double(t + 1);
    ++queries;
  }
}

}  // namespace

// [attention]
AttentionStudy study_attention(Trained& t, const Data& d) {
  AttentionStudy st;
  gpt::Gpt<float>& model = *t.model;
  const gpt::GptShape& s = model.shape();
  for (arma::uword l = 0; l < s.n_layer; ++l)
    for (arma::uword h = 0; h < s.n_head; ++h) st.heads.push_back({l, h, 0, 0, 0, 0, 0});
  std::size_t queries = 0;
  for (std::size_t k = 0; k < d.validation.size() && st.poems < 300; ++k) {
    const lm::Poem& poem = d.corpus.poems[d.validation_index[k]];
    const lm::PoemForm form = lm::form_of(poem.text);
    const std::string name = form.name();
    if (name != "5 x 4" && name != "7 x 4" && name != "5 x 8" && name != "7 x 8") continue;
    if (poem.text.size() + 1 > s.n_ctx) continue;
    std::vector<lm::Token> seq{lm::Vocabulary::kBoundary};  // <s> and the poem, one sequence
    seq.insert(seq.end(), d.validation[k].begin(), d.validation[k].end());
    arma::umat ids(seq.size(), 1);
    for (std::size_t i = 0; i < seq.size(); ++i) ids(i, 0) = seq[i];
    model.forward(ids);
    std::size_t q = 0;
    for (arma::uword l = 0; l < s.n_layer; ++l) {
      const arma::mat P = arma::conv_to<arma::mat>::from(model.h[l].attn().weights());  // T x T*NH
      for (arma::uword h = 0; h < s.n_head; ++h) {
        q = 0;
        const arma::mat Ph = P.cols(h * seq.size(), (h + 1) * seq.size() - 1);
        add_focus(st.heads[l * s.n_head + h], Ph, seq, *d.vocabulary, form.line_lengths[0], q);
        if (st.maps.size() < s.n_layer * s.n_head && (name == "5 x 4" || name == "7 x 4"))
          st.maps.push_back(Ph);
      }
    }
    if (st.poem.empty() && !st.maps.empty()) {
      st.poem = lm::utf8_encode(poem.text);
      for (lm::Token id : seq) st.tokens.push_back(d.vocabulary->symbol(id));
    }
    queries += q;
    ++st.poems;
  }
  for (auto& f : st.heads)
    for (double* x : {&f.start, &f.previous, &f.line_end, &f.same_place, &f.uniform_place})
      *x /= double(std::max<std::size_t>(queries, 1));
  return st;
}
// [attention]

// [generate]
std::vector<SampleSetting> generate_poems(Trained& t, const Data& d, const Config& c,
                                          std::uint64_t seed) {
  std::vector<SampleSetting> settings;
  course::Rng rng(seed);
  for (double tau : c.temperatures)
    for (arma::uword k : {arma::uword(0), c.top_k}) {
      if (tau == 0 && k != 0) continue;  // greedy: truncation changes nothing
      if (k == 0 && c.top_k == 0 && !settings.empty() && settings.back().temperature == tau)
        continue;
      SampleSetting st{tau, k, {}, 0, 0};
      const lm::NextLogits next = gpt::next_logits(*t.model, k);
      for (arma::uword i = 0; i < (tau == 0 ? 1 : c.samples); ++i) {
        const std::vector<lm::Token> poem = lm::generate(next, d.prompt, tau, c.max_chars, rng);
        const std::string text = d.vocabulary->decode(poem);
        const lm::PoemForm form = lm::form_of(lm::utf8_decode(text, "sample"));
        const std::string name = form.name();
        st.regular += (name == "5 x 4" || name == "7 x 4" || name == "5 x 8" || name == "7 x 8");
        st.mean_length += double(poem.size());
        st.poems.push_back(text);
      }
      st.regular /= double(st.poems.size());
      st.mean_length /= double(st.poems.size());
      settings.push_back(st);
    }
  return settings;
}
// [generate]

}  // namespace ch16
