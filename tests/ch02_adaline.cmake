# Chapter 02's executable with bad input: one line on stderr, the documented exit code.
course_expect_error(02 adaline NAME unknown_flag CODE 2
  REGEX "^ch02_adaline: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(02 adaline NAME negative_sgd_eta CODE 2
  REGEX "^ch02_adaline: error: --sgd-eta: must be a number > 0, found -0.5 \\(see --help\\)$"
  ARGS --sgd-eta -0.5)
course_expect_error(02 adaline NAME zero_steps CODE 2
  REGEX "^ch02_adaline: error: --steps: .* \\(see --help\\)$"
  ARGS --steps 0)
course_expect_error(02 adaline NAME sweep_of_one CODE 2
  REGEX "^ch02_adaline: error: --sweep: .* \\(see --help\\)$"
  ARGS --sweep 1)
course_expect_error(02 adaline NAME malformed_csv CODE 1
  REGEX "^ch02_adaline: error: .*fixtures/malformed_iris/iris.csv:3: expected 5 fields, found 3$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/malformed_iris --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch02_bad)
course_expect_error(02 adaline NAME missing_data CODE 1
  REGEX "^ch02_adaline: error: .*/no_such_dir/iris.csv: file not found"
  ARGS --data ${CMAKE_BINARY_DIR}/no_such_dir --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch02_bad)
add_test(NAME ch02_adaline.help COMMAND ch02_adaline --help)
set_tests_properties(ch02_adaline.help PROPERTIES LABELS ch02 PASS_REGULAR_EXPRESSION "--sgd-eta")
add_test(NAME ch02_adaline.run COMMAND ch02_adaline --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch02_adaline)
set_tests_properties(ch02_adaline.run PROPERTIES LABELS ch02
  PASS_REGULAR_EXPRESSION "exactly where all \\|1 - eta lambda_i\\| < 1: yes")
