#include <catch2/catch.hpp>

#include "faultline/core/stats.hpp"
#include "support/zones.hpp"

using namespace faultline;
using namespace faultline::core;
using namespace std::chrono_literals;

namespace {

using faultline::testing::zone;

// A UTC instant from its parts.
TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss}};
}

std::vector<std::string> labels(const std::vector<Period>& periods) {
  std::vector<std::string> out;
  for (const auto& p : periods) out.push_back(p.label);
  return out;
}

}  // namespace

TEST_CASE("parse_period_unit accepts week, month and quarter in any case", "[stats][stats_periods]") {
  CHECK(parse_period_unit("week") == PeriodUnit::Week);
  CHECK(parse_period_unit("Month") == PeriodUnit::Month);
  CHECK(parse_period_unit(" QUARTER ") == PeriodUnit::Quarter);
  const auto bad = parse_period_unit("fortnight");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK_THAT(bad.error().message, Catch::Contains("\"fortnight\""));
  CHECK_THAT(bad.error().hint, Catch::Contains("week, month or quarter"));
}

TEST_CASE("period units have stable names", "[stats][stats_periods]") {
  CHECK(std::string(to_string(PeriodUnit::Week)) == "week");
  CHECK(std::string(to_string(PeriodUnit::Month)) == "month");
  CHECK(std::string(to_string(PeriodUnit::Quarter)) == "quarter");
}

TEST_CASE("month periods start at local midnight in Asia/Shanghai", "[stats][stats_periods]") {
  const auto* shanghai = zone("Asia/Shanghai");
  // 2026-11-05 and 2027-01-10 local: November, December and January.
  const auto periods = make_periods(utc(2026, 11, 5), utc(2027, 1, 10), PeriodUnit::Month, shanghai);
  CHECK(labels(periods) == std::vector<std::string>{"2026-11", "2026-12", "2027-01"});
  REQUIRE(periods.size() == 3);
  CHECK(periods[0].start == utc(2026, 10, 31, 16));
  CHECK(periods[0].end == utc(2026, 11, 30, 16));
  CHECK(periods[1].start == periods[0].end);
  CHECK(periods[2].end == utc(2027, 1, 31, 16));
}

TEST_CASE("a fault at local midnight in Shanghai belongs to the new month, a second earlier to the old",
          "[stats][stats_periods]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto periods = make_periods(utc(2026, 10, 1), utc(2026, 11, 20), PeriodUnit::Month, shanghai);
  REQUIRE(labels(periods) == std::vector<std::string>{"2026-10", "2026-11"});
  // 2026-10-31T16:00:00Z is 2026-11-01 00:00 in Shanghai; in UTC it would still be October.
  CHECK(period_index(periods, utc(2026, 10, 31, 16)) == 1u);
  CHECK(period_index(periods, utc(2026, 10, 31, 15, 59, 59)) == 0u);
}

TEST_CASE("the month of a DST change keeps its edges at local midnight (Europe/Berlin)", "[stats][stats_periods]") {
  const auto* berlin = zone("Europe/Berlin");
  // Summer time starts 2026-03-29 at 01:00Z: March begins at +01:00 and ends at +02:00.
  const auto periods = make_periods(utc(2026, 3, 10), utc(2026, 4, 10), PeriodUnit::Month, berlin);
  REQUIRE(labels(periods) == std::vector<std::string>{"2026-03", "2026-04"});
  CHECK(periods[0].start == utc(2026, 2, 28, 23));
  CHECK(periods[0].end == utc(2026, 3, 31, 22));
  CHECK(periods[0].end - periods[0].start == date::days{31} - 1h);
  // 2026-03-31T22:30Z is 00:30 on April 1 in Berlin (at the winter offset it would be March).
  CHECK(period_index(periods, utc(2026, 3, 31, 22, 30)) == 1u);
  CHECK(period_index(periods, utc(2026, 3, 31, 21, 59, 59)) == 0u);
}

TEST_CASE("the month of a DST change keeps its edges at local midnight (America/New_York)", "[stats][stats_periods]") {
  const auto* new_york = zone("America/New_York");
  // Standard time resumes 2026-11-01 at 06:00Z: November begins at -04:00, ends at -05:00.
  const auto periods = make_periods(utc(2026, 11, 10), utc(2026, 11, 20), PeriodUnit::Month, new_york);
  REQUIRE(periods.size() == 1);
  CHECK(periods[0].label == "2026-11");
  CHECK(periods[0].start == utc(2026, 11, 1, 4));
  CHECK(periods[0].end == utc(2026, 12, 1, 5));
  CHECK(periods[0].end - periods[0].start == date::days{30} + 1h);
  // 00:30 on December 1 in New York is 05:30Z.
  CHECK_FALSE(period_index(periods, utc(2026, 12, 1, 5, 30)));
  CHECK(period_index(periods, utc(2026, 12, 1, 4, 30)) == 0u);
}

TEST_CASE("an ISO week across a DST change runs Monday to Monday local midnight", "[stats][stats_periods]") {
  const auto* berlin = zone("Europe/Berlin");
  // Thursday 2026-03-26: its week runs Monday 2026-03-23 to Monday 2026-03-30, 167 hours.
  const auto periods = make_periods(utc(2026, 3, 26), utc(2026, 3, 27), PeriodUnit::Week, berlin);
  REQUIRE(periods.size() == 1);
  CHECK(periods[0].label == "2026-W13");
  CHECK(periods[0].start == utc(2026, 3, 22, 23));
  CHECK(periods[0].end == utc(2026, 3, 29, 22));
  CHECK(periods[0].end - periods[0].start == 167h);
}

TEST_CASE("ISO week labels use the week-numbering year", "[stats][stats_periods]") {
  const auto* utc_zone = zone("UTC");
  // 2026 starts on a Thursday, so it has 53 weeks; 2027-01-01 (Friday) is in 2026-W53.
  const auto around_2027 = make_periods(utc(2026, 12, 27), utc(2027, 1, 5), PeriodUnit::Week, utc_zone);
  CHECK(labels(around_2027) == std::vector<std::string>{"2026-W52", "2026-W53", "2027-W01"});
  CHECK(around_2027[1].start == utc(2026, 12, 28));
  // Monday 2024-12-30 starts 2025-W01 (the week holds Thursday 2025-01-02).
  const auto around_2025 = make_periods(utc(2024, 12, 31), utc(2025, 1, 1), PeriodUnit::Week, utc_zone);
  CHECK(labels(around_2025) == std::vector<std::string>{"2025-W01"});
  CHECK(around_2025[0].start == utc(2024, 12, 30));
}

TEST_CASE("quarter periods start on January, April, July and October 1", "[stats][stats_periods]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto periods = make_periods(utc(2026, 5, 20), utc(2027, 2, 1), PeriodUnit::Quarter, shanghai);
  CHECK(labels(periods) == std::vector<std::string>{"2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"});
  REQUIRE(periods.size() == 4);
  CHECK(periods[0].start == utc(2026, 3, 31, 16));
  CHECK(periods[2].start == utc(2026, 9, 30, 16));
  CHECK(periods[3].end == utc(2027, 3, 31, 16));
}

TEST_CASE("make_periods ends at the first boundary at or after until", "[stats][stats_periods]") {
  const auto* utc_zone = zone("UTC");
  CHECK(make_periods(utc(2026, 1, 1), utc(2026, 3, 1), PeriodUnit::Month, utc_zone).size() == 2);
  CHECK(make_periods(utc(2026, 1, 1), utc(2026, 3, 1) + 1ms, PeriodUnit::Month, utc_zone).size() == 3);
  CHECK(make_periods(utc(2026, 3, 1), utc(2026, 3, 1), PeriodUnit::Month, utc_zone).empty());
  CHECK(make_periods(utc(2026, 3, 2), utc(2026, 3, 1), PeriodUnit::Month, utc_zone).empty());
  // A null zone is UTC.
  const auto null_zone = make_periods(utc(2026, 1, 15), utc(2026, 1, 16), PeriodUnit::Month, nullptr);
  REQUIRE(null_zone.size() == 1);
  CHECK(null_zone[0].start == utc(2026, 1, 1));
}

TEST_CASE("period_index takes start inclusive and end exclusive", "[stats][stats_periods]") {
  const auto periods = make_periods(utc(2026, 1, 1), utc(2026, 4, 1), PeriodUnit::Month, zone("UTC"));
  REQUIRE(periods.size() == 3);
  CHECK(period_index(periods, utc(2026, 1, 1)) == 0u);
  CHECK(period_index(periods, utc(2026, 2, 1) - 1ms) == 0u);
  CHECK(period_index(periods, utc(2026, 2, 1)) == 1u);
  CHECK(period_index(periods, utc(2026, 3, 31, 23, 59, 59)) == 2u);
  CHECK_FALSE(period_index(periods, utc(2026, 4, 1)));
  CHECK_FALSE(period_index(periods, utc(2025, 12, 31, 23, 59, 59)));
  CHECK_FALSE(period_index({}, utc(2026, 1, 1)));
}

TEST_CASE("the default window is the last 12 months and the current one", "[stats][stats_periods]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto window = default_stats_window(utc(2026, 11, 25, 2), shanghai);
  CHECK(window.since == utc(2025, 10, 31, 16));  // 2025-11-01 00:00 +08:00
  CHECK(window.until == utc(2026, 11, 30, 16));  // 2026-12-01 00:00 +08:00
  const auto periods = make_periods(window.since, window.until, PeriodUnit::Month, shanghai);
  REQUIRE(periods.size() == 13);
  CHECK(periods.front().label == "2025-11");
  CHECK(periods.back().label == "2026-11");
  // On 2026-01-01 00:30 in Shanghai (still 2025 in UTC) the current month is January.
  const auto new_year = default_stats_window(utc(2025, 12, 31, 16, 30), shanghai);
  CHECK(new_year.since == utc(2024, 12, 31, 16));
  CHECK(new_year.until == utc(2026, 1, 31, 16));
}

TEST_CASE("local_midnight of a day whose midnight a DST change skips is the change", "[stats][stats_periods]") {
  // Cuba moves its clocks from 00:00 to 01:00 on 2026-03-08: the day begins at 05:00Z.
  const auto* havana = zone("America/Havana");
  CHECK(local_midnight(date::year{2026} / 3 / 8, havana) == utc(2026, 3, 8, 5));
  CHECK(local_midnight(date::year{2026} / 3 / 9, havana) == utc(2026, 3, 9, 4));
  CHECK(local_midnight(date::year{2026} / 3 / 8, nullptr) == utc(2026, 3, 8));
}
