# Chapter 13: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch13_lora_test)
# The executable with bad flags and bad files: one line on stderr, the documented exit code.
# Runs that need MNIST say so in their names.
set(ch13_out ${CMAKE_BINARY_DIR}/test_output/ch13_bad)
course_expect_error(13 lora NAME unknown_flag CODE 2
  REGEX "^ch13_lora: error: The following argument was not expected: --rank \\(see --help\\)$"
  ARGS --rank)
course_expect_error(13 lora NAME zero_alpha CODE 2
  REGEX "^ch13_lora: error: --alpha: must be a number > 0, found 0 \\(see --help\\)$" ARGS --alpha 0)
course_expect_error(13 lora NAME zero_rank CODE 2
  REGEX "^ch13_lora: error: --ranks: .* \\(see --help\\)$" ARGS --ranks 1,0)
course_expect_error(13 lora NAME negative_eta CODE 2
  REGEX "^ch13_lora: error: --eta-lora: must be a number > 0, found -0.01 \\(see --help\\)$" ARGS --eta-lora -0.01)
course_expect_error(13 lora NAME adapter_rank_not_run CODE 2
  REGEX "^ch13_lora: error: --adapter-rank: 3 is not one of --ranks \\(see --help\\)$"
  ARGS --adapter-rank 3 --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME missing_data CODE 1
  REGEX "^ch13_lora: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME missing_adapter CODE 1
  REGEX "^ch13_lora: error: .*/nowhere.safetensors: file not found$"
  ARGS --load-adapter ${CMAKE_BINARY_DIR}/nowhere.safetensors --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME adapter_for_another_base CODE 1
  REGEX "^ch13_lora: error: .*/adapter_other_base.safetensors: trained on a base checkpoint with SHA-256 0+ \\(some_other_base.safetensors\\), but .*/mnist04_mlp.safetensors has SHA-256 cb60731dc7a01d98b650df3a4f3782c473f99779e18464c3e4138ec220d1dd37$"
  ARGS --load-adapter ${PROJECT_SOURCE_DIR}/tests/fixtures/ch13_lora/adapter_other_base.safetensors
       --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME adapter_is_not_safetensors CODE 1
  REGEX "^ch13_lora: error: .*/CMakeLists.txt: header length [0-9]+ does not fit in the file .*$"
  ARGS --load-adapter ${PROJECT_SOURCE_DIR}/CMakeLists.txt --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME base_is_a_device_needs_mnist CODE 1
  REGEX "^ch13_lora: error: /dev/zero: is not a regular file \\(a device or a pipe\\?\\), expected a safetensors checkpoint$"
  ARGS --base /dev/zero --k 1 --seeds 1 --ranks 8 --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME adapter_is_a_device CODE 1
  REGEX "^ch13_lora: error: /dev/zero: is not a regular file \\(a device or a pipe\\?\\), expected a safetensors checkpoint$"
  ARGS --load-adapter /dev/zero --no-plots --out ${ch13_out})
course_expect_error(13 lora NAME adapter_too_large CODE 1
  REGEX "^ch13_lora: error: .*/oversized.safetensors: 314572800 bytes, more than the 268435456 expected of a safetensors checkpoint$"
  ARGS --load-adapter ${CMAKE_BINARY_DIR}/test_output/oversized.safetensors --no-plots --out ${ch13_out})
# The oversized file is made by chapter 11's setup test (a sparse file: no disk space).
if(TEST ch11_pretraining.make_oversized_checkpoint)
  set_tests_properties(ch13_lora.error.adapter_too_large PROPERTIES
    FIXTURES_REQUIRED oversized_checkpoint)
endif()
add_test(NAME ch13_lora.help COMMAND ch13_lora --help)
set_tests_properties(ch13_lora.help PROPERTIES LABELS ch13 PASS_REGULAR_EXPRESSION "--adapter-rank")
# The quick run, then its adapter loaded back by a second invocation (a CTest fixture orders them).
add_test(NAME ch13_lora.run_needs_mnist COMMAND ch13_lora --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch13_lora)
set_tests_properties(ch13_lora.run_needs_mnist PROPERTIES LABELS ch13 FIXTURES_SETUP ch13_adapter
  PASS_REGULAR_EXPRESSION "reloaded onto the base: logits bit-identical: yes")
add_test(NAME ch13_lora.load_adapter_needs_mnist COMMAND ch13_lora --no-plots
  --load-adapter ${CMAKE_BINARY_DIR}/test_output/ch13_lora/adapter_r8.safetensors
  --out ${CMAKE_BINARY_DIR}/test_output/ch13_load)
set_tests_properties(ch13_lora.load_adapter_needs_mnist PROPERTIES LABELS ch13 FIXTURES_REQUIRED ch13_adapter
  PASS_REGULAR_EXPRESSION "Test accuracy on digits 5-9: [0-9]+ / 4861 = 9[0-9]\\.[0-9][0-9]%")
