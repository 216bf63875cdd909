// Shared helpers of the config tests: a scripted CommandRunner and a temporary directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <stdlib.h>

#include "faultline/config/load.hpp"

namespace faultline::config::testing {

// Names to values: environment variables, or commands to their output.
using Vars = std::map<std::string, std::string>;

// Answers commands from a table and records every command it was asked to run.
class FakeRunner final : public CommandRunner {
public:
  explicit FakeRunner(std::map<std::string, std::string> outputs = {}) : m_outputs(std::move(outputs)) {}
  Result<std::string> run(const std::string& command) const override {
    m_calls.push_back(command);
    auto found = m_outputs.find(command);
    // As ShellCommandRunner words it: how it failed, never the command.
    if (found == m_outputs.end()) return fail(ErrorKind::Config, "exit 1");
    return found->second;
  }
  const std::vector<std::string>& calls() const { return m_calls; }

private:
  std::map<std::string, std::string> m_outputs;
  mutable std::vector<std::string> m_calls;
};

// A fresh directory under /tmp, removed with everything in it at the end of the scope.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "faultline-config-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  // Writes `text` to the relative path `name` (creating folders) with the given mode.
  std::string write(const std::string& name, const std::string& text,
                    std::filesystem::perms mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write) const {
    const auto file = m_path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    std::filesystem::permissions(file, mode);
    return file.string();
  }

private:
  std::filesystem::path m_path;
};

}  // namespace faultline::config::testing
