// Tests for common/data.hpp: CSV and IDX loaders accept good files and reject each kind of bad
// one with the documented one-line message; the registry says how to fetch what is missing.
#define BOOST_TEST_MODULE common_data
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/data.hpp"
#include "common/error.hpp"

using namespace course;
namespace fs = std::filesystem;

namespace {

const std::string fixtures = COURSE_FIXTURES_DIR;

/// The message of the course::Error that f throws (fails the test if it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  BOOST_FAIL("expected a course::Error");
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  const bool ok = text.find(part) != std::string::npos;
  if (!ok) BOOST_TEST_MESSAGE("'" + text + "' does not contain '" + part + "'");
  return ok;
}

/// A temporary folder, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("course_data_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(v >> s));
}

/// An IDX image file with n images of r x c; pixel (k, i, j) = (k + i * c + j) % 256.
std::vector<unsigned char> idx_images(std::uint32_t n, std::uint32_t r, std::uint32_t c) {
  std::vector<unsigned char> b;
  put_u32(b, 2051);
  put_u32(b, n);
  put_u32(b, r);
  put_u32(b, c);
  for (std::uint32_t k = 0; k < n; ++k)
    for (std::uint32_t p = 0; p < r * c; ++p)
      b.push_back(static_cast<unsigned char>((k + p) % 256));
  return b;
}

std::vector<unsigned char> idx_labels(const std::vector<unsigned char>& labels) {
  std::vector<unsigned char> b;
  put_u32(b, 2049);
  put_u32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_raw(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

void write_gz(const std::string& path, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_reads_features_as_rows_and_labels_in_order_of_appearance) {
  const Dataset d = load_csv(fixtures + "/csv/good.csv");
  BOOST_TEST(d.X.n_rows == 2u);
  BOOST_TEST(d.X.n_cols == 3u);
  BOOST_TEST(d.X(1, 2) == 6.0);
  BOOST_TEST(d.feature_names[1] == "b");
  BOOST_TEST(d.class_names.size() == 2u);
  BOOST_TEST(arma::all(d.labels == arma::uvec{0, 1, 0}));
}

BOOST_AUTO_TEST_CASE(iris_has_150_samples_4_features_3_classes) {
  const Dataset d = load_iris();
  BOOST_TEST(d.X.n_rows == 4u);
  BOOST_TEST(d.X.n_cols == 150u);
  BOOST_TEST(d.class_names.size() == 3u);
  for (arma::uword c = 0; c < 3; ++c) BOOST_TEST(arma::accu(d.labels == c) == 50u);
  BOOST_TEST(d.X(0, 0) == 5.1);    // first row: 5.1,3.5,1.4,0.2,setosa
  BOOST_TEST(d.X(3, 149) == 1.8);  // last row: 5.9,3.0,5.1,1.8,virginica
}

BOOST_AUTO_TEST_CASE(csv_errors_name_file_line_field_and_what_was_expected) {
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/csv/non_numeric.csv"); }),
                      "non_numeric.csv:3: field 'b' expected a number, found 'oops'"));
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/malformed_iris/iris.csv"); }),
                      "iris.csv:3: expected 5 fields, found 3"));
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/csv/nan.csv"); }),
                      "nan.csv:2: field 'b' expected a finite number, found 'nan'"));
  BOOST_TEST(contains(
      error_of([] {
        load_csv(fixtures + "/csv/unknown_label.csv", {"setosa", "versicolor", "virginica"});
      }),
      "unknown_label.csv:3: unknown label 'daisy' (expected one of setosa, "
      "versicolor, virginica)"));
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/csv/empty.csv"); }), "empty file"));
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/csv/header_only.csv"); }),
                      "no data rows after the header"));
  BOOST_TEST(contains(error_of([] { load_csv(fixtures + "/csv/missing.csv"); }),
                      "missing.csv: file not found"));
}

BOOST_AUTO_TEST_CASE(idx_raw_and_gzipped_read_the_same) {
  TempDir dir;
  const auto images = idx_images(3, 2, 4);
  write_raw(dir / "raw-images", images);
  write_gz(dir / "gz-images.gz", images);
  arma::uword r = 0, c = 0;
  const auto A = read_idx_images(dir / "raw-images", &r, &c);
  const auto B = read_idx_images(dir / "gz-images.gz");
  BOOST_TEST(r == 2u);
  BOOST_TEST(c == 4u);
  BOOST_TEST(A.n_rows == 8u);
  BOOST_TEST(A.n_cols == 3u);
  BOOST_TEST(A(5, 2) == 7);  // image 2, pixel row 1 col 1 -> p = 5, value (2 + 5) % 256
  BOOST_TEST(arma::all(arma::vectorise(A == B)));
}

BOOST_AUTO_TEST_CASE(idx_errors) {
  TempDir dir;
  auto images = idx_images(3, 2, 2);
  write_raw(dir / "labels-as-images", idx_labels({1, 2, 3}));
  BOOST_TEST(contains(error_of([&] { read_idx_images(dir / "labels-as-images"); }),
                      "expected IDX magic 2051, found 2049 (not an IDX image file?)"));
  auto truncated = images;
  truncated.resize(truncated.size() - 3);
  write_raw(dir / "truncated", truncated);
  BOOST_TEST(contains(error_of([&] { read_idx_images(dir / "truncated"); }),
                      "header says 3 x 2 x 2 (12 data bytes), file has 9 (truncated or corrupt)"));
  write_raw(dir / "empty", {});
  BOOST_TEST(contains(error_of([&] { read_idx_images(dir / "empty"); }),
                      "expected an IDX file, found only 0 bytes"));
  // A gzip stream cut in half, and one with its compressed bytes flipped.
  write_gz(dir / "full.gz", idx_images(50, 28, 28));
  std::ifstream in(dir / "full.gz", std::ios::binary);
  std::vector<char> gz((std::istreambuf_iterator<char>(in)), {});
  std::vector<unsigned char> half(gz.begin(), gz.begin() + gz.size() / 2);
  write_raw(dir / "half.gz", half);
  BOOST_TEST(
      contains(error_of([&] { read_idx_images(dir / "half.gz"); }), "half.gz: gzip data is"));
  std::vector<unsigned char> flipped(gz.begin(), gz.end());
  for (std::size_t i = 20; i < 60; ++i) flipped[i] ^= 0x5a;
  write_raw(dir / "flipped.gz", flipped);
  BOOST_TEST(
      contains(error_of([&] { read_idx_images(dir / "flipped.gz"); }), "flipped.gz: gzip data is"));
  BOOST_TEST(
      contains(error_of([&] { read_idx_labels(dir / "nothere"); }), "nothere: file not found"));
}

BOOST_AUTO_TEST_CASE(image_set_checks_counts_and_labels_and_scales_pixels) {
  TempDir dir;
  write_raw(dir / "train-images-idx3-ubyte", idx_images(4, 28, 28));
  write_raw(dir / "train-labels-idx1-ubyte", idx_labels({7, 0, 9, 3}));
  const ImageSet s = load_images("mnist", "train", dir.path.string());
  BOOST_TEST(s.X.n_rows == 784u);
  BOOST_TEST(s.X.n_cols == 4u);
  BOOST_TEST(s.X.max() <= 1.0f);
  BOOST_TEST(s.X(1, 0) == 1.0f / 255.0f);
  BOOST_TEST(s.labels[0] == 7u);
  BOOST_TEST(load_images("mnist", "train", dir.path.string(), 2).X.n_cols == 2u);

  write_raw(dir / "train-labels-idx1-ubyte", idx_labels({7, 0, 9}));
  BOOST_TEST(contains(error_of([&] { load_images("mnist", "train", dir.path.string()); }),
                      "expected 4 labels (one per image in"));
  write_raw(dir / "train-labels-idx1-ubyte", idx_labels({7, 0, 12, 3}));
  BOOST_TEST(contains(error_of([&] { load_images("mnist", "train", dir.path.string()); }),
                      "label 12 at index 2 is not a class 0..9"));
  BOOST_TEST(
      contains(error_of([&] { load_images("mnist", "test", dir.path.string()); }),
               "t10k-images-idx3-ubyte: file not found (dataset 'mnist'; fix: check --data"));
}

// The pixels as bytes (the trainer's cheaper source, chapter 06) hold exactly X: every byte
// over 255 gives back X's float; a normalised X is refused with the pixel named.
BOOST_AUTO_TEST_CASE(image_bytes_hold_exactly_the_pixels) {
  TempDir dir;
  write_raw(dir / "train-images-idx3-ubyte", idx_images(3, 28, 28));
  write_raw(dir / "train-labels-idx1-ubyte", idx_labels({1, 2, 3}));
  ImageSet s = load_images("mnist", "train", dir.path.string());
  const ByteExamples b = image_bytes(s);
  BOOST_TEST(b.n_rows == 784u);
  BOOST_TEST(b.n_cols == 3u);
  BOOST_TEST(b.divisor == 255.0f);
  BOOST_TEST(arma::accu(b.bytes) > 0u);
  for (arma::uword i = 0; i < s.X.n_elem; ++i)
    BOOST_REQUIRE(float(b.bytes[i]) / b.divisor == s.X[i]);
  s.X(5, 2) = 0.5f;  // not a byte / 255
  BOOST_TEST(error_of([&] { image_bytes(s); }) ==
             "image_bytes: pixel 5 of image 2 is 0.500000, expected a byte / 255 as load_images "
             "makes it");
}

BOOST_AUTO_TEST_CASE(registry_knows_each_dataset_and_its_fetch_command) {
  BOOST_TEST(dataset_info("mnist").fetch.find("./course setup") == 0u);
  BOOST_TEST(dataset_info("fashion").default_dir == "/usr/share/datasets/fashion-mnist");
  BOOST_TEST(dataset_info("fashion").class_names.size() == 10u);
  BOOST_CHECK_THROW(dataset_info("cifar"), UsageError);
}
