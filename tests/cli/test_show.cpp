// `show` over the fake transport (Data Center): the fault's actions come from the parent's
// subtasks field and a read of each sub-task (never a search, which lags on Cloud), only
// fault-action sub-tasks are listed, earliest due date first, and the text and --json output
// carry them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::fixture;
using faultline::testing::TestApp;

namespace {

std::string write_config() {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-show";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\n";
  return path;
}

nlohmann::json fault_issue() {
  return {{"id", "10007"},
          {"key", "FAULT-7"},
          {"fields",
           {{"summary", "Disk full on db1"},
            {"issuetype", {{"name", "Fault"}}},
            {"status", {{"name", "Handling"}, {"statusCategory", {{"key", "indeterminate"}}}}},
            {"created", "2026-11-18T10:00:00.000+0800"},
            {"labels", {"fault", "fault-level-p3"}},
            {"subtasks", {{{"key", "FAULT-8"}}, {{"key", "FAULT-9"}}, {{"key", "FAULT-10"}}}}}},
          {"properties", {{"faultline", {{"schema", 1}, {"level", "P3"}, {"service", "db"}}}}},
          {"changelog", {{"histories", nlohmann::json::array()}}}};
}

nlohmann::json sub_task(const std::string& key, const std::string& summary, const nlohmann::json& due, bool action) {
  nlohmann::json labels = action ? nlohmann::json::array({"fault-action", "fault-action-id-" + key}) : nlohmann::json::array();
  return {{"id", "2" + key.substr(6)},
          {"key", key},
          {"fields",
           {{"summary", summary},
            {"parent", {{"key", "FAULT-7"}}},
            {"assignee", {{"name", "alice"}, {"displayName", "Alice Wang"}}},
            {"duedate", due},
            {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
            {"labels", labels}}}};
}

void expect_reads(FakeTransport& fake) {
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7").reply(200, fault_issue().dump()).times(2);  // record, subtasks
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/comment").reply(200, fixture("cli/comments_empty_dc.json"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-8").reply(200, sub_task("FAULT-8", "Write a runbook", nullptr, true).dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-9").reply(200, sub_task("FAULT-9", "Alert on disk", "2026-12-01", true).dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-10").reply(200, sub_task("FAULT-10", "Not an action", "2026-11-20", false).dump());
}

}  // namespace

TEST_CASE("show reads the fault's actions from its sub-tasks, never by search", "[cli][fault][show]") {
  const auto config = write_config();
  {
    FakeTransport fake;  // no /search registered: a search fails the test
    expect_reads(fake);
    TestApp app;
    app.env.set("T", "secret-token-1234567");
    app.transport = &fake;
    const int code = app.run({"--config", config, "--json", "show", "FAULT-7"});
    INFO(app.err.str());
    REQUIRE(code == 0);
    auto json = nlohmann::json::parse(app.out.str());
    CHECK(json["key"] == "FAULT-7");
    REQUIRE(json["actions"].size() == 2);
    CHECK(json["actions"][0] == nlohmann::json{{"key", "FAULT-9"}, {"summary", "Alert on disk"}, {"status", "To Do"},
                                               {"status_category", "new"}, {"owner", "Alice Wang"}, {"due", "2026-12-01"},
                                               {"url", "https://jira.example.com/browse/FAULT-9"}});
    CHECK(json["actions"][1]["key"] == "FAULT-8");
    CHECK(json["actions"][1]["due"] == "");
    fake.verify();
  }
  FakeTransport fake;
  expect_reads(fake);
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "show", "FAULT-7"}) == 0);
  const auto out = app.out.str();
  CHECK(out.find("FAULT-9\tTo Do\tAlice Wang\t2026-12-01\tAlert on disk\n") != std::string::npos);
  CHECK(out.find("FAULT-8\tTo Do\tAlice Wang\t\tWrite a runbook\n") != std::string::npos);
  CHECK(out.find("FAULT-10") == std::string::npos);
  fake.verify();
}
