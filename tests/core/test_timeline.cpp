#include <catch2/catch.hpp>

#include "faultline/core/timeline.hpp"
#include "faultline/core/timestamp.hpp"

using namespace faultline::core;
using nlohmann::json;

namespace {

TimePoint at(const char* text) { return *parse_timestamp(text); }

// An issue as GET /rest/api/2/issue/FAULT-7?expand=changelog returns it on Data Center.
json dc_issue() {
  return json::parse(R"({
    "id": "10007", "key": "FAULT-7",
    "fields": {
      "summary": "Checkout errors",
      "created": "2026-11-25T10:00:00.000+0800",
      "reporter": {"name": "carol", "displayName": "Carol Wu"}
    },
    "changelog": {"startAt": 0, "maxResults": 3, "total": 3, "histories": [
      {"id": "20001", "author": {"name": "alice", "displayName": "Alice Liu"},
       "created": "2026-11-25T10:05:00.000+0800",
       "items": [
         {"field": "status", "fieldtype": "jira", "from": "1", "fromString": "Reported", "to": "3", "toString": "Handling"},
         {"field": "assignee", "fieldtype": "jira", "from": null, "fromString": null, "to": "alice", "toString": "Alice Liu"}
       ]},
      {"id": "20002", "author": {"name": "alice", "displayName": "Alice Liu"},
       "created": "2026-11-25T10:40:00.000+0800",
       "items": [
         {"field": "Fault Level", "fieldtype": "custom", "from": "10203", "fromString": "P3", "to": "10201", "toString": "P1"},
         {"field": "description", "fieldtype": "jira", "fromString": "old long text", "toString": "new long text"}
       ]},
      {"id": "20003", "author": {"accountId": "5b10", "displayName": "Bob"},
       "created": "2026-11-25T11:20:00.000+0800",
       "items": [
         {"field": "status", "fieldtype": "jira", "fieldId": "status", "from": "3", "fromString": "Handling", "to": "4", "toString": "Recovered"},
         {"field": "Cause", "fieldtype": "custom", "fromString": "unknown", "toString": null}
       ]}
    ]}
  })");
}

}  // namespace

TEST_CASE("build_timeline merges changelog, comments and rollbacks in time order", "[timeline]") {
  const std::vector<CommentLike> comments = {
      {at("2026-11-25T02:30:00Z"), "Alice Liu", "Cause found: bad config push"},
  };
  RollbackRecord rollback;
  rollback.service = "checkout";
  rollback.from_version = "1.4.2";
  rollback.to_version = "1.4.1";
  rollback.environment = "production";
  rollback.run_url = "https://github.com/acme/checkout/actions/runs/42";
  rollback.actor = "octocat";
  rollback.recorded_at = at("2026-11-25T03:10:00Z");
  const auto timeline = build_timeline(dc_issue(), comments, {rollback});

  struct Expected {
    const char* at;
    const char* kind;
    const char* author;
    const char* text;
  };
  const Expected expected[] = {
      {"2026-11-25T02:00:00Z", "created", "Carol Wu", "Fault reported: Checkout errors"},
      {"2026-11-25T02:05:00Z", "status", "Alice Liu", "Status: Reported → Handling"},
      {"2026-11-25T02:05:00Z", "field", "Alice Liu", "Assignee set to Alice Liu"},
      {"2026-11-25T02:30:00Z", "comment", "Alice Liu", "Cause found: bad config push"},
      {"2026-11-25T02:40:00Z", "field", "Alice Liu", "Fault Level: P3 → P1"},
      {"2026-11-25T02:40:00Z", "field", "Alice Liu", "Description edited"},
      {"2026-11-25T03:10:00Z", "rollback", "octocat",
       "Rollback of checkout from 1.4.2 to 1.4.1 in production (https://github.com/acme/checkout/actions/runs/42)"},
      {"2026-11-25T03:20:00Z", "status", "Bob", "Status: Handling → Recovered"},
      {"2026-11-25T03:20:00Z", "field", "Bob", "Cause cleared (was unknown)"},
  };
  REQUIRE(timeline.size() == std::size(expected));
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    INFO(i);
    CHECK(format_utc(timeline[i].at) == expected[i].at);
    CHECK(timeline[i].kind == expected[i].kind);
    CHECK(timeline[i].author == expected[i].author);
    CHECK(timeline[i].text == expected[i].text);
  }
}

TEST_CASE("Cloud's newest-first histories come out oldest first", "[timeline]") {
  auto issue = dc_issue();
  auto& histories = issue["changelog"]["histories"];
  std::reverse(histories.begin(), histories.end());
  const auto timeline = build_timeline(issue, {}, {});
  REQUIRE(timeline.size() == 7);
  CHECK(timeline.front().kind == "created");
  CHECK(timeline[1].text == "Status: Reported → Handling");
  CHECK(timeline.back().text == "Cause cleared (was unknown)");
}

TEST_CASE("a Cloud changelog page ('values') is read too", "[timeline]") {
  const auto page = json::parse(R"({"startAt": 0, "isLast": true, "values": [
    {"id": "1", "author": {"accountId": "abc"}, "created": "2026-11-25T02:00:00.000+0000",
     "items": [{"field": "status", "fieldId": "status", "fromString": "Reported", "toString": "Handling"}]}]})");
  const auto timeline = build_timeline(page, {}, {});
  REQUIRE(timeline.size() == 1);
  CHECK(timeline[0].author == "abc");
  CHECK(timeline[0].kind == "status");
}

TEST_CASE("malformed histories and items are skipped, not fatal", "[timeline]") {
  const auto issue = json::parse(R"({"changelog": {"histories": [
    "junk",
    {"created": "not a time", "items": [{"field": "status", "toString": "X"}]},
    {"created": "2026-11-25T02:00:00.000+0000", "items": "junk"},
    {"created": "2026-11-25T02:00:00.000+0000", "items": [7, {"field": "Team", "toString": "payments"}]}
  ]}})");
  const auto timeline = build_timeline(issue, {}, {});
  REQUIRE(timeline.size() == 1);
  CHECK(timeline[0].text == "Team set to payments");
  CHECK(timeline[0].author.empty());
  CHECK(build_timeline(json(nullptr), {}, {}).empty());
}

TEST_CASE("long field values are shortened to one line", "[timeline]") {
  json issue;
  issue["changelog"]["histories"] = json::array();
  issue["changelog"]["histories"].push_back(json{
      {"created", "2026-11-25T02:00:00.000+0000"},
      {"items", json::array({json{{"field", "Impact"}, {"fromString", nullptr},
                                  {"toString", std::string(300, 'x') + "\nsecond line"}}})}});
  const auto timeline = build_timeline(issue, {}, {});
  REQUIRE(timeline.size() == 1);
  CHECK(timeline[0].text.find('\n') == std::string::npos);
  CHECK(timeline[0].text.size() < 230);
  CHECK(timeline[0].text.rfind("…") == timeline[0].text.size() - std::string("…").size());
}

TEST_CASE("comments_from_json reads wiki and ADF bodies", "[timeline]") {
  const auto comments = comments_from_json(json::parse(R"({"comments": [
    {"author": {"name": "alice", "displayName": "Alice"}, "created": "2026-11-25T10:30:00.000+0800",
     "body": "Cause: *bad* config"},
    {"author": {"accountId": "5b10", "displayName": "Bob"}, "created": "2026-11-25T02:45:00.000+0000",
     "body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Rolled back"}]}]}},
    {"author": {"name": "x"}, "created": "garbage", "body": "skipped"}
  ]})"));
  REQUIRE(comments.size() == 2);
  CHECK(comments[0].author == "Alice");
  CHECK(comments[0].created == at("2026-11-25T02:30:00Z"));
  CHECK(comments[0].text == "Cause: bad config");
  CHECK(comments[1].text == "Rolled back");
}

TEST_CASE("timeline_to_json shows times in the zone", "[timeline]") {
  const std::vector<TimelineEntry> entries = {{at("2026-11-25T02:00:00Z"), "status", "Alice", "Status: A → B"}};
  const auto j = timeline_to_json(entries, date::locate_zone("Asia/Shanghai"));
  REQUIRE(j.size() == 1);
  CHECK(j[0]["at"] == "2026-11-25T10:00:00+08:00");
  CHECK(j[0]["kind"] == "status");
  CHECK(j[0]["author"] == "Alice");
  CHECK(j[0]["text"] == "Status: A → B");
  CHECK(timeline_to_json(entries, nullptr)[0]["at"] == "2026-11-25T02:00:00Z");
}

TEST_CASE("timeline comments drop faultline's operation marker and keep the words", "[core][timeline]") {
  CHECK(faultline::core::without_op_marker("Recovered at 10:00\n\nfaultline op 0123456789abcdef") == "Recovered at 10:00");
  CHECK(faultline::core::without_op_marker("Recovered  faultline op 0123456789abcdef  ") == "Recovered");
  // Only the marker at the end, and only the exact shape.
  CHECK(faultline::core::without_op_marker("faultline op 0123456789abcdef was here") ==
        "faultline op 0123456789abcdef was here");
  CHECK(faultline::core::without_op_marker("see faultline op 12345") == "see faultline op 12345");

  faultline::core::CommentLike comment;
  comment.created = faultline::core::TimePoint{} + std::chrono::hours(1);
  comment.author = "On-call";
  comment.text = "Cause found\nfaultline op fedcba9876543210";
  const auto entries = faultline::core::build_timeline(nlohmann::json::object(), {comment}, {});
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].text == "Cause found");
}
