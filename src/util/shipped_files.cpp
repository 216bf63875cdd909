#include <filesystem>
#include <system_error>

#include "faultline/util/build_info.hpp"

namespace faultline {

namespace fs = std::filesystem;

std::vector<std::string> shipped_template_dirs(std::string_view family) {
  std::vector<std::string> dirs;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "faultline" / "templates" / family;
    if (fs::is_directory(installed, error)) dirs.push_back(installed.lexically_normal().string());
  }
  const fs::path source = fs::path(source_template_dir()) / family;
  if (fs::is_directory(source, error)) dirs.push_back(source.string());
  return dirs;
}

}  // namespace faultline
