# Every dependency is a Debian package. A missing one stops configure with the apt
# package to install, so the message is the fix.
find_package(PkgConfig QUIET)

macro(faultline_require found pkg)
  if(NOT ${found})
    message(FATAL_ERROR
      "faultline: missing dependency. Install it with:\n"
      "    sudo apt-get install ${pkg}\n"
      "or run scripts/setup.sh, which installs everything the build needs.")
  endif()
endmacro()

find_package(CURL QUIET)
faultline_require(CURL_FOUND libcurl4-openssl-dev)
find_package(nlohmann_json 3.10 QUIET)
faultline_require(nlohmann_json_FOUND nlohmann-json3-dev)
find_package(CLI11 QUIET)
faultline_require(CLI11_FOUND libcli11-dev)
find_package(fmt QUIET)
faultline_require(fmt_FOUND libfmt-dev)
find_package(tomlplusplus QUIET)
faultline_require(tomlplusplus_FOUND libtomlplusplus-dev)
find_package(OpenSSL QUIET)
faultline_require(OPENSSL_FOUND libssl-dev)
find_package(date QUIET)
faultline_require(date_FOUND libhowardhinnant-date-dev)
find_package(Threads REQUIRED)

find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp)
faultline_require(MUSTACHE_INCLUDE_DIR libkainjow-mustache-dev)

if(NOT PKG_CONFIG_FOUND)
  faultline_require(PKG_CONFIG_FOUND pkg-config)
endif()
pkg_check_modules(CMARK_GFM QUIET IMPORTED_TARGET libcmark-gfm)
faultline_require(CMARK_GFM_FOUND libcmark-gfm-dev)
find_path(CMARK_GFM_EXTENSIONS_INCLUDE_DIR cmark-gfm-core-extensions.h)
find_library(CMARK_GFM_EXTENSIONS_LIBRARY cmark-gfm-extensions)
if(NOT CMARK_GFM_EXTENSIONS_INCLUDE_DIR OR NOT CMARK_GFM_EXTENSIONS_LIBRARY)
  faultline_require(FALSE libcmark-gfm-extensions-dev)
endif()
# The analysis half: charts (cairo, SVG and PNG from one drawing, fonts from
# fonts-dejavu-core), workbooks (libxlsxwriter), release CSV files (libcsv), and Student's t
# for significance (Boost.Math, header-only).
pkg_check_modules(CAIRO QUIET IMPORTED_TARGET cairo cairo-svg cairo-png cairo-ft)
faultline_require(CAIRO_FOUND libcairo2-dev)
pkg_check_modules(XLSXWRITER QUIET IMPORTED_TARGET xlsxwriter)
faultline_require(XLSXWRITER_FOUND libxlsxwriter-dev)
find_path(CSV_INCLUDE_DIR csv.h)
find_library(CSV_LIBRARY csv)
if(NOT CSV_INCLUDE_DIR OR NOT CSV_LIBRARY)
  faultline_require(FALSE libcsv-dev)
endif()
add_library(faultline_libcsv INTERFACE)
target_include_directories(faultline_libcsv SYSTEM INTERFACE ${CSV_INCLUDE_DIR})
target_link_libraries(faultline_libcsv INTERFACE ${CSV_LIBRARY})
find_path(BOOST_MATH_INCLUDE_DIR boost/math/distributions/students_t.hpp)
faultline_require(BOOST_MATH_INCLUDE_DIR libboost-math-dev)
add_library(faultline_boost_math INTERFACE)
target_include_directories(faultline_boost_math SYSTEM INTERFACE ${BOOST_MATH_INCLUDE_DIR})
if(NOT EXISTS /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)
  message(WARNING "faultline: DejaVu fonts are missing; install fonts-dejavu-core for readable charts.")
endif()

pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
faultline_require(HTTPLIB_FOUND libcpp-httplib-dev)

if(FAULTLINE_BUILD_TESTS)
  find_package(Catch2 2 QUIET)
  faultline_require(Catch2_FOUND catch2)
endif()

if(NOT EXISTS /usr/share/zoneinfo/UTC)
  message(WARNING "faultline: /usr/share/zoneinfo is missing; install the tzdata package for IANA time zones.")
endif()

add_library(faultline_deps_public INTERFACE)
target_link_libraries(faultline_deps_public INTERFACE
  nlohmann_json::nlohmann_json fmt::fmt date::date date::date-tz Threads::Threads)
target_include_directories(faultline_deps_public SYSTEM INTERFACE ${MUSTACHE_INCLUDE_DIR})
add_library(faultline::deps_public ALIAS faultline_deps_public)

# Libraries opened on first use (include/faultline/util/shared_library.hpp): their headers
# only. Linking them would load libcurl, libcrypto, cairo and libxlsxwriter with about fifty
# dependencies into every run; the forwarders in src/http/curl_library.cpp,
# src/notify/crypto_library.cpp and src/report/{cairo,xlsxwriter}_library.cpp open them
# when a command first calls one.
function(faultline_opened_on_use name)
  cmake_parse_arguments(ARG "" "" "INCLUDES;OPTIONS" ${ARGN})
  add_library(${name} INTERFACE)
  target_include_directories(${name} SYSTEM INTERFACE ${ARG_INCLUDES})
  target_compile_options(${name} INTERFACE ${ARG_OPTIONS})
  target_link_libraries(${name} INTERFACE ${CMAKE_DL_LIBS})
endfunction()
faultline_opened_on_use(faultline_curl_api INCLUDES ${CURL_INCLUDE_DIRS})
faultline_opened_on_use(faultline_crypto_api INCLUDES ${OPENSSL_INCLUDE_DIR})
faultline_opened_on_use(faultline_cairo_api INCLUDES ${CAIRO_INCLUDE_DIRS} OPTIONS ${CAIRO_CFLAGS_OTHER})
faultline_opened_on_use(faultline_xlsxwriter_api INCLUDES ${XLSXWRITER_INCLUDE_DIRS} OPTIONS ${XLSXWRITER_CFLAGS_OTHER})
