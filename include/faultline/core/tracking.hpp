// Tracking: the three lanes of the board (open faults, overdue actions, pending actions),
// the JQL that finds them (every value through jql_quote; "today" passed in as a date in the
// team's zone, never JQL's now()/startOfDay(), so the zone is faultline's), lane assignment,
// ordering and the board's JSON model. Pure: no I/O.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/action.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"

namespace faultline::core {

// The two action lanes.
enum class ActionLane { Overdue, Pending };
const char* to_string(ActionLane lane);  // "overdue" | "pending"

// Open faults of the project and type, optionally of one team (Team field matched by name in
// JQL is not portable, so the team is filtered on the read faults: see filter_faults_by_team),
// oldest first:
//   project = "P" AND issuetype = "T" AND statusCategory != "Done" ORDER BY created ASC
std::string open_faults_jql(std::string_view project, std::string_view fault_type);

// What an action search selects.
struct ActionQuery {
  std::string project;
  std::optional<ActionLane> lane;    // nullopt: every action not Done
  date::year_month_day today{};      // in the team's zone (see today_in)
  std::string owner;                 // assignee (user name on DC, accountId on Cloud); "" = anyone
  std::vector<std::string> parents;  // parent fault keys; empty = any parent
};

// The JQL of one action search, stable order (due date, then key) so that startAt pages do
// not shift:
//   project = "P" AND labels = "fault-action" AND statusCategory != "Done"
//   [AND duedate < "YYYY-MM-DD"]                              (overdue)
//   [AND (duedate >= "YYYY-MM-DD" OR duedate is EMPTY)]      (pending)
//   [AND assignee = "owner"] [AND parent in ("K-1", ...)]
//   ORDER BY duedate ASC, key ASC
std::string actions_jql(const ActionQuery& query);

// The query split so that no `parent in (...)` list is longer than `chunk` keys (Jira limits
// the JQL length): one JQL per chunk; one JQL when there are no parents.
std::vector<std::string> actions_jql_chunks(const ActionQuery& query, std::size_t chunk = 100);

// Today's date in `zone` at `now` (the day that decides "overdue").
date::year_month_day today_in(TimePoint now, const date::time_zone* zone);

// The lane of an action on `today`: nullopt when it is done; Overdue when due before today;
// Pending otherwise (due today or later, or no due date).
std::optional<ActionLane> lane_of(const Action& action, date::year_month_day today);

// The two action lanes, done actions dropped, duplicates (same key) kept once, each sorted:
// overdue with the most days overdue first; pending due soonest first, no due date last;
// ties by key (numeric part compared as a number).
struct ActionLanes {
  std::vector<Action> overdue;
  std::vector<Action> pending;
};
ActionLanes assign_lanes(std::vector<Action> actions, date::year_month_day today);

// Whether `a` comes before `b` by issue key: project, then the number as a number.
bool key_less(std::string_view a, std::string_view b);

// Keeps the actions whose parent is in `parents`.
std::vector<Action> filter_by_parent(std::vector<Action> actions, const std::set<std::string>& parents);

// Keeps the faults of `team` (case-insensitive); all when `team` is empty.
std::vector<Fault> filter_faults_by_team(std::vector<Fault> faults, std::string_view team);

// The fault lane's order: level (P1 first, unknown levels last), then oldest first.
void sort_fault_lane(std::vector<Fault>& faults);

// How a fault's review deadline is found when the fault does not carry one.
struct ReviewPolicy {
  int default_hours = 24;
  std::map<std::string, int> hours_by_level;
};

// The facts the board's fault lane shows or decides on besides the native fields (summary,
// status, assignee, created, updated) and the labels (which carry the level): its order, the
// team filter, the age, the last update and the review state. When every one of them is bound
// to a field, the board reads no property (fault_to_json then carries the facts read from
// fields and labels; `show` and `list --json` carry the rest).
inline constexpr const char* k_board_facts[] = {"team",         "started_at",      "last_update_at",
                                                "recovered_at", "reviewed_at",     "review_deadline",
                                                "review_scheduled_at", "review_late_reason"};

// One fault of the board: fault_to_json plus
//   "age" ("3d 4h", since started_at, else created; null when neither is known),
//   "age_minutes", "last_update" (ISO of last_update_at, else updated; null),
//   "since_update" ("45m" or null),
//   "review_deadline" (the fault's own, else recovered_at + the level's hours; null when not
//   recovered), "review_state" (to_string(ReviewState)).
nlohmann::json board_fault_json(const Fault& fault, TimePoint now, const date::time_zone* zone,
                                const ReviewPolicy& policy);

// The review deadline a fault is held to: its own, else recovered_at + the level's hours.
std::optional<TimePoint> effective_review_deadline(const Fault& fault, const ReviewPolicy& policy);

// {"faults":[board_fault_json...],"overdue":[action_to_json...],"pending":[action_to_json...]},
// each lane in the order given.
nlohmann::json board_json(const std::vector<Fault>& faults, const ActionLanes& lanes, TimePoint now,
                          const date::time_zone* zone, const ReviewPolicy& policy);

}  // namespace faultline::core
