// Chapter 05 tests: numpy's generator and scikit-learn's split are reproduced exactly; the
// listing's port starts from numpy's weights, stops where Python stops with Python's words, and
// at every stage that runs gets numpy's test count for every weight seed; the gradient check
// catches the broken chain rule and passes the fixed one; the tuned network gets >= 29/30; the
// training loop allocates nothing after its first epoch.
//
// Reference numbers come from the real libraries (Debian 12: numpy 1.24.2, scikit-learn 1.2.1),
// derived once by the scripts in tests/fixtures/ch05_split/ and tests/fixtures/ch05_listing/
// (no Python at test time).
#define BOOST_TEST_MODULE ch05_article_iris
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "chapters/05_article_iris/experiments.hpp"
#include "chapters/05_article_iris/listing.hpp"
#include "chapters/05_article_iris/numpy_random.hpp"
#include "chapters/05_article_iris/sklearn_split.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"
#include "tests/support/count_allocations.hpp"  // g_allocations (see tests/ch05_article_iris.cmake)

using namespace article_iris;
namespace tt = boost::test_tools;

namespace {

const std::string fixtures = std::string(COURSE_FIXTURES_DIR) + "/";

/// Lines "key v1 v2 ..." of a fixture file, by key ("#" lines skipped).
std::map<std::string, std::vector<std::string>> read_fixture(const std::string& file) {
  std::ifstream in(fixtures + file);
  BOOST_REQUIRE_MESSAGE(in, "cannot open fixture " << fixtures + file);
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string key, v;
    s >> key;
    while (s >> v) rows[key].push_back(v);
  }
  return rows;
}

/// A table "# seed name1 name2 ..." then "seed v1 v2 ...": column by stage name, row by seed.
struct SeedTable {
  std::vector<std::string> names;
  std::map<std::uint32_t, std::vector<std::string>> rows;
  const std::string& at(std::uint32_t seed, const std::string& name) const {
    const auto it = std::find(names.begin(), names.end(), name);
    BOOST_REQUIRE_MESSAGE(it != names.end(), "no column " << name);
    return rows.at(seed).at(static_cast<std::size_t>(it - names.begin()));
  }
};

SeedTable read_seed_table(const std::string& file) {
  std::ifstream in(fixtures + file);
  BOOST_REQUIRE_MESSAGE(in, "cannot open fixture " << fixtures + file);
  SeedTable t;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string first, v;
    s >> first;
    if (first == "#") {
      if (s >> v && v == "seed")
        while (s >> v) t.names.push_back(v);
      continue;
    }
    auto& row = t.rows[static_cast<std::uint32_t>(std::stoul(first))];
    while (s >> v) row.push_back(v);
  }
  BOOST_REQUIRE(!t.names.empty());
  return t;
}

arma::uvec as_indices(const std::vector<std::string>& v) {
  arma::uvec u(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) u[i] = std::stoull(v[i]);
  return u;
}

arma::vec as_doubles(const std::vector<std::string>& v) {
  arma::vec u(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) u[i] = std::stod(v[i]);
  return u;
}

const course::Dataset& iris() {
  static const course::Dataset d = course::load_iris();
  return d;
}

/// The listing's data: split 42, scaled with the training part's statistics.
const IrisData& data() {
  static const IrisData d = prepare(iris(), 42);
  return d;
}

const Stage& stage(const std::string& key) {
  static const std::vector<Stage> all = [] {
    std::vector<Stage> s = stages();
    s.push_back({"fixed_tuned_rate", "all fixed, tuned rate only", Bugs{}, Output::linear, true});
    return s;
  }();
  for (const Stage& s : all)
    if (s.key == key) return s;
  BOOST_FAIL("no stage " << key);
  return all.front();
}

}  // namespace

// ---- 1. Shapes and invariants --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(mt19937_equals_the_standards_mt19937_and_its_reference_value) {
  // The C++ standard specifies std::mt19937 with the same init_genrand seeding: an oracle.
  for (std::uint32_t seed : {0u, 1u, 42u, 5489u, 4294967295u}) {
    MT19937 mt(seed);
    std::mt19937 ref(seed);
    for (int i = 0; i < 2000; ++i) BOOST_REQUIRE_EQUAL(mt.next32(), ref());
  }
  MT19937 mt(5489);  // the standard's check: the 10000th output for the default seed
  for (int i = 0; i < 9999; ++i) mt.next32();
  BOOST_TEST(mt.next32() == 4123659995u);
}

BOOST_AUTO_TEST_CASE(random_interval_stays_in_range_and_reaches_every_value) {
  RandomState rng(7);
  for (std::uint64_t max : {1u, 2u, 5u, 149u, 255u, 256u}) {
    std::vector<int> seen(max + 1, 0);
    for (int k = 0; k < 4000; ++k) {
      const auto v = rng.random_interval(max);
      BOOST_REQUIRE(v <= max);
      ++seen[v];
    }
    for (std::uint64_t v = 0; v <= max; ++v)
      BOOST_TEST(seen[v] > 0, "max " << max << " value " << v);
  }
  BOOST_TEST(rng.random_interval(0) == 0u);
}

BOOST_AUTO_TEST_CASE(softmax_columns_are_positive_and_sum_to_one_even_for_huge_logits) {
  arma::mat A = {{1000, -1000, 0.5}, {999, 0, -0.5}, {-1000, 1000, 0}};
  softmax_in_place(A);
  BOOST_TEST(A.is_finite());
  BOOST_TEST(arma::all(arma::vectorise(A) >= 0));
  for (arma::uword j = 0; j < A.n_cols; ++j)
    BOOST_TEST(arma::accu(A.col(j)) == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(A(0, 0) == 1.0 / (1.0 + std::exp(-1.0)), tt::tolerance(1e-15));  // e^0/(e^0+e^-1)
}

// The constructor's four randn calls, W1, W2, b1, b2, in numpy's order and layout.
BOOST_AUTO_TEST_CASE(initial_parameters_are_numpys_four_randn_calls_transposed) {
  const ListingNet net(4, 5, 3, 42, Bugs{});
  BOOST_TEST(net.p.W1.n_rows == 5u);  // numpy's W1 is (4, 5): ours is its transpose
  BOOST_TEST(net.p.W1.n_cols == 4u);
  BOOST_TEST(net.p.W2.n_rows == 3u);
  BOOST_TEST(net.p.W2.n_cols == 5u);
  BOOST_TEST(net.p.b1.n_elem == 5u);
  BOOST_TEST(net.p.b2.n_elem == 3u);
  RandomState rng(42);
  std::vector<double> z(43);
  for (double& x : z) x = rng.standard_normal();
  for (arma::uword i = 0; i < 4; ++i)  // numpy W1[i, j], row-major: the (i*5 + j)-th draw
    for (arma::uword j = 0; j < 5; ++j) BOOST_TEST(net.p.W1(j, i) == z[i * 5 + j]);
  for (arma::uword i = 0; i < 5; ++i)
    for (arma::uword j = 0; j < 3; ++j) BOOST_TEST(net.p.W2(j, i) == z[20 + i * 3 + j]);
  for (arma::uword j = 0; j < 5; ++j) BOOST_TEST(net.p.b1[j] == z[35 + j]);
  for (arma::uword j = 0; j < 3; ++j) BOOST_TEST(net.p.b2[j] == z[40 + j]);
  // and the first of them is numpy's (the fixture holds RandomState(42).randn(4, 5)).
  auto f = read_fixture("ch05_split/reference.txt");
  BOOST_TEST(net.p.W1(0, 0) == std::stod(f["randn_42_4x5"][0]));
}

BOOST_AUTO_TEST_CASE(numpy_shapes_are_printed_as_numpy_prints_them) {
  BOOST_TEST(numpy_shape(arma::mat(3, 120)) == "(120,3)");  // ours (K x m) is numpy's (m, K)
  BOOST_TEST(numpy_shape(arma::mat(1, 120)) == "(120,)");   // one row: a 1-D array
}

// ---- 2. Hand-computed values and the libraries' own numbers ----------------------------------

// The lesson's worked example of permutation(150) with seed 42: the first draws and swaps.
BOOST_AUTO_TEST_CASE(first_steps_of_the_permutation_by_hand_as_in_the_lesson) {
  MT19937 mt(42);
  BOOST_TEST(mt.next32() == 1608637542u);  // & 255 = 102 <= 149: accepted
  BOOST_TEST(mt.next32() == 3421126067u);  // & 255 = 179 >  148: rejected
  BOOST_TEST(mt.next32() == 4083286876u);  // & 255 = 92  <= 148: accepted
  BOOST_TEST((1608637542u & 255u) == 102u);
  BOOST_TEST((3421126067u & 255u) == 179u);
  BOOST_TEST((4083286876u & 255u) == 92u);
  RandomState rng(42);
  BOOST_TEST(rng.random_interval(149) == 102u);  // i = 149: swap positions 149 and 102
  BOOST_TEST(rng.random_interval(148) == 92u);   // i = 148: one rejection, then swap with 92
  // The whole split: test size ceil(0.2 * 150) = 30, and its first test index is 73.
  const course::Split s = train_test_split(150, 0.2, 42);
  BOOST_TEST(s.test.n_elem == 30u);
  BOOST_TEST(s.train.n_elem == 120u);
  BOOST_TEST(s.test[0] == 73u);
}

BOOST_AUTO_TEST_CASE(split_indices_equal_scikit_learns_for_several_seeds) {
  for (std::uint32_t seed : {0u, 1u, 7u, 42u, 123u, 2024u, 4294967295u}) {
    auto f = read_fixture("ch05_split/random_state_" + std::to_string(seed) + ".txt");
    const course::Split s = train_test_split(150, 0.2, seed);
    const arma::uvec test = as_indices(f["test"]), train = as_indices(f["train"]);
    BOOST_REQUIRE_EQUAL(test.n_elem, 30u);
    BOOST_REQUIRE_EQUAL(train.n_elem, 120u);
    BOOST_TEST(arma::all(s.test == test), "random_state " << seed << ": test indices differ");
    BOOST_TEST(arma::all(s.train == train), "random_state " << seed << ": train indices differ");
  }
}

BOOST_AUTO_TEST_CASE(split_is_a_partition_and_the_test_size_rounds_up) {
  const course::Split s = train_test_split(7, 0.2, 3);  // ceil(1.4) = 2 test samples
  BOOST_TEST(s.test.n_elem == 2u);
  BOOST_TEST(s.train.n_elem == 5u);
  const arma::uvec all = arma::sort(arma::join_cols(s.test, s.train));
  BOOST_TEST(arma::all(all == arma::regspace<arma::uvec>(0, 6)));
  BOOST_CHECK_THROW(train_test_split(150, 1.0, 0), course::UsageError);
  BOOST_CHECK_THROW(train_test_split(150, 0.0, 0), course::UsageError);
}

BOOST_AUTO_TEST_CASE(randn_equals_numpys_legacy_normals) {
  auto f = read_fixture("ch05_split/reference.txt");
  const arma::vec numpy = as_doubles(f["randn_42_4x5"]);  // randn(4, 5), row-major
  RandomState rng(42);
  const arma::mat W = rng.randn_transposed(4, 5);  // (5 x 4): the transpose
  BOOST_REQUIRE_EQUAL(numpy.n_elem, 20u);
  for (arma::uword k = 0; k < 4; ++k)
    for (arma::uword j = 0; j < 5; ++j)
      BOOST_TEST(W(j, k) == numpy[k * 5 + j], tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(scaler_statistics_equal_standard_scalers_on_the_training_part) {
  auto f = read_fixture("ch05_split/reference.txt");
  const arma::vec mean = as_doubles(f["scaler_mean"]), scale = as_doubles(f["scaler_scale"]);
  const course::Split split = train_test_split(150, 0.2, 42);
  course::StandardScaler<> scaler;
  const arma::mat Xtr = iris().X.cols(split.train);
  scaler.fit(Xtr);
  for (arma::uword r = 0; r < 4; ++r) {
    BOOST_TEST(scaler.mean[r] == mean[r], tt::tolerance(1e-14));
    BOOST_TEST(scaler.stddev[r] == scale[r], tt::tolerance(1e-14));
  }
  // Sample std (ddof = 1) would be sqrt(120/119) = 0.42% larger: the fixture tells them apart.
  BOOST_TEST(std::abs(arma::stddev(Xtr.row(0)) - scale[0]) > 1e-3);
  // prepare() scales the training part to mean 0 and population std 1 per feature.
  BOOST_TEST(arma::abs(arma::mean(data().X_train, 1)).max() < 1e-14);
  BOOST_TEST(arma::abs(arma::stddev(data().X_train, 1, 1) - 1.0).max() < 1e-14);
}

// ---- 3. Gradient checks: the broken chain rule caught, the fixed one passed ------------------

BOOST_AUTO_TEST_CASE(gradient_check_catches_bug_4_and_passes_the_fixed_and_tuned_backward) {
  const SeedTable numpy = read_seed_table("ch05_listing/gradient_check.txt");
  for (std::uint32_t seed = 0; seed < 5; ++seed) {
    // Bugs 1 and 2 stop before a gradient exists; bug 3 stops after it is computed.
    BOOST_TEST(!gradient_check(data(), stage("as_printed"), 5, seed).has_value());
    BOOST_TEST(!gradient_check(data(), stage("fix1_one_hot"), 5, seed).has_value());
    for (const char* key : {"fix2_A1_kept", "fix3_learning_rate_passed"}) {
      const double rel = gradient_check(data(), stage(key), 5, seed).value();
      BOOST_TEST(rel > 0.1, key << " seed " << seed << ": " << rel);
      // numpy's check of the listing's own backward() finds the same error.
      BOOST_TEST(rel == std::stod(numpy.at(seed, "fix3_learning_rate_passed")),
                 tt::tolerance(1e-6));
    }
    for (const char* key : {"fix4_chain_rule", "tuned"}) {
      const double rel = gradient_check(data(), stage(key), 5, seed).value();
      BOOST_TEST(rel <= 1e-7, key << " seed " << seed << ": " << rel);
      BOOST_TEST(std::stod(numpy.at(seed, key)) <= 1e-7);
    }
  }
}

// The worst entries of the broken gradient are in the hidden layer; the output layer is right.
BOOST_AUTO_TEST_CASE(bug_4_breaks_only_the_hidden_layers_gradient) {
  ListingNet net(4, 5, 3, 42, stage("fix3_learning_rate_passed").bugs);
  net.gradients(data().X_train, data().Y, net.forward(data().X_train));
  const backprop::Gradients g = net.g;
  auto L = [&] { return intended_loss(net.forward(data().X_train), data().Y, Output::linear); };
  const auto rW2 = course::check_gradient(net.p.W2, g.dW2, L);
  const auto rb2 = course::check_gradient(net.p.b2, g.db2, L);
  const auto rW1 = course::check_gradient(net.p.W1, g.dW1, L);
  const auto rb1 = course::check_gradient(net.p.b1, g.db1, L);
  BOOST_TEST(rW2.max_rel_error <= 1e-7, rW2.report("dW2"));
  BOOST_TEST(rb2.max_rel_error <= 1e-7, rb2.report("db2"));
  BOOST_TEST(rW1.max_rel_error > 0.1);
  BOOST_TEST(rb1.max_rel_error > 0.1);
}

// ---- 4. The listing's batch backward equals a per-example loop --------------------------------

BOOST_AUTO_TEST_CASE(fixed_backward_equals_the_per_example_loop_for_both_outputs) {
  for (Output out : {Output::linear, Output::softmax}) {
    ListingNet net(4, 5, 3, 3, Bugs{}, out);
    const arma::mat& X = data().X_train;
    const arma::mat& Y = data().Y;
    net.gradients(X, Y, net.forward(X));
    const backprop::TwoLayerNet& p = net.p;
    const double m = static_cast<double>(X.n_cols);
    arma::mat dW1(arma::size(p.W1), arma::fill::zeros), dW2(arma::size(p.W2), arma::fill::zeros);
    arma::vec db1(p.b1.n_elem, arma::fill::zeros), db2(p.b2.n_elem, arma::fill::zeros);
    for (arma::uword i = 0; i < X.n_cols; ++i) {
      const arma::vec x = X.col(i), y = Y.col(i);
      const arma::vec a1 = 1.0 / (1.0 + arma::exp(-(p.W1 * x + p.b1)));
      arma::vec a2 = p.W2 * a1 + p.b2;
      if (out == Output::softmax) {
        a2 = arma::exp(a2 - a2.max());
        a2 /= arma::accu(a2);
      }
      const arma::vec delta2 = a2 - y;                                 // dL_i/dz2
      const arma::vec delta1 = (p.W2.t() * delta2) % a1 % (1.0 - a1);  // dL_i/dz1
      dW2 += delta2 * a1.t() / m;
      db2 += delta2 / m;
      dW1 += delta1 * x.t() / m;
      db1 += delta1 / m;
    }
    BOOST_TEST(arma::approx_equal(net.g.dW1, dW1, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(net.g.db1, db1, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(net.g.dW2, dW2, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(net.g.db2, db2, "reldiff", 1e-12));
  }
}

// ---- 5. The port equals numpy's run of the listing, stage by stage, seed by seed -------------

BOOST_AUTO_TEST_CASE(stages_1_to_3_stop_with_a_one_line_message_naming_pythons_error) {
  const auto numpy = read_fixture("ch05_listing/stages.txt");
  Config c;
  c.epochs = 3;
  for (const Stage& s : stages()) {
    const StageRun r = run_stage(data(), s, c, 42);
    const std::vector<std::string>& words = numpy.at(s.key);
    std::string python;
    for (const std::string& w : words) python += (python.empty() ? "" : " ") + w;
    if (python == "runs") {
      BOOST_TEST(!r.stopped, s.key << ": " << r.error);
      continue;
    }
    BOOST_TEST(r.stopped, s.key << " should stop with " << python);
    BOOST_TEST(r.error.find('\n') == std::string::npos);
    BOOST_TEST(r.error.size() >= python.size());
    BOOST_TEST(r.error.compare(r.error.size() - python.size(), python.size(), python) == 0,
               s.key << ": '" << r.error << "' does not end with Python's '" << python << "'");
  }
}

// The fixture holds seeds 0..199 (the lesson's distributions); the first 100 keep the test fast.
BOOST_AUTO_TEST_CASE(test_counts_equal_numpys_for_every_stage_and_100_weight_seeds) {
  const SeedTable numpy = read_seed_table("ch05_listing/test_counts.txt");
  BOOST_REQUIRE(numpy.rows.size() >= 100u);
  const Config c;
  int mismatches = 0;
  for (const std::string& key : numpy.names)
    for (std::uint32_t seed = 0; seed < 100; ++seed) {
      const StageRun r = run_stage(data(), stage(key), c, seed);
      const auto expected = std::stoul(numpy.at(seed, key));
      if (r.test_correct != expected) {
        ++mismatches;
        BOOST_TEST(r.test_correct == expected, key << " seed " << seed);
      }
    }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(final_losses_equal_numpys_to_twelve_digits) {
  const SeedTable numpy = read_seed_table("ch05_listing/final_loss.txt");
  const Config c;
  for (const std::string& key : numpy.names)
    for (const auto& [seed, row] : numpy.rows) {
      const Stage& s = stage(key);
      ListingNet net(4, 5, 3, seed, s.bugs, s.output);
      net.train(data().X_train, data().Y, s.tuned ? c.tuned_eta : c.eta, c.epochs);
      const double L = intended_loss(net.forward(data().X_train), data().Y, s.output);
      BOOST_TEST(L == std::stod(numpy.at(seed, key)), tt::tolerance(1e-12) << key << " " << seed);
    }
}

// ---- 6. Training ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tuned_network_gets_at_least_29_of_30_test_flowers) {
  const StageRun r = run_stage(data(), stage("tuned"), Config{}, 42, true);
  BOOST_TEST_MESSAGE("tuned: " << r.test_correct << "/30, loss " << r.loss.front() << " -> "
                               << r.loss.back());
  BOOST_TEST(r.test_correct >= 29u);
  BOOST_TEST(r.loss.back() < 0.1 * r.loss.front());
  BOOST_TEST(r.test_curve.size() == 1001u);
}

BOOST_AUTO_TEST_CASE(training_allocates_nothing_after_the_first_epoch) {
  for (Output out : {Output::linear, Output::softmax}) {
    ListingNet net(4, 5, 3, 42, Bugs{}, out);
    std::vector<long> after(20);
    net.train(data().X_train, data().Y, 0.01, 20,
              [&](arma::uword epoch) { after[epoch - 1] = g_allocations.load(); });
    BOOST_TEST(after[19] - after[0] == 0, "epochs 2-20 allocated " << after[19] - after[0]);
  }
}

BOOST_AUTO_TEST_CASE(same_seeds_give_bit_identical_results) {
  Config c;
  c.epochs = 50;
  const StageRun a = run_stage(data(), stage("fix4_chain_rule"), c, 7, true),
                 b = run_stage(data(), stage("fix4_chain_rule"), c, 7, true),
                 d = run_stage(data(), stage("fix4_chain_rule"), c, 8, true);
  BOOST_TEST(a.loss == b.loss);
  BOOST_TEST(a.loss.back() != d.loss.back());  // another weight seed, another run
}
