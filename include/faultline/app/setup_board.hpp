// Jira set up for the tracking lanes: the three lane filters (open faults, overdue actions,
// pending actions), created or updated by name (never duplicated: the caller's own filter of
// the same name is updated), and an agile board on the faults filter where the user may create
// one (found by name first), with the manual steps (swimlanes, quick filters) the REST API
// cannot configure. Safe to re-run.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

struct SetupBoardRequest {
  std::string prefix = "faultline";  // of the filter and board names
  bool board = true;                 // false: only the filters
};

struct SetupBoardOutcome {
  nlohmann::json filters = nlohmann::json::array();  // [{"lane","name","id","jql","url","status"}]
  nlohmann::json board;                              // {"name","id","url","status"[,"error"]} or null
  std::vector<std::string> manual_steps;

  // {"filters","board","manual_steps"}.
  nlohmann::json to_json() const;
};

// Creates or updates the filters and the board. A board Jira refuses to create (403) is
// "not_permitted" with the manual steps to make it. Error: a filter could not be read or
// written; Jira's error.
Result<SetupBoardOutcome> setup_board(Services& services, const SetupBoardRequest& request);

}  // namespace faultline::app
