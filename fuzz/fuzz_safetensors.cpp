// libFuzzer target: chapter 11's safetensors parser (header length, JSON header, dtypes, offsets,
// NaN/Inf checks). Any input must end in a parsed file or a course::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "chapters/11_pretraining/safetensors.hpp"
#include "common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    safetensors::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.safetensors");
  } catch (const course::Error&) {
  }
  return 0;
}
