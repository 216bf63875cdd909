// ActionRepository against a FakeTransport (Data Center): actions are matched by their id
// label, only the missing ones are created (in bulk chunks of 50), changed ones are updated,
// the parent's sub-tasks are read by key (never search), owners must exist, and "done" picks
// a transition into the done category.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faultline/app/action_repository.hpp"
#include "support/fake_transport.hpp"

using faultline::app::ActionRepository;
using faultline::app::ActionSpec;
using faultline::app::ExistingAction;
using faultline::http::Method;
using faultline::test::FakeTransport;

namespace {

faultline::jira::Client dc_client(FakeTransport& fake) {
  return faultline::jira::Client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                 faultline::jira::Flavor::DataCenter);
}

nlohmann::json sub_task(const std::string& key, const std::string& id, const std::string& summary, const std::string& due,
                        const std::string& assignee, const std::string& category = "new") {
  nlohmann::json labels = nlohmann::json::array({"fault-action", "fault-action-id-" + id, "fault-action-kind-prevent"});
  return {{"id", "1" + key.substr(key.find('-') + 1)},
          {"key", key},
          {"fields",
           {{"summary", summary},
            {"parent", {{"key", "FAULT-1"}, {"fields", {{"summary", "Checkout down"}}}}},
            {"assignee", assignee.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"name", assignee}, {"displayName", assignee}}},
            {"duedate", due},
            {"status", {{"name", category == "done" ? "Done" : "To Do"}, {"statusCategory", {{"key", category}}}}},
            {"labels", labels}}}};
}

ActionSpec spec(const std::string& id, const std::string& summary, int day, const std::string& owner) {
  ActionSpec s;
  s.id = id;
  s.summary = summary;
  s.due = date::year_month_day{date::year{2026}, date::December, date::day{static_cast<unsigned>(day)}};
  s.kind = "prevent";
  s.owner = owner;
  s.assignee = faultline::jira::UserRef{owner};
  return s;
}

faultline::config::Config config() {
  faultline::config::Config c;
  c.jira.project = "FAULT";
  c.jira.subtask_type = "Sub-task";
  faultline::config::Person alice;
  alice.key = "alice";
  alice.jira = "alice.w";
  c.people["alice"] = alice;
  return c;
}

}  // namespace

TEST_CASE("match_actions pairs specs with sub-tasks by id label or explicit key and spots changes", "[app][actions]") {
  std::vector<ExistingAction> existing(2);
  existing[0].action.key = "FAULT-2";
  existing[0].action.id = "alert";
  existing[0].action.summary = "Alert on 5xx";
  existing[0].action.owner = "alice";
  existing[0].action.due = date::year_month_day{date::year{2026}, date::December, date::day{1}};
  existing[0].labels = {"fault-action", "fault-action-id-alert", "fault-action-kind-prevent"};
  existing[1].action.key = "FAULT-3";
  existing[1].action.id = "";
  existing[1].labels = {"fault-action"};

  auto same = spec("alert", "Alert on 5xx", 1, "alice");
  auto moved = spec("alert", "Alert on 5xx", 2, "alice");
  auto by_key = spec("other", "Keyed", 3, "bob");
  by_key.key = "fault-3";
  auto missing = spec("new-one", "New", 4, "bob");
  auto matches = faultline::app::match_actions({same, moved, by_key, missing}, existing);
  REQUIRE(matches.size() == 4);
  CHECK(matches[0].existing == 0u);
  CHECK_FALSE(matches[0].needs_update);
  CHECK(matches[1].existing == 0u);
  CHECK(matches[1].needs_update);
  CHECK(matches[2].existing == 1u);
  CHECK(matches[2].needs_update);  // gets its id and kind labels
  CHECK_FALSE(matches[3].existing.has_value());
}

TEST_CASE("list reads the parent's sub-tasks by key and keeps only fault actions", "[app][actions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1")
      .query("fields", "subtasks")
      .reply(200, nlohmann::json{{"id", "10001"}, {"key", "FAULT-1"},
                                 {"fields", {{"subtasks", {{{"id", "10002"}, {"key", "FAULT-2"}}, {{"id", "10003"}, {"key", "FAULT-3"}}}}}}}
                      .dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2").reply(200, sub_task("FAULT-2", "alert", "Alert on 5xx", "2026-12-01", "alice").dump());
  auto plain = sub_task("FAULT-3", "x", "Not an action", "2026-12-01", "bob");
  plain["fields"]["labels"] = nlohmann::json::array({"chore"});
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-3").reply(200, plain.dump());
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto listed = repo.list("FAULT-1");
  REQUIRE(listed.has_value());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().action.key == "FAULT-2");
  CHECK(listed->front().action.id == "alert");
  CHECK(listed->front().action.parent == "FAULT-1");
  for (const auto& call : fake.calls()) CHECK(call.url.find("/search") == std::string::npos);
  fake.verify();
}

TEST_CASE("sync creates 61 missing actions in two bulk calls and leaves existing ones alone", "[app][actions][bulk]") {
  FakeTransport fake;
  std::vector<ActionSpec> specs;
  for (int i = 0; i < 61; ++i) specs.push_back(spec(fmt::format("act-{}", i), fmt::format("Action {}", i), 1 + i % 28, "alice"));
  // The first already exists with the same fields: no write for it.
  std::vector<ExistingAction> existing(1);
  existing[0].action.key = "FAULT-100";
  existing[0].action.id = "act-0";
  existing[0].action.summary = "Action 0";
  existing[0].action.owner = "alice";
  existing[0].action.due = specs[0].due;
  existing[0].labels = {"fault-action", "fault-action-id-act-0", "fault-action-kind-prevent"};

  auto bulk_reply = [](int first, int count) {
    nlohmann::json issues = nlohmann::json::array();
    for (int n = 0; n < count; ++n)
      issues.push_back({{"id", std::to_string(20000 + first + n)}, {"key", fmt::format("FAULT-{}", first + n)}, {"self", ""}});
    return nlohmann::json{{"issues", issues}, {"errors", nlohmann::json::array()}}.dump();
  };
  fake.on(Method::Post, "/rest/api/2/issue/bulk")
      .json_body([](const nlohmann::json& body) {
        const auto& first = body["issueUpdates"][0]["fields"];
        return body["issueUpdates"].size() == 50 && first["parent"]["key"] == "FAULT-1" &&
               first["issuetype"]["name"] == "Sub-task" && first["duedate"] == "2026-12-02" &&
               first["assignee"]["name"] == "alice" && first["labels"][1] == "fault-action-id-act-1";
      })
      .reply(201, bulk_reply(200, 50));
  fake.on(Method::Post, "/rest/api/2/issue/bulk")
      .json_body([](const nlohmann::json& body) { return body["issueUpdates"].size() == 10; })
      .reply(201, bulk_reply(250, 10));
  // Nothing is read back: the keys come from the bulk answers, the rest is what was sent.
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto synced = repo.sync("FAULT-1", specs, existing);
  REQUIRE(synced.has_value());
  REQUIRE(synced->size() == 61);
  CHECK_FALSE((*synced)[0].created);
  CHECK_FALSE((*synced)[0].updated);
  CHECK((*synced)[0].action.key == "FAULT-100");
  CHECK((*synced)[1].created);
  CHECK((*synced)[1].action.key == "FAULT-200");
  CHECK((*synced)[60].action.key == "FAULT-259");
  CHECK((*synced)[60].action.summary == "Action 60");
  CHECK(fake.calls().size() == 2);  // the two chunks, sent concurrently; no GET per sub-task
  fake.verify();
}

TEST_CASE("sync reports the sub-tasks a bulk call could not create", "[app][actions][bulk]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/2/issue/bulk")
      .reply(201, nlohmann::json{{"issues", {{{"id", "20001"}, {"key", "FAULT-5"}, {"self", ""}}}},
                                 {"errors", {{{"status", 400}, {"failedElementNumber", 1},
                                              {"elementErrors", {{"errorMessages", nlohmann::json::array()},
                                                                 {"errors", {{"duedate", "Due date is invalid."}}}}}}}}}
                      .dump());
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto synced = repo.sync("FAULT-1", {spec("a", "A", 1, "alice"), spec("b", "B", 2, "alice")}, {});
  REQUIRE_FALSE(synced.has_value());
  CHECK(synced.error().message.find("1 of 2") != std::string::npos);
  CHECK(synced.error().message.find("'B'") != std::string::npos);
  CHECK(synced.error().hint.find("re-run") != std::string::npos);
  fake.verify();
}

TEST_CASE("sync updates summary, due date and owner of an existing action", "[app][actions]") {
  FakeTransport fake;
  std::vector<ExistingAction> existing(1);
  existing[0].action.key = "FAULT-2";
  existing[0].action.id = "alert";
  existing[0].action.summary = "Alert";
  existing[0].action.owner = "bob";
  existing[0].labels = {"fault-action", "fault-action-id-alert", "team-x"};
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-2")
      .json_body([](const nlohmann::json& body) {
        const auto& f = body["fields"];
        return f["summary"] == "Alert on 5xx" && f["duedate"] == "2026-12-09" &&
               f["labels"] == nlohmann::json::array({"team-x", "fault-action", "fault-action-id-alert", "fault-action-kind-prevent"});
      })
      .reply(204);
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-2/assignee")
      .json_body([](const nlohmann::json& body) { return body["name"] == "alice"; })
      .reply(204);
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-2/properties/faultline.action").reply(200);
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto synced = repo.sync("FAULT-1", {spec("alert", "Alert on 5xx", 9, "alice")}, existing);
  REQUIRE(synced.has_value());
  CHECK((*synced)[0].updated);
  CHECK((*synced)[0].action.owner == "alice");  // as written: not read back
  CHECK((*synced)[0].action.summary == "Alert on 5xx");
  fake.verify();
}

TEST_CASE("resolve_owner maps people keys and refuses users Jira does not know", "[app][actions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/user/search")
      .query("username", "alice.w")
      .reply(200, R"([{"name":"alice.w","key":"JIRAUSER1","displayName":"Alice"}])");
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "nobody").reply(200, "[]");
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto alice = repo.resolve_owner("alice");
  REQUIRE(alice.has_value());
  CHECK(alice->id == "alice.w");
  CHECK(repo.resolve_owner("alice").has_value());  // cached: no second lookup
  auto nobody = repo.resolve_owner("nobody");
  REQUIRE_FALSE(nobody.has_value());
  CHECK(nobody.error().kind == faultline::ErrorKind::Usage);
  CHECK(nobody.error().hint.find("[people.nobody]") != std::string::npos);
  CHECK(nobody.error().message.find("'nobody'") != std::string::npos);
  fake.verify();
}

TEST_CASE("mark_done takes a transition into the done category and refuses non-actions", "[app][actions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2").reply(200, sub_task("FAULT-2", "alert", "Alert", "2026-12-01", "alice").dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2/transitions")
      .reply(200, R"({"transitions":[{"id":"11","name":"Start","to":{"name":"In Progress","statusCategory":{"key":"indeterminate"}}},
                                      {"id":"31","name":"Finish","to":{"name":"Done","statusCategory":{"key":"done"}}}]})");
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-2/transitions")
      .json_body([](const nlohmann::json& body) { return body["transition"]["id"] == "31"; })
      .reply(204);
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2")
      .reply(200, sub_task("FAULT-2", "alert", "Alert", "2026-12-01", "alice", "done").dump());
  auto plain = sub_task("FAULT-1", "x", "A fault", "2026-12-01", "bob");
  plain["fields"]["labels"] = nlohmann::json::array({"fault"});
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1").reply(200, plain.dump());
  auto client = dc_client(fake);
  auto cfg = config();
  ActionRepository repo(client, cfg);
  auto done = repo.mark_done("FAULT-2");
  REQUIRE(done.has_value());
  CHECK(done->updated);
  CHECK(done->action.status_category == "done");
  auto refused = repo.mark_done("FAULT-1");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == faultline::ErrorKind::Usage);
  fake.verify();
}
