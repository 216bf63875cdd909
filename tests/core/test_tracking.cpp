// core/tracking: the lanes' JQL, lane assignment around midnight and across time zones,
// lane ordering and the board JSON model.
#include <catch2/catch.hpp>

#include "faultline/core/tracking.hpp"
#include "support/zones.hpp"

using namespace faultline::core;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

TimePoint utc(int y, unsigned m, unsigned d, std::chrono::minutes time) {
  return TimePoint{date::sys_days{ymd(y, m, d)}} + time;
}

using faultline::testing::zone;

Action action(std::string key, std::optional<date::year_month_day> due, std::string category = "new") {
  Action a;
  a.key = std::move(key);
  a.due = due;
  a.status_category = std::move(category);
  a.status = a.status_category == "done" ? "Closed" : "Reported";
  a.parent = "FAULT-1";
  return a;
}

std::vector<std::string> keys(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(a.key);
  return out;
}

}  // namespace

TEST_CASE("open_faults_jql", "[tracking]") {
  CHECK(open_faults_jql("FAULT", "Fault") ==
        R"((project = "FAULT") AND (issuetype = "Fault") AND (statusCategory != "Done") ORDER BY created ASC)");
  // A hostile project name stays one literal.
  CHECK(open_faults_jql("X\" OR project = \"Y", "Fault").find(R"("X\" OR project = \"Y")") != std::string::npos);
}

TEST_CASE("actions_jql per lane with the date passed in", "[tracking]") {
  ActionQuery query;
  query.project = "FAULT";
  query.today = ymd(2026, 11, 26);
  CHECK(actions_jql(query) ==
        R"((project = "FAULT") AND (labels = "fault-action") AND (statusCategory != "Done") ORDER BY duedate ASC, key ASC)");
  query.lane = ActionLane::Overdue;
  CHECK(actions_jql(query) ==
        R"((project = "FAULT") AND (labels = "fault-action") AND (statusCategory != "Done") AND (duedate < "2026-11-26") ORDER BY duedate ASC, key ASC)");
  query.lane = ActionLane::Pending;
  query.owner = "alice";
  CHECK(actions_jql(query) ==
        R"((project = "FAULT") AND (labels = "fault-action") AND (statusCategory != "Done") AND (duedate >= "2026-11-26" OR duedate is EMPTY) AND (assignee = "alice") ORDER BY duedate ASC, key ASC)");
  // Never JQL's own clock: the zone is faultline's.
  CHECK(actions_jql(query).find("now(") == std::string::npos);
  CHECK(actions_jql(query).find("startOfDay") == std::string::npos);
}

TEST_CASE("actions_jql: quoted owner and parents in chunks", "[tracking]") {
  ActionQuery query;
  query.project = "FAULT";
  query.today = ymd(2026, 11, 26);
  query.lane = ActionLane::Overdue;
  query.owner = "eve\" OR assignee is not EMPTY OR x = \"";
  CHECK(actions_jql(query).find(R"(assignee = "eve\" OR assignee is not EMPTY OR x = \"")") != std::string::npos);
  query.owner.clear();
  for (int i = 1; i <= 5; ++i) query.parents.push_back("FAULT-" + std::to_string(i));
  const auto chunks = actions_jql_chunks(query, 2);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].find(R"(parent in ("FAULT-1", "FAULT-2"))") != std::string::npos);
  CHECK(chunks[1].find(R"(parent in ("FAULT-3", "FAULT-4"))") != std::string::npos);
  CHECK(chunks[2].find(R"(parent in ("FAULT-5"))") != std::string::npos);
  query.parents.clear();
  CHECK(actions_jql_chunks(query, 2).size() == 1);
}

TEST_CASE("lane_of: due today is pending, due yesterday is overdue, done has no lane", "[tracking]") {
  const auto today = ymd(2026, 11, 25);
  CHECK(lane_of(action("A-1", ymd(2026, 11, 24)), today) == ActionLane::Overdue);
  CHECK(lane_of(action("A-2", ymd(2026, 11, 25)), today) == ActionLane::Pending);
  CHECK(lane_of(action("A-3", ymd(2026, 11, 26)), today) == ActionLane::Pending);
  CHECK(lane_of(action("A-4", std::nullopt), today) == ActionLane::Pending);
  CHECK_FALSE(lane_of(action("A-5", ymd(2026, 11, 1), "done"), today));
  // Month and year boundaries.
  CHECK(lane_of(action("A-6", ymd(2026, 11, 30)), ymd(2026, 12, 1)) == ActionLane::Overdue);
  CHECK(lane_of(action("A-7", ymd(2026, 12, 31)), ymd(2027, 1, 1)) == ActionLane::Overdue);
  CHECK(lane_of(action("A-8", ymd(2027, 1, 1)), ymd(2027, 1, 1)) == ActionLane::Pending);
}

TEST_CASE("the team's zone decides today, around midnight", "[tracking]") {
  const auto* shanghai = zone("Asia/Shanghai");    // UTC+8
  const auto* new_york = zone("America/New_York");  // UTC-5 in November
  const auto* utc_zone = zone("UTC");
  // 2026-11-25T23:30Z is 26 Nov 07:30 in Shanghai, 25 Nov 18:30 in New York.
  const auto late = utc(2026, 11, 25, 23h + 30min);
  CHECK(today_in(late, shanghai) == ymd(2026, 11, 26));
  CHECK(today_in(late, utc_zone) == ymd(2026, 11, 25));
  CHECK(today_in(late, new_york) == ymd(2026, 11, 25));
  const auto due_25 = action("A-1", ymd(2026, 11, 25));
  CHECK(lane_of(due_25, today_in(late, shanghai)) == ActionLane::Overdue);
  CHECK(days_overdue(due_25, today_in(late, shanghai)) == 1);
  CHECK(lane_of(due_25, today_in(late, utc_zone)) == ActionLane::Pending);
  CHECK(lane_of(due_25, today_in(late, new_york)) == ActionLane::Pending);

  // The second before and at midnight in Shanghai (16:00Z).
  const auto before = utc(2026, 11, 25, 15h + 59min) + 59s;
  const auto midnight = utc(2026, 11, 25, 16h);
  CHECK(lane_of(due_25, today_in(before, shanghai)) == ActionLane::Pending);
  CHECK(lane_of(due_25, today_in(midnight, shanghai)) == ActionLane::Overdue);

  // New York's midnight is 05:00Z: at 04:59Z on the 26th it is still the 25th there.
  const auto ny_before = utc(2026, 11, 26, 4h + 59min);
  const auto ny_midnight = utc(2026, 11, 26, 5h);
  CHECK(lane_of(due_25, today_in(ny_before, new_york)) == ActionLane::Pending);
  CHECK(lane_of(due_25, today_in(ny_midnight, new_york)) == ActionLane::Overdue);
  CHECK(lane_of(due_25, today_in(ny_before, utc_zone)) == ActionLane::Overdue);
}

TEST_CASE("today_in across a DST change", "[tracking]") {
  const auto* new_york = zone("America/New_York");
  // 2026-11-01 02:00 EDT -> 01:00 EST. 04:30Z is 00:30 EDT on the 1st; 05:30Z is 01:30 EDT.
  CHECK(today_in(utc(2026, 11, 1, 3h + 59min), new_york) == ymd(2026, 10, 31));
  CHECK(today_in(utc(2026, 11, 1, 4h), new_york) == ymd(2026, 11, 1));
  // Midnight of the 2nd is 05:00Z (EST).
  CHECK(today_in(utc(2026, 11, 2, 4h + 59min), new_york) == ymd(2026, 11, 1));
  CHECK(today_in(utc(2026, 11, 2, 5h), new_york) == ymd(2026, 11, 2));
}

TEST_CASE("assign_lanes sorts, drops done and repeats", "[tracking]") {
  const auto today = ymd(2026, 11, 25);
  std::vector<Action> all = {
      action("FAULT-10", ymd(2026, 11, 24)),        // 1 day overdue
      action("FAULT-9", std::nullopt),              // pending, no date: last
      action("FAULT-2", ymd(2026, 11, 20)),         // 5 days overdue
      action("FAULT-11", ymd(2026, 11, 27)),        // pending
      action("FAULT-3", ymd(2026, 11, 25)),         // due today: pending first
      action("FAULT-4", ymd(2026, 11, 1), "done"),  // dropped
      action("FAULT-12", ymd(2026, 11, 24)),        // 1 day overdue, after FAULT-10
      action("FAULT-2", ymd(2026, 11, 20)),         // repeated (a shifted page)
      action("FAULT-100", std::nullopt),            // pending, no date, after FAULT-9
  };
  const auto lanes = assign_lanes(all, today);
  CHECK(keys(lanes.overdue) == std::vector<std::string>{"FAULT-2", "FAULT-10", "FAULT-12"});
  CHECK(keys(lanes.pending) == std::vector<std::string>{"FAULT-3", "FAULT-11", "FAULT-9", "FAULT-100"});
}

TEST_CASE("key_less compares issue numbers as numbers", "[tracking]") {
  CHECK(key_less("FAULT-9", "FAULT-10"));
  CHECK_FALSE(key_less("FAULT-10", "FAULT-9"));
  CHECK(key_less("ABC-100", "FAULT-1"));
  CHECK_FALSE(key_less("FAULT-1", "FAULT-1"));
}

TEST_CASE("filters by parent and team", "[tracking]") {
  std::vector<Action> all = {action("A-1", std::nullopt), action("A-2", std::nullopt)};
  all[1].parent = "FAULT-2";
  CHECK(keys(filter_by_parent(all, {"FAULT-2"})) == std::vector<std::string>{"A-2"});
  CHECK(filter_by_parent(all, {}).empty());

  std::vector<Fault> faults(3);
  faults[0].key = "FAULT-1";
  faults[0].team = "Payments";
  faults[1].key = "FAULT-2";
  faults[1].team = "search";
  faults[2].key = "FAULT-3";
  CHECK(filter_faults_by_team(faults, "payments").size() == 1);
  CHECK(filter_faults_by_team(faults, "").size() == 3);
  CHECK(filter_faults_by_team(faults, "nobody").empty());
}

TEST_CASE("sort_fault_lane: level first, then oldest", "[tracking]") {
  std::vector<Fault> faults(4);
  faults[0].key = "FAULT-1";
  faults[0].level = "P3";
  faults[0].started_at = utc(2026, 11, 20, 0min);
  faults[1].key = "FAULT-2";
  faults[1].level = "P1";
  faults[1].started_at = utc(2026, 11, 24, 0min);
  faults[2].key = "FAULT-3";
  faults[2].level = "P1";
  faults[2].created = utc(2026, 11, 23, 0min);
  faults[3].key = "FAULT-4";
  faults[3].level = "";
  sort_fault_lane(faults);
  std::vector<std::string> order;
  for (const auto& f : faults) order.push_back(f.key);
  CHECK(order == std::vector<std::string>{"FAULT-3", "FAULT-2", "FAULT-1", "FAULT-4"});
}

TEST_CASE("board_json: lanes, fault age, last update and review deadline", "[tracking]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto now = utc(2026, 11, 25, 23h + 30min);  // 26 Nov 07:30 in Shanghai
  ReviewPolicy policy;
  policy.default_hours = 24;
  policy.hours_by_level = {{"P1", 12}};

  Fault open;
  open.key = "FAULT-1";
  open.level = "P2";
  open.status = "Handling";
  open.started_at = now - 3h - 20min;
  open.last_update_at = now - 45min;
  Fault recovered;
  recovered.key = "FAULT-2";
  recovered.level = "P1";
  recovered.status = "Recovered";
  recovered.created = now - 26h;
  recovered.updated = now - 2h;
  recovered.recovered_at = now - 13h;

  const auto lanes = assign_lanes({action("FAULT-5", ymd(2026, 11, 25)), action("FAULT-6", ymd(2026, 11, 26)),
                                   action("FAULT-7", ymd(2026, 11, 27)), action("FAULT-8", ymd(2026, 11, 24), "done")},
                                  today_in(now, shanghai));
  const auto board = board_json({open, recovered}, lanes, now, shanghai, policy);
  REQUIRE(board["faults"].size() == 2);
  const auto& f1 = board["faults"][0];
  CHECK(f1["key"] == "FAULT-1");
  CHECK(f1["age"] == "3h 20m");
  CHECK(f1["age_minutes"] == 200);
  CHECK(f1["since_update"] == "45m");
  CHECK(f1["last_update"] == "2026-11-26T06:45:00+08:00");
  CHECK(f1["review_deadline"].is_null());
  CHECK(f1["review_state"] == "not_due");
  const auto& f2 = board["faults"][1];
  CHECK(f2["age"] == "1d 2h");
  CHECK(f2["last_update"] == "2026-11-26T05:30:00+08:00");  // updated, no explicit update
  CHECK(f2["review_deadline"] == "2026-11-26T06:30:00+08:00");  // recovered + 12h (P1)
  CHECK(f2["review_state"] == "overdue");

  REQUIRE(board["overdue"].size() == 1);
  CHECK(board["overdue"][0]["key"] == "FAULT-5");
  CHECK(board["overdue"][0]["days_overdue"] == 1);
  REQUIRE(board["pending"].size() == 2);
  CHECK(board["pending"][0]["key"] == "FAULT-6");
  CHECK(board["pending"][0]["days_overdue"] == 0);
  CHECK(board["pending"][1]["key"] == "FAULT-7");
  for (const char* key : {"key", "parent", "summary", "owner", "due", "status", "days_overdue"}) {
    CHECK(board["pending"][0].contains(key));
  }
}

TEST_CASE("effective_review_deadline prefers the fault's own", "[tracking]") {
  Fault fault;
  fault.level = "P3";
  ReviewPolicy policy;
  CHECK_FALSE(effective_review_deadline(fault, policy));
  fault.recovered_at = utc(2026, 11, 25, 10h);
  CHECK(effective_review_deadline(fault, policy) == utc(2026, 11, 26, 10h));
  fault.review_deadline = utc(2026, 11, 27, 0min);
  CHECK(effective_review_deadline(fault, policy) == utc(2026, 11, 27, 0min));
}
