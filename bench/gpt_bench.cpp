// Transformer training-speed benchmark (./course bench): chapter 16's GPT training step
// (GptTrainer::step: forward, fused softmax + cross-entropy, backward, global-norm clipping,
// AdamW) at the chapter's --full shape (V 5,061, d 64, 4 blocks x 4 heads, n_ctx 128, 8 windows
// of 128 tokens), on synthetic token ids from a fixed seed (no corpus needed), float32, 1 BLAS
// thread. Speed is tokens per second: B*T predictions per step / seconds per step, the median
// over timed steps after a warm-up step.
//
// Beside it, where the time goes: each part of the step (the linear layers, the tied head's
// products, the attention core, layer norm, GELU, the loss, the embeddings, clip + AdamW) timed
// alone on the step's shapes through the chapters' own code; and the limit: the step's matrix
// products alone through the same BLAS. With --vs-pytorch, bench/pytorch_gpt.py runs the
// identical model and step after each round of ours (interleaved, so both see the same load).
// Not a test: nothing here asserts. It writes its numbers under "transformer" in the
// summary.json of --out, keeping what bench_mlp wrote there.
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_tools.hpp"
#include "chapters/14_going_deep/gelu.hpp"
#include "chapters/14_going_deep/layer_norm.hpp"
#include "chapters/16_transformer/trainer.hpp"
#include "common/blas.hpp"
#include "common/run.hpp"

namespace {

using Mat = arma::fmat;
using bench::Stats;
using bench::stats;

// Dimension legend:  V vocabulary,  d channels,  L blocks,  NH heads,  B windows,  T tokens per
//   window,  N = B*T predictions per step.

/// The benchmark's flags: the model and step of chapter 16's --full run.
struct Config {
  gpt::GptShape shape{5061, 128, 64, 4, 4};  ///< V, n_ctx, d, L, NH
  arma::uword B = 8;                         ///< windows per step (T = n_ctx)
  arma::uword steps = 10;                    ///< timed steps per round
  arma::uword rounds = 5;                    ///< rounds (ours, then PyTorch's, in each)
  arma::uword reps = 20;                     ///< timed calls per phase of the breakdown
  int threads = 1;                           ///< BLAS threads (--threads), PyTorch's too
  bool vs_pytorch = false;                   ///< also run bench/pytorch_gpt.py
  std::string script = "bench/pytorch_gpt.py";
  arma::uword N() const { return B * shape.n_ctx; }
};

/// \brief Median CPU seconds of one call of f, over `reps` calls after a warm-up call. The parts
/// of the breakdown are timed in CPU time: on a shared machine, their wall-clock times would
/// depend on what else ran at the moment each was measured.
template <class F>
double median_seconds(arma::uword reps, F&& f) {
  f();
  return bench::time_calls(reps, f).cpu.median;
}

Mat randn(arma::uword rows, arma::uword cols, course::Rng& rng, double stddev = 1.0) {
  Mat M(rows, cols);
  course::fill_normal(M, rng, stddev);
  return M;
}

/// \brief The spread of what a linear layer of GPT-2's initialization, N(0, 0.02), makes of a
/// layer-normed input (variance 1 over d channels): 0.02 sqrt(d). Where a part's speed depends on
/// its input's values (erf and exp take longer on larger ones: GELU by 1.6x between spreads 0.16
/// and 1), the breakdown feeds it numbers of this spread, as the timed steps see them (they
/// train from the initialization).
double init_spread(const Config& c) { return 0.02 * std::sqrt(double(c.shape.d)); }

/// One step's ids (T x B) and the targets (N), column b*T + t the id after ids(t, b).
struct Batch {
  arma::umat ids;
  arma::uvec targets;
};

/// Random windows of T + 1 uniform ids: what the step costs does not depend on the text.
Batch synthetic_batch(const Config& c, course::Rng& rng) {
  const arma::uword T = c.shape.n_ctx;
  Batch batch{arma::umat(T, c.B), arma::uvec(c.N())};
  for (arma::uword b = 0; b < c.B; ++b) {
    arma::uword id = course::uniform_index(rng, c.shape.V);
    for (arma::uword t = 0; t < T; ++t) {
      batch.ids(t, b) = id;
      id = course::uniform_index(rng, c.shape.V);
      batch.targets[b * T + t] = id;
    }
  }
  return batch;
}

/// Chapter 16's model and trainer at the --full knobs (eta 0.006 with 200 warm-up steps of
/// 4,000, weight decay 0.1, clip 1.0), and a pool of batches to cycle through.
struct Workload {
  course::Rng rng;
  gpt::Gpt<float> model;
  gpt::GptTrainer<float> trainer;
  std::vector<Batch> batches;
  arma::uword next = 0;

  Workload(const Config& c, std::uint64_t seed)
      : rng(seed),
        model(c.shape, rng),
        trainer(model, gpt::TrainConfig{c.shape.n_ctx, c.B, 4000, 200, 0.006, 0.0006, 0.1, 1.0}) {
    for (int i = 0; i < 8; ++i) batches.push_back(synthetic_batch(c, rng));
    step();  // the warm-up: the first step sizes every buffer
  }
  void step() {
    const Batch& batch = batches[next++ % batches.size()];
    trainer.step(batch.ids, batch.targets);
  }
};

/// \brief Seconds per step of `steps` steps, each timed alone.
bench::Times time_steps(Workload& w, arma::uword steps) {
  return bench::time_calls(steps, [&] { w.step(); });
}

/// The four linear layers of a block: (n_in, n_out) of c_attn, attn.c_proj, c_fc, mlp.c_proj.
std::vector<std::pair<arma::uword, arma::uword>> linear_shapes(arma::uword d) {
  return {{d, 3 * d}, {d, d}, {d, 4 * d}, {4 * d, d}};
}

/// A layer of the step with its own input and incoming gradient, as the model holds one per
/// block: timed together, the parts of a kind use as much memory (and cache) as in the model.
template <class Layer>
struct Part {
  Layer layer;
  Mat X, dY;  // forward's input, backward's incoming gradient
  void forward() { layer.forward(X); }
  void backward() { layer.backward(dY); }
};

/// The attention core of one block, its QKV (3d x N) and dY (d x N).
struct CorePart {
  gpt::AttentionCore<float> layer;
  Mat X, dY;
  void forward() { layer.forward(X); }
  void backward() { layer.backward(X, dY); }
};

/// \brief Median seconds of every part's forward in order, then every backward in reverse:
/// the order of a step.
template <class P>
double forward_backward_seconds(std::vector<P>& parts, arma::uword reps) {
  return median_seconds(reps, [&] {
    for (auto& p : parts) p.forward();
    for (auto p = parts.rbegin(); p != parts.rend(); ++p) p->backward();
  });
}

/// The Dense layers of every block (products, bias, bias gradient).
std::vector<Part<mlp::Dense<float>>> linear_parts(const Config& c, course::Rng& rng) {
  std::vector<Part<mlp::Dense<float>>> parts;
  for (arma::uword l = 0; l < c.shape.n_layer; ++l)
    for (auto [n_in, n_out] : linear_shapes(c.shape.d))
      parts.push_back(
          {mlp::Dense<float>(n_in, n_out, rng), randn(n_in, c.N(), rng), randn(n_out, c.N(), rng)});
  return parts;
}

/// The attention cores of every block.
std::vector<CorePart> core_parts(const Config& c, course::Rng& rng) {
  std::vector<CorePart> parts(c.shape.n_layer);
  for (auto& p : parts) {
    p.layer.n_head = c.shape.n_head;
    p.layer.seq = c.shape.n_ctx;
    p.X = randn(3 * c.shape.d, c.N(), rng, init_spread(c));  // queries, keys, values
    p.dY = randn(c.shape.d, c.N(), rng);
  }
  return parts;
}

/// `count` layers of one kind, each with its own (rows x N) input (of spread `spread`) and
/// gradient.
template <class Layer>
std::vector<Part<Layer>> parts_of(arma::uword count, const Layer& layer, arma::uword rows,
                                  double spread, const Config& c, course::Rng& rng) {
  std::vector<Part<Layer>> parts;
  for (arma::uword i = 0; i < count; ++i)
    parts.push_back({layer, randn(rows, c.N(), rng, spread), randn(rows, c.N(), rng)});
  return parts;
}

/// Products of one step, alone: each linear layer's three (Z = W X, dW = delta X^T,
/// dX = W^T delta), and the tied head's three (Z = C^T Xf, dXf = C dZ, dC = Xf dZ^T), written
/// as the layers write them, one set of matrices per layer.
struct Products {
  struct Linear {
    Mat W, X, delta, Z, dW, dX;
  };
  std::vector<Linear> linear;  // the blocks' linear layers, in forward order
  Mat C, Xf, dZ, Z, dXf, dC;   // the head: (d x V), (d x N), (V x N), (V x N), (d x N), (d x V)

  Products(const Config& c, course::Rng& rng) {
    const arma::uword d = c.shape.d, V = c.shape.V, N = c.N();
    for (arma::uword l = 0; l < c.shape.n_layer; ++l)
      for (auto [n_in, n_out] : linear_shapes(d))
        linear.push_back({randn(n_out, n_in, rng, 0.02), randn(n_in, N, rng), randn(n_out, N, rng),
                          Mat(), Mat(), Mat()});
    C = randn(d, V, rng, 0.02), Xf = randn(d, N, rng), dZ = randn(V, N, rng, 1e-4);
  }
  void linear_layers() {
    for (auto& p : linear) p.Z = p.W * p.X;  // forward, every block
    for (auto p = linear.rbegin(); p != linear.rend(); ++p) {
      p->dW = p->delta * p->X.t();  // backward, last block first
      p->dX = p->W.t() * p->delta;
    }
  }
  void head() {
    Z = C.t() * Xf;
    dXf = C * dZ;
    dC = Xf * dZ.t();
  }
};

/// A part of the step: its name, how many times a step runs it, seconds per step.
struct Phase {
  std::string name;
  arma::uword calls;
  double seconds;
};

/// The embeddings as Gpt::forward and Gpt::backward use them: X0 = C[:, w] + P[:, t]; the
/// scatter-adds of dX0 into both tables (zeroing them first), plus the head's share of dC.
double embeddings_seconds(const Config& c, course::Rng& rng) {
  lm::Embedding<float> wte(c.shape.V, c.shape.d, rng), wpe(c.shape.n_ctx, c.shape.d, rng);
  const Batch batch = synthetic_batch(c, rng);
  const arma::umat tokens = arma::reshape(batch.ids, 1, c.N());  // as Gpt::forward
  arma::umat positions(1, c.N());
  for (arma::uword j = 0; j < c.N(); ++j) positions[j] = j % c.shape.n_ctx;
  const Mat dX0 = randn(c.shape.d, c.N(), rng), dC_head = randn(c.shape.d, c.shape.V, rng);
  Mat X0;
  return median_seconds(c.reps, [&] {
    X0 = wte.forward(tokens);
    X0 += wpe.forward(positions);
    wte.backward(dX0);
    wte.dC += dC_head;
    wpe.backward(dX0);
  });
}

/// Clipping and AdamW over every parameter of a model of the step's shape.
double optimizer_seconds(const Config& c, course::Rng& rng) {
  gpt::Gpt<float> model(c.shape, rng);
  auto params = model.params();
  for (auto& p : params) course::fill_normal(*p.grad, rng, 1e-3);
  gpt::AdamW<float> adamw(params, 1e-3, 0.1, 0.9, 0.95);
  return median_seconds(c.reps, [&] {
    gpt::clip_gradients(params, 1.0);
    adamw.step();
  });
}

/// Every part of a step, each kind timed alone on the step's shapes.
std::vector<Phase> phases(const Config& c, Products& products, std::uint64_t seed) {
  course::Rng rng(seed);
  const arma::uword d = c.shape.d, L = c.shape.n_layer;
  auto linear = linear_parts(c, rng);
  auto cores = core_parts(c, rng);
  auto norms = parts_of(2 * L + 1, mlp::LayerNorm<float>(d), d, 1.0, c, rng);
  auto gelus = parts_of(L, mlp::GELU<float>(), 4 * d, init_spread(c), c, rng);
  gpt::TokenCrossEntropy<float> loss;
  const Mat Z = randn(c.shape.V, c.N(), rng, init_spread(c));  // the logits
  const Batch batch = synthetic_batch(c, rng);
  return {{"embeddings (wte, wpe)", 2, embeddings_seconds(c, rng)},
          {"linear layers (Dense)", 4 * L, forward_backward_seconds(linear, c.reps)},
          {"attention core", L, forward_backward_seconds(cores, c.reps)},
          {"layer norm", 2 * L + 1, forward_backward_seconds(norms, c.reps)},
          {"GELU", L, forward_backward_seconds(gelus, c.reps)},
          {"tied head (3 GEMMs)", 1, median_seconds(c.reps, [&] { products.head(); })},
          {"softmax + cross-entropy", 1,
           median_seconds(c.reps, [&] { loss.forward(Z, batch.targets); })},
          {"clip + AdamW", 1, optimizer_seconds(c, rng)}};
}

/// One round: our timed steps, then (with --vs-pytorch) PyTorch's on the same model and step.
struct Round {
  bench::Times ours;
  nlohmann::json pytorch;  // bench/pytorch_gpt.py's line (null without --vs-pytorch)
};

nlohmann::json run_pytorch(const Config& c, std::uint64_t seed) {
  const gpt::GptShape& s = c.shape;
  return bench::run_python(
      c.script, "--vocab " + std::to_string(s.V) + " --d-model " + std::to_string(s.d) +
                    " --layers " + std::to_string(s.n_layer) + " --heads " +
                    std::to_string(s.n_head) + " --context " + std::to_string(s.n_ctx) +
                    " --batch-size " + std::to_string(c.B) + " --steps " + std::to_string(c.steps) +
                    " --threads " + std::to_string(c.threads) + " --seed " + std::to_string(seed));
}

double tokens_per_second(const Config& c, double seconds) { return double(c.N()) / seconds; }

/// The median over rounds of f(round).
template <class F>
double median_over(const std::vector<Round>& rounds, F&& f) {
  std::vector<double> v;
  for (const auto& r : rounds) v.push_back(f(r));
  return stats(v).median;
}

// A round's medians: wall-clock or CPU seconds per step, ours or PyTorch's.
double ours_wall(const Round& r) { return r.ours.wall.median; }
double ours_cpu(const Round& r) { return r.ours.cpu.median; }
double pytorch_wall(const Round& r) { return r.pytorch["median"].get<double>(); }
double pytorch_cpu(const Round& r) { return r.pytorch["cpu_median"].get<double>(); }
/// How many times longer PyTorch's step took than ours, in one round (wall-clock, CPU).
double pytorch_over_ours(const Round& r) { return pytorch_wall(r) / ours_wall(r); }
double pytorch_over_ours_cpu(const Round& r) { return pytorch_cpu(r) / ours_cpu(r); }

std::vector<Round> measure_rounds(const Config& c, Workload& w, std::uint64_t seed) {
  auto row = [](std::vector<std::string> cells) {
    const int widths[] = {6, 24, 8, 10, 8, 0};
    for (std::size_t i = 0; i < cells.size(); ++i)
      std::cout << std::left << std::setw(widths[i]) << cells[i] << ' ';
    std::cout << "\n" << std::flush;
  };
  std::cout << "seconds per step: wall-clock (CPU time, which other processes do not inflate)\n";
  if (c.vs_pytorch)
    row({"round", "ours: wall (min-max)", "CPU", "PyTorch", "CPU", "PyTorch/ours: wall, CPU"});
  else
    row({"round", "ours: wall (min-max)", "CPU"});
  std::vector<Round> rounds;
  for (arma::uword r = 0; r < c.rounds; ++r) {
    Round round{time_steps(w, c.steps), nullptr};
    std::vector<std::string> cells = {std::to_string(r + 1),
                                      course::fixed(ours_wall(round), 4) + " (" +
                                          course::fixed(round.ours.wall.min, 3) + "-" +
                                          course::fixed(round.ours.wall.max, 3) + ")",
                                      course::fixed(ours_cpu(round), 4)};
    if (c.vs_pytorch) {
      round.pytorch = run_pytorch(c, seed);
      cells.push_back(course::fixed(pytorch_wall(round), 4));
      cells.push_back(course::fixed(pytorch_cpu(round), 4));
      cells.push_back(course::fixed(pytorch_over_ours(round), 2) + "x, " +
                      course::fixed(pytorch_over_ours_cpu(round), 2) + "x");
    }
    row(cells);
    rounds.push_back(round);
  }
  return rounds;
}

/// Where the time goes: every phase as a share of our step, the rest, and the product limit,
/// all in CPU seconds (`step`: the median of the rounds' CPU medians).
nlohmann::json breakdown(const Config& c, double step, std::uint64_t seed) {
  course::Rng rng(seed);
  Products products(c, rng);
  const double gemm_linear = median_seconds(c.reps, [&] { products.linear_layers(); });
  const double gemm = median_seconds(c.reps, [&] {
    products.linear_layers();
    products.head();
  });
  const std::vector<Phase> parts = phases(c, products, seed + 1);
  std::cout << "\nwhere the time goes (each part alone on the step's shapes, CPU time, median of "
            << c.reps << " calls):\n";
  auto line = [&](const std::string& name, const std::string& calls, double s) {
    std::cout << "  " << std::left << std::setw(26) << name << std::setw(8) << calls << std::right
              << std::setw(8) << course::fixed(1e3 * s, 1) << " ms" << std::setw(7)
              << course::fixed(100 * s / step, 1) << "%\n"
              << std::left;
  };
  nlohmann::json rows = nlohmann::json::array();
  double sum = 0;
  for (const auto& p : parts) {
    line(p.name, "x" + std::to_string(p.calls), p.seconds);
    rows.push_back({{"phase", p.name},
                    {"calls", p.calls},
                    {"seconds", p.seconds},
                    {"share", p.seconds / step}});
    sum += p.seconds;
  }
  line("rest (residual adds ...)", "", step - sum);
  line("the step (ours)", "", step);
  line("GEMM-only: linear layers", "", gemm_linear);
  line("GEMM-only: all products", "", gemm);
  std::cout << "ours / GEMM-only = " << course::fixed(step / gemm, 2) << "\n";
  return {{"phases", rows},
          {"rest_seconds", step - sum},
          {"gemm_only_seconds", gemm},
          {"gemm_only_linear_seconds", gemm_linear},
          {"ours_over_gemm", step / gemm}};
}

/// This benchmark's part of summary.json.
nlohmann::json result(const Config& c, const std::vector<Round>& rounds,
                      const nlohmann::json& where, const course::BlasInfo& blas) {
  const gpt::GptShape& s = c.shape;
  const double wall = median_over(rounds, ours_wall), cpu = median_over(rounds, ours_cpu);
  nlohmann::json j = {{"shape",
                       {{"V", s.V},
                        {"d", s.d},
                        {"n_layer", s.n_layer},
                        {"n_head", s.n_head},
                        {"n_ctx", s.n_ctx},
                        {"batch", c.B}}},
                      {"blas", blas.json()},
                      {"tokens_per_step", c.N()},
                      {"steps_per_round", c.steps},
                      {"threads", c.threads},
                      {"ours_seconds_per_step", wall},
                      {"ours_tokens_per_second", tokens_per_second(c, wall)},
                      {"ours_cpu_seconds_per_step", cpu},
                      {"ours_tokens_per_cpu_second", tokens_per_second(c, cpu)},
                      {"rounds", nlohmann::json::array()}};
  for (const auto& r : rounds)
    j["rounds"].push_back({{"ours", r.ours.json()}, {"pytorch", r.pytorch}});
  if (c.vs_pytorch) {  // medians over the rounds; the ratios are the medians of each round's
    j["pytorch_seconds_per_step"] = median_over(rounds, pytorch_wall);
    j["pytorch_tokens_per_second"] = tokens_per_second(c, median_over(rounds, pytorch_wall));
    j["pytorch_cpu_seconds_per_step"] = median_over(rounds, pytorch_cpu);
    j["pytorch_tokens_per_cpu_second"] = tokens_per_second(c, median_over(rounds, pytorch_cpu));
    j["pytorch_over_ours"] = median_over(rounds, pytorch_over_ours);
    j["pytorch_over_ours_cpu"] = median_over(rounds, pytorch_over_ours_cpu);
    j["torch"] = rounds.front().pytorch["torch"];
  }
  j.update(where);
  return j;
}

/// \brief The summary.json already in `out_dir` (bench_mlp's), or an empty object: this run
/// adds "transformer" to it. Read before the measurements, so a bad file stops the run early.
nlohmann::json existing_summary(const std::string& out_dir) {
  const std::string path = out_dir + "/summary.json";
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded() || !summary.is_object())
    throw course::Error(path + ": expected a JSON object (a summary.json of bench_mlp)");
  return summary;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Training-speed benchmark: chapter 16's GPT step vs its GEMM limit (and PyTorch).",
               "bench_gpt"};
  course::CommonOptions common("bench");
  course::add_common_options(app, common);
  Config c;
  auto count = [&](const std::string& flag, arma::uword& value, const std::string& help,
                   arma::uword lo, arma::uword hi) {
    app.add_option(flag, value, help)->check(CLI::Range(lo, hi))->capture_default_str();
  };
  count("--vocab", c.shape.V, "V, the vocabulary", 2, 1000000);
  count("--d-model", c.shape.d, "d, channels", 2, 4096);
  count("--layers", c.shape.n_layer, "blocks", 1, 64);
  count("--heads", c.shape.n_head, "heads per block (divides --d-model)", 1, 64);
  count("--context", c.shape.n_ctx, "n_ctx = T, tokens per window", 2, 1024);
  count("--batch-size", c.B, "windows per step", 1, 4096);
  count("--steps", c.steps, "timed steps per round", 1, 100000);
  count("--rounds", c.rounds, "rounds (ours, then PyTorch's)", 1, 1000);
  count("--reps", c.reps, "timed calls per part of the breakdown", 1, 10000);
  app.add_flag("--vs-pytorch", c.vs_pytorch, "also run bench/pytorch_gpt.py (needs python3-torch)");
  app.add_option("--pytorch-script", c.script, "path of pytorch_gpt.py")->capture_default_str();

  course::use_best_blas_kernel(argv);  // the kernel the chapters would run on
  return course::run_main(app, argc, argv, [&] {
    gpt::check_shape(c.shape);
    c.threads = common.threads;
    const course::BlasInfo blas = course::blas_info();
    std::cout << blas.line() << "\n"
              << "GPT: V " << c.shape.V << ", d " << c.shape.d << ", " << c.shape.n_layer
              << " blocks x " << c.shape.n_head << " heads, n_ctx " << c.shape.n_ctx << ", batch "
              << c.B << " (" << c.N() << " tokens per step), " << c.threads << " BLAS thread(s), "
              << c.steps << " timed steps per round after a warm-up step\n";
    nlohmann::json summary = existing_summary(common.out_dir);
    Workload w(c, common.seed);
    const std::vector<Round> rounds = measure_rounds(c, w, common.seed);
    const double wall = median_over(rounds, ours_wall), cpu = median_over(rounds, ours_cpu);
    std::cout << "ours: " << course::fixed(tokens_per_second(c, wall), 0) << " tokens/s ("
              << course::fixed(tokens_per_second(c, cpu), 0) << " per CPU second)";
    if (c.vs_pytorch)
      std::cout << "; PyTorch: "
                << course::fixed(tokens_per_second(c, median_over(rounds, pytorch_wall)), 0) << " ("
                << course::fixed(tokens_per_second(c, median_over(rounds, pytorch_cpu)), 0)
                << "); PyTorch/ours " << course::fixed(median_over(rounds, pytorch_over_ours), 2)
                << "x (CPU " << course::fixed(median_over(rounds, pytorch_over_ours_cpu), 2)
                << "x)";
    std::cout << "\n(medians of " << c.rounds << " rounds; the ratios: medians of each round's)\n";
    const nlohmann::json where = breakdown(c, cpu, common.seed);
    summary["transformer"] = result(c, rounds, where, blas);
    if (!summary.contains("blas")) summary["blas"] = blas.json();
    course::write_summary(common.out_dir, summary);
    std::cout << "wrote " << common.out_dir << "/summary.json (\"transformer\")\n";
  });
}
