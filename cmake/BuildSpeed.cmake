# Build time (bench/build-time.sh measures it):
# - precompiled headers: every translation unit of the library parses the standard library,
#   JSON, fmt and date once per build instead of once per file; the tests add Catch2 and the
#   command layer CLI11. Each set is compiled once (faultline_pch, faultline_cli_pch,
#   faultline_test_pch) and reused by every target of its kind (same compile flags).
# - ccache when it is installed (FAULTLINE_CCACHE), with the sloppiness precompiled headers
#   need;
# - a unity build of the library modules and the sandbox (FAULTLINE_UNITY, on by default):
#   fewer, larger translation units, so JSON, fmt and Catch2 templates are instantiated and
#   compiled once per batch instead of once per file. Test folders stay one file per unit: a
#   change to one test recompiles that test only.
option(FAULTLINE_PCH "Use precompiled headers" ON)
option(FAULTLINE_CCACHE "Use ccache when it is installed" ON)
option(FAULTLINE_UNITY "Unity build of the library modules and the sandbox (batches of 8 sources)" ON)

if(FAULTLINE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(FAULTLINE_CCACHE_PROGRAM ccache)
  if(FAULTLINE_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        ${FAULTLINE_CCACHE_PROGRAM})
  endif()
endif()

# faultline_unity(TARGET): compile TARGET's sources in batches when FAULTLINE_UNITY is on.
function(faultline_unity target)
  if(FAULTLINE_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

set(faultline_pch_headers
  <algorithm> <array> <chrono> <cstddef> <cstdint> <expected> <filesystem> <functional> <map>
  <memory> <optional> <set> <span> <sstream> <string> <string_view> <utility> <vector>
  <nlohmann/json.hpp> <fmt/format.h> <date/date.h> <date/tz.h>)

# faultline_pch_target(NAME HEADERS... [LIBS libs...]): a tiny library whose only job is to
# compile the precompiled header that other targets reuse.
function(faultline_pch_target name)
  cmake_parse_arguments(ARG "" "" "HEADERS;LIBS" ${ARGN})
  add_library(${name} STATIC ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cpp)
  target_link_libraries(${name} PUBLIC faultline::deps_public ${ARG_LIBS})
  faultline_warnings(${name})
  if(FAULTLINE_PCH)
    target_precompile_headers(${name} PRIVATE ${ARG_HEADERS})
  endif()
endfunction()

# faultline_reuse_pch(TARGET PCH_TARGET): TARGET compiles with PCH_TARGET's header.
function(faultline_reuse_pch target pch_target)
  if(FAULTLINE_PCH)
    target_precompile_headers(${target} REUSE_FROM ${pch_target})
  endif()
endfunction()
