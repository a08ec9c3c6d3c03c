// Chapter 13's worked answers (chapters/13_lora/answers.md): each test case is the code of one
// answer and asserts the numbers the answer page states. The experiments' own setups train 10
// subsets per method; these answers use subset seeds 0 and 1 at k = 100 (the chapter's
// Run it quick setup) so that the module stays fast, and say so.
#define BOOST_TEST_MODULE ch13_lora_answers
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chapters/13_lora/adapter.hpp"
#include "chapters/13_lora/experiments.hpp"
#include "tests/support/one_blas_thread.hpp"

namespace fs = std::filesystem;
namespace tt = boost::test_tools;
using lora::Config;
using mlp::Adaptation;

BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);

namespace {

/// MNIST's digits 5-9 and the two k = 100 subsets of the quick run, loaded once.
struct Task {
  mlp::TaskData task = mlp::load_digits_5_9("");
  std::vector<course::ImageSet> subsets = {mlp::few_shot_subset(task, 100, 0),
                                           mlp::few_shot_subset(task, 100, 1)};
};
const Task& task() {
  static const Task t;
  return t;
}

/// Mean test accuracy (in %) of one method over the two subsets, with the chapter's seed 42.
double mean_accuracy(const Adaptation& m, const Config& c) {
  double sum = 0;
  for (arma::uword s = 0; s < 2; ++s)
    sum += lora::run_one(m, c, task().task, task().subsets[s], task().task.test, 42, s).accuracy;
  return 100 * sum / 2;
}

const Adaptation kFull{Adaptation::FullFineTune, 0};
Adaptation lora_rank(arma::uword r) { return {Adaptation::LoRA, r}; }

}  // namespace

// [ex1]
// Experiment 1: alpha scales the update, B A times alpha / r; with Adam that is a learning rate.
BOOST_AUTO_TEST_CASE(ex1_the_scale_needs_mnist) {
  Config c;  // alpha 8, A and B at 0.01
  const double r1 = mean_accuracy(lora_rank(1), c), r8 = mean_accuracy(lora_rank(8), c);
  c.rates.alpha = 2;
  const double r1_a2 = mean_accuracy(lora_rank(1), c), r8_a2 = mean_accuracy(lora_rank(8), c);
  c.rates.alpha = 32;
  const double r1_a32 = mean_accuracy(lora_rank(1), c), r8_a32 = mean_accuracy(lora_rank(8), c);
  c.rates.lora = 0.0025;  // alpha 4 times larger, rate 4 times smaller
  const double r8_a32_slow = mean_accuracy(lora_rank(8), c);
  BOOST_TEST_MESSAGE("alpha 2: r1 " << r1_a2 << " r8 " << r8_a2 << "; alpha 8: r1 " << r1 << " r8 "
                                    << r8 << "; alpha 32: r1 " << r1_a32 << " r8 " << r8_a32
                                    << "; alpha 32, eta 0.0025: r8 " << r8_a32_slow);
  BOOST_TEST(r8 == 92.59, tt::tolerance(0.0002));  // the quick run's LoRA r = 8
  BOOST_TEST(r8_a2 == 92.90, tt::tolerance(0.001));
  BOOST_TEST(r8_a32 == 91.64, tt::tolerance(0.001));
  BOOST_TEST(r8_a32_slow == 92.64, tt::tolerance(0.001));
  BOOST_TEST(r1 == 89.42, tt::tolerance(0.001));
  BOOST_TEST(r1_a2 == 90.85, tt::tolerance(0.001));
  BOOST_TEST(r1_a32 == 88.53, tt::tolerance(0.001));
}
// [ex1]

// [ex2]
// Experiment 2: LoRA on one hidden layer, the other trained whole. The counts: LoRA on layer 0
// (r = 8: 8 (784 + 128) = 7,296) + layer 2 whole (128 * 64 + 64 = 8,256) + the head (325);
// the other way round, layer 0 whole (784 * 128 + 128 = 100,480) + LoRA on layer 2
// (8 (128 + 64) = 1,536) + the head.
namespace {
double one_layer_lora(std::size_t lora_layer, std::size_t whole_layer, arma::uword& trainable) {
  Config c;
  double sum = 0;
  for (arma::uword s = 0; s < 2; ++s) {
    course::Rng rng(42 + 1000 * s), rng_A(42 + 1000 * s + 1);
    auto tn = mlp::load_with_new_head<float>(c.base, task().task.n_classes, rng);
    mlp::Sequential<float> net = mlp::with_lora(tn.net, {lora_layer}, 8, c.rates.alpha, rng_A);
    std::vector<mlp::Param<float>> adapters =
        net.layer(lora_layer).params(std::to_string(lora_layer) + ".");
    const std::size_t h = net.size() - 1;
    std::vector<mlp::ParamGroup<float>> groups = {
        {adapters, c.rates.lora, "LoRA A, B"},
        {net.layer(whole_layer).params(std::to_string(whole_layer) + "."), c.rates.full_body,
         "whole layer"},
        {net.layer(h).params(std::to_string(h) + "."), c.rates.lora_head, "head"}};
    trainable = 0;
    for (const auto& g : groups)
      for (const auto& q : g.params) trainable += q.value->n_elem;
    const course::ImageSet& train = task().subsets[s];
    mlp::train_groups(net, groups, train.X, train.labels, 5, c.recipe, rng);
    sum += mlp::accuracy(net, task().task.test.X, task().task.test.labels);
  }
  return 100 * sum / 2;
}
}  // namespace

BOOST_AUTO_TEST_CASE(ex2_which_layer_needs_adapting_needs_mnist) {
  arma::uword n_first = 0, n_second = 0;
  const double lora_on_0 = one_layer_lora(0, 2, n_first);   // layer 2 trained whole
  const double lora_on_2 = one_layer_lora(2, 0, n_second);  // layer 0 trained whole
  BOOST_TEST_MESSAGE("LoRA on layer 0 only: " << lora_on_0 << "% (" << n_first
                                              << " numbers); on layer 2 only: " << lora_on_2
                                              << "% (" << n_second << ")");
  BOOST_TEST(n_first == 7296u + 8256u + 325u);
  BOOST_TEST(n_second == 100480u + 1536u + 325u);
  BOOST_TEST(lora_on_0 == 93.27, tt::tolerance(0.001));
  BOOST_TEST(lora_on_2 == 93.00, tt::tolerance(0.001));
}
// [ex2]

// [ex3]
// Experiment 3: full fine-tuning with chapter 12's gentle body rate, 0.001 instead of 0.01.
BOOST_AUTO_TEST_CASE(ex3_gentle_fine_tuning_needs_mnist) {
  Config c;
  const double tuned = mean_accuracy(kFull, c), lora8 = mean_accuracy(lora_rank(8), c);
  c.rates.full_body = 0.001;
  const double gentle = mean_accuracy(kFull, c);
  BOOST_TEST_MESSAGE("full fine-tune: body 0.01 " << tuned << ", body 0.001 " << gentle
                                                  << "; LoRA r = 8 " << lora8);
  BOOST_TEST(tuned == 93.28, tt::tolerance(0.0002));  // the quick run's full fine-tune
  BOOST_TEST(gentle == 92.51, tt::tolerance(0.001));
  BOOST_TEST(lora8 == 92.59, tt::tolerance(0.001));
}
// [ex3]

// [ex4]
// Experiment 4: ranks far beyond need, and how far each method moved the first layer.
BOOST_AUTO_TEST_CASE(ex4_rank_beyond_need_needs_mnist) {
  Config c;
  const double r16 = mean_accuracy(lora_rank(16), c), r64 = mean_accuracy(lora_rank(64), c),
               full = mean_accuracy(kFull, c);
  BOOST_TEST_MESSAGE("r = 16 " << r16 << ", r = 64 " << r64 << ", full " << full);
  BOOST_TEST(r16 == 92.51, tt::tolerance(0.001));
  BOOST_TEST(r64 == 92.88, tt::tolerance(0.001));
  BOOST_TEST(full - r64 > 0.3);  // rank 64 (65% of the numbers) is still behind
  // The largest singular values of the first layer's update, subset 0: LoRA r = 64's
  // (alpha / r) B A against full fine-tuning's W - W0.
  auto base = mlp::build_from_checkpoint<float>(c.base);
  const auto& W0 = static_cast<const mlp::Dense<float>&>(base.net.layer(0)).W;
  auto delta = [&](const Adaptation& m) {
    lora::Run run = lora::run_one(m, c, task().task, task().subsets[0], task().task.test, 42, 0);
    if (m.kind == Adaptation::LoRA) run.net = mlp::merged(run.net);  // W0 + (alpha / r) B A
    const auto& W = static_cast<const mlp::Dense<float>&>(run.net.layer(0)).W;
    return arma::vec(arma::svd(arma::conv_to<arma::mat>::from(W - W0)));
  };
  const arma::vec s_lora = delta(lora_rank(64)), s_full = delta(kFull);
  BOOST_TEST_MESSAGE("sigma_1: LoRA r = 64 " << s_lora[0] << ", full " << s_full[0]
                                             << "; ||dW||_F: " << arma::norm(s_lora) << ", "
                                             << arma::norm(s_full));
  BOOST_TEST(s_lora[0] == 7.85, tt::tolerance(0.01));  // as far along its top direction
  BOOST_TEST(s_full[0] == 7.25, tt::tolerance(0.01));
  BOOST_TEST(arma::norm(s_lora) == 10.71, tt::tolerance(0.01));  // but much less in all
  BOOST_TEST(arma::norm(s_full) == 18.62, tt::tolerance(0.01));
}
// [ex4]

// [ex5]
// Experiment 5: an adapter is tied to the exact bytes of its base. One changed byte in a copy
// of the base, and loading refuses, naming both SHA-256 digests.
BOOST_AUTO_TEST_CASE(ex5_swap_adapters_needs_mnist) {
  Config c;
  const fs::path dir = fs::path("test_output") / "ch13_lora_answers_test" / "ex5";
  fs::remove_all(dir);
  fs::create_directories(dir);
  lora::Run run =
      lora::run_one(lora_rank(8), c, task().task, task().subsets[0], task().task.test, 42, 0);
  const std::string adapter = (dir / "adapter_r8.safetensors").string();
  mlp::save_adapter(run.net, adapter, c.base, {{"task", "answers ex5"}});
  BOOST_CHECK_NO_THROW(mlp::load_adapter<float>(c.base, adapter));
  const std::string copy = (dir / "copy.safetensors").string();
  fs::copy_file(c.base, copy);
  {
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2000);
    f.put('X');
  }
  std::string message;
  try {
    mlp::load_adapter<float>(copy, adapter);
  } catch (const course::Error& e) {
    message = e.what();
  }
  BOOST_TEST_MESSAGE(message);
  BOOST_TEST(message.find("SHA-256") != std::string::npos);
  BOOST_TEST(message.find(mlp::checkpoint_sha256(copy).substr(0, 8)) != std::string::npos);
}
// [ex5]
