// The command tree: global options, usage errors, exit codes, never prompting without a TTY.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "faultline/util/build_info.hpp"
#include "support/test_context.hpp"

using faultline::testing::TestApp;

TEST_CASE("--version prints the version and exits 0", "[cli]") {
  TestApp app;
  REQUIRE(app.run({"--version"}) == 0);
  CHECK(app.out.str().find("faultline " + std::string(faultline::version())) != std::string::npos);
}

TEST_CASE("an unknown command is a usage error with exit code 2", "[cli]") {
  TestApp app;
  CHECK(app.run({"frobnicate"}) == 2);
  CHECK(app.err.str().find("frobnicate") != std::string::npos);
}

TEST_CASE("every command's help shows examples", "[cli]") {
  for (const char* command : {"init", "doctor"}) {
    TestApp app;
    REQUIRE(app.run({command, "--help"}) == 0);
    CHECK(app.out.str().find("Examples:") != std::string::npos);
  }
  TestApp app;
  REQUIRE(app.run({"config", "show", "--help"}) == 0);
  CHECK(app.out.str().find("Examples:") != std::string::npos);
}

TEST_CASE("a bad config file exits 2 and names the file and line", "[cli][config]") {
  auto dir = std::filesystem::temp_directory_path() / "faultline-test-app-badconfig";
  std::filesystem::create_directories(dir);
  auto path = (dir / "bad.toml").string();
  {
    std::ofstream file(path);
    file << "[jira]\nurl = \"https://x.atlassian.net\"\nprojcet = \"OPS\"\n";
  }
  TestApp app;
  CHECK(app.run({"--config", path, "config", "show"}) == 2);
  const auto err = app.err.str();
  CHECK(err.find("bad.toml") != std::string::npos);
  CHECK(err.find(":3") != std::string::npos);
  CHECK(err.find("project") != std::string::npos);  // the did-you-mean hint
  std::filesystem::remove_all(dir);
}

TEST_CASE("config show masks the token taken from the environment", "[cli][config]") {
  TestApp app;
  app.env.set("FAULTLINE_JIRA_URL", "https://acme.atlassian.net");
  app.env.set("FAULTLINE_JIRA_TOKEN", "tok-SECRET-1234567890");
  REQUIRE(app.run({"config", "show"}) == 0);
  CHECK(app.out.str().find("tok-SECRET-1234567890") == std::string::npos);
  CHECK(app.out.str().find("FAULTLINE_JIRA_TOKEN") != std::string::npos);
  REQUIRE(app.run({"config", "show", "--json"}) == 0);
  CHECK(app.out.str().find("tok-SECRET-1234567890") == std::string::npos);
  auto json = nlohmann::json::parse(app.out.str());
  CHECK(json["jira"]["token"] == "***");
  CHECK(json["jira"]["url"] == "https://acme.atlassian.net");
}

TEST_CASE("init without a terminal never prompts: it names the missing flag and exits 2", "[cli][init]") {
  TestApp app;  // not a TTY
  CHECK(app.run({"init", "--output", "/nonexistent-dir/x.toml"}) == 2);
  CHECK(app.err.str().find("--jira-url") != std::string::npos);
}

TEST_CASE("init --non-interactive takes defaults, then fails naming the unset token variable", "[cli][init]") {
  TestApp app;
  CHECK(app.run({"init", "--non-interactive", "--jira-url", "https://acme.atlassian.net", "--output",
                 "/nonexistent-dir/x.toml"}) == 2);
  CHECK(app.err.str().find("JIRA_API_TOKEN") != std::string::npos);
}

TEST_CASE("init --non-interactive without --jira-url names that flag", "[cli][init]") {
  TestApp app;
  CHECK(app.run({"init", "--non-interactive", "--output", "/nonexistent-dir/x.toml"}) == 2);
  CHECK(app.err.str().find("--jira-url") != std::string::npos);
}

TEST_CASE("doctor without any configuration fails with the fix", "[cli][doctor]") {
  TestApp app;
  CHECK(app.run({"doctor", "--json"}) == 1);
  auto json = nlohmann::json::parse(app.out.str());
  CHECK(json["ok"] == false);
  REQUIRE(json["checks"].size() >= 1);
  CHECK(json["checks"][0]["status"] == "fail");
  CHECK(json["checks"][0]["fix"].get<std::string>().find("faultline init") != std::string::npos);
}
