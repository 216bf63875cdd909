#include <catch2/catch.hpp>

#include "faultline/core/timestamp.hpp"

using namespace faultline::core;
using namespace std::chrono_literals;

namespace {
TimePoint utc(int y, unsigned m, unsigned d, int h, int min, int s, int ms = 0) {
  return TimePoint{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{h} + std::chrono::minutes{min} +
         std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}
}  // namespace

TEST_CASE("parse_timestamp reads RFC 3339 and Jira datetimes", "[timestamp]") {
  struct Row {
    const char* text;
    TimePoint expected;
  };
  const Row rows[] = {
      {"2026-11-25T02:00:00Z", utc(2026, 11, 25, 2, 0, 0)},
      {"2026-11-25T10:00:00+08:00", utc(2026, 11, 25, 2, 0, 0)},
      {"2026-11-25T10:00:00.000+0800", utc(2026, 11, 25, 2, 0, 0)},
      {"2019-08-27T12:43:24.193-0700", utc(2019, 8, 27, 19, 43, 24, 193)},
      {"2026-11-25T02:03:15.123456789Z", utc(2026, 11, 25, 2, 3, 15, 123)},
      {"2026-11-25T02:03:15.5Z", utc(2026, 11, 25, 2, 3, 15, 500)},
      {"2026-11-25t02:00:00z", utc(2026, 11, 25, 2, 0, 0)},
      {"0001-01-01T00:00:00Z", utc(1, 1, 1, 0, 0, 0)},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto t = parse_timestamp(row.text);
    REQUIRE(t.has_value());
    CHECK(*t == row.expected);
  }
}

TEST_CASE("parse_timestamp rejects everything relative, local or malformed", "[timestamp]") {
  for (const char* text : {"", "now", "-15m", "2026-11-25", "2026-11-25T10:00:00", "2026-11-25 10:00:00Z",
                           "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T10:00:00+2500",
                           "2026-11-25T10:00:00.Z", "2026-11-25T10:00:00Zjunk", "yesterday at noon"}) {
    INFO(text);
    CHECK_FALSE(parse_timestamp(text).has_value());
  }
}

TEST_CASE("format_utc prints seconds and milliseconds only when present", "[timestamp]") {
  CHECK(format_utc(utc(2026, 11, 25, 2, 0, 0)) == "2026-11-25T02:00:00Z");
  CHECK(format_utc(utc(2026, 11, 25, 2, 0, 0, 250)) == "2026-11-25T02:00:00.250Z");
  CHECK(is_go_zero_time(*parse_timestamp("0001-01-01T00:00:00Z")));
  CHECK_FALSE(is_go_zero_time(utc(2026, 1, 1, 0, 0, 0)));
}
