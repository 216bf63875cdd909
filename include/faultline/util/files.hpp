// File helpers: reading a whole file, and a write that never leaves a half-written file behind
// (review files, rendered reports, configs a person keeps).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline {

// The whole content of `path`, bytes as they are. Error: NotFound when it does not exist (or is
// not a regular file), Failed when it cannot be read; the message names the path.
Result<std::string> read_file(const std::filesystem::path& path);

// Writes `text` to `path` through a temporary file in the same directory (".<name>.<random>.tmp")
// and a rename over `path`, so readers see the old content or the new, never a part.
// The temporary file is removed when anything fails.
// Error: Failed naming the file that could not be written or replaced.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace faultline
