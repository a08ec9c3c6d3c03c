// Chapter 12 tests: the few-shot subset rule (k per class, fixed by (k, subset seed), nested in
// k), the new head's shape on a body loaded bit for bit, files without "layers" metadata,
// parameter groups (hand-computed rates), what each method hands the optimizer, frozen
// parameters bit-identical after training, and (with MNIST) fine-tuning far above the untouched
// body and at 91% or more with 100 labels per class.
#define BOOST_TEST_MODULE ch12_fine_tuning
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/12_fine_tuning/methods.hpp"
#include "chapters/12_fine_tuning/param_groups.hpp"
#include "chapters/12_fine_tuning/task.hpp"
#include "tests/support/error_of.hpp"

using namespace mlp;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = shipped_checkpoint();  // chapter 11's 784-128-64-5
const std::string kTiny = COURSE_FIXTURES_DIR "/ch11_safetensors/tiny_torch_mlp.safetensors";

/// A fresh folder for this test's files (under the build folder, the tests' working directory).
std::string scratch_dir(const std::string& test) {
  const fs::path dir = fs::path("test_output") / "ch12_fine_tuning_test" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

bool same_bits(const arma::fmat& a, const arma::fmat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(float)) == 0;
}

/// Copies of the body's parameter values, to compare after training.
std::vector<arma::fmat> snapshot(const std::vector<Param<float>>& params) {
  std::vector<arma::fmat> values;
  for (const auto& p : params) values.push_back(*p.value);
  return values;
}

/// 60 labels 0, 1, 2, 0, 1, 2, ... (20 per class).
arma::uvec cyclic_labels() {
  arma::uvec labels(60);
  for (arma::uword i = 0; i < labels.n_elem; ++i) labels[i] = i % 3;
  return labels;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Shapes and invariants.

BOOST_AUTO_TEST_CASE(few_shot_indices_take_k_per_class_fixed_by_k_and_subset_seed) {
  const arma::uvec labels = cyclic_labels();
  const arma::uvec a = few_shot_indices(labels, 3, 4, 7);
  BOOST_TEST(a.n_elem == 12u);
  for (arma::uword c = 0; c < 3; ++c) BOOST_TEST(arma::accu(labels.elem(a) == c) == 4u);
  BOOST_TEST(a.is_sorted());                                       // in file order
  BOOST_TEST(arma::accu(arma::unique(a) != a) == 0u);              // no repeats
  BOOST_TEST(arma::all(a == few_shot_indices(labels, 3, 4, 7)));   // same (k, seed): same images
  BOOST_TEST(!arma::all(a == few_shot_indices(labels, 3, 4, 8)));  // another seed: others
}

BOOST_AUTO_TEST_CASE(a_smaller_k_subset_lies_inside_the_larger_one_of_the_same_seed) {
  const arma::uvec labels = cyclic_labels();
  const arma::uvec small = few_shot_indices(labels, 3, 2, 5),
                   large = few_shot_indices(labels, 3, 10, 5);
  for (const arma::uword i : small) BOOST_TEST(arma::any(large == i), "image " << i);
  // k = 20 takes every image of every class.
  BOOST_TEST(arma::all(few_shot_indices(labels, 3, 20, 5) == arma::regspace<arma::uvec>(0, 59)));
}

BOOST_AUTO_TEST_CASE(asking_for_more_images_than_a_class_has_is_an_error) {
  BOOST_CHECK_EXCEPTION(few_shot_indices(cyclic_labels(), 3, 21, 0), course::UsageError,
                        [](const course::UsageError& e) {
                          return std::string(e.what()) ==
                                 "k = 21 images per class, but class 0 has only 20";
                        });
  BOOST_CHECK_THROW(few_shot_indices(cyclic_labels(), 3, 0, 0), course::UsageError);
}

BOOST_AUTO_TEST_CASE(validation_images_are_never_training_images) {
  TaskData task;
  task.pool.labels = cyclic_labels();
  task.pool.X = arma::fmat(1, 60);
  for (arma::uword i = 0; i < 60; ++i) task.pool.X(0, i) = float(i);  // pixel = image number
  task.n_classes = 3;
  const TaskData v = with_validation_set(task, 5, 2, 100);
  BOOST_TEST(v.test.X.n_cols <= 60u - 15u);  // at least the 15 images of seed 0 are out
  for (arma::uword s = 0; s < 2; ++s)
    for (const arma::uword i : few_shot_indices(task.pool.labels, 3, 5, s))
      BOOST_TEST(!arma::any(v.test.X.row(0) == float(i)), "training image " << i);
  BOOST_TEST(v.pool.X.n_cols == 60u);  // the pool is untouched
}

BOOST_AUTO_TEST_CASE(the_new_head_has_the_new_shape_and_the_body_the_files_bits) {
  course::Rng rng(3);
  TransferNet<float> tn = load_with_new_head<float>(kShipped, 10, rng);  // e.g. Fashion's 10
  LoadedNetwork<float> file = build_from_checkpoint<float>(kShipped);
  BOOST_TEST(tn.n_body_layers == 4u);
  BOOST_TEST(tn.net.size() == 5u);
  BOOST_TEST(tn.layers == "Dense,ReLU,Dense,ReLU");
  BOOST_TEST(tn.activations_from == "__metadata__");
  BOOST_TEST(tn.dropped == "Dense(64 -> 5)");
  BOOST_TEST(tn.head().W.n_rows == 10u);  // W: (10 x 64)
  BOOST_TEST(tn.head().W.n_cols == 64u);
  BOOST_TEST(tn.head().b.n_rows == 10u);
  BOOST_TEST(arma::all(arma::vectorise(tn.head().b) == 0.0f));     // He: b = 0
  const auto mine = tn.body_params(), theirs = file.net.params();  // 0.weight ... 2.bias
  BOOST_REQUIRE(mine.size() == 4u);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    BOOST_TEST(mine[i].name == theirs[i].name);
    BOOST_TEST(same_bits(*mine[i].value, *theirs[i].value), mine[i].name);
  }
  BOOST_TEST(tn.body_params().size() == 4u);
  BOOST_TEST(tn.head_params().size() == 2u);
  BOOST_TEST(tn.head_params()[0].name == "4.weight");
  // A 5-class head has the old head's shape but not its values: it is new.
  TransferNet<float> five = load_with_new_head<float>(kShipped, 5, rng);
  const arma::fmat& old_head_W = *file.net.params()[4].value;  // 4.weight
  BOOST_TEST(five.head().W.n_rows == 5u);
  BOOST_TEST(!same_bits(five.head().W, old_head_W));
}

BOOST_AUTO_TEST_CASE(a_pytorch_file_without_layers_metadata_gets_the_default_activation) {
  // tiny_torch_mlp: nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2)), metadata {"format": "pt"}.
  // Body for x = (1, 2, 3): W1 x + b1 = (0.61, -0.42, 3.63, 2.36) (chapter 11's lesson).
  course::Rng rng(1);
  TransferNet<float> relu = load_with_new_head<float>(kTiny, 3, rng);
  BOOST_TEST(relu.layers == "Dense,ReLU");
  BOOST_TEST(relu.activations_from == "default (ReLU)");
  BOOST_TEST(relu.net.describe() == "Dense(3 -> 4) -> ReLU -> Dense(4 -> 3)");
  const arma::fmat x = arma::fvec{1, 2, 3};  // (3 x 1): one example
  arma::fmat h = relu.net.layer(1).forward(relu.net.layer(0).forward(x));
  const arma::fvec want = {0.61f, 0.0f, 3.63f, 2.36f};
  for (arma::uword j = 0; j < 4; ++j)
    BOOST_TEST(h(j, 0) == want[j], boost::test_tools::tolerance(1e-6f));
  // Told Tanh instead, the same tensors give tanh(-0.42) < 0 where ReLU gave 0.
  TransferNet<float> tanh_net = load_with_new_head<float>(kTiny, 3, rng, "Tanh");
  BOOST_TEST(tanh_net.layers == "Dense,Tanh");
  h = tanh_net.net.layer(1).forward(tanh_net.net.layer(0).forward(x));
  BOOST_TEST(h(1, 0) == std::tanh(-0.42f), boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(the_shipped_file_without_its_metadata_loads_the_same_body) {
  // What a PyTorch export of the same weights looks like: the tensors, no "layers".
  const std::string path = scratch_dir("no_metadata") + "/torch.safetensors";
  safetensors::save_safetensors(path, safetensors::load_safetensors(kShipped).tensors, {});
  course::Rng rng_a(9), rng_b(9);
  TransferNet<float> a = load_with_new_head<float>(kShipped, 5, rng_a);
  TransferNet<float> b = load_with_new_head<float>(path, 5, rng_b);
  BOOST_TEST(b.activations_from == "default (ReLU)");
  BOOST_TEST(a.net.describe() == b.net.describe());
  const auto pa = a.net.params(), pb = b.net.params();
  for (std::size_t i = 0; i < pa.size(); ++i)
    BOOST_TEST(same_bits(*pa[i].value, *pb[i].value), pa[i].name);
}

// ---------------------------------------------------------------------------------------------
// 2. Hand-computed cases.

BOOST_AUTO_TEST_CASE(each_group_steps_at_its_fraction_of_eta) {
  // theta = 1 with gradient 2 in both groups; SGD, eta = 0.5; scales 1 and 0.1:
  // head: 1 - 0.5 * 2 = 0;  body: 1 - 0.05 * 2 = 0.9.
  arma::fmat head(1, 1, arma::fill::ones), body(1, 1, arma::fill::ones);
  arma::fmat g_head(1, 1), g_body(1, 1);
  g_head.fill(2);
  g_body.fill(2);
  GroupOptimizer<float> opt(
      {{{{"body", &body, &g_body}}, 0.1, "body"}, {{{"head", &head, &g_head}}, 1.0, "head"}}, 0.5,
      [](std::vector<Param<float>> p) { return std::make_unique<SGD<float>>(std::move(p), 0.0); });
  opt.step();
  BOOST_TEST(head(0, 0) == 0.0f, boost::test_tools::tolerance(1e-7f));
  BOOST_TEST(body(0, 0) == 0.9f, boost::test_tools::tolerance(1e-7f));
  BOOST_TEST(opt.size() == 2u);
  BOOST_TEST(opt.eta_of(0) == 0.05, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(opt.params().size() == 2u);
  // A schedule that halves eta halves every group's rate: body 0.9 - 0.025 * 2 = 0.85.
  opt.eta = 0.25;
  opt.step();
  BOOST_TEST(body(0, 0) == 0.85f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(a_parameter_in_two_groups_is_refused) {
  arma::fmat w(1, 1), g(1, 1);
  const Param<float> p{"w", &w, &g};
  BOOST_CHECK_EXCEPTION(
      GroupOptimizer<float>({{{p}, 1.0, "a"}, {{p}, 0.1, "b"}}, 0.1,
                            [](std::vector<Param<float>> q) {
                              return std::make_unique<SGD<float>>(std::move(q), 0.1);
                            }),
      course::UsageError, [](const course::UsageError& e) {
        return std::string(e.what()) == "parameter 'w' is in two parameter groups";
      });
}

BOOST_AUTO_TEST_CASE(each_method_hands_the_optimizer_what_its_table_row_says) {
  course::Rng rng(2);
  TransferNet<float> tn = load_with_new_head<float>(kShipped, 5, rng);
  const FewShotRecipe r;
  auto names = [](const std::vector<ParamGroup<float>>& groups) {
    std::string s;
    for (const auto& g : groups) {
      s += "[" + course::fixed(g.scale, 4) + ":";
      for (const auto& p : g.params) s += " " + p.name;
      s += "]";
    }
    return s;
  };
  BOOST_TEST(names(param_groups(tn, Method::Scratch, r)) ==
             "[1.0000: 0.weight 0.bias 2.weight 2.bias 4.weight 4.bias]");
  BOOST_TEST(names(param_groups(tn, Method::LinearProbe, r)) == "[1.0000: 4.weight 4.bias]");
  BOOST_TEST(names(param_groups(tn, Method::FineTune, r)) ==
             "[0.1000: 0.weight 0.bias 2.weight 2.bias][1.0000: 4.weight 4.bias]");
  // 1/2.6 = 0.3846, 1/2.6^2 = 0.1479: each Dense layer down learns 2.6 times slower.
  BOOST_TEST(names(param_groups(tn, Method::Discriminative, r)) ==
             "[1.0000: 4.weight 4.bias][0.3846: 2.weight 2.bias][0.1479: 0.weight 0.bias]");
  BOOST_TEST(names(param_groups(tn, Method::GradualUnfreezing, r, 0)) ==
             "[1.0000: 4.weight 4.bias]");
  BOOST_TEST(names(param_groups(tn, Method::GradualUnfreezing, r, 1)) ==
             "[1.0000: 4.weight 4.bias][0.3846: 2.weight 2.bias]");
  BOOST_TEST(dense_layers(tn) == 3u);
}

BOOST_AUTO_TEST_CASE(the_recipe_gives_tiny_sets_more_epochs) {
  const FewShotRecipe r;              // batch 32, at least 20 epochs and 400 updates
  BOOST_TEST(r.epochs(50) == 200u);   // k = 10: 2 updates per epoch
  BOOST_TEST(r.epochs(250) == 50u);   // k = 50: 8 per epoch
  BOOST_TEST(r.epochs(500) == 25u);   // k = 100: 16 per epoch
  BOOST_TEST(r.epochs(2500) == 20u);  // k = 500: 79 per epoch, 1,580 updates
}

// ---------------------------------------------------------------------------------------------
// 5. Seeded training on small data.

BOOST_AUTO_TEST_CASE(frozen_parameters_are_bit_identical_after_training) {
  // 40 random "images" in 4 classes: what is learned does not matter, what is touched does.
  course::Rng rng(11);
  arma::fmat X(784, 40);
  course::fill_uniform(X, rng, 0.0, 1.0);
  arma::uvec labels(40);
  for (arma::uword i = 0; i < 40; ++i) labels[i] = i % 4;
  FewShotRecipe r;
  r.min_steps = 30;
  r.min_epochs = 1;

  TransferNet<float> probe = load_with_new_head<float>(kShipped, 4, rng);
  const auto body_before = snapshot(probe.body_params());
  const arma::fmat head_before = probe.head().W;
  const TrainReport report = train(probe, Method::LinearProbe, X, labels, r, rng);
  BOOST_TEST(report.steps == 30u);
  BOOST_TEST(report.trainable == 64u * 4u + 4u);  // the head only
  const auto body = probe.body_params();
  for (std::size_t i = 0; i < body.size(); ++i)
    BOOST_TEST(same_bits(*body[i].value, body_before[i]), body[i].name);
  BOOST_TEST(!same_bits(probe.head().W, head_before));  // the head did learn

  // Fine-tuning moves the body (a control: the comparison above can fail).
  TransferNet<float> ft = load_with_new_head<float>(kShipped, 4, rng);
  const auto ft_before = snapshot(ft.body_params());
  train(ft, Method::FineTune, X, labels, r, rng);
  BOOST_TEST(!same_bits(*ft.body_params()[0].value, ft_before[0]));
}

// ---------------------------------------------------------------------------------------------
// With MNIST.

BOOST_AUTO_TEST_CASE(fine_tuning_beats_the_untouched_body_with_a_random_head_needs_mnist) {
  const TaskData digits = load_digits_5_9();
  BOOST_TEST(digits.pool.X.n_cols == 29404u);
  BOOST_TEST(digits.test.X.n_cols == 4861u);
  const course::ImageSet train_set = few_shot_subset(digits, 10, 0);  // 50 images
  course::Rng rng(42);
  TransferNet<float> tn = make_network<float>(Method::FineTune, kShipped, 5, rng);
  const double untouched = accuracy(tn.net, digits.test.X, digits.test.labels);
  train(tn, Method::FineTune, train_set.X, train_set.labels, FewShotRecipe{}, rng);
  const double tuned = accuracy(tn.net, digits.test.X, digits.test.labels);
  BOOST_TEST_MESSAGE("k = 10: untouched " << untouched << ", fine-tuned " << tuned);
  BOOST_TEST(untouched < 0.35);  // a random head on the 0-4 body: about chance (0.2)
  BOOST_TEST(tuned > 0.75);
  BOOST_TEST(tuned > untouched + 0.4);
}

BOOST_AUTO_TEST_CASE(fine_tuning_100_labels_per_class_reaches_91_percent_needs_mnist) {
  const TaskData digits = load_digits_5_9();
  const course::ImageSet train_set = few_shot_subset(digits, 100, 0);
  course::Rng rng(42);
  TransferNet<float> tn = make_network<float>(Method::FineTune, kShipped, 5, rng);
  train(tn, Method::FineTune, train_set.X, train_set.labels, FewShotRecipe{}, rng);
  const double tuned = accuracy(tn.net, digits.test.X, digits.test.labels);
  BOOST_TEST_MESSAGE("k = 100: fine-tuned " << tuned);
  BOOST_TEST(tuned >= 0.91);
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input.

BOOST_AUTO_TEST_CASE(bad_checkpoints_give_errors_naming_the_problem) {
  course::Rng rng(0);
  const std::string dir = scratch_dir("bad");
  // Dense layers 0 and 3: two layers between them, which no default can fill.
  const float w[] = {1, 2, 3, 4};
  safetensors::save_safetensors(dir + "/gap.safetensors",
                                {{"0.weight", safetensors::make_tensor<float>({2, 2}, w)},
                                 {"3.weight", safetensors::make_tensor<float>({2, 2}, w)}},
                                {});
  BOOST_TEST(error_of([&] { load_with_new_head<float>(dir + "/gap.safetensors", 2, rng); }) ==
             dir +
                 "/gap.safetensors: Dense layers 0 and 3 are not one activation apart; add a "
                 "\"layers\" entry to __metadata__ (e.g. \"Dense,ReLU,Dense\")");
  // One Dense layer: nothing is left once its head is replaced.
  safetensors::save_safetensors(dir + "/one.safetensors",
                                {{"0.weight", safetensors::make_tensor<float>({2, 2}, w)}}, {});
  BOOST_TEST(error_of([&] { load_with_new_head<float>(dir + "/one.safetensors", 2, rng); }) ==
             dir +
                 "/one.safetensors: the network \"Dense\" needs at least two Dense layers (a body, "
                 "and a head to replace)");
  // Names that are not nn.Sequential's.
  safetensors::save_safetensors(dir + "/named.safetensors",
                                {{"fc1.weight", safetensors::make_tensor<float>({2, 2}, w)}}, {});
  BOOST_TEST(error_of([&] { load_with_new_head<float>(dir + "/named.safetensors", 2, rng); }) ==
             dir +
                 "/named.safetensors: tensor 'fc1.weight' is not named like a layer of a PyTorch "
                 "nn.Sequential (\"<index>.weight\")");
  BOOST_TEST(error_of([&] { load_with_new_head<float>(dir + "/none.safetensors", 2, rng); }) ==
             dir + "/none.safetensors: file not found");
  BOOST_TEST(error_of([&] { load_with_new_head<float>("/dev/zero", 2, rng); }) ==
             "/dev/zero: is not a regular file (a device or a pipe?), expected a safetensors "
             "checkpoint");
}
