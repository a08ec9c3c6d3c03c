// Chapter 15's report (see report.hpp): printing, the samples file, plots and summary.json.
#include "chapters/15_language_model/report.hpp"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "common/plot.hpp"

namespace ch15 {
namespace {

/// 57607 -> "57,607"
std::string grouped(double value) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  for (int k = int(digits.size()) - 3; k > 0; k -= 3) digits.insert(std::size_t(k), ",");
  return digits;
}

/// Gnuplot commands that write each Chinese label in the CJK font.
const char* kCjk = "Noto Sans CJK TC";

std::string describe_model(const Trained& t) {
  return t.model.describe() + ", " + grouped(double(t.model.n_params())) + " parameters";
}

void print_corpus(const CorpusFacts& f, const Data& d) {
  std::cout << "Tang poems (npm package chinese-poetry 2.0.1): " << f.files << " files, "
            << grouped(double(f.poems + f.textless)) << " poems, " << f.textless
            << " of them without text (skipped)\n"
            << "  as stored: " << grouped(double(f.raw_characters)) << " characters, "
            << grouped(double(f.raw_distinct)) << " distinct\n"
            << "  without the editors' notes: " << grouped(double(f.characters)) << " characters ("
            << course::percent(double(f.punctuation) / double(f.characters), 1)
            << " of them punctuation), " << grouped(double(f.distinct)) << " distinct; median poem "
            << f.median_length << " characters\n  forms (line length x lines):";
  for (const auto& [name, n] : f.forms)
    std::cout << " " << name << " " << course::percent(double(n) / double(f.poems), 1);
  std::cout << "\n  most frequent:";
  for (const auto& [ch, n] : f.top) std::cout << " " << ch;
  std::cout << "\nSplit by poem (seed " << lm::kSplitSeed
            << "): " << grouped(double(d.split.train.size())) << " training, "
            << grouped(double(d.validation_poems_all)) << " validation, "
            << grouped(double(d.split.test.size())) << " test poems; measured on "
            << grouped(double(d.validation.size())) << " validation poems\n";
}

void print_vocabulary(const CoverageTable& table, const Config& c) {
  std::cout << "Vocabulary (a character needs min-count occurrences in the training poems):\n"
            << "  min-count       V  validation characters with their own id\n";
  for (const CoverageRow& r : table)
    std::cout << "  " << std::setw(9) << r.min_count << std::setw(8) << r.size << "  "
              << course::percent(r.coverage, 2) << (r.min_count == c.min_count ? "   <- used" : "")
              << "\n";
}

void print_baselines(const Baselines& b, const Data& d) {
  std::cout << "Counted baselines, validation perplexity (V = " << d.vocabulary.size() << "):\n"
            << "  unigram add-1 " << course::fixed(b.unigram, 1) << "; bigram";
  for (const auto& [k, ppl] : b.bigram_add_k)
    std::cout << " add-" << k << " " << course::fixed(ppl, 1);
  std::cout << "; interpolated bigram (lambda " << course::fixed(b.best_lambda, 2) << ") "
            << course::fixed(b.interpolated, 1) << "\n  the issue's setting (text as stored, every "
            << "training character its own id, V = " << b.issue_vocabulary << "): unigram "
            << course::fixed(b.issue_unigram, 1) << ", bigram add-0.1 "
            << course::fixed(b.issue_bigram, 1) << "\n";
}

void print_model(const Trained& t, const Baselines& b, const Config& c) {
  std::cout << "Neural model: " << describe_model(t) << "\n  Adam, eta " << c.eta
            << " with cosine decay, batch " << c.batch_size << ", " << c.steps << " steps ("
            << grouped(double(c.steps * c.batch_size)) << " predictions)\n"
            << "      step   predictions  training ppl  validation ppl\n";
  for (const CurvePoint& p : t.curve)
    std::cout << std::setw(10) << p.steps << std::setw(14) << grouped(p.tokens) << std::setw(14)
              << course::fixed(p.train_perplexity, 1) << std::setw(16)
              << course::fixed(p.validation_perplexity, 1) << "\n";
  std::cout << "  validation perplexity " << course::fixed(t.validation, 1) << " (bigram add-0.1 "
            << course::fixed(b.bigram(), 1) << ", interpolated " << course::fixed(b.interpolated, 1)
            << ", unigram " << course::fixed(b.unigram, 1) << "); test perplexity "
            << course::fixed(t.test, 1) << "\n  " << grouped(t.tokens_per_second)
            << " predictions/s\n";
}

void print_sweep(const Sweep& s, const Config& c) {
  if (s.by_context.empty()) return;
  std::cout << "Sweep, " << c.sweep_steps
            << " steps each, validation perplexity:\n  context n (d = " << c.d << "):";
  for (const SweepPoint& p : s.by_context)
    std::cout << "  " << p.n << ": " << course::fixed(p.validation, 1);
  std::cout << "\n  embedding d (n = " << c.n << "):";
  for (const SweepPoint& p : s.by_embedding)
    std::cout << "  " << p.d << ": " << course::fixed(p.validation, 1);
  std::cout << "\n";
}

void print_samples(const SampleSet& set) {
  std::cout << "Samples (even: every line 5, or every line 7 characters long; regular: and 4 or 8 "
            << "lines; copied: 5- and 7-character lines found whole in the training poems):\n";
  for (const TemperatureSamples& s : set) {
    std::cout << "  temperature " << s.temperature << (s.temperature == 0 ? " (greedy)" : "")
              << ": even " << course::percent(s.even_lines, 0) << ", regular "
              << course::percent(s.regular, 0) << ", copied lines "
              << course::percent(s.copied_lines, 0) << ", " << course::fixed(s.mean_length, 0)
              << " characters per poem, distinct " << course::percent(s.distinct, 0) << "\n";
    for (std::size_t k = 0; k < std::min<std::size_t>(2, s.poems.size()); ++k)
      std::cout << "    " << s.poems[k] << "\n";
  }
}

void print_neighbours(const NeighbourSet& set, const Data& d) {
  std::cout << "Nearest neighbours in embedding space (cosine):\n";
  for (const NeighbourRow& r : set.rows) {
    std::cout << "  " << d.vocabulary.symbol(r.query) << ":";
    for (const lm::Neighbour& nb : r.neighbours)
      std::cout << " " << d.vocabulary.symbol(nb.id) << " " << course::fixed(nb.cosine, 2);
    std::cout << "\n";
  }
}

void print_songci(const SongciFacts& f, const Data& d) {
  if (f.poems == 0) return;
  std::cout << "Song ci through the Tang vocabulary: " << grouped(double(f.poems)) << " ci, "
            << grouped(double(f.characters)) << " characters, " << grouped(double(f.distinct))
            << " distinct; " << course::percent(f.coverage, 1)
            << " have an id of their own (V = " << d.vocabulary.size() << ")\n  forms:";
  for (const auto& [name, n] : f.forms)
    std::cout << " " << name << " " << course::percent(double(n) / double(f.poems), 1);
  std::cout << "\n  most frequent characters without an id:";
  for (const auto& [ch, n] : f.top_unknown) std::cout << " " << ch << " " << n;
  std::cout << "\n";
}

}  // namespace

void print(const CorpusFacts& facts, const CoverageTable& coverage, const Baselines& baselines,
           const Trained& model, const Sweep& sweep, const SampleSet& samples,
           const NeighbourSet& neighbours, const SongciFacts& songci, const Data& d,
           const Config& c) {
  print_corpus(facts, d);
  print_vocabulary(coverage, c);
  print_baselines(baselines, d);
  print_model(model, baselines, c);
  print_sweep(sweep, c);
  print_samples(samples);
  print_neighbours(neighbours, d);
  print_songci(songci, d);
}

void write_samples(const std::string& path, const SampleSet& samples) {
  std::ostringstream s;
  for (const TemperatureSamples& t : samples) {
    s << "== temperature " << t.temperature << (t.temperature == 0 ? " (greedy)" : "") << " ==\n";
    for (const std::string& poem : t.poems) s << poem << "\n\n";
  }
  course::write_file_atomic(path, s.str());
}

namespace {

void plot_corpus(const CorpusFacts& f, const Data& d, const course::CommonOptions& common) {
  course::Series lengths{"poems", {}, {}, "impulses", {}};
  for (const auto& [length, n] : f.lengths) {
    lengths.x.push_back(double(length));
    lengths.y.push_back(double(n));
  }
  course::PlotOptions o{
      "Characters per poem (punctuation included): peaks at 4 and 8 lines of 5 or 7",
      "characters in the poem", "poems"};
  std::ostringstream peaks;  // name the four regulated shapes at their lengths
  for (const auto& [length, name] : std::vector<std::pair<std::size_t, std::string>>{
           {24, "5 x 4"}, {32, "7 x 4"}, {48, "5 x 8"}, {64, "7 x 8"}})
    for (const auto& [l, n] : f.lengths)
      if (l == length)
        peaks << "set label '" << name << "' at " << l << "," << n << " offset 1,0.6\n";
  o.extra = "set xrange [0:200]\nset xtics 12\n" + peaks.str();
  course::line_plot(common.out("poem_lengths.png"), o, {lengths});

  course::Series forms{"poems", {}, {}, "boxes", {}};
  std::string tics;
  for (std::size_t k = 0; k < f.forms.size(); ++k) {
    forms.x.push_back(double(k + 1));
    forms.y.push_back(double(f.forms[k].second));
    tics += (k ? ", " : "") + std::string("'") + f.forms[k].first + "' " + std::to_string(k + 1);
  }
  course::PlotOptions fo{"Forms of the Tang poems: line length x number of lines", "", "poems"};
  fo.extra = "set style fill solid 0.6\nset boxwidth 0.7\nset xtics (" + tics +
             ") rotate by -30\n"
             "set xrange [0.4:" +
             std::to_string(f.forms.size() + 0.6) + "]\nset yrange [0:*]";
  course::line_plot(common.out("forms.png"), fo, {forms});

  course::Series zipf{"characters", {}, {}, "lines", {}};
  for (std::size_t k = 0; k < f.frequency_by_rank.size(); ++k) {
    zipf.x.push_back(double(k + 1));
    zipf.y.push_back(f.frequency_by_rank[k]);
  }
  course::PlotOptions zo{
      "Character frequency by rank (Zipf): a few characters are most of the text", "rank",
      "occurrences"};
  zo.logx = zo.logy = true;
  std::ostringstream labels;
  for (const auto& [rank, ch] : f.milestones)  // the character at ranks 1, 2, 3, 10, 100 ...
    labels << "set label '" << ch << "' at " << rank << "," << f.frequency_by_rank[rank - 1] * 2.2
           << " center font '" << kCjk << ",13'\n";
  const double V = double(d.vocabulary.size());
  labels << "set arrow from " << V << ", graph 0 to " << V << ", graph 1 nohead dt 2\n"
         << "set label 'vocabulary cut: V = " << grouped(V) << "' at " << V
         << ", graph 0.9 right offset -0.5,0\n";
  zo.extra = labels.str();
  course::line_plot(common.out("char_frequency.png"), zo, {zipf});
}

/// A horizontal line across [x0, x1] at y, for a baseline.
course::Series level(const std::string& title, double x0, double x1, double y) {
  return course::Series{title, {x0, x1}, {y, y}, "lines", {}};
}

void plot_training(const Trained& t, const Baselines& b, const course::CommonOptions& common) {
  course::Series validation{"neural model, validation", {}, {}, "linespoints", {}};
  course::Series training{
      "neural model, training (since the previous point)", {}, {}, "linespoints", {}};
  for (const CurvePoint& p : t.curve) {
    validation.x.push_back(p.tokens / 1e6);
    validation.y.push_back(p.validation_perplexity);
    training.x.push_back(p.tokens / 1e6);
    training.y.push_back(p.train_perplexity);
  }
  const double x1 = t.curve.back().tokens / 1e6;
  course::PlotOptions o{"Perplexity while training (validation poems)",
                        "training predictions (millions)", "perplexity"};
  o.logy = true;
  o.height = 500;
  course::line_plot(common.out("training_curve.png"), o,
                    {validation, training, level("bigram add-0.1", 0, x1, b.bigram()),
                     level("bigram interpolated", 0, x1, b.interpolated),
                     level("unigram add-1", 0, x1, b.unigram)});
}

void plot_sweep(const Sweep& s, const Baselines& b, const Trained& t, const Config& c,
                const course::CommonOptions& common) {
  if (s.by_context.empty()) return;
  course::Series by_n{
      "neural model, d = " + std::to_string(c.d) + ", " + std::to_string(c.sweep_steps) + " steps",
      {},
      {},
      "linespoints",
      {}};
  for (const SweepPoint& p : s.by_context) {
    by_n.x.push_back(double(p.n));
    by_n.y.push_back(p.validation);
  }
  const course::Series main_model{"the main model, " + std::to_string(c.steps) + " steps",
                                  {double(c.n)},
                                  {t.validation},
                                  "points",
                                  {}};
  const double n1 = double(std::max(s.by_context.back().n, c.n)) + 0.5;
  course::PlotOptions o{"Validation perplexity against context length", "n, characters of context",
                        "perplexity"};
  o.extra = "set yrange [0:*]";
  course::line_plot(common.out("perplexity_vs_context.png"), o,
                    {by_n, main_model, level("bigram add-0.1", 0.5, n1, b.bigram()),
                     level("bigram interpolated", 0.5, n1, b.interpolated)});
  course::Series by_d{"neural model, n = " + std::to_string(c.n), {}, {}, "linespoints", {}};
  for (const SweepPoint& p : s.by_embedding) {
    by_d.x.push_back(double(p.d));
    by_d.y.push_back(p.validation);
  }
  const double d0 = double(s.by_embedding.front().d) / 1.5,
               d1 = double(s.by_embedding.back().d) * 1.5;
  course::PlotOptions od{"Validation perplexity against embedding size (" +
                             std::to_string(c.sweep_steps) + " steps each)",
                         "d, embedding size", "perplexity"};
  od.logx = true;
  od.extra = "set yrange [0:*]";
  course::line_plot(common.out("perplexity_vs_embedding.png"), od,
                    {by_d, level("bigram add-0.1", d0, d1, b.bigram()),
                     level("bigram interpolated", d0, d1, b.interpolated)});
}

void plot_neighbours(const NeighbourSet& set, const Data& d, const course::CommonOptions& common) {
  if (set.rows.empty() || set.plane.n_cols == 0) return;
  std::vector<std::string> names;
  for (const NeighbourRow& r : set.rows)
    names.push_back(d.vocabulary.symbol(r.query) + " and its neighbours");
  std::ostringstream labels, table;
  table << "query,rank,neighbour,cosine,x,y\n";
  for (std::size_t k = 0, r = 0; r < set.rows.size(); ++r)
    for (std::size_t j = 0; j <= set.rows[r].neighbours.size(); ++j, ++k) {
      const bool query = j == 0;
      labels << "set label '" << d.vocabulary.symbol(set.points[k]) << "' at " << set.plane(0, k)
             << "," << set.plane(1, k) << " offset 0.6,0.4 font '" << kCjk << ","
             << (query ? 16 : 11) << "'" << (query ? " tc rgb 'black'" : "") << "\n";
      table << d.vocabulary.symbol(set.rows[r].query) << "," << j << ","
            << d.vocabulary.symbol(set.points[k]) << ","
            << (query ? 1.0 : set.rows[r].neighbours[j - 1].cosine) << "," << set.plane(0, k) << ","
            << set.plane(1, k) << "\n";
    }
  course::PlotOptions o{
      "Nearest neighbours in embedding space (cosine), on the first two principal components",
      "component 1", "component 2"};
  o.width = 820;
  o.height = 620;
  o.extra = labels.str() + "set key outside right top vertical font '" + kCjk + ",10'";
  course::scatter_classes(common.out("neighbours.png"), o, set.plane, set.group, names);
  course::write_file_atomic(common.out("neighbours_table.csv"), table.str());
}

}  // namespace

void plot(const CorpusFacts& facts, const Baselines& baselines, const Trained& model,
          const Sweep& sweep, const NeighbourSet& neighbours, const Data& d, const Config& c,
          const course::CommonOptions& common) {
  plot_corpus(facts, d, common);
  plot_training(model, baselines, common);
  plot_sweep(sweep, baselines, model, c, common);
  plot_neighbours(neighbours, d, common);
}

namespace {

nlohmann::json corpus_fields(const CorpusFacts& f, const Data& d) {
  nlohmann::json forms;
  for (const auto& [name, n] : f.forms) forms[name] = n;
  return {{"files", f.files},
          {"poems", f.poems},
          {"textless", f.textless},
          {"raw_characters", f.raw_characters},
          {"raw_distinct", f.raw_distinct},
          {"characters", f.characters},
          {"distinct", f.distinct},
          {"punctuation", f.punctuation},
          {"median_length", f.median_length},
          {"forms", forms},
          {"split",
           {{"train", d.split.train.size()},
            {"validation", d.validation_poems_all},
            {"test", d.split.test.size()},
            {"measured_validation", d.validation.size()},
            {"measured_test", d.test.size()}}}};
}

nlohmann::json baseline_fields(const Baselines& b) {
  return {{"unigram_add1", b.unigram},
          {"bigram_add_k", b.bigram_add_k},
          {"interpolated", b.interpolated},
          {"lambda", b.best_lambda},
          {"issue_setting",
           {{"V", b.issue_vocabulary},
            {"unigram_add1", b.issue_unigram},
            {"bigram_add0.1", b.issue_bigram}}}};
}

nlohmann::json model_fields(const Trained& t) {
  nlohmann::json curve = nlohmann::json::array();
  for (const CurvePoint& p : t.curve)
    curve.push_back({{"steps", p.steps},
                     {"train_perplexity", p.train_perplexity},
                     {"validation_perplexity", p.validation_perplexity}});
  return {{"describe", t.model.describe()},
          {"params", t.model.n_params()},
          {"curve", curve},
          {"validation_perplexity", t.validation},
          {"test_perplexity", t.test}};
}

nlohmann::json sweep_fields(const Sweep& s) {
  nlohmann::json lines;
  for (const auto& [name, points] : {std::make_pair("by_context", &s.by_context),
                                     std::make_pair("by_embedding", &s.by_embedding)}) {
    lines[name] = nlohmann::json::array();
    for (const SweepPoint& p : *points)
      lines[name].push_back(
          {{"n", p.n}, {"d", p.d}, {"params", p.params}, {"validation_perplexity", p.validation}});
  }
  return lines;
}

nlohmann::json sample_fields(const SampleSet& samples) {
  nlohmann::json temps = nlohmann::json::array();
  for (const TemperatureSamples& x : samples)
    temps.push_back({{"temperature", x.temperature},
                     {"even_lines", x.even_lines},
                     {"regular", x.regular},
                     {"copied_lines", x.copied_lines},
                     {"mean_length", x.mean_length},
                     {"distinct", x.distinct},
                     {"poems", x.poems}});
  return temps;
}

nlohmann::json neighbour_fields(const NeighbourSet& neighbours, const Data& d) {
  nlohmann::json nn = nlohmann::json::object();
  for (const NeighbourRow& r : neighbours.rows) {
    nlohmann::json row = nlohmann::json::array();
    for (const lm::Neighbour& nb : r.neighbours)
      row.push_back({d.vocabulary.symbol(nb.id), nb.cosine});
    nn[d.vocabulary.symbol(r.query)] = row;
  }
  return nn;
}

nlohmann::json songci_fields(const SongciFacts& songci) {
  if (songci.poems == 0) return nullptr;
  return {{"poems", songci.poems},       {"characters", songci.characters},
          {"distinct", songci.distinct}, {"coverage", songci.coverage},
          {"forms", songci.forms},       {"top_unknown", songci.top_unknown}};
}

}  // namespace

nlohmann::json summary(const CorpusFacts& f, const CoverageTable& coverage, const Baselines& b,
                       const Trained& t, const Sweep& s, const SampleSet& samples,
                       const NeighbourSet& neighbours, const SongciFacts& songci, const Data& d,
                       const Config& c) {
  nlohmann::json vocab = nlohmann::json::array();
  for (const CoverageRow& r : coverage)
    vocab.push_back({{"min_count", r.min_count}, {"V", r.size}, {"coverage", r.coverage}});
  return {{"headline", "validation perplexity " + course::fixed(t.validation, 1) + " (bigram " +
                           course::fixed(b.bigram(), 1) + ", unigram " +
                           course::fixed(b.unigram, 1) + "); test " + course::fixed(t.test, 1)},
          {"config",
           {{"min_count", c.min_count},
            {"n", c.n},
            {"d", c.d},
            {"h", c.h},
            {"batch_size", c.batch_size},
            {"eta", c.eta},
            {"steps", c.steps},
            {"sweep_steps", c.sweep_steps},
            {"eval_poems", c.eval_poems},
            {"prompt", c.prompt}}},
          {"corpus", corpus_fields(f, d)},
          {"vocabulary", {{"V", d.vocabulary.size()}, {"by_min_count", vocab}}},
          {"baselines", baseline_fields(b)},
          {"model", model_fields(t)},
          {"sweep", sweep_fields(s)},
          {"samples", sample_fields(samples)},
          {"neighbours", neighbour_fields(neighbours, d)},
          {"songci", songci_fields(songci)},
          {"timing_seconds",
           {{"training", t.seconds}, {"predictions_per_second", t.tokens_per_second}}}};
}

}  // namespace ch15
