// Chapter 11: the shipped checkpoint's paths (see pretrained.hpp).
#include "chapters/11_pretraining/pretrained.hpp"

namespace mlp {

std::string shipped_checkpoint_name() {
  return "chapters/11_pretraining/pretrained/mnist04_mlp.safetensors";
}

std::string shipped_checkpoint() { return COURSE_SHIPPED_CHECKPOINT; }  // set by CMake

std::string checkpoint_name(const std::string& path) {
  return path == shipped_checkpoint() ? shipped_checkpoint_name() : path;
}

}  // namespace mlp
