/// \file
/// \brief Chapter 13: a LoRA adapter as its own small safetensors file, beside the base
/// checkpoint it was trained on, and loading it back onto that base.
///
/// The adapter file holds only what training changed: each adapted layer's A and B (named as
/// Hugging Face's PEFT names them, "0.lora_A.weight" [r, in] and "0.lora_B.weight" [out, r])
/// and the layers trained as a whole (here the new head, "4.weight", "4.bias"; PEFT's
/// `modules_to_save`). Its metadata names the base checkpoint and its SHA-256, the rank, alpha
/// and the target layers, so an adapter is never applied to weights it was not trained on. The
/// hash is OpenSSL's (libcrypto): a file's name can be reused for other weights, its SHA-256
/// cannot, and it is the same digest `sha256sum` prints and model hubs list.
/// Omits: PEFT's `adapter_config.json` and its "base_model.model." name prefix (the metadata
/// here carries the same facts), several adapters in one file, and adapters for a base that
/// is itself adapted.
#pragma once

#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/safetensors.hpp"
#include "chapters/13_lora/lora_network.hpp"
#include "common/error.hpp"
#include "common/files.hpp"

namespace mlp {

// [sha256]
/// \brief The SHA-256 digest (FIPS 180-4) of `bytes` as 64 lower-case hexadecimal digits,
/// computed by OpenSSL's libcrypto.
inline std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr) != 1 || n != 32)
    throw course::Error("SHA-256: OpenSSL's EVP_Digest failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 0xf]};
  return out;
}

/// \brief The SHA-256 of a checkpoint file, as `sha256sum` prints it: the name of the exact
/// weights an adapter was trained on. A file that is missing, special (a device) or larger than
/// safetensors::kMaxFileBytes is an Error naming it.
inline std::string checkpoint_sha256(const std::string& path) {
  return sha256_hex(
      course::read_file(path, safetensors::kMaxFileBytes, "a safetensors checkpoint"));
}
// [sha256]

/// \brief "0,2": a list of layer indices as the metadata stores it.
inline std::string index_list(const std::vector<std::size_t>& indices) {
  std::string s;
  for (std::size_t i : indices) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

// [save_adapter]
/// \brief Save the trainable part of a LoRA network (every params(): the A and B of each
/// LoRADense, and whole trainable layers such as the head) to a safetensors file, atomically.
///
/// Metadata: "peft_type" = "LORA", "base_checkpoint" (the base file's name),
/// "base_sha256" (its SHA-256, computed here from `base_path`), "rank", "alpha",
/// "target_layers" ("0,2"), "saved_whole" (the trainable Dense layers, "4"), "layers"
/// (every layer's type), "format" = "pt", plus `extra`.
/// \param net a network built by with_lora() (all its LoRADense layers share r and alpha)
/// \param path the adapter file to write, e.g. output/ch13_lora/adapter_r4.safetensors
/// \param base_path the base checkpoint the network's frozen weights came from
template <class T>
void save_adapter(Sequential<T>& net, const std::string& path, const std::string& base_path,
                  safetensors::Metadata extra = {}) {
  const std::vector<std::size_t> targets = lora_layers(net);
  if (targets.empty()) throw course::Error(path + ": the network has no LoRA layer to save");
  const auto& first = static_cast<const LoRADense<T>&>(net.layer(targets[0]));
  std::vector<std::size_t> whole;
  for (std::size_t l = 0; l < net.size(); ++l)
    if (net.layer(l).kind() == "Dense") whole.push_back(l);
  for (std::size_t l : targets) {
    const auto& lora = static_cast<const LoRADense<T>&>(net.layer(l));
    if (lora.rank() != first.rank() || lora.alpha() != first.alpha())
      throw course::Error(path + ": layers " + std::to_string(targets[0]) + " and " +
                          std::to_string(l) +
                          " have different ranks or alphas (one adapter file "
                          "holds one r and one alpha)");
  }
  safetensors::Metadata m = std::move(extra);
  m["peft_type"] = "LORA";
  m["base_checkpoint"] = std::filesystem::path(base_path).filename().string();
  m["base_sha256"] = checkpoint_sha256(base_path);
  m["rank"] = std::to_string(first.rank());
  m["alpha"] = detail::compact(first.alpha());
  m["target_layers"] = index_list(targets);
  m["saved_whole"] = index_list(whole);
  m["layers"] = layer_types(net);
  m["format"] = "pt";
  safetensors::save_safetensors(path, state_dict(net), m);  // only the trainable tensors
}
// [save_adapter]

namespace detail {
/// The metadata entry `key` of an adapter file; missing is an Error naming the file.
inline const std::string& adapter_entry(const safetensors::Metadata& m, const std::string& key,
                                        const std::string& path) {
  const auto it = m.find(key);
  if (it == m.end())
    throw course::Error(path + ": no \"" + key + "\" in __metadata__ (not a LoRA adapter file?)");
  return it->second;
}

/// "0,2" -> {0, 2}; anything else is an Error naming the file.
inline std::vector<std::size_t> parse_indices(const std::string& s, const std::string& what,
                                              const std::string& path) {
  std::vector<std::size_t> out;
  std::size_t value = 0;
  bool digits = false;
  for (std::size_t k = 0; k <= s.size(); ++k) {
    if (k < s.size() && s[k] >= '0' && s[k] <= '9') {
      value = 10 * value + std::size_t(s[k] - '0');
      digits = true;
    } else if ((k == s.size() || s[k] == ',') && digits) {
      out.push_back(value);
      value = 0;
      digits = false;
    } else {
      throw course::Error(path + ": __metadata__ \"" + what + "\" is '" + s +
                          "', expected layer indices like \"0,2\"");
    }
  }
  return out;
}
}  // namespace detail

/// \brief A network rebuilt from a base checkpoint and an adapter file, and what the adapter says.
template <class T>
struct AdaptedNetwork {
  Sequential<T> net;  ///< the base's layers, LoRADense on the targets, the adapter's head
  safetensors::Metadata metadata;    ///< the adapter file's __metadata__
  std::vector<std::size_t> targets;  ///< the LoRA layers
  arma::uword rank = 0;              ///< r
  double alpha = 0;                  ///< alpha
};

// [load_adapter]
/// \brief Put an adapter back on its base: rebuild the base network from its checkpoint, wrap
/// the target layers in LoRADense, and load A, B and the whole layers from the adapter, strictly.
///
/// Errors (course::Error, naming the file): the base's SHA-256 is not the one the adapter was
/// trained on; the metadata lacks rank, alpha, target_layers or base_sha256; a target is not a
/// Dense layer of the base; a non-target Dense layer has no tensors in the adapter; a tensor's
/// shape does not fit (e.g. A of another rank); a tensor is missing or left over.
/// \param base_path the base checkpoint (with "layers" metadata, as chapter 11 writes them)
/// \param adapter_path the adapter file save_adapter() wrote
template <class T = float>
AdaptedNetwork<T> load_adapter(const std::string& base_path, const std::string& adapter_path) {
  const safetensors::File file = safetensors::load_safetensors(adapter_path);
  AdaptedNetwork<T> out;
  out.metadata = file.metadata;
  const std::string& want = detail::adapter_entry(file.metadata, "base_sha256", adapter_path);
  const std::string rank = detail::adapter_entry(file.metadata, "rank", adapter_path);
  const std::string alpha = detail::adapter_entry(file.metadata, "alpha", adapter_path);
  out.targets =
      detail::parse_indices(detail::adapter_entry(file.metadata, "target_layers", adapter_path),
                            "target_layers", adapter_path);
  char* end = nullptr;
  out.rank = std::strtoul(rank.c_str(), &end, 10);
  if (rank.empty() || *end != '\0' || out.rank == 0)
    throw course::Error(adapter_path + ": __metadata__ \"rank\" is '" + rank +
                        "', expected a whole number >= 1");
  out.alpha = std::strtod(alpha.c_str(), &end);
  if (alpha.empty() || *end != '\0' || !(out.alpha > 0))
    throw course::Error(adapter_path + ": __metadata__ \"alpha\" is '" + alpha +
                        "', expected a number > 0");
  // The adapter only makes sense on the exact weights it was trained on.
  const std::string have = checkpoint_sha256(base_path);
  if (have != want) {
    const auto name = file.metadata.find("base_checkpoint");
    throw course::Error(adapter_path + ": trained on a base checkpoint with SHA-256 " + want +
                        (name != file.metadata.end() ? " (" + name->second + ")" : std::string()) +
                        ", but " + base_path + " has SHA-256 " + have);
  }
  LoadedNetwork<T> base = build_from_checkpoint<T>(base_path);
  course::Rng rng(0);  // draws each A and each whole layer; the adapter's tensors overwrite them
  for (std::size_t t : out.targets) {
    if (t >= base.net.size() || base.net.layer(t).kind() != "Dense")
      throw course::Error(adapter_path + ": target layer " + std::to_string(t) +
                          " is not a Dense layer of " + base_path + " (" + base.net.describe() +
                          ")");
    const auto& d = static_cast<const Dense<T>&>(base.net.layer(t));
    if (out.rank > std::min(d.n_in(), d.n_out()))
      throw course::Error(adapter_path + ": rank " + rank + " is larger than layer " +
                          std::to_string(t) + " (" + d.describe() + ") allows");
  }
  for (std::size_t l = 0; l < base.net.size(); ++l) {
    Layer<T>& layer = base.net.layer(l);
    if (layer.kind() != "Dense") {
      out.net.add(layer.clone());  // an activation, as in the base
    } else if (std::find(out.targets.begin(), out.targets.end(), l) != out.targets.end()) {
      const auto& dense = static_cast<const Dense<T>&>(layer);
      out.net.template add<LoRADense<T>>(dense, out.rank, out.alpha, rng);  // W0, b0: the base's
    } else {
      // A whole layer from the adapter (the new head): its size comes from its tensor.
      const std::string name = std::to_string(l) + ".weight";
      const auto w = file.tensors.find(name);
      if (w == file.tensors.end() || w->second.shape.size() != 2)
        throw course::Error(adapter_path + ": no 2-D tensor '" + name + "' for layer " +
                            std::to_string(l) + " (" + layer.describe() +
                            "), which is not a LoRA target either");
      out.net.template add<Dense<T>>(w->second.shape[1], w->second.shape[0], rng);
    }
  }
  load_state_dict(out.net, file.tensors, adapter_path, /*strict=*/true);
  return out;
}
// [load_adapter]

}  // namespace mlp
