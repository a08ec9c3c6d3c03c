// Chapter 16: GPT checkpoints with GPT-2's names (see checkpoint.hpp).
#include "chapters/16_transformer/checkpoint.hpp"

#include <sstream>

#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/15_language_model/utf8.hpp"
#include "common/error.hpp"

namespace gpt {

safetensors::Tensors gpt2_tensors(Gpt<float>& model) {
  safetensors::Tensors tensors;
  for (const auto& p : model.params())  // column-major memory = the GPT-2 tensor, row-major
    tensors[p.name] = safetensors::make_tensor(gpt2_shape(*p.value), p.value->memptr());
  return tensors;
}

void load_gpt2_tensors(Gpt<float>& model, const safetensors::Tensors& tensors,
                       const std::string& source, const std::string& prefix) {
  for (const auto& p : model.params()) {
    const auto it = tensors.find(prefix + p.name);
    if (it == tensors.end())
      throw course::Error(source + ": no tensor '" + prefix + p.name + "' (the model needs it)");
    const auto want = gpt2_shape(*p.value);
    if (it->second.shape != want)
      throw course::Error(source + ": tensor '" + prefix + p.name + "' has shape " +
                          safetensors::shape_string(it->second.shape) + ", the model needs " +
                          safetensors::shape_string(want));
    float* v = p.value->memptr();
    for (arma::uword i = 0; i < p.value->n_elem; ++i)
      v[i] = safetensors::element<float>(it->second, i);
    if (!p.value->is_finite())
      throw course::Error(source + ": tensor '" + prefix + p.name +
                          "' has values too large for float32");
  }
}

namespace {

std::string vocabulary_text(const lm::Vocabulary& v) {
  std::string s;
  for (lm::Token t = 2; t < v.size(); ++t) s += v.symbol(t);
  return s;
}

std::string vocabulary_counts(const lm::Vocabulary& v) {
  std::string s;
  for (lm::Token t = 2; t < v.size(); ++t) s += (t > 2 ? " " : "") + std::to_string(v.count(t));
  return s;
}

const std::string& field(const safetensors::Metadata& m, const std::string& key,
                         const std::string& path) {
  const auto it = m.find(key);
  if (it == m.end())
    throw course::Error(path + ": metadata has no \"" + key + "\" (not a chapter 16 checkpoint?)");
  return it->second;
}

arma::uword size_field(const safetensors::Metadata& m, const std::string& key,
                       const std::string& path) {
  const std::string& s = field(m, key, path);
  std::size_t used = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size() || value == 0 || value > 1000000)
    throw course::Error(path + ": metadata \"" + key + "\" is \"" + s +
                        "\", expected a whole number from 1 to 1000000");
  return value;
}

std::unique_ptr<lm::Vocabulary> read_vocabulary(const safetensors::Metadata& m,
                                                const std::string& path, arma::uword V) {
  const std::u32string chars = lm::utf8_decode(field(m, "vocabulary", path), path + ": vocabulary");
  std::istringstream counts_text(field(m, "vocabulary_counts", path));
  const std::size_t min_count = size_field(m, "min_count", path);
  if (chars.size() + 2 != V)
    throw course::Error(path + ": metadata \"vocabulary\" has " + std::to_string(chars.size()) +
                        " characters, expected n_vocab - 2 = " + std::to_string(V - 2));
  lm::CharCounts counts;
  for (char32_t c : chars) {
    std::size_t n = 0;
    if (!(counts_text >> n) || n < min_count)
      throw course::Error(path + ": metadata \"vocabulary_counts\" must hold " +
                          std::to_string(V - 2) +
                          " counts of at least min_count = " + std::to_string(min_count));
    counts[c] = n;
  }
  auto vocabulary = std::make_unique<lm::Vocabulary>(counts, min_count);
  for (std::size_t k = 0; k < chars.size(); ++k)  // the same ids, or the counts were edited
    if (vocabulary->id(chars[k]) != k + 2)
      throw course::Error(path + ": metadata \"vocabulary_counts\" does not give the stored order");
  return vocabulary;
}

}  // namespace

void save_checkpoint(const std::string& path, Gpt<float>& model, const lm::Vocabulary& vocabulary,
                     safetensors::Metadata extra) {
  const GptShape& s = model.shape();
  if (vocabulary.size() != s.V)
    throw course::Error("save_checkpoint: the vocabulary has " + std::to_string(vocabulary.size()) +
                        " ids, the model " + std::to_string(s.V));
  extra["format"] = "gpt2";
  extra["n_vocab"] = std::to_string(s.V);
  extra["n_ctx"] = std::to_string(s.n_ctx);
  extra["n_embd"] = std::to_string(s.d);
  extra["n_layer"] = std::to_string(s.n_layer);
  extra["n_head"] = std::to_string(s.n_head);
  extra["vocabulary"] = vocabulary_text(vocabulary);
  extra["vocabulary_counts"] = vocabulary_counts(vocabulary);
  extra["min_count"] = std::to_string(vocabulary.min_count());
  extra["course_version"] = mlp::course_version();
  safetensors::save_safetensors(path, gpt2_tensors(model), extra);
}

Checkpoint load_checkpoint(const std::string& path) {
  safetensors::File file = safetensors::load_safetensors(path);
  const auto& m = file.metadata;
  if (field(m, "format", path) != "gpt2")
    throw course::Error(path + ": metadata \"format\" is \"" + m.at("format") +
                        "\", expected \"gpt2\"");
  GptShape s;
  s.V = size_field(m, "n_vocab", path);
  s.n_ctx = size_field(m, "n_ctx", path);
  s.d = size_field(m, "n_embd", path);
  s.n_layer = size_field(m, "n_layer", path);
  s.n_head = size_field(m, "n_head", path);
  if (s.V < 2 || s.d < 2 || s.d % s.n_head != 0)
    throw course::Error(path + ": metadata sizes n_vocab " + std::to_string(s.V) + ", n_embd " +
                        std::to_string(s.d) + ", n_head " + std::to_string(s.n_head) +
                        " do not make a GPT (n_head must divide n_embd)");
  Checkpoint c;
  c.vocabulary = read_vocabulary(m, path, s.V);
  course::Rng rng(0);  // every weight is overwritten below
  c.model = std::make_unique<Gpt<float>>(s, rng);
  load_gpt2_tensors(*c.model, file.tensors, path);
  const auto params = c.model->params();
  for (const auto& [name, t] : file.tensors) {
    bool known = false;
    for (const auto& p : params) known = known || p.name == name;
    if (!known)
      throw course::Error(path + ": tensor '" + name + "' matches no parameter of a GPT with " +
                          std::to_string(s.n_layer) + " blocks");
  }
  c.metadata = std::move(file.metadata);
  return c;
}

std::string shipped_checkpoint() { return COURSE_CH16_CHECKPOINT; }  // set by CMake

std::string shipped_checkpoint_name() {
  return "chapters/16_transformer/pretrained/tang_gpt.safetensors";
}

}  // namespace gpt
