# Runs EXE with ARGS (a ;-list) and checks: exit code == CODE, stderr is one line matching REGEX.
# Used by course_expect_error(); run as: cmake -DEXE=... -DARGS=... -DCODE=... -DREGEX=... -P
execute_process(COMMAND ${EXE} ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
string(STRIP "${err}" err_stripped)
string(REGEX MATCHALL "\n" newlines "${err_stripped}")
list(LENGTH newlines n_newlines)
if(NOT rc STREQUAL "${CODE}")
  message(FATAL_ERROR "expected exit code ${CODE}, got '${rc}'\nstderr: ${err}")
endif()
if(NOT n_newlines EQUAL 0)
  message(FATAL_ERROR "expected a one-line error, got ${n_newlines}+1 lines:\n${err}")
endif()
if(NOT err_stripped MATCHES "${REGEX}")
  message(FATAL_ERROR "error line does not match '${REGEX}':\n${err}")
endif()
message(STATUS "ok (exit ${rc}): ${err_stripped}")
