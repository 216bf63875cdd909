#include <catch2/catch.hpp>

#include "faultline/core/time.hpp"
#include "support/zones.hpp"

using namespace faultline;
using namespace faultline::core;
using namespace std::chrono_literals;

namespace {

using faultline::testing::zone;

// A UTC instant from its parts.
TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0, int ms = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} +
                   std::chrono::milliseconds{ms}};
}

const TimePoint k_now = utc(2026, 11, 25, 2, 0, 0);  // 10:00 in Shanghai

}  // namespace

TEST_CASE("find_zone finds IANA zones and names the unknown one in a Config error", "[time]") {
  CHECK(find_zone("Asia/Shanghai"));
  CHECK(find_zone("UTC"));
  CHECK(find_zone("America/New_York"));
  const auto bad = find_zone("Mars/Olympus_Mons");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Config);
  CHECK_THAT(bad.error().message, Catch::Contains("\"Mars/Olympus_Mons\""));
  const auto empty = find_zone("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().kind == ErrorKind::Config);
}

TEST_CASE("parse_time reads ISO 8601 with every offset form", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  struct Row {
    const char* text;
    TimePoint expected;
  };
  const Row rows[] = {
      {"2026-11-25T10:00:00Z", utc(2026, 11, 25, 10)},
      {"2026-11-25t10:00:00z", utc(2026, 11, 25, 10)},
      {"2026-11-25T10:00:00+08:00", utc(2026, 11, 25, 2)},
      {"2026-11-25T10:00:00+0800", utc(2026, 11, 25, 2)},
      {"2026-11-25T10:00:00+08", utc(2026, 11, 25, 2)},
      {"2026-11-25T10:00:00-0700", utc(2026, 11, 25, 17)},
      {"2026-11-25T10:00:00-07:00", utc(2026, 11, 25, 17)},
      {"2026-11-25T10:00:00+05:30", utc(2026, 11, 25, 4, 30)},
      {"2026-11-25T10:00:00+0000", utc(2026, 11, 25, 10)},
      {"2019-08-13T06:14:23.580+0800", utc(2019, 8, 12, 22, 14, 23, 580)},
      {"2026-11-25T10:00:00.5Z", utc(2026, 11, 25, 10, 0, 0, 500)},
      {"2026-11-25T10:00:00.123456789Z", utc(2026, 11, 25, 10, 0, 0, 123)},
      {"2026-11-25T10:00:00,250Z", utc(2026, 11, 25, 10, 0, 0, 250)},
      {"2026-11-25T10:00Z", utc(2026, 11, 25, 10)},
      {"2026-11-25 10:00:00+08:00", utc(2026, 11, 25, 2)},
      {"  2026-11-25T10:00:00Z  ", utc(2026, 11, 25, 10)},
      // No offset: local to the zone.
      {"2026-11-25T10:00:00", utc(2026, 11, 25, 2)},
      {"2026-11-25T10:00", utc(2026, 11, 25, 2)},
      {"2026-11-25T00:00:00", utc(2026, 11, 24, 16)},
      // A date alone: midnight in the zone.
      {"2026-11-25", utc(2026, 11, 24, 16)},
      {"2024-02-29", utc(2024, 2, 28, 16)},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto parsed = parse_time(row.text, k_now, shanghai);
    REQUIRE(parsed);
    CHECK(*parsed == row.expected);
  }
}

TEST_CASE("parse_time reads now and offsets from now", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  struct Row {
    const char* text;
    std::chrono::milliseconds offset;
  };
  const Row rows[] = {
      {"now", 0ms},
      {"NOW", 0ms},
      {"-15m", -15min},
      {"+2h", 2h},
      {"-1d", -24h},
      {"+1d", 24h},
      {"-1w", -168h},
      {"30s", -30s},
      {"-30s", -30s},
      {"-1h30m", -90min},
      {"+1d2h", 26h},
      {"-1h 30m", -90min},
      {"-0m", 0ms},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto parsed = parse_time(row.text, k_now, shanghai);
    REQUIRE(parsed);
    CHECK(*parsed == k_now + row.offset);
  }
}

TEST_CASE("parse_time rejects bad input with a Usage error that quotes it and lists the forms", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const char* bad[] = {
      "",
      "   ",
      "yesterday-ish",
      "2026-13-01",
      "2026-02-30",
      "2025-02-29",
      "2026-11-25T24:00:00Z",
      "2026-11-25T10:60:00Z",
      "2026-11-25T10:00:60Z",
      "2026-11-25T10:00:00+2400",
      "2026-11-25T10:00:00+08:0",
      "2026-11-25T10:00:00+8",
      "2026-11-25T10:00:00.Z",
      "2026-11-25T10",
      "2026-11-25T10:00:00Zjunk",
      "26-11-25",
      "2026/11/25",
      "15m ago",
      "-15",
      "-m",
      "--15m",
      "-15x",
      "-30m1h",
      "-1h1h",
      "-9999999999m",
      "25 Nov 2026",
  };
  for (const char* text : bad) {
    INFO(text);
    const auto parsed = parse_time(text, k_now, shanghai);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK_THAT(parsed.error().message, Catch::Contains(std::string("\"") + text + "\""));
    CHECK_THAT(parsed.error().message, Catch::Contains("-15m"));
    CHECK_THAT(parsed.error().message, Catch::Contains("+0800"));
  }
}

TEST_CASE("parse_time error messages do not carry control characters", "[time]") {
  const auto parsed = parse_time("x\x1b[31m", k_now, zone("UTC"));
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message.find('\x1b') == std::string::npos);
}

TEST_CASE("parse_time handles America/New_York around DST transitions", "[time]") {
  const auto* new_york = zone("America/New_York");
  struct Row {
    const char* text;
    TimePoint expected;
  };
  const Row rows[] = {
      // Before and after spring forward (2026-03-08 02:00 EST -> 03:00 EDT).
      {"2026-03-08T01:59:00", utc(2026, 3, 8, 6, 59)},
      {"2026-03-08T03:00:00", utc(2026, 3, 8, 7)},
      // 02:30 does not exist that night: read with the offset before the change (EST).
      {"2026-03-08T02:30:00", utc(2026, 3, 8, 7, 30)},
      // Fall back (2026-11-01 02:00 EDT -> 01:00 EST): 01:30 happens twice, the first is taken.
      {"2026-11-01T01:30:00", utc(2026, 11, 1, 5, 30)},
      {"2026-11-01T00:59:00", utc(2026, 11, 1, 4, 59)},
      {"2026-11-01T02:00:00", utc(2026, 11, 1, 7)},
      // Midnight on either side of the change.
      {"2026-03-08", utc(2026, 3, 8, 5)},
      {"2026-03-09", utc(2026, 3, 9, 4)},
      {"2026-11-01", utc(2026, 11, 1, 4)},
      {"2026-11-02", utc(2026, 11, 2, 5)},
      // An explicit offset wins over the zone.
      {"2026-03-08T02:30:00-05:00", utc(2026, 3, 8, 7, 30)},
      {"2026-11-01T01:30:00-0500", utc(2026, 11, 1, 6, 30)},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto parsed = parse_time(row.text, k_now, new_york);
    REQUIRE(parsed);
    CHECK(*parsed == row.expected);
  }
}

TEST_CASE("parse_duration reads unit groups and rejects the rest", "[time]") {
  struct Row {
    const char* text;
    std::chrono::milliseconds expected;
  };
  const Row rows[] = {
      {"30m", 30min}, {"2h", 2h},       {"1d", 24h},          {"1w", 168h},       {"45s", 45s},
      {"1h30m", 90min}, {"1h 30m", 90min}, {"2d3h4m5s", 2 * 24h + 3h + 4min + 5s}, {"0s", 0ms},
      {" 90m ", 90min}, {"1H", 1h},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto parsed = parse_duration(row.text);
    REQUIRE(parsed);
    CHECK(*parsed == row.expected);
  }
  for (const char* text : {"", "30", "m", "-30m", "+30m", "30x", "1m1h", "1h1h", "1.5h", "h1", "1h30"}) {
    INFO(text);
    const auto parsed = parse_duration(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK_THAT(parsed.error().message, Catch::Contains(std::string("\"") + text + "\""));
  }
}

TEST_CASE("parse_date reads dates and days from today in the zone", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto* new_york = zone("America/New_York");
  // 2026-11-25T17:00Z is already the 26th in Shanghai but still the 25th in New York.
  const TimePoint evening = utc(2026, 11, 25, 17);
  struct Row {
    const char* text;
    const date::time_zone* zone;
    const char* expected;
  };
  const Row rows[] = {
      {"2026-12-01", shanghai, "2026-12-01"},
      {"today", shanghai, "2026-11-26"},
      {"today", new_york, "2026-11-25"},
      {"Tomorrow", shanghai, "2026-11-27"},
      {"tomorrow", new_york, "2026-11-26"},
      {"yesterday", shanghai, "2026-11-25"},
      {"+7d", shanghai, "2026-12-03"},
      {"+7d", new_york, "2026-12-02"},
      {"+2w", shanghai, "2026-12-10"},
      {"-1d", new_york, "2026-11-24"},
      {"+0d", new_york, "2026-11-25"},
      {"+36d", shanghai, "2027-01-01"},
  };
  for (const auto& row : rows) {
    INFO(row.text << " in " << row.zone->name());
    const auto parsed = parse_date(row.text, evening, row.zone);
    REQUIRE(parsed);
    CHECK(format_date(*parsed) == row.expected);
  }
  for (const char* text : {"", "2026-02-30", "2026-12-1", "+7", "+7h", "7d", "+d", "next week", "2026-12-01T00:00"}) {
    INFO(text);
    const auto parsed = parse_date(text, evening, shanghai);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK_THAT(parsed.error().message, Catch::Contains(std::string("\"") + text + "\""));
    CHECK_THAT(parsed.error().message, Catch::Contains("tomorrow"));
  }
}

TEST_CASE("format_jira_datetime and format_iso write the zone's offset", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto* new_york = zone("America/New_York");
  const auto* utc_zone = zone("UTC");
  const TimePoint t = utc(2026, 11, 25, 2, 0, 0, 123);
  CHECK(format_jira_datetime(t, shanghai) == "2026-11-25T10:00:00.123+0800");
  CHECK(format_jira_datetime(t, new_york) == "2026-11-24T21:00:00.123-0500");
  CHECK(format_jira_datetime(t, utc_zone) == "2026-11-25T02:00:00.123+0000");
  CHECK(format_iso(t, shanghai) == "2026-11-25T10:00:00+08:00");
  CHECK(format_iso(t, new_york) == "2026-11-24T21:00:00-05:00");
  CHECK(format_iso(t, utc_zone) == "2026-11-25T02:00:00+00:00");
  // Summer time in New York.
  CHECK(format_iso(utc(2026, 7, 1, 12), new_york) == "2026-07-01T08:00:00-04:00");
  CHECK(format_jira_datetime(utc(2026, 7, 1, 12), new_york) == "2026-07-01T08:00:00.000-0400");
  // Either side of the fall-back change: the same wall time, two offsets.
  CHECK(format_iso(utc(2026, 11, 1, 5, 30), new_york) == "2026-11-01T01:30:00-04:00");
  CHECK(format_iso(utc(2026, 11, 1, 6, 30), new_york) == "2026-11-01T01:30:00-05:00");
}

TEST_CASE("formatted times parse back to the same instant", "[time]") {
  for (const char* name : {"Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata"}) {
    const auto* z = zone(name);
    for (const TimePoint t : {utc(2026, 3, 8, 6, 59, 59, 999), utc(2026, 3, 8, 7), utc(2026, 11, 1, 5, 30),
                              utc(2026, 11, 1, 6, 30), utc(2026, 12, 31, 23, 59, 59, 1)}) {
      INFO(name << " " << format_jira_datetime(t, z));
      const auto jira = parse_time(format_jira_datetime(t, z), k_now, z);
      REQUIRE(jira);
      CHECK(*jira == t);
      const auto iso = parse_time(format_iso(t, z), k_now, z);
      REQUIRE(iso);
      CHECK(*iso == date::floor<std::chrono::seconds>(t));
    }
  }
}

TEST_CASE("local_date and format_date follow the zone's midnight", "[time]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const auto* new_york = zone("America/New_York");
  CHECK(format_date(local_date(utc(2026, 11, 24, 15, 59, 59, 999), shanghai)) == "2026-11-24");
  CHECK(format_date(local_date(utc(2026, 11, 24, 16), shanghai)) == "2026-11-25");
  CHECK(format_date(local_date(utc(2026, 11, 25, 4, 59), new_york)) == "2026-11-24");
  CHECK(format_date(local_date(utc(2026, 11, 25, 5), new_york)) == "2026-11-25");
  CHECK(format_date(local_date(utc(2026, 3, 8, 4, 59), new_york)) == "2026-03-07");
  CHECK(format_date(local_date(utc(2026, 3, 8, 5), new_york)) == "2026-03-08");
  CHECK(format_date(date::year{987} / 1 / 2) == "0987-01-02");
}

TEST_CASE("format_age shows the two largest units", "[time]") {
  struct Row {
    std::chrono::milliseconds d;
    const char* expected;
  };
  const Row rows[] = {
      {0ms, "0s"},
      {999ms, "0s"},
      {45s, "45s"},
      {45min, "45m"},
      {90s, "1m 30s"},
      {2h + 5min, "2h 5m"},
      {2h + 5s, "2h"},
      {3 * 24h + 4h, "3d 4h"},
      {3 * 24h + 4h + 59min, "3d 4h"},
      {3 * 24h + 30min, "3d"},
      {400 * 24h, "400d"},
      {-(2h + 5min), "-2h 5m"},
  };
  for (const auto& row : rows) {
    INFO(row.d.count());
    CHECK(format_age(row.d) == row.expected);
  }
}

TEST_CASE("FixedClock says what it is told; SystemClock moves forward", "[time]") {
  FixedClock clock(k_now);
  CHECK(clock.now() == k_now);
  clock.advance(90s);
  CHECK(clock.now() == k_now + 90s);
  const SystemClock system;
  CHECK(system.now() > utc(2020, 1, 1));
}
