// Chapter 09: the worked answers to the lesson's experiments (chapters/09_regularization/
// answers.md shows each test case between its // [exK] markers). They run the chapter's own
// run_small and train_wide_net on smaller setups than the exercises' --full runs (fewer epochs,
// 2,000 validation and 2,000 test images instead of 10,000 each, a narrower wide network), so the
// module takes seconds; the numbers the answer page states are asserted here. One BLAS thread and
// fixed seeds make every run repeat exactly; the tolerances leave room for another CPU's float
// rounding and still fail if an answer rots.
#define BOOST_TEST_MODULE ch09_regularization_answers
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "chapters/09_regularization/experiments.hpp"
#include "common/run.hpp"

using namespace regularization;

namespace {

/// Nielsen's split, smaller: the first 10,000 training images for training, 2,000 of the last
/// 10,000 for validation, and the first 2,000 test images. Loaded once, one BLAS thread.
const Data& mnist() {
  static const Data d = [] {
    course::set_blas_threads(1);
    const course::ImageSet train = course::load_images("mnist", "train", "");
    const course::ImageSet test = course::load_images("mnist", "test", "", 2000);
    Data s;
    s.X_train = train.X.head_cols(10000);
    s.y_train = train.labels.head(10000);
    s.Y_train = course::one_hot<Mat>(s.y_train, 10);
    s.X_val = train.X.cols(50000, 51999);
    s.y_val = train.labels.subvec(50000, 51999);
    s.X_test = test.X;
    s.y_test = test.labels;
    return s;
  }();
  return d;
}

/// |value - answer| <= tolerance, with a message naming both.
void check(double value, double answer, double tolerance, const std::string& what) {
  BOOST_TEST(std::abs(value - answer) <= tolerance,
             what << ": " << value << ", the answer says " << answer);
}

SmallConfig small(arma::uword epochs, arma::uword n_train = 1000) {
  SmallConfig c;
  c.epochs = epochs;
  c.n_train = n_train;
  return c;
}

}  // namespace

// [ex1]
// How much L2: 60 epochs (the quick run's) on 1,000 images, lambda 0.1, 1 and 5, seed 42.
BOOST_AUTO_TEST_CASE(ex1_how_much_l2) {
  const std::vector<double> lambdas = {0.1, 1.0, 5.0};
  const std::vector<double> train_answer = {0.999, 0.999, 0.950};
  const std::vector<double> val_answer = {0.8235, 0.8750, 0.8645};
  for (std::size_t i = 0; i < lambdas.size(); ++i) {
    const History h = run_small({"l2", "L2", lambdas[i]}, small(60), mnist(), 42);
    const std::string what = "lambda " + course::fixed(lambdas[i], 1);
    check(h.train_acc.back(), train_answer[i], 0.005, what + ": training accuracy");
    check(h.val_acc.back(), val_answer[i], 0.005, what + ": validation accuracy");
  }
}
// [ex1]

// [ex2]
// More data: 10,000 training images, 5 epochs, no remedy, with one and with two hidden layers;
// the gap is training minus validation accuracy after the last epoch.
BOOST_AUTO_TEST_CASE(ex2_more_data) {
  SmallConfig c = small(5, 10000);
  const History one = run_small({"none", "none"}, c, mnist(), 42);
  c.hidden_layers = 2;
  const History two = run_small({"none", "none"}, c, mnist(), 42);
  BOOST_TEST_MESSAGE("one layer: train " << one.train_acc.back() << " val " << one.val_acc.back()
                                         << "; two layers: train " << two.train_acc.back()
                                         << " val " << two.val_acc.back());
  check(one.train_acc.back(), 0.9421, 0.005, "one hidden layer: training accuracy");
  check(one.val_acc.back(), 0.9025, 0.005, "one hidden layer: validation accuracy");
  check(two.train_acc.back(), 0.9321, 0.005, "two hidden layers: training accuracy");
  check(two.val_acc.back(), 0.8960, 0.005, "two hidden layers: validation accuracy");
}
// [ex2]

// [ex3]
// Patience: early stopping alone on 1,000 images, at most 100 epochs, patience 10 and 50.
BOOST_AUTO_TEST_CASE(ex3_patience) {
  const History short_wait = run_small({"early", "early", 0, 0, 0, 10}, small(100), mnist(), 42);
  const History long_wait = run_small({"early", "early", 0, 0, 0, 50}, small(100), mnist(), 42);
  BOOST_TEST(short_wait.best_epoch == 42u);
  BOOST_TEST(short_wait.epochs_run == 52u);
  BOOST_TEST(long_wait.best_epoch == 42u);
  BOOST_TEST(long_wait.epochs_run == 92u);
  check(short_wait.best_val, 0.8115, 0.005, "best validation accuracy");
  BOOST_TEST(short_wait.test_acc == long_wait.test_acc);  // the same restored weights
}
// [ex3]

// [ex4]
// Dropout without shifts, shifts without dropout: train_wide_net, narrowed to 784-100-100-10,
// 2 epochs on 5,000 images; training and validation accuracy after the last epoch.
BOOST_AUTO_TEST_CASE(ex4_dropout_vs_shifts) {
  Config c;
  c.large.hidden = 100;
  c.large.epochs = 2;
  c.large.n_train = 5000;
  std::vector<LargeResult> r;
  for (int variant = 0; variant < 3; ++variant) {
    Config v = c;
    if (variant == 1) v.small.max_shift = 0;                        // dropout, no shifts
    if (variant == 2) v.large.dropout = v.large.input_dropout = 0;  // shifts, no dropout
    r.push_back(train_wide_net(mnist(), v, 42));
  }
  check(r[0].train_acc.back(), 0.6016, 0.01, "dropout and shifts: training accuracy");
  check(r[0].val_acc.back(), 0.5585, 0.01, "dropout and shifts: validation accuracy");
  check(r[1].val_acc.back(), 0.7495, 0.01, "dropout, no shifts: validation accuracy");
  check(r[2].val_acc.back(), 0.8275, 0.01, "shifts, no dropout: validation accuracy");
}
// [ex4]

// [ex5]
// L1 and a smaller step: 60 epochs on 1,000 images with L1 (lambda 0.1) at eta 0.5 and 0.1; the
// share of first-layer weights within 0.05 of 0, against no penalty.
BOOST_AUTO_TEST_CASE(ex5_l1_smaller_step) {
  const auto near_zero = [](const History& h) {
    return arma::accu(arma::abs(h.W1) < 0.05) / double(h.W1.n_elem);
  };
  SmallConfig c = small(60);
  const History l1_fast = run_small({"l1", "L1", 0, 0.1}, c, mnist(), 42);
  const History none = run_small({"none", "none"}, c, mnist(), 42);
  c.eta = 0.1;
  const History l1_slow = run_small({"l1", "L1", 0, 0.1}, c, mnist(), 42);
  check(near_zero(none), 0.0408, 0.003, "no penalty");
  check(near_zero(l1_fast), 0.2629, 0.01, "L1, eta 0.5");
  check(near_zero(l1_slow), 0.0826, 0.01, "L1, eta 0.1");
  check(l1_fast.val_acc.back(), 0.8185, 0.005, "L1, eta 0.5: validation accuracy");
  check(l1_slow.val_acc.back(), 0.7880, 0.005, "L1, eta 0.1: validation accuracy");
}
// [ex5]
