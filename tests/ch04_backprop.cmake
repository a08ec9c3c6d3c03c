# Chapter 04's executable with bad input: one line on stderr, the documented exit code.
# (It reads no data files: XOR is four points written in the code.)
course_expect_error(04 backprop NAME unknown_flag CODE 2
  REGEX "^ch04_backprop: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(04 backprop NAME negative_eta CODE 2
  REGEX "^ch04_backprop: error: --eta: must be a number > 0, found -1 \\(see --help\\)$"
  ARGS --eta -1)
course_expect_error(04 backprop NAME negative_init_in_list CODE 2
  REGEX "^ch04_backprop: error: --init: must be a number > 0, found -2 \\(see --help\\)$"
  ARGS --init 1,-2)
course_expect_error(04 backprop NAME zero_hidden CODE 2
  REGEX "^ch04_backprop: error: --hidden: .* \\(see --help\\)$"
  ARGS --hidden 0)
course_expect_error(04 backprop NAME width_out_of_range CODE 2
  REGEX "^ch04_backprop: error: --widths: .* \\(see --help\\)$"
  ARGS --widths 2,0,4)
course_expect_error(04 backprop NAME zero_epochs CODE 2
  REGEX "^ch04_backprop: error: --epochs: .* \\(see --help\\)$"
  ARGS --epochs 0)
add_test(NAME ch04_backprop.help COMMAND ch04_backprop --help)
set_tests_properties(ch04_backprop.help PROPERTIES LABELS ch04 PASS_REGULAR_EXPRESSION "--widths")
add_test(NAME ch04_backprop.run COMMAND ch04_backprop --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch04_backprop)
set_tests_properties(ch04_backprop.run PROPERTIES LABELS ch04 PASS_REGULAR_EXPRESSION "solved after [0-9]+ epochs")
