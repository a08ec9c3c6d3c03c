# Chapter 09: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch09_regularization_test)
course_expect_error(09 regularization NAME unknown_flag CODE 2
  REGEX "^ch09_regularization: error: The following argument was not expected: --lamda \\(see --help\\)$"
  ARGS --lamda)
course_expect_error(09 regularization NAME zero_epochs CODE 2
  REGEX "^ch09_regularization: error: --large-epochs: .* \\(see --help\\)$" ARGS --large-epochs 0)
course_expect_error(09 regularization NAME zero_lambda CODE 2
  REGEX "^ch09_regularization: error: --lambda: must be a number > 0, found 0 \\(see --help\\)$"
  ARGS --lambda 0)
course_expect_error(09 regularization NAME dropout_one CODE 2
  REGEX "^ch09_regularization: error: --dropout: .* \\(see --help\\)$" ARGS --dropout 1)
course_expect_error(09 regularization NAME zero_depth CODE 2
  REGEX "^ch09_regularization: error: --depths: Value 0 not in range 1 to 10 \\(see --help\\)$"
  ARGS --depths 1,0)
course_expect_error(09 regularization NAME bad_part CODE 2
  REGEX "^ch09_regularization: error: --part: .* \\(see --help\\)$" ARGS --part medium)
course_expect_error(09 regularization NAME missing_data CODE 1
  REGEX "^ch09_regularization: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch09_bad)
add_test(NAME ch09_regularization.help COMMAND ch09_regularization --help)
set_tests_properties(ch09_regularization.help PROPERTIES LABELS ch09 PASS_REGULAR_EXPRESSION "--large-epochs")
add_test(NAME ch09_regularization.run_needs_mnist COMMAND ch09_regularization --epochs 3 --large-epochs 1
  --large-train-size 1000 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch09_regularization)
set_tests_properties(ch09_regularization.run_needs_mnist PROPERTIES LABELS ch09
  PASS_REGULAR_EXPRESSION "L2 \\+ dropout \\+ shifts \\+ early stopping +[0-9.]+%.*test accuracy [0-9.]+%")
