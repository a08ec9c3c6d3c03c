# Chapter 11's executable with bad flags and bad checkpoints: one line on stderr, the documented
# exit code. Runs that need MNIST say so in their names.
set(ch11_fixtures ${PROJECT_SOURCE_DIR}/tests/fixtures/ch11_safetensors)
set(ch11_out ${CMAKE_BINARY_DIR}/test_output/ch11_bad)
course_expect_error(11 pretraining NAME unknown_flag CODE 2
  REGEX "^ch11_pretraining: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(11 pretraining NAME zero_eta CODE 2
  REGEX "^ch11_pretraining: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(11 pretraining NAME zero_hidden CODE 2
  REGEX "^ch11_pretraining: error: --hidden: .* \\(see --help\\)$" ARGS --hidden 128,0)
course_expect_error(11 pretraining NAME zero_epochs CODE 2
  REGEX "^ch11_pretraining: error: --epochs: .* \\(see --help\\)$" ARGS --epochs 0)
course_expect_error(11 pretraining NAME missing_data CODE 1
  REGEX "^ch11_pretraining: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${ch11_out})
course_expect_error(11 pretraining NAME missing_checkpoint CODE 1
  REGEX "^ch11_pretraining: error: .*/nowhere.safetensors: file not found$"
  ARGS --load ${CMAKE_BINARY_DIR}/nowhere.safetensors --no-plots --out ${ch11_out})
course_expect_error(11 pretraining NAME truncated_checkpoint CODE 1
  REGEX "^ch11_pretraining: error: .*/truncated.safetensors: tensor '2.weight': data_offsets \\[72, 104\\] reach past the end of the file \\(its data section has 84 bytes; truncated\\?\\)$"
  ARGS --load ${ch11_fixtures}/truncated.safetensors --no-plots --out ${ch11_out})
course_expect_error(11 pretraining NAME checkpoint_without_layers CODE 1
  REGEX "^ch11_pretraining: error: .*/tiny_torch_mlp.safetensors: no \"layers\" entry in __metadata__, .*$"
  ARGS --load ${ch11_fixtures}/tiny_torch_mlp.safetensors --no-plots --out ${ch11_out})
add_test(NAME ch11_pretraining.help COMMAND ch11_pretraining --help)
set_tests_properties(ch11_pretraining.help PROPERTIES LABELS ch11 PASS_REGULAR_EXPRESSION "--save")
add_test(NAME ch11_pretraining.run_needs_mnist COMMAND ch11_pretraining --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch11_pretraining)
set_tests_properties(ch11_pretraining.run_needs_mnist PROPERTIES LABELS ch11
  PASS_REGULAR_EXPRESSION "5139 / 5139 predictions identical, logits bit-identical: yes")
add_test(NAME ch11_pretraining.load_shipped_needs_mnist COMMAND ch11_pretraining --no-plots
  --load ${PROJECT_SOURCE_DIR}/chapters/11_pretraining/pretrained/mnist04_mlp.safetensors
  --out ${CMAKE_BINARY_DIR}/test_output/ch11_load)
set_tests_properties(ch11_pretraining.load_shipped_needs_mnist PROPERTIES LABELS ch11
  PASS_REGULAR_EXPRESSION "Test accuracy on digits 0-4: 5[0-9][0-9][0-9] / 5139 = 99\\.[0-9][0-9]%")
# The shipped checkpoint is the file its README's SHA-256 names.
add_test(NAME ch11_pretraining.shipped_sha256 COMMAND sha256sum --check mnist04_mlp.safetensors.sha256
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/chapters/11_pretraining/pretrained)
set_tests_properties(ch11_pretraining.shipped_sha256 PROPERTIES LABELS ch11)
# Special and oversized files are refused with one line naming the file (/dev/zero used to end in
# std::bad_alloc); the oversized file is sparse (no disk space), made by a setup test.
course_expect_error(11 pretraining NAME checkpoint_is_a_device CODE 1
  REGEX "^ch11_pretraining: error: /dev/zero: is not a regular file \\(a device or a pipe\\?\\), expected a safetensors checkpoint$"
  ARGS --load /dev/zero --no-plots --out ${ch11_out})
add_test(NAME ch11_pretraining.make_oversized_checkpoint
  COMMAND sh -c "mkdir -p test_output && truncate -s 300M test_output/oversized.safetensors"
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(ch11_pretraining.make_oversized_checkpoint PROPERTIES LABELS ch11
  FIXTURES_SETUP oversized_checkpoint)
course_expect_error(11 pretraining NAME checkpoint_too_large CODE 1
  REGEX "^ch11_pretraining: error: .*/oversized.safetensors: 314572800 bytes, more than the 268435456 expected of a safetensors checkpoint$"
  ARGS --load ${CMAKE_BINARY_DIR}/test_output/oversized.safetensors --no-plots --out ${ch11_out})
set_tests_properties(ch11_pretraining.error.checkpoint_too_large PROPERTIES
  FIXTURES_REQUIRED oversized_checkpoint)
