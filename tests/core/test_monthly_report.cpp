// The monthly report's months, window and template data: a hand-made history over the 13
// months of the November 2026 report in Shanghai, every figure worked out here.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "faultline/core/monthly_report.hpp"
#include "support/zones.hpp"

using namespace faultline;
using namespace faultline::core;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

using faultline::testing::zone;

// A Shanghai local time (UTC+8, no DST) as an instant.
TimePoint shanghai(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh - 8} + std::chrono::minutes{mm}};
}

Fault fault(std::string key, TimePoint started, std::string level, std::string team) {
  Fault f;
  f.key = std::move(key);
  f.summary = "summary of " + f.key;
  f.started_at = started;
  f.created = started + 5min;
  f.level = std::move(level);
  f.team = std::move(team);
  f.status = "Closed";
  return f;
}

Action action(std::string key, std::string parent, std::string owner, TimePoint created,
              std::optional<date::year_month_day> due, std::optional<TimePoint> resolved) {
  Action a;
  a.key = std::move(key);
  a.parent = std::move(parent);
  a.owner = owner;
  a.owner_display = owner.empty() ? "" : owner + " display";
  a.created = created;
  a.due = due;
  a.resolved = resolved;
  a.status_category = resolved ? "done" : "new";
  return a;
}

// Runs the stats engine over the report's window and builds the document.
json report_for(std::vector<Fault> faults, std::vector<Action> actions, const ReleaseData& releases,
                date::year_month_day cutoff) {
  const auto* tz = zone("Asia/Shanghai");
  const auto month = date::year{2026} / date::month{11};
  const auto window = monthly_report_window(month, tz);
  StatsOptions options;
  options.zone = tz;
  options.periods = make_periods(window.since, window.until, PeriodUnit::Month, tz);
  options.now = shanghai(2026, 12, 3, 9);
  options.owner_teams = {{"alice", "sre"}};
  const auto stats = compute_stats(std::move(faults), std::move(actions), releases, options);
  MonthlyReportContext context;
  context.month = month;
  context.zone = tz;
  context.cutoff = cutoff;
  context.owner_teams = options.owner_teams;
  context.issue_url = [](std::string_view key) { return "https://jira.example/browse/" + std::string(key); };
  auto data = monthly_report_data(stats, context);
  REQUIRE(data);
  return *data;
}

const json& headline(const json& data, std::string_view metric) {
  for (const auto& row : data["headline"])
    if (row["metric"] == metric) return row;
  FAIL("no headline " << metric);
  return data;
}

}  // namespace

TEST_CASE("parse_month reads YYYY-MM and names the form otherwise", "[monthly_report]") {
  REQUIRE(*parse_month("2026-11") == date::year{2026} / date::month{11});
  for (const char* bad : {"2026-13", "2026-1", "26-11", "2026/11", "", "2026-00", "november"}) {
    INFO(bad);
    const auto parsed = parse_month(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK_THAT(parsed.error().hint, Catch::Contains("YYYY-MM"));
  }
  CHECK(format_month(date::year{2026} / date::month{3}) == "2026-03");
  CHECK(monthly_report_title(date::year{2026} / date::month{11}) == "Fault report 2026-11");
}

TEST_CASE("the default month is the last complete one in the team's zone", "[monthly_report]") {
  const auto* tz = zone("Asia/Shanghai");
  // 1 December 00:30 in Shanghai is still 30 November in UTC: the report is for November.
  CHECK(previous_month(shanghai(2026, 12, 1, 0, 30), tz) == date::year{2026} / date::month{11});
  CHECK(previous_month(shanghai(2026, 1, 15), tz) == date::year{2025} / date::month{12});
}

TEST_CASE("the window holds the month and the twelve before it, at local midnights", "[monthly_report]") {
  const auto* tz = zone("Asia/Shanghai");
  const auto window = monthly_report_window(date::year{2026} / date::month{11}, tz);
  CHECK(window.since == shanghai(2025, 11, 1));
  CHECK(window.until == shanghai(2026, 12, 1));
  CHECK(make_periods(window.since, window.until, PeriodUnit::Month, tz).size() == 13);
}

TEST_CASE("monthly_report_data compares the month with the one before and a year ago", "[monthly_report]") {
  std::vector<Fault> faults;
  // November 2026: three faults (P1 recovered in 30 min, P2 in 90, P2 not recovered).
  auto a = fault("FAULT-10", shanghai(2026, 11, 3, 10), "P1", "payments");
  a.recovered_at = *a.started_at + 30min;
  a.reviewed_at = *a.recovered_at + 2h;  // on time
  a.review_page_url = "https://wiki.example/pages/10";
  auto b = fault("FAULT-11", shanghai(2026, 11, 20, 14), "P2", "orders");
  b.recovered_at = *b.started_at + 90min;  // never reviewed: missing at the cutoff
  auto c = fault("FAULT-12", shanghai(2026, 11, 30, 23, 30), "P2", "orders");
  c.status = "Handling";
  faults.insert(faults.end(), {c, b, a});  // out of order on purpose
  // October 2026: one fault; November 2025: five.
  faults.push_back(fault("FAULT-9", shanghai(2026, 10, 5, 9), "P3", "payments"));
  for (int i = 0; i < 5; ++i) faults.push_back(fault(fmt::format("FAULT-{}", i + 1), shanghai(2025, 11, 2 + i, 9), "P2", "orders"));
  // Outside: 31 October 2025 at 23:00 in Shanghai.
  faults.push_back(fault("FAULT-0", shanghai(2025, 10, 31, 23), "P1", "orders"));

  std::vector<Action> actions{
      // Opened in November, closed in November by its due date.
      action("FAULT-20", "FAULT-10", "alice", shanghai(2026, 11, 4), date::year{2026} / 11 / 10, shanghai(2026, 11, 9)),
      // Opened in October, closed in November late.
      action("FAULT-21", "FAULT-9", "bob", shanghai(2026, 10, 6), date::year{2026} / 10 / 20, shanghai(2026, 11, 2)),
      // Open, due 25 November: overdue at the cutoff (1 December); owner alice -> team sre.
      action("FAULT-22", "FAULT-10", "alice", shanghai(2026, 11, 4), date::year{2026} / 11 / 25, std::nullopt),
      // Open, due 20 November, owner bob (no team listed) -> the fault's team, orders.
      action("FAULT-23", "FAULT-11", "bob", shanghai(2026, 11, 21), date::year{2026} / 11 / 20, std::nullopt),
      // Open, due 1 December: not overdue on 1 December.
      action("FAULT-24", "FAULT-11", "", shanghai(2026, 11, 21), date::year{2026} / 12 / 1, std::nullopt),
      // Closed on 2 December, after the cutoff, due 28 November: still overdue on the cutoff.
      action("FAULT-25", "FAULT-11", "bob", shanghai(2026, 11, 21), date::year{2026} / 11 / 28, shanghai(2026, 12, 2)),
  };
  ReleaseData releases{"csv", {}};
  for (int m = 0; m < 12; ++m) {
    const auto month = date::year_month{date::year{2025}, date::month{12}} + date::months{m};
    for (int r = 0; r <= m; ++r) releases.releases.push_back({local_midnight(month / 10, zone("Asia/Shanghai")), "", ""});
  }

  const auto data = report_for(faults, actions, releases, date::year{2026} / 12 / 1);

  CHECK(data["month"] == "2026-11");
  CHECK(data["month_name"] == "November 2026");
  CHECK(data["title"] == "Fault report 2026-11");
  CHECK(data["previous_month"] == "2026-10");
  CHECK(data["last_year_month"] == "2025-11");
  CHECK(data["cutoff"] == "2026-12-01");

  const auto& count = headline(data, "faults");
  CHECK(count["value"] == "3");
  CHECK(count["previous"] == "1");
  CHECK(count["last_year"] == "5");
  CHECK(count["change_previous"] == "+2");
  CHECK(count["change_last_year"] == "-2");
  const auto& median = headline(data, "time_to_recover_median");
  CHECK(median["value"] == "1h");  // median of 30 and 90 minutes
  CHECK(median["previous"] == "");
  CHECK(median["change_previous"] == "");
  CHECK(headline(data, "releases")["value"] == "12");
  CHECK(headline(data, "releases")["previous"] == "11");

  REQUIRE(data["faults"].size() == 3);
  CHECK(data["faults"][0]["key"] == "FAULT-10");
  CHECK(data["faults"][0]["url"] == "https://jira.example/browse/FAULT-10");
  CHECK(data["faults"][0]["started"] == "2026-11-03 10:00");
  CHECK(data["faults"][0]["time_to_recover"] == "30m");
  CHECK(data["faults"][0]["review"]["url"] == "https://wiki.example/pages/10");
  CHECK(data["faults"][0]["review"]["state"] == "met_on_time");
  CHECK(data["faults"][1]["key"] == "FAULT-11");
  CHECK(data["faults"][1]["review"]["state"] == "overdue");
  CHECK(data["faults"][2]["key"] == "FAULT-12");
  CHECK(data["faults"][2]["time_to_recover"] == "");
  CHECK(data["faults"][2]["review"]["state"] == "not_due");
  CHECK(data["has_faults"] == true);

  CHECK(data["reviews"]["on_time"] == 1);
  CHECK(data["reviews"]["missing"] == 1);
  CHECK(data["reviews"]["on_time_text"] == "50%");

  const auto& acts = data["actions"];
  CHECK(acts["opened"] == 5);
  CHECK(acts["closed"] == 2);
  CHECK(acts["closed_on_time"] == 1);
  CHECK(acts["overdue"] == 3);
  CHECK(acts["overdue_by_team"] == json::parse(R"([{"team":"orders","count":2},{"team":"sre","count":1}])"));
  REQUIRE(acts["overdue_by_owner"].size() == 2);
  CHECK(acts["overdue_by_owner"][0] == json::parse(R"({"owner":"bob display","team":"orders","count":2})"));

  const auto& rel = data["releases"];
  CHECK(rel["source"] == "csv");
  CHECK(rel["this_month"] == 12);
  REQUIRE(rel["months"].size() == 12);
  CHECK(rel["months"][0]["label"] == "2025-12");
  CHECK(rel["months"][11]["label"] == "2026-11");
  CHECK(rel["correlation"]["n"] == 12);
  CHECK_FALSE(rel["correlation"]["sentence"].get<std::string>().empty());
}

TEST_CASE("a month without faults or release data still renders its sections", "[monthly_report]") {
  const auto data = report_for({}, {}, ReleaseData{}, date::year{2026} / 12 / 1);
  CHECK(data["has_faults"] == false);
  CHECK(data["faults"].empty());
  CHECK(data["releases"]["has_data"] == false);
  CHECK(data["releases"]["correlation"].is_null());
  CHECK(headline(data, "faults")["value"] == "0");
  CHECK(headline(data, "reviews_on_time")["value"] == "");
}

TEST_CASE("a caution the correlation sentence already gives is not repeated", "[monthly_report]") {
  ReleaseData releases{"csv", {}};  // none in any month: a constant series; faults vary
  const std::vector<Fault> faults{fault("FAULT-1", shanghai(2026, 3, 2, 9), "P2", "orders"),
                                  fault("FAULT-2", shanghai(2026, 7, 2, 9), "P2", "orders")};
  const auto data = report_for(faults, {}, releases, date::year{2026} / 12 / 1);
  const auto& correlation = data["releases"]["correlation"];
  CHECK_THAT(correlation["sentence"].get<std::string>(), Catch::Contains("releases are constant"));
  CHECK(correlation["cautions"].empty());
}

TEST_CASE("monthly_report_data refuses statistics of another shape", "[monthly_report]") {
  StatsReport stats;
  MonthlyReportContext context;
  const auto data = monthly_report_data(stats, context);
  REQUIRE_FALSE(data);
  CHECK_THAT(data.error().message, Catch::Contains("13"));
}
