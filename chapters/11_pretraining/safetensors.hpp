/// \file
/// \brief Chapter 11: the safetensors file format: named tensors and string metadata, written
/// atomically and read strictly.
///
/// A safetensors file has three parts, back to back:
///
///     bytes 0 .. 7        N, the length of the header, an unsigned 64-bit little-endian integer
///     bytes 8 .. 8+N-1    the header: UTF-8 JSON, padded with spaces to a multiple of 8 bytes
///                         {"__metadata__": {"key": "value", ...},
///                          "<name>": {"dtype": "F32", "shape": [out, in], "data_offsets": [begin,
///                          end]},
///                          ...}
///     bytes 8+N ..        the data: each tensor's elements, little-endian, row-major (C order);
///                         data_offsets count from the first byte of this part
///
/// This file knows bytes, element types and shapes, and nothing about networks: checkpoint.hpp
/// maps a network's parameters to tensors. The writer emits what Hugging Face's reference
/// writer emits (metadata first, tensors sorted by name, header padded with spaces), so the
/// files are byte-identical to Python's `safetensors` for the same tensors.
/// Omits: element types other than F32 and F64 (F16, BF16, integers ...), memory mapping (the
/// whole file is read into memory), and loading one tensor without reading the others.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

/// \brief Chapter 11: reading and writing the safetensors format (no network code in here).
namespace safetensors {

/// \brief The element types this course reads and writes (the format has more, e.g. BF16).
enum class DType { F32, F64 };

/// \brief The name the header uses: "F32" or "F64".
std::string dtype_name(DType dtype);

/// \brief Bytes per element: 4 for F32, 8 for F64.
std::size_t dtype_size(DType dtype);

// [tensor]
/// \brief One tensor exactly as the file holds it: an element type, a shape, raw bytes.
///
/// The bytes are little-endian and row-major (C order): for shape {R, C} element (i, j) is
/// element number i*C + j. Use make_tensor() to build one and element() to read one back.
struct Tensor {
  DType dtype = DType::F32;  ///< element type
  std::vector<std::uint64_t>
      shape;                        ///< dimensions, outermost first, e.g. {out, in}; {} is a scalar
  std::vector<unsigned char> data;  ///< element_count() * dtype_size(dtype) raw bytes

  /// \brief Number of elements: the product of the shape (1 for a scalar).
  std::uint64_t element_count() const;
};

/// Tensors by name. A std::map keeps them sorted by name: the order the writer lays them out.
using Tensors = std::map<std::string, Tensor>;

/// The header's "__metadata__": free-form string -> string pairs (the format allows only strings).
using Metadata = std::map<std::string, std::string>;
// [tensor]

/// \brief What a file holds: its tensors and its metadata.
struct File {
  Tensors tensors;    ///< by name
  Metadata metadata;  ///< empty when the file has no "__metadata__"
};

/// \brief Build a tensor from values given in row-major (C) order.
/// \param shape dimensions, outermost first; \param values_row_major element_count() values
/// \return an F32 tensor for float values, an F64 tensor for double values
template <class T>
Tensor make_tensor(std::vector<std::uint64_t> shape, const T* values_row_major);

/// \brief Element number `i` (row-major order) of a tensor, converted to T.
template <class T>
T element(const Tensor& tensor, std::uint64_t i);

/// \brief A shape as the lessons and error messages print it, e.g. "[128, 784]".
std::string shape_string(const std::vector<std::uint64_t>& shape);

/// \brief A row-major element number as an index, e.g. element 7 of shape [2, 3] -> "[1, 1]".
std::string index_string(const std::vector<std::uint64_t>& shape, std::uint64_t i);

/// \brief The bytes of a safetensors file holding these tensors and this metadata.
///
/// Metadata (when not empty) comes first in the header, then the tensors in name order, each
/// with its data_offsets; the header is padded with spaces to a multiple of 8 bytes so that
/// every tensor starts 8-byte aligned. Rejects, naming `path` and the tensor: a tensor whose
/// byte count does not match its shape, a NaN or infinite element, an empty name or the name
/// "__metadata__".
/// \param path only used in error messages
std::string serialize(const Tensors& tensors, const Metadata& metadata,
                      const std::string& path = "<memory>");

/// \brief Parse and validate the bytes of a safetensors file (see load_safetensors()).
/// \param source the file name used in error messages
File parse(const std::string& bytes, const std::string& source);

/// \brief Save tensors and metadata to a safetensors file, atomically.
///
/// Everything is checked before a byte is written (serialize()), so a rejected save leaves any
/// existing file untouched. The bytes are then written by course::write_file_atomic: to
/// `path.tmp` in the same folder, flushed to the disk (fsync), renamed over `path` (a rename
/// within one file system is atomic on POSIX). An interrupted save leaves the old file too:
/// Ctrl-C removes `path.tmp` on the way out (course::PendingFile); a hard crash may leave it
/// behind.
void save_safetensors(const std::string& path, const Tensors& tensors,
                      const Metadata& metadata = {});

/// \brief The largest file load_safetensors() reads (it reads the whole file into memory):
/// 256 MiB, 64 million float32 numbers, twenty times the largest network of this course.
constexpr std::uint64_t kMaxFileBytes = std::uint64_t(256) << 20;

/// \brief Load a safetensors file, strictly. Throws course::Error with a message that names
/// the file (and the tensor, where there is one) when:
/// - the file is missing, a folder, a device or a pipe (such as /dev/zero), larger than
///   kMaxFileBytes, shorter than 8 bytes, or its header length does not fit in it;
/// - the header does not start with '{', is not valid JSON, is padded with anything but spaces,
///   or does not have the format's keys and types (metadata values must be strings);
/// - a dtype is not F32 or F64 ("unknown dtype");
/// - data_offsets reach past the end of the file (a truncated file), do not match the shape,
///   leave gaps or overlap, or stop short of the end of the file;
/// - an element is NaN or infinite.
File load_safetensors(const std::string& path);

}  // namespace safetensors
