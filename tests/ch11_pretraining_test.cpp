// Chapter 11 tests: the safetensors layout (the reference writer's bytes, row-major by hand),
// weights written by PyTorch's layout loading here, bit-exact save/load round trips, atomic
// saves that never break a good checkpoint, one exact error per malformed file (special files,
// oversized files and padding other than spaces included), and (with MNIST) the shipped
// checkpoint scoring >= 99% on digits 0-4.
#define BOOST_TEST_MODULE ch11_pretraining
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "chapters/07_softmax_cross_entropy/softmax_cross_entropy.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/08_training_deeper/optimizers.hpp"
#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/class_subset.hpp"
#include "common/data.hpp"
#include "tests/support/error_of.hpp"

using namespace mlp;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = COURSE_FIXTURES_DIR "/ch11_safetensors";
const std::string kShipped =
    COURSE_FIXTURES_DIR "/../../chapters/11_pretraining/pretrained/mnist04_mlp.safetensors";

/// A fresh folder for this test's files (under the build folder, the tests' working directory).
std::string scratch(const std::string& test) {
  const fs::path dir = fs::path("test_output") / "ch11_pretraining_test" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string u64le(std::uint64_t v) {
  std::string s;
  for (int k = 0; k < 8; ++k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
  return s;
}

/// A file from a JSON header and data bytes: the 8-byte length, the header, the data.
std::string file_bytes(const std::string& header, const std::string& data) {
  return u64le(header.size()) + header + data;
}

/// Little-endian bytes of floats.
std::string f32le(std::initializer_list<float> values) {
  std::string s;
  for (float v : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>((bits >> (8 * k)) & 0xff));
  }
  return s;
}

std::string bytes_of(const std::vector<int>& v) { return std::string(v.begin(), v.end()); }

/// The pretraining network's shape: 784-128-64-5, ReLU, He-initialized from `seed`.
Sequential<float> mnist04_net(std::uint64_t seed, arma::uword h1 = 128, arma::uword h2 = 64) {
  course::Rng rng(seed);
  Sequential<float> net;
  net.add<Dense<float>>(784, h1, rng);
  net.add<ReLU<float>>();
  net.add<Dense<float>>(h1, h2, rng);
  net.add<ReLU<float>>();
  net.add<Dense<float>>(h2, 5, rng);
  initialize(net, he_normal<float>, rng);
  return net;
}

bool same_bits(const arma::fmat& a, const arma::fmat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(float)) == 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. The layout.

// The reference implementation's own unit tests (huggingface/safetensors, tensor.rs:
// test_serialization_forced_alignement and test_empty) assert these exact bytes.
BOOST_AUTO_TEST_CASE(writer_emits_the_reference_implementations_bytes) {
  const float v[] = {0, 1, 2, 3, 4, 5};
  const std::string attn0 =
      safetensors::serialize({{"attn0", safetensors::make_tensor<float>({1, 1, 2, 3}, v)}}, {});
  BOOST_TEST(attn0 ==
             bytes_of({72,  0,   0,   0,   0,   0,   0,   0,   123, 34, 97, 116, 116, 110, 48,
                       34,  58,  123, 34,  100, 116, 121, 112, 101, 34, 58, 34,  70,  51,  50,
                       34,  44,  34,  115, 104, 97,  112, 101, 34,  58, 91, 49,  44,  49,  44,
                       50,  44,  51,  93,  44,  34,  100, 97,  116, 97, 95, 111, 102, 102, 115,
                       101, 116, 115, 34,  58,  91,  48,  44,  50,  52, 93, 125, 125, 32,  32,
                       32,  32,  32,  32,  32,  0,   0,   0,   0,   0,  0,  128, 63,  0,   0,
                       0,   64,  0,   0,   64,  64,  0,   0,   128, 64, 0,  0,   160, 64}));
  BOOST_TEST(safetensors::serialize({}, {}) ==
             bytes_of({8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}));
  BOOST_TEST(
      safetensors::serialize({}, {{"framework", "pt"}}) ==
      bytes_of({40,  0,   0,   0,  0,  0,  0,   0,   123, 34,  95,  95,  109, 101, 116, 97,
                100, 97,  116, 97, 95, 95, 34,  58,  123, 34,  102, 114, 97,  109, 101, 119,
                111, 114, 107, 34, 58, 34, 112, 116, 34,  125, 125, 32,  32,  32,  32,  32}));
}

BOOST_AUTO_TEST_CASE(header_is_8_byte_aligned_metadata_first_tensors_back_to_back) {
  Sequential<float> net = mnist04_net(1);
  const std::string bytes = safetensors::serialize(state_dict(net), {{"seed", "1"}});
  std::uint64_t N = 0;
  for (int k = 7; k >= 0; --k) N = (N << 8) | static_cast<unsigned char>(bytes[k]);
  BOOST_TEST(N % 8 == 0u);
  const auto header = nlohmann::ordered_json::parse(bytes.substr(8, N));
  BOOST_TEST(header.begin().key() == "__metadata__");
  // Tensors in name order, each starting where the previous one ended.
  std::uint64_t offset = 0;
  std::vector<std::string> names;
  for (const auto& [name, e] : header.items()) {
    if (name == "__metadata__") continue;
    names.push_back(name);
    BOOST_TEST(e["data_offsets"][0].get<std::uint64_t>() == offset);
    offset = e["data_offsets"][1];
  }
  BOOST_TEST(names == (std::vector<std::string>{"0.bias", "0.weight", "2.bias", "2.weight",
                                                "4.bias", "4.weight"}),
             boost::test_tools::per_element());
  BOOST_TEST(header["0.weight"]["shape"].dump() == "[128,784]");  // [out, in], like nn.Linear
  BOOST_TEST(header["0.bias"]["shape"].dump() == "[128]");        // a bias is 1-D
  BOOST_TEST(bytes.size() == 8 + N + offset);
  BOOST_TEST(offset == 4u * net.n_params());
}

// The lesson's example: W = [[1, 2, 3], [4, 5, 6]] is stored row after row, 1 2 3 4 5 6, although
// Armadillo holds it column after column (1 4 2 5 3 6). 1.0f is 0x3F800000: bytes 00 00 80 3F.
BOOST_AUTO_TEST_CASE(row_major_layout_by_hand) {
  const arma::fmat W = {{1, 2, 3}, {4, 5, 6}};  // (2 x 3)
  BOOST_TEST(W.memptr()[1] == 4.0f);            // Armadillo: column-major
  const safetensors::Tensor t = to_tensor(W, {2, 3});
  BOOST_TEST(t.shape == (std::vector<std::uint64_t>{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(std::string(t.data.begin(), t.data.end()) == f32le({1, 2, 3, 4, 5, 6}));
  BOOST_TEST(std::string(t.data.begin(), t.data.begin() + 4) == bytes_of({0x00, 0x00, 0x80, 0x3F}));
  BOOST_TEST(safetensors::element<float>(t, 1) == 2.0f);
  BOOST_TEST(safetensors::index_string(t.shape, 4) == "[1, 1]");  // element 4 is W(1, 1) = 5
  BOOST_TEST(same_bits(to_matrix<float>(t, 2, 3), W));
}

// ---------------------------------------------------------------------------------------------
// 2. Weights written elsewhere (PyTorch's names and layout) load here; the lesson's logits.

BOOST_AUTO_TEST_CASE(pytorch_state_dict_loads_and_gives_the_lessons_logits) {
  course::Rng rng(0);
  Sequential<float> net;  // nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
  auto& d0 = net.add<Dense<float>>(3, 4, rng);
  net.add<ReLU<float>>();
  auto& d2 = net.add<Dense<float>>(4, 2, rng);
  const LoadReport r = load_into(net, kFixtures + "/tiny_torch_mlp.safetensors");
  BOOST_TEST(r.metadata.at("format") == "pt");
  BOOST_TEST(d0.W(0, 1) == -0.2f);  // PyTorch's weight[0][1]
  BOOST_TEST(d0.W(3, 2) == 1.2f);
  BOOST_TEST(d0.b(2, 0) == 0.03f);
  BOOST_TEST(d2.W(1, 3) == 0.125f);
  const arma::fmat x = arma::fvec{1, 2, 3};
  const arma::fmat Z = net.forward(x);
  // By hand: h = relu(W0 x + b0) = (0.61, 0, 3.63, 2.36); z = W2 h + b2 = (0.7225, 2.3075).
  BOOST_TEST(Z(0, 0) == 0.7225f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(Z(1, 0) == 2.3075f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(writer_reproduces_the_pytorch_file_byte_for_byte) {
  const std::string path = kFixtures + "/tiny_torch_mlp.safetensors";
  const safetensors::File f = safetensors::load_safetensors(path);
  BOOST_TEST(safetensors::serialize(f.tensors, f.metadata) == read_bytes(path));
}

// ---------------------------------------------------------------------------------------------
// 3. Round trips.

BOOST_AUTO_TEST_CASE(save_load_round_trip_is_bit_exact_and_predictions_identical) {
  const std::string path = scratch("round_trip") + "/net.safetensors";
  Sequential<float> net = mnist04_net(1);
  save_checkpoint(net, path, {{"seed", "1"}});

  Sequential<float> other = mnist04_net(2);  // other weights, same shapes
  const LoadReport r = load_into(other, path);
  auto a = net.params(), b = other.params();
  BOOST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    BOOST_TEST(same_bits(*a[i].value, *b[i].value), a[i].name << " differs after the round trip");
  BOOST_TEST(r.metadata.at("seed") == "1");
  BOOST_TEST(r.metadata.at("architecture") == "784-128-64-5");
  BOOST_TEST(r.metadata.at("layers") == "Dense,ReLU,Dense,ReLU,Dense");
  BOOST_TEST(r.metadata.at("format") == "pt");

  arma::fmat X(784, 300);
  course::Rng rng(3);
  course::fill_uniform(X, rng, 0.0, 1.0);
  const arma::fmat Z = net.forward(X);
  BOOST_TEST(same_bits(other.forward(X), Z));
  LoadedNetwork<float> built = build_from_checkpoint(path);  // from the file alone
  BOOST_TEST(built.net.describe() == net.describe());
  BOOST_TEST(same_bits(built.net.forward(X), Z));
  BOOST_TEST(arma::all(predict(built.net, X) == predict(net, X)));
  // Saving the loaded network again gives the same file, byte for byte.
  save_checkpoint(built.net, path + ".again", {{"seed", "1"}});
  BOOST_TEST(read_bytes(path + ".again") == read_bytes(path));
}

BOOST_AUTO_TEST_CASE(double_networks_round_trip_as_F64) {
  const std::string path = scratch("f64") + "/net.safetensors";
  course::Rng rng(4);
  Sequential<double> net;
  net.add<Dense<double>>(5, 4, rng);
  net.add<Tanh<double>>();
  net.add<Dense<double>>(4, 3, rng);
  net.add<Sigmoid<double>>();
  save_checkpoint(net, path);
  const safetensors::File f = safetensors::load_safetensors(path);
  BOOST_TEST((f.tensors.at("0.weight").dtype == safetensors::DType::F64));
  LoadedNetwork<double> built = build_from_checkpoint<double>(path);
  BOOST_TEST(built.net.describe() == "Dense(5 -> 4) -> Tanh -> Dense(4 -> 3) -> Sigmoid");
  arma::mat X(5, 7);
  course::fill_normal(X, rng);
  const arma::mat Z = net.forward(X);
  const arma::mat Z2 = built.net.forward(X);
  BOOST_TEST(std::memcmp(Z.memptr(), Z2.memptr(), Z.n_elem * sizeof(double)) == 0);
  // An F64 checkpoint loads into a float network, each value rounded to float...
  LoadedNetwork<float> as_float = build_from_checkpoint<float>(path);
  const arma::fmat W0 = *as_float.net.params()[0].value;
  BOOST_TEST(same_bits(W0, arma::conv_to<arma::fmat>::from(*net.params()[0].value)));
  // ... unless a value does not fit in a float.
  (*net.params()[0].value)(0, 0) = 1e300;  // 0.weight
  save_checkpoint(net, path);
  BOOST_TEST(error_of([&] { build_from_checkpoint<float>(path); }) ==
             path + ": tensor '0.weight' has values too large for float32");
}

// ---------------------------------------------------------------------------------------------
// 4. Atomic saves: a save that fails never breaks the checkpoint that was there.

BOOST_AUTO_TEST_CASE(rejected_save_leaves_the_old_checkpoint_intact) {
  const std::string path = scratch("rejected_save") + "/net.safetensors";
  Sequential<float> net = mnist04_net(1);
  save_checkpoint(net, path);
  const std::string good = read_bytes(path);
  (*net.params()[2].value)(1, 2) = std::numeric_limits<float>::quiet_NaN();  // 2.weight
  BOOST_TEST(error_of([&] { save_checkpoint(net, path); }) ==
             path + ": tensor '2.weight': element [1, 2] is NaN; nothing was written");
  BOOST_TEST(read_bytes(path) == good);
  BOOST_TEST(!fs::exists(path + ".tmp"));
  Sequential<float> again = mnist04_net(5);
  BOOST_CHECK_NO_THROW(load_into(again, path));
}

// An interrupted save: the temporary file cannot be written (here a folder is in its way).
BOOST_AUTO_TEST_CASE(failed_write_leaves_the_old_checkpoint_intact) {
  const std::string path = scratch("failed_write") + "/net.safetensors";
  Sequential<float> net = mnist04_net(1);
  save_checkpoint(net, path);
  const std::string good = read_bytes(path);
  fs::create_directory(path + ".tmp");
  Sequential<float> other = mnist04_net(2);
  BOOST_TEST(error_of([&] { save_checkpoint(other, path); }) ==
             path + ": cannot write (is the folder there and writable?)");
  BOOST_TEST(read_bytes(path) == good);
  Sequential<float> again = mnist04_net(5);
  load_into(again, path);
  BOOST_TEST(same_bits(*again.params()[0].value, *net.params()[0].value));
}

// The last step fails (the target is a folder): the error says so and no temporary is left.
BOOST_AUTO_TEST_CASE(failed_rename_is_reported_and_removes_the_temporary_file) {
  const std::string path = scratch("failed_rename") + "/net.safetensors";
  fs::create_directories(path + "/inside");
  Sequential<float> net = mnist04_net(1);
  BOOST_TEST(error_of([&] { save_checkpoint(net, path); }) ==
             path + ": cannot rename " + path + ".tmp into place");
  BOOST_TEST(!fs::exists(path + ".tmp"));
}

// ---------------------------------------------------------------------------------------------
// 5. Strict loading: each malformed file gives its own error, naming the file and the tensor.

BOOST_AUTO_TEST_CASE(each_malformed_file_gives_its_error) {
  const std::string dir = scratch("malformed");
  const std::string tiny = read_bytes(kFixtures + "/tiny_torch_mlp.safetensors");
  const std::string w23 = R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":)";
  struct Case {
    std::string name;     // also the file name
    std::string bytes;    // the file's content
    std::string message;  // after "<path>: "
  };
  const std::vector<Case> cases = {
      {"too_short", "\x01\x02\x03\x04\x05",
       "5 bytes, too short for a safetensors file (the first 8 bytes hold the header length)"},
      {"png_not_safetensors",
       bytes_of({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}) + std::string(64, 'x'),
       "header length 727905341920923785 does not fit in the file (72 bytes): not a safetensors "
       "file, or truncated"},
      {"truncated_in_header", tiny.substr(0, 100),
       "header length 280 does not fit in the file (100 bytes): not a safetensors file, or "
       "truncated"},
      {"header_not_an_object", file_bytes(R"(["w"]   )", ""),
       "the header does not start with '{' (not a safetensors file?)"},
      {"json_error", file_bytes(R"({"w":{"dtype":"F32",}})", ""),
       "the header is not valid JSON (error at byte 21 of 22)"},
      // The format pads the header with spaces only; JSON would also skip newlines and tabs.
      {"newline_padding", file_bytes("{}\n     ", ""),
       "the header is padded with byte 0x0a at byte 10, expected spaces (0x20) only after its "
       "closing '}'"},
      {"tab_padding",
       file_bytes(R"({"__metadata__":{"a":"b"}})"
                  "  \t   ",
                  ""),
       "the header is padded with byte 0x09 at byte 36, expected spaces (0x20) only after its "
       "closing '}'"},
      {"metadata_not_a_string", file_bytes(R"({"__metadata__":{"seed":42}})", ""),
       "__metadata__ entry 'seed' is not a string"},
      {"missing_shape", file_bytes(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", f32le({1})),
       "tensor 'w': missing \"shape\""},
      {"unknown_dtype",
       file_bytes(R"({"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", f32le({1})),
       "tensor 'w': unknown dtype \"BF16\" (this reader knows F32 and F64)"},
      {"offsets_reversed", file_bytes("{" + w23 + "[24,0]}}", f32le({1, 2, 3, 4, 5, 6})),
       "tensor 'w': data_offsets must be two integers [begin, end] with begin <= end"},
      {"offsets_outside_the_file", file_bytes("{" + w23 + "[0,4000]}}", f32le({1, 2, 3, 4, 5, 6})),
       "tensor 'w': data_offsets [0, 4000] reach past the end of the file (its data section has 24 "
       "bytes; truncated?)"},
      // Found by fuzzing (./course fuzz): a number too large for a double in the header.
      {"number_overflow_in_header", read_bytes(kFixtures + "/number_overflow.safetensors"),
       "the header is not valid JSON ([json.exception.out_of_range.406] number overflow parsing "
       "'12e674')"},
      {"truncated_in_data", read_bytes(kFixtures + "/truncated.safetensors"),
       "tensor '2.weight': data_offsets [72, 104] reach past the end of the file (its data section "
       "has 84 bytes; truncated?)"},
      {"shape_does_not_match_offsets", file_bytes("{" + w23 + "[0,16]}}", f32le({1, 2, 3, 4})),
       "tensor 'w': data_offsets [0, 16] hold 16 bytes, but shape [2, 3] of F32 needs 24"},
      {"gap_between_tensors",
       file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}})",
                  f32le({1, 2, 3, 4, 5, 6})),
       "tensor 'b' starts at byte 16 of the data, expected 8 (tensors must follow each other "
       "without gaps or overlaps)"},
      {"overlapping_tensors",
       file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  f32le({1, 2, 3})),
       "tensor 'b' starts at byte 4 of the data, expected 8 (tensors must follow each other "
       "without gaps or overlaps)"},
      {"bytes_after_the_last_tensor",
       file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", f32le({1, 2, 3})),
       "4 bytes after the last tensor (the data section has 12 bytes, the tensors end at 8)"},
      {"nan_in_a_tensor", file_bytes("{" + w23 + "[0,24]}}", f32le({1, 2, 3, 4, NAN, 6})),
       "tensor 'w': element [1, 1] is NaN"},
      {"inf_in_a_tensor",
       file_bytes(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                  f32le({-INFINITY, 0})),
       "tensor 'b': element [0] is -inf"},
  };
  for (const auto& c : cases) {
    const std::string path = dir + "/" + c.name + ".safetensors";
    write_bytes(path, c.bytes);
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(error_of([&] { safetensors::load_safetensors(path); }) == path + ": " + c.message);
    }
  }
  BOOST_TEST(error_of([&] { safetensors::load_safetensors(dir + "/nowhere.safetensors"); }) ==
             dir + "/nowhere.safetensors: file not found");
}

// Files that are not regular files or are too large are refused before a byte is read (a device
// such as /dev/zero never ends; it used to end in std::bad_alloc).
BOOST_AUTO_TEST_CASE(special_folder_and_oversized_files_are_refused_naming_the_file) {
  BOOST_TEST(error_of([] { safetensors::load_safetensors("/dev/zero"); }) ==
             "/dev/zero: is not a regular file (a device or a pipe?), expected a safetensors "
             "checkpoint");
  const std::string dir = scratch("special");
  BOOST_TEST(error_of([&] { safetensors::load_safetensors(dir); }) ==
             dir + ": is a folder, expected a safetensors checkpoint");
  const std::string big = dir + "/big.safetensors";
  write_bytes(big, file_bytes("{}      ", ""));
  fs::resize_file(big, safetensors::kMaxFileBytes + 1);  // sparse: no disk space used
  BOOST_TEST(error_of([&] { safetensors::load_safetensors(big); }) ==
             big +
                 ": 268435457 bytes, more than the 268435456 expected of a safetensors "
                 "checkpoint");
  fs::resize_file(big, 16);  // the same file within the limit loads
  BOOST_CHECK_NO_THROW(safetensors::load_safetensors(big));
}

// A well-formed file that does not fit the network (the architecture check).
BOOST_AUTO_TEST_CASE(a_checkpoint_that_does_not_fit_the_network_names_the_tensor) {
  const std::string dir = scratch("mismatch");
  const std::string path = dir + "/net.safetensors";
  Sequential<float> net = mnist04_net(1);
  save_checkpoint(net, path);

  Sequential<float> narrower = mnist04_net(1, 64, 32);
  BOOST_TEST(error_of([&] { load_into(narrower, path); }) ==
             path +
                 ": tensor '0.weight' has shape [128, 784], the network's Dense(784 -> 64) needs "
                 "[64, 784]");

  safetensors::Tensors tensors = state_dict(net);
  tensors.erase("4.bias");
  safetensors::save_safetensors(dir + "/missing.safetensors", tensors, {});
  BOOST_TEST(
      error_of([&] { load_into(net, dir + "/missing.safetensors"); }) ==
      dir + "/missing.safetensors: no tensor '4.bias' (the network's Dense(64 -> 5) needs it)");

  tensors = state_dict(net);
  tensors["6.weight"] = tensors.at("4.weight");
  safetensors::save_safetensors(dir + "/extra.safetensors", tensors, {});
  BOOST_TEST(error_of([&] { load_into(net, dir + "/extra.safetensors"); }) ==
             dir +
                 "/extra.safetensors: tensor '6.weight' matches no parameter of the network "
                 "Dense(784 -> 128) -> ReLU -> Dense(128 -> 64) -> ReLU -> Dense(64 -> 5)");
  // Not strict (as PyTorch's strict=False): both are listed, the rest is loaded.
  tensors.erase("4.bias");
  safetensors::save_safetensors(dir + "/both.safetensors", tensors, {});
  const LoadReport r = load_into(net, dir + "/both.safetensors", /*strict=*/false);
  BOOST_TEST(r.missing == std::vector<std::string>{"4.bias"}, boost::test_tools::per_element());
  BOOST_TEST(r.unexpected == std::vector<std::string>{"6.weight"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(building_from_a_checkpoint_needs_known_layers_that_chain) {
  const std::string dir = scratch("build");
  BOOST_TEST(error_of([&] { build_from_checkpoint(kFixtures + "/tiny_torch_mlp.safetensors"); }) ==
             kFixtures +
                 "/tiny_torch_mlp.safetensors: no \"layers\" entry in __metadata__, so the "
                 "activations between the Dense layers are unknown (build the network "
                 "yourself and use load_into)");
  safetensors::File f = safetensors::load_safetensors(kFixtures + "/tiny_torch_mlp.safetensors");
  f.metadata["layers"] = "Dense,Dropout,Dense";
  safetensors::save_safetensors(dir + "/dropout.safetensors", f.tensors, f.metadata);
  BOOST_TEST(error_of([&] { build_from_checkpoint(dir + "/dropout.safetensors"); }) ==
             dir +
                 "/dropout.safetensors: __metadata__ \"layers\" has an unknown layer 'Dropout' "
                 "(this builder knows Dense, ReLU, Sigmoid, Tanh)");
  f.metadata["layers"] = "Dense,ReLU,Dense";
  const float v[12] = {};
  f.tensors["2.weight"] = safetensors::make_tensor<float>({2, 6}, v);
  safetensors::save_safetensors(dir + "/chain.safetensors", f.tensors, f.metadata);
  BOOST_TEST(error_of([&] { build_from_checkpoint(dir + "/chain.safetensors"); }) ==
             dir +
                 "/chain.safetensors: tensor '2.weight' has shape [2, 6], but the layer before it "
                 "outputs 4 values");
  f.tensors = safetensors::load_safetensors(kFixtures + "/tiny_torch_mlp.safetensors").tensors;
  safetensors::save_safetensors(dir + "/good.safetensors", f.tensors, f.metadata);
  BOOST_TEST(build_from_checkpoint(dir + "/good.safetensors").net.describe() ==
             "Dense(3 -> 4) -> ReLU -> Dense(4 -> 2)");
}

BOOST_AUTO_TEST_CASE(select_classes_keeps_and_relabels_a_range_of_labels) {
  course::ImageSet s;
  s.X = arma::fmat{{10, 11, 12, 13, 14, 15}};
  s.labels = {5, 0, 9, 7, 3, 5};
  const course::ImageSet hi = select_classes(s, 5, 9);
  BOOST_TEST(arma::all(hi.labels == arma::uvec{0, 4, 2, 0}));
  BOOST_TEST(arma::all(arma::vectorise(hi.X) == arma::fvec{10, 12, 13, 15}));
  BOOST_TEST(select_classes(s, 5, 9, 2).labels.n_elem == 2u);
}

// ---------------------------------------------------------------------------------------------
// 6. With MNIST: a short pretraining run, and the shipped checkpoint.

BOOST_AUTO_TEST_CASE(pretraining_2000_digits_then_reload_gives_identical_predictions_needs_mnist) {
  const auto train = select_classes(course::load_images("mnist", "train"), 0, 4, 2000);
  const auto test = select_classes(course::load_images("mnist", "test", "", 2000), 0, 4);
  Sequential<float> net = mnist04_net(42);
  SoftmaxCrossEntropy<float> loss;
  Adam<float> adam(net.params(), 1e-3);
  Trainer<float> trainer(net, loss, adam, 32);
  course::Rng rng(42);
  const arma::fmat Y = course::one_hot<arma::fmat>(train.labels, 5);
  const double first = trainer.train_epoch(train.X, Y, rng, 1);
  const double second = trainer.train_epoch(train.X, Y, rng, 2);
  const double acc = count_correct(net, test.X, test.labels) / double(test.X.n_cols);
  BOOST_TEST_MESSAGE("2,000 digits 0-4, 2 epochs: test accuracy " << acc);
  BOOST_TEST(second < first);
  BOOST_TEST(acc >= 0.95);
  const std::string path = scratch("smoke") + "/net.safetensors";
  save_checkpoint(net, path);
  LoadedNetwork<float> built = build_from_checkpoint(path);
  BOOST_TEST(arma::all(predict(built.net, test.X) == predict(net, test.X)));
}

BOOST_AUTO_TEST_CASE(shipped_checkpoint_scores_99_percent_on_digits_0_to_4_needs_mnist) {
  LoadedNetwork<float> built = build_from_checkpoint(kShipped);
  BOOST_TEST(built.metadata.at("architecture") == "784-128-64-5");
  BOOST_TEST(built.metadata.at("layers") == "Dense,ReLU,Dense,ReLU,Dense");
  const auto test = select_classes(course::load_images("mnist", "test"), 0, 4);
  BOOST_REQUIRE(test.X.n_cols == 5139u);
  const arma::uword ok = count_correct(built.net, test.X, test.labels);
  const double acc = ok / 5139.0;
  BOOST_TEST_MESSAGE("shipped checkpoint: " << ok << " / 5139 = " << acc);
  BOOST_TEST(acc >= 0.99);
  // The file records the accuracy it was shipped with: the same network, the same number.
  BOOST_TEST(built.metadata.at("test_correct") == std::to_string(ok) + "/5139");
  // A slice (the first 1,000 test digits 0-4) scores as well.
  const arma::uword ok_slice =
      count_correct(built.net, arma::fmat(test.X.cols(0, 999)), arma::uvec(test.labels.head(1000)));
  BOOST_TEST(ok_slice >= 990u);
}
