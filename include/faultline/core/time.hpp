// Times: parsing what people and Jira write, formatting what Jira and people read, the
// team's time zone, and the clock behind an interface. Pure apart from the tz database.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

#include "faultline/util/error.hpp"

namespace faultline::core {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// The current time, injectable.
class Clock {
public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The system clock.
class SystemClock final : public Clock {
public:
  TimePoint now() const override;
};

// A clock that says what it is told, for tests.
class FixedClock final : public Clock {
public:
  explicit FixedClock(TimePoint t) : m_now(t) {}
  TimePoint now() const override { return m_now; }
  void set(TimePoint t) { m_now = t; }
  void advance(std::chrono::milliseconds d) { m_now += d; }

private:
  TimePoint m_now;
};

// Looks up an IANA zone ("Asia/Shanghai"). Error (Config) names the zone when unknown.
Result<const date::time_zone*> find_zone(std::string_view name);

// Parses a time as a person or Jira writes it:
//   ISO 8601 with offset: 2026-11-25T10:00:00Z, 2026-11-25T10:00:00+08:00, ...+0800 (Jira),
//     fractional seconds allowed; without an offset the time is local to `zone`;
//   a date alone (2026-11-25) = 00:00 in `zone`;
//   "now"; relative offsets from now: -15m, -2h, +1d, -1w, 30s, "-1h30m" (no sign = ago).
// A local time that a DST change skips or repeats is read with the offset in force before
// the change (02:30 on a spring-forward night = 03:30 after it; a repeated hour = the first).
// Error (Usage) quotes the text and shows the accepted forms.
Result<TimePoint> parse_time(std::string_view text, TimePoint now, const date::time_zone* zone);

// Parses a duration: "30m", "2h", "1d", "1w", "1h30m", "1h 30m", "45s". Error (Usage)
// quotes the text.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// Parses a due date: "2026-12-01", or relative to today in `zone`: "+7d", "+2w", "today",
// "tomorrow", "yesterday", "-1d". Error (Usage) quotes the text.
Result<date::year_month_day> parse_date(std::string_view text, TimePoint now, const date::time_zone* zone);

// Jira's datetime format: 2026-11-25T10:00:00.000+0800 (offset without a colon), in `zone`.
std::string format_jira_datetime(TimePoint t, const date::time_zone* zone);

// ISO 8601 with a colon offset, seconds precision: 2026-11-25T10:00:00+08:00, in `zone`.
std::string format_iso(TimePoint t, const date::time_zone* zone);

// YYYY-MM-DD.
std::string format_date(date::year_month_day d);

// "2026-11-25 10:00": the minute of `t` in `zone`, as JQL's date literals and tables write it.
std::string format_minutes(TimePoint t, const date::time_zone* zone);

// The calendar day of `t` in `zone`.
date::year_month_day local_date(TimePoint t, const date::time_zone* zone);

// "3d 4h", "45m", "2h 5m": a compact human duration, largest two units (d h m s), a zero
// second unit left out; "0s" under a second; negative durations get a leading "-".
std::string format_age(std::chrono::milliseconds d);

}  // namespace faultline::core
