// Chapter 10: the worked answers to the lesson's experiments (chapters/10_architecture/
// answers.md shows each test case between its // [exK] markers). The first answer applies the
// chapter's rule to the committed full-run sweep (chapters/10_architecture/figures/
// summary_full.json); the others run the chapter's own pieces on the quick setup (the first
// 5,000 training images, 2 epochs, widths up to 256) instead of the exercises' --full runs, so
// the module takes seconds. One BLAS thread and fixed seeds make every run repeat exactly; the
// tolerances leave room for another CPU's float rounding and still fail if an answer rots.
#define BOOST_TEST_MODULE ch10_architecture_answers
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "chapters/10_architecture/experiments.hpp"
#include "common/run.hpp"

using namespace architecture;

namespace {

/// The quick setup's data (5,000 training images, the 10,000 validation images, iris), once.
const Data& data() {
  static const Data d = [] {
    course::set_blas_threads(1);
    return load_data(Config{}, "");
  }();
  return d;
}

/// |value - answer| <= tolerance, with a message naming both.
void check(double value, double answer, double tolerance, const std::string& what) {
  BOOST_TEST(std::abs(value - answer) <= tolerance,
             what << ": " << value << ", the answer says " << answer);
}

}  // namespace

// [ex1]
// Another tolerance: the rule on the committed full-run sweep (21 networks, 10,000 validation
// images) with 0, 1, 2 and 3 standard errors.
BOOST_AUTO_TEST_CASE(ex1_another_tolerance) {
  std::ifstream in(std::string(COURSE_FIXTURES_DIR) +
                   "/../../chapters/10_architecture/figures/summary_full.json");
  const nlohmann::json sweep = nlohmann::json::parse(in)["sweep"];
  std::vector<mlp::Candidate> candidates;
  for (const auto& r : sweep["results"])
    candidates.push_back({r["parameters"].get<double>(), r["val_accuracy"].get<double>()});
  const double se = mlp::binomial_se(sweep["best_val_accuracy"].get<double>(), 10000);
  const auto chosen = [&](double n_se) {
    return candidates[mlp::smallest_within(candidates, n_se * se)].cost;
  };
  BOOST_TEST(chosen(0) == 2913290);  // 784-1024-1024-1024-10, the best
  BOOST_TEST(chosen(1) == 669706);   // 784-512-512-10, the lesson's choice
  BOOST_TEST(chosen(2) == 669706);   // the same: no cheaper network within 0.28 points
  BOOST_TEST(chosen(3) == 118282);   // 784-128-128-10
}
// [ex1]

// [ex2]
// More seeds: the quick sweep's 784-64-64-10 (5,000 images, 2 epochs) trained from 10 seeds;
// then widths 16, 64 and 256 at depth 2 from seed 42 and from seed 7.
BOOST_AUTO_TEST_CASE(ex2_more_seeds) {
  Config c;
  c.seed_runs = 10;
  const SweepRow pick = sweep_network(data(), c.recipe(), 2, 64, 42);
  const SeedSpread s = seed_spread(data(), c, pick, 42);
  check(s.spread.mean, 0.8952, 0.003, "mean over 10 seeds");
  check(s.spread.sd, 0.0021, 0.0005, "sd over 10 seeds");
  const double se = mlp::binomial_se(s.spread.mean, 10000);  // the validation sample's share
  BOOST_TEST(s.spread.sd < se);
  const std::vector<double> seed42 = {0.7117, 0.8961, 0.9162}, seed7 = {0.5774, 0.8991, 0.9177};
  const std::vector<arma::uword> widths = {16, 64, 256};
  for (std::size_t i = 0; i < widths.size(); ++i) {
    check(sweep_network(data(), c.recipe(), 2, widths[i], 42).val_accuracy, seed42[i], 0.005,
          "seed 42, width " + std::to_string(widths[i]));
    check(sweep_network(data(), c.recipe(), 2, widths[i], 7).val_accuracy, seed7[i], 0.005,
          "seed 7, width " + std::to_string(widths[i]));
  }
}
// [ex2]

// [ex3]
// A longer budget: 784-16-10 and 784-256-10 on 5,000 images, 2 epochs and 10.
BOOST_AUTO_TEST_CASE(ex3_longer_budget) {
  const std::vector<std::vector<double>> val = {{0.8192, 0.9105}, {0.9045, 0.9370}};
  const std::vector<std::vector<double>> loss = {{1.0641, 0.3370}, {0.2823, 0.0830}};
  const std::vector<arma::uword> epochs = {2, 10}, widths = {16, 256};
  for (std::size_t e = 0; e < 2; ++e)
    for (std::size_t w = 0; w < 2; ++w) {
      Config c;
      c.epochs = epochs[e];
      const SweepRow r = sweep_network(data(), c.recipe(), 1, widths[w], 42);
      const std::string what =
          std::to_string(epochs[e]) + " epochs, width " + std::to_string(widths[w]);
      check(r.val_accuracy, val[e][w], 0.005, what + ": validation accuracy");
      check(r.final_loss, loss[e][w], 0.02, what + ": final training loss");
    }
}
// [ex3]

// [ex4]
// Grid vs random: 20 random trials try 20 learning rates, a 4 x 5 grid tries 5. Each learning
// rate scored on 784-64-10, 1 epoch on 2,000 images (Adam, batch 128, no L2).
BOOST_AUTO_TEST_CASE(ex4_grid_vs_random) {
  const mlp::SearchSpace space{1e-4, 1e-1, {16, 64, 256, 1024}, 1e-6, 1e-2};
  course::Rng rng(42);
  std::set<double> random_etas;
  for (const auto& t : mlp::sample_trials(space, 20, rng)) random_etas.insert(t.eta);
  const std::set<double> grid_etas = {1e-4, 1e-3 / std::sqrt(10.0), 1e-3, 1e-2 / std::sqrt(10.0),
                                      1e-2};  // 5 rates x 4 widths = 20 trials
  BOOST_TEST(random_etas.size() == 20u);
  BOOST_TEST(grid_etas.size() == 5u);
  const Mat X = data().X_train.head_cols(2000), Y = data().Y_train.head_cols(2000);
  const auto best_of = [&](const std::set<double>& etas) {
    double best = 0;
    for (double eta : etas) {
      auto fitted = mlp::fit<float>({784, 64, 10}, {1, 128, eta, 0.0}, X, Y, 42);
      best = std::max(best, mlp::accuracy(fitted.net, data().X_val, data().labels_val));
    }
    return best;
  };
  check(best_of(random_etas), 0.8608, 0.005, "best of the 20 random learning rates");
  check(best_of(grid_etas), 0.8598, 0.005, "best of the 5 grid learning rates");
}
// [ex4]

// [ex5]
// Many small folds: iris, 4-4-3, 50 folds of 3 flowers against 5 folds repeated 10 times
// (50 scores each).
BOOST_AUTO_TEST_CASE(ex5_many_small_folds) {
  Config c;
  c.folds = 5;
  c.cv_repeats = 10;
  const mlp::CvScores five = cross_validate_hidden(data().iris, 4, c, 42);
  c.folds = 50;
  c.cv_repeats = 1;
  const mlp::CvScores fifty = cross_validate_hidden(data().iris, 4, c, 42);
  BOOST_TEST(five.scores.size() == 50u);
  BOOST_TEST(fifty.scores.size() == 50u);
  check(five.mean, 0.9673, 0.005, "5 folds x 10: mean");
  check(five.sd, 0.0333, 0.003, "5 folds x 10: sd");
  check(fifty.mean, 0.9667, 0.005, "50 folds: mean");
  check(fifty.sd, 0.1010, 0.005, "50 folds: sd");
}
// [ex5]
