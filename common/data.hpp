/// \file
/// \brief Datasets: a CSV loader (iris), an IDX loader (MNIST, Fashion-MNIST; raw or gzipped),
/// and one registry that knows where each dataset lives and which command fetches it.
///
/// Every loader validates what it reads and throws course::Error with a one-line message that
/// names the file, what was expected and what was found. It does not download anything:
/// `./course setup` does, and the errors say so.
#pragma once

#include <armadillo>
#include <string>
#include <utility>
#include <vector>

namespace course {

/// A labelled table: features as rows, samples as columns.
struct Dataset {
  arma::mat X;                             ///< (features x samples)
  arma::uvec labels;                       ///< (samples) class index per column
  std::vector<std::string> feature_names;  ///< one per row of X
  std::vector<std::string> class_names;    ///< class index -> name
};

/// \brief Read a CSV with a header row: numeric feature columns, then one label column.
///
/// Class indices follow `class_names` when given (an unknown label is an error), else the
/// order of first appearance. Rejects: a missing or empty file, a row with the wrong number of
/// fields, a non-numeric or non-finite feature, an empty label.
Dataset load_csv(const std::string& path, const std::vector<std::string>& class_names = {});

/// \brief The CSV parser behind load_csv, on any stream; `path` names it in messages.
Dataset parse_csv(std::istream& in, const std::string& path,
                  const std::vector<std::string>& class_names = {});

/// Images and their labels, one image per column, pixels scaled to [0, 1].
struct ImageSet {
  arma::fmat X;          ///< (rows*cols x n) pixel intensities in [0, 1], column-major per image
  arma::uvec labels;     ///< (n) digit / class index
  arma::uword rows = 0;  ///< image height in pixels
  arma::uword cols = 0;  ///< image width in pixels
};

/// \brief Examples kept as bytes and read as numbers: value (i, j) is `float(bytes(i, j)) /
/// divisor`. For images this holds exactly ImageSet::X (load_images makes X by the same
/// division) in a quarter of the memory; chapter 06's trainer reads its batches from it when
/// given one, so an MNIST epoch reads 47 MB instead of 188 MB.
class ByteExamples {
 public:
  /// \param bytes (features x samples) \param divisor the value a byte of 1 stands for is 1/divisor
  ByteExamples(arma::Mat<unsigned char> bytes, float divisor)
      : bytes(std::move(bytes)),
        divisor(divisor),
        n_rows(this->bytes.n_rows),
        n_cols(this->bytes.n_cols) {}
  const arma::Mat<unsigned char> bytes;  ///< (features x samples)
  const float divisor;                   ///< value = byte / divisor
  const arma::uword n_rows, n_cols;      ///< features, samples (as a matrix's)
};

/// \brief The pixels of `images` as bytes, with X == bytes / 255 checked value by value; an
/// Error if X holds anything else (e.g. it was normalised after loading).
ByteExamples image_bytes(const ImageSet& images);

/// \brief Read an IDX image file (magic 2051), raw or gzipped: (rows*cols x n) bytes.
/// The IDX pixel order is row-major; the returned column holds the image row after row.
arma::Mat<unsigned char> read_idx_images(const std::string& path, arma::uword* rows = nullptr,
                                         arma::uword* cols = nullptr);

/// \brief Read an IDX label file (magic 2049), raw or gzipped.
arma::uvec read_idx_labels(const std::string& path);

/// \brief Undo gzip when the bytes start with its magic (1f 8b); otherwise return them as they
/// are. Truncated or corrupt streams, and streams expanding beyond 1 GiB, are errors naming `name`.
/// \param hint appended to error messages (e.g. how to fetch the file again)
std::vector<unsigned char> maybe_gunzip(std::vector<unsigned char> bytes, const std::string& name,
                                        const std::string& hint = "");

/// \brief The IDX image parser behind read_idx_images, on bytes in memory (already gunzipped).
arma::Mat<unsigned char> parse_idx_images(const std::vector<unsigned char>& bytes,
                                          const std::string& path, arma::uword* rows = nullptr,
                                          arma::uword* cols = nullptr,
                                          const std::string& hint = "");

/// \brief The IDX label parser behind read_idx_labels, on bytes in memory (already gunzipped).
arma::uvec parse_idx_labels(const std::vector<unsigned char>& bytes, const std::string& path,
                            const std::string& hint = "");

/// What the registry knows about one dataset.
struct DatasetInfo {
  std::string name;                      ///< "iris", "mnist", "fashion", "tang" or "songci"
  std::string default_dir;               ///< where it lives when `--data` is not given
  std::vector<std::string> files;        ///< file names it needs (".gz" variants are also accepted)
  std::string fetch;                     ///< the command that puts it there
  std::vector<std::string> class_names;  ///< class index -> name
};

/// \brief The registry entry for "iris", "mnist", "fashion", "tang" (the Tang poems) or "songci"
/// (the Song ci), the last two from the npm package chinese-poetry 2.0.1.
const DatasetInfo& dataset_info(const std::string& name);

/// \brief The folder a dataset is read from: `data_dir` when not empty, else its default.
std::string dataset_dir(const std::string& name, const std::string& data_dir = "");

/// \brief Path of one of a dataset's files (accepting a ".gz" variant); a missing file is an
/// Error naming it and the command that fetches it.
std::string dataset_file(const std::string& name, const std::string& file,
                         const std::string& data_dir = "");

/// \brief Load the iris table from the registry (or `data_dir/iris.csv`).
Dataset load_iris(const std::string& data_dir = "");

/// \brief Load MNIST or Fashion-MNIST ("mnist" / "fashion"), part "train" or "test".
/// \param limit keep only the first `limit` images (0: all)
ImageSet load_images(const std::string& name, const std::string& part,
                     const std::string& data_dir = "", arma::uword limit = 0);

}  // namespace course
