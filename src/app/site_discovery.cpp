#include "faultline/app/site_discovery.hpp"

#include <fmt/format.h>

#include "faultline/app/services.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

Result<std::map<std::string, std::vector<std::string>>> project_statuses(jira::Client& jira, std::string_view project) {
  FAULTLINE_TRY(reply,
                jira.call(http::Method::Get,
                          std::string(jira.api_root()) + "/project/" + http::url_encode(project) + "/statuses"));
  std::map<std::string, std::vector<std::string>> statuses;
  if (!reply->body.is_array()) return statuses;
  for (const auto& type : reply->body) {
    if (!type.is_object()) continue;
    auto& names = statuses[type.value("name", "")];
    for (const auto& status : type.value("statuses", nlohmann::json::array())) {
      if (status.is_object() && status.contains("name") && status["name"].is_string())
        names.push_back(status["name"].get<std::string>());
    }
  }
  return statuses;
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
  std::vector<std::string> names;
  for (const auto& [type, list] : *statuses)
    if (iequals(type, facts.fault_type)) names = list;
  for (const auto& [step, candidates] : workflow_status_candidates()) {
    if (auto name = pick_name(candidates, names)) {
      facts.workflow[step] = *name;
    } else {
      facts.notes.push_back(fmt::format("no status found for the '{}' step; set [jira.workflow] {}", step, step));
    }
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
