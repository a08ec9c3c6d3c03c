# Chapter 16: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch16_transformer_test)
# The executable with bad flags and bad checkpoints: one line on stderr, the documented exit code.
# None needs the fetched corpus (a checkpoint is read before the poems; the run on chapter 15's
# 21 fixture poems exercises every step in seconds).
set(ch16_out ${CMAKE_BINARY_DIR}/test_output/ch16_bad)
set(ch16_poems ${PROJECT_SOURCE_DIR}/tests/fixtures/ch15_poems)
course_expect_error(16 transformer NAME heads_not_dividing_d CODE 2
  REGEX "^ch16_transformer: error: --heads 5 must divide --d-model 48 \\(see --help\\)$"
  ARGS --heads 5 --d-model 48 --no-plots --out ${ch16_out})
course_expect_error(16 transformer NAME warmup_not_below_steps CODE 2
  REGEX "^ch16_transformer: error: --warmup 20 must be below --steps 20 \\(see --help\\)$"
  ARGS --warmup 20 --steps 20 --no-plots --out ${ch16_out})
course_expect_error(16 transformer NAME zero_heads CODE 2
  REGEX "^ch16_transformer: error: --heads: .* \\(see --help\\)$" ARGS --heads 0)
course_expect_error(16 transformer NAME zero_eta CODE 2
  REGEX "^ch16_transformer: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(16 transformer NAME missing_checkpoint CODE 1
  REGEX "^ch16_transformer: error: .*/nowhere\\.safetensors: .*$"
  ARGS --from-checkpoint ${CMAKE_BINARY_DIR}/nowhere.safetensors --no-plots --out ${ch16_out})
course_expect_error(16 transformer NAME not_a_gpt_checkpoint CODE 1
  REGEX "^ch16_transformer: error: .*/mnist04_mlp\\.safetensors: metadata \"format\" is \"pt\", expected \"gpt2\"$"
  ARGS --from-checkpoint ${PROJECT_SOURCE_DIR}/chapters/11_pretraining/pretrained/mnist04_mlp.safetensors
  --no-plots --out ${ch16_out})
course_expect_error(16 transformer NAME truncated_checkpoint CODE 1
  REGEX "^ch16_transformer: error: .*/ch16_truncated\\.safetensors: .*$"
  ARGS --from-checkpoint ${PROJECT_SOURCE_DIR}/tests/fixtures/ch16_bad/ch16_truncated.safetensors
  --no-plots --out ${ch16_out})
add_test(NAME ch16_transformer.help COMMAND ch16_transformer --help)
set_tests_properties(ch16_transformer.help PROPERTIES LABELS ch16 PASS_REGULAR_EXPRESSION "--top-k")
add_test(NAME ch16_transformer.run_on_fixture_poems COMMAND ch16_transformer --data ${ch16_poems}
  --min-count 1 --d-model 16 --layers 1 --heads 2 --context 32 --batch-size 4 --steps 10
  --warmup 2 --evaluations 2 --samples 1 --max-chars 20 --prompt 山 --eval-poems 0 --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch16_fixture)
set_tests_properties(ch16_transformer.run_on_fixture_poems PROPERTIES LABELS ch16
  PASS_REGULAR_EXPRESSION "validation perplexity [0-9.]+ \\(chapter 15's model: 201.7\\)")
# The shipped checkpoint (chapter 17's start) is the file its .sha256 names, and the executable
# measures and samples it (--from-checkpoint) on the fixture poems, with the checkpoint's own
# vocabulary (5,061 ids).
add_test(NAME ch16_transformer.shipped_sha256 COMMAND sha256sum --check tang_gpt.safetensors.sha256
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/chapters/16_transformer/pretrained)
set_tests_properties(ch16_transformer.shipped_sha256 PROPERTIES LABELS ch16)
add_test(NAME ch16_transformer.from_shipped_checkpoint COMMAND ch16_transformer --data ${ch16_poems}
  --from-checkpoint ${PROJECT_SOURCE_DIR}/chapters/16_transformer/pretrained/tang_gpt.safetensors
  --eval-poems 0 --samples 1 --max-chars 30 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch16_shipped)
set_tests_properties(ch16_transformer.from_shipped_checkpoint PROPERTIES LABELS ch16
  PASS_REGULAR_EXPRESSION "loaded from chapters/16_transformer/pretrained/tang_gpt\\.safetensors \\(no training\\)")
