// Input checked at the edge, before any request: arguments that are not UTF-8, NUL bytes or
// broken UTF-8 in a description, a review file or the config file all exit 2 naming where
// the bad byte is; and a config file that shows a literal secret to its group exits 2 with
// the mode explained. The real binary ($FAULTLINE_BIN) is run for the exit codes a shell sees.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/test_context.hpp"

using faultline::testing::TestApp;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test, removed at the end of the scope.
class ScratchDir {
public:
  explicit ScratchDir(const std::string& name)
      : m_path(fs::temp_directory_path() / ("faultline-test-edge-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `bytes` to `name` with `mode`; returns the path.
  std::string write(const std::string& name, const std::string& bytes, fs::perms mode = fs::perms(0600)) const {
    const auto path = m_path / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    fs::permissions(path, mode);
    return path.string();
  }

private:
  fs::path m_path;
};

// A Data Center config: no flavor detection, so nothing goes out before a command's own work.
const std::string k_config =
    "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n"
    "[team]\ntimezone = \"Asia/Shanghai\"\n";

// How the real binary ended: its exit code and what it wrote on stderr.
struct BinaryRun {
  int exit_code = -1;
  std::string err;
};

// Runs $FAULTLINE_BIN with `args` (any bytes), T=secret-token-1234567 in its environment, no
// stdin, stdout discarded.
BinaryRun run_binary(const std::vector<std::string>& args) {
  const char* bin = std::getenv("FAULTLINE_BIN");
  REQUIRE(bin != nullptr);
  std::array<int, 2> err_pipe{};
  REQUIRE(pipe(err_pipe.data()) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(err_pipe[0]);
    setenv("T", "secret-token-1234567", 1);
    std::vector<std::string> texts = {bin};
    texts.insert(texts.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& text : texts) argv.push_back(text.data());
    argv.push_back(nullptr);
    execv(bin, argv.data());
    _exit(127);
  }
  close(err_pipe[1]);
  BinaryRun run;
  std::array<char, 4096> buffer{};
  ssize_t got = 0;
  while ((got = read(err_pipe[0], buffer.data(), buffer.size())) > 0) run.err.append(buffer.data(), static_cast<std::size_t>(got));
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

TEST_CASE("edge: broken UTF-8 in --title exits 2 naming the argument, before any request", "[cli][edge]") {
  ScratchDir dir("title");
  const auto config = dir.write("faultline.toml", k_config);
  TestApp app;  // no transport: a request would fail the run with exit 1
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "open", "--title", "DB \xff down", "--level", "P2"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("argument 5 (--title) is not valid UTF-8 (byte 0xff at offset 3)"));
  CHECK_THAT(app.err.str(), !Catch::Contains("json.exception"));
  CHECK(app.out.str().empty());

  CHECK(app.run({"--config", config, "open", "--level", "P2", "--title=DB \xc3"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("argument 6 (--title) is not valid UTF-8 (byte 0xc3 at offset 11)"));

  // A flag takes no value: the positional after it is not said to be the flag's.
  CHECK(app.run({"--config", config, "show", "--json", "FAULT-\xfe"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("argument 5 is not valid UTF-8 (byte 0xfe at offset 6)"));
}

TEST_CASE("edge: the real binary exits 2 on a broken argument, naming it", "[cli][edge][binary]") {
  ScratchDir dir("binary");
  const auto config = dir.write("faultline.toml", k_config);
  const auto run = run_binary({"--config", config, "open", "--title", "caf\xe9 down", "--level", "P1"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("argument 5 (--title) is not valid UTF-8 (byte 0xe9 at offset 3)") &&
                          !Catch::Contains("unexpected failure"));
}

TEST_CASE("edge: a NUL or broken UTF-8 in --description (file or stdin) exits 2 naming where", "[cli][edge]") {
  ScratchDir dir("description");
  const auto config = dir.write("faultline.toml", k_config);
  const auto notes = dir.write("notes.md", std::string("Payments fail.\nSee the gr\0aph.\n", 31));
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "open", "--title", "DB down", "--level", "P2", "--description", "@" + notes}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("--description: " + notes + ":2:11: a NUL byte (0x00) is not text"));

  app.in.str("caf\xe9 is closed\n");
  CHECK(app.run({"--config", config, "open", "--title", "DB down", "--level", "P2", "--description", "-"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("--description: stdin:1:4: byte 0xe9 is not valid UTF-8"));
}

TEST_CASE("edge: a prompt's answer that is not UTF-8 is a usage error naming the flag", "[cli][edge]") {
  ScratchDir dir("answer");
  const auto config = dir.write("faultline.toml", k_config);
  TestApp app;
  app.tty = true;
  app.env.set("T", "secret-token-1234567");
  app.in.str("DB \xff down\n");
  CHECK(app.run({"--config", config, "open", "--level", "P2"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains("the answer for --title is not text: byte 0xff is not valid UTF-8"));
}

TEST_CASE("edge: a NUL in a review file exits 2 naming file and line, before any request", "[cli][edge][review]") {
  ScratchDir dir("review");
  const auto config = dir.write("faultline.toml", k_config);
  const auto review = dir.write("FAULT-1.md", std::string("+++\nlevel = \"P2\"\n+++\n## Summary\nDisk \0full.\n", 44));
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "review", "render", "FAULT-1", review}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains(review + ":5: text: a NUL byte (0x00) at column 6 is not text"));
}

TEST_CASE("edge: a config file that is not UTF-8 exits 2 naming line and column", "[cli][edge][config]") {
  ScratchDir dir("config");
  const auto config = dir.write("faultline.toml", k_config + "[confluence]\nspace = \"OPS \xa0\"\n");
  TestApp app;
  CHECK(app.run({"--config", config, "config", "show"}) == 2);
  CHECK_THAT(app.err.str(), Catch::Contains(config + ":9:14: byte 0xa0 is not valid UTF-8"));
}

TEST_CASE("edge: a literal token in a group-readable config exits 2 explaining the mode", "[cli][edge][config]") {
  ScratchDir dir("mode");
  const std::string text = "[jira]\nurl = \"https://jira.example.com\"\ntoken = \"literal-token-42\"\n";
  for (const char* octal : {"0640", "0660", "0644", "0604"}) {
    INFO(octal);
    const auto config = dir.write(std::string("shared-") + octal + ".toml", text,
                                  fs::perms(std::stoi(octal, nullptr, 8)));
    const auto run = run_binary({"--config", config, "config", "show"});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains(config + ": holds a literal secret (jira.token at line 3) but its mode is " +
                                        octal) &&
                            Catch::Contains("chmod 600") && !Catch::Contains("literal-token-42") &&
                            !Catch::Contains("jira.token: ***"));
  }
  for (const char* octal : {"0600", "0400"}) {
    INFO(octal);
    const auto config = dir.write(std::string("private-") + octal + ".toml", text, fs::perms(std::stoi(octal, nullptr, 8)));
    const auto run = run_binary({"--config", config, "config", "show"});
    CHECK(run.exit_code == 0);
    CHECK(run.err.empty());
  }
}
