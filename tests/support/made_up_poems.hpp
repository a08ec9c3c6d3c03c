/// \file
/// \brief Made-up "Tang poems" for the answers of chapters 15 and 16: a small language whose
/// rules are known, so that a model trained on it for a second can be measured against them.
///
/// 48 real characters in 12 classes of 4 that stand in for each other (seasons 春秋夏冬,
/// directions 東西南北, ...). A poem has 4 lines, all of 5 or all of 7 characters (a coin flip),
/// each closed by `，` or `。` in turn. The first line of each couplet walks the classes: the
/// first character's class is any of the 12, each next one follows the previous class in one of
/// two ways (class c is followed by c + 1 or c + 5, mod 12). The second line is parallel to the
/// first (對仗): at every place it takes a character of the class at the same place one line
/// back. Within a class every character is equally likely. So:
///   - the position in the line is known only from the last mark (5 or 7 characters back, 6 or
///     8 with the mark), and the parallel character sits one line and its mark back;
///   - characters of one class occur in the same contexts, and nothing else is alike.
/// made_up_corpus() reads 1,200 of them as chapters 15 and 16 read the Tang poems.
/// What it leaves out on purpose: Zipf's law (every character is as frequent as its classmates),
/// tones, rhyme, meaning, and poems of 8 lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/vocabulary.hpp"
#include "common/random.hpp"

/// The 12 classes of the made-up language, 4 characters each.
inline const std::vector<std::u32string>& made_up_classes() {
  static const std::vector<std::u32string> classes = {
      U"春秋夏冬", U"東西南北", U"一三千萬", U"山江湖林", U"紅白青黃", U"風雨雪雲",
      U"來去歸望", U"人君客僧", U"鳥馬龍雁", U"花草柳松", U"日月年夜", U"城門樓家"};
  return classes;
}

/// \brief `count` made-up poems (see the file's comment), drawn with `rng`.
inline std::vector<std::u32string> made_up_poems(std::size_t count, course::Rng& rng) {
  const auto& classes = made_up_classes();
  const std::size_t K = classes.size();
  auto member = [&](std::size_t c) { return classes[c][course::uniform_index(rng, 4)]; };
  std::vector<std::u32string> poems;
  for (std::size_t p = 0; p < count; ++p) {
    const std::size_t L = course::uniform_index(rng, 2) ? 7 : 5;  // characters per line
    std::u32string poem;
    for (int couplet = 0; couplet < 2; ++couplet) {
      std::vector<std::size_t> walk{course::uniform_index(rng, K)};  // the classes of line 1
      while (walk.size() < L)
        walk.push_back((walk.back() + (course::uniform_index(rng, 2) ? 1 : 5)) % K);
      for (std::size_t c : walk) poem += member(c);
      poem += U'，';
      for (std::size_t c : walk) poem += member(c);  // line 2: parallel to line 1
      poem += U'。';
    }
    poems.push_back(poem);
  }
  return poems;
}

/// The made-up poems as a corpus, split and encoded.
struct MadeUpCorpus {
  std::vector<lm::Poem> poems;                 ///< 1,200 poems (seed 1)
  std::vector<std::size_t> train, validation;  ///< the first 1,000, the last 200
  std::unique_ptr<lm::Vocabulary> vocabulary;  ///< min-count 1: V = 52 (48 characters, `，` `。`,
                                               ///< `<s>`, `<unk>`)
  std::vector<std::vector<lm::Token>> train_ids, validation_ids;  ///< each split encoded
};

/// \brief 1,000 training and 200 validation made-up poems, read as chapters 15 and 16 read the
/// corpus: every character seen in training gets an id. Made once.
inline const MadeUpCorpus& made_up_corpus() {
  static const MadeUpCorpus corpus = [] {
    MadeUpCorpus c;
    course::Rng rng(1);
    for (const std::u32string& text : made_up_poems(1200, rng))
      c.poems.push_back({"", "", text, text});
    for (std::size_t k = 0; k < c.poems.size(); ++k)
      (k < 1000 ? c.train : c.validation).push_back(k);
    c.vocabulary = std::make_unique<lm::Vocabulary>(lm::count_characters(c.poems, c.train), 1);
    c.train_ids = lm::encode_poems(*c.vocabulary, c.poems, c.train);
    c.validation_ids = lm::encode_poems(*c.vocabulary, c.poems, c.validation);
    return c;
  }();
  return corpus;
}
