// The command tree: global options, usage errors, exit codes, never prompting without a TTY.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "faultline/util/build_info.hpp"
#include "support/fake_transport.hpp"
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

TEST_CASE("doctor: a refused createmeta is reported under the fault type, not as a wrong project; Jira's words once",
          "[cli][doctor]") {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-doctor-createmeta";
  std::filesystem::create_directories(dir);
  const auto config = (dir / "faultline.toml").string();
  std::ofstream(config) << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\n"
                           "project = \"FAULT\"\n";
  faultline::test::FakeTransport fake;
  using faultline::http::Method;
  fake.on(Method::Get, "/rest/api/2/myself").reply(200, faultline::test::fixture("jira/datacenter/myself.json"));
  fake.on(Method::Get, "/rest/api/2/project/FAULT").reply(200, R"({"id":"10000","key":"FAULT","name":"Faults"})");
  fake.on(Method::Get, "/rest/api/2/issue/createmeta/FAULT/issuetypes")
      .reply(404, R"({"errorMessages":["Issue type metadata is not available on this server."],"errors":{}})");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  app.run({"--config", config, "doctor", "--json"});
  auto report = nlohmann::json::parse(app.out.str());
  nlohmann::json project, fault_type;
  for (const auto& check : report["checks"]) {
    if (check["name"] == "jira.project") project = check;
    if (check["name"] == "jira.fault_type") fault_type = check;
  }
  CHECK(project["status"] == "pass");
  REQUIRE(fault_type.is_object());
  CHECK(fault_type["status"] == "fail");
  const std::string detail = fault_type["detail"];
  CHECK(detail.find("createmeta") != std::string::npos);
  // The server's sentence appears once, not again after "; ".
  const std::string words = "Issue type metadata is not available on this server.";
  const auto first = detail.find(words);
  REQUIRE(first != std::string::npos);
  CHECK(detail.find(words, first + 1) == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an HTTP error prints the server's words once", "[cli]") {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-words-once";
  std::filesystem::create_directories(dir);
  const auto config = (dir / "faultline.toml").string();
  std::ofstream(config) << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\n"
                           "project = \"FAULT\"\n";
  faultline::test::FakeTransport fake;
  fake.on(faultline::http::Method::Get, "/rest/api/2/issue/FAULT-1")
      .reply(400, R"({"errorMessages":["The field 'zzz' is not valid here."],"errors":{}})")
      .times(2);
  fake.on(faultline::http::Method::Get, "/rest/api/2/issue/FAULT-1/comment")
      .reply(200, R"({"startAt":0,"maxResults":100,"total":0,"comments":[]})")
      .times(2);
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  CHECK(app.run({"--config", config, "show", "FAULT-1"}) == 1);
  const auto err = app.err.str();
  const std::string words = "The field 'zzz' is not valid here.";
  const auto first = err.find(words);
  INFO(err);
  REQUIRE(first != std::string::npos);
  CHECK(err.find(words, first + 1) == std::string::npos);
  std::filesystem::remove_all(dir);
}
