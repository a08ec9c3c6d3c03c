# Chapter 12's executable with bad flags and bad checkpoints: one line on stderr, the documented
# exit code. Runs that need MNIST say so in their names.
set(ch12_fixtures ${PROJECT_SOURCE_DIR}/tests/fixtures/ch11_safetensors)
set(ch12_out ${CMAKE_BINARY_DIR}/test_output/ch12_bad)
course_expect_error(12 fine_tuning NAME unknown_flag CODE 2
  REGEX "^ch12_fine_tuning: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(12 fine_tuning NAME zero_eta CODE 2
  REGEX "^ch12_fine_tuning: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(12 fine_tuning NAME zero_k CODE 2
  REGEX "^ch12_fine_tuning: error: --k: .* \\(see --help\\)$" ARGS --k 10,0)
course_expect_error(12 fine_tuning NAME zero_seeds CODE 2
  REGEX "^ch12_fine_tuning: error: --seeds: .* \\(see --help\\)$" ARGS --seeds 0)
course_expect_error(12 fine_tuning NAME layer_factor_below_one CODE 2
  REGEX "^ch12_fine_tuning: error: --layer-factor: .* \\(see --help\\)$" ARGS --layer-factor 0.5)
course_expect_error(12 fine_tuning NAME unknown_activation CODE 2
  REGEX "^ch12_fine_tuning: error: --activation: .* \\(see --help\\)$" ARGS --activation Softplus)
course_expect_error(12 fine_tuning NAME missing_checkpoint CODE 1
  REGEX "^ch12_fine_tuning: error: .*/nowhere.safetensors: file not found$"
  ARGS --pretrained ${CMAKE_BINARY_DIR}/nowhere.safetensors --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME truncated_checkpoint CODE 1
  REGEX "^ch12_fine_tuning: error: .*/truncated.safetensors: tensor '2.weight': data_offsets \\[72, 104\\] reach past the end of the file .*$"
  ARGS --pretrained ${ch12_fixtures}/truncated.safetensors --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME checkpoint_is_a_device CODE 1
  REGEX "^ch12_fine_tuning: error: /dev/zero: is not a regular file \\(a device or a pipe\\?\\), expected a safetensors checkpoint$"
  ARGS --pretrained /dev/zero --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME checkpoint_too_large CODE 1
  REGEX "^ch12_fine_tuning: error: .*/oversized.safetensors: 314572800 bytes, more than the 268435456 expected of a safetensors checkpoint$"
  ARGS --pretrained ${CMAKE_BINARY_DIR}/test_output/oversized.safetensors --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME checkpoint_with_3_inputs CODE 1
  REGEX "^ch12_fine_tuning: error: .*/tiny_torch_mlp.safetensors: the network takes 3 inputs; MNIST images have 784 pixels$"
  ARGS --pretrained ${ch12_fixtures}/tiny_torch_mlp.safetensors --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME missing_data CODE 1
  REGEX "^ch12_fine_tuning: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${ch12_out})
course_expect_error(12 fine_tuning NAME missing_fashion_needs_mnist CODE 1
  REGEX "^ch12_fine_tuning: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'fashion'.*\\)$"
  ARGS --fashion-data ${CMAKE_BINARY_DIR}/nowhere --k 1 --min-steps 1 --min-epochs 1 --no-plots --out ${ch12_out})
add_test(NAME ch12_fine_tuning.help COMMAND ch12_fine_tuning --help)
set_tests_properties(ch12_fine_tuning.help PROPERTIES LABELS ch12 PASS_REGULAR_EXPRESSION "--pretrained")
add_test(NAME ch12_fine_tuning.run_needs_mnist COMMAND ch12_fine_tuning --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch12_fine_tuning)
set_tests_properties(ch12_fine_tuning.run_needs_mnist PROPERTIES LABELS ch12
  PASS_REGULAR_EXPRESSION "digits 5-9, k = 100: fine-tune 9[1-9]\\.[0-9][0-9]% vs scratch")
# The oversized file is made by chapter 11's setup test (a sparse file: no disk space).
if(TEST ch11_pretraining.make_oversized_checkpoint)
  set_tests_properties(ch12_fine_tuning.error.checkpoint_too_large PROPERTIES
    FIXTURES_REQUIRED oversized_checkpoint)
endif()
