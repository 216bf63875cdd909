// Facts about a Jira project that `init` discovers and `doctor` checks: issue types, custom
// fields by the names a fault tool uses, workflow statuses.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faultline/jira/client.hpp"

namespace faultline::cli {

// GET /rest/api/{3|2}/project/{key}/statuses: the status names per issue type name.
// Error: NotFound for an unknown project.
Result<std::map<std::string, std::vector<std::string>>> project_statuses(jira::Client& jira, std::string_view project);

// The Jira field names faultline looks for, per fault fact, most likely first.
const std::vector<std::pair<std::string, std::vector<std::string>>>& fact_field_candidates();

// The status names faultline looks for, per workflow step, most likely first.
const std::vector<std::pair<std::string, std::vector<std::string>>>& workflow_status_candidates();

// The first candidate present in `names` (case-insensitive), returned as spelled in `names`.
std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::vector<std::string>& names);

// Case-insensitive ASCII equality.
bool same_name(std::string_view a, std::string_view b);

}  // namespace faultline::cli
