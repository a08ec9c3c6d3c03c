# Chapter 14: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch14_going_deep_test)
course_expect_error(14 going_deep NAME unknown_flag CODE 2
  REGEX "^ch14_going_deep: error: The following argument was not expected: --depth \\(see --help\\)$"
  ARGS --depth)
course_expect_error(14 going_deep NAME odd_depth CODE 2
  REGEX "^ch14_going_deep: error: --depths: expected even depths from 2 to 1000 like 2,10,50, found '7' \\(see --help\\)$"
  ARGS --depths 2,7 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch14_bad)
course_expect_error(14 going_deep NAME depth_not_a_number CODE 2
  REGEX "^ch14_going_deep: error: --depths: expected even depths .* found 'ten' \\(see --help\\)$"
  ARGS --depths 2,ten --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch14_bad)
course_expect_error(14 going_deep NAME unknown_kind CODE 2
  REGEX "^ch14_going_deep: error: --kinds: expected plain, residual or pre_norm, found 'resnet' \\(see --help\\)$"
  ARGS --kinds plain,resnet --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch14_bad)
course_expect_error(14 going_deep NAME width_one CODE 2
  REGEX "^ch14_going_deep: error: --width: .* \\(see --help\\)$" ARGS --width 1)
course_expect_error(14 going_deep NAME zero_epochs CODE 2
  REGEX "^ch14_going_deep: error: --epochs: .* \\(see --help\\)$" ARGS --epochs 0)
course_expect_error(14 going_deep NAME zero_eta CODE 2
  REGEX "^ch14_going_deep: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(14 going_deep NAME missing_data CODE 1
  REGEX "^ch14_going_deep: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'fashion'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch14_bad)
add_test(NAME ch14_going_deep.help COMMAND ch14_going_deep --help)
set_tests_properties(ch14_going_deep.help PROPERTIES LABELS ch14 PASS_REGULAR_EXPRESSION "--depths")
add_test(NAME ch14_going_deep.run COMMAND ch14_going_deep --depths 2,10 --epochs 1 --train-size 1000
  --test-size 500 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch14_going_deep)
set_tests_properties(ch14_going_deep.run PROPERTIES LABELS ch14
  PASS_REGULAR_EXPRESSION "pre_norm +depth  10 .*test accuracy [0-9.]+%")
