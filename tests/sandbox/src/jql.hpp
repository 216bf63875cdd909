// The sandbox's JQL evaluator: parses the subset of JQL faultline sends and evaluates it for
// real over stored issues (Jira Data Center v2 GET shape). Anything outside the subset is a
// parse error in Jira's words, never a silently wrong result.
//
// Supported: AND/OR/NOT (also && || ! & |), parentheses; = != > >= < <= ~ !~ IN, NOT IN,
// IS [NOT] EMPTY|NULL; fields project, key/issuekey/id, issuetype/type, status, statusCategory,
// labels, parent, assignee, reporter, priority, summary, description, environment, comment,
// text, created, updated, resolutiondate/resolved, duedate/due, resolution, fixVersion,
// component, sprint, watcher, issueLinkType, cf[ID] and custom fields by name;
// functions now(), startOf/endOf Day|Week|Month|Year() with an optional increment,
// currentUser(), subTaskIssueTypes(), standardIssueTypes(), openSprints(), closedSprints(),
// futureSprints(); ORDER BY f [ASC|DESC], ...
//
// The sandbox keeps no sprints: sprint clauses parse and are valid, but no issue is in a sprint
// (sprint IS EMPTY matches every issue, openSprints() none). watcher and issueLinkType read
// the issue's watchers and links through EvalContext. Whether a value names something that
// exists (a project, a status, a user, ...) is the caller's check: value_refs() lists them.
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
#include <functional>
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
  // The identifiers (name, key, account id, e-mail, display name) of every user watching the
  // issue with this id; unset = no watchers.
  std::function<std::vector<std::string>(const std::string& issue_id)> watchers_of;
  // The link descriptions that apply to the issue with this id: for each of its links the link
  // type's name and its outward (this issue is the link's source) or inward description.
  std::function<std::vector<std::string>(const std::string& issue_id)> link_types_of;
};

// What a clause value names in the instance, for the caller's existence check.
enum class ValueDomain { Project, Status, User, Priority, IssueType, Version, Component, Sprint, LinkType };

// One literal value of the WHERE part that must name something that exists.
struct ValueRef {
  ValueDomain domain = ValueDomain::Project;  // what it names
  std::string field;                          // the clause name as written ("project", "type")
  std::string value;                          // the decoded literal
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

// The literals of the WHERE part that name projects, statuses, users, priorities, issue types,
// versions, components, sprints or link types, in query order (functions and EMPTY left out).
std::vector<ValueRef> value_refs(const Query& q);

// The query's syntax tree in the shape of Cloud's POST /rest/api/3/jql/parse "structure"
// (JqlQuery: where = FieldValueClause | CompoundClause, orderBy).
nlohmann::json structure(const Query& q);

}  // namespace sandbox::jql
