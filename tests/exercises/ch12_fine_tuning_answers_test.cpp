// Chapter 12's worked answers (chapters/12_fine_tuning/answers.md): each test case is the code of
// one answer and asserts the numbers the answer page states. The experiments' own setups train
// every method on 3 to 10 subsets; to stay fast these answers train on subset seed 0 (and five
// seeds for Experiment 5, at k = 1 and 2 only), and say so.
#define BOOST_TEST_MODULE ch12_fine_tuning_answers
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "chapters/11_pretraining/experiments.hpp"
#include "chapters/12_fine_tuning/experiments.hpp"
#include "tests/support/one_blas_thread.hpp"

namespace fs = std::filesystem;
namespace tt = boost::test_tools;
using mlp::Method;

BOOST_TEST_GLOBAL_FIXTURE(OneBlasThread);

namespace {

/// The digits 5-9 with chapter 12's `--validate` set (5,000 training images outside every
/// k <= 100 subset of seed 0), loaded once.
struct Digits {
  mlp::TaskData task = mlp::load_digits_5_9("");
  mlp::TaskData validation = mlp::with_validation_set(task, 100, 1, 5000);
  course::ImageSet k100 = mlp::few_shot_subset(task, 100, 0);
};
const Digits& digits() {
  static const Digits d;
  return d;
}

/// One method trained on `train` from `checkpoint` (seed 42, subset seed s), accuracy in % on
/// `eval`.
double run(Method method, const mlp::FewShotRecipe& recipe, const course::ImageSet& train,
           const course::ImageSet& eval, arma::uword s = 0,
           const std::string& checkpoint = mlp::shipped_checkpoint()) {
  course::Rng rng(42 + 1000 * s);
  auto tn = mlp::make_network<float>(method, checkpoint, 5, rng);
  mlp::train(tn, method, train.X, train.labels, recipe, rng);
  return 100 * mlp::accuracy(tn.net, eval.X, eval.labels);
}

}  // namespace

// [ex1]
// Experiment 1: the methods on validation images at three starting rates (k = 100, subset 0).
BOOST_AUTO_TEST_CASE(ex1_the_rate_not_the_method_needs_mnist) {
  const auto& d = digits();
  std::map<double, std::map<Method, double>> acc;
  for (double eta : {0.001, 0.01, 0.03}) {
    mlp::FewShotRecipe r;
    r.eta = eta;
    for (Method m : {Method::Scratch, Method::LinearProbe, Method::FineTune})
      acc[eta][m] = run(m, r, d.k100, d.validation.test);
    BOOST_TEST_MESSAGE("eta " << eta << ": scratch " << acc[eta][Method::Scratch] << ", probe "
                              << acc[eta][Method::LinearProbe] << ", fine-tune "
                              << acc[eta][Method::FineTune]);
  }
  BOOST_TEST(acc[0.001][Method::Scratch] == 92.10, tt::tolerance(0.001));
  BOOST_TEST(acc[0.001][Method::FineTune] == 86.38, tt::tolerance(0.001));
  BOOST_TEST(acc[0.001][Method::LinearProbe] == 68.98, tt::tolerance(0.001));
  BOOST_TEST(acc[0.03][Method::FineTune] == 93.54, tt::tolerance(0.001));
  BOOST_TEST(acc[0.03][Method::LinearProbe] == 86.80, tt::tolerance(0.001));
  // Fine-tuning moves most with the rate; the probe gains from every larger rate.
  BOOST_TEST(acc[0.03][Method::FineTune] - acc[0.001][Method::FineTune] >
             acc[0.03][Method::Scratch] - acc[0.001][Method::Scratch]);
  BOOST_TEST(acc[0.001][Method::LinearProbe] < acc[0.01][Method::LinearProbe]);
  BOOST_TEST(acc[0.01][Method::LinearProbe] < acc[0.03][Method::LinearProbe]);
}
// [ex1]

// [ex2]
// Experiment 2: the body's rate, from the head's rate (factor 1) down to 1/100 of it.
BOOST_AUTO_TEST_CASE(ex2_how_much_should_the_body_move_needs_mnist) {
  const auto& d = digits();
  mlp::FewShotRecipe r;  // eta 0.01
  const double scratch = run(Method::Scratch, r, d.k100, d.validation.test);
  const double probe = run(Method::LinearProbe, r, d.k100, d.validation.test);
  std::map<double, double> fine;
  for (double f : {1.0, 0.01}) {
    r.body_factor = f;
    fine[f] = run(Method::FineTune, r, d.k100, d.validation.test);
  }
  BOOST_TEST_MESSAGE("scratch " << scratch << ", probe " << probe << "; fine-tune, body factor 1 "
                                << fine[1.0] << ", 0.01 " << fine[0.01]);
  BOOST_TEST(scratch == 92.54, tt::tolerance(0.001));
  BOOST_TEST(probe == 84.88, tt::tolerance(0.001));
  BOOST_TEST(fine[1.0] == 93.24, tt::tolerance(0.001));
  BOOST_TEST(fine[0.01] == 88.96, tt::tolerance(0.001));  // factor 0.1 (the default): 93.20
  BOOST_TEST(std::abs(fine[1.0] - scratch) < 1.0);        // a fast body: scratch with a head start
  BOOST_TEST(fine[0.01] > probe);                         // a slow body: towards the probe
}
// [ex2]

// [ex3]
// Experiment 3: a body pretrained for one epoch only (on the quick 6,000 digits 0-4; the
// experiment uses all 30,596): are its features better or worse for a probe on 5-9?
BOOST_AUTO_TEST_CASE(ex3_a_less_specialised_body_needs_mnist) {
  const auto& d = digits();
  pretraining::Config pc;  // 784-128-64-5, 6,000 digits 0-4
  pc.epochs = 1;
  pretraining::Pretrained p = pretraining::pretrain(pretraining::load_digits(pc, ""), pc, 42);
  const fs::path dir = fs::path("test_output") / "ch12_fine_tuning_answers_test";
  fs::create_directories(dir);
  const std::string one_epoch = (dir / "one_epoch.safetensors").string();
  mlp::save_checkpoint(p.net, one_epoch, {{"layers", mlp::layer_types(p.net)}});
  mlp::FewShotRecipe r;
  const double probe_shipped = run(Method::LinearProbe, r, d.k100, d.task.test);
  const double probe_short = run(Method::LinearProbe, r, d.k100, d.task.test, 0, one_epoch);
  const double fine_shipped = run(Method::FineTune, r, d.k100, d.task.test);
  const double fine_short = run(Method::FineTune, r, d.k100, d.task.test, 0, one_epoch);
  BOOST_TEST_MESSAGE("one epoch on 0-4 ("
                     << p.accuracy << "): probe " << probe_short << ", fine-tune " << fine_short
                     << "; shipped body: probe " << probe_shipped << ", fine-tune "
                     << fine_shipped);
  BOOST_TEST(probe_short == 79.76, tt::tolerance(0.001));
  BOOST_TEST(probe_shipped == 85.15, tt::tolerance(0.001));  // the quick run's probe
  BOOST_TEST(fine_short == 92.29, tt::tolerance(0.001));
  BOOST_TEST(fine_shipped == 93.01, tt::tolerance(0.001));  // the quick run's fine-tune
}
// [ex3]

// [ex5]
// Experiment 5: fewer labels still. Discriminative rates minus scratch on the same subsets,
// k = 1 and 2, subset seeds 0-4: mean and standard deviation of the five differences.
BOOST_AUTO_TEST_CASE(ex5_fewer_labels_still_needs_mnist) {
  const auto& d = digits();
  mlp::FewShotRecipe r;
  for (arma::uword k : {1, 2}) {
    std::vector<double> gains;
    for (arma::uword s = 0; s < 5; ++s) {
      const course::ImageSet train = mlp::few_shot_subset(d.task, k, s);
      gains.push_back(run(Method::Discriminative, r, train, d.task.test, s) -
                      run(Method::Scratch, r, train, d.task.test, s));
    }
    const course::MeanSd g = course::mean_sd(gains);
    BOOST_TEST_MESSAGE("k = " << k << ": gain " << g.mean << " +- " << g.sd);
    if (k == 1) {
      BOOST_TEST(g.mean == 3.61, tt::tolerance(0.01));
      BOOST_TEST(g.sd == 8.53, tt::tolerance(0.01));
    } else {
      BOOST_TEST(g.mean == 3.37, tt::tolerance(0.01));
      BOOST_TEST(g.sd == 2.58, tt::tolerance(0.01));
    }
  }
}
// [ex5]
