# The fuzz build (FAULTLINE_FUZZ, off by default; CMakePresets.json "fuzz", fuzz/run): the
# library modules the targets of fuzz/ need, instrumented for libFuzzer with AddressSanitizer
# and UndefinedBehaviorSanitizer. Clang only: libFuzzer ships with clang (Debian clang-16,
# libfuzzer-16-dev, libclang-rt-16-dev). fuzz/README.md says why 16 and not 14.
if(NOT FAULTLINE_FUZZ)
  return()
endif()

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR
    "faultline: FAULTLINE_FUZZ needs clang 16 or newer (found ${CMAKE_CXX_COMPILER_ID} "
    "${CMAKE_CXX_COMPILER_VERSION}). Install it with:\n"
    "    sudo apt-get install clang-16 libfuzzer-16-dev libclang-rt-16-dev\n"
    "and configure with: cmake --preset fuzz")
endif()

# Coverage instrumentation for the fuzzer and both sanitizers everywhere; the fuzz targets add
# libFuzzer's main (-fsanitize=fuzzer, fuzz/CMakeLists.txt). Any UBSan finding aborts, so the
# fuzzer counts it as a crash.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)

# libstdc++ 12 offers <expected> (faultline::Result) only when __cpp_concepts >= 202002L.
# Clang 16 implements what <expected> needs (P0848, conditionally trivial special members) but
# still reports 201907L because other parts of P2113 are missing, so the header would be empty.
# Raising the macro is safe for this header set. Clang reports a -D of a predefined macro as
# -Wmacro-redefined; that one warning is off in this build only (the g++ builds still have it)
# so -Werror stays on.
add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined)
