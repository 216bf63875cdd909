// Whole-file reads, and atomic writes: a temporary file in the target's directory, then a rename.
#include "faultline/util/files.hpp"

#include <fstream>
#include <random>
#include <sstream>

namespace faultline {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    return fail(ErrorKind::NotFound, "no file " + path.string(), "check the path");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail(ErrorKind::Failed, "cannot read " + path.string(), "check the file's permissions");
  return text.str();
}

Result<void> write_file_atomically(const fs::path& path, std::string_view text) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::random_device random;
  std::ostringstream name;
  name << '.' << path.filename().string() << '.' << std::hex << random() << random() << ".tmp";
  const fs::path temp = dir / name.str();
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(ErrorKind::Failed, "cannot write " + temp.string(), "check that the directory exists and is writable");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      fs::remove(temp, ignored);
      return fail(ErrorKind::Failed, "cannot write " + temp.string(), "check the free space of " + dir.string());
    }
  }
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return fail(ErrorKind::Failed, "cannot replace " + path.string() + ": " + error.message(),
                "check that it is not a directory and that its directory is writable");
  }
  return {};
}

}  // namespace faultline
