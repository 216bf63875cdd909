#include "faultline/util/environment.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace faultline {

namespace {

constexpr const char* k_run_by_hand = "run the command yourself to see why it fails";

}  // namespace

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
  // The command's stdout comes back through a pipe; its stderr goes to /dev/null, because what
  // a failing secret command says may quote the secret or the command line holding it. Its
  // stdin is ours, so a prompt that reads the terminal still works.
  std::array<int, 2> pipe_ends{};
  if (pipe2(pipe_ends.data(), O_CLOEXEC) != 0) {
    return fail(ErrorKind::Config, "could not be started (no pipe)", k_run_by_hand);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string text = command;
  std::array<char*, 4> argv{shell.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, shell.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  if (spawned != 0) {
    close(pipe_ends[0]);
    return fail(ErrorKind::Config, "could not be started (/bin/sh)", k_run_by_hand);
  }
  std::string output;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t got = read(pipe_ends[0], buffer.data(), buffer.size());
    if (got > 0) {
      output.append(buffer.data(), static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_ends[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) == -1) {
    if (errno != EINTR) return fail(ErrorKind::Config, "could not be waited for", k_run_by_hand);
  }
  if (WIFSIGNALED(status)) {
    return fail(ErrorKind::Config, fmt::format("killed by signal {}", WTERMSIG(status)), k_run_by_hand);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return fail(ErrorKind::Config, fmt::format("exit {}", WEXITSTATUS(status)), k_run_by_hand);
  }
  if (!output.empty() && output.back() == '\n') output.pop_back();
  if (!output.empty() && output.back() == '\r') output.pop_back();
  return output;
}

}  // namespace faultline
