#include <catch2/catch.hpp>

#include "faultline/core/review_clock.hpp"

using namespace faultline::core;
using namespace std::chrono_literals;

namespace {
const TimePoint k_recovered = TimePoint{date::sys_days{date::year{2026} / 11 / 25}} + 10h;
}

TEST_CASE("review_deadline uses the level's hours, else the default", "[review_clock]") {
  const std::map<std::string, int> by_level = {{"P1", 12}, {"p2", 48}};
  CHECK(review_deadline(k_recovered, "P1", 24, by_level) == k_recovered + 12h);
  CHECK(review_deadline(k_recovered, "P2", 24, by_level) == k_recovered + 48h);
  CHECK(review_deadline(k_recovered, "p1", 24, by_level) == k_recovered + 12h);
  CHECK(review_deadline(k_recovered, "P3", 24, by_level) == k_recovered + 24h);
  CHECK(review_deadline(k_recovered, "", 24, {}) == k_recovered + 24h);
}

TEST_CASE("review_state around the deadline", "[review_clock]") {
  const TimePoint deadline = k_recovered + 24h;
  struct Row {
    const char* name;
    std::optional<TimePoint> recovered;
    std::optional<TimePoint> reviewed;
    TimePoint now;
    ReviewState expected;
  };
  const Row rows[] = {
      {"not recovered", std::nullopt, std::nullopt, deadline + 100h, ReviewState::NotDue},
      {"just recovered", k_recovered, std::nullopt, k_recovered, ReviewState::Due},
      {"a millisecond before", k_recovered, std::nullopt, deadline - 1ms, ReviewState::Due},
      {"exactly at the deadline", k_recovered, std::nullopt, deadline, ReviewState::Due},
      {"a millisecond after", k_recovered, std::nullopt, deadline + 1ms, ReviewState::Overdue},
      {"reviewed at the deadline", k_recovered, deadline, deadline + 5h, ReviewState::MetOnTime},
      {"reviewed early", k_recovered, k_recovered + 2h, deadline + 5h, ReviewState::MetOnTime},
      {"reviewed a millisecond late", k_recovered, deadline + 1ms, deadline + 5h, ReviewState::MetLate},
      {"reviewed without recovery time", std::nullopt, k_recovered, deadline, ReviewState::MetOnTime},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    CHECK(review_state(row.recovered, row.reviewed, deadline, row.now) == row.expected);
  }
}

TEST_CASE("review states have stable names", "[review_clock]") {
  CHECK(std::string(to_string(ReviewState::NotDue)) == "not_due");
  CHECK(std::string(to_string(ReviewState::Due)) == "due");
  CHECK(std::string(to_string(ReviewState::Overdue)) == "overdue");
  CHECK(std::string(to_string(ReviewState::MetOnTime)) == "met_on_time");
  CHECK(std::string(to_string(ReviewState::MetLate)) == "met_late");
}

TEST_CASE("update_is_stale around the cadence", "[review_clock]") {
  const std::map<std::string, int> by_level = {{"P1", 15}, {"P4", 0}};
  const TimePoint last = k_recovered;
  struct Row {
    const char* name;
    std::optional<TimePoint> last_update;
    TimePoint now;
    const char* level;
    bool expected;
  };
  const Row rows[] = {
      {"never updated", std::nullopt, last, "P2", true},
      {"just updated", last, last, "P2", false},
      {"29m59s", last, last + 30min - 1s, "P2", false},
      {"exactly 30m", last, last + 30min, "P2", true},
      {"P1 at 14m", last, last + 14min, "P1", false},
      {"P1 at 15m", last, last + 15min, "P1", true},
      {"p1 lower case", last, last + 15min, "p1", true},
      {"P4 has no cadence", last, last + 100h, "P4", false},
      {"P4 never updated, no cadence", std::nullopt, last, "P4", false},
      {"clock behind the update", last, last - 5min, "P2", false},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    CHECK(update_is_stale(row.last_update, row.now, row.level, 30, by_level) == row.expected);
  }
  CHECK(update_interval_minutes("P3", 30, by_level) == 30);
  CHECK(update_interval_minutes("P1", 30, by_level) == 15);
}

TEST_CASE("a scheduled review meeting holds the review off until both it and the deadline passed", "[review_clock]") {
  const TimePoint deadline = k_recovered + 24h;
  const TimePoint early_meeting = k_recovered + 20h;
  const TimePoint late_meeting = k_recovered + 30h;
  CHECK(review_state(k_recovered, std::nullopt, deadline, k_recovered + 1h, early_meeting) == ReviewState::Scheduled);
  CHECK(review_state(k_recovered, std::nullopt, deadline, k_recovered + 22h, early_meeting) == ReviewState::Scheduled);
  CHECK(review_state(k_recovered, std::nullopt, deadline, deadline + 1s, early_meeting) == ReviewState::Overdue);
  CHECK(review_state(k_recovered, std::nullopt, deadline, deadline + 1h, late_meeting) == ReviewState::Scheduled);
  CHECK(review_state(k_recovered, std::nullopt, deadline, late_meeting + 1s, late_meeting) == ReviewState::Overdue);
  CHECK(review_state(k_recovered, k_recovered + 21h, deadline, k_recovered + 40h, late_meeting) == ReviewState::MetOnTime);
  CHECK(review_state(std::nullopt, std::nullopt, deadline, k_recovered, late_meeting) == ReviewState::NotDue);
  CHECK(std::string(to_string(ReviewState::Scheduled)) == "scheduled");
}
