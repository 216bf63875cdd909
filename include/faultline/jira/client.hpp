// The Jira REST client, for Cloud (REST v3) and Data Center / Server (REST v2). The flavor is
// chosen once, at construction; every method sends the flavor's endpoint and body shape.
// Every method returns Result<T>: an HTTP error status becomes an Error whose kind follows the
// status (401/403 Auth, 404 NotFound, 409 Conflict, 429/5xx Unavailable, other Failed) and
// whose details are Jira's own errorMessages / errors; a failure to talk is Unavailable.
// Error messages never contain the token.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/rest.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/types.hpp"
#include "faultline/util/error.hpp"

namespace faultline::jira {

// Maximum issues per POST /issue/bulk (Cloud documents 50; used for Data Center too).
inline constexpr std::size_t k_bulk_create_limit = 50;
// Maximum ids in search/jql reconcileIssues.
inline constexpr std::size_t k_reconcile_limit = 50;

// The flavor of the Jira at connection.base_url: *.atlassian.net is Cloud without asking;
// otherwise GET /rest/api/2/serverInfo (both flavors), deploymentType "Cloud" => Cloud, anything
// else => DataCenter. Error: the serverInfo call failed (kind by status) or its body was not JSON.
Result<Flavor> detect_flavor(http::Transport& transport, const Connection& connection);

// The field id for a human field name or an id, from GET /field's list: exact id match first,
// then case-insensitive name match. Error NotFound when nothing matches; Config when the name
// is ambiguous, listing the candidate ids and types.
Result<std::string> find_field_id(const std::vector<Field>& fields, std::string_view name_or_id);

class Client {
public:
  Client(http::Transport& transport, Connection connection, Flavor flavor);

  Flavor flavor() const { return m_flavor; }
  // "/rest/api/3" on Cloud, "/rest/api/2" on Data Center.
  std::string_view api_root() const;
  // The site's base URL, without a trailing slash.
  const std::string& base_url() const { return m_api.base_url(); }
  // The site URL for people: base + "/browse/" + key.
  std::string browse_url(std::string_view key) const;
  // The JSON Jira expects for a user reference: {"accountId": id} (Cloud) or {"name": id} (DC).
  nlohmann::json user_json(const UserRef& user) const;
  // Markdown -> the flavor's rich-text value: ADF document (Cloud) or wiki string (DC).
  nlohmann::json rich_text(std::string_view markdown) const;

  // --- server and self (server_info.cpp, users.cpp) -------------------------------------
  // GET /rest/api/{3|2}/serverInfo. Error: kind by status.
  Result<ServerInfo> server_info();
  // GET /rest/api/{3|2}/myself: checks the credentials (a bad token is Auth, never a silent
  // anonymous answer). Error: Auth on 401/403.
  Result<User> myself();
  // Cloud: GET /rest/api/3/user/search?query= (never username, GDPR strict mode);
  // DC: GET /rest/api/2/user/search?username=. Error: kind by status.
  Result<std::vector<User>> search_users(std::string_view query, int max_results = 50);

  // --- fields and create metadata (fields.cpp) ------------------------------------------
  // GET /rest/api/{3|2}/field. Error: kind by status.
  Result<std::vector<Field>> fields();
  // GET /field then find_field_id. Error: as fields(), or NotFound / Config (ambiguous).
  Result<std::string> field_id(std::string_view name_or_id);
  // GET /rest/api/{3|2}/issue/createmeta/{project}/issuetypes, all pages; accepts Cloud's
  // "issueTypes" and Data Center's "values". Error: NotFound for an unknown project.
  Result<std::vector<IssueType>> issue_types(std::string_view project);
  // GET /rest/api/{3|2}/issue/createmeta/{project}/issuetypes/{id}, all pages; accepts
  // "fields", "values" and "results". Error: NotFound for an unknown project or type.
  Result<std::vector<FieldMeta>> create_fields(std::string_view project, std::string_view issue_type_id);

  // --- issues (issues.cpp) ----------------------------------------------------------------
  // POST /rest/api/{3|2}/issue with fields, rich text by flavor and entity properties.
  // Not retried on an unknown outcome (no dedupe key). Error: Failed with Jira's field
  // errors on 400/422; Auth; NotFound.
  Result<CreatedIssue> create_issue(const IssueInput& input);
  // POST /rest/api/{3|2}/issue/bulk in chunks of 50, one call per chunk, in order. Each
  // input gets its key or its own error (failedElementNumber mapped back to the input);
  // a chunk whose call failed as a whole gives that error to each of its inputs.
  BulkCreateResult create_issues(std::span<const IssueInput> inputs);
  // GET /rest/api/{3|2}/issue/{key}?fields=&properties=&expand=changelog. On Cloud a
  // truncated changelog is completed from GET /rest/api/3/issue/{key}/changelog.
  // Error: NotFound when the issue does not exist or is not visible.
  Result<Issue> get_issue(std::string_view key, const IssueQuery& query = {});
  // PUT /rest/api/{3|2}/issue/{key} with fields / update; rich text by flavor (204).
  // Error: Failed with Jira's field errors; NotFound.
  Result<void> edit_issue(std::string_view key, const IssueInput& input);
  // PUT /rest/api/{3|2}/issue/{key}/assignee: {"accountId"|"name": id}, or null to unassign.
  Result<void> assign(std::string_view key, const std::optional<UserRef>& assignee);
  // DELETE /rest/api/{3|2}/issue/{key}?deleteSubtasks=. Error: Failed (400) when it has
  // sub-tasks and they are kept.
  enum class Subtasks { Keep, Delete };
  Result<void> delete_issue(std::string_view key, Subtasks subtasks = Subtasks::Keep);

  // --- search (search.cpp) ----------------------------------------------------------------
  // One page. Cloud: POST /rest/api/3/search/jql (token from the previous page, "" for the
  // first; reconcileIssues passed). DC: GET /rest/api/2/search?startAt=. Error: Usage for
  // empty JQL; Failed (400) for a JQL error with Jira's words.
  Result<SearchPage> search_page(const SearchRequest& request, std::string_view page_token, int start_at = 0);
  // Every page up to request.limit. Cloud: follows nextPageToken until isLast, a missing
  // token or an empty page; a token seen twice is an Error (Failed) instead of a loop.
  // DC: first page, then the remaining startAt pages concurrently via Transport::send_all.
  Result<std::vector<Issue>> search(const SearchRequest& request);

  // --- workflow (transitions.cpp) ---------------------------------------------------------
  // GET /rest/api/{3|2}/issue/{key}/transitions (Cloud with expand=transitions.fields).
  Result<std::vector<Transition>> transitions(std::string_view key);
  // POST /rest/api/{3|2}/issue/{key}/transitions with id, fields, comment by flavor (204).
  Result<void> transition(std::string_view key, std::string_view transition_id, const TransitionInput& input = {});
  // Finds the transition whose target status (or, failing that, own name) equals
  // `status_name` case-insensitively and performs it; returns the transition used.
  // Error: Failed with http_status 0 when no transition leads there, naming the issue, the
  // status asked for and every available target; Jira's error when the transition is refused.
  Result<Transition> transition_to_status(std::string_view key, std::string_view status_name,
                                          const TransitionInput& input = {});

  // --- comments and watchers (comments.cpp, watchers.cpp) ---------------------------------
  // POST /rest/api/{3|2}/issue/{key}/comment {"body": ADF | wiki}. Error: NotFound; Failed.
  Result<Comment> add_comment(std::string_view key, std::string_view markdown);
  // GET /rest/api/{3|2}/issue/{key}/comment, all pages, oldest first.
  Result<std::vector<Comment>> comments(std::string_view key);
  // POST /rest/api/{3|2}/issue/{key}/watchers with a bare JSON string (accountId | name) (204).
  Result<void> add_watcher(std::string_view key, const UserRef& user);
  // GET /rest/api/{3|2}/issue/{key}/watchers.
  Result<std::vector<User>> watchers(std::string_view key);

  // --- links (remote_links.cpp, issue_links.cpp) ------------------------------------------
  // POST /rest/api/{3|2}/issue/{key}/remotelink: created (201) or updated (200) by globalId.
  // Retried safely (the global id is the dedupe key). Error: Failed with Jira's words.
  Result<RemoteLinkResult> upsert_remote_link(std::string_view key, const RemoteLinkInput& link);
  // GET /rest/api/{3|2}/issue/{key}/remotelink[?globalId=].
  Result<std::vector<RemoteLink>> remote_links(std::string_view key, std::string_view global_id = {});
  // POST /rest/api/{3|2}/issueLink: outward issue <outward verb> inward issue (201, no body).
  // Error: NotFound when linking is off or the type is unknown.
  Result<void> link_issues(std::string_view type_name, std::string_view inward_key,
                           std::string_view outward_key, std::string_view comment_markdown = {});
  // GET /rest/api/{3|2}/issueLinkType.
  Result<std::vector<IssueLinkType>> issue_link_types();

  // --- entity properties (properties.cpp) -------------------------------------------------
  // PUT /rest/api/{3|2}/issue/{key}/properties/{property}: Created (201) or Updated (200).
  Result<Upsert> set_property(std::string_view key, std::string_view property, const nlohmann::json& value);
  // GET /rest/api/{3|2}/issue/{key}/properties/{property} -> the value. Error: NotFound
  // when the property (or the issue) does not exist.
  Result<nlohmann::json> property(std::string_view key, std::string_view property);
  // DELETE /rest/api/{3|2}/issue/{key}/properties/{property} (204; a missing one is fine).
  Result<void> delete_property(std::string_view key, std::string_view property);
  // GET /rest/api/{3|2}/issue/{key}/properties -> property keys.
  Result<std::vector<std::string>> property_keys(std::string_view key);

  // --- projects, filters, boards (versions.cpp, filters.cpp, boards.cpp) ------------------
  // GET /rest/api/{3|2}/project/{project}/versions (whole list). Error: NotFound.
  Result<std::vector<Version>> project_versions(std::string_view project);
  // POST /rest/api/{3|2}/filter (favourite, so Data Center can find it again).
  // Error: Failed (400) when the caller already owns a filter of that name.
  Result<Filter> create_filter(const FilterInput& input);
  // PUT /rest/api/{3|2}/filter/{id} with name, jql, description. Error: NotFound.
  Result<Filter> update_filter(std::string_view id, const FilterInput& input);
  // The caller's filter with exactly this name, or nullopt. Cloud: GET /rest/api/3/filter/my
  // ?includeFavourites=true; DC: GET /rest/api/2/filter/favourite.
  Result<std::optional<Filter>> find_my_filter(std::string_view name);
  // POST /rest/agile/1.0/board (201). Error: Failed with Jira's words (bad filter id...).
  Result<Board> create_board(const BoardInput& input);
  // GET /rest/agile/1.0/board?name=[&projectKeyOrId=], all pages; exact name match or nullopt.
  Result<std::optional<Board>> find_board(std::string_view name, std::string_view project_key = {});

  // --- the plumbing every resource file uses ---------------------------------------------
  using Reply = http::JsonReply;
  // Sends one request to base + path (path from the host root, query separate); a non-2xx
  // answer or a transport failure becomes an Error; a 2xx non-JSON body is Failed.
  Result<Reply> call(http::Method method, std::string_view path, const http::QueryParams& query = {},
                     const nlohmann::json* body = nullptr,
                     http::RetrySafety retry = http::RetrySafety::ByMethod);
  // The request call() would send (headers included), for send_all batches.
  http::Request make_request(http::Method method, std::string_view path, const http::QueryParams& query,
                             const nlohmann::json* body, http::RetrySafety retry) const;
  // Turns one outcome into a Reply or an Error (as call() does).
  Result<Reply> to_reply(http::Method method, std::string_view path, const http::Outcome& outcome) const;

private:
  Result<std::vector<Issue>> search_cloud(const SearchRequest& request);
  Result<std::vector<Issue>> search_datacenter(const SearchRequest& request);
  Result<std::vector<ChangeHistory>> full_changelog(std::string_view key);
  nlohmann::json issue_body(const IssueInput& input, bool with_properties) const;

  http::Transport& m_transport;
  Flavor m_flavor;
  http::RestEndpoint m_api;
};

// Parsers shared by the resource files (pure; tolerant of missing keys).
User parse_user(const nlohmann::json& json);
Issue parse_issue(const nlohmann::json& json);
// The same, taking `fields` and `properties` out of `json` instead of copying them (search
// pages, whose JSON is thrown away after).
Issue parse_issue(nlohmann::json&& json);
ChangeHistory parse_history(const nlohmann::json& json);

}  // namespace faultline::jira
