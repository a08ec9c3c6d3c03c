// Chapter 11: the safetensors format (see safetensors.hpp).
#include "chapters/11_pretraining/safetensors.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/files.hpp"

namespace safetensors {
namespace {

using course::Error;

// The format's little-endian integers and floats, byte by byte, whatever the machine's order.
// [little_endian]
void put_u64(std::string& out, std::uint64_t v) {
  // The lowest byte first.
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];  // p[0] is the lowest byte
  return v;
}

/// The bytes of a float (F32) or double (F64), little-endian.
template <class T>
void put_element(unsigned char* out, T value) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U bits;
  std::memcpy(&bits, &value, sizeof(T));  // the IEEE 754 bit pattern
  for (std::size_t k = 0; k < sizeof(T); ++k)
    out[k] = static_cast<unsigned char>((bits >> (8 * k)) & 0xff);  // the lowest byte first
}

template <class T>
T get_element(const unsigned char* in) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U bits = 0;
  for (std::size_t k = sizeof(T); k-- > 0;) bits = (bits << 8) | in[k];
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}
// [little_endian]

std::string quoted(const std::string& name) { return "'" + name + "'"; }

/// A byte as the error messages show it, e.g. "0x0a".
std::string hex_byte(unsigned char b) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xf];
}

/// Element count with an overflow check (a hostile header can claim any shape).
bool checked_count(const std::vector<std::uint64_t>& shape, std::size_t elem_size,
                   std::uint64_t& bytes) {
  std::uint64_t n = 1;
  for (auto d : shape) {
    if (d != 0 && n > std::numeric_limits<std::uint64_t>::max() / d) return false;
    n *= d;
  }
  if (n > std::numeric_limits<std::uint64_t>::max() / elem_size) return false;
  bytes = n * elem_size;
  return true;
}

/// "" when every element is finite, else e.g. "element [1, 2] is NaN".
std::string first_non_finite(const Tensor& t) {
  const std::uint64_t n = t.element_count();
  for (std::uint64_t i = 0; i < n; ++i) {
    const double v = element<double>(t, i);
    if (!std::isfinite(v))
      return "element " + index_string(t.shape, i) + " is " +
             (std::isnan(v) ? "NaN" : (v > 0 ? "+inf" : "-inf"));
  }
  return "";
}

}  // namespace

std::string dtype_name(DType dtype) { return dtype == DType::F32 ? "F32" : "F64"; }

std::size_t dtype_size(DType dtype) { return dtype == DType::F32 ? 4 : 8; }

std::uint64_t Tensor::element_count() const {
  std::uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

template <class T>
Tensor make_tensor(std::vector<std::uint64_t> shape, const T* values_row_major) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "F32 or F64 only");
  Tensor t;
  t.dtype = std::is_same_v<T, float> ? DType::F32 : DType::F64;
  t.shape = std::move(shape);
  const std::uint64_t n = t.element_count();
  t.data.resize(n * sizeof(T));
  for (std::uint64_t i = 0; i < n; ++i) put_element(&t.data[i * sizeof(T)], values_row_major[i]);
  return t;
}

template <class T>
T element(const Tensor& t, std::uint64_t i) {
  if (t.dtype == DType::F32) return static_cast<T>(get_element<float>(&t.data[i * 4]));
  return static_cast<T>(get_element<double>(&t.data[i * 8]));
}

template Tensor make_tensor<float>(std::vector<std::uint64_t>, const float*);
template Tensor make_tensor<double>(std::vector<std::uint64_t>, const double*);
template float element<float>(const Tensor&, std::uint64_t);
template double element<double>(const Tensor&, std::uint64_t);

std::string shape_string(const std::vector<std::uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

std::string index_string(const std::vector<std::uint64_t>& shape, std::uint64_t i) {
  std::vector<std::uint64_t> index(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {  // the last dimension varies fastest (C order)
    index[k] = shape[k] ? i % shape[k] : 0;
    i = shape[k] ? i / shape[k] : 0;
  }
  return shape_string(index);
}

// [serialize]
std::string serialize(const Tensors& tensors, const Metadata& metadata, const std::string& path) {
  // The header, in the reference writer's order: __metadata__ first, then the tensors in the
  // order of their data (here: by name), each {"dtype", "shape", "data_offsets"}.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;  // where the next tensor starts, counted from the start of the data
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__")
      throw Error(path + ": cannot save a tensor named '" + name + "'");
    std::uint64_t bytes = 0;
    if (!checked_count(t.shape, dtype_size(t.dtype), bytes) || bytes != t.data.size())
      throw Error(path + ": tensor " + quoted(name) + " has " + std::to_string(t.data.size()) +
                  " bytes, but shape " + shape_string(t.shape) + " of " + dtype_name(t.dtype) +
                  " needs " + std::to_string(bytes));
    const std::string bad = first_non_finite(t);
    if (!bad.empty())
      throw Error(path + ": tensor " + quoted(name) + ": " + bad + "; nothing was written");
    header[name] = {{"dtype", dtype_name(t.dtype)},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();             // compact: no spaces, like serde_json
  json.append((8 - json.size() % 8) % 8, ' ');  // pad with spaces to a multiple of 8 bytes

  std::string out;
  out.reserve(8 + json.size() + offset);
  put_u64(out, json.size());             // bytes 0..7: N, little-endian
  out += json;                           // bytes 8..8+N-1: the header
  for (const auto& [name, t] : tensors)  // then the data, in header order
    out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size());
  return out;
}
// [serialize]

// [parse]
File parse(const std::string& bytes, const std::string& source) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::uint64_t size = bytes.size();
  // 1. The header length: 8 bytes, then N bytes of header that must fit in the file.
  if (size < 8)
    throw Error(
        source + ": " + std::to_string(size) +
        " bytes, too short for a safetensors file (the first 8 bytes hold the header length)");
  const std::uint64_t N = get_u64(p);
  if (N < 2 || N > size - 8)
    throw Error(source + ": header length " + std::to_string(N) + " does not fit in the file (" +
                std::to_string(size) + " bytes): not a safetensors file, or truncated");
  if (p[8] != '{')
    throw Error(source + ": the header does not start with '{' (not a safetensors file?)");

  // 2. The header: JSON, then only spaces (0x20) up to byte 8 + N: the format pads with spaces.
  std::uint64_t json_end = N;                     // one past the JSON's last byte
  while (p[8 + json_end - 1] == ' ') --json_end;  // stops at the '{' at the latest
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + json_end);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(source + ": the header is not valid JSON (error at byte " + std::to_string(e.byte) +
                " of " + std::to_string(N) + ")");
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax the library still refuses, e.g. a number too large for a double (found by
    // fuzzing: tests/fixtures/ch11_safetensors/number_overflow.safetensors).
    throw Error(source + ": the header is not valid JSON (" + e.what() + ")");
  }
  if (!header.is_object()) throw Error(source + ": the header is not a JSON object");
  if (p[8 + json_end - 1] != '}')  // JSON allows trailing newlines and tabs; the format does not
    throw Error(source + ": the header is padded with byte " + hex_byte(p[8 + json_end - 1]) +
                " at byte " + std::to_string(8 + json_end - 1) +
                ", expected spaces (0x20) only after its closing '}'");

  File file;
  const std::uint64_t data_size = size - 8 - N;  // the data section follows the header
  struct Span {
    std::uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw Error(source + ": __metadata__ is not a JSON object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string())
          throw Error(source + ": __metadata__ entry " + quoted(key) + " is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string what = source + ": tensor " + quoted(name);
    if (!entry.is_object())
      throw Error(what + ": expected {\"dtype\", \"shape\", \"data_offsets\"}");
    for (const char* key : {"dtype", "shape", "data_offsets"})
      if (!entry.contains(key)) throw Error(what + ": missing \"" + key + "\"");
    const auto& jd = entry["dtype"];
    const std::string dtype = jd.is_string() ? jd.get<std::string>() : jd.dump();
    if (dtype != "F32" && dtype != "F64")
      throw Error(what + ": unknown dtype \"" + dtype + "\" (this reader knows F32 and F64)");
    Tensor t;
    t.dtype = dtype == "F32" ? DType::F32 : DType::F64;
    const auto& js = entry["shape"];
    if (!js.is_array()) throw Error(what + ": shape must be a list of non-negative integers");
    for (const auto& d : js) {
      if (!d.is_number_unsigned())
        throw Error(what + ": shape must be a list of non-negative integers");
      t.shape.push_back(d.get<std::uint64_t>());
    }
    const auto& jo = entry["data_offsets"];
    if (!jo.is_array() || jo.size() != 2 || !jo[0].is_number_unsigned() ||
        !jo[1].is_number_unsigned() || jo[0].get<std::uint64_t>() > jo[1].get<std::uint64_t>())
      throw Error(what + ": data_offsets must be two integers [begin, end] with begin <= end");
    const std::uint64_t begin = jo[0], end = jo[1];

    // 3. The tensor's bytes: inside the file, and exactly as many as its shape needs.
    const std::string offsets =
        "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "]";
    if (end > data_size)
      throw Error(what + ": " + offsets + " reach past the end of the file (its data section has " +
                  std::to_string(data_size) + " bytes; truncated?)");
    std::uint64_t needed = 0;
    if (!checked_count(t.shape, dtype_size(t.dtype), needed))
      throw Error(what + ": shape " + shape_string(t.shape) + " is too large");
    if (needed != end - begin)
      throw Error(what + ": " + offsets + " hold " + std::to_string(end - begin) +
                  " bytes, but shape " + shape_string(t.shape) + " of " + dtype + " needs " +
                  std::to_string(needed));
    t.data.assign(p + 8 + N + begin, p + 8 + N + end);

    // 4. The values: a NaN or an infinity in a checkpoint is a diverged run, not weights.
    const std::string bad = first_non_finite(t);
    if (!bad.empty()) throw Error(what + ": " + bad);
    spans.push_back({begin, end, name});
    file.tensors.emplace(name, std::move(t));
  }

  // 5. The tensors tile the data section: no gaps, no overlaps, nothing after the last one.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t expected = 0;
  for (const auto& s : spans) {
    if (s.begin != expected)
      throw Error(source + ": tensor " + quoted(s.name) + " starts at byte " +
                  std::to_string(s.begin) + " of the data, expected " + std::to_string(expected) +
                  " (tensors must follow each other without gaps or overlaps)");
    expected = s.end;
  }
  if (expected != data_size)
    throw Error(source + ": " + std::to_string(data_size - expected) +
                " bytes after the last tensor (the data section has " + std::to_string(data_size) +
                " bytes, the tensors end at " + std::to_string(expected) + ")");
  return file;
}
// [parse]

void save_safetensors(const std::string& path, const Tensors& tensors, const Metadata& metadata) {
  // Everything is checked while the bytes are built in memory; only then is the file written,
  // atomically (common/files.hpp: path.tmp, fsync, rename).
  course::write_file_atomic(path, serialize(tensors, metadata, path));
}

File load_safetensors(const std::string& path) {
  return parse(course::read_file(path, kMaxFileBytes, "a safetensors checkpoint"), path);
}

}  // namespace safetensors
