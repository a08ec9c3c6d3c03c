# Chapter 17: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch17_lm_fine_tuning_test)
# The executable on fixtures (chapter 15's Tang poems, 60 ci) with the shipped checkpoint: every
# experiment in seconds; and with bad flags and files: one line on stderr, the documented code.
set(ch17_poems ${PROJECT_SOURCE_DIR}/tests/fixtures/ch15_poems)
set(ch17_ci ${PROJECT_SOURCE_DIR}/tests/fixtures/ch17_songci)
set(ch17_out ${CMAKE_BINARY_DIR}/test_output/ch17_bad)
add_test(NAME ch17_lm_fine_tuning.run_on_fixtures COMMAND ch17_lm_fine_tuning --data ${ch17_poems}
  --songci-data ${ch17_ci} --train-ci 0 --eval-ci 0 --eval-poems 0 --steps 10 --batch-size 2
  --ranks 2,8 --seeds 2 --samples 2 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch17_fixture)
set_tests_properties(ch17_lm_fine_tuning.run_on_fixtures PROPERTIES LABELS ch17
  PASS_REGULAR_EXPRESSION "LoRA all linear r 8, merged into its layers: ci validation [0-9.]+ \\(with the adapters: [0-9.]+\\)")
course_expect_error(17 lm_fine_tuning NAME rank_above_d CODE 2
  REGEX "^ch17_lm_fine_tuning: error: --ranks: rank 100 is above d_model = 64 of .*tang_gpt\\.safetensors \\(LoRA needs r <= min\\(n_in, n_out\\) of every adapted layer\\) \\(see --help\\)$"
  ARGS --data ${ch17_poems} --songci-data ${ch17_ci} --ranks 100 --steps 10 --no-plots --out ${ch17_out})
course_expect_error(17 lm_fine_tuning NAME too_few_steps CODE 2
  REGEX "^ch17_lm_fine_tuning: error: --steps: .* \\(see --help\\)$" ARGS --steps 5)
course_expect_error(17 lm_fine_tuning NAME missing_base CODE 1
  REGEX "^ch17_lm_fine_tuning: error: .*/nowhere\\.safetensors: .*$"
  ARGS --base ${CMAKE_BINARY_DIR}/nowhere.safetensors --no-plots --out ${ch17_out})
course_expect_error(17 lm_fine_tuning NAME base_not_a_gpt CODE 1
  REGEX "^ch17_lm_fine_tuning: error: .*/mnist04_mlp\\.safetensors: metadata \"format\" is \"pt\", expected \"gpt2\"$"
  ARGS --base ${PROJECT_SOURCE_DIR}/chapters/11_pretraining/pretrained/mnist04_mlp.safetensors
  --no-plots --out ${ch17_out})
course_expect_error(17 lm_fine_tuning NAME no_ci_there CODE 1
  REGEX "^ch17_lm_fine_tuning: error: .*ch15_poems: no ci\\.song\\.0\\.json \\.\\.\\. .*$"
  ARGS --data ${ch17_poems} --songci-data ${ch17_poems} --no-plots --out ${ch17_out})
# --replot redraws the lesson's figures from the committed --full summary, without training.
add_test(NAME ch17_lm_fine_tuning.replot_full_summary COMMAND ch17_lm_fine_tuning
  --replot ${PROJECT_SOURCE_DIR}/chapters/17_lm_fine_tuning/figures/summary_full.json
  --out ${CMAKE_BINARY_DIR}/test_output/ch17_replot)
set_tests_properties(ch17_lm_fine_tuning.replot_full_summary PROPERTIES LABELS ch17
  PASS_REGULAR_EXPRESSION "wrote .*ch17_replot/summary.json, the plots")
course_expect_error(17 lm_fine_tuning NAME replot_not_a_summary CODE 1
  REGEX "^ch17_lm_fine_tuning: error: .*16_transformer/figures/summary_full.json: no .methods. object .not a chapter 17 summary.json.$"
  ARGS --replot ${PROJECT_SOURCE_DIR}/chapters/16_transformer/figures/summary_full.json --no-plots --out ${ch17_out})
