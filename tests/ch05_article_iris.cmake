# Chapter 05's executable with bad input: one line on stderr, the documented exit code.
# The test module counts allocations (the listing's training loop allocates nothing).
course_count_allocations(ch05_article_iris_test)
course_expect_error(05 article_iris NAME unknown_flag CODE 2
  REGEX "^ch05_article_iris: error: The following argument was not expected: --bogus \\(see --help\\)$"
  ARGS --bogus)
course_expect_error(05 article_iris NAME negative_eta CODE 2
  REGEX "^ch05_article_iris: error: --eta: must be a number > 0, found -0.01 \\(see --help\\)$"
  ARGS --eta -0.01)
course_expect_error(05 article_iris NAME split_seed_too_large CODE 2
  REGEX "^ch05_article_iris: error: --split-seed: .* \\(see --help\\)$"
  ARGS --split-seed 4294967296)
course_expect_error(05 article_iris NAME seed_too_large_for_numpy CODE 2
  REGEX "^ch05_article_iris: error: --seed: numpy seeds are 0 \\.\\. 4294967295, found 4294967296 \\(see --help\\)$"
  ARGS --seed 4294967296 --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch05_bad)
course_expect_error(05 article_iris NAME weight_seed_too_large CODE 2
  REGEX "^ch05_article_iris: error: --weight-seed: .* \\(see --help\\)$"
  ARGS --weight-seed 4294967296)
course_expect_error(05 article_iris NAME zero_hidden CODE 2
  REGEX "^ch05_article_iris: error: --hidden: .* \\(see --help\\)$"
  ARGS --hidden 0)
course_expect_error(05 article_iris NAME malformed_csv CODE 1
  REGEX "^ch05_article_iris: error: .*fixtures/malformed_iris/iris.csv:3: expected 5 fields, found 3$"
  ARGS --data ${PROJECT_SOURCE_DIR}/tests/fixtures/malformed_iris --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch05_bad)
course_expect_error(05 article_iris NAME missing_data CODE 1
  REGEX "^ch05_article_iris: error: .*/no_such_dir/iris.csv: file not found"
  ARGS --data ${CMAKE_BINARY_DIR}/no_such_dir --no-plots --out ${CMAKE_BINARY_DIR}/test_output/ch05_bad)
add_test(NAME ch05_article_iris.help COMMAND ch05_article_iris --help)
set_tests_properties(ch05_article_iris.help PROPERTIES LABELS ch05 PASS_REGULAR_EXPRESSION "--split-seed")
add_test(NAME ch05_article_iris.run COMMAND ch05_article_iris --no-plots --seeds 3 --out ${CMAKE_BINARY_DIR}/test_output/ch05_article_iris)
set_tests_properties(ch05_article_iris.run PROPERTIES LABELS ch05
  PASS_REGULAR_EXPRESSION "as printed +stops +- +backward\\(\\): ValueError: operands could not be broadcast together with shapes \\(120,3\\) \\(120,\\)\n.*tuned \\(softmax, tuned rate\\) +30/30")
