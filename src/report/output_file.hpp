// Files the report module writes (charts, workbooks): each goes to a temporary file next to
// its target and is renamed over it, so a reader sees the old file or the new one, never a
// part, and a failure leaves nothing behind.
#pragma once

#include <filesystem>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline::report {

// A fresh temporary name next to `target`: "<dir>/.<name>.<random>.tmp".
std::filesystem::path temp_path_next_to(const std::filesystem::path& target);

// Renames `temp` over `target`; on failure removes `temp`. Error (Failed) names `target` and
// the operating system's reason.
Result<void> replace_with(const std::filesystem::path& temp, const std::filesystem::path& target);

// Writes `bytes` to `target` through a temporary file (flushed to disk) and a rename. Error
// (Failed) names `target` and the operating system's reason; the temporary file is removed.
Result<void> write_bytes_atomically(const std::filesystem::path& target, std::string_view bytes);

}  // namespace faultline::report
