# Chapter 06: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch06_mlp_test)
course_expect_error(06 mlp NAME unknown_flag CODE 2
  REGEX "^ch06_mlp: error: The following argument was not expected: --hiden \\(see --help\\)$"
  ARGS --hiden)
course_expect_error(06 mlp NAME zero_eta CODE 2
  REGEX "^ch06_mlp: error: --eta: must be a number > 0, found 0 \\(see --help\\)$" ARGS --eta 0)
course_expect_error(06 mlp NAME zero_batch CODE 2
  REGEX "^ch06_mlp: error: --batch-size: .* \\(see --help\\)$" ARGS --batch-size 0)
course_expect_error(06 mlp NAME missing_data CODE 1
  REGEX "^ch06_mlp: error: .*/nowhere/train-images-idx3-ubyte: file not found \\(dataset 'mnist'; fix: check --data .*\\)$"
  ARGS --data ${CMAKE_BINARY_DIR}/nowhere --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch06_bad)
add_test(NAME ch06_mlp.help COMMAND ch06_mlp --help)
set_tests_properties(ch06_mlp.help PROPERTIES LABELS ch06 PASS_REGULAR_EXPRESSION "--batch-size")
add_test(NAME ch06_mlp.run_needs_mnist COMMAND ch06_mlp --epochs 1 --train-size 5000 --no-plots
  --out ${CMAKE_BINARY_DIR}/test_output/ch06_mlp)
set_tests_properties(ch06_mlp.run_needs_mnist PROPERTIES LABELS ch06 PASS_REGULAR_EXPRESSION "Epoch 0: [0-9]+ / 10000")
# The trainer's prefetches are hints a compiler may drop without a word (train.hpp tells how
# GCC 12 deleted them all once): on x86-64 the chapter's executable must contain them.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND CMAKE_OBJDUMP)
  add_test(NAME ch06_mlp.prefetch_compiled
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:ch06_mlp> -DOBJDUMP=${CMAKE_OBJDUMP}
      -DPATTERN=prefetcht0 -P ${PROJECT_SOURCE_DIR}/cmake/has_instruction.cmake)
  set_tests_properties(ch06_mlp.prefetch_compiled PROPERTIES LABELS ch06)
endif()
