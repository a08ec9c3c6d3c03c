// Chapter 06: the worked answers to the lesson's experiments (chapters/06_mlp/answers.md shows each
// test case between its // [exK] markers). Each runs Nielsen's 784-30-10 network, as the chapter
// builds it, on a smaller setup than the exercise's (network.py's 50,000 training images, one
// epoch) so the whole module takes seconds; the numbers the answer page states are asserted here.
// One BLAS thread and seed 42 make every run repeat exactly; the tolerance of half a point
// leaves room for another CPU's float rounding, and still fails if an answer rots.
#define BOOST_TEST_MODULE ch06_mlp_answers
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/train.hpp"
#include "common/data.hpp"
#include "common/run.hpp"

namespace {

using Mat = arma::fmat;

/// network.py's 50,000 MNIST training images (one-hot targets too) and the 10,000 test images,
/// loaded once.
struct Mnist {
  course::ImageSet train, test;
  Mat Y;  // (10 x n) one-hot targets
};

const Mnist& mnist() {
  static const Mnist d = [] {
    course::set_blas_threads(1);  // one thread: the same sums in the same order on every run
    Mnist m{course::load_images("mnist", "train", "", 50000),
            course::load_images("mnist", "test", ""),
            {}};
    m.Y = course::one_hot<Mat>(m.train.labels, 10);
    return m;
  }();
  return d;
}

/// What one training run saw: test accuracy after each epoch, training accuracy at the end.
struct Result {
  std::vector<double> test;  // after each epoch
  double train = 0;          // on the training images, after the last epoch
  double seconds_per_epoch = 0;
};

/// Nielsen's network (chapter 06's experiments.hpp), with the knobs the exercises turn: the first
/// n_train images, `hidden` units of `Activation`, eta, batch size and epochs; seed 42.
template <class Activation = mlp::Sigmoid<float>>
Result nielsen(arma::uword n_train, arma::uword hidden, double eta, arma::uword batch_size,
               arma::uword epochs, float w1_scale = 1) {
  const Mnist& d = mnist();
  const Mat X = d.train.X.head_cols(n_train);
  const Mat Y = d.Y.head_cols(n_train);
  const arma::uvec labels = d.train.labels.head(n_train);
  course::Rng rng(42);
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(784, hidden, rng).W *= w1_scale;  // N(0, 1), as network.py
  net.add<Activation>();
  net.add<mlp::Dense<float>>(hidden, 10, rng);
  net.add<mlp::Sigmoid<float>>();
  mlp::QuadraticCost<float> cost;
  mlp::SGD<float> sgd(net.params(), eta);
  mlp::Trainer<float> trainer(net, cost, sgd, batch_size);
  Result r;
  course::Timer timer;
  for (arma::uword epoch = 1; epoch <= epochs; ++epoch) {
    trainer.train_epoch(X, Y, rng, epoch);
    r.test.push_back(mlp::accuracy(net, d.test.X, d.test.labels));
  }
  r.seconds_per_epoch = timer.seconds() / double(epochs);
  r.train = mlp::accuracy(net, X, labels);
  return r;
}

/// The lesson's default run (30 hidden, eta 3, batch 10) after one epoch, which exercises 1-3
/// compare against: computed once.
double default_after_one_epoch() {
  static const double accuracy = nielsen(50000, 30, 3.0, 10, 1).test[0];
  return accuracy;
}

std::string show(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += " " + course::percent(x);
  return s;
}

}  // namespace

// [ex1]
// Learning rate: one epoch on the 50,000 images for each eta.
BOOST_AUTO_TEST_CASE(ex1_learning_rate) {
  std::vector<double> after_one_epoch;
  for (double eta : {0.1, 1.0, 3.0, 30.0, 100.0})
    after_one_epoch.push_back(eta == 3.0 ? default_after_one_epoch()
                                         : nielsen(50000, 30, eta, 10, 1).test[0]);
  BOOST_TEST_MESSAGE("eta 0.1, 1, 3, 30, 100: test accuracy after one epoch"
                     << show(after_one_epoch));
  const std::vector<double> answer = {0.4192, 0.7569, 0.7965, 0.2966, 0.1030};
  for (std::size_t i = 0; i < answer.size(); ++i)
    BOOST_TEST(after_one_epoch[i] == answer[i], boost::test_tools::tolerance(0.005 / answer[i]));
}
// [ex1]

// [ex2]
// Width: 100 hidden units against 30, one epoch, the same seed.
BOOST_AUTO_TEST_CASE(ex2_width) {
  const double narrow = default_after_one_epoch();
  const double wide = nielsen(50000, 100, 3.0, 10, 1).test[0];
  BOOST_TEST_MESSAGE("after one epoch: 30 hidden " << course::percent(narrow) << ", 100 hidden "
                                                   << course::percent(wide));
  BOOST_TEST(narrow == 0.7965, boost::test_tools::tolerance(0.005 / 0.7965));
  BOOST_TEST(wide == 0.3952, boost::test_tools::tolerance(0.005 / 0.3952));
}
// [ex2]

// [ex3]
// Batch size, with eta scaled in proportion (0.3 for 1, 3 for 10, 30 for 100), one epoch each;
// and batch 100 at the unscaled eta 3. The time per epoch is printed, not asserted.
BOOST_AUTO_TEST_CASE(ex3_batch_size) {
  const std::vector<std::pair<arma::uword, double>> runs = {
      {1, 0.3}, {10, 3.0}, {100, 30.0}, {100, 3.0}};
  const std::vector<double> answer = {0.9014, 0.7965, 0.3905, 0.6104};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].first == 10) {
      BOOST_TEST(default_after_one_epoch() == answer[i],
                 boost::test_tools::tolerance(0.005 / answer[i]));
      continue;
    }
    const Result r = nielsen(50000, 30, runs[i].second, runs[i].first, 1);
    BOOST_TEST_MESSAGE("batch " << runs[i].first << ", eta " << runs[i].second << ": "
                                << course::percent(r.test[0]) << ", "
                                << course::fixed(r.seconds_per_epoch, 2) << " s per epoch");
    BOOST_TEST(r.test[0] == answer[i], boost::test_tools::tolerance(0.005 / answer[i]));
  }
}
// [ex3]

// [ex4]
// Less data: the first 1,000 images, 30 epochs (the exercise's own setup).
BOOST_AUTO_TEST_CASE(ex4_less_data) {
  const Result r = nielsen(1000, 30, 3.0, 10, 30);
  BOOST_TEST_MESSAGE("1,000 images, 30 epochs: test" << show(r.test) << "; training "
                                                     << course::percent(r.train));
  BOOST_TEST(r.test.back() == 0.8019, boost::test_tools::tolerance(0.005 / 0.8019));
  BOOST_TEST(r.train == 0.960, boost::test_tools::tolerance(0.005 / 0.960));
  BOOST_TEST(r.test[19] == 0.7946, boost::test_tools::tolerance(0.005 / 0.7946));  // epoch 20
}
// [ex4]

// [ex5]
// Another activation in the hidden layer, one epoch: tanh at eta 1; ReLU at eta 0.3 with the
// N(0, 1) start, and with the first layer's weights scaled by 1/sqrt(784) = 1/28.
BOOST_AUTO_TEST_CASE(ex5_activation) {
  const double tanh = nielsen<mlp::Tanh<float>>(50000, 30, 1.0, 10, 1).test[0];
  const double relu = nielsen<mlp::ReLU<float>>(50000, 30, 0.3, 10, 1).test[0];
  const double relu_scaled = nielsen<mlp::ReLU<float>>(50000, 30, 0.3, 10, 1, 1 / 28.0f).test[0];
  BOOST_TEST_MESSAGE("after one epoch: tanh " << course::percent(tanh) << ", ReLU "
                                              << course::percent(relu) << ", ReLU scaled "
                                              << course::percent(relu_scaled));
  BOOST_TEST(tanh == 0.5644, boost::test_tools::tolerance(0.005 / 0.5644));
  BOOST_TEST(relu == 0.1557, boost::test_tools::tolerance(0.005 / 0.1557));
  BOOST_TEST(relu_scaled == 0.8283, boost::test_tools::tolerance(0.005 / 0.8283));
}
// [ex5]
