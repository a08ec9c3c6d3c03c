// The message of the course::Error a piece of code throws, for tests that compare one-line
// error messages exactly.
#pragma once

#include <functional>
#include <string>

#include "common/error.hpp"

/// The message of the course::Error that `f` throws ("" if it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const course::Error& e) {
    return e.what();
  }
  return "";
}
