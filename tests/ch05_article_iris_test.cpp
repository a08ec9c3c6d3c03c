// Chapter 05 tests: the split is scikit-learn's, the scaler is StandardScaler's, the gradients are
// right, the batch form equals the per-example oracle, the port equals numpy's run of the fixed
// listing, each bug does what the lesson says, and the tuned network reaches >= 29/30.
//
// Reference numbers come from the real libraries (scikit-learn 1.2.1, numpy 1.24.2), derived once:
//   /usr/bin/python3 tests/fixtures/ch05_split/make_fixtures.py tests/fixtures/ch05_split
// and stored in tests/fixtures/ch05_split/ (no Python at test time).
#define BOOST_TEST_MODULE ch05_article_iris
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "chapters/05_article_iris/listing.hpp"
#include "chapters/05_article_iris/network.hpp"
#include "chapters/05_article_iris/numpy_random.hpp"
#include "chapters/05_article_iris/sklearn_split.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"

using namespace article_iris;
namespace tt = boost::test_tools;

namespace {

const std::string fixtures = std::string(COURSE_FIXTURES_DIR) + "/ch05_split/";

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

/// The iris split of the lesson (random_state=42), scaled with the training part's statistics.
struct IrisSplit {
  course::Dataset iris = course::load_iris();
  course::Split split = train_test_split(150, 0.2, 42);
  arma::mat X_train, X_test, Y;
  arma::uvec t_train, t_test;
  IrisSplit() {
    course::StandardScaler<> scaler;
    scaler.fit(iris.X.cols(split.train));
    X_train = scaler.transform(iris.X.cols(split.train));
    X_test = scaler.transform(iris.X.cols(split.test));
    t_train = iris.labels.elem(split.train);
    t_test = iris.labels.elem(split.test);
    Y = course::one_hot(t_train, 3);
  }
};

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
  const arma::mat Z = {{1000, -1000, 0.5}, {999, 0, -0.5}, {-1000, 1000, 0}};
  const arma::mat A = softmax(Z);
  BOOST_TEST(A.is_finite());
  BOOST_TEST(arma::all(arma::vectorise(A) >= 0));
  for (arma::uword j = 0; j < A.n_cols; ++j)
    BOOST_TEST(arma::accu(A.col(j)) == 1.0, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(forward_shapes_follow_the_dimension_legend) {
  const Params p = init_params(42, 4, 5, 3);
  BOOST_TEST(p.W1.n_rows == 5u);
  BOOST_TEST(p.W1.n_cols == 4u);
  BOOST_TEST(p.W2.n_rows == 3u);
  BOOST_TEST(p.W2.n_cols == 5u);
  const Cache c = forward(p, arma::mat(4, 7, arma::fill::randu), Head::softmax_cross_entropy);
  BOOST_TEST(c.Z1.n_rows == 5u);
  BOOST_TEST(c.A2.n_rows == 3u);
  BOOST_TEST(c.A2.n_cols == 7u);
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
    auto f = read_fixture("random_state_" + std::to_string(seed) + ".txt");
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
  auto f = read_fixture("reference.txt");
  const arma::vec numpy = as_doubles(f["randn_42_4x5"]);  // randn(4, 5), row-major
  RandomState rng(42);
  const arma::mat W = rng.randn_transposed(4, 5);  // (5 x 4): the transpose
  BOOST_REQUIRE_EQUAL(numpy.n_elem, 20u);
  for (arma::uword k = 0; k < 4; ++k)
    for (arma::uword j = 0; j < 5; ++j)
      BOOST_TEST(W(j, k) == numpy[k * 5 + j], tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(scaler_statistics_equal_standard_scalers_on_the_training_part) {
  auto f = read_fixture("reference.txt");
  const arma::vec mean = as_doubles(f["scaler_mean"]), scale = as_doubles(f["scaler_scale"]);
  const IrisSplit d;
  course::StandardScaler<> scaler;
  scaler.fit(d.iris.X.cols(d.split.train));
  const arma::mat Xtr = d.iris.X.cols(d.split.train);
  for (arma::uword r = 0; r < 4; ++r) {
    BOOST_TEST(scaler.mean[r] == mean[r], tt::tolerance(1e-14));
    BOOST_TEST(scaler.stddev[r] == scale[r], tt::tolerance(1e-14));
    // Population std (ddof = 0), by its definition: sqrt(mean of squared deviations).
    const double pop = std::sqrt(arma::mean(arma::square(Xtr.row(r) - arma::mean(Xtr.row(r)))));
    BOOST_TEST(scaler.stddev[r] == pop, tt::tolerance(1e-14));
  }
  // Sample std (ddof = 1) would be sqrt(120/119) = 0.42% larger: the fixture tells them apart.
  BOOST_TEST(std::abs(arma::stddev(Xtr.row(0)) - scale[0]) > 1e-3);
  // The scaled training part has mean 0 and population std 1 per feature.
  BOOST_TEST(arma::abs(arma::mean(d.X_train, 1)).max() < 1e-14);
  BOOST_TEST(arma::abs(arma::stddev(d.X_train, 1, 1) - 1.0).max() < 1e-14);
}

// ---- 3. Gradient checks ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gradient_check_for_both_heads_on_the_training_data) {
  const IrisSplit d;
  for (Head head : {Head::sigmoid_mse, Head::softmax_cross_entropy}) {
    Params p = init_params(42, 4, 5, 3);
    const Grads g = backward(p, forward(p, d.X_train, head), d.X_train, d.Y, head);
    auto L = [&] { return loss(forward(p, d.X_train, head), d.Y, head); };
    const auto rW1 = course::check_gradient(p.W1, g.dW1, L);
    const auto rb1 = course::check_gradient(p.b1, g.db1, L);
    const auto rW2 = course::check_gradient(p.W2, g.dW2, L);
    const auto rb2 = course::check_gradient(p.b2, g.db2, L);
    const std::string h = head == Head::sigmoid_mse ? "sigmoid_mse " : "softmax_ce ";
    BOOST_TEST(rW1.max_rel_error <= 1e-7, rW1.report(h + "dW1"));
    BOOST_TEST(rb1.max_rel_error <= 1e-7, rb1.report(h + "db1"));
    BOOST_TEST(rW2.max_rel_error <= 1e-7, rW2.report(h + "dW2"));
    BOOST_TEST(rb2.max_rel_error <= 1e-7, rb2.report(h + "db2"));
  }
}

// Bug 4 runs without an error; the gradient check is what catches it.
BOOST_AUTO_TEST_CASE(gradient_check_passes_the_fixed_listing_and_catches_bug_4) {
  const IrisSplit d;
  for (bool bug4 : {false, true}) {
    Bugs bugs;
    bugs.sigma_prime_of_Z1 = bug4;
    ListingNet net(4, 5, 3, 42, bugs);
    net.forward(d.X_train);
    const ListingNet::Gradients g = net.gradients(d.X_train, d.Y);
    auto L = [&] {
      net.forward(d.X_train);
      return net.loss(d.Y);
    };
    const auto rW1 = course::check_gradient(net.W1, g.dW1, L);
    const auto rW2 = course::check_gradient(net.W2, g.dW2, L);
    // The output layer is right either way.
    BOOST_TEST(rW2.max_rel_error <= 1e-7, rW2.report("dW2"));
    if (bug4)
      BOOST_TEST(rW1.max_rel_error > 0.1, "bug 4 should give a wrong dW1");
    else
      BOOST_TEST(rW1.max_rel_error <= 1e-7, rW1.report("dW1"));
  }
}

// ---- 4. Batch form == per-example oracle; port == clean network == numpy ----------------------

BOOST_AUTO_TEST_CASE(batch_backward_equals_the_per_example_loop) {
  const IrisSplit d;
  for (Head head : {Head::sigmoid_mse, Head::softmax_cross_entropy}) {
    const Params p = init_params(3, 4, 5, 3);
    const Grads g = backward(p, forward(p, d.X_train, head), d.X_train, d.Y, head);
    const Grads o = backward_per_example(p, d.X_train, d.Y, head);
    BOOST_TEST(arma::approx_equal(g.dW1, o.dW1, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(g.db1, o.db1, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(g.dW2, o.dW2, "reldiff", 1e-12));
    BOOST_TEST(arma::approx_equal(g.db2, o.db2, "reldiff", 1e-12));
  }
}

BOOST_AUTO_TEST_CASE(fixed_listing_equals_the_clean_network_after_1000_epochs) {
  const IrisSplit d;
  const ListingRun run = run_listing(d.iris, Bugs{}, 42, 42, 0.01, 1000);
  Params p = init_params(42, 4, 5, 3);
  const History h =
      train(p, d.X_train, d.t_train, d.X_test, d.t_test, Head::sigmoid_mse, 0.01, 1000);
  BOOST_REQUIRE_EQUAL(run.loss.size(), 1001u);
  BOOST_REQUIRE_EQUAL(h.loss.size(), 1001u);
  for (std::size_t e = 0; e <= 1000; e += 100)
    BOOST_TEST(run.loss[e] == h.loss[e], tt::tolerance(1e-12));
  BOOST_TEST(arma::all(run.test_predictions == predict(p, d.X_test, Head::sigmoid_mse)));
}

// numpy, running the same fixed listing (make_fixtures.py), got these numbers.
BOOST_AUTO_TEST_CASE(fixed_listing_reproduces_numpys_run_of_it) {
  auto f = read_fixture("reference.txt");
  const course::Dataset iris = course::load_iris();
  const ListingRun run = run_listing(iris, Bugs{}, 42, 42, 0.01, 1000);
  BOOST_TEST(run.loss.front() == std::stod(f["faithful_loss_0"][0]), tt::tolerance(1e-12));
  BOOST_TEST(run.loss.back() == std::stod(f["faithful_loss_1000"][0]), tt::tolerance(1e-10));
  BOOST_TEST(arma::all(run.test_predictions == as_indices(f["faithful_test_pred"])));
  BOOST_TEST(run.test_correct == std::stoul(f["faithful_test_correct"][0]));
  BOOST_TEST(run.test_correct == 9u);  // the lesson's number: lr 0.01 x 1000 steps is too little
}

// ---- 5. Training ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tuned_network_gets_at_least_29_of_30_test_flowers) {
  const IrisSplit d;
  Params p = init_params(42, 4, 5, 3);
  const History h =
      train(p, d.X_train, d.t_train, d.X_test, d.t_test, Head::softmax_cross_entropy, 0.5, 1000);
  const arma::uword correct =
      arma::accu(predict(p, d.X_test, Head::softmax_cross_entropy) == d.t_test);
  BOOST_TEST_MESSAGE("tuned: " << correct << "/30, loss " << h.loss.front() << " -> "
                               << h.loss.back());
  BOOST_TEST(correct >= 29u);
  BOOST_TEST(h.loss.back() < 0.1 * h.loss.front());
}

// ---- 6. The bugs, one by one: what the lesson's table says happens ---------------------------

BOOST_AUTO_TEST_CASE(each_shape_bug_stops_the_listing_where_the_lesson_says) {
  const course::Dataset iris = course::load_iris();
  Bugs bugs = Bugs::as_printed();
  auto stops_with = [&](const std::string& expected) {
    try {
      run_listing(iris, bugs, 42, 42, 0.01, 5);
    } catch (const ShapeError& e) {
      return std::string(e.what()).rfind(expected, 0) == 0;  // the message starts with it
    }
    return false;
  };
  BOOST_TEST(stops_with("W1 * X: (4 x 5) times (4 x 120)"));
  bugs.W1_transposed = false;
  BOOST_TEST(stops_with("A2 - Y: shapes (3 x 120) and (1 x 120) differ"));
  bugs.labels_not_one_hot = false;
  BOOST_TEST(stops_with("b2 -= lr * db2: shapes (3 x 1) and (3 x 120) differ"));
  bugs.bias_gradient_not_summed = false;
  BOOST_CHECK_NO_THROW(run_listing(iris, bugs, 42, 42, 0.01, 5));
}

BOOST_AUTO_TEST_CASE(bug_4_blows_up_to_nan_and_bug_5_leaks_the_test_rows_into_the_scaler) {
  const course::Dataset iris = course::load_iris();
  Bugs bugs;
  bugs.sigma_prime_of_Z1 = true;
  bugs.scaler_fit_on_all = true;
  const ListingRun with4 = run_listing(iris, bugs, 42, 42, 0.01, 1000);
  BOOST_TEST(std::isfinite(with4.loss.front()));
  // sigma'(Z1) = Z1 (1 - Z1) feeds |Z1| until it overflows.
  BOOST_TEST(!std::isfinite(with4.loss.back()));
  bugs.sigma_prime_of_Z1 = false;
  const ListingRun with5 = run_listing(iris, bugs, 42, 42, 0.01, 1000);
  const ListingRun fixed = run_listing(iris, Bugs{}, 42, 42, 0.01, 1000);
  BOOST_TEST(std::isfinite(with5.loss.back()));
  // The scaler fitted on all 150 rows gives other training inputs, hence another loss from step 0.
  BOOST_TEST(std::abs(with5.loss.front() - fixed.loss.front()) > 1e-4);
}

BOOST_AUTO_TEST_CASE(same_seeds_give_bit_identical_results) {
  const course::Dataset iris = course::load_iris();
  const ListingRun a = run_listing(iris, Bugs{}, 7, 3, 0.01, 50),
                   b = run_listing(iris, Bugs{}, 7, 3, 0.01, 50);
  BOOST_TEST(a.loss == b.loss);
  const ListingRun c = run_listing(iris, Bugs{}, 8, 3, 0.01, 50);  // another weight seed
  BOOST_TEST(a.loss.back() != c.loss.back());
}
