#include "faultline/app/site_discovery.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/app/services.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

Result<std::map<std::string, std::vector<WorkflowStatus>>> project_statuses(jira::Client& jira, std::string_view project) {
  FAULTLINE_TRY(reply,
                jira.call(http::Method::Get,
                          std::string(jira.api_root()) + "/project/" + http::url_encode(project) + "/statuses"));
  std::map<std::string, std::vector<WorkflowStatus>> statuses;
  if (!reply->body.is_array()) return statuses;
  for (const auto& type : reply->body) {
    if (!type.is_object()) continue;
    const auto name = type.find("name");
    auto& list = statuses[name != type.end() && name->is_string() ? name->get<std::string>() : std::string()];
    const auto listed = type.find("statuses");
    if (listed == type.end() || !listed->is_array()) continue;
    for (const auto& status : *listed) {
      if (!status.is_object() || !status.contains("name") || !status["name"].is_string()) continue;
      WorkflowStatus entry{status["name"].get<std::string>(), {}};
      if (const auto category = status.find("statusCategory"); category != status.end() && category->is_object()) {
        if (const auto key = category->find("key"); key != category->end() && key->is_string()) entry.category = key->get<std::string>();
      }
      list.push_back(std::move(entry));
    }
  }
  return statuses;
}

std::vector<WorkflowStatus> fault_type_statuses(const std::map<std::string, std::vector<WorkflowStatus>>& statuses,
                                                std::string_view fault_type) {
  for (const auto& [type, list] : statuses)
    if (iequals(type, fault_type) && !list.empty()) return list;
  std::vector<WorkflowStatus> all;
  for (const auto& [type, list] : statuses)
    for (const auto& status : list)
      if (std::none_of(all.begin(), all.end(), [&](const WorkflowStatus& s) { return iequals(s.name, status.name); }))
        all.push_back(status);
  return all;
}

std::map<std::string, std::string> map_workflow_steps(const std::vector<WorkflowStatus>& statuses) {
  std::map<std::string, std::string> steps;
  std::vector<std::string> taken;
  auto free = [&](const WorkflowStatus& s) {
    return std::none_of(taken.begin(), taken.end(), [&](const std::string& t) { return iequals(t, s.name); });
  };
  for (const auto& [step, candidates] : workflow_status_candidates()) {
    const bool closing = step == "closed";
    std::vector<std::string> eligible;
    for (const auto& status : statuses)
      if (free(status) && (closing ? status.category == "done" || status.category.empty() : status.category != "done"))
        eligible.push_back(status.name);
    auto picked = pick_name(candidates, eligible);
    // By category where no name fits: the workflow's first To Do status reports, its first
    // Done status closes; handling, recovered and reviewing need a status meant for them.
    const std::string fallback_category = step == "reported" ? "new" : closing ? "done" : "";
    if (!picked && !fallback_category.empty()) {
      for (const auto& status : statuses) {
        if (free(status) && status.category == fallback_category) {
          picked = status.name;
          break;
        }
      }
    }
    steps[step] = picked.value_or("");
    if (picked) taken.push_back(*picked);
  }
  return steps;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& fact_field_candidates() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> k_candidates = {
      {"level", {"Fault Level", "Incident Level", "Severity", "Level"}},
      {"type", {"Fault Type", "Incident Type"}},
      {"source", {"Fault Source", "Incident Source", "Source"}},
      {"team", {"Team", "Owning Team"}},
      {"business_unit", {"Business Unit", "BU"}},
      {"service", {"Service", "Affected Service"}},
      {"started_at", {"Started At", "Start Time", "Incident Start"}},
      {"recovered_at", {"Recovered At", "Recovery Time", "Incident End"}},
      {"dedupe_key", {"Dedupe Key"}},
  };
  return k_candidates;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& workflow_status_candidates() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> k_candidates = {
      {"reported", {"Reported", "Open", "To Do", "New"}},
      {"handling", {"Handling", "In Progress", "Investigating"}},
      {"recovered", {"Recovered", "Resolved", "Mitigated"}},
      {"reviewing", {"Reviewing", "In Review", "Postmortem"}},
      {"closed", {"Closed", "Done"}},
  };
  return k_candidates;
}

std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::vector<std::string>& names) {
  for (const auto& candidate : candidates)
    for (const auto& name : names)
      if (iequals(candidate, name)) return name;
  return std::nullopt;
}

namespace {

// The fault and sub-task issue types; a note when the project has no fault-like type.
Result<void> discover_issue_types(jira::Client& client, const DiscoveryRequest& request, config::InitFacts& facts) {
  FAULTLINE_TRY(types, client.issue_types(facts.project));
  std::vector<std::string> standard;
  for (const auto& type : *types) {
    if (type.subtask) {
      if (facts.subtask_type.empty()) facts.subtask_type = type.name;
    } else {
      standard.push_back(type.name);
    }
  }
  const std::vector<std::string> fault_candidates =
      request.fault_type.empty() ? std::vector<std::string>{"Fault", "Incident", "Outage", "Bug"}
                                 : std::vector<std::string>{request.fault_type};
  if (auto picked = pick_name(fault_candidates, standard)) {
    facts.fault_type = *picked;
  } else if (!request.fault_type.empty()) {
    return fail(ErrorKind::Config, fmt::format("project {} has no issue type '{}'", facts.project, request.fault_type),
                fmt::format("choose one of: {}", fmt::join(standard, ", ")));
  } else {
    facts.fault_type = standard.empty() ? "Task" : standard.front();
    facts.notes.push_back(fmt::format("no Fault/Incident issue type found; using '{}'", facts.fault_type));
  }
  if (facts.subtask_type.empty()) {
    facts.subtask_type = "Sub-task";
    facts.notes.push_back("the project offers no sub-task type: review actions need one");
  }
  return {};
}

// Custom fields by the names a fault tool uses, and the workflow's statuses per step.
Result<void> discover_fields_and_workflow(jira::Client& client, config::InitFacts& facts) {
  FAULTLINE_TRY(fields, client.fields());
  std::vector<std::string> custom_names;
  for (const auto& field : *fields)
    if (field.custom) custom_names.push_back(field.name);
  for (const auto& [fact, candidates] : fact_field_candidates()) {
    if (auto name = pick_name(candidates, custom_names)) facts.fields[fact] = *name;
  }
  FAULTLINE_TRY(statuses, project_statuses(client, facts.project));
  const auto workflow = fault_type_statuses(*statuses, facts.fault_type);
  std::vector<std::string> names;
  for (const auto& status : workflow) names.push_back(status.name);
  facts.workflow = map_workflow_steps(workflow);
  for (const auto& [step, status] : facts.workflow) {
    if (!status.empty()) continue;
    facts.notes.push_back(fmt::format("the {} workflow ({}) has no status for the '{}' step: left unset, so faultline "
                                      "records that step's facts and leaves the status (set [jira.workflow] {} if "
                                      "the workflow gets one)",
                                      facts.fault_type, fmt::join(names, ", "), step, step));
  }
  return {};
}

Result<void> discover_jira(Services& services, const DiscoveryRequest& request, config::InitFacts& facts) {
  FAULTLINE_TRY(jira, services.jira());
  auto& client = **jira;
  facts.flavor = jira::to_string(client.flavor());
  FAULTLINE_TRY(me, client.myself());
  if (facts.timezone.empty()) facts.timezone = me->time_zone;
  if (auto types = discover_issue_types(client, request, facts); !types) return types;
  return discover_fields_and_workflow(client, facts);
}

Result<void> discover_confluence(Services& services, config::InitFacts& facts) {
  FAULTLINE_TRY(confluence, services.confluence());
  facts.confluence_flavor = confluence::to_string((*confluence)->flavor());
  FAULTLINE_TRY(space, (*confluence)->find_space(facts.space));
  FAULTLINE_TRY(parent, (*confluence)->find_page(facts.space, facts.parent));
  if (!*parent) facts.notes.push_back(fmt::format("no page '{}' in space {} yet: create it before publishing reviews", facts.parent, facts.space));
  return {};
}

}  // namespace

Result<void> discover_site(Services& services, const DiscoveryRequest& request, config::InitFacts& facts) {
  if (auto jira = discover_jira(services, request, facts); !jira) return jira;
  return discover_confluence(services, facts);
}

}  // namespace faultline::app
