// The poem corpus (see corpus.hpp): JSON files in, poems out, every failure one line naming the
// file, the poem and what was expected.
#include "chapters/15_language_model/corpus.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "chapters/15_language_model/utf8.hpp"
#include "common/data.hpp"
#include "common/error.hpp"
#include "common/files.hpp"

namespace lm {
namespace {

using nlohmann::json;

/// "poem 3 (帝京篇十首 一)" or "poem 3": how messages name a poem.
std::string poem_name(std::size_t k, const json& poem) {
  std::string name = "poem " + std::to_string(k);
  if (poem.is_object())
    for (const char* key : {"title", "rhythmic"}) {
      const auto it = poem.find(key);
      if (it != poem.end() && it->is_string()) return name + " (" + it->get<std::string>() + ")";
    }
  return name;
}

/// An optional string field ("" when absent); any other type is an Error.
std::string string_field(const json& poem, const char* key, const std::string& where) {
  const auto it = poem.find(key);
  if (it == poem.end() || it->is_null()) return "";
  if (!it->is_string())
    throw course::Error(where + ": \"" + key + "\" is " + it->type_name() + ", expected a string");
  return it->get<std::string>();
}

/// The poem's lines, checked and joined into one string of code points.
std::u32string joined_lines(const json& poem, const std::string& where) {
  const auto it = poem.find("paragraphs");
  if (it == poem.end())
    throw course::Error(where + ": no \"paragraphs\" (expected an array of lines)");
  if (!it->is_array())
    throw course::Error(where + ": \"paragraphs\" is " + std::string(it->type_name()) +
                        ", expected an array of lines (strings)");
  std::u32string text;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& line = (*it)[i];
    const std::string at = where + ": \"paragraphs\"[" + std::to_string(i) + "]";
    if (!line.is_string())
      throw course::Error(at + " is " + line.type_name() + ", expected a string");
    const std::u32string chars = utf8_decode(line.get<std::string>(), at);
    for (std::size_t c = 0; c < chars.size(); ++c)
      if (chars[c] < 0x20 || (chars[c] >= 0x7F && chars[c] < 0xA0))
        throw course::Error(at + ": control character " + code_point_name(chars[c]) +
                            " at character " + std::to_string(c) + " (expected printable text)");
    text += chars;
  }
  return text;
}

/// nlohmann's message without its "[json.exception.parse_error.101] " prefix, and without the
/// "; last read: ..." echo of the input (it may be long, or not valid UTF-8).
std::string json_reason(const std::string& what) {
  const auto close = what.find("] ");
  std::string reason = close == std::string::npos ? what : what.substr(close + 2);
  const auto echo = reason.find("; last read:");
  return echo == std::string::npos ? reason : reason.substr(0, echo);
}

}  // namespace

// [clean_text_body]
std::u32string clean_text(const std::u32string& raw) {
  std::u32string out;
  std::vector<std::size_t> open;  // where each unclosed '（' was written into out
  for (char32_t c : raw) {
    if (c == U'（') {
      open.push_back(out.size());
      out.push_back(c);
    } else if (c == U'）' && !open.empty()) {
      out.resize(open.back());  // drop the note, from its '（' on
      open.pop_back();
    } else if (c != U'[' && c != U']' && c != U'［' && c != U'］' && c != U'〖' && c != U'〗') {
      out.push_back(c);
    }
  }
  return out;
}
// [clean_text_body]

std::vector<Poem> parse_poems(const std::string& json_text, const std::string& path,
                              std::vector<std::string>* textless) {
  if (json_text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw course::Error(path + ": empty file (expected a JSON array of poems)");
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    const bool at_end = e.byte >= json_text.size();
    throw course::Error(path + ": malformed JSON" + (at_end ? " (truncated file?)" : "") + ": " +
                        json_reason(e.what()));
  } catch (const json::exception& e) {  // valid syntax the library refuses, e.g. 1e999
    throw course::Error(path + ": malformed JSON: " + json_reason(e.what()));
  }
  if (!doc.is_array())
    throw course::Error(path + ": expected a JSON array of poems, found " +
                        std::string(doc.type_name()));
  std::vector<Poem> poems;
  std::size_t skipped = 0;
  for (std::size_t k = 0; k < doc.size(); ++k) {
    const json& p = doc[k];
    const std::string where = path + ": " + poem_name(k, p);
    if (!p.is_object())
      throw course::Error(where + ": expected an object with \"paragraphs\", found " +
                          std::string(p.type_name()));
    Poem poem;
    poem.title = string_field(p, p.contains("title") ? "title" : "rhythmic", where);
    poem.author = string_field(p, "author", where);
    poem.raw = joined_lines(p, where);
    poem.text = clean_text(poem.raw);
    if (poem.text.empty()) {  // no lines, or only an editor's note: nothing to model
      ++skipped;
      if (textless) textless->push_back(where);
      continue;
    }
    poems.push_back(std::move(poem));
  }
  if (poems.empty())
    throw course::Error(path + ": no poem with text (expected at least one poem whose " +
                        "\"paragraphs\" hold characters; found " + std::to_string(doc.size()) +
                        " poems, " + std::to_string(skipped) + " of them empty)");
  return poems;
}

std::vector<Poem> read_poems(const std::string& path, std::vector<std::string>* textless) {
  // The package's largest file has 0.6 MB; a limit keeps a wrong --data from filling the memory.
  constexpr std::size_t kMaxBytes = std::size_t(64) << 20;
  return parse_poems(course::read_file(path, kMaxBytes, "a JSON array of poems"), path, textless);
}

Corpus load_corpus(const std::string& name, const std::string& data_dir) {
  const course::DatasetInfo& info = course::dataset_info(name);
  const std::string dir = course::dataset_dir(name, data_dir);
  Corpus corpus;
  for (const std::string& file : info.files) {
    const std::string path = dir + "/" + file;
    if (!std::ifstream(path).good()) {
      if (data_dir.empty())  // the registry's folder must be complete
        throw course::Error(path + ": file not found (dataset '" + name + "'; fix: " + info.fetch +
                            ")");
      continue;  // another folder may hold a subset
    }
    for (Poem& p : read_poems(path, &corpus.textless)) corpus.poems.push_back(std::move(p));
    corpus.files.push_back(path);
  }
  if (corpus.files.empty())
    throw course::Error(dir + ": no " + info.files.front() + " ... " + info.files.back() +
                        " files (dataset '" + name + "'; fix: check --data " + data_dir + ")");
  return corpus;
}

PoemSplit split_poems(std::size_t n_poems, double validation_fraction, double test_fraction,
                      course::Rng& rng) {
  if (!(validation_fraction > 0 && test_fraction > 0 && validation_fraction + test_fraction < 1))
    throw course::UsageError(
        "split_poems: validation and test fractions must be > 0 and sum to < 1");
  const arma::uvec order = course::permutation(n_poems, rng);  // a random order of the poems
  const auto n_val = static_cast<std::size_t>(std::lround(validation_fraction * n_poems));
  const auto n_test = static_cast<std::size_t>(std::lround(test_fraction * n_poems));
  if (n_val == 0 || n_test == 0 || n_val + n_test >= n_poems)
    throw course::Error("split_poems: " + std::to_string(n_poems) +
                        " poems are too few for a training, a validation and a test set");
  PoemSplit s;
  for (std::size_t k = 0; k < n_poems; ++k)
    (k < n_val ? s.validation : k < n_val + n_test ? s.test : s.train).push_back(order[k]);
  for (auto* part : {&s.train, &s.validation, &s.test}) std::sort(part->begin(), part->end());
  return s;
}

}  // namespace lm
