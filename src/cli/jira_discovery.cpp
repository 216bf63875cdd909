#include "faultline/cli/jira_discovery.hpp"

#include <algorithm>
#include <cctype>

namespace faultline::cli {

Result<std::map<std::string, std::vector<std::string>>> project_statuses(jira::Client& jira, std::string_view project) {
  auto reply = jira.call(http::Method::Get,
                         std::string(jira.api_root()) + "/project/" + http::url_encode(project) + "/statuses");
  if (!reply) return std::unexpected(reply.error());
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

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::vector<std::string>& names) {
  for (const auto& candidate : candidates)
    for (const auto& name : names)
      if (same_name(candidate, name)) return name;
  return std::nullopt;
}

}  // namespace faultline::cli
