// Long reads for tracking: all pages of a search with a terminal-only progress line;
// Data Center pages fetched concurrently once the total is known, Cloud pages in sequence
// (each nextPageToken comes with the page before it).
#include "faultline/cli/action_search.hpp"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "faultline/core/query.hpp"

namespace faultline::cli {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// The query of one Data Center search page, as jira::Client::search_page sends it.
http::QueryParams datacenter_params(const jira::SearchRequest& request, int start_at, int max_results) {
  http::QueryParams params{{"jql", request.jql},
                           {"startAt", std::to_string(start_at)},
                           {"maxResults", std::to_string(max_results)},
                           {"fields", request.fields.empty() ? std::string("*navigable") : join(request.fields, ",")}};
  if (!request.expand.empty()) params.emplace_back("expand", join(request.expand, ","));
  return params;
}

// Appends the issues not seen yet, stopping at `limit` (0 = none).
void collect(std::vector<jira::Issue>& into, std::set<std::string>& seen, std::vector<jira::Issue>&& page, int limit) {
  for (auto& issue : page) {
    if (limit > 0 && static_cast<int>(into.size()) >= limit) return;
    if (!seen.insert(issue.key).second) continue;
    into.push_back(std::move(issue));
  }
}

int concurrency_of(Context& ctx) {
  auto config = ctx.config();
  if (!config) return 4;
  return std::max((*config)->http.concurrency, 1);
}

Result<std::vector<jira::Issue>> search_cloud(jira::Client& client, const jira::SearchRequest& request, Progress& progress) {
  std::vector<jira::Issue> issues;
  std::set<std::string> seen;
  std::set<std::string> tokens;
  std::string token;
  for (;;) {
    jira::SearchRequest page_request = request;
    if (request.limit > 0) page_request.limit = request.limit - static_cast<int>(issues.size());
    auto page = client.search_page(page_request, token, 0);
    if (!page) return std::unexpected(page.error());
    const bool empty = page->issues.empty();
    collect(issues, seen, std::move(page->issues), request.limit);
    if (request.limit > 0 && static_cast<int>(issues.size()) >= request.limit) break;
    if (page->is_last || !page->next_page_token || empty) break;
    progress.update(issues.size(), 0);  // more pages follow: a long read
    if (!tokens.insert(*page->next_page_token).second) {
      return fail(ErrorKind::Failed,
                  fmt::format("Jira Cloud returned the same nextPageToken twice for \"{}\" after {} issues; stopped "
                              "instead of looping",
                              request.jql, issues.size()),
                  "Retry the command; if it persists, narrow the search (--owner, --team).");
    }
    token = *page->next_page_token;
  }
  return issues;
}

Result<std::vector<jira::Issue>> search_datacenter(Context& ctx, jira::Client& client, const jira::SearchRequest& request,
                                                   Progress& progress) {
  auto first = client.search_page(request, {}, 0);
  if (!first) return std::unexpected(first.error());
  // The server may cap maxResults silently (jira.search.views.default.max): page by what it gave.
  const int step = static_cast<int>(first->issues.size());
  int total = first->total.value_or(step);
  if (request.limit > 0) total = std::min(total, request.limit);
  std::vector<jira::Issue> issues;
  std::set<std::string> seen;
  collect(issues, seen, std::move(first->issues), total);
  if (step == 0 || step >= total) return issues;
  progress.update(issues.size(), total);  // more pages follow: a long read

  auto transport = ctx.transport();
  if (!transport) return std::unexpected(transport.error());
  const std::string path = std::string(client.api_root()) + "/search";
  std::vector<int> starts;
  for (int start = step; start < total; start += step) starts.push_back(start);
  // Batches of a few rounds of http.concurrency pages: concurrent, with progress in between.
  const auto batch_size = static_cast<std::size_t>(concurrency_of(ctx)) * 2;
  for (std::size_t begin = 0; begin < starts.size(); begin += batch_size) {
    const auto end = std::min(starts.size(), begin + batch_size);
    std::vector<http::Request> requests;
    for (std::size_t i = begin; i < end; ++i) {
      requests.push_back(client.make_request(http::Method::Get, path, datacenter_params(request, starts[i], step), nullptr,
                                             http::RetrySafety::ByMethod));
    }
    auto outcomes = (*transport)->send_all(requests);
    if (outcomes.size() != requests.size()) {
      return fail(ErrorKind::Failed, fmt::format("The transport answered {} of {} search pages", outcomes.size(),
                                                 requests.size()));
    }
    for (const auto& outcome : outcomes) {
      auto reply = client.to_reply(http::Method::Get, path, outcome);
      if (!reply) return std::unexpected(reply.error());
      std::vector<jira::Issue> page;
      if (reply->body.is_object() && reply->body.contains("issues") && reply->body["issues"].is_array()) {
        for (const auto& issue : reply->body["issues"]) page.push_back(jira::parse_issue(issue));
      }
      collect(issues, seen, std::move(page), total);
    }
    progress.update(issues.size(), total);
  }
  return issues;
}

}  // namespace

Progress::Progress(Context& ctx, std::string what)
    : m_ctx(ctx), m_what(std::move(what)), m_enabled(ctx.streams().err_tty && !ctx.options.quiet) {}

Progress::~Progress() { finish(); }

void Progress::update(std::size_t done, int total) {
  if (!m_enabled) return;
  if (total > 0) {
    m_ctx.err() << fmt::format("\r\x1b[Kfetching {}: {}/{}", m_what, done, total);
  } else {
    m_ctx.err() << fmt::format("\r\x1b[Kfetching {}: {}", m_what, done);
  }
  m_ctx.err().flush();
  m_shown = true;
}

void Progress::finish() {
  if (!m_enabled || !m_shown) return;
  m_ctx.err() << "\r\x1b[K";
  m_ctx.err().flush();
  m_shown = false;
}

Result<std::vector<jira::Issue>> search_all_pages(Context& ctx, jira::Client& client, const jira::SearchRequest& request,
                                                  Progress& progress) {
  if (client.flavor() == jira::Flavor::Cloud) return search_cloud(client, request, progress);
  return search_datacenter(ctx, client, request, progress);
}

Result<std::vector<core::Action>> search_actions(Context& ctx, jira::Client& client, const core::ActionQuery& query) {
  Progress progress(ctx, "actions");
  std::vector<core::Action> actions;
  std::set<std::string> seen;
  for (const auto& jql : core::actions_jql_chunks(query)) {
    jira::SearchRequest request;
    request.jql = jql;
    request.fields = core::action_fields();
    request.properties = {std::string(core::k_action_property)};
    request.page_size = 100;
    auto issues = search_all_pages(ctx, client, request, progress);
    if (!issues) return std::unexpected(issues.error());
    for (const auto& issue : *issues) {
      nlohmann::json json{{"id", issue.id}, {"key", issue.key}, {"fields", issue.fields}, {"properties", issue.properties}};
      auto action = core::action_from_issue(json);
      if (!action) return std::unexpected(action.error());
      if (!seen.insert(action->key).second) continue;
      actions.push_back(std::move(*action));
    }
  }
  progress.finish();
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
  auto teams = fault_teams(repository, unknown);
  if (!teams) return std::unexpected(teams.error());
  teams->insert(known.begin(), known.end());
  std::set<std::string> kept;
  for (const auto& [key, fault_team] : *teams) {
    core::Fault probe;
    probe.team = fault_team;
    if (!core::filter_faults_by_team({probe}, team).empty()) kept.insert(key);
  }
  return core::filter_by_parent(std::move(actions), kept);
}

}  // namespace faultline::cli
