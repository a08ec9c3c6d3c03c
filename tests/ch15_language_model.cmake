# Chapter 15: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch15_language_model_test)
# The executable with bad flags and bad corpora: one line on stderr, the documented exit code.
# None needs the fetched corpus: bad input comes from tests/fixtures/ch15_*, and the run on the
# shipped fixture poems (21 real Tang poems) exercises every step in a second.
set(ch15_out ${CMAKE_BINARY_DIR}/test_output/ch15_bad)
set(ch15_poems ${PROJECT_SOURCE_DIR}/tests/fixtures/ch15_poems)
course_expect_error(15 language_model NAME unknown_flag CODE 2
  REGEX "^ch15_language_model: error: The following argument was not expected: --contex \\(see --help\\)$"
  ARGS --contex)
course_expect_error(15 language_model NAME zero_context CODE 2
  REGEX "^ch15_language_model: error: --context: .* \\(see --help\\)$" ARGS --context 0)
course_expect_error(15 language_model NAME zero_min_count CODE 2
  REGEX "^ch15_language_model: error: --min-count: .* \\(see --help\\)$" ARGS --min-count 0)
course_expect_error(15 language_model NAME embedding_of_one CODE 2
  REGEX "^ch15_language_model: error: --embedding: .* \\(see --help\\)$" ARGS --embedding 1)
course_expect_error(15 language_model NAME zero_eta CODE 2
  REGEX "^ch15_language_model: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(15 language_model NAME negative_temperature CODE 2
  REGEX "^ch15_language_model: error: --temperatures: .* \\(see --help\\)$" ARGS --temperatures 0.8,-1)
course_expect_error(15 language_model NAME bad_sweep_context CODE 2
  REGEX "^ch15_language_model: error: --contexts: .* \\(see --help\\)$" ARGS --contexts 1,0)
course_expect_error(15 language_model NAME missing_data CODE 1
  REGEX "^ch15_language_model: error: .*/nowhere: no poet\\.tang\\.0\\.json \\.\\.\\. poet\\.tang\\.57000\\.json files \\(dataset 'tang'; fix: check --data .*/nowhere\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${ch15_out})
course_expect_error(15 language_model NAME truncated_corpus CODE 1
  REGEX "^ch15_language_model: error: .*/ch15_truncated/poet\\.tang\\.0\\.json: malformed JSON \\(truncated file\\?\\): parse error at line [0-9]+, column [0-9]+: .*$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/ch15_truncated --no-plots --out ${ch15_out})
course_expect_error(15 language_model NAME prompt_outside_the_vocabulary CODE 1
  REGEX "^ch15_language_model: error: --prompt: character '龘' \\(U\\+9F98\\) at position 1 is not in the vocabulary \\(the [0-9]+ characters seen at least 1 times in the training poems\\)$"
  ARGS --data ${ch15_poems} --min-count 1 --prompt 山龘 --no-plots --out ${ch15_out})
add_test(NAME ch15_language_model.help COMMAND ch15_language_model --help)
set_tests_properties(ch15_language_model.help PROPERTIES LABELS ch15 PASS_REGULAR_EXPRESSION "--temperatures")
add_test(NAME ch15_language_model.run_on_fixture_poems COMMAND ch15_language_model --data ${ch15_poems}
  --min-count 1 --batch-size 16 --steps 20 --evaluations 2 --sweep-steps 5 --samples 2 --prompt 山
  --eval-poems 0 --out ${CMAKE_BINARY_DIR}/test_output/ch15_fixture)
set_tests_properties(ch15_language_model.run_on_fixture_poems PROPERTIES LABELS ch15
  PASS_REGULAR_EXPRESSION "validation perplexity [0-9.]+ \\(bigram add-0.1 [0-9.]+")
add_test(NAME ch15_language_model.songci_on_fixture_ci COMMAND ch15_language_model --data ${ch15_poems}
  --songci-data ${PROJECT_SOURCE_DIR}/tests/fixtures/ch15_songci --min-count 1 --batch-size 16
  --steps 2 --evaluations 1 --sweep-steps 0 --samples 1 --eval-poems 0 --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch15_songci)
set_tests_properties(ch15_language_model.songci_on_fixture_ci PROPERTIES LABELS ch15
  PASS_REGULAR_EXPRESSION "Song ci through the Tang vocabulary: 4 ci, 484 characters, [0-9]+ distinct; [0-9.]+% have an id")
