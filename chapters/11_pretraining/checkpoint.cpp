// Chapter 11: the non-template parts of checkpoint.hpp.
#include "chapters/11_pretraining/checkpoint.hpp"

namespace mlp {

std::string course_version() { return COURSE_VERSION; }  // set by CMake from project(VERSION)

std::string layer_type(const std::string& description) {
  return description.substr(0, description.find('('));
}

}  // namespace mlp
