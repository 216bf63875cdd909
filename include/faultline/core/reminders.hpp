// What `faultline remind` chases, decided without I/O: overdue actions grouped by owner (with
// escalation to the coordinator), faults without a progress update for longer than their
// level's cadence, recovered faults whose review is overdue; how often each reminder may be
// repeated; the last-reminded marker kept on the issue and whether a run may claim it; and the
// packing of long reminder lists into messages that fit a chat platform.
//
// Reminder intervals (documented in README):
//   overdue actions  once per calendar day in the team's time zone, per action sub-task
//                    (so a daily cron never skips a day because it ran a few seconds early);
//   stale faults     once per update cadence of the fault's level (team.update_cadence_minutes,
//                    update_cadence_by_level), less one minute of slack for cadences of five
//                    minutes or more, so a cron running at the cadence does not skip a beat;
//   missed reviews   once per calendar day in the team's time zone, per fault.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/action.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::core {

// The entity property holding the last-reminded markers: {"<kind>": {"at": ISO, "by": run id}}.
// On each action sub-task for "overdue", on the fault for "stale" and "review".
inline constexpr std::string_view k_reminded_property = "faultline.reminded";

enum class ReminderKind { Overdue, Stale, Review };

// "overdue" | "stale" | "review" (the marker's member and --json's "kind").
const char* to_string(ReminderKind kind);

// The notification event of a kind: "actions.overdue" | "fault.stale" | "review.overdue".
const char* reminder_event(ReminderKind kind);

// How often a reminder may repeat.
struct ReminderInterval {
  enum class Unit { CalendarDay, Minutes } unit = Unit::CalendarDay;
  std::chrono::minutes minutes{0};  // Unit::Minutes only
};

// The interval of `kind`: CalendarDay for Overdue and Review; for Stale, the cadence minutes
// less one minute of slack when the cadence is five minutes or more (cadence <= 0: a day).
ReminderInterval reminder_interval(ReminderKind kind, int cadence_minutes);

// One last-reminded marker.
struct ReminderMark {
  TimePoint at;
  std::string by;     // the run id that claimed it
  bool sent = true;   // false ("sent": false) from the claim until the message was delivered
};

// The marker of `kind` in the property value, or nothing when it is absent or malformed (a
// malformed marker must not block reminders forever).
std::optional<ReminderMark> read_mark(const nlohmann::json& property, ReminderKind kind);

// `property` (any other kinds kept; a non-object becomes {}) with the marker of `kind` set to
// {"at": UTC ISO, "by": mark.by}.
nlohmann::json with_mark(nlohmann::json property, ReminderKind kind, const ReminderMark& mark);

// Whether a run at `now` may claim `kind` given the property read from the issue: true when
// there is no marker, when its claim was never confirmed as sent (the run that claimed it died
// or failed before delivering; only the holder of the group's lock claims, so a run still
// sending is never overtaken), or when the interval since it has passed (CalendarDay: the marker's day
// in `zone` is before today's; Minutes: now - at >= minutes). A marker in the future (another
// host's clock ahead) counts as recent.
bool may_claim(const nlohmann::json& property, ReminderKind kind, TimePoint now, const ReminderInterval& interval,
               const date::time_zone* zone);

// Whether the property read back after claiming carries this run's id for `kind`.
bool claim_is_ours(const nlohmann::json& property, ReminderKind kind, std::string_view run_id);

// The group lock of a kind: while one run chases a kind's group (reads markers, claims, sends),
// it holds "<kind>_lock" ({"at","by"}) in the property of the group's first issue.
std::string lock_member(ReminderKind kind);

// The lock of `kind` in the property, or nothing when absent or malformed.
std::optional<ReminderMark> read_lock(const nlohmann::json& property, ReminderKind kind);

// Whether `run_id` may take the lock at `now`: no lock, a lock of this run, or a lock older
// than `ttl` (left by a run that died). A lock stamped in the future is held.
bool may_lock(const nlohmann::json& property, ReminderKind kind, std::string_view run_id, TimePoint now,
              std::chrono::milliseconds ttl);

// `property` (a non-object becomes {}) with the lock of `kind` set to `mark`.
nlohmann::json with_lock(nlohmann::json property, ReminderKind kind, const ReminderMark& mark);

// `property` without the lock of `kind` (everything else kept).
nlohmann::json without_lock(nlohmann::json property, ReminderKind kind);

// Whether the property carries this run's lock for `kind`.
bool lock_is_ours(const nlohmann::json& property, ReminderKind kind, std::string_view run_id);

// --- overdue actions ---------------------------------------------------------------------

// One overdue action in a reminder.
struct OverdueItem {
  Action action;
  int days_overdue = 0;
  bool escalated = false;  // overdue for escalate_after_days days or more
};

// The overdue actions of one owner.
struct OwnerGroup {
  std::string owner;          // accountId / user name; "" for unassigned actions
  std::string owner_display;  // Jira display name, else the owner id, else "unassigned"
  std::vector<OverdueItem> items;  // most overdue first, then by issue key
  bool escalated = false;          // any item escalated
};

// The not-done actions of `actions` that are overdue on `today` grouped by owner. Owners are
// ordered by display name (case-insensitive), unassigned last; an item escalates when
// escalate_after_days > 0 and its days overdue >= escalate_after_days.
std::vector<OwnerGroup> group_overdue_by_owner(const std::vector<Action>& actions, date::year_month_day today,
                                               int escalate_after_days);

// --- stale faults and missed reviews ---------------------------------------------------------

// The time a fault's update cadence counts from: its last update, else its start, else its
// creation.
std::optional<TimePoint> last_progress_at(const Fault& fault);

// Whether an open fault is stale at `now`: not done, not recovered (no recovered_at), and
// update_is_stale(last_progress_at(fault), ...) for its level.
bool fault_is_stale(const Fault& fault, TimePoint now, int default_cadence_minutes,
                    const std::map<std::string, int>& cadence_by_level);

// Whether the fault's review is overdue at `now`: recovered, not reviewed (no reviewed_at and
// no review page), not done, and now past effective_review_deadline (review_state == Overdue).
bool review_is_overdue(const Fault& fault, TimePoint now, const ReviewPolicy& policy);

// --- message splitting ---------------------------------------------------------------------

// The estimated rendered size of one overdue line (link, summary, due, fault) in bytes.
std::size_t estimated_item_bytes(const OverdueItem& item, std::size_t url_bytes);

// Splits the owner groups into messages whose estimated size (header_bytes, plus for each owner
// in a message its display name and 16 bytes, plus each item's item_bytes) stays within
// max_bytes. Owners are never reordered; an owner whose items do not fit continues in the next
// message (the owner repeated there). A single item larger than the budget gets a message of
// its own (the notifier then splits it by the platform's rules). No groups give no messages.
std::vector<std::vector<OwnerGroup>> split_owner_groups(const std::vector<OwnerGroup>& groups, std::size_t max_bytes,
                                                        std::size_t header_bytes, std::size_t url_bytes);

// Splits `sizes` (estimated bytes of list lines, in order) into consecutive ranges [first, last)
// whose sum plus header_bytes stays within max_bytes; a line larger than the budget is a range
// of its own. No lines give no ranges.
std::vector<std::pair<std::size_t, std::size_t>> split_lines(const std::vector<std::size_t>& sizes,
                                                             std::size_t max_bytes, std::size_t header_bytes);

}  // namespace faultline::core
