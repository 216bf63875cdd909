// Reading the state of the process for people: the board's three lanes (open faults, overdue
// and pending actions), the action lanes alone, the fault list, and one fault in full (facts,
// timeline, actions, review clock). Reads only; the command decides how to print.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/action_repository.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::app {

class Services;

// The board: open faults (lane order) and the action lanes, as of `now` in `zone`.
struct Board {
  std::vector<core::Fault> faults;
  core::ActionLanes lanes;
  core::TimePoint now;
  date::year_month_day today;
  const date::time_zone* zone = nullptr;
  core::ReviewPolicy policy;
  nlohmann::json json;  // core::board_json with each item's "url"
};

// The board, of one team's faults (and their actions) when `team` is set. Error: a search failed.
Result<Board> load_board(Services& services, const std::string& team);

struct ActionLanesRequest {
  bool overdue = false;
  bool pending = false;
  std::string owner;  // people key or Jira user; "" = everyone
  std::string team;   // "" = every team
};

// The open actions of the lanes asked for, decided on the team's "today".
struct ActionLanesView {
  core::ActionLanes lanes;
  date::year_month_day today;
  nlohmann::json json;  // [{...action, "lane", "url"}]
};

// The overdue and/or pending actions. Error: Usage for an unknown owner; a search failed.
Result<ActionLanesView> find_action_lanes(Services& services, const ActionLanesRequest& request);

struct FaultListRequest {
  std::string level;    // P1..P4; "" = any
  std::string team;     // "" = any
  std::string service;  // "" = any
  std::string since;    // created at or after (parse_time forms); "" = any time
  std::string status;   // a workflow status (closed ones included); "" = open faults
  bool all = false;     // closed faults too
  int limit = 200;
};

struct FaultList {
  std::vector<core::Fault> faults;  // newest first
  core::TimePoint now;
  const date::time_zone* zone = nullptr;
  nlohmann::json json;  // [fault model + "url", "review_state"]
};

// The faults matching the request. Error: Usage for a bad level or --since; a search failed.
Result<FaultList> list_faults(Services& services, const FaultListRequest& request);

// The review state at `now`: "not_due" when no deadline is known (not recovered yet), else
// core::review_state's name.
std::string review_state_of(const core::Fault& fault, core::TimePoint now);

// One fault in full.
struct FaultView {
  core::Fault fault;
  std::string url;
  std::vector<core::TimelineEntry> timeline;
  std::vector<ExistingAction> actions;  // earliest due date first, those without one last
  std::string review_state;
  const date::time_zone* zone = nullptr;
  nlohmann::json json;  // fault model + "url", "timeline", "actions", "review_state"
};

// Reads the fault, its changelog, comments and action sub-tasks (through the parent: search
// lags on Cloud). Error: NotFound; Jira's error.
Result<FaultView> show_fault(Services& services, const std::string& key);

}  // namespace faultline::app
