// lesson_tool: keeps the lessons true to the code and to the runs.
//
// A lesson (chapters/NN_slug/README.md, and the pages in docs/) shows code as ordinary fenced
// blocks, so that it reads completely on a code host; each block that stands for compiled code
// is announced by a marker naming its source:
//
//     <!-- snippet chapters/06_mlp/dense.hpp dense_forward -->
//     ```cpp
//     ... the lines between the two "// [dense_forward]" markers of dense.hpp, dedented ...
//     ```
//
// A number that comes from a run is followed by a marker naming where it comes from: the
// committed summary of the chapter's quick run (figures/summary_quick.json) or full run
// (figures/summary_full.json), and the path of the value in it:
//
//     98.12%<!-- full: mnist.test_accuracy -->      0.22 s<!-- full: timing_seconds.median_epoch
//     --> (pages outside a chapter name it: <!-- full 07: mnist.test_accuracy -->)
//
// An exercise's answer may quote a run made with other flags: a name after the run kind,
// <!-- full heads1: gpt.val_perplexity -->, reads figures/exercises/heads1.json, the summary of
// the run that figures/exercises/commands.txt lists as "heads1 FLAGS..." (`./course figures NN
// --exercises` makes them all); the summary must say it is of that kind ("full": true or false).
//
// The number must equal the value rounded to the digits shown (with a '%' sign, the value may
// be a fraction: 0.98123 shows as 98.12%). A program's printed output in a lesson follows
// "<!-- output quick -->" (or full): its lines must appear, in order, in the output of that
// run, committed as figures/output_quick.txt (or output_full.txt); "..." lines abridge.
//
//   lesson_tool check ROOT [FILES...]  report every stale listing and every number that
//                                       disagrees with its summary; exit 1 if there is any
//   lesson_tool sync ROOT [FILES...]   rewrite the listings from the sources (and turn a
//                                       Doxygen "\snippet FILE TAG" line into marker + block)
//
// Without FILES it reads every chapters/*/README*.md, chapters/*/*.md and docs/*.md under ROOT.
//
// The Chinese edition: a page X.md may have a twin X.zh-CN.md beside it. `check` also keeps the
// two editions in step: the same headings, level by level, in the same order (the sections);
// the same listings (snippet markers, in order); the same figures (image paths, in order); the
// same run-derived numbers (each number marker with the number shown before it, in order); the
// same program output blocks; and each page links to its twin ([中文](X.zh-CN.md) and
// [English](X.md)). Prose and captions are free. A page without a twin is allowed and listed
// ("not yet translated: ..."), so how far the translation has got is visible.
// What it leaves out on purpose: it does not run anything; the summaries are made by
// `./course figures NN`.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

/// The lines between the two "// [tag]" markers of a source file, with the common indentation
/// removed (Doxygen's \snippet takes the same lines).
std::vector<std::string> snippet(const fs::path& root, const std::string& file,
                                 const std::string& tag, std::string& error) {
  const fs::path path = root / file;
  if (!fs::exists(path)) {
    error = "names " + file + ", which does not exist";
    return {};
  }
  const std::vector<std::string> lines = split_lines(read_text(path));
  const std::regex marker("^\\s*//\\s*\\[" + tag + "\\]\\s*$");
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (std::regex_match(lines[i], marker)) at.push_back(i);
  if (at.size() != 2) {
    error = file + " has " + std::to_string(at.size()) + " markers // [" + tag + "], expected 2";
    return {};
  }
  std::vector<std::string> out(lines.begin() + at[0] + 1, lines.begin() + at[1]);
  std::size_t indent = std::string::npos;
  for (const auto& l : out)
    if (l.find_first_not_of(' ') != std::string::npos)
      indent = std::min(indent, l.find_first_not_of(' '));
  for (auto& l : out) l = l.size() > indent ? l.substr(indent) : "";
  return out;
}

/// One problem found in a lesson: "file:line: what".
struct Problems {
  std::vector<std::string> list;
  void add(const fs::path& file, std::size_t line, const std::string& what) {
    list.push_back(file.string() + ":" + std::to_string(line) + ": " + what);
  }
};

const std::regex kSnippetMarker("^<!-- snippet (\\S+) (\\S+) -->\\s*$");
const std::regex kDoxygenSnippet("^\\\\snippet (\\S+) (\\S+)\\s*$");

/// Check (or, with `write`, rewrite) the listings of one lesson.
void listings(const fs::path& root, const fs::path& file, bool write, Problems& problems) {
  const std::vector<std::string> lines = split_lines(read_text(file));
  std::vector<std::string> out;
  std::smatch m;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool doxygen = std::regex_match(lines[i], m, kDoxygenSnippet);
    if (!doxygen && !std::regex_match(lines[i], m, kSnippetMarker)) {
      out.push_back(lines[i]);
      continue;
    }
    const std::string src = m[1], tag = m[2];
    if (doxygen && !write)
      problems.add(file, i + 1,
                   "a \\snippet line shows nothing on a code host (run: ./course lessons sync)");
    std::string error;
    const std::vector<std::string> code = snippet(root, src, tag, error);
    if (!error.empty()) problems.add(file, i + 1, "listing " + tag + ": " + error);
    // The block that follows the marker: ```lang ... ```
    std::size_t end = i;
    std::vector<std::string> shown;
    if (!doxygen) {
      if (i + 1 >= lines.size() || lines[i + 1].rfind("```", 0) != 0) {
        problems.add(file, i + 1, "listing " + tag + ": the marker is not followed by a ``` block");
        out.push_back(lines[i]);
        continue;
      }
      end = i + 2;
      while (end < lines.size() && lines[end].rfind("```", 0) != 0) shown.push_back(lines[end++]);
      if (end == lines.size()) problems.add(file, i + 1, "listing " + tag + ": unclosed ``` block");
    }
    if (!write && !doxygen && error.empty() && shown != code)
      problems.add(file, i + 1,
                   "listing " + tag + " differs from " + src + " (run: ./course lessons sync)");
    out.push_back("<!-- snippet " + src + " " + tag + " -->");
    out.push_back("```cpp");
    for (const auto& l : (error.empty() ? code : shown)) out.push_back(l);
    out.push_back("```");
    i = end;
  }
  if (write) {
    std::string text;
    for (const auto& l : out) text += l + "\n";
    if (text != read_text(file)) {
      std::ofstream(file, std::ios::binary) << text;
      std::cout << "lesson_tool: rewrote the listings of " << file.string() << "\n";
    }
  }
}

/// The value at a path like "mnist.per_seed[2].accuracy" in a JSON document.
const nlohmann::json* at_path(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* j = &doc;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || !j->is_array()) return nullptr;
      const std::size_t k = std::stoul(path.substr(i + 1, close - i - 1));
      if (k >= j->size()) return nullptr;
      j = &(*j)[k];
      i = close + 1;
    } else {
      const std::size_t stop = path.find_first_of(".[", i);
      const std::string key = path.substr(i, stop == std::string::npos ? stop : stop - i);
      if (!j->is_object() || !j->contains(key)) return nullptr;
      j = &(*j)[key];
      i = stop == std::string::npos ? path.size() : stop;
    }
  }
  return j;
}

/// Does the number as shown ("98.12", "1.1e-10", "16,995") equal the value, rounded to the
/// digits it shows?
bool shows(const std::string& shown, double value) {
  std::string s;
  for (char ch : shown)
    if (ch != ',') s += ch;
  const double x = std::strtod(s.c_str(), nullptr);
  const std::size_t e = s.find_first_of("eE");
  const std::string mantissa = s.substr(0, e);
  const std::size_t dot = mantissa.find('.');
  const int decimals = dot == std::string::npos ? 0 : int(mantissa.size() - dot - 1);
  double half_step = 0.5 * std::pow(10.0, -decimals);
  if (e != std::string::npos) half_step *= std::pow(10.0, std::atoi(s.c_str() + e + 1));
  return std::abs(x - value) <= half_step * (1 + 1e-9) + 1e-300;
}

const std::regex kNumberMarker(
    "(-?\\d[\\d,]*(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)([^\\d<]{0,12})<!-- (quick|full)"
    "(?: (\\d\\d))?(?: ([a-z][a-z0-9_]*))?: ([^ ]+) -->");
const std::regex kOutputMarker("^<!-- output (quick|full) -->\\s*$");

/// The text with Unicode minus signs (U+2212) written as '-'.
std::string ascii_minus(std::string s) {
  for (std::size_t k; (k = s.find("\xe2\x88\x92")) != std::string::npos;) s.replace(k, 3, "-");
  return s;
}

/// The folder of chapter NN under root ("" if none).
fs::path chapter_dir(const fs::path& root, const std::string& nn) {
  for (const auto& d : fs::directory_iterator(root / "chapters"))
    if (d.is_directory() && d.path().filename().string().rfind(nn + "_", 0) == 0) return d.path();
  return {};
}

/// A program output shown in a lesson (a ``` block after "<!-- output quick -->") must be an
/// excerpt of the committed output of that run: its lines, in order ("..." lines skipped).
void output_block(const fs::path& file, const std::vector<std::string>& lines, std::size_t at,
                  const std::string& run, Problems& problems) {
  const fs::path saved = file.parent_path() / "figures" / ("output_" + run + ".txt");
  if (at + 1 >= lines.size() || lines[at + 1].rfind("```", 0) != 0) {
    problems.add(file, at + 1, "the output marker is not followed by a ``` block");
    return;
  }
  if (!fs::exists(saved)) {
    problems.add(file, at + 1, saved.string() + " does not exist (./course figures)");
    return;
  }
  const std::vector<std::string> run_lines = split_lines(read_text(saved));
  std::size_t k = 0;
  for (std::size_t i = at + 2; i < lines.size() && lines[i].rfind("```", 0) != 0; ++i) {
    const std::string& l = lines[i];
    if (l.find_first_not_of(" .") == std::string::npos) continue;  // "..." or blank: abridged
    while (k < run_lines.size() && run_lines[k] != l) ++k;
    if (k == run_lines.size()) {
      problems.add(file, i + 1,
                   "this output line is not in " + saved.string() + " (in order): " + l);
      return;
    }
    ++k;
  }
}

/// A named run's summary (figures/exercises/NAME.json) must be listed with its flags in
/// figures/exercises/commands.txt, so that it can be made again, and be of the kind the marker
/// says (quick or full).
bool named_run_checks(const fs::path& json, const nlohmann::json& doc, const std::string& name,
                      const std::string& run, const std::string& shown, const fs::path& file,
                      std::size_t line, Problems& problems) {
  const fs::path commands = json.parent_path() / "commands.txt";
  bool listed = false;
  if (fs::exists(commands))
    for (const std::string& l : split_lines(read_text(commands)))
      listed = listed || l.rfind(name + " ", 0) == 0;
  if (!listed) {
    problems.add(
        file, line,
        shown + ": run " + name + " is not listed in " + commands.string() + " (NAME FLAGS...)");
    return false;
  }
  const nlohmann::json* full = at_path(doc, "full");
  if (!full || !full->is_boolean() || full->get<bool>() != (run == "full")) {
    problems.add(file, line,
                 shown + ": " + json.string() + " is not the summary of a " + run + " run");
    return false;
  }
  return true;
}

void numbers(const fs::path& root, const fs::path& file, Problems& problems) {
  std::vector<std::string> lines = split_lines(read_text(file));
  for (auto& l : lines) l = ascii_minus(l);
  const std::string own = file.parent_path().filename().string().substr(0, 2);
  bool in_code = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch out;
    if (!in_code && std::regex_match(lines[i], out, kOutputMarker))
      output_block(file, lines, i, out[1], problems);
    if (lines[i].rfind("```", 0) == 0) in_code = !in_code;
    if (in_code) continue;
    const std::regex marker_only("<!-- (quick|full)[ :]");
    const auto n_markers =
        std::distance(std::sregex_iterator(lines[i].begin(), lines[i].end(), marker_only), {});
    std::size_t n_checked = 0;
    for (auto it = std::sregex_iterator(lines[i].begin(), lines[i].end(), kNumberMarker);
         it != std::sregex_iterator(); ++it, ++n_checked) {
      const std::smatch& m = *it;
      const std::string shown = m[1], unit = m[2], run = m[3], nn = m[4], named = m[5], path = m[6];
      const fs::path dir = nn.empty() ? file.parent_path() : chapter_dir(root, nn);
      const fs::path json = named.empty() ? dir / "figures" / ("summary_" + run + ".json")
                                          : dir / "figures" / "exercises" / (named + ".json");
      if (nn.empty() && !fs::exists(dir / "main.cpp")) {
        problems.add(file, i + 1,
                     shown + ": a page outside a chapter must name it (<!-- " + run + " NN: ...)");
        continue;
      }
      if (!fs::exists(json)) {
        problems.add(file, i + 1,
                     shown + ": " + json.string() + " does not exist (./course figures " +
                         (nn.empty() ? own : nn) + ")");
        continue;
      }
      const nlohmann::json doc = nlohmann::json::parse(read_text(json));
      if (!named.empty() && !named_run_checks(json, doc, named, run, shown, file, i + 1, problems))
        continue;
      const nlohmann::json* v = at_path(doc, path);
      if (!v || !v->is_number()) {
        problems.add(file, i + 1, shown + ": " + path + " is not a number in " + json.string());
        continue;
      }
      const double value = v->get<double>();
      const std::string plain = shown;
      const bool ok =
          shows(plain, value) || (unit.find('%') != std::string::npos && shows(plain, 100 * value));
      if (!ok) {
        std::ostringstream s;
        s.precision(10);
        s << "the lesson says " << shown << unit << " but " << json.filename().string() << " "
          << path << " is " << value;
        problems.add(file, i + 1, s.str());
      }
    }
    if (std::size_t(n_markers) != n_checked)
      problems.add(file, i + 1, "a quick/full marker that does not follow a number");
  }
}

/// One thing both editions must show alike, where it stands in its page.
struct Mark {
  std::string key;   // what must be equal: "level 2", "chapters/06_mlp/dense.hpp dense_forward",
                     // "figures/x.png", "0.062 <!-- full: loss[1] -->", an output block's lines
  std::string what;  // how a report names it
  std::size_t line;
};

/// What a page must share with its twin, kind by kind.
struct Skeleton {
  std::vector<Mark> sections, listings, figures, numbers, outputs;
};

Skeleton skeleton(const fs::path& file) {
  std::vector<std::string> lines = split_lines(read_text(file));
  for (auto& l : lines) l = ascii_minus(l);
  const std::regex heading("^(#{1,6})\\s");
  const std::regex image("!\\[[^\\]]*\\]\\(([^)\\s]+)");
  Skeleton k;
  bool in_code = false;
  std::smatch m;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!in_code && std::regex_match(l, m, kOutputMarker)) {
      std::string block = m[1].str() + ":";
      std::size_t n = 0;
      for (std::size_t j = i + 2; j < lines.size() && lines[j].rfind("```", 0) != 0; ++j, ++n)
        block += "\n" + lines[j];
      k.outputs.push_back(
          {block, "a " + m[1].str() + " run's output of " + std::to_string(n) + " lines", i + 1});
    }
    if (l.rfind("```", 0) == 0) in_code = !in_code;
    if (in_code) continue;
    if (std::regex_search(l, m, heading)) {  // sections match by level, not by their words,
      std::string level = "level " + std::to_string(m[1].length());
      std::smatch label;  // and by their page label: the books' links need the same file names
      const std::regex page_label("\\{#(\\w+)\\}\\s*$");
      if (std::regex_search(l, label, page_label)) level += " labelled " + label[1].str();
      k.sections.push_back({level, "a " + level + " heading (" + l + ")", i + 1});
    }
    if (std::regex_match(l, m, kSnippetMarker)) {
      const std::string listing = m[1].str() + " " + m[2].str();
      k.listings.push_back({listing, "listing " + listing, i + 1});
    }
    for (auto it = std::sregex_iterator(l.begin(), l.end(), image); it != std::sregex_iterator();
         ++it)
      k.figures.push_back({(*it)[1].str(), (*it)[1].str(), i + 1});
    for (auto it = std::sregex_iterator(l.begin(), l.end(), kNumberMarker);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& n = *it;
      const std::string number =
          n[1].str() + "<!-- " + n[3].str() + (n[4].length() ? " " + n[4].str() : "") +
          (n[5].length() ? " " + n[5].str() : "") + ": " + n[6].str() + " -->";
      k.numbers.push_back({number, number, i + 1});
    }
  }
  return k;
}

/// The first place where the twin's marks of one kind differ from the English page's.
void same_marks(const fs::path& en, const fs::path& zh, const std::string& kind,
                const std::vector<Mark>& a, const std::vector<Mark>& b, Problems& problems) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size() && i < b.size() && a[i].key == b[i].key) continue;
    const std::string where = en.filename().string() + ":";
    if (i >= b.size())
      problems.add(zh, b.empty() ? 1 : b.back().line,
                   "the editions differ: " + kind + " " + std::to_string(i + 1) +
                       " is missing here; " + where + std::to_string(a[i].line) + " has " +
                       a[i].what);
    else if (i >= a.size())
      problems.add(zh, b[i].line,
                   "the editions differ: " + kind + " " + std::to_string(i + 1) + " is " +
                       b[i].what + ", which " + en.filename().string() + " does not have");
    else
      problems.add(zh, b[i].line,
                   "the editions differ: " + kind + " " + std::to_string(i + 1) + " is " +
                       b[i].what + " but " + where + std::to_string(a[i].line) + " has " +
                       a[i].what);
    return;
  }
}

/// The Chinese twin zh of the English page en shows the same skeleton, and each links to the other.
void editions_in_step(const fs::path& en, const fs::path& zh, Problems& problems) {
  const Skeleton a = skeleton(en), b = skeleton(zh);
  same_marks(en, zh, "section", a.sections, b.sections, problems);
  same_marks(en, zh, "listing", a.listings, b.listings, problems);
  same_marks(en, zh, "figure", a.figures, b.figures, problems);
  same_marks(en, zh, "number", a.numbers, b.numbers, problems);
  same_marks(en, zh, "output block", a.outputs, b.outputs, problems);
  if (read_text(en).find("](" + zh.filename().string() + ")") == std::string::npos)
    problems.add(en, 1, "no link to its Chinese edition ([中文](" + zh.filename().string() + "))");
  if (read_text(zh).find("](" + en.filename().string() + ")") == std::string::npos)
    problems.add(zh, 1,
                 "no link to its English edition ([English](" + en.filename().string() + "))");
}

bool is_chinese(const fs::path& p) {
  const std::string s = p.filename().string();
  return s.size() > 9 && s.compare(s.size() - 9, 9, ".zh-CN.md") == 0;
}

/// X.md <-> X.zh-CN.md
fs::path twin_of(const fs::path& p) {
  const std::string s = p.filename().string();
  return p.parent_path() / (is_chinese(p) ? s.substr(0, s.size() - 9) + ".md"
                                          : s.substr(0, s.size() - 3) + ".zh-CN.md");
}

std::vector<fs::path> lessons(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& d : fs::directory_iterator(root / "chapters")) {
    if (!d.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(d.path()))
      if (f.path().extension() == ".md") files.push_back(f.path());
  }
  for (const auto& f : fs::directory_iterator(root / "docs"))
    if (f.path().extension() == ".md") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || (std::string(argv[1]) != "check" && std::string(argv[1]) != "sync")) {
    std::cerr << "usage: lesson_tool check|sync ROOT [FILES...]\n";
    return 2;
  }
  try {
    const bool write = std::string(argv[1]) == "sync";
    const fs::path root = argv[2];
    std::vector<fs::path> files;
    for (int i = 3; i < argc; ++i) files.emplace_back(argv[i]);
    if (files.empty()) files = lessons(root);
    Problems problems;
    std::vector<std::string> untranslated;
    std::size_t twins = 0;
    for (const auto& f : files) {
      listings(root, f, write, problems);
      numbers(root, f, problems);
      if (write) continue;
      const fs::path other = twin_of(f);
      const bool listed = std::find(files.begin(), files.end(), other) != files.end();
      if (!fs::exists(other)) {
        if (is_chinese(f))
          problems.add(f, 1, "a Chinese page without its English page " + other.string());
        else if (read_text(f).find("](" + other.filename().string() + ")") != std::string::npos)
          problems.add(f, 1,
                       "links to its Chinese edition, which does not exist: " + other.string());
        else
          untranslated.push_back(fs::relative(f, root).string());
      } else if (!is_chinese(f) || !listed) {  // each pair once
        editions_in_step(is_chinese(f) ? other : f, is_chinese(f) ? f : other, problems);
        ++twins;
      }
    }
    for (const auto& p : problems.list) std::cerr << "lesson_tool: " << p << "\n";
    if (!untranslated.empty()) {
      std::cout << "lesson_tool: not yet translated (" << untranslated.size() << "):";
      for (const auto& u : untranslated) std::cout << " " << u;
      std::cout << "\n";
    }
    if (!problems.list.empty()) return 1;
    std::cout << "lesson_tool: " << files.size() << " pages: every listing equals its source and"
              << " every run-derived number its summary";
    if (!write) std::cout << "; " << twins << " pages and their Chinese editions in step";
    std::cout << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lesson_tool: error: " << e.what() << "\n";
    return 1;
  }
}
