// Chapter 11: the non-template parts of checkpoint.hpp.
#include "chapters/11_pretraining/checkpoint.hpp"

namespace mlp {

std::string course_version() { return COURSE_VERSION; }  // set by CMake from project(VERSION)

}  // namespace mlp
