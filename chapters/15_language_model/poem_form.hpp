/// \file
/// \brief Chapter 15: the shape of a poem, read from its punctuation: the lines (the stretches
/// between `，。？！；：`) and their lengths. A Tang poem in regulated form has lines of 5 or 7
/// characters, 4 of them (a quatrain, 絕句) or 8 (regulated verse, 律詩); the same test says
/// whether a generated poem got its shape right.
///
/// Only the shape is checked: tone patterns (平仄), rhyme and parallel couplets, which the
/// regulated forms also require, are not (the package's `strains/` files would be needed).
#pragma once

#include <string>
#include <vector>

namespace lm {

// [poem_form]
/// \brief The lines of a poem and what they say about its form.
struct PoemForm {
  std::vector<std::size_t> line_lengths;  ///< characters per line, punctuation excluded

  /// All lines have the same length (and there is at least one).
  bool regular() const {
    if (line_lengths.empty()) return false;
    for (std::size_t l : line_lengths)
      if (l != line_lengths.front()) return false;
    return true;
  }

  /// \brief "5 x 4" (five-character quatrain), "7 x 4", "5 x 8" (regulated verse), "7 x 8",
  /// "5 x other" and "7 x other" (other numbers of lines), "other regular", "mixed" (lines of
  /// different lengths), or "no lines" (no punctuation closes a line).
  std::string name() const {
    if (line_lengths.empty()) return "no lines";
    if (!regular()) return "mixed";
    const std::size_t L = line_lengths.front(), n = line_lengths.size();
    if (L != 5 && L != 7) return "other regular";
    return std::to_string(L) + " x " +
           (n == 4 || n == 8 ? std::to_string(n) : std::string("other"));
  }
};

/// \brief True for the punctuation that ends a line: `，。？！；：`.
inline bool ends_line(char32_t c) {
  return c == U'，' || c == U'。' || c == U'？' || c == U'！' || c == U'；' || c == U'：';
}

/// \brief The lines of a text: the stretches between line-ending punctuation. Text after the
/// last mark (an unfinished line) is a line too; empty stretches are not.
inline std::vector<std::u32string> lines_of(const std::u32string& text) {
  std::vector<std::u32string> lines(1);
  for (char32_t c : text) {
    if (!ends_line(c))
      lines.back() += c;
    else if (!lines.back().empty())
      lines.emplace_back();
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

/// \brief The form of a text: the length of each of its lines.
inline PoemForm form_of(const std::u32string& text) {
  PoemForm form;
  for (const auto& line : lines_of(text)) form.line_lengths.push_back(line.size());
  return form;
}
// [poem_form]

/// The form names in the order tables and plots list them.
inline const std::vector<std::string>& form_names() {
  static const std::vector<std::string> names = {"5 x 4",         "7 x 4",     "5 x 8",
                                                 "7 x 8",         "5 x other", "7 x other",
                                                 "other regular", "mixed",     "no lines"};
  return names;
}

}  // namespace lm
