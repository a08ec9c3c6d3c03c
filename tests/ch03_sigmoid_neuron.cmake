# Chapter 03's executable with bad input: one line on stderr, the documented exit code.
course_expect_error(03 sigmoid_neuron NAME unknown_flag CODE 2
  REGEX "^ch03_sigmoid_neuron: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(03 sigmoid_neuron NAME zero_eta CODE 2
  REGEX "^ch03_sigmoid_neuron: error: --eta: must be a number > 0, found 0 \\(see --help\\)$"
  ARGS --eta 0)
course_expect_error(03 sigmoid_neuron NAME test_fraction_out_of_range CODE 2
  REGEX "^ch03_sigmoid_neuron: error: --test-fraction: .* \\(see --help\\)$"
  ARGS --test-fraction 1.5)
course_expect_error(03 sigmoid_neuron NAME zero_epochs CODE 2
  REGEX "^ch03_sigmoid_neuron: error: --epochs: .* \\(see --help\\)$"
  ARGS --epochs 0)
course_expect_error(03 sigmoid_neuron NAME malformed_csv CODE 1
  REGEX "^ch03_sigmoid_neuron: error: .*fixtures/malformed_iris/iris.csv:3: expected 5 fields, found 3$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/malformed_iris --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch03_bad)
course_expect_error(03 sigmoid_neuron NAME missing_data CODE 1
  REGEX "^ch03_sigmoid_neuron: error: .*/no_such_dir/iris.csv: file not found"
  ARGS --data ${CMAKE_BINARY_DIR}/no_such_dir --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch03_bad)
add_test(NAME ch03_sigmoid_neuron.help COMMAND ch03_sigmoid_neuron --help)
set_tests_properties(ch03_sigmoid_neuron.help PROPERTIES LABELS ch03 PASS_REGULAR_EXPRESSION "--saturation")
add_test(NAME ch03_sigmoid_neuron.run COMMAND ch03_sigmoid_neuron --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch03_sigmoid_neuron)
set_tests_properties(ch03_sigmoid_neuron.run PROPERTIES LABELS ch03 PASS_REGULAR_EXPRESSION "test accuracy 0\\.9[3-9][0-9] \\([0-9]+/[0-9]+\\)")
