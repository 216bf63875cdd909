// `remind` over the fake transport (Data Center): a kind with no route warns and claims
// nothing; everything reminded today means no lock and no write; a chat failure exits 1 after giving the claims back and removing the lock; the
// overdue JQL uses the team's today; --dry-run writes nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestApp;
using nlohmann::json;

namespace {

// 2026-11-25T23:30:00Z: 26 Nov 07:30 in Shanghai.
const faultline::core::TimePoint k_now{std::chrono::milliseconds{1795649400000}};

std::string write_config(const std::string& name, bool routed) {
  const auto dir = std::filesystem::temp_directory_path() / ("faultline-test-remind-" + name);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
       << "[http]\nmax_retries = 0\n\n"
       << "[people.alice]\njira = \"alice\"\n\n"
       << "[channels.ops]\nkind = \"generic\"\nurl_env = \"HOOK\"\n\n";
  if (routed) file << "[routes]\n\"actions.overdue\" = [\"ops\"]\n";
  return path;
}

json action_issue(const std::string& key, const char* due, const std::string& owner) {
  return json{{"id", "2" + key.substr(key.find('-') + 1)},
              {"key", key},
              {"fields",
               {{"summary", "Action " + key},
                {"parent", {{"key", "FAULT-1"}, {"fields", {{"summary", "Fault FAULT-1"}}}}},
                {"assignee", {{"name", owner}, {"displayName", owner}}},
                {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
                {"duedate", due},
                {"labels", {"fault-action"}}}}};
}

void stub_overdue_search(FakeTransport& fake, std::string* jql = nullptr) {
  json page{{"startAt", 0},
            {"maxResults", 50},
            {"total", 2},
            {"issues", {action_issue("FAULT-11", "2026-11-25", "alice"), action_issue("FAULT-12", "2026-11-24", "bob")}}};
  fake.on(Method::Get, "/rest/api/2/search")
      .when([jql](const faultline::http::Request& r) {
        auto q = query_param(r.url, "jql");
        if (jql != nullptr && q) *jql = *q;
        return q && q->find("fault-action") != std::string::npos;
      })
      .reply(200, page.dump());
}

const std::string k_property = "/properties/faultline.reminded";
const char* k_not_found = R"({"errorMessages":["The property with key 'faultline.reminded' does not exist."]})";

}  // namespace

TEST_CASE("remind: an overdue kind without a route warns and claims nothing", "[cli][remind]") {
  const auto config = write_config("unrouted", false);
  FakeTransport fake;
  std::string jql;
  stub_overdue_search(fake, &jql);
  TestApp app;
  app.clock.set(k_now);
  app.transport = &fake;
  app.env.set("T", "secret-token-1234567");
  app.env.set("HOOK", "https://chat.example.com/hook/secret");
  CHECK(app.run({"--config", config, "remind", "--overdue"}) == 0);
  CHECK(app.out.str().empty());
  CHECK(app.err.str().find("no channel is routed for actions.overdue") != std::string::npos);
  CHECK(jql.find("duedate < \"2026-11-26\"") != std::string::npos);  // today in Shanghai
  fake.verify();
}

TEST_CASE("remind: a chat failure exits 1, gives the claims back and removes the lock", "[cli][remind]") {
  const auto config = write_config("failure", true);
  FakeTransport fake;
  stub_overdue_search(fake);
  const std::string p11 = "/rest/api/2/issue/FAULT-11" + k_property;
  const std::string p12 = "/rest/api/2/issue/FAULT-12" + k_property;
  const json lock{{"overdue_lock", {{"at", "2026-11-25T23:30:00Z"}, {"by", "run-1"}}}};
  // 0. the first marker is due; 1. the lock on the first issue (in key order), written and
  // read back.
  fake.on(Method::Get, p11).reply(404, k_not_found).times(2);
  fake.on(Method::Put, p11).json_body([&](const json& b) { return b == lock; }).reply(201);
  fake.on(Method::Get, p11).reply(200, json{{"key", "faultline.reminded"}, {"value", lock}}.dump());
  // 2. the markers.
  fake.on(Method::Put, p11)
      .json_body([](const json& b) { return b.contains("overdue_lock") && b["overdue"]["by"] == "run-1"; })
      .reply(200);
  fake.on(Method::Get, p12).reply(404, k_not_found);
  fake.on(Method::Put, p12).json_body([](const json& b) { return b["overdue"]["by"] == "run-1"; }).reply(201);
  // 3. the message fails.
  fake.on(Method::Post, "/hook/secret").reply(500, "internal error");
  // 4. the markers given back, then the lock removed.
  fake.on(Method::Put, p11).json_body([&](const json& b) { return b == lock; }).reply(200);
  fake.on(Method::Put, p12).json_body([](const json& b) { return b == json::object(); }).reply(200);
  fake.on(Method::Put, p11).json_body([](const json& b) { return b == json::object(); }).reply(200);

  TestApp app;
  app.clock.set(k_now);
  app.transport = &fake;
  app.env.set("T", "secret-token-1234567");
  app.env.set("HOOK", "https://chat.example.com/hook/secret");
  CHECK(app.run({"--config", config, "--json", "remind", "--overdue", "--run-id", "run-1", "--claim-wait", "0"}) == 1);
  INFO(app.err.str());
  const auto summary = json::parse(app.out.str());
  CHECK(summary["run_id"] == "run-1");
  REQUIRE(summary["sent"].size() == 1);
  CHECK(summary["sent"][0]["status"] == "failed");
  CHECK(summary["sent"][0]["items"] == json::array({"FAULT-11", "FAULT-12"}));
  CHECK(app.err.str().find("secret") == std::string::npos);  // the webhook key is masked
  fake.verify();
}

TEST_CASE("remind --dry-run reads the markers and writes nothing", "[cli][remind]") {
  const auto config = write_config("dry-run", true);
  FakeTransport fake;
  stub_overdue_search(fake);
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-11" + k_property).reply(404, k_not_found).times(2);
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-12" + k_property)
      .reply(200, json{{"key", "faultline.reminded"},
                       {"value", {{"overdue", {{"at", "2026-11-25T22:00:00Z"}, {"by", "earlier"}}}}}}
                      .dump());
  TestApp app;
  app.clock.set(k_now);
  app.transport = &fake;
  app.env.set("T", "secret-token-1234567");
  app.env.set("HOOK", "https://chat.example.com/hook/secret");
  REQUIRE(app.run({"--config", config, "--dry-run", "remind", "--overdue", "--claim-wait", "0"}) == 0);
  const auto out = app.out.str();
  INFO(out << app.err.str());
  CHECK(out.find("would send POST https://chat.example.com/***") != std::string::npos);  // masked
  CHECK(out.find("dry-run actions.overdue\tops\tFAULT-11\n") != std::string::npos);  // FAULT-12: reminded today
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
  fake.verify();
}

TEST_CASE("remind: when every reminder was sent today nothing is locked or written", "[cli][remind]") {
  const auto config = write_config("quiet", true);
  FakeTransport fake;
  stub_overdue_search(fake);
  const json today{{"key", "faultline.reminded"}, {"value", {{"overdue", {{"at", "2026-11-25T16:30:00Z"}, {"by", "earlier"}}}}}};
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-11" + k_property).reply(200, today.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-12" + k_property).reply(200, today.dump());
  TestApp app;
  app.clock.set(k_now);
  app.transport = &fake;
  app.env.set("T", "secret-token-1234567");
  app.env.set("HOOK", "https://chat.example.com/hook/secret");
  // Default --claim-wait: no lock was taken, so the run does not wait either.
  CHECK(app.run({"--config", config, "remind", "--overdue"}) == 0);
  CHECK(app.out.str().empty());
  CHECK(app.err.str().empty());
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
  fake.verify();
}

TEST_CASE("remind: a marker that cannot be read is not sent, reported, exit 1", "[cli][remind]") {
  const auto config = write_config("unreadable", true);
  FakeTransport fake;
  stub_overdue_search(fake);
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-11" + k_property)
      .reply(500, R"({"errorMessages":["database is on fire"]})")
      .times(2);
  TestApp app;
  app.clock.set(k_now);
  app.transport = &fake;
  app.env.set("T", "secret-token-1234567");
  app.env.set("HOOK", "https://chat.example.com/hook/secret");
  CHECK(app.run({"--config", config, "--json", "remind", "--overdue", "--claim-wait", "0"}) == 1);
  CHECK(app.err.str().find("FAULT-11: cannot read faultline.reminded") != std::string::npos);
  const auto summary = json::parse(app.out.str());
  CHECK(summary["sent"].empty());
  REQUIRE(summary["skipped"].size() == 2);  // the whole group: it could not be locked
  CHECK(summary["skipped"][0]["reason"] == "failed");
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
  fake.verify();
}
