// Facts about a Jira project that `init` discovers and `doctor` checks: issue types, custom
// fields by the names a fault tool uses, workflow statuses.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faultline/config/init_file.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

// One status of a workflow: its name and its category key ("new", "indeterminate", "done").
struct WorkflowStatus {
  std::string name;
  std::string category;
};

// GET /rest/api/{3|2}/project/{key}/statuses: the statuses per issue type name.
// Error: NotFound for an unknown project.
Result<std::map<std::string, std::vector<WorkflowStatus>>> project_statuses(jira::Client& jira, std::string_view project);

// The statuses of `fault_type` in `statuses` (case-insensitive); every type's when it has none.
std::vector<WorkflowStatus> fault_type_statuses(const std::map<std::string, std::vector<WorkflowStatus>>& statuses,
                                                std::string_view fault_type);

// Each process step (reported, handling, recovered, reviewing, closed) mapped to a status of
// the workflow, "" when it has none: the candidates by name (workflow_status_candidates), else
// the first status of the step's category (new for reported, done for closed). Only `closed`
// may map to a Done-category status: a fault in a Done status leaves the board, the lists and
// the review reminders, so a Done "Resolved" is not used for `recovered`.
std::map<std::string, std::string> map_workflow_steps(const std::vector<WorkflowStatus>& statuses);

// The Jira field names faultline looks for, per fault fact, most likely first.
const std::vector<std::pair<std::string, std::vector<std::string>>>& fact_field_candidates();

// The status names faultline looks for, per workflow step, most likely first.
const std::vector<std::pair<std::string, std::vector<std::string>>>& workflow_status_candidates();

// The first candidate present in `names` (case-insensitive), returned as spelled in `names`.
std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::vector<std::string>& names);

class Services;

// What `init` was told (flags or answers) and where it looks.
struct DiscoveryRequest {
  std::string fault_type;  // "" = the first of Fault, Incident, Outage, Bug the project has
};

// Discovers the site through `services` (whose config carries the url, credentials, project,
// space and parent init was given): the Jira flavor, the user's time zone, the fault and
// sub-task issue types, custom fields by the names a fault tool uses, the workflow statuses,
// and the Confluence space and parent page. Fills `facts` (project, space and parent already
// set); what it cannot find becomes a note. Error: Config when the asked-for fault type does
// not exist; the client's error otherwise.
Result<void> discover_site(Services& services, const DiscoveryRequest& request, config::InitFacts& facts);

}  // namespace faultline::app
