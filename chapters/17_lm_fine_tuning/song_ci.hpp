/// \file
/// \brief Chapter 17: the new domain, the Song ci (宋詞), made readable to chapter 16's model.
///
/// The npm package keeps the Tang poems in traditional script and the ci in simplified script,
/// so 風 and 风 would be two characters and a quarter of the ci's text would be `<unk>` to the
/// Tang vocabulary (chapter 15's exercise 5). The ci are converted to traditional script with
/// OpenCC (Debian's libopencc, its "s2t" table, the converter most Chinese NLP pipelines use),
/// split as chapter 15 splits poems (10% validation, 10% test, seed 2003), and encoded with the
/// checkpoint's vocabulary: the ids the pretrained model was trained on, whatever the ci hold.
/// Omits: new ids for characters the Tang vocabulary lacks (they stay `<unk>`; after conversion
/// 0.7% of the ci's characters), and corrections of OpenCC's few one-to-many mistakes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "chapters/15_language_model/corpus.hpp"
#include "chapters/15_language_model/vocabulary.hpp"

/// \brief Chapter 17's library: the new domain, the ways to adapt a pretrained GPT to it, and
/// the arithmetic of the same adaptations at the scale of real models.
namespace ft {

// [to_traditional]
/// \brief Simplified to traditional script with OpenCC's "s2t" configuration (phrases first,
/// then characters: 头发 -> 頭髮, but 发展 -> 發展). Not copyable: it owns an OpenCC handle.
class ToTraditional {
 public:
  /// \param config OpenCC's configuration file (a name in OpenCC's data folder, or a path);
  /// one it cannot open is a course::Error naming it and the Debian package.
  explicit ToTraditional(const std::string& config = "s2t.json");
  ~ToTraditional();
  ToTraditional(const ToTraditional&) = delete;
  ToTraditional& operator=(const ToTraditional&) = delete;

  /// \brief The text in traditional script (same characters where there is nothing to convert).
  std::u32string operator()(const std::u32string& text) const;

 private:
  void* handle_;  // OpenCC's opencc_t
};
// [to_traditional]

/// How much of a text the vocabulary has ids for.
struct Coverage {
  std::size_t characters = 0;  ///< characters counted (punctuation included)
  double with_id = 0;          ///< the share that has an id of its own (not `<unk>`)
  std::vector<std::pair<std::string, std::size_t>> top_missing;  ///< the 12 most frequent without
};

/// \brief The coverage of the poems' texts by `v`.
Coverage coverage(const std::vector<lm::Poem>& poems, const lm::Vocabulary& v);

/// The Song ci, converted, split and encoded.
struct Domain {
  std::size_t ci = 0;                ///< ci with text in the collection
  lm::Corpus corpus;                 ///< every ci, in traditional script
  lm::PoemSplit split;               ///< 10% validation, 10% test (seed 2003), the rest training
  Coverage simplified, traditional;  ///< the Tang vocabulary's coverage before / after OpenCC
  std::vector<std::vector<lm::Token>> train;       ///< `train_ci` of the training ci
  std::vector<std::vector<lm::Token>> validation;  ///< `eval_ci` of the validation ci
  std::vector<std::vector<lm::Token>> test;        ///< `eval_ci` of the test ci
  std::size_t train_characters = 0;                ///< characters in `train`
};

// [load_song_ci]
/// \brief Read the Song ci (the registry's "songci", or `data_dir`), convert them to traditional
/// script, split them, and encode `train_ci` training ci and `eval_ci` validation and test ci
/// (each evenly spaced over its part; 0: all) with the vocabulary `v`.
Domain load_song_ci(const std::string& data_dir, const lm::Vocabulary& v, std::size_t train_ci,
                    std::size_t eval_ci);
// [load_song_ci]

}  // namespace ft
