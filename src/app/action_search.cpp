// Long reads for tracking: all pages of a search (jira::Client::search: Data Center pages
// fetched concurrently once the total is known, Cloud pages in sequence) with progress.
#include "faultline/app/action_search.hpp"

#include <algorithm>

#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/query.hpp"
#include "faultline/jira/search.hpp"

namespace faultline::app {

namespace {

int concurrency_of(Services& services) {
  auto config = services.config();
  if (!config) return 4;
  return std::max((*config)->http.concurrency, 1);
}

}  // namespace

Result<std::vector<jira::Issue>> search_all_pages(Services& services, jira::Client& client,
                                                  const jira::SearchRequest& request, std::string_view what) {
  jira::SearchRequest paged = request;
  // Batches of a few rounds of http.concurrency pages: concurrent, with progress in between.
  paged.concurrent_pages = static_cast<std::size_t>(concurrency_of(services)) * 2;
  const auto& diagnostics = services.diagnostics();
  paged.on_progress = [&diagnostics, what](std::size_t read, std::optional<int> total) {
    std::optional<std::size_t> known;
    if (total && *total > 0) known = static_cast<std::size_t>(*total);
    diagnostics.progress(what, read, known);
  };
  FAULTLINE_TRY(issues, client.search(paged));
  // A page that shifted under a concurrent edit can repeat an issue: keep each key once.
  std::set<std::string> seen;
  std::erase_if(*issues, [&seen](const jira::Issue& issue) { return !seen.insert(issue.key).second; });
  return issues;
}

Result<std::vector<core::Action>> read_actions(jira::Client& client, http::Transport& transport,
                                               const core::ActionQuery& query, const ActionReadOptions& options) {
  std::vector<core::Action> actions;
  std::set<std::string> seen;
  jira::ReadPlan plan;
  plan.any_order = options.any_order;
  // Data Center's search has no properties parameter: the action property is only a fallback
  // for labels and the parent field, so it is not read per issue there.
  plan.datacenter_properties = false;
  std::size_t before = 0;  // actions read in the chunks before this one
  for (const auto& jql : core::actions_jql_chunks(query)) {
    jira::SearchRequest request;
    request.jql = jql;
    request.fields = core::action_fields();
    request.kept_members = core::action_field_members();
    request.properties = {std::string(core::k_action_property)};
    if (options.on_progress) {
      request.on_progress = [&](std::size_t read, std::optional<int> total) {
        std::optional<std::size_t> known;
        if (total && *total > 0) known = before + static_cast<std::size_t>(*total);
        options.on_progress(before + read, known);
      };
    }
    std::size_t in_chunk = 0;
    FAULTLINE_TRY(done, jira::read_all(client, transport, request,
                                       [&](std::vector<jira::Issue>& batch) -> Result<void> {
                                         in_chunk += batch.size();
                                         for (auto& issue : batch) {
                                           nlohmann::json json = nlohmann::json::object();
                                           json["id"] = std::move(issue.id);
                                           json["key"] = std::move(issue.key);
                                           json["fields"] = std::move(issue.fields);
                                           json["properties"] = std::move(issue.properties);
                                           FAULTLINE_TRY(action, core::action_from_issue(json));
                                           if (!seen.insert(action->key).second) continue;
                                           actions.push_back(std::move(*action));
                                         }
                                         return {};
                                       },
                                       plan));
    before += in_chunk;
  }
  return actions;
}

Result<std::vector<core::Action>> search_actions(Services& services, jira::Client& client, const core::ActionQuery& query,
                                                 bool any_order) {
  auto transport = services.transport();
  if (!transport) return std::unexpected(transport.error());
  const auto& diagnostics = services.diagnostics();
  ActionReadOptions options;
  options.any_order = any_order;
  options.on_progress = [&diagnostics](std::size_t read, std::optional<std::size_t> total) {
    diagnostics.progress("actions", read, total);
  };
  auto actions = read_actions(client, **transport, query, options);
  diagnostics.progress_finished();
  return actions;
}

Result<std::map<std::string, std::string>> fault_teams(FaultRepository& repository, const std::set<std::string>& keys) {
  std::map<std::string, std::string> teams;
  std::vector<std::string> all(keys.begin(), keys.end());
  constexpr std::size_t k_chunk = 100;
  for (std::size_t i = 0; i < all.size(); i += k_chunk) {
    std::vector<std::string> part(all.begin() + static_cast<std::ptrdiff_t>(i),
                                  all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + k_chunk)));
    auto faults = repository.search(core::jql_and({repository.fault_scope_jql(), "key in " + core::jql_list(part)}), 0);
    if (!faults) return std::unexpected(faults.error());
    for (const auto& fault : *faults) teams[fault.key] = fault.team;
  }
  return teams;
}

Result<std::vector<core::Action>> filter_actions_by_team(FaultRepository& repository, std::vector<core::Action> actions,
                                                         std::string_view team,
                                                         const std::map<std::string, std::string>& known) {
  if (team.empty()) return actions;
  std::set<std::string> unknown;
  for (const auto& action : actions) {
    if (!action.parent.empty() && !known.contains(action.parent)) unknown.insert(action.parent);
  }
  FAULTLINE_TRY(teams, fault_teams(repository, unknown));
  teams->insert(known.begin(), known.end());
  std::set<std::string> kept;
  for (const auto& [key, fault_team] : *teams) {
    core::Fault probe;
    probe.team = fault_team;
    if (!core::filter_faults_by_team({probe}, team).empty()) kept.insert(key);
  }
  return core::filter_by_parent(std::move(actions), kept);
}

}  // namespace faultline::app
