// core/action: reading action sub-tasks from Jira JSON, ids, and the overdue arithmetic.
#include <catch2/catch.hpp>

#include "faultline/core/action.hpp"

using namespace faultline::core;
using nlohmann::json;

namespace {

constexpr date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

json cloud_issue() {
  return json::parse(R"({
    "id": "10042", "key": "FAULT-42",
    "fields": {
      "summary": "Add a circuit breaker",
      "parent": {"id": "10001", "key": "FAULT-1", "fields": {"summary": "Checkout down"}},
      "assignee": {"accountId": "5b10a2844c20165700ede21d", "displayName": "Dave"},
      "duedate": "2026-11-24",
      "status": {"name": "Handling", "statusCategory": {"key": "indeterminate"}},
      "labels": ["fault-action", "fault-action-id-circuit-breaker", "fault-action-kind-mitigate"]
    }
  })");
}

}  // namespace

TEST_CASE("action ids and their label", "[action]") {
  CHECK(action_id_label("circuit-breaker") == "fault-action-id-circuit-breaker");
  CHECK(is_valid_action_id("a"));
  CHECK(is_valid_action_id("0-retry-budget"));
  CHECK(is_valid_action_id(std::string(40, 'a')));
  CHECK_FALSE(is_valid_action_id(std::string(41, 'a')));
  CHECK_FALSE(is_valid_action_id(""));
  CHECK_FALSE(is_valid_action_id("-leading"));
  CHECK_FALSE(is_valid_action_id("Upper"));
  CHECK_FALSE(is_valid_action_id("has space"));
  CHECK_FALSE(is_valid_action_id("under_score"));
  CHECK(k_action_label == "fault-action");
  CHECK(k_action_property == "faultline.action");
}

TEST_CASE("action_fields names what action_from_issue reads", "[action]") {
  const auto fields = action_fields();
  for (const char* name : {"summary", "parent", "assignee", "duedate", "status", "labels"}) {
    CHECK(std::find(fields.begin(), fields.end(), name) != fields.end());
  }
}

TEST_CASE("action_from_issue reads a Cloud sub-task", "[action]") {
  auto action = action_from_issue(cloud_issue());
  REQUIRE(action);
  CHECK(action->key == "FAULT-42");
  CHECK(action->id == "circuit-breaker");
  CHECK(action->kind == "mitigate");
  CHECK(action->parent == "FAULT-1");
  CHECK(action->parent_summary == "Checkout down");
  CHECK(action->summary == "Add a circuit breaker");
  CHECK(action->owner == "5b10a2844c20165700ede21d");
  CHECK(action->owner_display == "Dave");
  REQUIRE(action->due);
  CHECK(*action->due == ymd(2026, 11, 24));
  CHECK(action->status == "Handling");
  CHECK(action->status_category == "indeterminate");
}

TEST_CASE("action_from_issue reads a Data Center sub-task and the property", "[action]") {
  auto issue = cloud_issue();
  issue["fields"]["assignee"] = json{{"name", "alice"}, {"key", "JIRAUSER10100"}, {"displayName", "Alice"}};
  issue["fields"]["labels"] = json::array({"fault-action"});
  issue["properties"] = json{{"faultline.action", {{"id", "from-property"}, {"kind", "detect"}, {"fault", "FAULT-1"}}}};
  auto action = action_from_issue(issue);
  REQUIRE(action);
  CHECK(action->owner == "alice");
  CHECK(action->id == "from-property");
  CHECK(action->kind == "detect");
}

TEST_CASE("action_from_issue: unassigned, no due date, odd labels", "[action]") {
  auto issue = cloud_issue();
  issue["fields"]["assignee"] = nullptr;
  issue["fields"].erase("duedate");
  issue["fields"]["labels"] = json::array({"fault-action-id-Bad Id", "fault-action-kind-unknown", 7});
  auto action = action_from_issue(issue);
  REQUIRE(action);
  CHECK(action->owner.empty());
  CHECK(action->owner_display.empty());
  CHECK_FALSE(action->due);
  CHECK(action->id.empty());
  CHECK(action->kind.empty());
}

TEST_CASE("action_from_issue rejects a bad due date and a missing key", "[action]") {
  auto issue = cloud_issue();
  issue["fields"]["duedate"] = "2026-02-30";
  auto bad_due = action_from_issue(issue);
  REQUIRE_FALSE(bad_due);
  CHECK(bad_due.error().message.find("FAULT-42") != std::string::npos);
  CHECK(bad_due.error().message.find("2026-02-30") != std::string::npos);
  issue = cloud_issue();
  issue.erase("key");
  CHECK_FALSE(action_from_issue(issue));
}

TEST_CASE("parse_due_date", "[action]") {
  CHECK(parse_due_date("2026-11-25") == ymd(2026, 11, 25));
  CHECK(parse_due_date("2028-02-29") == ymd(2028, 2, 29));
  CHECK_FALSE(parse_due_date("2026-02-29"));
  CHECK_FALSE(parse_due_date("2026-11-25T10:00:00Z"));
  CHECK_FALSE(parse_due_date("26-11-25"));
  CHECK_FALSE(parse_due_date("2026/11/25"));
  CHECK_FALSE(parse_due_date(""));
}

TEST_CASE("days_overdue: due today is not overdue, due yesterday is", "[action]") {
  Action action;
  action.status_category = "new";
  const auto today = ymd(2026, 11, 25);
  CHECK(days_overdue(action, today) == 0);  // no due date
  action.due = ymd(2026, 11, 25);
  CHECK(days_overdue(action, today) == 0);
  action.due = ymd(2026, 11, 26);
  CHECK(days_overdue(action, today) == 0);
  action.due = ymd(2026, 11, 24);
  CHECK(days_overdue(action, today) == 1);
  action.due = ymd(2026, 10, 31);
  CHECK(days_overdue(action, today) == 25);
  action.due = ymd(2025, 11, 25);
  CHECK(days_overdue(action, today) == 365);
  action.status_category = "done";
  CHECK(days_overdue(action, today) == 0);  // done is never overdue
}

TEST_CASE("action_to_json has the documented keys", "[action]") {
  auto action = action_from_issue(cloud_issue());
  REQUIRE(action);
  const auto j = action_to_json(*action, ymd(2026, 11, 27));
  for (const char* key : {"key", "parent", "summary", "owner", "due", "status", "days_overdue", "id", "kind"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["due"] == "2026-11-24");
  CHECK(j["days_overdue"] == 3);
  CHECK(j["owner"] == "5b10a2844c20165700ede21d");
  action->due.reset();
  CHECK(action_to_json(*action, ymd(2026, 11, 27))["due"].is_null());
}
