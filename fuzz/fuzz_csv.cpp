// libFuzzer target: the CSV parser, with and without a fixed list of class names.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "common/data.hpp"
#include "common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool fixed : {false, true}) {
    std::istringstream in(text);
    try {
      course::parse_csv(in, "fuzz.csv",
                        fixed ? std::vector<std::string>{"setosa", "versicolor", "virginica"}
                              : std::vector<std::string>{});
    } catch (const course::Error&) {
    }
  }
  return 0;
}
