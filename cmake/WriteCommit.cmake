# Run at build time (cmake -P): writes OUTPUT, a C++ source that defines faultline::commit(),
# from the source tree's git HEAD ("-dirty" when tracked files differ from it). The file is
# rewritten only when that changes, so a build after a commit recompiles this one file.
# COMMIT, when given (a source package built without .git), is used as it is.
if(COMMIT STREQUAL "")
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse HEAD
                  OUTPUT_VARIABLE COMMIT RESULT_VARIABLE status OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT status EQUAL 0 OR COMMIT STREQUAL "")
    set(COMMIT "unknown")
  else()
    execute_process(COMMAND git -C "${SOURCE_DIR}" diff-index --quiet HEAD --
                    RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      string(APPEND COMMIT "-dirty")
    endif()
  endif()
endif()
set(text "// Generated at build time by cmake/WriteCommit.cmake: do not edit.
#include \"faultline/util/build_info.hpp\"

namespace faultline {

std::string_view commit() { return \"${COMMIT}\"; }

}  // namespace faultline
")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
