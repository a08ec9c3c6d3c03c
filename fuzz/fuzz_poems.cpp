// libFuzzer target: chapter 15's poem reader (JSON syntax, the structure of a poem, UTF-8,
// control characters, note removal). Any input must end in poems or a course::Error; the poems
// it returns always have text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chapters/15_language_model/corpus.hpp"
#include "common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    std::vector<std::string> textless;
    for (const lm::Poem& p : lm::parse_poems(std::string(reinterpret_cast<const char*>(data), size),
                                             "fuzz.json", &textless))
      if (p.text.empty() || p.text.size() > p.raw.size()) std::abort();  // clean_text only removes
  } catch (const course::Error&) {
  }
  return 0;
}
