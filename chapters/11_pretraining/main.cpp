// Chapter 11 executable: pretraining and checkpoints. The lesson's experiments, in order
// (experiments.hpp): the digits 0-4; pretrain a 784-128-64-5 ReLU network on them; save it as a
// safetensors checkpoint; show what is inside the file; load it back into a network rebuilt
// from the file alone and check that the logits are identical to the last bit. Then the plots
// and summary.json (report.hpp). With --load, score a checkpoint instead (e.g. the one shipped
// in chapters/11_pretraining/pretrained/).
#include "chapters/11_pretraining/experiments.hpp"
#include "chapters/11_pretraining/report.hpp"
#include "common/chapter.hpp"

using namespace pretraining;

int main(int argc, char** argv) {
  course::Chapter chapter(
      "11_pretraining",
      "Chapter 11: pretraining and checkpoints. Trains an MLP on MNIST digits 0-4, saves it\n"
      "as safetensors, reloads it and checks the predictions are identical.");
  Config c;
  chapter.list("--hidden", c.hidden, "hidden layer widths, comma-separated")
      ->check(CLI::Range(1, 100000));
  chapter.knob("--epochs", c.epochs, "epochs", 10)->check(CLI::Range(1, 100000));
  chapter.option("--eta", c.eta, "Adam's learning rate")->check(course::positive());
  chapter.option("--batch-size", c.batch_size, "examples per mini-batch")
      ->check(CLI::Range(1, 60000));
  chapter
      .knob("--train-size", c.n_train, "training images of digits 0-4 (60000: all 30,596)", 60000)
      ->check(CLI::Range(1, 60000));
  chapter.option("--save", c.save_path, "also save the checkpoint here (e.g. the shipped file)");
  chapter.option("--load", c.load_path,
                 "score this checkpoint on the digits 0-4 instead of training (e.g. " +
                     mlp::shipped_checkpoint_name() + ")");

  return chapter.run(argc, argv, [&](const course::CommonOptions& common) {
    if (!c.load_path.empty()) return summary(evaluate_checkpoint(c.load_path, common.data_dir));
    // [toc]
    const Digits d = load_digits(c, common.data_dir);  // the pretraining task
    Pretrained p = pretrain(d, c, common.seed);        // train, score after every epoch
    const std::vector<std::string> paths = save(p, d, c, common.seed, common);  // safetensors
    print_layout(paths.back());                               // what any reader sees
    const bool identical = reload_is_identical(paths, d, p);  // rebuilt from the file alone
    // [toc]
    if (!identical)
      throw course::Error("the reloaded network's logits differ from the saved one's");
    if (!common.no_plots) plot(p, d, common);
    return summary(p, d, c, paths, identical);
  });
}
