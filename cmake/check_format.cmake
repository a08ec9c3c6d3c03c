# The tree is formatted as .clang-format says: runs clang-format --dry-run --Werror over every
# C++ source of the course (test fixtures aside) and fails on the first file that differs.
# Fix with:  clang-format -i <file>   (or every file: see README, "Conventions").
file(GLOB_RECURSE sources RELATIVE ${ROOT}
     ${ROOT}/chapters/*.cpp ${ROOT}/chapters/*.hpp ${ROOT}/common/*.cpp ${ROOT}/common/*.hpp
     ${ROOT}/tests/*.cpp ${ROOT}/tests/*.hpp ${ROOT}/bench/*.cpp ${ROOT}/fuzz/*.cpp
     ${ROOT}/docs/*.cpp)
list(FILTER sources EXCLUDE REGEX "^tests/fixtures/")
list(SORT sources)
set(bad "")
foreach(f IN LISTS sources)
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${f} WORKING_DIRECTORY ${ROOT}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND bad ${f})
  endif()
endforeach()
list(LENGTH sources n)
if(bad)
  list(JOIN bad "\n  " shown)
  message(FATAL_ERROR "not formatted as .clang-format says (clang-format -i FILE):\n  ${shown}")
endif()
message(STATUS "${n} files formatted as .clang-format says")
