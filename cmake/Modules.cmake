# faultline_module(NAME DEPS ... PRIVATE_DEPS ...)
# Builds src/NAME/*.cpp into the static library faultline_NAME (faultline_core_logic for
# "core", whose name would clash with the aggregate target). A module without sources yet
# is an interface library, so the tree builds while modules are being written.
function(faultline_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  if(name STREQUAL "core")
    set(target faultline_core_logic)
  else()
    set(target faultline_${name})
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC faultline::deps_public ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
    target_compile_definitions(${target} PUBLIC
      FAULTLINE_VERSION="${PROJECT_VERSION}"
      FAULTLINE_SOURCE_TEMPLATE_DIR="${PROJECT_SOURCE_DIR}/templates")
    faultline_warnings(${target})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE faultline::deps_public ${ARG_DEPS} ${ARG_PRIVATE_DEPS})
    target_compile_definitions(${target} INTERFACE
      FAULTLINE_VERSION="${PROJECT_VERSION}"
      FAULTLINE_SOURCE_TEMPLATE_DIR="${PROJECT_SOURCE_DIR}/templates")
  endif()
endfunction()
