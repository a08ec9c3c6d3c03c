# Fails unless the executable EXE contains the machine instruction PATTERN (a regex on
# OBJDUMP -d's output): for hints, like the trainer's prefetches, that a compiler may drop
# without a word. Usage: cmake -DEXE=... -DOBJDUMP=... -DPATTERN=... -P has_instruction.cmake
foreach(var EXE OBJDUMP PATTERN)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "has_instruction.cmake: -D${var}=... is missing")
  endif()
endforeach()
execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn ${EXE} COMMAND grep -c -E "${PATTERN}"
                OUTPUT_VARIABLE count OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE status)
if(count STREQUAL "" OR count EQUAL 0)
  message(FATAL_ERROR "${EXE}: no instruction matches '${PATTERN}' (the compiler dropped it)")
endif()
message(STATUS "${EXE}: ${count} instructions match '${PATTERN}'")
