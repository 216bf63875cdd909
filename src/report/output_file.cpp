// Atomic output files: a temporary file in the target's directory, written with POSIX calls
// (so errno says why a write failed), synced, then renamed over the target.
#include "output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <random>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace faultline::report {

namespace {

namespace fs = std::filesystem;

std::string os_reason(int error_number) { return std::generic_category().message(error_number); }

Error write_error(const fs::path& target, int error_number) {
  return Error{ErrorKind::Failed, "cannot write " + target.string() + ": " + os_reason(error_number),
               "check that the directory exists, is writable and has free space", 0, {}};
}

// Writes all of `bytes` to `fd` and syncs it; the errno of the failing call, or 0.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return ::fsync(fd) == 0 ? 0 : errno;
}

}  // namespace

fs::path temp_path_next_to(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device random;
  std::ostringstream name;
  name << '.' << target.filename().string() << '.' << std::hex << random() << random() << ".tmp";
  return dir / name.str();
}

Result<void> replace_with(const fs::path& temp, const fs::path& target) {
  if (::rename(temp.c_str(), target.c_str()) == 0) return {};
  const int error_number = errno;
  ::unlink(temp.c_str());
  return fail(ErrorKind::Failed, "cannot replace " + target.string() + ": " + os_reason(error_number),
              "check that it is not a directory and that its directory is writable");
}

Result<void> write_bytes_atomically(const fs::path& target, std::string_view bytes) {
  const fs::path temp = temp_path_next_to(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return std::unexpected(write_error(target, errno));
  const int write_errno = write_all(fd, bytes);
  const int close_errno = ::close(fd) == 0 ? 0 : errno;
  if (write_errno != 0 || close_errno != 0) {
    ::unlink(temp.c_str());
    return std::unexpected(write_error(target, write_errno != 0 ? write_errno : close_errno));
  }
  return replace_with(temp, target);
}

}  // namespace faultline::report
