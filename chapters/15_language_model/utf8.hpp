/// \file
/// \brief Chapter 15: text as a sequence of characters. UTF-8 bytes to Unicode code points and
/// back, so that one Chinese character is one element (in UTF-8 it is three or four bytes).
///
/// Omits: Unicode normalization (NFC/NFKC), grapheme clusters (a base character plus combining
/// marks), and any mapping between traditional and simplified characters.
#pragma once

#include <cstdio>
#include <string>

#include "common/error.hpp"

/// \brief Chapter 15 on (language models): corpus, vocabulary, embedding, the neural
/// probabilistic language model, perplexity and sampling.
namespace lm {

/// \brief Decode UTF-8 into code points; invalid, overlong or truncated sequences and surrogates
/// are an Error naming `where` and the byte offset.
/// \param where what the text is, for messages (e.g. "poet.tang.0.json: poem 3")
inline std::u32string utf8_decode(const std::string& s, const std::string& where) {
  std::u32string out;
  out.reserve(s.size() / 3 + 1);
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    // The first byte says how many continuation bytes (10xxxxxx) follow.
    const int extra = b0 < 0x80           ? 0
                      : (b0 >> 5) == 0x6  ? 1
                      : (b0 >> 4) == 0xE  ? 2
                      : (b0 >> 3) == 0x1E ? 3
                                          : -1;
    if (extra < 0 || i + extra >= s.size())  // not a first byte, or cut short
      throw course::Error(where + ": invalid UTF-8 at byte " + std::to_string(i));
    char32_t c = extra == 0 ? b0 : b0 & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2)
        throw course::Error(where + ": invalid UTF-8 at byte " + std::to_string(i));
      c = (c << 6) | (b & 0x3F);
    }
    static const char32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (c < smallest[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      throw course::Error(where + ": invalid UTF-8 at byte " + std::to_string(i));
    out.push_back(c);
    i += extra + 1;
  }
  return out;
}

/// \brief One code point as UTF-8 (1 to 4 bytes).
inline std::string utf8_encode(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

/// \brief A string of code points as UTF-8.
inline std::string utf8_encode(const std::u32string& text) {
  std::string s;
  s.reserve(3 * text.size());
  for (char32_t c : text) s += utf8_encode(c);
  return s;
}

/// \brief "U+6708" for a code point (how messages name a character that may not display).
inline std::string code_point_name(char32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

}  // namespace lm
