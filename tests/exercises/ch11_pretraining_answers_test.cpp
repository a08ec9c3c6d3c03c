// Chapter 11's worked answers (chapters/11_pretraining/answers.md): each test case is the code of
// one answer, and asserts the numbers and messages the answer page states. The shipped
// checkpoint stands in for "a copy of the shipped file"; the wider network is trained on the
// quick setup (6,000 digits, 2 epochs) so that the module stays fast.
#define BOOST_TEST_MODULE ch11_pretraining_answers
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/experiments.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "tests/support/one_blas_thread.hpp"

namespace fs = std::filesystem;

BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);

namespace {

const std::string kShipped =
    COURSE_FIXTURES_DIR "/../../chapters/11_pretraining/pretrained/mnist04_mlp.safetensors";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The error parse() raises for these bytes ("" when they parse).
std::string parse_error(const std::string& bytes, const std::string& name) {
  try {
    safetensors::parse(bytes, name);
  } catch (const course::Error& e) {
    return e.what();
  }
  return "";
}

/// A fresh folder for this test's files (under the build folder, the tests' working directory).
std::string scratch(const std::string& test) {
  const fs::path dir = fs::path("test_output") / "ch11_pretraining_answers_test" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace

// [ex1]
// Experiment 1: three ways to damage the shipped checkpoint, and the check that catches each.
BOOST_AUTO_TEST_CASE(ex1_break_a_checkpoint) {
  const std::string good = read_bytes(kShipped);
  BOOST_TEST(good.size() == 437180u);

  // truncate -s 300000: the data section ends early.
  const std::string cut = parse_error(good.substr(0, 300000), "cut.safetensors");
  BOOST_TEST_MESSAGE(cut);
  BOOST_TEST(cut.find("reach past the end of the file") != std::string::npos);
  BOOST_TEST(cut.find("299064 bytes") != std::string::npos);  // 300000 - 8 - 928

  // Byte 20 is inside the header's JSON: the 13th character of {"__metadata__": ...
  std::string bad = good;
  bad[20] = 'X';
  const std::string header = parse_error(bad, "bad.safetensors");
  BOOST_TEST_MESSAGE(header);
  BOOST_TEST(header.find("__metadataX_") != std::string::npos);

  // ff ff ff 7f (a NaN, little-endian) over the first float of 0.weight, W(0, 0): data start at
  // byte 8 + 928 = 936, 0.weight at offset 512 of the data.
  std::string nan = good;
  const std::size_t at = 936 + 512;
  const unsigned char nan_bytes[4] = {0xff, 0xff, 0xff, 0x7f};
  std::memcpy(&nan[at], nan_bytes, 4);
  const std::string named = parse_error(nan, "nan.safetensors");
  BOOST_TEST_MESSAGE(named);
  BOOST_TEST(named.find("'0.weight'") != std::string::npos);
  BOOST_TEST(named.find("[0, 0]") != std::string::npos);
}
// [ex1]

// [ex2]
// Experiment 2: the same tensors and metadata give the same bytes; a timestamp in the metadata
// makes every save different.
BOOST_AUTO_TEST_CASE(ex2_same_seed_same_bytes) {
  const safetensors::File shipped = safetensors::load_safetensors(kShipped);
  const std::string a = safetensors::serialize(shipped.tensors, shipped.metadata, "a");
  const std::string b = safetensors::serialize(shipped.tensors, shipped.metadata, "b");
  BOOST_TEST(a == b);
  BOOST_TEST(a == read_bytes(kShipped));  // and the same bytes as the file itself
  safetensors::Metadata stamped = shipped.metadata;
  stamped["saved_at"] = "2026-11-30T08:00:00Z";
  const std::string c = safetensors::serialize(shipped.tensors, stamped, "c");
  stamped["saved_at"] = "2026-11-30T08:00:01Z";
  const std::string d = safetensors::serialize(shipped.tensors, stamped, "d");
  BOOST_TEST(c != d);                // one second later, another file
  BOOST_TEST(c.size() == d.size());  // only the header's text differs
}
// [ex2]

// [ex3]
// Experiment 3: the file is row-major, so element (3, 400) of "0.weight" is number
// 3 * 784 + 400, and it is W(3, 400) of the network, not W(400, 3).
BOOST_AUTO_TEST_CASE(ex3_row_major_index) {
  auto loaded = mlp::build_from_checkpoint<float>(kShipped);
  const arma::fmat& W = *loaded.net.params().front().value;  // "0.weight", (128 x 784)
  const safetensors::File file = safetensors::load_safetensors(kShipped);
  const safetensors::Tensor& t = file.tensors.at("0.weight");
  BOOST_TEST(safetensors::element<float>(t, 3 * 784 + 400) == W(3, 400));
  BOOST_TEST(safetensors::element<float>(t, 3 * 784 + 400) != W(400 % 128, 3));
}
// [ex3]

// [ex4]
// Experiment 4: --hidden 512,256. The file size follows from the parameter count P:
// 8 + header + 4 P bytes; trained on the quick setup, the accuracy barely moves.
BOOST_AUTO_TEST_CASE(ex4_a_wider_network_needs_mnist) {
  const arma::uword P = 784 * 512 + 512 + 512 * 256 + 256 + 256 * 5 + 5;
  BOOST_TEST(P == 534533u);
  pretraining::Config c;  // the quick setup: 6,000 digits, 2 epochs
  const pretraining::Digits d = pretraining::load_digits(c, "");
  const pretraining::Pretrained narrow = pretraining::pretrain(d, c, 42);
  c.hidden = {512, 256};
  pretraining::Pretrained wide = pretraining::pretrain(d, c, 42);
  BOOST_TEST(wide.net.n_params() == P);
  const std::string path = scratch("ex4") + "/wide.safetensors";
  mlp::save_checkpoint(wide.net, path, {{"layers", mlp::layer_types(wide.net)}});
  const std::string bytes = read_bytes(path);
  std::uint64_t header = 0;
  for (int k = 7; k >= 0; --k) header = (header << 8) | static_cast<unsigned char>(bytes[k]);
  BOOST_TEST(bytes.size() == 8 + header + 4 * P);  // 2,138,132 bytes of numbers
  BOOST_TEST_MESSAGE("quick setup: 128,64 " << narrow.accuracy << ", 512,256 " << wide.accuracy);
  BOOST_TEST(narrow.accuracy == 0.9751, boost::test_tools::tolerance(0.0005));
  BOOST_TEST(wide.accuracy == 0.9805, boost::test_tools::tolerance(0.0005));
}
// [ex4]

// [ex5]
// Experiment 5: a crash half-way through a save. Written in place, the file is left truncated
// and no longer loads; written as path.tmp and renamed, the old checkpoint is untouched.
BOOST_AUTO_TEST_CASE(ex5_an_interrupted_save) {
  const std::string dir = scratch("ex5");
  const std::string good = read_bytes(kShipped);
  const std::string in_place = dir + "/in_place.safetensors";
  const std::string atomic = dir + "/atomic.safetensors";
  course::write_file_atomic(in_place, good);
  course::write_file_atomic(atomic, good);
  // In place: the crash leaves the first half of the new bytes where the old file was.
  {
    std::ofstream out(in_place, std::ios::binary | std::ios::trunc);
    out.write(good.data(), std::streamsize(good.size() / 2));
  }  // "crash"
  BOOST_CHECK_THROW(safetensors::load_safetensors(in_place), course::Error);
  // Atomic: the crash leaves half of atomic.safetensors.tmp; the old file still loads.
  {
    std::ofstream out(atomic + ".tmp", std::ios::binary | std::ios::trunc);
    out.write(good.data(), std::streamsize(good.size() / 2));
  }  // "crash" before the rename
  BOOST_TEST(fs::exists(atomic + ".tmp"));
  BOOST_TEST(read_bytes(atomic) == good);
  BOOST_CHECK_NO_THROW(safetensors::load_safetensors(atomic));
}
// [ex5]
