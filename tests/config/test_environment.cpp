// util/environment.hpp is tested here: configuration is its main user.
#include <catch2/catch.hpp>

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

TEST_CASE("ShellCommandRunner: a failing command is a Config error naming it, never its output", "[environment]") {
  ShellCommandRunner runner;
  auto failed = runner.run("echo leaked-output; exit 3");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == ErrorKind::Config);
  CHECK_THAT(failed.error().message, Catch::Contains("echo leaked-output; exit 3") && Catch::Contains("status 3"));
  // The command text itself contains "leaked-output"; the output must not appear a second time.
  const auto message = failed.error().message;
  CHECK(message.find("leaked-output") == message.rfind("leaked-output"));
}
