// write_file_atomically: creates, replaces, leaves no temporary file, and fails without
// touching anything when the directory is missing or the target is a directory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/util/files.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The directory's entries, by name.
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / ("faultline-test-files-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

TEST_CASE("write_file_atomically creates and replaces a file and leaves no temporary file", "[files]") {
  TempDir dir("replace");
  const auto file = dir.path / "review.md";
  REQUIRE(faultline::write_file_atomically(file, "first\n").has_value());
  CHECK(read_all(file) == "first\n");
  REQUIRE(faultline::write_file_atomically(file, std::string("second\0binary", 13)).has_value());
  CHECK(read_all(file) == std::string("second\0binary", 13));
  REQUIRE(faultline::write_file_atomically(file, "").has_value());
  CHECK(read_all(file).empty());
  CHECK(entries(dir.path) == std::vector<std::string>{"review.md"});
}

TEST_CASE("write_file_atomically names the file when it cannot write and touches nothing", "[files]") {
  TempDir dir("fail");
  auto missing = faultline::write_file_atomically(dir.path / "no-such-dir" / "out.html", "x");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == faultline::ErrorKind::Failed);
  CHECK(missing.error().message.find("out.html") != std::string::npos);
  CHECK_FALSE(missing.error().hint.empty());

  // A directory where the file should go: the rename fails, the directory and its content stay.
  fs::create_directories(dir.path / "taken");
  std::ofstream(dir.path / "taken" / "keep.txt") << "keep";
  auto taken = faultline::write_file_atomically(dir.path / "taken", "x");
  REQUIRE_FALSE(taken.has_value());
  CHECK(taken.error().message.find("taken") != std::string::npos);
  CHECK(fs::is_directory(dir.path / "taken"));
  CHECK(read_all(dir.path / "taken" / "keep.txt") == "keep");
  CHECK(entries(dir.path) == std::vector<std::string>{"taken"});  // no temporary file left
}
