// Chapter 15's experiments (see experiments.hpp), in the order of the lesson.
#include "chapters/15_language_model/experiments.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include "common/error.hpp"

namespace ch15 {
namespace {

/// A model of the flags' shape, with n and d overridden.
lm::Nplm<float> make_model(const Data& d, const Config& c, arma::uword n, arma::uword dim,
                           course::Rng& rng) {
  return lm::Nplm<float>({static_cast<arma::uword>(d.vocabulary.size()), n, dim, c.h}, rng);
}

}  // namespace

// [load_data]
Data load_data(const std::string& data_dir, const Config& c) {
  lm::Corpus corpus = lm::load_corpus("tang", data_dir);
  course::Rng split_rng(lm::kSplitSeed);  // the split's own seed: the same poems in every run
  lm::PoemSplit split = lm::split_poems(corpus.poems.size(), 0.1, 0.1, split_rng);
  lm::Vocabulary vocabulary(lm::count_characters(corpus.poems, split.train), c.min_count);
  Data d{std::move(corpus), std::move(split), std::move(vocabulary), {}, {}, {}, 0, {}};
  d.train = lm::encode_poems(d.vocabulary, d.corpus.poems, d.split.train);
  d.validation = lm::encode_poems(d.vocabulary, d.corpus.poems,
                                  lm::evenly_spaced(d.split.validation, c.eval_poems));
  d.test =
      lm::encode_poems(d.vocabulary, d.corpus.poems, lm::evenly_spaced(d.split.test, c.eval_poems));
  d.validation_poems_all = d.split.validation.size();
  d.prompt = d.vocabulary.encode_strict(lm::utf8_decode(c.prompt, "--prompt"), "--prompt");
  return d;
}
// [load_data]

CorpusFacts explore_corpus(const Data& d) {
  CorpusFacts f;
  f.files = d.corpus.files.size();
  f.poems = d.corpus.poems.size();
  f.textless = d.corpus.textless.size();
  std::vector<std::size_t> every(f.poems);
  for (std::size_t k = 0; k < f.poems; ++k) every[k] = k;
  const lm::CharCounts raw = lm::count_characters(d.corpus.poems, every, true);
  const lm::CharCounts clean = lm::count_characters(d.corpus.poems, every);
  for (const auto& [ch, n] : raw) f.raw_characters += n;
  f.raw_distinct = raw.size();
  for (const auto& [ch, n] : clean) f.characters += n;
  f.distinct = clean.size();
  for (const auto& [ch, n] : clean) f.punctuation += lm::ends_line(ch) ? n : 0;
  // Forms and lengths.
  std::map<std::string, std::size_t> forms;
  std::map<std::size_t, std::size_t> lengths;
  std::vector<double> sizes;
  for (const lm::Poem& p : d.corpus.poems) {
    ++forms[lm::form_of(p.text).name()];
    ++lengths[p.text.size()];
    sizes.push_back(double(p.text.size()));
  }
  for (const std::string& name : lm::form_names()) f.forms.push_back({name, forms[name]});
  f.lengths.assign(lengths.begin(), lengths.end());
  f.median_length = arma::median(arma::vec(sizes));
  // Frequencies, most frequent first (ties: smaller code point first).
  std::vector<std::pair<char32_t, std::size_t>> ranked(clean.begin(), clean.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    if (k < 20) f.top.push_back({lm::utf8_encode(ranked[k].first), ranked[k].second});
    f.frequency_by_rank.push_back(double(ranked[k].second));
    for (std::size_t rank : {1, 2, 3, 10, 100, 1000, 5000})
      if (k + 1 == rank) f.milestones.push_back({rank, lm::utf8_encode(ranked[k].first)});
  }
  return f;
}

CoverageTable vocabulary_coverage(const Data& d, const Config& c) {
  const lm::CharCounts train = lm::count_characters(d.corpus.poems, d.split.train);
  const lm::CharCounts validation = lm::count_characters(d.corpus.poems, d.split.validation);
  std::vector<std::size_t> rules = {1, 2, 3, 5, 10, 20, 50};
  if (std::find(rules.begin(), rules.end(), c.min_count) == rules.end())
    rules.push_back(c.min_count);
  std::sort(rules.begin(), rules.end());
  CoverageTable table;
  for (std::size_t k : rules) {
    const lm::Vocabulary v(train, k);
    table.push_back({k, v.size(), v.coverage(validation)});
  }
  return table;
}

// [baselines]
Baselines count_baselines(const Data& d) {
  Baselines b;
  const lm::NgramCounts counts(d.train, d.vocabulary.size());
  b.unigram = lm::ngram_perplexity(d.validation,
                                   [&](lm::Token, lm::Token w) { return counts.unigram(w, 1.0); });
  for (double k : {1.0, 0.1, 0.01})
    b.bigram_add_k.push_back({k, lm::ngram_perplexity(d.validation, [&](lm::Token u, lm::Token w) {
                                return counts.bigram(u, w, k);
                              })});
  b.interpolated = 1e300;
  for (double lambda = 0.5; lambda < 0.96; lambda += 0.05) {  // lambda chosen on validation
    const double ppl = lm::ngram_perplexity(
        d.validation, [&](lm::Token u, lm::Token w) { return counts.interpolated(u, w, lambda); });
    if (ppl < b.interpolated) {
      b.interpolated = ppl;
      b.best_lambda = lambda;
    }
  }
  // The issue's setting: the text as stored, every training character its own id.
  const lm::Vocabulary raw(lm::count_characters(d.corpus.poems, d.split.train, true), 1);
  const auto train = lm::encode_poems(raw, d.corpus.poems, d.split.train, true);
  const auto validation = lm::encode_poems(raw, d.corpus.poems, d.split.validation, true);
  const lm::NgramCounts raw_counts(train, raw.size());
  b.issue_vocabulary = raw.size();
  b.issue_unigram = lm::ngram_perplexity(
      validation, [&](lm::Token, lm::Token w) { return raw_counts.unigram(w, 1.0); });
  b.issue_bigram = lm::ngram_perplexity(
      validation, [&](lm::Token u, lm::Token w) { return raw_counts.bigram(u, w, 0.1); });
  return b;
}
// [baselines]

double Baselines::bigram() const {
  for (const auto& [k, ppl] : bigram_add_k)
    if (k == 0.1) return ppl;
  return 0;
}

// [train_model]
Trained train_model(const Data& d, const Config& c, std::uint64_t seed) {
  course::Rng rng(seed);
  Trained t{make_model(d, c, c.n, c.d, rng), {}, 0, 0, 0, 0};
  lm::ContextWindows train(d.train, c.n), validation(d.validation, c.n), test(d.test, c.n);
  mlp::Adam<float> adam(t.model.params(), c.eta);
  const mlp::CosineSchedule schedule{c.eta, c.eta / 100, c.steps};  // chapter 08's decay
  lm::LmTrainer<float> trainer(t.model, adam, c.batch_size);
  trainer.after_step = [&](arma::uword steps) { adam.eta = schedule.eta_at(steps); };
  course::Progress progress("steps", c.steps);
  course::Timer timer;
  double training_time = 0;
  for (arma::uword e = 1; e <= c.evaluations; ++e) {  // train, then measure on validation
    const arma::uword target = c.steps * e / c.evaluations, steps = target - trainer.steps_done();
    timer.reset();
    const double loss = trainer.train(train, steps, rng, &progress);
    training_time += timer.seconds();
    const double ppl = lm::evaluate(t.model, validation).perplexity();
    t.curve.push_back({target, double(target * c.batch_size), std::exp(loss), ppl});
  }
  t.validation = t.curve.back().validation_perplexity;
  t.test = lm::evaluate(t.model, test).perplexity();
  t.seconds = training_time;
  t.tokens_per_second = double(c.steps * c.batch_size) / training_time;
  return t;
}
// [train_model]

Sweep sweep_context_and_embedding(const Data& d, const Config& c, std::uint64_t seed) {
  Sweep s;
  if (c.sweep_steps == 0) return s;
  auto train_one = [&](arma::uword n, arma::uword dim) {
    course::Rng rng(seed);  // every model from the same seed
    lm::Nplm<float> model = make_model(d, c, n, dim, rng);
    lm::ContextWindows train(d.train, n), validation(d.validation, n);
    mlp::Adam<float> adam(model.params(), c.eta);
    const mlp::CosineSchedule schedule{c.eta, c.eta / 100, c.sweep_steps};
    lm::LmTrainer<float> trainer(model, adam, c.batch_size);
    trainer.after_step = [&](arma::uword steps) { adam.eta = schedule.eta_at(steps); };
    course::Progress progress("n " + std::to_string(n) + ", d " + std::to_string(dim) + ": steps",
                              c.sweep_steps);
    trainer.train(train, c.sweep_steps, rng, &progress);
    return SweepPoint{n, dim, model.n_params(), lm::evaluate(model, validation).perplexity()};
  };
  std::vector<SweepPoint> done;  // (n, d) pairs shared by both lines are trained once
  auto point = [&](arma::uword n, arma::uword dim) {
    for (const SweepPoint& p : done)
      if (p.n == n && p.d == dim) return p;
    done.push_back(train_one(n, dim));
    return done.back();
  };
  for (arma::uword n : c.contexts) s.by_context.push_back(point(n, c.d));
  std::vector<arma::uword> dims = c.embeddings;
  if (std::find(dims.begin(), dims.end(), c.d) == dims.end()) dims.push_back(c.d);
  std::sort(dims.begin(), dims.end());
  for (arma::uword dim : dims) s.by_embedding.push_back(point(c.n, dim));
  return s;
}

// [sample_poems]
SampleSet sample_poems(Trained& t, const Data& d, const Config& c, std::uint64_t seed) {
  const lm::NextLogits next = [&](const std::vector<lm::Token>& history) {
    return arma::fvec(t.model.forward(lm::last_context(history, t.model.n())).col(0));
  };
  std::unordered_set<std::u32string> training_lines;  // to see how much is copied
  for (std::size_t k : d.split.train)
    for (auto& line : lm::lines_of(d.corpus.poems[k].text)) training_lines.insert(std::move(line));
  course::Rng rng(seed + 1);
  SampleSet set;
  for (double tau : c.temperatures) {
    TemperatureSamples s{tau, {}, 0, 0, 0, 0, 0};
    std::size_t lines = 0, copied = 0, chars = 0;
    std::unordered_set<lm::Token> distinct;
    const arma::uword count = tau == 0 ? 1 : c.samples;  // greedy gives the same poem every time
    for (arma::uword k = 0; k < count; ++k) {
      const std::vector<lm::Token> poem = lm::generate(next, d.prompt, tau, c.max_chars, rng);
      const std::string text = d.vocabulary.decode(poem);
      const std::u32string chars32 = lm::utf8_decode(text, "sample");
      const std::string shape = lm::form_of(chars32).name();
      s.regular +=
          (shape == "5 x 4" || shape == "7 x 4" || shape == "5 x 8" || shape == "7 x 8") ? 1 : 0;
      s.even_lines += (shape.rfind("5 x", 0) == 0 || shape.rfind("7 x", 0) == 0) ? 1 : 0;
      chars += poem.size();
      distinct.insert(poem.begin(), poem.end());
      for (const auto& line : lm::lines_of(chars32))  // 5- and 7-character lines copied whole?
        if (line.size() == 5 || line.size() == 7) {
          ++lines;
          copied += training_lines.count(line);
        }
      s.poems.push_back(text);
    }
    s.regular /= double(count);
    s.even_lines /= double(count);
    s.mean_length = double(chars) / double(count);
    s.copied_lines = lines ? double(copied) / double(lines) : 0;
    s.distinct = chars ? double(distinct.size()) / double(chars) : 0;
    set.push_back(s);
  }
  return set;
}
// [sample_poems]

SongciFacts songci_through_tang_vocabulary(const Data& d, const std::string& data_dir) {
  const lm::Corpus ci = lm::load_corpus("songci", data_dir);
  std::vector<std::size_t> every(ci.poems.size());
  for (std::size_t k = 0; k < every.size(); ++k) every[k] = k;
  const lm::CharCounts counts = lm::count_characters(ci.poems, every);
  SongciFacts f;
  f.poems = ci.poems.size();
  f.distinct = counts.size();
  for (const auto& [ch, n] : counts) f.characters += n;
  f.coverage = d.vocabulary.coverage(counts);
  std::map<std::string, std::size_t> forms;
  for (const lm::Poem& p : ci.poems) ++forms[lm::form_of(p.text).name()];
  for (const std::string& name : lm::form_names()) f.forms.push_back({name, forms[name]});
  std::vector<std::pair<char32_t, std::size_t>> unknown;
  for (const auto& [ch, n] : counts)
    if (!d.vocabulary.contains(ch)) unknown.push_back({ch, n});
  std::sort(unknown.begin(), unknown.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (std::size_t k = 0; k < std::min<std::size_t>(12, unknown.size()); ++k)
    f.top_unknown.push_back({lm::utf8_encode(unknown[k].first), unknown[k].second});
  return f;
}

NeighbourSet embedding_neighbours(const Trained& t, const Data& d) {
  NeighbourSet set;
  for (char32_t q : std::u32string(U"月山春紅一東君馬")) {
    if (!d.vocabulary.contains(q)) continue;
    const lm::Token id = d.vocabulary.id(q);
    NeighbourRow row{id, lm::nearest(t.model.embedding.C, id, 6)};
    set.points.push_back(id);
    for (const auto& nb : row.neighbours) set.points.push_back(nb.id);
    set.rows.push_back(row);
  }
  set.group.set_size(set.points.size());
  for (std::size_t r = 0, k = 0; r < set.rows.size(); ++r)
    for (std::size_t j = 0; j <= set.rows[r].neighbours.size(); ++j) set.group[k++] = r;
  if (set.points.size() >= 2) set.plane = lm::principal_plane(t.model.embedding.C, set.points);
  return set;
}

}  // namespace ch15
