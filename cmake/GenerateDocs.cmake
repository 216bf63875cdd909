# Run at build time (cmake -P) with FAULTLINE (the built binary) and OUTPUT_DIR: writes the
# shell completion scripts and the man page from the binary's own command tree, so they
# list exactly what it accepts and say what its --help says.
#   OUTPUT_DIR/completions/faultline        bash
#   OUTPUT_DIR/completions/_faultline       zsh
#   OUTPUT_DIR/completions/faultline.fish   fish
#   OUTPUT_DIR/man/faultline.1 and .1.gz    man page (gzip -9n: reproducible, as Debian ships it)
file(MAKE_DIRECTORY "${OUTPUT_DIR}/completions" "${OUTPUT_DIR}/man")
function(run_faultline output)
  execute_process(COMMAND "${FAULTLINE}" ${ARGN} OUTPUT_FILE "${output}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "faultline ${ARGN} failed (${status})")
  endif()
endfunction()
run_faultline("${OUTPUT_DIR}/completions/faultline" completion bash)
run_faultline("${OUTPUT_DIR}/completions/_faultline" completion zsh)
run_faultline("${OUTPUT_DIR}/completions/faultline.fish" completion fish)
run_faultline("${OUTPUT_DIR}/man/faultline.1" help --man)
execute_process(COMMAND gzip -9 -n -c INPUT_FILE "${OUTPUT_DIR}/man/faultline.1"
                OUTPUT_FILE "${OUTPUT_DIR}/man/faultline.1.gz" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed (${status})")
endif()
