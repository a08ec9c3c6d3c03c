# Chapter 16: allocation counting needs Armadillo's allocations routed through the test.
course_count_allocations(ch16_transformer_test)
