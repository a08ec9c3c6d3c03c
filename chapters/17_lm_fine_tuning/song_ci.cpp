// Chapter 17: the Song ci as the new domain (see song_ci.hpp).
#include "chapters/17_lm_fine_tuning/song_ci.hpp"

#include <opencc/opencc.h>

#include <algorithm>

#include "chapters/15_language_model/utf8.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace ft {

ToTraditional::ToTraditional(const std::string& config) : handle_(opencc_open(config.c_str())) {
  if (handle_ == reinterpret_cast<void*>(-1))  // OpenCC's failure value: (opencc_t)-1
    throw course::Error("OpenCC: cannot open the configuration " + config + " (" + opencc_error() +
                        "; install the Debian package libopencc-dev)");
}

ToTraditional::~ToTraditional() { opencc_close(static_cast<opencc_t>(handle_)); }

std::u32string ToTraditional::operator()(const std::u32string& text) const {
  const std::string in = lm::utf8_encode(text);
  char* out = opencc_convert_utf8(static_cast<opencc_t>(handle_), in.data(), in.size());
  if (out == nullptr)
    throw course::Error(std::string("OpenCC: conversion failed: ") + opencc_error());
  const std::string converted(out);
  opencc_convert_utf8_free(out);
  return lm::utf8_decode(converted, "OpenCC's output");
}

Coverage coverage(const std::vector<lm::Poem>& poems, const lm::Vocabulary& v) {
  std::vector<std::size_t> every(poems.size());
  for (std::size_t k = 0; k < every.size(); ++k) every[k] = k;
  const lm::CharCounts counts = lm::count_characters(poems, every);
  Coverage c;
  for (const auto& [ch, n] : counts) c.characters += n;
  c.with_id = v.coverage(counts);
  std::vector<std::pair<char32_t, std::size_t>> missing;
  for (const auto& [ch, n] : counts)
    if (!v.contains(ch)) missing.push_back({ch, n});
  std::sort(missing.begin(), missing.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (std::size_t k = 0; k < std::min<std::size_t>(12, missing.size()); ++k)
    c.top_missing.push_back({lm::utf8_encode(missing[k].first), missing[k].second});
  return c;
}

// [load_song_ci_body]
Domain load_song_ci(const std::string& data_dir, const lm::Vocabulary& v, std::size_t train_ci,
                    std::size_t eval_ci) {
  Domain d;
  d.corpus = lm::load_corpus("songci", data_dir);
  d.ci = d.corpus.poems.size();
  d.simplified = coverage(d.corpus.poems, v);
  const ToTraditional to_traditional;
  for (lm::Poem& p : d.corpus.poems) {  // 风 -> 風, 无 -> 無: the script the model was trained on
    p.raw = to_traditional(p.raw);
    p.text = to_traditional(p.text);
  }
  d.traditional = coverage(d.corpus.poems, v);
  course::Rng split_rng(lm::kSplitSeed);  // chapter 15's rule and seed, on the ci
  d.split = lm::split_poems(d.corpus.poems.size(), 0.1, 0.1, split_rng);
  const auto train = lm::evenly_spaced(d.split.train, train_ci);
  d.train = lm::encode_poems(v, d.corpus.poems, train);
  d.validation =
      lm::encode_poems(v, d.corpus.poems, lm::evenly_spaced(d.split.validation, eval_ci));
  d.test = lm::encode_poems(v, d.corpus.poems, lm::evenly_spaced(d.split.test, eval_ci));
  for (const auto& poem : d.train) d.train_characters += poem.size();
  return d;
}
// [load_song_ci_body]

}  // namespace ft
