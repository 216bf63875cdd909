#include "faultline/util/environment.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace faultline {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  auto found = m_values.find(std::string(name));
  if (found == m_values.end()) return std::nullopt;
  return found->second;
}

Result<std::string> ShellCommandRunner::run(const std::string& command) const {
  // popen runs the command with /bin/sh -c; its stderr stays on ours so prompts show.
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return fail(ErrorKind::Config, fmt::format("could not start the command `{}`", command));
  }
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), read);
  const int status = pclose(pipe);
  if (status == -1) {
    return fail(ErrorKind::Config, fmt::format("could not wait for the command `{}`", command));
  }
  if (WIFSIGNALED(status)) {
    return fail(ErrorKind::Config, fmt::format("the command `{}` was killed by signal {}", command, WTERMSIG(status)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return fail(ErrorKind::Config, fmt::format("the command `{}` exited with status {}", command, WEXITSTATUS(status)),
                "run it by hand to see why it fails");
  }
  if (!output.empty() && output.back() == '\n') output.pop_back();
  if (!output.empty() && output.back() == '\r') output.pop_back();
  return output;
}

}  // namespace faultline
