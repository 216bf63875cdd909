// Strict machine timestamps: the RFC 3339 times alert payloads carry and the datetimes Jira
// returns (offset with or without a colon). Unlike parse_time in time.hpp, nothing relative
// or zone-local is accepted, so data can never be read as "now". Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "faultline/core/time.hpp"

namespace faultline::core {

// Parses YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM) ("t" and "z" also accepted; digits
// past milliseconds are truncated). Nothing when the text has any other shape or names an
// impossible day or time.
std::optional<TimePoint> parse_timestamp(std::string_view text);

// UTC, seconds precision plus milliseconds when not zero: 2026-11-25T02:00:00Z,
// 2026-11-25T02:00:00.250Z. Used for dedupe keys and the entity property, so it never
// depends on a time zone.
std::string format_utc(TimePoint t);

// Whether `t` falls in year 1, as Go's zero time (0001-01-01T00:00:00Z) does, which
// Alertmanager and Grafana send for "unset".
bool is_go_zero_time(TimePoint t);

}  // namespace faultline::core
