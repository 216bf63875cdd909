// Table tests for how the JQL evaluator resolves date functions, periods and date literals,
// checked through the parsed query's operand (jql_ast.hpp) against exact instants.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "jql.hpp"
#include "jql_ast.hpp"

namespace jql = sandbox::jql;

namespace {

std::chrono::system_clock::time_point at(date::year_month_day day, int hour, int minute = 0) {
  return date::sys_days{day} + std::chrono::hours{hour} + std::chrono::minutes{minute};
}

// The UTC instant the value of `created = <value>` stands for, as "yyyy-mm-dd HH:MM:SS.mmm".
std::string resolve(const std::string& value, const jql::EvalContext& ctx) {
  auto q = jql::parse("created = " + value);
  if (!q) return "ERROR: " + q.error();
  const auto& operand = (*q)->where->clause.operand;
  if (!operand.date) return "not a date";
  jql::Millis ms = jql::resolve_date(*operand.date, ctx);
  return date::format("%F %T", date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
}

struct Row {
  const char* value;     // right-hand side of the clause
  const char* expected;  // UTC instant
};

void check_rows(const std::vector<Row>& rows, const jql::EvalContext& ctx) {
  for (const auto& row : rows) {
    INFO(row.value);
    CHECK(resolve(row.value, ctx) == row.expected);
  }
}

}  // namespace

TEST_CASE("jql dates: functions, offsets and periods in UTC", "[jql]") {
  using namespace date::literals;
  jql::EvalContext ctx;
  ctx.now = at(2026_y / 11 / 25, 12);  // a Wednesday
  check_rows({
                 {"now()", "2026-11-25 12:00:00.000"},
                 {"startOfDay()", "2026-11-25 00:00:00.000"},
                 {"startOfDay(-1)", "2026-11-24 00:00:00.000"},
                 {"startOfDay(\"-1w\")", "2026-11-18 00:00:00.000"},
                 {"startOfDay(\"+2h\")", "2026-11-25 02:00:00.000"},
                 {"endOfDay()", "2026-11-25 23:59:59.999"},
                 {"endOfDay(\"+7d\")", "2026-12-02 23:59:59.999"},
                 {"ENDOFDAY(+1)", "2026-11-26 23:59:59.999"},
                 {"startOfWeek()", "2026-11-22 00:00:00.000"},
                 {"startOfWeek(1)", "2026-11-29 00:00:00.000"},
                 {"endOfWeek()", "2026-11-28 23:59:59.999"},
                 {"startOfMonth()", "2026-11-01 00:00:00.000"},
                 {"startOfMonth(-1)", "2026-10-01 00:00:00.000"},
                 {"startOfMonth(\"+14d\")", "2026-11-15 00:00:00.000"},
                 {"endOfMonth()", "2026-11-30 23:59:59.999"},
                 {"endOfMonth(-1)", "2026-10-31 23:59:59.999"},
                 {"endOfMonth(\"-1M\")", "2026-10-31 23:59:59.999"},
                 {"endOfMonth(-9)", "2026-02-28 23:59:59.999"},
                 {"startOfYear()", "2026-01-01 00:00:00.000"},
                 {"endOfYear(-1)", "2025-12-31 23:59:59.999"},
                 {"\"-30m\"", "2026-11-25 11:30:00.000"},
                 {"-1d", "2026-11-24 12:00:00.000"},
                 {"2w", "2026-12-09 12:00:00.000"},
                 {"\"-4w 2d\"", "2026-10-26 12:00:00.000"},
                 {"\"-1M\"", "2026-10-25 12:00:00.000"},
                 {"1y", "2027-11-25 12:00:00.000"},
                 {"\"+1h\"", "2026-11-25 13:00:00.000"},
                 {"\"2026-03-05\"", "2026-03-05 00:00:00.000"},
                 {"\"2026/03/05\"", "2026-03-05 00:00:00.000"},
                 {"\"2026-03-05 07:05\"", "2026-03-05 07:05:00.000"},
                 {"\"2026/3/5 7:05\"", "2026-03-05 07:05:00.000"},
             },
             ctx);
  ctx.now = at(2026_y / 3 / 31, 12);
  check_rows({
                 {"\"-1M\"", "2026-02-28 12:00:00.000"},
                 {"startOfMonth(-1)", "2026-02-01 00:00:00.000"},
                 {"endOfMonth(-1)", "2026-02-28 23:59:59.999"},
             },
             ctx);
}

TEST_CASE("jql dates: functions and literals in a zone", "[jql]") {
  using namespace date::literals;
  jql::EvalContext ctx;
  ctx.zone = date::locate_zone("Asia/Shanghai");
  ctx.now = at(2026_y / 11 / 25, 16, 30);  // 2026-11-26 00:30 in Shanghai
  check_rows({
                 {"startOfDay()", "2026-11-25 16:00:00.000"},
                 {"endOfDay()", "2026-11-26 15:59:59.999"},
                 {"startOfDay(-1)", "2026-11-24 16:00:00.000"},
                 {"startOfMonth()", "2026-10-31 16:00:00.000"},
                 {"startOfWeek()", "2026-11-21 16:00:00.000"},
                 {"\"2026-11-26\"", "2026-11-25 16:00:00.000"},
                 {"\"2026-11-26 08:00\"", "2026-11-26 00:00:00.000"},
                 {"-1d", "2026-11-24 16:30:00.000"},
             },
             ctx);
  // Across a DST change: "-1d" is a calendar day, 00:00 local is the start of the day.
  ctx.zone = date::locate_zone("Europe/Berlin");
  ctx.now = at(2026_y / 3 / 29, 12);  // clocks went forward at 01:00 UTC
  check_rows({
                 {"startOfDay()", "2026-03-28 23:00:00.000"},
                 {"-1d", "2026-03-28 13:00:00.000"},
                 {"endOfDay()", "2026-03-29 21:59:59.999"},
                 {"\"2026-03-29 02:30\"", "2026-03-29 01:00:00.000"},
             },
             ctx);
}

TEST_CASE("jql dates: stored date-time formats", "[jql]") {
  auto ms = [](const char* s) {
    auto v = jql::parse_datetime(s);
    return v ? date::format("%F %T", date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{*v}})
             : std::string("invalid");
  };
  CHECK(ms("2026-11-25T10:00:00.000+0000") == "2026-11-25 10:00:00.000");
  CHECK(ms("2019-08-13T06:14:23.580+0800") == "2019-08-12 22:14:23.580");
  CHECK(ms("2019-08-27T12:43:24.193-0700") == "2019-08-27 19:43:24.193");
  CHECK(ms("2026-11-25T10:00:00Z") == "2026-11-25 10:00:00.000");
  CHECK(ms("2026-11-25T10:00:00.5+05:30") == "2026-11-25 04:30:00.500");
  CHECK(ms("2026-11-25T10:00") == "2026-11-25 10:00:00.000");
  CHECK(ms("2026-11-25") == "invalid");
  CHECK(ms("2026-02-30T10:00:00Z") == "invalid");
  CHECK(ms("2026-11-25T10:00:00+00") == "invalid");
  CHECK(ms("yesterday") == "invalid");
  CHECK(jql::parse_date_only("2026-11-26").value() ==
        date::sys_days{date::year{2026} / 11 / 26}.time_since_epoch().count());
  CHECK_FALSE(jql::parse_date_only("2026-11-26T00:00").has_value());
}

TEST_CASE("jql: nesting limit and unicode escapes", "[jql]") {
  std::string deep(500, '(');
  deep += "status = Open";
  deep += std::string(500, ')');
  auto q = jql::parse(deep);
  REQUIRE_FALSE(q);
  CHECK(q.error().find("nested too deeply") != std::string::npos);
  std::string fine(50, '(');
  fine += "status = Open" + std::string(50, ')');
  CHECK(jql::parse(fine).has_value());
  auto emoji = jql::parse("summary ~ \"\\ud83d\\udd25 fire\"");
  REQUIRE(emoji);
  CHECK((*emoji)->where->clause.operand.text == "\xF0\x9F\x94\xA5 fire");
}
