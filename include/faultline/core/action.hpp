// Fault actions: the sub-tasks a review creates under a fault (label fault-action, a
// fault-action-id-<id> label carrying the stable id, the faultline.action entity property),
// read from Jira issue JSON, and their overdue arithmetic. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "faultline/core/time.hpp"

#include "faultline/core/labels.hpp"  // k_action_label = "fault-action" (on every action sub-task)
#include "faultline/util/error.hpp"

namespace faultline::core {

// The entity property on each action sub-task: {"id","kind","fault"}.
inline constexpr std::string_view k_action_property = "faultline.action";

// The prefix of the label that carries an action's stable id.
inline constexpr std::string_view k_action_id_label_prefix = "fault-action-id-";

// The label that carries an action's stable id: "fault-action-id-" + id.
std::string action_id_label(std::string_view action_id);

// Whether `id` is a valid action id: [a-z0-9][a-z0-9-]{0,39}.
bool is_valid_action_id(std::string_view id);

// One action sub-task as read from Jira.
struct Action {
  std::string key, id, parent, parent_summary, summary;
  std::string owner;          // accountId (Cloud) or user name (DC), "" unassigned
  std::string owner_display;
  std::optional<date::year_month_day> due;
  std::string status, status_category;  // category: new | indeterminate | done
  std::string kind;           // prevent | mitigate | detect | process | ""
  std::optional<TimePoint> created;   // fields.created
  std::optional<TimePoint> resolved;  // fields.resolutiondate: when it was done (null while open)
};

// The fields an action search must request: summary, parent, assignee, duedate, status,
// labels, created, resolutiondate.
std::vector<std::string> action_fields();
// The members action_from_issue reads inside those fields' objects, as dotted paths
// (jira::SearchRequest::kept_members): a read builds nothing else of them.
std::vector<std::string> action_field_members();
// The members read of a fault's `subtasks` field (its list of sub-tasks): each one's id and
// key; the sub-tasks themselves are read by action searches.
std::vector<std::string> subtask_list_members();

// Reads one issue JSON (fields as action_fields()); id from the fault-action-id- label, kind
// from a fault-action-kind-<kind> label when present (else ""). Error (Failed) when the
// issue has no key or its duedate is not YYYY-MM-DD.
Result<Action> action_from_issue(const nlohmann::json& issue);

// Parses Jira's duedate ("2026-11-25"); nothing for any other shape or an impossible day.
std::optional<date::year_month_day> parse_due_date(std::string_view text);

// Whether the action is done (status category "done").
bool action_is_done(const Action& action);

// Who an action is shown as: the owner's display name, else their Jira id, else "(unassigned)".
std::string owner_label(const Action& action);

// Days past due on `today` (0 when not overdue or no due date). Due today is not overdue.
int days_overdue(const Action& action, date::year_month_day today);

// {"key","parent","summary","owner","due" ("YYYY-MM-DD" or null),"status","days_overdue",
//  "id","kind"}; plus "owner_display", "parent_summary", "status_category".
nlohmann::json action_to_json(const Action& action, date::year_month_day today);

}  // namespace faultline::core
