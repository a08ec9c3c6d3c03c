// libFuzzer target: the IDX parsers (images and labels) behind gzip detection.
// Any input must end in a parsed matrix or a course::Error, never a crash, a leak or UB.
#include <cstddef>
#include <cstdint>

#include "common/data.hpp"
#include "common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto bytes = course::maybe_gunzip(std::vector<unsigned char>(data, data + size), "fuzz");
    try {
      course::parse_idx_images(bytes, "fuzz");
    } catch (const course::Error&) {
    }
    course::parse_idx_labels(bytes, "fuzz");
  } catch (const course::Error&) {
  }
  return 0;
}
