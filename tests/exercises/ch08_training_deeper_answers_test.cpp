// Chapter 08: the worked answers to the lesson's experiments (chapters/08_training_deeper/
// answers.md shows each test case between its // [exK] markers). They run the chapter's own
// pieces on smaller setups than the exercises' --full runs (10,000 or 5,000 images, a few
// epochs), so the module takes seconds; the numbers the answer page states are asserted here.
// One BLAS thread and fixed seeds make every run repeat exactly; the tolerances leave room for
// another CPU's float rounding and still fail if an answer rots.
#define BOOST_TEST_MODULE ch08_training_deeper_answers
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "chapters/08_training_deeper/experiments.hpp"
#include "common/run.hpp"

using namespace training_deeper;

namespace {

/// The first 10,000 MNIST training images and the test set, loaded once, one BLAS thread.
const Data& mnist() {
  static const Data d = [] {
    course::set_blas_threads(1);
    Data m{course::load_images("mnist", "train", "", 10000),
           course::load_images("mnist", "test", ""),
           {},
           {}};
    m.Y = course::one_hot<Mat>(m.train.labels, 10);
    m.Y_test = course::one_hot<Mat>(m.test.labels, 10);
    return m;
  }();
  return d;
}

/// |value - answer| <= tolerance, with a message naming both.
void check(double value, double answer, double tolerance, const std::string& what) {
  BOOST_TEST(std::abs(value - answer) <= tolerance,
             what << ": " << value << ", the answer says " << answer);
}

/// One racer of the optimizer race (race_once's loop body): 784-100-10 ReLU, He init, the
/// optimizer `name` at `eta`, on the first n images for `epochs` epochs, seed 42.
/// Returns the mean training loss of each epoch, then the test accuracy.
std::vector<double> racer(const std::string& name, double eta, arma::uword n, arma::uword epochs,
                          arma::uword batch_size = 128) {
  const Data& d = mnist();
  const Mat X = d.train.X.head_cols(n), Y = d.Y.head_cols(n);
  course::Rng rng(42);
  Sequential<float> net = make_net({784, 100, 10}, "relu", mlp::he_normal<float>, rng);
  auto opt = make_optimizer(name, net.params(), eta, 0.9);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Trainer<float> trainer(net, loss, *opt, batch_size);
  std::vector<double> r;
  for (arma::uword e = 1; e <= epochs; ++e) r.push_back(trainer.train_epoch(X, Y, rng, e));
  r.push_back(mlp::accuracy(net, d.test.X, d.test.labels));
  return r;
}

}  // namespace

// [ex1]
// Momentum is a bigger step: one racer at a time, 10,000 images, 5 epochs, seed 42.
BOOST_AUTO_TEST_CASE(ex1_momentum_is_a_bigger_step) {
  const std::vector<double> sgd = racer("SGD", 0.1, 10000, 5);
  const std::vector<double> momentum = racer("momentum", 0.1, 10000, 5);
  const std::vector<double> momentum_small = racer("momentum", 0.01, 10000, 5);
  const std::vector<double> sgd_large = racer("SGD", 1.0, 10000, 5);
  // Final training loss (epoch 5) and test accuracy.
  check(sgd[4], 0.2902, 0.003, "SGD, eta 0.1: loss");
  check(sgd[5], 0.9077, 0.005, "SGD, eta 0.1: test accuracy");
  check(momentum[4], 0.0976, 0.003, "momentum, eta 0.1: loss");
  check(momentum[5], 0.9418, 0.005, "momentum, eta 0.1: test accuracy");
  check(momentum_small[4], 0.2913, 0.003, "momentum, eta 0.01: loss");
  check(momentum_small[5], 0.9120, 0.005, "momentum, eta 0.01: test accuracy");
  check(sgd_large[4], 0.1403, 0.003, "SGD, eta 1: loss");
  check(sgd_large[5], 0.9304, 0.005, "SGD, eta 1: test accuracy");
}
// [ex1]

// [ex2]
// Deeper sigmoid networks: deep_sizes with eight hidden layers of 30, the probe on 1,000 images,
// mean over 5 initializations; network2.py's start for sigmoid, He for ReLU.
BOOST_AUTO_TEST_CASE(ex2_deeper_sigmoid_networks) {
  const Data& d = mnist();
  const Mat X = d.train.X.head_cols(1000), Y = d.Y.head_cols(1000);
  mlp::SigmoidCrossEntropy<float> cost;
  const std::vector<arma::uword> deep_sizes = {784, 30, 30, 30, 30, 30, 30, 30, 30, 10};
  std::vector<std::vector<double>> mean;  // [configuration][hidden layer]
  for (const auto& [activation, init] :
       std::vector<std::pair<std::string, mlp::Initializer<float>>>{
           {"sigmoid", mlp::nielsen_normal<float>}, {"relu", mlp::he_normal<float>}}) {
    mean.push_back(std::vector<double>(8, 0.0));
    for (int s = 0; s < 5; ++s) {
      course::Rng rng(42 + s);
      Sequential<float> net = make_net(deep_sizes, activation, init, rng);
      const auto norms = mlp::probe_gradients(net, cost, X, Y);
      for (std::size_t l = 0; l < 8; ++l) mean.back()[l] += norms[l].db_norm / 5;
    }
  }
  BOOST_TEST_MESSAGE("sigmoid, layer 1: " << course::scientific(mean[0][0])
                                          << ", layer 8: " << course::fixed(mean[0][7], 3));
  check(mean[0][7] / mean[0][0], 55300, 5000, "sigmoid: layer 8 over layer 1");
  check(mean[0][0], 5.17e-6, 0.5e-6, "sigmoid: layer 1");
  check(mean[1][7] / mean[1][0], 3.01, 0.1, "ReLU + He: layer 8 over layer 1");
}
// [ex2]

// [ex3]
// Adam's learning rate: the deeper net (784-256-128-10, the three schedules) on 5,000 images for
// 2 epochs (80 updates), with eta 0.01, 0.001 and 0.0001; test accuracy after the last epoch.
BOOST_AUTO_TEST_CASE(ex3_adams_learning_rate) {
  Config c;
  c.n_train = 5000;
  c.epochs = 2;
  const std::vector<double> etas = {0.01, 0.001, 0.0001};
  const std::vector<std::vector<double>> answer = {// constant, step, cosine
                                                   {0.9091, 0.9183, 0.9269},
                                                   {0.9043, 0.8802, 0.8955},
                                                   {0.7657, 0.5398, 0.6397}};
  for (std::size_t i = 0; i < etas.size(); ++i) {
    c.eta = etas[i];
    const Deeper deeper = deeper_net(mnist(), c, 42);
    for (std::size_t s = 0; s < 3; ++s)
      check(deeper.runs[s].test_acc.back(), answer[i][s], 0.01,
            "eta " + std::to_string(etas[i]) + ", " + deeper.runs[s].schedule);
  }
}
// [ex3]

// [ex4]
// Batch size: SGD (eta 0.1) and Adam (eta 0.001) on 10,000 images for 3 epochs with batches of
// 32, 128 and 1024: test accuracy. The time is printed, not asserted.
BOOST_AUTO_TEST_CASE(ex4_batch_size) {
  const std::vector<arma::uword> batches = {32, 128, 1024};
  const std::vector<double> sgd_answer = {0.9258, 0.8994, 0.8197};
  const std::vector<double> adam_answer = {0.9333, 0.9170, 0.8529};
  for (std::size_t i = 0; i < batches.size(); ++i) {
    course::Timer timer;
    const auto sgd = racer("SGD", 0.1, 10000, 3, batches[i]);
    const auto adam = racer("Adam", 0.001, 10000, 3, batches[i]);
    BOOST_TEST_MESSAGE("batch " << batches[i] << ": " << course::fixed(timer.seconds(), 2)
                                << " s for both");
    check(sgd[3], sgd_answer[i], 0.005, "SGD, batch " + std::to_string(batches[i]));
    check(adam[3], adam_answer[i], 0.005, "Adam, batch " + std::to_string(batches[i]));
  }
}
// [ex4]

// [ex5]
// How much data does the probe need? vanishing_gradients with 10 images and with 1,000, both
// over 20 initializations (seeds 42-61): network2.py's sigmoid network, mean per layer.
BOOST_AUTO_TEST_CASE(ex5_probe_images) {
  Config c;
  c.probe_seeds = 20;
  c.probe_images = 10;
  const GradientProbe few = vanishing_gradients(mnist(), c, 42);
  c.probe_images = 1000;
  const GradientProbe many = vanishing_gradients(mnist(), c, 42);
  const std::vector<double> few_answer = {0.0027, 0.0124, 0.0632, 0.3117};
  const std::vector<double> many_answer = {0.0026, 0.0120, 0.0625, 0.3066};
  for (std::size_t l = 0; l < 4; ++l) {
    check(few.curve("sigmoid_nielsen").mean[l], few_answer[l], 0.05 * few_answer[l], "10 images");
    check(many.curve("sigmoid_nielsen").mean[l], many_answer[l], 0.05 * many_answer[l],
          "1,000 images");
  }
}
// [ex5]
