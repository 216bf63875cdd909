// Facts fixed when faultline was built. They live in one generated source file
// (cmake/build_info.cpp.in), so changing them recompiles that file only.
#pragma once

#include <string_view>

namespace faultline {

// faultline's version: "0.1.0".
std::string_view version();

// The source tree's templates/ directory: the shipped templates when running from the build
// tree.
std::string_view source_template_dir();

}  // namespace faultline
