// Chapter 12 executable: transfer learning. The body of a network pretrained on MNIST's digits
// 0-4 (chapter 11's shipped checkpoint, or any compatible safetensors file) gets a new head and
// learns the digits 5-9 from k labelled images per class, five ways: from scratch, linear probe,
// fine-tune, discriminative learning rates, gradual unfreezing. Then the same body meets
// Fashion-MNIST. The lesson's experiments, in order (experiments.hpp): the body; the task; the
// untouched body with a random head; the five methods on every k and subset seed; the
// cross-domain run. Then a table per k, the plots and summary.json (report.hpp).
#include "chapters/12_fine_tuning/experiments.hpp"
#include "chapters/12_fine_tuning/report.hpp"
#include "common/chapter.hpp"

using namespace fine_tuning;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "12_fine_tuning",
      "Chapter 12: fine-tuning. A body pretrained on digits 0-4 learns digits 5-9 from k\n"
      "labelled images per class: scratch vs linear probe vs fine-tuning (smaller body lr,\n"
      "discriminative lrs, gradual unfreezing); then Fashion-MNIST (cross-domain).");
  Config c;
  chapter.option("--pretrained", c.pretrained,
                 "safetensors checkpoint whose body is reused (784 inputs; sizes from its "
                 "tensors; default: chapter 11's shipped mnist04_mlp.safetensors)");
  chapter
      .option("--activation", c.activation,
              "activation between Dense layers when the file has no __metadata__ \"layers\"")
      ->check(CLI::IsMember({"ReLU", "Sigmoid", "Tanh"}));
  chapter.list_knob("--k", c.ks, "labelled images per class, comma-separated", {10, 50, 100, 500})
      ->check(CLI::Range(1, 5000));
  chapter.knob("--seeds", c.n_seeds, "subset seeds per (method, k)", 5)->check(CLI::Range(1, 100));
  chapter
      .option("--eta", c.recipe.eta,
              "Adam's rate for new layers: the head, or all layers from scratch (cosine to 0)")
      ->check(course::positive());
  chapter.option("--body-factor", c.recipe.body_factor, "fine-tune: body rate = body-factor * eta")
      ->check(course::positive());
  chapter
      .option("--layer-factor", c.recipe.layer_factor,
              "discriminative lrs: each Dense layer down divides the rate by this")
      ->check(CLI::Range(1.0, 1000.0));
  chapter.option("--batch-size", c.recipe.batch_size, "examples per update")
      ->check(CLI::Range(1, 10000));
  chapter.option("--min-epochs", c.recipe.min_epochs, "at least this many epochs")
      ->check(CLI::Range(1, 100000));
  chapter.option("--min-steps", c.recipe.min_steps, "at least this many updates")
      ->check(CLI::Range(1, 1000000));
  chapter
      .option("--fashion-k", c.fashion_k,
              "cross-domain run: Fashion-MNIST images per class (0: skip it)")
      ->check(CLI::Range(0, 6000));
  chapter.option("--fashion-data", c.fashion_data,
                 "Fashion-MNIST folder (default: the registry's)");
  chapter.app().add_flag("--validate", c.validate,
                         "report on 5,000 held-out training images instead of the test set (to "
                         "choose a recipe)");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    settle(c);
    const std::uint64_t seed = common.seed;
    // [toc]
    Results r{load_body(c, seed)};  // the pretrained body, checked to fit MNIST
    const mlp::TaskData digits = digits_task(c, common.data_dir);  // digits 5-9, k per class
    print(c.recipe);
    r.untouched = untouched_body(digits, c, seed);  // what training has to beat
    print_untouched(r.untouched);
    r.digits = few_shot_runs(digits, c.ks, c, seed);  // five methods, every k and subset seed
    print(r.digits, c);
    if (c.fashion_k > 0) {  // the cross-domain run: the same digit body, clothes
      r.fashion = few_shot_runs(fashion_task(c), {c.fashion_k}, c, seed);
      print(r.fashion, c);
    }
    // [toc]
    r.test_images = digits.test.X.n_cols;
    const Headline h = headline(r.digits, r.fashion, c);
    if (!common.no_plots) plot(r.digits, r.fashion, c, common);
    return summary(r, h, c);
  });
}
