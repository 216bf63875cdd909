#include "faultline/core/review_clock.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace faultline::core {

namespace {

int value_for_level(std::string_view level, int fallback, const std::map<std::string, int>& by_level) {
  if (const auto it = by_level.find(std::string(level)); it != by_level.end()) return it->second;
  for (const auto& [name, value] : by_level) {
    if (iequals(name, level)) return value;
  }
  return fallback;
}

}  // namespace

TimePoint review_deadline(TimePoint recovered_at, std::string_view level, int default_hours,
                          const std::map<std::string, int>& hours_by_level) {
  return recovered_at + std::chrono::hours{value_for_level(level, default_hours, hours_by_level)};
}

ReviewState review_state(std::optional<TimePoint> recovered_at, std::optional<TimePoint> reviewed_at,
                         TimePoint deadline, TimePoint now, std::optional<TimePoint> scheduled_at) {
  if (reviewed_at) {
    if (!recovered_at) return ReviewState::MetOnTime;
    return *reviewed_at <= deadline ? ReviewState::MetOnTime : ReviewState::MetLate;
  }
  if (!recovered_at) return ReviewState::NotDue;
  if (scheduled_at) return now > std::max(deadline, *scheduled_at) ? ReviewState::Overdue : ReviewState::Scheduled;
  return now > deadline ? ReviewState::Overdue : ReviewState::Due;
}

const char* to_string(ReviewState state) {
  switch (state) {
    case ReviewState::NotDue: return "not_due";
    case ReviewState::Due: return "due";
    case ReviewState::Scheduled: return "scheduled";
    case ReviewState::Overdue: return "overdue";
    case ReviewState::MetOnTime: return "met_on_time";
    case ReviewState::MetLate: return "met_late";
  }
  return "not_due";
}

int update_interval_minutes(std::string_view level, int default_minutes, const std::map<std::string, int>& by_level) {
  return value_for_level(level, default_minutes, by_level);
}

bool update_is_stale(std::optional<TimePoint> last_update, TimePoint now, std::string_view level,
                     int default_minutes, const std::map<std::string, int>& by_level) {
  const int minutes = update_interval_minutes(level, default_minutes, by_level);
  if (minutes <= 0) return false;
  if (!last_update) return true;
  return now - *last_update >= std::chrono::minutes{minutes};
}

}  // namespace faultline::core
