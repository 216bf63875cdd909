// The clocks of the process: the review deadline after recovery (24 hours by default, per
// level configurable) and the update cadence while a fault is open (every 30 minutes by
// default). Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/core/time.hpp"

namespace faultline::core {

// recovered_at + the hours for `level` (hours_by_level["P1"], level matched
// case-insensitively), else default_hours.
TimePoint review_deadline(TimePoint recovered_at, std::string_view level, int default_hours,
                          const std::map<std::string, int>& hours_by_level);

// Where a fault's review stands.
enum class ReviewState {
  NotDue,     // not recovered yet
  Due,        // recovered, not reviewed, now <= deadline
  Scheduled,  // recovered, not reviewed, a review meeting is scheduled and neither it nor the
              // deadline has passed yet
  Overdue,    // recovered, not reviewed, now > deadline
  MetOnTime,  // reviewed at or before the deadline
  MetLate,    // reviewed after the deadline
};

// The review state at `now`. A review time without a recovery time still counts as met. With a
// meeting scheduled (`review schedule`), a review is not missed until both the deadline and the
// meeting's time have passed without a publish (a meeting past the deadline needs --late).
ReviewState review_state(std::optional<TimePoint> recovered_at, std::optional<TimePoint> reviewed_at,
                         TimePoint deadline, TimePoint now, std::optional<TimePoint> scheduled_at = std::nullopt);

// "not_due", "due", "scheduled", "overdue", "met_on_time", "met_late" (for --json and templates).
const char* to_string(ReviewState state);

// The update interval for `level` in minutes (by_level, case-insensitive, else
// default_minutes); 0 or less means no cadence.
int update_interval_minutes(std::string_view level, int default_minutes, const std::map<std::string, int>& by_level);

// Whether an open fault needs a progress update: true when there was never one, or when
// now - last_update >= the interval for the level. Never stale when the interval is 0 or less.
bool update_is_stale(std::optional<TimePoint> last_update, TimePoint now, std::string_view level,
                     int default_minutes, const std::map<std::string, int>& by_level);

}  // namespace faultline::core
