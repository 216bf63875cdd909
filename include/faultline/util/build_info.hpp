// Facts fixed when faultline was built, and where its shipped files are. The facts live in
// generated source files (cmake/build_info.cpp.in, and cmake/WriteCommit.cmake for the
// commit), so changing them recompiles those files only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultline {

// faultline's version: "0.1.0".
std::string_view version();

// The git commit it was built from ("unknown" without git, "<hash>-dirty" with local changes).
std::string_view commit();

// CMake's build type: "Release", "RelWithDebInfo", "Debug".
std::string_view build_type();

// The source tree's templates/ directory: the shipped templates when running from the build
// tree.
std::string_view source_template_dir();

// Where the shipped templates of `family` ("notify", "review", "report") are, in the order
// they are looked in: the installed share/faultline/templates/<family> next to the running
// binary (../share from its bin/ directory, so a DESTDIR or --prefix install finds its own),
// then the source tree's (a binary run from the build tree). Only directories that exist.
std::vector<std::string> shipped_template_dirs(std::string_view family);

}  // namespace faultline
