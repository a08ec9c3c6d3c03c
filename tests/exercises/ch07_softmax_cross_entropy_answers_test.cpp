// Chapter 07: the worked answers to the lesson's experiments (chapters/07_softmax_cross_entropy/
// answers.md shows each test case between its // [exK] markers). The classifier runs use the
// lesson's quick setup (the first 10,000 MNIST training images, a few epochs) instead of the
// exercises' --full runs, so the module takes seconds; the numbers the answer page states are
// asserted here. One BLAS thread and fixed seeds make every run repeat exactly; the tolerances
// leave room for another CPU's float rounding and still fail if an answer rots.
#define BOOST_TEST_MODULE ch07_softmax_cross_entropy_answers
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "chapters/07_softmax_cross_entropy/experiments.hpp"
#include "common/gradcheck.hpp"
#include "common/run.hpp"

using namespace softmax_cross_entropy;

namespace {

struct OneThread {
  OneThread() { course::set_blas_threads(1); }
};
BOOST_TEST_GLOBAL_FIXTURE(OneThread);

/// The lesson's quick classifier setup on MNIST: 10,000 images, batch 16, eta 0.1.
Config quick(arma::uword epochs) {
  Config c;
  c.dataset = "mnist";
  c.train_size = 10000;
  c.epochs = epochs;
  return c;
}

Classifier run(const Config& c, std::uint64_t seed) {
  course::Rng rng(seed);
  return classify("mnist", c, "", rng);
}

/// The lesson's quick classifier (ReLU, eta 0.1) after 3 epochs, seed 42: computed once.
double relu_after_3_epochs() {
  static const double accuracy = run(quick(3), 42).test_accuracy;
  return accuracy;
}

/// |value - answer| <= tolerance, with a message naming both.
void check(double value, double answer, double tolerance, const std::string& what) {
  BOOST_TEST(std::abs(value - answer) <= tolerance,
             what << ": " << value << ", the answer says " << answer);
}

}  // namespace

// [ex1]
// Sigmoid hidden units: the lesson's quick setup (10,000 images), 3 epochs, seed 42.
BOOST_AUTO_TEST_CASE(ex1_sigmoid_hidden_units) {
  Config c = quick(3);
  c.activation = "sigmoid";
  const double sigmoid = run(c, 42).test_accuracy;
  c.eta = 0.5;
  const double sigmoid_fast = run(c, 42).test_accuracy;
  check(relu_after_3_epochs(), 0.9259, 0.005, "ReLU, eta 0.1");
  check(sigmoid, 0.9029, 0.005, "sigmoid, eta 0.1");
  check(sigmoid_fast, 0.9271, 0.005, "sigmoid, eta 0.5");
}
// [ex1]

// [ex2]
// No annealing: 4 epochs on 10,000 images, the last at eta/10 or not, from three seeds.
BOOST_AUTO_TEST_CASE(ex2_no_annealing) {
  const std::vector<std::uint64_t> seeds = {42, 43, 44};
  const std::vector<double> annealed_answer = {0.9410, 0.9402, 0.9414};
  const std::vector<double> constant_answer = {0.9351, 0.9402, 0.9412};
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    Config c = quick(4);
    c.decay_epochs = 1;
    const Classifier annealed = run(c, seeds[i]);
    c.decay_epochs = 0;
    const Classifier constant = run(c, seeds[i]);
    check(annealed.test_accuracy, annealed_answer[i], 0.005, "annealed");
    check(constant.test_accuracy, constant_answer[i], 0.005, "constant eta");
    // The last epoch's training loss: lower with the smaller steps, on every seed.
    BOOST_TEST(annealed.loss_per_epoch.back() < 0.9 * constant.loss_per_epoch.back());
  }
}
// [ex2]

// [ex3]
// The bad start with the good loss: the quick classifier without the two lines that divide the
// weights by sqrt(n_in), so both layers start N(0, 1); 3 epochs on 10,000 images, seed 42.
BOOST_AUTO_TEST_CASE(ex3_bad_start_good_loss) {
  const Images d = load_dataset("mnist", quick(3), "");
  course::Rng rng(42);
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(784, 100, rng).b.zeros();  // W1 ~ N(0, 1)
  net.add<mlp::ReLU<float>>();
  net.add<mlp::Dense<float>>(100, 10, rng).b.zeros();  // W2 ~ N(0, 1)
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::SGD<float> sgd(net.params(), 0.1);
  mlp::Trainer<float> trainer(net, loss, sgd, 16);
  std::vector<double> losses;
  for (arma::uword epoch = 1; epoch <= 3; ++epoch)
    losses.push_back(trainer.train_epoch(d.train.X, d.Y, rng, epoch));
  const double bad = mlp::accuracy(net, d.test.X, d.test.labels);
  check(bad, 0.8461, 0.01, "N(0, 1) start");
  check(relu_after_3_epochs(), 0.9259, 0.005, "N(0, 1/n_in) start");
  check(losses[0], 4.46, 0.2, "first epoch's mean loss");
}
// [ex3]

// [ex4]
// Noise and RMSE: the regression at three noise levels, then a wider network trained longer.
BOOST_AUTO_TEST_CASE(ex4_noise_and_rmse) {
  const std::vector<double> noise = {0.03, 0.1, 0.3};
  const std::vector<double> train_answer = {0.0328, 0.0979, 0.2899};
  const std::vector<double> test_answer = {0.0357, 0.1051, 0.3120};
  for (std::size_t i = 0; i < noise.size(); ++i) {
    Config c;
    c.noise = noise[i];
    course::Rng rng(42);
    const Regression r = fit_sine(c, rng);
    check(r.rmse_train, train_answer[i], 0.002, "training RMSE");
    check(r.rmse_test, test_answer[i], 0.002, "test RMSE");
  }
  Config c;
  c.noise = 0.3;
  c.reg_hidden = 50;
  c.reg_epochs = 5000;
  course::Rng rng(42);
  const Regression r = fit_sine(c, rng);
  check(r.rmse_train, 0.2844, 0.003, "50 hidden, 5000 epochs: training RMSE");  // below 0.3
  check(r.rmse_test, 0.3171, 0.003, "50 hidden, 5000 epochs: test RMSE");       // above 0.3
  // 100 hidden units: the fixed eta = 0.05 is too large, training stops with a clear error.
  c.reg_hidden = 100;
  course::Rng rng100(42);
  BOOST_CHECK_THROW(fit_sine(c, rng100), course::Error);
}
// [ex4]

// [ex5]
// Soft targets: y = 0.9 one-hot + 0.01 (0.91 on the label, 0.01 elsewhere). The gradient is
// still (P - Y)/m; the training loss cannot go below the entropy of y.
BOOST_AUTO_TEST_CASE(ex5_soft_targets) {
  const Images d = load_dataset("mnist", quick(1), "");
  const arma::fmat X = d.train.X.head_cols(2000);
  const arma::fmat Y_smooth = 0.9f * d.Y.head_cols(2000) + 0.01f;  // (10 x 2000)
  const double floor = -(0.91 * std::log(0.91) + 9 * 0.01 * std::log(0.01));
  check(floor, 0.5003, 0.0001, "entropy of the smoothed target");
  std::vector<double> final_loss, test_accuracy;
  for (const arma::fmat& Y : std::vector<arma::fmat>{d.Y.head_cols(2000), Y_smooth}) {
    course::Rng rng(42);
    mlp::Sequential<float> net;
    auto& hidden = net.add<mlp::Dense<float>>(784, 100, rng);
    hidden.W /= std::sqrt(784.0f);
    hidden.b.zeros();
    net.add<mlp::ReLU<float>>();
    auto& output = net.add<mlp::Dense<float>>(100, 10, rng);
    output.W /= 10.0f;
    output.b.zeros();
    mlp::SoftmaxCrossEntropy<float> loss;
    // The gradient on a batch of 16 is (P - Y)/m, with these soft targets too.
    const arma::fmat Xb = X.head_cols(16), Yb = Y.head_cols(16);
    loss.forward(net.forward(Xb), Yb);
    BOOST_TEST(
        arma::approx_equal(loss.backward(), (loss.probabilities() - Yb) / 16.0f, "absdiff", 1e-7f));
    mlp::SGD<float> sgd(net.params(), 0.1);
    mlp::Trainer<float> trainer(net, loss, sgd, 16);
    double L = 0;
    for (arma::uword epoch = 1; epoch <= 5; ++epoch) L = trainer.train_epoch(X, Y, rng, epoch);
    final_loss.push_back(L);
    test_accuracy.push_back(mlp::accuracy(net, d.test.X, d.test.labels));
  }
  check(final_loss[0], 0.2055, 0.01, "one-hot targets: training loss after 5 epochs");
  check(final_loss[1], 0.7231, 0.01, "smoothed targets: training loss after 5 epochs");
  BOOST_TEST(final_loss[1] > floor);
  check(test_accuracy[0], 0.8855, 0.005, "one-hot targets: test accuracy");
  check(test_accuracy[1], 0.8922, 0.005, "smoothed targets: test accuracy");
}
// [ex5]
