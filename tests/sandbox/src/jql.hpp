// The sandbox's JQL evaluator: parses the subset of JQL faultline sends and evaluates it for
// real over stored issues (Jira Data Center v2 GET shape). Anything outside the subset is a
// parse error in Jira's words, never a silently wrong result.
//
// Supported: AND/OR/NOT (also && || ! & |), parentheses; = != > >= < <= ~ !~ IN, NOT IN,
// IS [NOT] EMPTY|NULL; fields project, key/issuekey/id, issuetype/type, status, statusCategory,
// labels, parent, assignee, reporter, priority, summary, description, environment, comment,
// text, created, updated, resolutiondate/resolved, duedate/due, resolution, cf[ID] and custom
// fields by name;
// functions now(), startOf/endOf Day|Week|Month|Year() with an optional increment,
// currentUser(), subTaskIssueTypes(), standardIssueTypes(); ORDER BY f [ASC|DESC], ...
//
// Names (project, type, status, priority, resolution, labels, users) compare case-insensitively;
// != and NOT IN never match an empty field. ~ takes Lucene query text (text_query.hpp): every
// term must occur (English stop words dropped, * and ? wildcards), a "quoted phrase" only as
// adjacent words in order, -term / NOT term must not occur, backslash escapes are literal; no
// stemming, OR read as AND. text ~ searches summary, description, environment, comments and
// text custom fields.
// Without ORDER BY, issues sort by numeric id descending; ties always break by id ascending.
// Empty values sort as the greatest (last in ASC, first in DESC). Weeks start on Sunday.
#pragma once

#include <chrono>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

namespace sandbox::jql {

// What evaluation needs from the request: the clock, the searching user and field metadata.
struct EvalContext {
  std::chrono::system_clock::time_point now;                    // the sandbox clock
  const date::time_zone* zone = nullptr;                        // nullptr = UTC
  std::string current_user;                                     // what currentUser() means
  std::map<std::string, std::string> custom_field_ids_by_name;  // lower-cased name -> "customfield_10010"
  std::vector<std::string> subtask_type_names;                  // issue type names that are sub-tasks
};

// A parsed query (opaque; defined in jql_ast.hpp).
struct Query;

// Parses JQL; on failure returns Jira's error message text. Custom fields named by name are
// resolved at evaluation time (an unknown name is then an empty field).
std::expected<std::shared_ptr<const Query>, std::string> parse(std::string_view jql);

// Parses JQL and also checks field names against ctx, so an unknown field or cf[ID] is an
// error ("Field 'foo' does not exist or you do not have permission to view it.").
std::expected<std::shared_ptr<const Query>, std::string> parse(std::string_view jql,
                                                               const EvalContext& ctx);

// True when the issue satisfies the query's WHERE part (an empty one matches everything).
bool matches(const Query& q, const nlohmann::json& issue, const EvalContext& ctx);

// Orders two issues by the query's ORDER BY: negative if a sorts first, 0 if same, else positive.
int compare(const Query& q, const nlohmann::json& a, const nlohmann::json& b, const EvalContext& ctx);

// False for an empty query or one with only ORDER BY (Cloud's search/jql rejects those).
bool is_bounded(const Query& q);

}  // namespace sandbox::jql
