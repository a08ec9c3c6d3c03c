# Helpers that every chapter uses, so a chapter's CMakeLists.txt is three lines.

# course_chapter(NN SLUG MAIN main.cpp [LIB_SOURCES ...] [LIBS ...])
#   Adds the chapter's library chNN_SLUG_lib (its compiled sources, or header-only) and its
#   executable chNN_SLUG. Later chapters build on it by linking chNN_SLUG_lib (LIBS);
#   tests/chNN_SLUG_test.cpp links it too and carries the label chNN.
function(course_chapter NN SLUG)
  cmake_parse_arguments(ARG "" "MAIN" "LIB_SOURCES;LIBS" ${ARGN})
  set(target ch${NN}_${SLUG})
  if(ARG_LIB_SOURCES)
    add_library(${target}_lib STATIC ${ARG_LIB_SOURCES})
    target_link_libraries(${target}_lib PUBLIC course_common ${ARG_LIBS})
  else()
    add_library(${target}_lib INTERFACE)
    target_link_libraries(${target}_lib INTERFACE course_common ${ARG_LIBS})
  endif()
  add_executable(${target} ${ARG_MAIN})
  target_link_libraries(${target} PRIVATE ${target}_lib)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# course_expect_error(NN NAME CODE REGEX ARGS ...)
#   A CTest test that runs the chapter's executable with ARGS and passes only when it exits
#   with CODE, prints exactly one line on stderr, and that line matches REGEX.
function(course_expect_error NN SLUG)
  cmake_parse_arguments(ARG "" "NAME;CODE;REGEX" "ARGS" ${ARGN})
  set(target ch${NN}_${SLUG})
  add_test(NAME ${target}.error.${ARG_NAME}
    COMMAND ${CMAKE_COMMAND}
      -DEXE=$<TARGET_FILE:${target}> "-DARGS=${ARG_ARGS}" -DCODE=${ARG_CODE}
      "-DREGEX=${ARG_REGEX}"
      -P ${PROJECT_SOURCE_DIR}/cmake/expect_error.cmake)
  set_tests_properties(${target}.error.${ARG_NAME} PROPERTIES LABELS "ch${NN};errors")
endfunction()

# course_count_allocations(TEST_TARGET)
#   Route Armadillo's allocations (posix_memalign, malloc) through tests/support/count_allocations.hpp,
#   which the test includes once, so a test can assert that a training loop allocates nothing.
function(course_count_allocations target)
  target_link_options(${target} PRIVATE -Wl,--wrap=posix_memalign -Wl,--wrap=malloc)
endfunction()
