/// \file
/// \brief Chapter 15: the poem corpus. Reads the JSON files of the npm package chinese-poetry
/// (the Tang poems `poet.tang.*.json`, the Song ci `ci.song.*.json`), removes the editors'
/// notes from each poem's text, and splits the poems into training, validation and test sets.
///
/// A file is a JSON array of poems; a poem is an object whose `"paragraphs"` is an array of
/// strings (its lines, punctuation included) with optional `"title"` (Song ci: `"rhythmic"`,
/// the tune) and `"author"`. Bad input is one line naming the file, the poem and what was
/// expected: a missing, empty, truncated or malformed file, a poem that is not an object,
/// `"paragraphs"` that is not an array of strings, invalid UTF-8, a control character. A poem
/// whose lines are empty is skipped and listed (the Tang files hold four: titles of lost poems);
/// a file in which no poem has text is an error.
/// Omits: the authors' files, the tone patterns (`strains/`), the package's other collections,
/// and any conversion between traditional and simplified script.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/random.hpp"

namespace lm {

/// One poem as read from the corpus.
struct Poem {
  std::string title;    ///< "title" (Song ci: "rhythmic", the tune's name); may be empty
  std::string author;   ///< "author"; may be empty
  std::u32string raw;   ///< the lines as stored, joined (what the issue's counts count)
  std::u32string text;  ///< `raw` without the editors' notes (clean_text): what the models read
};

/// The poems of one collection, and what was skipped on the way.
struct Corpus {
  std::vector<Poem> poems;         ///< file order, then order within each file
  std::vector<std::string> files;  ///< the files read, in order
  std::vector<std::string>
      textless;  ///< "file: poem k (title)" of every poem skipped for having no text
};

// [clean_text]
/// \brief A poem's text without the editors' apparatus: notes in full-width parentheses
/// `（一作…）` are removed (innermost first, so nested notes go too; an unclosed `（` stays), and
/// the brackets `[ ] ［ ］ 〖 〗` that mark characters supplied by an editor are dropped while
/// the characters inside them are kept. Everything else (`，。？！`, `□` for a lost character)
/// stays as it is.
std::u32string clean_text(const std::u32string& raw);
// [clean_text]

/// \brief Parse one file's JSON text into poems (the parser behind read_poems; the fuzz target
/// calls it). \param path names the file in messages
/// \param textless receives "path: poem k (title)" for each poem skipped for having no text
std::vector<Poem> parse_poems(const std::string& json_text, const std::string& path,
                              std::vector<std::string>* textless = nullptr);

/// \brief Read and parse one JSON file of poems (see parse_poems).
std::vector<Poem> read_poems(const std::string& path, std::vector<std::string>* textless = nullptr);

/// \brief Read a whole collection from the dataset registry: "tang" or "songci".
///
/// Reads, in the registry's order, each of the collection's files present in the folder
/// (`data_dir`, else the registry's folder). In the registry's own folder every file must be
/// there; another folder (a test fixture, a subset) may hold only some. No file at all is an
/// Error naming the folder and `./course setup`.
Corpus load_corpus(const std::string& name, const std::string& data_dir = "");

// [split]
/// Indices of poems in the training, validation and test sets (each in ascending order).
struct PoemSplit {
  std::vector<std::size_t> train;       ///< the models learn from these
  std::vector<std::size_t> validation;  ///< model choices and the lesson's perplexities
  std::vector<std::size_t> test;        ///< touched once, for the final model
};

/// \brief The seed of the split: fixed, apart from the run's `--seed`, so that every run and
/// every chapter (15-17) evaluates on the same poems.
constexpr std::uint64_t kSplitSeed = 2003;

/// \brief Split poems (not characters) at random: a permutation of 0..n-1 from `rng`; its first
/// round(validation_fraction n) are validation, the next round(test_fraction n) test, the rest
/// training. Whole poems stay together, so no validation line was seen in training.
PoemSplit split_poems(std::size_t n_poems, double validation_fraction, double test_fraction,
                      course::Rng& rng);
// [split]

/// \brief `count` elements of a list, evenly spaced over all of it (0, or more than there are:
/// all of them): how chapters 15-17 pick the poems they measure.
template <class Item>
std::vector<Item> evenly_spaced(const std::vector<Item>& items, std::size_t count) {
  if (count == 0 || count >= items.size()) return items;
  std::vector<Item> kept(count);
  for (std::size_t k = 0; k < count; ++k) kept[k] = items[k * items.size() / count];
  return kept;
}

}  // namespace lm
