# Build the book: run Doxygen (warnings are errors), then copy MathJax 2 (Debian's
# libjs-mathjax) into the output so formulas render offline and the folder can be moved.
if(NOT EXISTS "${MATHJAX}/MathJax.js")
  message(FATAL_ERROR "${MATHJAX}/MathJax.js not found: install Debian package libjs-mathjax (./course setup)")
endif()
file(REMOVE_RECURSE "${OUT}/html")
execute_process(COMMAND "${DOXYGEN}" "${OUT}/Doxyfile" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "Doxygen failed (exit ${rc}); every warning is an error:\n${err}")
endif()
foreach(part MathJax.js config extensions jax/element jax/input/TeX jax/output/SVG)
  get_filename_component(parent "${OUT}/html/mathjax/${part}" DIRECTORY)
  file(COPY "${MATHJAX}/${part}" DESTINATION "${parent}" FOLLOW_SYMLINK_CHAIN)
endforeach()
message(STATUS "The book: ${OUT}/html/index.html")
