# Chapter 07: allocation counting needs Armadillo's allocations routed through the test;
# the executable with bad flags and a missing dataset, --help, and a quick run.
course_count_allocations(ch07_softmax_cross_entropy_test)
course_expect_error(07 softmax_cross_entropy NAME unknown_flag CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: The following argument was not expected: --epoch \\(see --help\\)$"
  ARGS --epoch)
course_expect_error(07 softmax_cross_entropy NAME unknown_dataset CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: --dataset: .*cifar.* \\(see --help\\)$"
  ARGS --dataset cifar)
course_expect_error(07 softmax_cross_entropy NAME unknown_activation CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: --activation: .*tanh.* \\(see --help\\)$"
  ARGS --activation tanh)
course_expect_error(07 softmax_cross_entropy NAME zero_eta CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: --eta: must be a number > 0, found 0 \\(see --help\\)$"
  ARGS --eta 0)
course_expect_error(07 softmax_cross_entropy NAME decay_longer_than_training CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: --decay-epochs: 5 is more than --epochs 2 \\(see --help\\)$"
  ARGS --epochs 2 --decay-epochs 5 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch07_bad)
course_expect_error(07 softmax_cross_entropy NAME data_needs_one_dataset CODE 2
  REGEX "^ch07_softmax_cross_entropy: error: --data names one dataset's folder: add --dataset mnist or --dataset fashion"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch07_bad)
course_expect_error(07 softmax_cross_entropy NAME missing_data CODE 1
  REGEX "^ch07_softmax_cross_entropy: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'fashion'; fix: check --data .*\\)$"
  ARGS --dataset fashion --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch07_bad)
add_test(NAME ch07_softmax_cross_entropy.help COMMAND ch07_softmax_cross_entropy --help)
set_tests_properties(ch07_softmax_cross_entropy.help PROPERTIES LABELS ch07 PASS_REGULAR_EXPRESSION "--dataset")
add_test(NAME ch07_softmax_cross_entropy.run_needs_mnist COMMAND ch07_softmax_cross_entropy --epochs 1
  --train-size 5000 --slowdown-size 500 --slowdown-epochs 1 --reg-epochs 50 --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch07_softmax_cross_entropy)
set_tests_properties(ch07_softmax_cross_entropy.run_needs_mnist PROPERTIES LABELS ch07
  PASS_REGULAR_EXPRESSION "MNIST: .*test accuracy [0-9]+ / 10000.*Fashion-MNIST: .*test accuracy [0-9]+ / 10000")
