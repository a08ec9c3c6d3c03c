# Chapter 01's executable with bad input: one line on stderr, the documented exit code.
course_expect_error(01 perceptron NAME unknown_flag CODE 2
  REGEX "^ch01_perceptron: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(01 perceptron NAME negative_eta CODE 2
  REGEX "^ch01_perceptron: error: --eta: must be a number > 0, found -0.5 \\(see --help\\)$"
  ARGS --eta -0.5)
course_expect_error(01 perceptron NAME zero_epochs CODE 2
  REGEX "^ch01_perceptron: error: --epochs: .* \\(see --help\\)$"
  ARGS --epochs 0)
course_expect_error(01 perceptron NAME malformed_csv CODE 1
  REGEX "^ch01_perceptron: error: .*fixtures/malformed_iris/iris.csv:3: expected 5 fields, found 3$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/malformed_iris --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch01_bad)
course_expect_error(01 perceptron NAME missing_data CODE 1
  REGEX "^ch01_perceptron: error: .*/no_such_dir/iris.csv: file not found"
  ARGS --data ${CMAKE_BINARY_DIR}/no_such_dir --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch01_bad)
add_test(NAME ch01_perceptron.help COMMAND ch01_perceptron --help)
set_tests_properties(ch01_perceptron.help PROPERTIES LABELS ch01 PASS_REGULAR_EXPRESSION "--eta")
add_test(NAME ch01_perceptron.run COMMAND ch01_perceptron --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch01_perceptron)
set_tests_properties(ch01_perceptron.run PROPERTIES LABELS ch01 PASS_REGULAR_EXPRESSION "converged after")
