/// \file
/// \brief Chapter 15: the character vocabulary. Every character seen at least `min_count` times
/// in the training poems gets an id (the most frequent first); the rarer ones share one id,
/// `<unk>`; and one more id, `<s>`, marks the boundary of a poem.
///
/// Why a minimum count: a character seen once or twice in training cannot be learned (its
/// embedding and output weights would get one or two updates), yet each costs a row of the
/// output layer, the largest layer of the model. Lumping them into `<unk>` keeps the softmax
/// smaller; the price is that `<unk>` stands for many characters, so perplexities are only
/// comparable between models that share a vocabulary (all of this chapter's models do).
/// Omits: subword units (BPE), and any sharing between traditional and simplified forms.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/utf8.hpp"
#include "common/error.hpp"

namespace lm {

/// A token id: an index into the vocabulary, a row of the output layer, a column of the embedding.
using Token = std::uint32_t;

/// How often each character occurs in a set of poems.
using CharCounts = std::unordered_map<char32_t, std::size_t>;

/// \brief Count the characters of some poems. \param which indices into `poems`
/// \param raw count the text as stored (`Poem::raw`) instead of the cleaned text
inline CharCounts count_characters(const std::vector<Poem>& poems,
                                   const std::vector<std::size_t>& which, bool raw = false) {
  CharCounts counts;
  for (std::size_t k : which)
    for (char32_t c : raw ? poems[k].raw : poems[k].text) ++counts[c];
  return counts;
}

// [vocabulary]
/// \brief Characters to ids and back, built from the training poems' character counts.
class Vocabulary {
 public:
  static constexpr Token kBoundary =
      0;  ///< `<s>`: pads the context before a poem; predicted after its last character
  static constexpr Token kUnknown =
      1;  ///< `<unk>`: every character seen fewer than min_count times

  /// \brief Ids 2, 3, ... go to the characters counted at least `min_count` times, most frequent
  /// first (ties: smaller code point first), so the same counts always give the same ids.
  /// \param counts character counts of the training poems; \param min_count at least 1
  Vocabulary(const CharCounts& counts, std::size_t min_count) : min_count_(min_count) {
    if (min_count == 0) throw course::UsageError("vocabulary: min_count must be at least 1");
    std::vector<std::pair<char32_t, std::size_t>> kept;
    std::size_t rare = 0;
    for (const auto& [c, n] : counts) {
      if (n >= min_count)
        kept.push_back({c, n});
      else
        rare += n;
    }
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    chars_ = {0, 0};  // the two special ids have no character
    counts_ = {0, rare};
    for (const auto& [c, n] : kept) {
      ids_[c] = static_cast<Token>(chars_.size());
      chars_.push_back(c);
      counts_.push_back(n);
    }
  }

  /// Number of ids, the two special ones included (V: the softmax's size).
  std::size_t size() const { return chars_.size(); }
  /// The minimum training count of a character with its own id.
  std::size_t min_count() const { return min_count_; }
  /// True when c has its own id.
  bool contains(char32_t c) const { return ids_.count(c) > 0; }
  /// The id of c: its own, or kUnknown.
  Token id(char32_t c) const {
    const auto it = ids_.find(c);
    return it == ids_.end() ? kUnknown : it->second;
  }
  /// The training count behind an id (for kUnknown: of all the rare characters together).
  std::size_t count(Token t) const { return counts_.at(t); }
  /// The character of an id as UTF-8; "<s>" and "<unk>" for the special ids.
  std::string symbol(Token t) const {
    if (t == kBoundary) return "<s>";
    if (t == kUnknown) return "<unk>";
    return utf8_encode(chars_.at(t));
  }

  /// \brief A text as ids; characters without an id become kUnknown.
  std::vector<Token> encode(const std::u32string& text) const {
    std::vector<Token> ids(text.size());
    std::transform(text.begin(), text.end(), ids.begin(), [this](char32_t c) { return id(c); });
    return ids;
  }

  /// \brief A text as ids where every character must have its own id (a prompt); otherwise an
  /// Error naming `where`, the character and the vocabulary's rule.
  std::vector<Token> encode_strict(const std::u32string& text, const std::string& where) const {
    for (std::size_t k = 0; k < text.size(); ++k)
      if (!contains(text[k]))
        throw course::Error(where + ": character '" + utf8_encode(text[k]) + "' (" +
                            code_point_name(text[k]) + ") at position " + std::to_string(k) +
                            " is not in the vocabulary (the " + std::to_string(size() - 2) +
                            " characters seen at least " + std::to_string(min_count_) +
                            " times in the training poems)");
    return encode(text);
  }

  /// \brief Ids back to text (UTF-8), with `<s>` as a line break and `<unk>` written out.
  std::string decode(const std::vector<Token>& ids) const {
    std::string s;
    for (Token t : ids) s += t == kBoundary ? "\n" : symbol(t);
    return s;
  }

  /// \brief Fraction of the characters counted in `counts` that have their own id.
  double coverage(const CharCounts& counts) const {
    std::size_t all = 0, known = 0;
    for (const auto& [c, n] : counts) {
      all += n;
      if (contains(c)) known += n;
    }
    return all ? double(known) / double(all) : 0.0;
  }

 private:
  std::size_t min_count_;
  std::vector<char32_t> chars_;              // id -> character (0 for the special ids)
  std::vector<std::size_t> counts_;          // id -> training count
  std::unordered_map<char32_t, Token> ids_;  // character -> id
};
// [vocabulary]

/// \brief Encode some poems (whole poems, no boundary marks) with a vocabulary.
/// \param which indices into `poems`; \return one id sequence per poem
inline std::vector<std::vector<Token>> encode_poems(const Vocabulary& vocabulary,
                                                    const std::vector<Poem>& poems,
                                                    const std::vector<std::size_t>& which,
                                                    bool raw = false) {
  std::vector<std::vector<Token>> encoded;
  encoded.reserve(which.size());
  for (std::size_t k : which)
    encoded.push_back(vocabulary.encode(raw ? poems[k].raw : poems[k].text));
  return encoded;
}

}  // namespace lm
