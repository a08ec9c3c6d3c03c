# Chapter 10's executable with bad input: one line on stderr, the documented exit code.
course_expect_error(10 architecture NAME unknown_flag CODE 2
  REGEX "^ch10_architecture: error: The following argument was not expected: --widht \\(see --help\\)$"
  ARGS --widht)
course_expect_error(10 architecture NAME zero_eta CODE 2
  REGEX "^ch10_architecture: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(10 architecture NAME one_fold CODE 2
  REGEX "^ch10_architecture: error: --folds: .* \\(see --help\\)$" ARGS --folds 1)
# Comma lists are CLI11's (chapter.list): each item is converted and range-checked.
course_expect_error(10 architecture NAME bad_widths CODE 2
  REGEX "^ch10_architecture: error: --widths: Value x not in range 1 to 100000 \\(see --help\\)$"
  ARGS --widths 16,x,64 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch10_bad)
course_expect_error(10 architecture NAME depth_out_of_range CODE 2
  REGEX "^ch10_architecture: error: --depths: Value 11 not in range 1 to 10 \\(see --help\\)$"
  ARGS --depths 1,11 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch10_bad)
course_expect_error(10 architecture NAME eta_range_reversed CODE 2
  REGEX "^ch10_architecture: error: --eta-min must not exceed --eta-max \\(see --help\\)$"
  ARGS --eta-min 0.1 --eta-max 0.01 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch10_bad)
course_expect_error(10 architecture NAME malformed_iris CODE 1
  REGEX "^ch10_architecture: error: .*fixtures/malformed_iris/iris.csv:3: expected 5 fields, found 3$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/malformed_iris --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch10_bad)
course_expect_error(10 architecture NAME missing_data CODE 1
  REGEX "^ch10_architecture: error: .*/nowhere/iris.csv: file not found"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch10_bad)
add_test(NAME ch10_architecture.help COMMAND ch10_architecture --help)
set_tests_properties(ch10_architecture.help PROPERTIES LABELS ch10 PASS_REGULAR_EXPRESSION "--trial-train-size")
add_test(NAME ch10_architecture.run_needs_mnist COMMAND ch10_architecture --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch10_architecture)
set_tests_properties(ch10_architecture.run_needs_mnist PROPERTIES LABELS ch10
  PASS_REGULAR_EXPRESSION "validation [0-9.]+%, test [0-9.]+% \\(the test set used once\\)")
