# Chapter 08: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch08_training_deeper_test)
# The executable with bad input: one line on stderr, the documented exit code.
course_expect_error(08 training_deeper NAME unknown_flag CODE 2
  REGEX "^ch08_training_deeper: error: The following argument was not expected: --adma \\(see --help\\)$"
  ARGS --adma)
course_expect_error(08 training_deeper NAME zero_eta CODE 2
  REGEX "^ch08_training_deeper: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(08 training_deeper NAME mu_out_of_range CODE 2
  REGEX "^ch08_training_deeper: error: --mu: .* \\(see --help\\)$" ARGS --mu 1.5)
course_expect_error(08 training_deeper NAME bad_hidden CODE 2
  REGEX "^ch08_training_deeper: error: --hidden: Value x not in range 1 to 100000 \\(see --help\\)$"
  ARGS --hidden 256,x)
course_expect_error(08 training_deeper NAME zero_hidden CODE 2
  REGEX "^ch08_training_deeper: error: --hidden: Value 0 not in range 1 to 100000 \\(see --help\\)$"
  ARGS --hidden 256,0)
course_expect_error(08 training_deeper NAME missing_data CODE 1
  REGEX "^ch08_training_deeper: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch08_bad)
add_test(NAME ch08_training_deeper.help COMMAND ch08_training_deeper --help)
set_tests_properties(ch08_training_deeper.help PROPERTIES LABELS ch08 PASS_REGULAR_EXPRESSION "--eta-adam")
add_test(NAME ch08_training_deeper.run_needs_mnist COMMAND ch08_training_deeper --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch08_training_deeper)
set_tests_properties(ch08_training_deeper.run_needs_mnist PROPERTIES LABELS ch08
  PASS_REGULAR_EXPRESSION "Final test accuracy: constant [0-9.]+% step [0-9.]+% cosine [0-9.]+%")
