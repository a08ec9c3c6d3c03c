// Chapter 14's worked answers (chapters/14_going_deep/answers.md): each test case is the code of
// one answer and asserts the numbers the answer page states. The experiments' own setups train
// on 5,000 (quick) or 60,000 (--full) images; to stay fast these answers train on the first
// 2,000 Fashion-MNIST training images and test on the first 1,000, seed 42, and say so.
#define BOOST_TEST_MODULE ch14_going_deep_answers
#include <boost/test/unit_test.hpp>

#include "chapters/14_going_deep/deep_probes.hpp"
#include "chapters/14_going_deep/experiments.hpp"
#include "tests/support/one_blas_thread.hpp"

namespace tt = boost::test_tools;
using going_deep::Config;
using going_deep::Mat;
using mlp::Kind;

BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);

namespace {

/// The answers' small setup: 2,000 training and 1,000 test images, 3 epochs.
Config small() {
  Config c;
  c.train_size = 2000;
  c.test_size = 1000;
  return c;
}

const going_deep::Data& data() {
  static const going_deep::Data d =
      going_deep::load_data(course::CommonOptions("ch14_going_deep_answers"), small());
  return d;
}

}  // namespace

// [ex1]
// Experiment 1: no 1/sqrt(B) scale on the residual branches, depth 50. The stem's gradient at
// the start (1,000 images, no update) and the first epoch's mean training loss.
BOOST_AUTO_TEST_CASE(ex1_take_the_scale_away) {
  Config c = small();
  c.epochs = 1;
  for (bool unscaled : {false, true}) {
    c.unscaled = unscaled;
    for (Kind kind : {Kind::residual, Kind::pre_norm}) {
      course::Rng rng(42);
      auto net = mlp::deep_mlp<float>(kind, 50, 784, 64, 10, rng, !unscaled);
      mlp::SoftmaxCrossEntropy<float> loss;
      const auto norms = mlp::probe_every_dense(net, loss, Mat(data().train.X.head_cols(1000)),
                                                Mat(data().Y_train.head_cols(1000)));
      const going_deep::Run run = going_deep::train_one(kind, 50, 64, data(), c, 42);
      BOOST_TEST_MESSAGE(mlp::kind_name(kind)
                         << (unscaled ? " unscaled" : " scaled") << ": stem gradient "
                         << norms.front().dW_norm << ", first epoch loss " << run.epoch_loss[0]);
      if (kind == Kind::residual && unscaled) {
        BOOST_TEST(norms.front().dW_norm == 1.345e6, tt::tolerance(0.001));
        BOOST_TEST(run.epoch_loss[0] == 51005.0, tt::tolerance(0.001));  // not about 2
      }
      if (kind == Kind::residual && !unscaled) {
        BOOST_TEST(norms.front().dW_norm == 7.2507, tt::tolerance(0.001));
        BOOST_TEST(run.epoch_loss[0] == 1.7337, tt::tolerance(0.002));
      }
      if (kind == Kind::pre_norm) {  // the same order, scaled or not
        BOOST_TEST(norms.front().dW_norm == (unscaled ? 4.5201 : 5.3687), tt::tolerance(0.001));
        BOOST_TEST(run.epoch_loss[0] == (unscaled ? 1.5884 : 1.5819), tt::tolerance(0.002));
      }
    }
  }
}
// [ex1]

// [ex2]
// Experiment 2: three times the budget (9 epochs instead of 3) for the plain networks of
// depth 2 and 50: does the deep one catch up?
BOOST_AUTO_TEST_CASE(ex2_longer_training) {
  Config c = small();
  auto final_loss = [&](arma::uword depth) {
    return going_deep::train_one(Kind::plain, depth, 64, data(), c, 42).train.loss;
  };
  const double d2_e3 = final_loss(2), d50_e3 = final_loss(50);
  c.epochs = 9;
  const double d2_e9 = final_loss(2), d50_e9 = final_loss(50);
  BOOST_TEST_MESSAGE("3 epochs: depth 2 " << d2_e3 << ", depth 50 " << d50_e3
                                          << "; 9 epochs: depth 2 " << d2_e9 << ", depth 50 "
                                          << d50_e9);
  BOOST_TEST(d50_e9 > d2_e9);  // the gap stays open
  BOOST_TEST(d2_e3 == 0.8724, tt::tolerance(0.002));
  BOOST_TEST(d50_e3 == 1.8419, tt::tolerance(0.002));
  BOOST_TEST(d2_e9 == 0.5865, tt::tolerance(0.002));
  BOOST_TEST(d50_e9 == 0.8849, tt::tolerance(0.002));
}
// [ex2]

// [ex3]
// Experiment 3: a smaller learning rate, 0.0003 instead of 0.001 (3 epochs).
BOOST_AUTO_TEST_CASE(ex3_a_smaller_learning_rate) {
  Config c = small();
  auto final_loss = [&](Kind kind, arma::uword depth) {
    return going_deep::train_one(kind, depth, 64, data(), c, 42).train.loss;
  };
  const double plain2 = final_loss(Kind::plain, 2), plain50 = final_loss(Kind::plain, 50),
               pre50 = final_loss(Kind::pre_norm, 50);
  c.eta = 3e-4;
  const double plain2_slow = final_loss(Kind::plain, 2), plain50_slow = final_loss(Kind::plain, 50),
               pre50_slow = final_loss(Kind::pre_norm, 50);
  BOOST_TEST_MESSAGE("eta 0.001: plain 2 " << plain2 << ", plain 50 " << plain50 << ", pre-norm 50 "
                                           << pre50 << "; eta 0.0003: plain 2 " << plain2_slow
                                           << ", plain 50 " << plain50_slow << ", pre-norm 50 "
                                           << pre50_slow);
  BOOST_TEST(plain2_slow == 1.4571, tt::tolerance(0.002));
  BOOST_TEST(plain50_slow == 2.0067, tt::tolerance(0.002));
  BOOST_TEST(pre50 == 0.5542, tt::tolerance(0.002));
  BOOST_TEST(pre50_slow == 0.6899, tt::tolerance(0.002));
  BOOST_TEST(plain2_slow > plain2);  // the shallow one only loses
  BOOST_TEST(pre50_slow > pre50);    // and so does the pre-norm one
}
// [ex3]

// [ex4]
// Experiment 4: ReLU instead of GELU inside the pre-norm blocks, depths 2 and 16.
namespace {
template <template <class> class Act>
double pre_norm_loss(arma::uword depth, const Config& c) {
  course::Rng init_rng(42), order_rng(43);
  mlp::Sequential<float> net;
  net.add<mlp::Dense<float>>(784, 64, init_rng);
  net.add<mlp::ReLU<float>>();
  for (arma::uword k = 0; k < mlp::blocks_for_depth(depth); ++k)
    net.add<mlp::PreNormBlock<float, Act>>(64, 64, init_rng);
  net.add<mlp::LayerNorm<float>>(64);
  net.add<mlp::Dense<float>>(64, 10, init_rng);
  mlp::initialize_deep(net, init_rng);
  mlp::SoftmaxCrossEntropy<float> loss;
  mlp::Adam<float> adam(net.params(), c.eta);
  mlp::Trainer<float> trainer(net, loss, adam, c.batch_size);
  const arma::uword batches = (data().train.X.n_cols + c.batch_size - 1) / c.batch_size;
  mlp::follow(trainer, adam, mlp::CosineSchedule{c.eta, 0.0, c.epochs * batches});
  for (arma::uword epoch = 1; epoch <= c.epochs; ++epoch)
    trainer.train_epoch(data().train.X, data().Y_train, order_rng, epoch);
  return going_deep::evaluate(net, data().train.X, data().Y_train, data().train.labels).loss;
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex4_gelu_or_relu) {
  const Config c = small();
  const double gelu2 = pre_norm_loss<mlp::GELU>(2, c), gelu16 = pre_norm_loss<mlp::GELU>(16, c);
  const double relu2 = pre_norm_loss<mlp::ReLU>(2, c), relu16 = pre_norm_loss<mlp::ReLU>(16, c);
  BOOST_TEST_MESSAGE("GELU: depth 2 " << gelu2 << ", 16 " << gelu16 << "; ReLU: depth 2 " << relu2
                                      << ", 16 " << relu16);
  // The GELU network is the chapter's (same seed, same batches): train_one gives the same loss.
  BOOST_TEST(gelu16 == going_deep::train_one(Kind::pre_norm, 16, 64, data(), c, 42).train.loss,
             tt::tolerance(1e-6));
  BOOST_TEST(gelu2 == 0.6914, tt::tolerance(0.002));
  BOOST_TEST(relu2 == gelu2);  // depth 2 has no block: the same network
  BOOST_TEST(gelu16 == 0.5501, tt::tolerance(0.002));
  BOOST_TEST(relu16 == 0.5664, tt::tolerance(0.002));
  BOOST_TEST(std::abs(relu16 - gelu16) < 0.05);  // the activation changes little
  BOOST_TEST(relu16 < relu2);                    // and depth helps either way
}
// [ex4]

// [ex5]
// Experiment 5: width 16 and 128 (3 epochs), plain networks of depth 2, 8 and 32.
BOOST_AUTO_TEST_CASE(ex5_narrower_and_wider) {
  Config c = small();
  const std::map<arma::uword, std::vector<double>> expected = {{16, {1.4927, 1.8218, 2.0659}},
                                                               {128, {0.7803, 0.5660, 1.1016}}};
  for (const auto& [width, losses] : expected) {
    std::vector<double> loss;
    for (arma::uword depth : {2, 8, 32})
      loss.push_back(going_deep::train_one(Kind::plain, depth, width, data(), c, 42).train.loss);
    BOOST_TEST_MESSAGE("width " << width << ": depth 2 " << loss[0] << ", 8 " << loss[1] << ", 32 "
                                << loss[2]);
    for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(loss[i] == losses[i], tt::tolerance(0.002));
    BOOST_TEST(loss[2] > loss[1]);                    // degraded by depth 32 at both widths
    if (width == 16) BOOST_TEST(loss[1] > loss[0]);   // narrow: worse than 2 layers already at 8
    if (width == 128) BOOST_TEST(loss[1] < loss[0]);  // wide: 8 layers still help
  }
}
// [ex5]
