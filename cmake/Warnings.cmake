# Warnings everywhere; errors in development and CI builds (FAULTLINE_WERROR, on by default).
# Sanitizers (ASan + UBSan) when FAULTLINE_SANITIZE is on: the test command builds that way.
if(FAULTLINE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(faultline_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
  # GCC 12 reports -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function) once the
  # optimizer and the sanitizers inline it: false positives in code we do not own. Clang (the
  # fuzz build) has no such warning and would reject the unknown option under -Werror.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(FAULTLINE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
