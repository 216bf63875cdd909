// Starts faultline-sandbox as a child process for integration tests: port 0, first stdout
// line is its base URL; killed (SIGTERM, then waited for) when the object goes away, and
// killed by the kernel when the test process dies first.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace faultline::testing {

class SandboxProcess {
public:
  // Starts `faultline-sandbox --flavor <flavor> --port 0 <extra...>`. Throws when the binary
  // is missing (FAULTLINE_SANDBOX_BIN unset) or does not print its URL.
  explicit SandboxProcess(const std::string& flavor, std::vector<std::string> extra = {}) {
    const char* bin = std::getenv("FAULTLINE_SANDBOX_BIN");
    if (bin == nullptr || *bin == '\0') throw std::runtime_error("FAULTLINE_SANDBOX_BIN is not set (run the tests through ctest)");
    std::vector<std::string> args = {bin, "--flavor", flavor, "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    const pid_t parent = getpid();
    m_pid = fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
      // Dies with the test: a crashed test binary must not leave a sandbox holding ctest's
      // output pipe open (ctest then waits for its timeout).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    m_stdout = fdopen(out[0], "r");
    char line[512];
    if (m_stdout == nullptr || std::fgets(line, sizeof line, m_stdout) == nullptr) {
      stop();
      throw std::runtime_error("faultline-sandbox did not print its URL");
    }
    m_url = line;
    while (!m_url.empty() && (m_url.back() == '\n' || m_url.back() == '\r')) m_url.pop_back();
  }

  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess() { stop(); }

  // "http://127.0.0.1:PORT".
  const std::string& url() const { return m_url; }

  // SIGTERM and wait; returns the exit status (or -1 when already stopped).
  int stop() {
    int status = -1;
    if (m_pid > 0) {
      kill(m_pid, SIGTERM);
      waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
    if (m_stdout != nullptr) {
      std::fclose(m_stdout);
      m_stdout = nullptr;
    }
    return status;
  }

private:
  pid_t m_pid = -1;
  FILE* m_stdout = nullptr;
  std::string m_url;
};

}  // namespace faultline::testing
