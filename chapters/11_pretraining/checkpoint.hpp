/// \file
/// \brief Chapter 11: checkpoints: a network's parameters as safetensors tensors, in PyTorch's
/// names and layouts, with the metadata needed to rebuild the network.
///
/// A parameter named "0.weight" (n_out x n_in) becomes the tensor "0.weight" of shape
/// [n_out, in], row-major; "0.bias" (n_out x 1) becomes the 1-D tensor [n_out]. Those are the
/// names and shapes of a PyTorch `nn.Sequential` of `nn.Linear` layers, so its `state_dict()`
/// maps one to one. Armadillo stores matrices column by column, the format row by row: the
/// conversion is a transpose, done on saving and undone on loading.
/// Omits: optimizer state (Adam's moments) and the random generator's state, which a
/// checkpoint for *resuming* training would also need; and any layer type the builder does not
/// know (it knows Dense, ReLU, Sigmoid and Tanh).
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "chapters/11_pretraining/safetensors.hpp"
#include "common/error.hpp"

namespace mlp {

/// \brief The course's version (the CMake project version), stored in every checkpoint.
std::string course_version();

// [layout]
/// \brief The shape a parameter has in a checkpoint, as in PyTorch: a bias (Param::is_bias) is
/// 1-D, [n_out]; anything else is 2-D, [n_rows, n_cols] (a weight is [out, in]).
template <class T>
std::vector<std::uint64_t> tensor_shape(const Param<T>& p) {
  if (p.is_bias && p.value->n_cols == 1) return {p.value->n_rows};
  return {p.value->n_rows, p.value->n_cols};
}

/// \brief A matrix as a row-major tensor. Armadillo is column-major, so the row-major
/// bytes of M are the column-major bytes of its transpose.
/// \param M (n_rows x n_cols); \param shape the tensor's shape (n_rows*n_cols elements)
template <class T>
safetensors::Tensor to_tensor(const arma::Mat<T>& M, std::vector<std::uint64_t> shape) {
  const arma::Mat<T> Mt = M.t();  // (n_cols x n_rows): its memory holds M row after row
  return safetensors::make_tensor(std::move(shape), Mt.memptr());
}

/// \brief A row-major tensor back into an (n_rows x n_cols) Armadillo matrix: fill the
/// transpose's memory in file order, then transpose.
template <class T>
arma::Mat<T> to_matrix(const safetensors::Tensor& t, arma::uword n_rows, arma::uword n_cols) {
  arma::Mat<T> Mt(n_cols, n_rows);  // element i of the file is M(i / n_cols, i % n_cols)
  for (arma::uword i = 0; i < Mt.n_elem; ++i) Mt[i] = safetensors::element<T>(t, i);
  return Mt.t();
}
// [layout]

// [state_dict]
/// \brief Every parameter of the network as a tensor, by its PyTorch name ("0.weight" ...).
template <class T>
safetensors::Tensors state_dict(Sequential<T>& net) {
  safetensors::Tensors tensors;
  for (const auto& p : net.params()) tensors[p.name] = to_tensor(*p.value, tensor_shape(p));
  return tensors;
}
// [state_dict]

/// \brief What load_state_dict() found, besides the values it copied.
struct LoadReport {
  safetensors::Metadata metadata;       ///< the file's __metadata__ (load_into only)
  std::vector<std::string> missing;     ///< parameters with no tensor (only when not strict)
  std::vector<std::string> unexpected;  ///< tensors with no parameter (only when not strict)
};

namespace detail {
/// The layer a parameter name such as "2.weight" belongs to, described ("Dense(128 -> 64)").
template <class T>
std::string owner(Sequential<T>& net, const std::string& param_name) {
  std::size_t l = 0, k = 0;
  for (; k < param_name.size() && std::isdigit(static_cast<unsigned char>(param_name[k])); ++k)
    l = 10 * l + static_cast<std::size_t>(param_name[k] - '0');
  if (k == 0 || l >= net.size()) return "parameter " + param_name;
  return net.layer(l).describe();
}
}  // namespace detail

// [load_state_dict]
/// \brief Copy tensors into the network's parameters, like PyTorch's `load_state_dict`.
///
/// A tensor's shape must equal the parameter's (tensor_shape()); a mismatch is an Error naming
/// the tensor, both shapes and the layer. With `strict`, a parameter without a tensor or a
/// tensor without a parameter is an Error too; without it, they are listed in the report (and
/// missing parameters keep their values: that is how chapter 12 keeps a new head).
/// \param source the file name, for error messages
template <class T>
LoadReport load_state_dict(Sequential<T>& net, const safetensors::Tensors& tensors,
                           const std::string& source, bool strict = true) {
  LoadReport report;
  std::vector<std::string> used;
  for (const auto& p : net.params()) {
    const auto it = tensors.find(p.name);
    if (it == tensors.end()) {
      if (strict)
        throw course::Error(source + ": no tensor '" + p.name + "' (the network's " +
                            detail::owner(net, p.name) + " needs it)");
      report.missing.push_back(p.name);
      continue;
    }
    const safetensors::Tensor& t = it->second;
    const auto want = tensor_shape(p);
    if (t.shape != want)
      throw course::Error(source + ": tensor '" + p.name + "' has shape " +
                          safetensors::shape_string(t.shape) + ", the network's " +
                          detail::owner(net, p.name) + " needs " + safetensors::shape_string(want));
    arma::Mat<T> M = to_matrix<T>(t, p.value->n_rows, p.value->n_cols);
    if (!M.is_finite())  // an F64 value too large for float becomes infinite
      throw course::Error(source + ": tensor '" + p.name + "' has values too large for " +
                          (sizeof(T) == 4 ? "float32" : "float64"));
    *p.value = std::move(M);  // same size: the optimizer's pointer to it stays valid
    used.push_back(p.name);
  }
  for (const auto& [name, t] : tensors) {
    if (std::find(used.begin(), used.end(), name) != used.end()) continue;
    if (strict)
      throw course::Error(source + ": tensor '" + name + "' matches no parameter of the network " +
                          net.describe());
    report.unexpected.push_back(name);
  }
  return report;
}
// [load_state_dict]

/// \brief "784-128-64-5": the input size, then each Dense layer's output size.
template <class T>
std::string architecture(Sequential<T>& net) {
  std::string s;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (net.layer(l).kind() == "Dense") {
      const auto& d = static_cast<const Dense<T>&>(net.layer(l));
      s += (s.empty() ? std::to_string(d.n_in()) : "") + "-" + std::to_string(d.n_out());
    }
  return s;
}

/// \brief "Dense,ReLU,Dense,ReLU,Dense": every layer's type, in order (what the builder needs:
/// the shapes are in the tensors, the activations only here).
template <class T>
std::string layer_types(Sequential<T>& net) {
  std::string s;
  for (std::size_t l = 0; l < net.size(); ++l) s += (l ? "," : "") + net.layer(l).kind();
  return s;
}

// [save_checkpoint]
/// \brief Save a network's parameters and metadata to a safetensors file, atomically.
///
/// Adds to `metadata` what describes the network: "architecture" (784-128-64-5), "layers"
/// (Dense,ReLU,...), "format" = "pt" (PyTorch's names and layouts, as Hugging Face's tools
/// expect) and "course_version". Nothing that changes from run to run (no date, no timing):
/// the same seed gives the same bytes.
template <class T>
void save_checkpoint(Sequential<T>& net, const std::string& path,
                     safetensors::Metadata metadata = {}) {
  metadata["architecture"] = architecture(net);
  metadata["layers"] = layer_types(net);
  metadata["format"] = "pt";
  metadata["course_version"] = course_version();
  safetensors::save_safetensors(path, state_dict(net), metadata);
}
// [save_checkpoint]

/// \brief Load a checkpoint into a network built beforehand (strictly by default: every
/// parameter gets a tensor of its shape, every tensor a parameter). Returns the metadata.
template <class T>
LoadReport load_into(Sequential<T>& net, const std::string& path, bool strict = true) {
  const safetensors::File file = safetensors::load_safetensors(path);
  LoadReport report = load_state_dict(net, file.tensors, path, strict);
  report.metadata = file.metadata;
  return report;
}

/// \brief A network rebuilt from a checkpoint, and the checkpoint's metadata.
template <class T>
struct LoadedNetwork {
  Sequential<T> net;               ///< layers as in metadata "layers", shapes from the tensors
  safetensors::Metadata metadata;  ///< the file's __metadata__
};

// [build]
/// \brief Build a network from a file's tensors and its "layers" metadata, then load it.
///
/// Layer l of type Dense takes its size from the tensor "l.weight", [n_out, n_in]; each
/// Dense's n_in must equal the previous Dense's n_out. ReLU, Sigmoid and Tanh have no tensors.
/// \param source the file name, for error messages
template <class T>
LoadedNetwork<T> build_from_tensors(const safetensors::File& file, const std::string& source) {
  const auto it = file.metadata.find("layers");
  if (it == file.metadata.end())
    throw course::Error(
        source +
        ": no \"layers\" entry in __metadata__, so the activations between "
        "the Dense layers are unknown (build the network yourself and use load_into)");
  LoadedNetwork<T> out;
  out.metadata = file.metadata;
  course::Rng rng(0);  // Dense's constructor draws weights; load_state_dict overwrites them
  arma::uword n_prev = 0;
  std::size_t l = 0;
  for (std::size_t start = 0; start <= it->second.size(); ++l) {
    std::size_t comma = it->second.find(',', start);
    if (comma == std::string::npos) comma = it->second.size();
    const std::string type = it->second.substr(start, comma - start);
    start = comma + 1;
    if (type == "Dense") {
      const std::string name = std::to_string(l) + ".weight";
      const auto w = file.tensors.find(name);
      if (w == file.tensors.end())
        throw course::Error(source + ": no tensor '" + name + "' for layer " + std::to_string(l) +
                            " (Dense) of __metadata__ \"layers\"");
      if (w->second.shape.size() != 2)
        throw course::Error(source + ": tensor '" + name + "' has shape " +
                            safetensors::shape_string(w->second.shape) +
                            ", a Dense layer's weight is 2-D, [out, in]");
      const arma::uword n_out = w->second.shape[0], n_in = w->second.shape[1];
      if (n_prev && n_in != n_prev)
        throw course::Error(source + ": tensor '" + name + "' has shape " +
                            safetensors::shape_string(w->second.shape) +
                            ", but the layer before it outputs " + std::to_string(n_prev) +
                            " values");
      out.net.template add<Dense<T>>(n_in, n_out, rng);
      n_prev = n_out;
    } else if (type == "ReLU") {
      out.net.template add<ReLU<T>>();
    } else if (type == "Sigmoid") {
      out.net.template add<Sigmoid<T>>();
    } else if (type == "Tanh") {
      out.net.template add<Tanh<T>>();
    } else {
      throw course::Error(source + ": __metadata__ \"layers\" has an unknown layer '" + type +
                          "' (this builder knows Dense, ReLU, Sigmoid, Tanh)");
    }
  }
  load_state_dict(out.net, file.tensors, source, /*strict=*/true);
  return out;
}

/// \brief Read a checkpoint and rebuild its network (see build_from_tensors()).
template <class T = float>
LoadedNetwork<T> build_from_checkpoint(const std::string& path) {
  return build_from_tensors<T>(safetensors::load_safetensors(path), path);
}
// [build]

}  // namespace mlp
