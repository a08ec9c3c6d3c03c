// Chapter 10 tests: stratified folds are disjoint, cover every example and keep the class
// proportions; the parameter-count formula equals Sequential::n_params() for several shapes;
// chapter 09's L2 penalty at this chapter's lambda scale, by hand and by gradient check; the
// standard error, the selection rule and the cross-validation summary by hand; log-uniform
// sampling; a cross-validation smoke test on iris; the random search reproduced from its seed; bad
// arguments; and one MNIST check (a wider network scores higher on the validation images).
#define BOOST_TEST_MODULE ch10_architecture
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <set>

#include "chapters/10_architecture/architecture.hpp"
#include "chapters/10_architecture/cross_validation.hpp"
#include "chapters/10_architecture/random_search.hpp"
#include "chapters/10_architecture/recipe.hpp"
#include "chapters/10_architecture/selection.hpp"
#include "common/data.hpp"
#include "common/gradcheck.hpp"

using namespace mlp;
namespace tt = boost::test_tools;

namespace {

/// Every held-out fold is disjoint from its training part, the held-out folds together are
/// 0..n-1 exactly once, and each training part is the complement of its fold.
void check_partition(const std::vector<course::Split>& folds, arma::uword n) {
  std::vector<int> seen(n, 0);
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const auto& s = folds[f];
    BOOST_TEST(s.train.n_elem + s.test.n_elem == n, "fold " << f);
    std::vector<int> in_fold(n, 0);
    for (auto i : s.test) {
      ++seen[i];
      in_fold[i] = 1;
    }
    for (auto i : s.train)
      BOOST_TEST(in_fold[i] == 0, "fold " << f << ": example " << i << " in both parts");
  }
  for (arma::uword i = 0; i < n; ++i)
    BOOST_TEST(seen[i] == 1, "example " << i << " held out " << seen[i] << " times");
}

/// A test-only optimizer that records the gradients it is handed and changes nothing.
template <class T>
struct RecordGradients : Optimizer<T> {
  using Optimizer<T>::Optimizer;
  std::vector<arma::Mat<T>> grads;
  void step() override {
    grads.clear();
    for (const auto& p : this->params_) grads.push_back(*p.grad);
  }
};

/// Iris split by the first of 5 stratified folds, standardized on the training part (float).
struct IrisSplit {
  arma::fmat X_train, Y_train, X_test;
  arma::uvec labels_test;
};
IrisSplit iris_split(std::uint64_t seed) {
  const course::Dataset iris = course::load_iris();
  course::Rng rng(seed);
  const auto folds = stratified_kfold(iris.labels, 5, rng);
  course::StandardScaler<arma::mat> scaler;
  scaler.fit(iris.X.cols(folds[0].train));
  IrisSplit s;
  s.X_train = arma::conv_to<arma::fmat>::from(scaler.transform(iris.X.cols(folds[0].train)));
  s.X_test = arma::conv_to<arma::fmat>::from(scaler.transform(iris.X.cols(folds[0].test)));
  s.Y_train = course::one_hot<arma::fmat>(iris.labels.elem(folds[0].train), 3);
  s.labels_test = iris.labels.elem(folds[0].test);
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(iris_folds_are_disjoint_covering_and_hold_10_of_each_class) {
  const course::Dataset iris = course::load_iris();
  course::Rng rng(42);
  const auto folds = stratified_kfold(iris.labels, 5, rng);
  BOOST_TEST(folds.size() == 5u);
  check_partition(folds, 150);
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const arma::uvec held_out = iris.labels.elem(folds[f].test);
    for (arma::uword c = 0; c < 3; ++c)
      BOOST_TEST(arma::accu(held_out == c) == 10u, "fold " << f << ", class " << c);
  }
}

BOOST_AUTO_TEST_CASE(unbalanced_classes_are_spread_within_one_per_fold) {
  // 11 of class 0, 7 of class 1, 2 of class 2, shuffled; k = 3.
  arma::uvec labels(20);
  for (arma::uword i = 0; i < 20; ++i) labels[i] = i < 11 ? 0 : (i < 18 ? 1 : 2);
  course::Rng shuffle_rng(5);
  course::shuffle(labels, shuffle_rng);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    course::Rng rng(seed);
    const auto folds = stratified_kfold(labels, 3, rng);
    check_partition(folds, 20);
    arma::uvec sizes(3);
    for (arma::uword f = 0; f < 3; ++f) sizes[f] = folds[f].test.n_elem;
    BOOST_TEST(sizes.max() - sizes.min() <= 1u, "seed " << seed);
    for (arma::uword c = 0; c < 3; ++c) {
      arma::uvec per_fold(3);
      for (arma::uword f = 0; f < 3; ++f) per_fold[f] = arma::accu(labels.elem(folds[f].test) == c);
      BOOST_TEST(per_fold.max() - per_fold.min() <= 1u, "seed " << seed << ", class " << c);
    }
  }
}

BOOST_AUTO_TEST_CASE(folds_are_fixed_by_the_seed) {
  const course::Dataset iris = course::load_iris();
  course::Rng a(7), b(7), c(8);
  const auto fa = stratified_kfold(iris.labels, 5, a), fb = stratified_kfold(iris.labels, 5, b),
             fc = stratified_kfold(iris.labels, 5, c);
  bool differ = false;
  for (std::size_t f = 0; f < 5; ++f) {
    BOOST_TEST(arma::all(fa[f].test == fb[f].test), "fold " << f);
    differ = differ || arma::any(fa[f].test != fc[f].test);
  }
  BOOST_TEST(differ, "seeds 7 and 8 gave the same folds");
}

// The lesson's table: (n_{l-1} + 1) n_l summed over the layers.
BOOST_AUTO_TEST_CASE(parameter_formula_equals_the_built_networks_count) {
  struct Case {
    LayerSizes sizes;
    arma::uword expected;
  };
  const std::vector<Case> cases = {
      {{784, 10}, 7850},                      // no hidden layer: (784 + 1) 10
      {{1, 1, 1}, 4},                         // 2 + 2
      {{4, 8, 3}, 67},                        // 5*8 + 9*3 = 40 + 27
      {{784, 30, 10}, 23860},                 // Nielsen's network: 23550 + 310
      {{784, 256, 128, 10}, 235146},          // 200960 + 32896 + 1290
      {{784, 16, 16, 16, 10}, 13274},         // 12560 + 272 + 272 + 170
      {{784, 1024, 1024, 1024, 10}, 2913290}  // 803840 + 2 * 1049600 + 10250
  };
  for (const auto& c : cases) {
    course::Rng rng(1);
    Sequential<float> net = build_mlp<float>(c.sizes, rng);
    BOOST_TEST(count_parameters(c.sizes) == c.expected, describe(c.sizes));
    BOOST_TEST(net.n_params() == c.expected, describe(c.sizes));
    // Dense, ReLU, Dense, ..., Dense: L Dense layers and L - 1 activations.
    BOOST_TEST(net.size() == 2 * (c.sizes.size() - 1) - 1, describe(c.sizes));
  }
}

BOOST_AUTO_TEST_CASE(uniform_sizes_and_their_name) {
  const LayerSizes s = uniform_sizes(784, 256, 3, 10);
  BOOST_TEST(describe(s) == "784-256-256-256-10");
  BOOST_TEST(describe(uniform_sizes(4, 8, 1, 3)) == "4-8-3");
  course::Rng rng(3);
  Sequential<float> net = build_mlp<float>(s, rng);
  BOOST_TEST(net.describe() ==
             "Dense(784 -> 256) -> ReLU -> Dense(256 -> 256) -> ReLU -> "
             "Dense(256 -> 256) -> ReLU -> Dense(256 -> 10)");
  const arma::fmat X(784, 3, arma::fill::randu);
  const arma::fmat& Z = net.forward(X);
  BOOST_TEST(Z.n_rows == 10u);
  BOOST_TEST(Z.n_cols == 3u);
}

// ---------------------------------------------------------------------------------------------
// 2. Small cases by hand (the lesson quotes these numbers).

// SGD with eta 0.5 and chapter 09's L2 penalty at this chapter's lambda 0.1 (per example; chapter
// 09's lambda is n = 1000 times that, 100): W = (1, -2), dW = (0.3, 0.1) -> dW + lambda W =
// (0.4, -0.1) -> W = (0.8, -1.95); the bias b = 0.5 with db = 0.2 takes a plain step to 0.4.
BOOST_AUTO_TEST_CASE(l2_adds_lambda_w_to_the_weights_only_by_hand) {
  arma::mat W = {{1.0, -2.0}}, dW = {{0.3, 0.1}}, b = {0.5}, db = {0.2};
  std::vector<Param<double>> params = {{"0.weight", &W, &dW, false}, {"0.bias", &b, &db, true}};
  SGD<double> sgd(params, 0.5);
  L2Penalty<double> l2 = l2_per_example(params, 0.1, 1000);
  BOOST_TEST(l2.lambda == 100.0, tt::tolerance(1e-15));  // chapter 09's lambda = n lambda
  BOOST_TEST(l2.weights().size() == 1u);                 // the bias is not penalized
  BOOST_TEST(l2.value() == 0.25, tt::tolerance(1e-15));  // lambda/2 (1^2 + 2^2)
  Regularized<double> opt(sgd, l2);
  BOOST_TEST(opt.eta == 0.5);
  opt.step();
  BOOST_TEST(W(0, 0) == 0.8, tt::tolerance(1e-15));
  BOOST_TEST(W(0, 1) == -1.95, tt::tolerance(1e-15));
  BOOST_TEST(b(0, 0) == 0.4, tt::tolerance(1e-15));
  BOOST_TEST(db(0, 0) == 0.2);  // the bias gradient is not touched
  opt.eta = 0.1;                // the wrapper's eta is the one used
  dW.zeros();
  opt.step();  // W -= 0.1 * 0.1 * W: W = 0.99 (0.8, -1.95)
  BOOST_TEST(sgd.eta == 0.1);
  BOOST_TEST(W(0, 0) == 0.792, tt::tolerance(1e-14));
  BOOST_TEST(W(0, 1) == -1.9305, tt::tolerance(1e-14));
}

// p = 0.98 on 10,000 validation images: sqrt(0.98 * 0.02 / 10000) = 0.0014 (0.14 points).
BOOST_AUTO_TEST_CASE(standard_error_of_an_accuracy_by_hand) {
  BOOST_TEST(binomial_se(0.98, 10000) == 0.0014, tt::tolerance(1e-12));
  BOOST_TEST(binomial_se(0.5, 100) == 0.05, tt::tolerance(1e-12));
  BOOST_TEST(binomial_se(1.0, 30) == 0.0);
}

// The lesson's example: four networks; best 0.980 at 400k parameters.
BOOST_AUTO_TEST_CASE(the_cheapest_network_within_the_tolerance_is_chosen) {
  const std::vector<Candidate> c = {{100e3, 0.970}, {200e3, 0.978}, {400e3, 0.980}, {800e3, 0.979}};
  BOOST_TEST(smallest_within(c, 0.0) == 2u);     // no tolerance: the best
  BOOST_TEST(smallest_within(c, 0.0014) == 2u);  // 0.978 < 0.980 - 0.0014: still the best
  BOOST_TEST(smallest_within(c, 0.0025) == 1u);  // 0.978 >= 0.9775: the 200k network
  BOOST_TEST(smallest_within(c, 0.02) == 0u);    // everything ties: the smallest
  // Equal cost: the higher score wins.
  BOOST_TEST(smallest_within({{5, 0.90}, {5, 0.95}, {9, 0.96}}, 0.02) == 1u);
}

// Fold scores 0.90, 1.00, 0.95, 0.95, 1.00: mean 0.96, sd sqrt(0.007/4) = 0.041833, se 0.018708.
BOOST_AUTO_TEST_CASE(cross_validation_summary_by_hand) {
  const CvScores s = summarize({0.90, 1.00, 0.95, 0.95, 1.00});
  BOOST_TEST(s.mean == 0.96, tt::tolerance(1e-12));
  BOOST_TEST(s.sd == std::sqrt(0.007 / 4), tt::tolerance(1e-12));
  BOOST_TEST(s.sd == 0.041833, tt::tolerance(1e-5));
  BOOST_TEST(s.se() == 0.018708, tt::tolerance(1e-4));
  // cross_validate calls the scorer once per fold, in order.
  std::vector<course::Split> folds(3);
  int calls = 0;
  const CvScores t = cross_validate(folds, [&](const course::Split&) { return double(++calls); });
  BOOST_TEST(calls == 3);
  BOOST_TEST(t.mean == 2.0);
  BOOST_TEST(t.sd == 1.0);
}

// ---------------------------------------------------------------------------------------------
// 3. Gradient check: the penalized gradient dW + lambda W that fit() hands Adam (chapter 09's L2
// at lambda_09 = n lambda) is the derivative of L + lambda/2 sum ||W||^2 (double precision,
// through a whole 3-4-4-2 ReLU network).
BOOST_AUTO_TEST_CASE(l2_gradient_matches_the_penalized_loss_numerically) {
  course::Rng rng(11);
  Sequential<double> net = build_mlp<double>({3, 4, 4, 2}, rng);
  arma::mat X(3, 6);
  course::fill_normal(X, rng);
  const arma::mat Y = course::one_hot(arma::uvec{0, 1, 1, 0, 1, 0}, 2);
  const double lambda = 0.3;
  SoftmaxCrossEntropy<double> ce;
  auto params = net.params();
  auto total_loss = [&] {
    double penalty = 0;
    for (const auto& p : weights_only(params))
      penalty += 0.5 * lambda * arma::accu(arma::square(*p.value));
    return ce.forward(net.forward(X), Y) + penalty;  // L + lambda/2 sum ||W||^2
  };
  total_loss();
  net.backward(ce.backward());
  RecordGradients<double> record(params);
  L2Penalty<double> l2 = l2_per_example(params, lambda, X.n_cols);
  Regularized<double> opt(record, l2);
  opt.step();  // record.grads = dL/dW + lambda W (weights), dL/db (biases)
  BOOST_TEST(record.grads.size() == 6u);
  for (std::size_t i = 0; i < params.size(); ++i) {
    // ReLU has a kink at 0; with this seed no pre-activation lies within 2h = 2e-3 of it.
    const auto r = course::check_gradient(*params[i].value, record.grads[i], total_loss);
    BOOST_TEST(r.max_rel_error <= 1e-7, params[i].name << "\n" << r.report(params[i].name));
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Training smoke tests on iris.

// 4-8-3 on iris, stratified 5-fold: mean held-out accuracy at least 0.93 (0.96 with this seed).
BOOST_AUTO_TEST_CASE(cross_validated_4_8_3_scores_above_93_percent_on_iris) {
  const course::Dataset iris = course::load_iris();
  course::Rng rng(42);
  const auto folds = stratified_kfold(iris.labels, 5, rng);
  std::uint64_t seed = 100;
  const FitRecipe recipe{100, 16, 0.01, 0.0};
  const CvScores s = cross_validate(folds, [&](const course::Split& split) {
    course::StandardScaler<arma::mat> scaler;
    scaler.fit(iris.X.cols(split.train));
    const arma::fmat X_tr =
        arma::conv_to<arma::fmat>::from(scaler.transform(iris.X.cols(split.train)));
    const arma::fmat X_te =
        arma::conv_to<arma::fmat>::from(scaler.transform(iris.X.cols(split.test)));
    const arma::fmat Y_tr = course::one_hot<arma::fmat>(iris.labels.elem(split.train), 3);
    auto fitted = fit<float>({4, 8, 3}, recipe, X_tr, Y_tr, seed++);
    return accuracy(fitted.net, X_te, arma::uvec(iris.labels.elem(split.test)));
  });
  BOOST_TEST_MESSAGE("4-8-3, 5 folds: mean " << s.mean << ", sd " << s.sd);
  BOOST_TEST(s.scores.size() == 5u);
  BOOST_TEST(s.mean >= 0.93);
}

BOOST_AUTO_TEST_CASE(fit_reports_divergence_instead_of_throwing) {
  const IrisSplit d = iris_split(1);
  const auto report = fit<float>({4, 8, 3}, FitRecipe{3, 16, 1e30, 0.0}, d.X_train, d.Y_train, 1);
  BOOST_TEST(report.diverged);
  const auto ok = fit<float>({4, 8, 3}, FitRecipe{3, 16, 0.01, 0.0}, d.X_train, d.Y_train, 1);
  BOOST_TEST(!ok.diverged);
  BOOST_TEST(std::isfinite(ok.final_loss));
}

// ---------------------------------------------------------------------------------------------
// 6. Random search: sampling, and the whole search reproduced from its seed.

// 30,000 draws from logU[1e-4, 1e-1): all inside, and each decade gets a third (+- 0.02).
BOOST_AUTO_TEST_CASE(log_uniform_is_uniform_in_the_exponent) {
  course::Rng rng(3);
  int decade[3] = {0, 0, 0};
  const int n = 30000;
  for (int i = 0; i < n; ++i) {
    const double x = log_uniform(rng, 1e-4, 1e-1);
    BOOST_TEST_REQUIRE((x >= 1e-4 * (1 - 1e-12) && x < 1e-1 * (1 + 1e-12)), "draw " << x);
    ++decade[std::min(2, int(std::floor(std::log10(x) + 4)))];
  }
  for (int k = 0; k < 3; ++k)
    BOOST_TEST(std::abs(decade[k] / double(n) - 1.0 / 3) < 0.02, "decade " << k);
}

BOOST_AUTO_TEST_CASE(trials_come_from_the_space) {
  const SearchSpace space{1e-3, 1e-2, {8, 16, 32}, 1e-5, 1e-3};
  course::Rng rng(9);
  const auto trials = sample_trials(space, 200, rng);
  std::set<arma::uword> widths_seen;
  std::set<std::uint64_t> seeds;
  for (const auto& t : trials) {
    BOOST_TEST((t.eta >= 1e-3 * (1 - 1e-12) && t.eta <= 1e-2));
    BOOST_TEST((t.lambda >= 1e-5 * (1 - 1e-12) && t.lambda <= 1e-3));
    widths_seen.insert(t.width);
    seeds.insert(t.seed);
  }
  BOOST_TEST(widths_seen == (std::set<arma::uword>{8, 16, 32}));
  BOOST_TEST(seeds.size() == 200u);  // every trial has its own seed
}

// The same seed gives the same trials and the same scores, whatever order the trials are
// evaluated in; another seed gives other trials. (Iris, 4 trials x 30 epochs.)
BOOST_AUTO_TEST_CASE(random_search_is_reproducible_for_a_seed) {
  const IrisSplit d = iris_split(2);
  const SearchSpace space{1e-3, 1e-1, {2, 4, 8, 16}, 1e-6, 1e-2};
  auto evaluate = [&](const Trial& t) {
    auto net = fit<float>({4, t.width, 3}, FitRecipe{30, 16, t.eta, t.lambda}, d.X_train, d.Y_train,
                          t.seed)
                   .net;
    // The held-out loss is a finer score than the accuracy: it differs between nearly any two runs.
    SoftmaxCrossEntropy<float> ce;
    net.set_training(false);
    return -double(
        ce.forward(net.forward(d.X_test), course::one_hot<arma::fmat>(d.labels_test, 3)));
  };
  course::Rng r1(7), r2(7), r3(8);
  const auto a = random_search(space, 4, r1, evaluate);
  const auto b = random_search(space, 4, r2, evaluate);
  const auto c = random_search(space, 4, r3, evaluate);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(a[i].eta == b[i].eta);
    BOOST_TEST(a[i].width == b[i].width);
    BOOST_TEST(a[i].lambda == b[i].lambda);
    BOOST_TEST(a[i].seed == b[i].seed);
    BOOST_TEST(a[i].score == b[i].score, "trial " << i);  // bit-identical training
  }
  BOOST_TEST(best_trial(a) == best_trial(b));
  // In reverse order, from the sampled trials alone: the same scores.
  course::Rng r4(7);
  auto trials = sample_trials(space, 4, r4);
  for (std::size_t i = 4; i-- > 0;)
    BOOST_TEST(evaluate(trials[i]) == a[i].score, "trial " << i << " reversed");
  bool differ = false;
  for (std::size_t i = 0; i < 4; ++i)
    differ = differ || c[i].eta != a[i].eta || c[i].score != a[i].score;
  BOOST_TEST(differ, "seeds 7 and 8 gave the same search");
}

// ---------------------------------------------------------------------------------------------
// 7. Bad arguments.
BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_errors) {
  const arma::uvec labels = {0, 1, 0, 1};
  course::Rng rng(1);
  BOOST_CHECK_THROW(stratified_kfold(labels, 1, rng), course::UsageError);
  BOOST_CHECK_THROW(stratified_kfold(labels, 5, rng), course::UsageError);
  BOOST_CHECK_THROW(count_parameters({784}), course::UsageError);
  BOOST_CHECK_THROW(smallest_within({}, 0.1), course::UsageError);
  BOOST_CHECK_THROW(best_trial({}), course::UsageError);
  BOOST_CHECK_THROW(sample_trials(SearchSpace{1e-2, 1e-3, {8}, 1e-6, 1e-2}, 3, rng),
                    course::UsageError);
  BOOST_CHECK_THROW(sample_trials(SearchSpace{1e-3, 1e-2, {}, 1e-6, 1e-2}, 3, rng),
                    course::UsageError);
  BOOST_CHECK_THROW(sample_trials(SearchSpace{1e-3, 1e-2, {8}, 0.0, 1e-2}, 3, rng),
                    course::UsageError);
  try {
    stratified_kfold(labels, 5, rng);
  } catch (const course::UsageError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "stratified k-fold needs 2 <= k <= 4 (the number of examples), got k = 5");
  }
}

// ---------------------------------------------------------------------------------------------
// MNIST: 2 epochs on 2,000 training images, scored on the first 2,000 validation images
// (training images 50,000 onwards): 784-128-10 beats 784-8-10 by more than 3 points.
BOOST_AUTO_TEST_CASE(a_wider_network_scores_higher_on_validation_needs_mnist) {
  const auto all = course::load_images("mnist", "train");
  const arma::fmat X = all.X.cols(0, 1999);
  const arma::fmat Y = course::one_hot<arma::fmat>(all.labels.subvec(0, 1999), 10);
  const arma::fmat X_val = all.X.cols(50000, 51999);
  const arma::uvec labels_val = all.labels.subvec(50000, 51999);
  const FitRecipe recipe{2, 32, 1e-3, 0.0};
  auto narrow = fit<float>(uniform_sizes(784, 8, 1, 10), recipe, X, Y, 42).net;
  auto wide = fit<float>(uniform_sizes(784, 128, 1, 10), recipe, X, Y, 42).net;
  const double a_narrow = accuracy(narrow, X_val, labels_val),
               a_wide = accuracy(wide, X_val, labels_val);
  BOOST_TEST_MESSAGE("validation: 784-8-10 " << a_narrow << ", 784-128-10 " << a_wide);
  BOOST_TEST(a_wide > a_narrow + 0.03);
  BOOST_TEST(a_wide >= 0.85);
}
