// util/environment.hpp is tested here: configuration is its main user.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "faultline/util/environment.hpp"

using namespace faultline;

TEST_CASE("MapEnvironment: unset is nullopt, empty is empty", "[environment]") {
  MapEnvironment env(std::map<std::string, std::string>{{"EMPTY", ""}});
  env.set("A", "1");
  CHECK(env.get("A") == std::optional<std::string>("1"));
  CHECK(env.get("EMPTY") == std::optional<std::string>(""));
  CHECK_FALSE(env.get("MISSING").has_value());
}

TEST_CASE("ProcessEnvironment reads the real environment", "[environment]") {
  ProcessEnvironment env;
  CHECK(env.get("PATH").has_value());
  CHECK_FALSE(env.get("FAULTLINE_TEST_SURELY_NOT_SET_4711").has_value());
}

TEST_CASE("ShellCommandRunner returns the output without its trailing newline", "[environment]") {
  ShellCommandRunner runner;
  auto output = runner.run("printf 'tok en\\n\\n'");
  REQUIRE(output);
  CHECK(*output == "tok en\n");  // only one newline is removed
  auto plain = runner.run("printf abc");
  REQUIRE(plain);
  CHECK(*plain == "abc");
}

TEST_CASE("ShellCommandRunner: a failing command is a Config error with its exit status, never its text or output",
          "[environment]") {
  ShellCommandRunner runner;
  auto failed = runner.run("echo leaked-output; echo leaked-stderr >&2; exit 3");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == ErrorKind::Config);
  CHECK(failed.error().message == "exit 3");
  CHECK_THAT(failed.error().hint, Catch::Contains("run the command yourself"));
  auto killed = runner.run("kill -9 $$");
  REQUIRE_FALSE(killed);
  CHECK(killed.error().message == "killed by signal 9");
}

TEST_CASE("ShellCommandRunner keeps the command's stderr out of ours; its stdout is the result", "[environment]") {
  // Our stderr goes to a file for the duration of the run, to see what reaches it.
  char path[] = "/tmp/faultline-stderr-XXXXXX";
  const int capture = mkstemp(path);
  REQUIRE(capture >= 0);
  const int saved = dup(STDERR_FILENO);
  dup2(capture, STDERR_FILENO);
  ShellCommandRunner runner;
  auto failed = runner.run("echo s3cr3t-on-stderr >&2; exit 2");
  auto worked = runner.run("echo noise-on-stderr >&2; printf tok-1234");
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(capture);
  std::ifstream in(path);
  const std::string seen((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  CHECK(seen.empty());
  REQUIRE_FALSE(failed);
  REQUIRE(worked);
  CHECK(*worked == "tok-1234");
}
