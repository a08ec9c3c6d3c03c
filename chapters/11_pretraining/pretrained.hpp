/// \file
/// \brief Chapter 11: the checkpoint this chapter ships, `pretrained/mnist04_mlp.safetensors`
/// (784-128-64-5 ReLU, trained on MNIST's digits 0-4 by the `--full` run, 99.38% of the test
/// digits 0-4), which chapters 12 and 13 start from.
///
/// Omits: downloading checkpoints (the course ships the one it needs), and checking the file's
/// SHA-256 when it is loaded (the test ch11_pretraining.shipped_sha256 checks it).
#pragma once

#include <string>

namespace mlp {

/// \brief The shipped checkpoint's place in the course, as the lessons and summaries name it:
/// "chapters/11_pretraining/pretrained/mnist04_mlp.safetensors".
std::string shipped_checkpoint_name();

/// \brief The shipped checkpoint's absolute path (set by CMake), so that it is found from any
/// working directory, as the datasets are: the default of chapter 12's `--pretrained` and
/// chapter 13's `--base`.
std::string shipped_checkpoint();

/// \brief How messages and summaries name a checkpoint: the shipped one by its place in the
/// course (shipped_checkpoint_name()), any other by the path given.
std::string checkpoint_name(const std::string& path);

}  // namespace mlp
