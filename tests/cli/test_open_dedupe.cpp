// `open --dedupe-key` racing another run on Cloud, over the fake transport: after creating,
// the search runs again (reconciling the new id) until it settles; of two open faults with the
// key the oldest wins, the newer is closed (workflow closed status, else a Done transition)
// with a comment naming the winner and linked to it (Duplicate, else Relates); a run whose
// issue lost reports the winner with "created": false and announces nothing.
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

constexpr const char* k_search = "/rest/api/3/search/jql";

// A Cloud config without coordinator or routes: the race is all these tests look at.
std::string write_cloud_config(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("faultline-test-open-dedupe-" + name);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream(path) << "[jira]\nurl = \"https://example.atlassian.net\"\nflavor = \"cloud\"\n"
                      << "user = \"oncall@example.com\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
                      << "[team]\ntimezone = \"Asia/Shanghai\"\n";
  return path;
}

// One open fault as search/jql returns it.
nlohmann::json fault_issue(const std::string& id, const std::string& key, const std::string& created) {
  return {{"id", id},
          {"key", key},
          {"fields",
           {{"summary", "Disk full on db1"},
            {"status", {{"name", "Reported"}, {"statusCategory", {{"key", "new"}}}}},
            {"created", created},
            {"labels", {"fault", "fault-level-p3"}}}},
          {"properties", {{"faultline", {{"schema", 1}, {"level", "P3"}, {"dedupe_key", "db1-disk"}}}}}};
}

std::string search_answer(std::vector<nlohmann::json> issues) {
  return nlohmann::json{{"issues", std::move(issues)}, {"isLast", true}}.dump();
}

const nlohmann::json k_older = fault_issue("10039", "FAULT-40", "2026-11-18T10:00:00.000+0800");
const nlohmann::json k_ours = fault_issue("10040", "FAULT-41", "2026-11-18T10:00:02.000+0800");

bool reconciles_ours(const nlohmann::json& body) {
  return body.contains("reconcileIssues") && body["reconcileIssues"] == nlohmann::json::array({10040});
}

// The first search (nothing open yet) and the create of FAULT-41 (id 10040).
void expect_miss_and_create(FakeTransport& fake) {
  fake.on(Method::Post, k_search)
      .json_body([](const nlohmann::json& body) { return !body.contains("reconcileIssues"); })
      .reply(200, search_answer({}));
  fake.on(Method::Post, "/rest/api/3/issue").reply(201, fixture("jira/cloud/create_issue.json"));
}

std::string transitions_answer(const std::string& id, const std::string& name, const std::string& to,
                               const std::string& category) {
  nlohmann::json transitions{
      {"transitions",
       {{{"id", "11"}, {"name", "Start Handling"}, {"to", {{"id", "10101"}, {"name", "Handling"}, {"statusCategory", {{"key", "indeterminate"}}}}}},
        {{"id", id}, {"name", name}, {"to", {{"id", "10104"}, {"name", to}, {"statusCategory", {{"key", category}}}}}}}}};
  return transitions.dump();
}

std::string link_types_answer(bool with_duplicate) {
  nlohmann::json types = nlohmann::json::array();
  types.push_back({{"id", "10000"}, {"name", "Blocks"}, {"inward", "is blocked by"}, {"outward", "blocks"}});
  if (with_duplicate)
    types.push_back({{"id", "10002"}, {"name", "Duplicate"}, {"inward", "is duplicated by"}, {"outward", "duplicates"}});
  types.push_back({{"id", "10003"}, {"name", "Relates"}, {"inward", "relates to"}, {"outward", "relates to"}});
  return nlohmann::json{{"issueLinkTypes", types}}.dump();
}

nlohmann::json run_open(TestApp& app, const std::string& config) {
  const int code = app.run({"--config", config, "--json", "open", "--title", "Disk full on db1", "--level", "P3",
                            "--dedupe-key", "db1-disk", "--no-notify"});
  INFO(app.err.str());
  REQUIRE(code == 0);
  return nlohmann::json::parse(app.out.str());
}

}  // namespace

TEST_CASE("open whose re-check sees an older fault with the key closes its own issue as the duplicate",
          "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("newer-loses");
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("41", "Close", "Closed", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-41/transitions")
      .json_body([](const nlohmann::json& body) {
        return body["transition"]["id"] == "41" && body.dump().find("Duplicate of FAULT-40") != std::string::npos &&
               body.dump().find("db1-disk") != std::string::npos;
      })
      .reply(204);
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) {
        return body["type"]["name"] == "Duplicate" && body["inwardIssue"]["key"] == "FAULT-40" &&
               body["outwardIssue"]["key"] == "FAULT-41";
      })
      .reply(201);

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-40");
  CHECK(json["created"] == false);
  CHECK(json["duplicate_of"] == "FAULT-40");
  CHECK(json["closed_duplicate"] == "FAULT-41");
  CHECK(json["duplicates_closed"] == nlohmann::json::array({"FAULT-41"}));
  CHECK(json["notifications"].empty());
  fake.verify();
  // Settled at the first re-check: no watcher, no re-read, no second search.
  CHECK(fake.calls().size() == 7);
}

TEST_CASE("open whose issue is the older one closes the newer racing fault and stands", "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("older-wins");
  const auto newer = fault_issue("10041", "FAULT-42", "2026-11-18T10:00:03.000+0800");
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours, newer}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-42/transitions").reply(200, transitions_answer("41", "Close", "Closed", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-42/transitions")
      .json_body([](const nlohmann::json& body) { return body.dump().find("Duplicate of FAULT-41") != std::string::npos; })
      .reply(204);
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) {
        return body["inwardIssue"]["key"] == "FAULT-41" && body["outwardIssue"]["key"] == "FAULT-42";
      })
      .reply(201);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").reply(200, fixture("cli/fault_get_new_cloud.json"));

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-41");
  CHECK(json["created"] == true);
  CHECK(json["duplicate_of"].is_null());
  CHECK(json["closed_duplicate"].is_null());
  CHECK(json["duplicates_closed"] == nlohmann::json::array({"FAULT-42"}));
  fake.verify();
}

TEST_CASE("open keeps looking while the index lags and falls back to a Done transition and a Relates link",
          "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("lagging");
  FakeTransport fake;
  expect_miss_and_create(fake);
  // The first two re-checks show only our own (reconciled) issue; the third the older one too.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours})).times(2);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(false));
  // No transition to "Closed" in this workflow: the one into a Done-category status is used.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("71", "Resolve", "Done", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-41/transitions")
      .json_body([](const nlohmann::json& body) { return body["transition"]["id"] == "71"; })
      .reply(204);
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) { return body["type"]["name"] == "Relates"; })
      .reply(201);

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-40");
  CHECK(json["created"] == false);
  CHECK(json["closed_duplicate"] == "FAULT-41");
  fake.verify();
}

TEST_CASE("open whose issue a racing run already closed reports the winner and closes nothing itself",
          "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("closed-by-other");
  FakeTransport fake;
  expect_miss_and_create(fake);
  // Our issue is gone from the open faults: the other run closed it.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older}));
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, closed.dump());

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-40");
  CHECK(json["created"] == false);
  CHECK(json["duplicate_of"] == "FAULT-40");
  CHECK(json["closed_duplicate"] == "FAULT-41");
  CHECK(json["duplicates_closed"].empty());
  fake.verify();
}

TEST_CASE("open whose issue was closed while the index still hides the winner finds the winner through the link",
          "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("closed-winner-hidden");
  FakeTransport fake;
  expect_miss_and_create(fake);
  // Ours no longer matches (closed) and the older fault is not indexed yet: nothing comes back.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({})).times(2);
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  // First look: the racing run closed ours but has not linked it yet; second look: linked.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, closed.dump());
  auto linked = closed;
  linked["fields"]["issuelinks"] = {{{"id", "20001"},
                                     {"type", {{"name", "Duplicate"}, {"inward", "is duplicated by"}, {"outward", "duplicates"}}},
                                     {"outwardIssue", {{"id", "10039"}, {"key", "FAULT-40"}}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, linked.dump());
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-40").reply(200, k_older.dump());

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-40");
  CHECK(json["created"] == false);
  CHECK(json["duplicate_of"] == "FAULT-40");
  CHECK(json["closed_duplicate"] == "FAULT-41");
  CHECK(json["duplicates_closed"].empty());
  fake.verify();
}

TEST_CASE("a racing duplicate closed meanwhile by the other run counts as closed", "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("closed-meanwhile");
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  // Only "Reopen" is left: the issue is Closed already.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("51", "Reopen", "Handling", "indeterminate"));
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status").reply(200, closed.dump());
  fake.on(Method::Post, "/rest/api/3/issueLink").reply(201);

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-40");
  CHECK(json["closed_duplicate"] == "FAULT-41");
  fake.verify();
}

TEST_CASE("open without a racing fault searches again over the settle window, then stands", "[cli][open][dedupe][race]") {
  const auto config = write_cloud_config("alone");
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours})).times(5);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").reply(200, fixture("cli/fault_get_new_cloud.json"));

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  const auto json = run_open(app, config);
  CHECK(json["key"] == "FAULT-41");
  CHECK(json["created"] == true);
  CHECK(json["duplicates_closed"].empty());
  fake.verify();
}
