#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "faultline/core/stats.hpp"
#include "support/zones.hpp"

using namespace faultline;
using namespace faultline::core;
using namespace std::chrono_literals;

namespace {

using faultline::testing::zone;

// A UTC instant from its parts.
TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh} + std::chrono::minutes{mm}};
}

// Options for months [first month, first month + count) in Shanghai, now = 2026-12-15.
StatsOptions month_options(int year, unsigned month, int count) {
  StatsOptions options;
  options.zone = zone("Asia/Shanghai");
  options.unit = PeriodUnit::Month;
  const auto first = local_midnight(date::year{year} / date::month{month} / 1, options.zone);
  const auto last = local_midnight(date::year_month_day{date::year{year} / date::month{month} / 1} + date::months{count},
                                   options.zone);
  options.periods = make_periods(first, last, PeriodUnit::Month, options.zone);
  options.now = utc(2026, 12, 15);
  return options;
}

Fault fault_at(std::string key, TimePoint started) {
  Fault f;
  f.key = std::move(key);
  f.started_at = started;
  f.created = started + 10min;
  return f;
}

Action action_of(std::string key, std::string parent) {
  Action a;
  a.key = std::move(key);
  a.parent = std::move(parent);
  a.status_category = "new";
  return a;
}

std::vector<std::string> keys(const std::vector<Fault>& faults) {
  std::vector<std::string> out;
  for (const auto& f : faults) out.push_back(f.key);
  return out;
}

}  // namespace

TEST_CASE("compute_stats keeps a zero row for every period without faults", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 9, 3);
  const auto report = compute_stats({fault_at("F-1", utc(2026, 10, 10))}, {}, ReleaseData{}, options);
  REQUIRE(report.periods.size() == 3);
  CHECK(report.periods[0].period.label == "2026-09");
  CHECK(report.periods[0].faults == 0);
  CHECK(report.periods[0].by_level.empty());
  CHECK(report.periods[0].time_to_recover.count == 0);
  CHECK(report.periods[1].faults == 1);
  CHECK(report.periods[2].period.label == "2026-11");
  CHECK(report.periods[2].faults == 0);
  CHECK(report.total.faults == 1);
}

TEST_CASE("compute_stats describes the window in the total row and the report", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 9, 3);
  const auto report = compute_stats({}, {}, ReleaseData{}, options);
  CHECK(report.total.period.label == "total");
  CHECK(report.total.period.start == options.periods.front().start);
  CHECK(report.total.period.end == options.periods.back().end);
  CHECK(report.since == utc(2026, 8, 31, 16));
  CHECK(report.until == utc(2026, 11, 30, 16));
  CHECK(report.zone == "Asia/Shanghai");
  CHECK(report.generated_at == options.now);
  CHECK(report.unit == PeriodUnit::Month);
  CHECK(report.release_source == "none");
}

TEST_CASE("a fault counts in the period of its start in the team's zone", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 2);
  // 16:00Z on October 31 is midnight of November 1 in Shanghai; a second earlier is October.
  auto november = fault_at("F-1", utc(2026, 10, 31, 16));
  november.created = utc(2026, 10, 20);  // created earlier: the start decides
  const auto october = fault_at("F-2", utc(2026, 10, 31, 16) - 1s);
  const auto report = compute_stats({november, october}, {}, ReleaseData{}, options);
  CHECK(report.periods[0].faults == 1);
  CHECK(report.periods[1].faults == 1);
  CHECK(keys(report.faults) == std::vector<std::string>{"F-2", "F-1"});
  CHECK(report.faults_without_start == 0);
}

TEST_CASE("a fault without a start counts by its creation and in faults_without_start", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 2);
  Fault no_start;
  no_start.key = "F-3";
  no_start.created = utc(2026, 11, 5);
  Fault no_times;  // neither start nor creation: nothing to place it by
  no_times.key = "F-4";
  const auto outside = fault_at("F-5", utc(2026, 12, 5));
  const auto report = compute_stats({no_start, no_times, outside}, {}, ReleaseData{}, options);
  CHECK(report.periods[0].faults == 0);
  CHECK(report.periods[1].faults == 1);
  CHECK(report.faults_without_start == 1);
  CHECK(keys(report.faults) == std::vector<std::string>{"F-3"});
  // Its durations cannot be measured: counted missing, not dropped.
  CHECK(report.periods[1].time_to_recover.missing == 1);
  CHECK(report.periods[1].time_to_detect.missing == 1);
}

TEST_CASE("compute_stats sorts the kept faults by start, then key as a number, once per key",
          "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 1);
  const auto t = utc(2026, 10, 10);
  const auto report = compute_stats(
      {fault_at("F-10", t), fault_at("F-9", t), fault_at("F-1", t + 1h), fault_at("F-9", t), fault_at("F-2", t - 1h)}, {},
      ReleaseData{}, options);
  CHECK(keys(report.faults) == std::vector<std::string>{"F-2", "F-9", "F-10", "F-1"});
  CHECK(report.total.faults == 4);
}

TEST_CASE("durations are measured from the start; faults missing a time count in missing", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 1);
  const auto t = utc(2026, 10, 10);
  auto a = fault_at("F-1", t);
  a.detected_at = t + 5min;
  a.recovered_at = t + 30min;
  auto b = fault_at("F-2", t);
  b.detected_at = t + 15min;
  b.recovered_at = t + 55min;
  auto open = fault_at("F-3", t);  // not recovered yet, not detected
  auto backwards = fault_at("F-4", t);
  backwards.recovered_at = t - 1min;  // recovery before the start: a data error
  backwards.detected_at = t;          // detected at the start: 0 minutes
  const auto report = compute_stats({a, b, open, backwards}, {}, ReleaseData{}, options);
  const auto& recover = report.periods[0].time_to_recover;
  CHECK(recover.count == 2);
  CHECK(recover.missing == 2);
  CHECK(*recover.median == Approx(42.5));
  CHECK(*recover.max == Approx(55.0));
  const auto& detect = report.periods[0].time_to_detect;
  CHECK(detect.count == 3);
  CHECK(detect.missing == 1);
  CHECK(*detect.median == Approx(5.0));
  CHECK(*detect.mean == Approx(20.0 / 3.0));
  CHECK(report.total.time_to_recover.count == 2);
  CHECK(report.total.time_to_recover.missing == 2);
}

TEST_CASE("reviews of recovered faults fall in on_time, late, missing or not_due", "[stats][stats_aggregate]") {
  auto options = month_options(2026, 12, 1);
  options.now = utc(2026, 12, 20);
  options.review_due_hours = 24;
  options.review_due_hours_by_level = {{"P1", 12}};
  const auto t = utc(2026, 12, 10);
  auto on_time = fault_at("F-1", t);
  on_time.recovered_at = t + 1h;
  on_time.reviewed_at = t + 25h;  // exactly at the 24 h deadline
  auto late = fault_at("F-2", t);
  late.level = "p1";  // 12 h for P1, matched case-insensitively
  late.recovered_at = t + 1h;
  late.reviewed_at = t + 14h;
  auto missing = fault_at("F-3", t);
  missing.recovered_at = t + 1h;
  auto not_due = fault_at("F-4", t);
  not_due.recovered_at = options.now - 23h;
  auto open = fault_at("F-5", t);  // never recovered: not counted
  open.reviewed_at = t + 2h;
  const auto report = compute_stats({on_time, late, missing, not_due, open}, {}, ReleaseData{}, options);
  const auto& reviews = report.periods[0].reviews;
  CHECK(reviews.on_time == 1);
  CHECK(reviews.late == 1);
  CHECK(reviews.missing == 1);
  CHECK(reviews.not_due == 1);
  CHECK(report.total.reviews.on_time + report.total.reviews.late + report.total.reviews.missing +
            report.total.reviews.not_due ==
        4);
}

TEST_CASE("a late meeting with a reason holds a review off until its time, and is counted", "[stats][stats_aggregate]") {
  auto options = month_options(2026, 12, 1);
  options.now = utc(2026, 12, 20);
  options.review_due_hours = 24;
  const auto recovered = options.now - 30h;  // the deadline passed 6 hours ago
  auto waiting = fault_at("F-1", recovered - 1h);
  waiting.recovered_at = recovered;
  waiting.review_scheduled_at = options.now + 2h;
  waiting.review_late_reason = "owner on leave";
  auto missed = fault_at("F-2", recovered - 1h);
  missed.recovered_at = recovered;
  missed.review_scheduled_at = options.now - 1h;  // the meeting passed without a publish
  auto held_late = fault_at("F-3", recovered - 1h);
  held_late.recovered_at = recovered;
  held_late.reviewed_at = options.now - 1h;
  held_late.review_late_reason = "vendor report needed";
  const auto report = compute_stats({waiting, missed, held_late}, {}, ReleaseData{}, options);
  const auto& reviews = report.periods[0].reviews;
  CHECK(reviews.not_due == 1);
  CHECK(reviews.missing == 1);
  CHECK(reviews.late == 1);
  CHECK(reviews.late_with_reason == 2);
}

TEST_CASE("actions count in their fault's period by how they were done or stand now", "[stats][stats_aggregate]") {
  auto options = month_options(2026, 10, 2);
  options.now = utc(2026, 12, 1, 2);  // 2026-12-01 10:00 in Shanghai
  const auto fault = fault_at("F-1", utc(2026, 10, 5));
  auto on_time = action_of("A-1", "F-1");
  on_time.status_category = "done";
  on_time.due = date::year{2026} / 11 / 10;
  on_time.resolved = utc(2026, 11, 10, 15);  // 23:00 on the due day in Shanghai
  auto late = action_of("A-2", "F-1");
  late.status_category = "done";
  late.due = date::year{2026} / 11 / 10;
  late.resolved = utc(2026, 11, 10, 16);  // 00:00 the day after in Shanghai (still the 10th in UTC)
  auto no_due = action_of("A-3", "F-1");
  no_due.status_category = "done";
  no_due.resolved = utc(2026, 11, 30);
  auto no_resolution = action_of("A-4", "F-1");
  no_resolution.status_category = "done";
  no_resolution.due = date::year{2026} / 10 / 1;
  auto overdue = action_of("A-5", "F-1");
  overdue.due = date::year{2026} / 11 / 30;
  auto due_today = action_of("A-6", "F-1");
  due_today.due = date::year{2026} / 12 / 1;
  auto open_no_due = action_of("A-7", "F-1");
  const auto stranger = action_of("A-8", "F-99");  // its fault is not in the report
  const auto report = compute_stats(
      {fault}, {on_time, late, no_due, no_resolution, overdue, due_today, open_no_due, stranger, on_time}, ReleaseData{},
      options);
  const auto& counts = report.periods[0].actions;
  CHECK(counts.created == 7);
  CHECK(counts.done_on_time == 3);
  CHECK(counts.done_late == 1);
  CHECK(counts.open_overdue == 1);
  CHECK(counts.open_pending == 2);
  CHECK(report.periods[1].actions.created == 0);
  CHECK(report.total.actions.created == 7);
  CHECK(report.actions.size() == 7);
  CHECK(report.actions.front().key == "A-1");
}

TEST_CASE("actions by owner team: [people] team, else the fault's team, else (none)", "[stats][stats_aggregate]") {
  auto options = month_options(2026, 10, 1);
  options.owner_teams = {{"u-ana", "payments"}};
  auto checkout_fault = fault_at("F-1", utc(2026, 10, 5));
  checkout_fault.team = "checkout";
  const auto teamless_fault = fault_at("F-2", utc(2026, 10, 6));
  auto listed = action_of("A-1", "F-1");
  listed.owner = "u-ana";
  auto unlisted = action_of("A-2", "F-1");
  unlisted.owner = "u-bob";
  unlisted.status_category = "done";
  auto unassigned = action_of("A-3", "F-1");
  auto nobody = action_of("A-4", "F-2");
  const auto report = compute_stats({checkout_fault, teamless_fault}, {listed, unlisted, unassigned, nobody},
                                    ReleaseData{}, options);
  const auto& by_team = report.periods[0].actions_by_owner_team;
  REQUIRE(by_team.size() == 3);
  CHECK(by_team.at("payments").created == 1);
  CHECK(by_team.at("checkout").created == 2);
  CHECK(by_team.at("checkout").done_on_time == 1);
  CHECK(by_team.at("(none)").created == 1);
  CHECK(report.total.actions_by_owner_team.at("checkout").open_pending == 1);
}

TEST_CASE("breakdowns count faults by value, (none) for faults without one", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 1);
  auto a = fault_at("F-1", utc(2026, 10, 5));
  a.level = "P1";
  a.type = "outage";
  a.team = "payments";
  a.service = "pay";
  a.business_unit = "retail";
  a.source = "monitoring";
  auto b = fault_at("F-2", utc(2026, 10, 6));
  b.level = "P1";
  const auto report = compute_stats({a, b}, {}, ReleaseData{}, options);
  const auto& row = report.periods[0];
  CHECK(row.by_level == Breakdown{{"P1", 2}});
  CHECK(row.by_type == Breakdown{{"(none)", 1}, {"outage", 1}});
  CHECK(row.by_team == Breakdown{{"(none)", 1}, {"payments", 1}});
  CHECK(row.by_service == Breakdown{{"(none)", 1}, {"pay", 1}});
  CHECK(row.by_business_unit == Breakdown{{"(none)", 1}, {"retail", 1}});
  CHECK(row.by_source == Breakdown{{"(none)", 1}, {"monitoring", 1}});
}

TEST_CASE("monitoring and customer shares are of the faults with a source", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 2);
  std::vector<Fault> faults;
  for (const char* source : {"monitoring", "monitoring", "customer", "internal", ""}) {
    auto f = fault_at("F-" + std::to_string(faults.size() + 1), utc(2026, 10, 5));
    f.source = source;
    faults.push_back(f);
  }
  auto unknown = fault_at("F-9", utc(2026, 11, 5));  // November: no fault has a source
  faults.push_back(unknown);
  const auto report = compute_stats(faults, {}, ReleaseData{}, options);
  const auto& october = report.periods[0];
  CHECK(october.detected_by_monitoring == 2);
  CHECK(october.reported_by_customer == 1);
  CHECK(*october.monitoring_share == Approx(0.5));
  CHECK(*october.customer_share == Approx(0.25));
  CHECK_FALSE(report.periods[1].monitoring_share);
  CHECK_FALSE(report.periods[1].customer_share);
  CHECK(*report.total.monitoring_share == Approx(0.5));
}

TEST_CASE("stats_filter_matches compares case-insensitively, every list that is set", "[stats][stats_aggregate]") {
  Fault f;
  f.team = "Payments";
  f.level = "P1";
  f.service = "pay";
  f.source = "customer";
  CHECK(stats_filter_matches(f, StatsFilter{}));
  CHECK(stats_filter_matches(f, StatsFilter{{"payments"}, {}, {}, {}, {}}));
  CHECK(stats_filter_matches(f, StatsFilter{{"checkout", "PAYMENTS"}, {}, {}, {"p1"}, {}}));
  CHECK_FALSE(stats_filter_matches(f, StatsFilter{{"payments"}, {}, {}, {"P2"}, {}}));
  CHECK_FALSE(stats_filter_matches(f, StatsFilter{{}, {}, {"api"}, {}, {}}));
  CHECK(stats_filter_matches(f, StatsFilter{{}, {}, {}, {}, {"Customer"}}));
  CHECK_FALSE(stats_filter_matches(f, StatsFilter{{}, {"retail"}, {}, {}, {}}));
  // "(none)" stands for an empty value, as in the breakdowns.
  CHECK(stats_filter_matches(f, StatsFilter{{}, {"(none)"}, {}, {}, {}}));
}

TEST_CASE("compute_stats counts only the faults the filter keeps, and their actions", "[stats][stats_aggregate]") {
  auto options = month_options(2026, 10, 1);
  options.filter.teams = {"PAYMENTS"};
  auto kept = fault_at("F-1", utc(2026, 10, 5));
  kept.team = "payments";
  auto other = fault_at("F-2", utc(2026, 10, 5));
  other.team = "checkout";
  const auto report = compute_stats({kept, other}, {action_of("A-1", "F-1"), action_of("A-2", "F-2")},
                                    ReleaseData{}, options);
  CHECK(keys(report.faults) == std::vector<std::string>{"F-1"});
  CHECK(report.total.faults == 1);
  CHECK(report.total.actions.created == 1);
  REQUIRE(report.actions.size() == 1);
  CHECK(report.actions[0].key == "A-1");
}

TEST_CASE("without a release source releases and the rate are unknown", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 10, 2);
  ReleaseData none;
  none.releases = {Release{utc(2026, 10, 5), "pay", "1.0"}};  // ignored: the source is "none"
  const auto report = compute_stats({fault_at("F-1", utc(2026, 10, 5))}, {}, none, options);
  CHECK_FALSE(report.periods[0].releases);
  CHECK_FALSE(report.periods[0].faults_per_100_releases);
  CHECK_FALSE(report.total.releases);
  CHECK_FALSE(report.correlation.spearman_rho);
  CHECK(report.correlation.n == 0);
  CHECK_THAT(report.correlation.sentence, Catch::Contains("no release"));
  CHECK(report.correlation_by_service.empty());
}

TEST_CASE("releases count per period and give faults per 100 releases", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 9, 3);
  ReleaseData csv;
  csv.source = "csv";
  for (int day = 1; day <= 8; ++day) csv.releases.push_back(Release{utc(2026, 10, static_cast<unsigned>(day)), "", ""});
  csv.releases.push_back(Release{utc(2026, 11, 3), "", ""});
  csv.releases.push_back(Release{utc(2027, 3, 3), "", ""});  // outside the window
  std::vector<Fault> faults = {fault_at("F-1", utc(2026, 9, 5)), fault_at("F-2", utc(2026, 10, 5)),
                               fault_at("F-3", utc(2026, 10, 6))};
  const auto report = compute_stats(faults, {}, csv, options);
  REQUIRE(report.periods.size() == 3);
  CHECK(report.periods[0].releases == 0u);
  CHECK_FALSE(report.periods[0].faults_per_100_releases);  // a fault but no release
  CHECK(report.periods[1].releases == 8u);
  CHECK(*report.periods[1].faults_per_100_releases == Approx(25.0));
  CHECK(report.periods[2].releases == 1u);
  CHECK(*report.periods[2].faults_per_100_releases == Approx(0.0));
  CHECK(report.total.releases == 9u);
  CHECK(*report.total.faults_per_100_releases == Approx(100.0 * 3 / 9));
  CHECK(report.release_source == "csv");
}

TEST_CASE("the correlation compares releases and faults per period over the whole window", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 1, 6);
  ReleaseData data;
  data.source = "jira-versions";
  const int releases_per_month[] = {1, 4, 2, 6, 3, 5};
  const int faults_per_month[] = {0, 3, 1, 2, 1, 4};
  std::vector<Fault> faults;
  for (unsigned m = 0; m < 6; ++m) {
    for (int i = 0; i < releases_per_month[m]; ++i) data.releases.push_back(Release{utc(2026, m + 1, 10), "", ""});
    for (int i = 0; i < faults_per_month[m]; ++i) {
      faults.push_back(fault_at(fmt::format("F-{}{}", m, i), utc(2026, m + 1, 12)));
    }
  }
  const auto report = compute_stats(faults, {}, data, options);
  const std::vector<double> x = {1, 4, 2, 6, 3, 5};
  const std::vector<double> y = {0, 3, 1, 2, 1, 4};
  const auto expected = correlate(x, y);
  CHECK(report.correlation.n == 6);
  REQUIRE(report.correlation.spearman_rho);
  CHECK(*report.correlation.spearman_rho == Approx(*expected.spearman_rho));
  CHECK(*report.correlation.pearson_r == Approx(*expected.pearson_r));
  CHECK(report.correlation.sentence == expected.sentence);
  CHECK(report.correlation_by_service.empty());  // no release names a service
}

TEST_CASE("per-service correlation compares a service's releases with its own faults", "[stats][stats_aggregate]") {
  const auto options = month_options(2026, 1, 6);
  ReleaseData data;
  data.source = "csv";
  const int pay_releases[] = {1, 2, 3, 4, 5, 6};
  const int pay_faults[] = {0, 1, 1, 2, 3, 3};
  std::vector<Fault> faults;
  for (unsigned m = 0; m < 6; ++m) {
    for (int i = 0; i < pay_releases[m]; ++i) {
      data.releases.push_back(Release{utc(2026, m + 1, 3), i % 2 == 0 ? "pay" : "PAY", ""});
    }
    data.releases.push_back(Release{utc(2026, m + 1, 4), "api", ""});  // one api release a month
    data.releases.push_back(Release{utc(2026, m + 1, 4), "", ""});     // names no service
    for (int i = 0; i < pay_faults[m]; ++i) {
      auto f = fault_at(fmt::format("F-{}{}", m, i), utc(2026, m + 1, 12));
      f.service = "Pay";
      faults.push_back(f);
    }
  }
  auto api_fault = fault_at("F-99", utc(2026, 2, 1));
  api_fault.service = "api";
  faults.push_back(api_fault);
  const auto report = compute_stats(faults, {}, data, options);
  REQUIRE(report.correlation_by_service.size() == 2);
  const auto& pay = report.correlation_by_service.at("pay");  // the first spelling seen
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  const std::vector<double> y = {0, 1, 1, 2, 3, 3};
  const auto expected = correlate(x, y);
  CHECK(pay.n == 6);
  REQUIRE(pay.spearman_rho);
  CHECK(*pay.spearman_rho == Approx(*expected.spearman_rho));
  CHECK(*pay.spearman_p == Approx(*expected.spearman_p));
  const auto& api = report.correlation_by_service.at("api");
  CHECK_FALSE(api.spearman_rho);  // one release every month: constant
  CHECK_THAT(api.sentence, Catch::Contains("releases are constant"));
  CHECK(report.total.releases == 21u + 12u);
}
