// File helpers shared by the commands that write files a person keeps (review files, rendered
// reports): a write that never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline {

// Writes `text` to `path` through a temporary file in the same directory (".<name>.<random>.tmp")
// and a rename over `path`, so readers see the old content or the new, never a part.
// The temporary file is removed when anything fails.
// Error: Failed naming the file that could not be written or replaced.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace faultline
