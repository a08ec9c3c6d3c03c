/// \file
/// \brief A made-up language for chapter 16's tests: poems over ids 2..5 that repeat "a a b c",
/// with c (4 or 5) fixed per poem, so after "b" only the poem's earlier "b c" tells which c
/// comes: learnable only with context (a bigram is stuck at perplexity 2 there).
///
/// What it leaves out on purpose: any real text (the fixture poems are for that).
#pragma once

#include <vector>

#include "chapters/15_language_model/vocabulary.hpp"

/// `count` poems of 16 tokens, "a a b c" four times; odd poems use c = 5, even ones c = 4.
inline std::vector<std::vector<lm::Token>> aabc_poems(std::size_t count) {
  std::vector<std::vector<lm::Token>> poems;
  for (std::size_t p = 0; p < count; ++p) {
    std::vector<lm::Token> poem;
    for (int r = 0; r < 4; ++r) poem.insert(poem.end(), {2, 2, 3, lm::Token(4 + p % 2)});
    poems.push_back(poem);
  }
  return poems;
}
