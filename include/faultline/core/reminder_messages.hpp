// The template data of the reminder messages (actions.overdue, fault.stale, review.overdue;
// documented in templates/notify/README.md), split into parts that fit the smallest routed
// platform. Pure: people and URLs come in through ReminderNaming.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/reminders.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::core {

// What the messages need from outside: how people are named, where issues live, the run.
struct ReminderNaming {
  // The name a Jira user (account id / user name) is shown and mentioned as: their people key
  // when the people map has them, else `fallback`.
  std::function<std::string(std::string_view jira_id, std::string_view fallback)> person;
  // The browse URL of an issue key.
  std::function<std::string(std::string_view key)> issue_url;
  std::string team_coordinator;  // team.coordinator: mentioned on escalation and missed reviews
  std::string run_id;            // part of each message's dedupe key
};

// The rules a fault reminder reports against.
struct FaultReminderRules {
  TimePoint now{};
  const date::time_zone* zone = nullptr;
  int update_cadence_minutes = 30;
  std::map<std::string, int> update_cadence_by_level;
  ReviewPolicy review_policy;
};

// The actions.overdue data of each message: `owners` split to fit `budget` bytes (an owner
// continues in the next part when needed); {"count", "owners": [{"owner", "owner_id",
// "escalated", "actions": [{"key", "summary", "due", "days_overdue", "fault", "url",
// "escalated"}]}], "escalated", "coordinator" (when escalated), "mentions", "dedupe_key",
// "part": {"index", "total"} (when split)}.
std::vector<nlohmann::json> overdue_messages(const std::vector<OwnerGroup>& owners, std::size_t budget,
                                             const ReminderNaming& naming);

// The fault.stale (kind Stale) or review.overdue (kind Review) data of each message: `faults`
// in order, split to fit `budget` bytes; {"count", "faults": [{"key", "summary", "level",
// "url", "handler", "coordinator", "minutes_since_update" | "recovered", "review_due"}],
// "mentions", "dedupe_key", "cadence_minutes" (stale, one cadence), "link" (one fault),
// "part" (when split)}. Stale mentions the handler, else the fault's coordinator; Review the
// handler, the fault's coordinator and the team's.
std::vector<nlohmann::json> fault_messages(ReminderKind kind, const std::vector<Fault>& faults, std::size_t budget,
                                           const FaultReminderRules& rules, const ReminderNaming& naming);

}  // namespace faultline::core
