// The values the Jira client reads and writes. Field values stay raw JSON keyed by field id
// (customfield_10010, duedate, ...); structs exist only where they add meaning.
#pragma once

#include <map>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/time.hpp"
#include "faultline/http/rest.hpp"
#include "faultline/util/error.hpp"

namespace faultline::jira {

// Which Jira the client talks to, chosen once at construction.
// Cloud: REST v3, ADF bodies, accountIds, search/jql with nextPageToken.
// DataCenter (and Server): REST v2, wiki-markup bodies, user names, search with startAt.
enum class Flavor { Cloud, DataCenter };

// "cloud" | "datacenter".
const char* to_string(Flavor flavor);

// Where Jira is and who we are (the token only ever goes into the Authorization header and is
// masked out of every error message); Auto sends Bearer for a Data Center PAT (no user).
using AuthScheme = http::AuthScheme;
using Connection = http::RestConnection;

// A user as Jira names it: accountId on Cloud, user name on Data Center. The client writes
// it as {"accountId": id} or {"name": id} by flavor.
struct UserRef {
  std::string id;
  bool operator==(const UserRef&) const = default;
};

// A Jira user as /myself, user search, watchers and authors describe it.
struct User {
  std::string account_id;  // Cloud
  std::string name;        // Data Center user name
  std::string key;         // Data Center user key
  std::string display_name;
  std::string email;  // often hidden on Cloud
  bool active = true;
  std::string time_zone;

  // accountId when present (Cloud), else the user name (Data Center).
  UserRef ref() const { return UserRef{account_id.empty() ? name : account_id}; }
};

// GET /serverInfo.
struct ServerInfo {
  std::string base_url;
  std::string version;
  std::string deployment_type;  // "Cloud", "Server", "DataCenter"
  std::string server_title;
};

// One entry of GET /field.
struct Field {
  std::string id;    // "summary", "customfield_10010"
  std::string key;
  std::string name;  // human name, not unique
  bool custom = false;
  std::string schema_type;    // "string", "option", "array", "user", "date", "datetime", ...
  std::string schema_items;   // item type of arrays
  std::string schema_custom;  // "com.atlassian.jira.plugin.system.customfieldtypes:select", ...
  std::vector<std::string> clause_names;
};

// An issue type offered by create metadata for a project.
struct IssueType {
  std::string id;
  std::string name;
  bool subtask = false;
  std::string description;
};

// A field of the create screen for one project and issue type.
struct FieldMeta {
  std::string field_id;
  std::string name;
  bool required = false;
  bool has_default = false;
  std::string schema_type;
  std::string schema_custom;
  std::vector<std::string> operations;
  nlohmann::json allowed_values = nlohmann::json::array();
};

// An entity property: any JSON value under a key.
struct EntityProperty {
  std::string key;
  nlohmann::json value;
};

// What to write into an issue on create or edit.
struct IssueInput {
  nlohmann::json fields = nlohmann::json::object();  // field id -> value, already in API shape
  // field id -> Markdown, for rich-text fields (description, environment, textarea custom
  // fields): written as ADF on Cloud and as wiki markup on Data Center.
  std::map<std::string, std::string> text_fields;
  nlohmann::json update = nlohmann::json::object();  // field id -> [ {"add": ...} ] operations
  std::vector<EntityProperty> properties;            // set at create time (ignored on edit)
};

// What Jira answers to a create.
struct CreatedIssue {
  std::string id;
  std::string key;
  std::string self;
};

// Parses a Jira datetime: 2026-11-25T10:00:00.000+0800 (offset without a colon; "Z" and
// "+08:00" accepted too). Error (Usage) quotes the text when it is not a datetime.
Result<core::TimePoint> parse_datetime(std::string_view text);

// Bulk create outcome: one entry per input, in input order.
struct BulkCreateResult {
  std::vector<Result<CreatedIssue>> items;
  std::size_t created() const;  // inputs that became issues
  std::size_t failed() const;   // inputs with an error
};

// One field change inside a changelog entry.
struct ChangeItem {
  std::string field;     // field name as Jira writes it ("status"; display name for custom)
  std::string field_id;  // Cloud only
  std::string from;
  std::string from_string;
  std::string to;
  std::string to_string;
};

// One changelog entry: who changed what, when.
struct ChangeHistory {
  std::string id;
  User author;
  std::string created;  // Jira datetime, offset without a colon (2026-11-25T10:00:00.000+0800)
  std::vector<ChangeItem> items;
};

// An issue as get_issue and search return it.
struct Issue {
  std::string id;
  std::string key;
  std::string self;
  nlohmann::json fields = nlohmann::json::object();      // as returned (ADF on Cloud, strings on DC)
  nlohmann::json properties = nlohmann::json::object();  // property key -> value, when asked for
  std::vector<ChangeHistory> changelog;                  // oldest first, when asked for

  // fields.summary, or "".
  std::string summary() const;
  // fields.status.name, or "".
  std::string status() const;
  // fields.status.statusCategory.key ("new", "indeterminate", "done"), or "".
  std::string status_category() const;
};

// Whether get_issue returns the changelog.
enum class Changelog { Omit, Include };
// Which fields, properties and extras get_issue returns.
struct IssueQuery {
  std::vector<std::string> fields;      // empty = all fields
  std::vector<std::string> properties;  // entity property keys to return
  Changelog changelog = Changelog::Omit;
  // As SearchRequest::kept_members: the members read inside object fields. When set, the
  // answer is parsed as a stream that builds nothing else of those fields (a fault's
  // `subtasks` list of 10,000 sub-tasks, each with its own status, priority and type).
  std::vector<std::string> kept_members;
};

// A comment on an issue.
struct Comment {
  std::string id;
  User author;
  std::string created;
  std::string updated;
  nlohmann::json body;  // ADF (Cloud) or a wiki string (Data Center)
  std::string text;     // the body as plain text
};

// A workflow transition available on an issue now.
struct Transition {
  std::string id;
  std::string name;         // the transition's own name ("Start progress")
  std::string to_status;    // target status name ("In Progress")
  std::string to_status_id;
  std::string to_category;  // "new" | "indeterminate" | "done"
  bool has_screen = false;
  nlohmann::json fields = nlohmann::json::object();  // with expand=transitions.fields
};

// Fields and a comment sent with a transition.
struct TransitionInput {
  nlohmann::json fields = nlohmann::json::object();
  std::string comment_markdown;  // empty = no comment
};

// A remote link, upserted by its global id.
struct RemoteLinkInput {
  std::string global_id;  // stable: re-running updates the same link
  std::string url;
  std::string title;
  std::string summary;
  std::string relationship;      // "fault review"
  std::string application_type;  // "com.atlassian.confluence", "faultline"
  std::string application_name;
  std::string icon_url;  // optional 16x16 icon
};

// A remote link as Jira lists it.
struct RemoteLink {
  std::string id;
  std::string global_id;
  std::string url;
  std::string title;
  std::string relationship;
};

// Whether a write made something new or changed what was there.
enum class Upsert { Created, Updated };

// What upsert_remote_link did.
struct RemoteLinkResult {
  std::string id;
  std::string self;
  Upsert outcome = Upsert::Created;
};

// A kind of issue link (Blocks, Relates, ...).
struct IssueLinkType {
  std::string id;
  std::string name;
  std::string inward;   // "is blocked by"
  std::string outward;  // "blocks"
};

// A project version (release).
struct Version {
  std::string id;
  std::string name;
  std::string description;
  bool released = false;
  bool archived = false;
  std::string release_date;  // YYYY-MM-DD or ""
  std::string start_date;    // YYYY-MM-DD or ""
};

// What to save as a filter.
struct FilterInput {
  std::string name;
  std::string jql;
  std::string description;
};

// A saved filter.
struct Filter {
  std::string id;
  std::string name;
  std::string jql;
  std::string view_url;
  std::string owner;  // accountId (Cloud) or name (Data Center)
};

// Agile board kinds.
enum class BoardType { Kanban, Scrum };

// "kanban" | "scrum".
const char* to_string(BoardType type);

// What board to create.
struct BoardInput {
  std::string name;
  BoardType type = BoardType::Kanban;
  std::string filter_id;
  std::string project_key;  // board location; empty = the user's own
};

// An agile board.
struct Board {
  std::string id;
  std::string name;
  BoardType type = BoardType::Kanban;
  std::string self;
};

// One JQL search.
struct SearchRequest {
  std::string jql;
  // Fields to return; empty = "*navigable" (Cloud's search/jql would otherwise return ids only).
  std::vector<std::string> fields;
  std::vector<std::string> expand;      // "changelog", "names", ...
  std::vector<std::string> properties;  // at most 5 entity property keys
  // The members the caller reads inside object fields, as dotted paths ("parent.key"): a
  // field named in one is kept with only those members (the rest is not built while the
  // answer is parsed); empty = every field whole (jira::IssueFilter::members).
  std::vector<std::string> kept_members;
  // Cloud only: ids (not keys) of issues written moments ago, so the lagging index includes
  // them (at most 50). Ignored on Data Center, whose search is consistent.
  std::vector<std::string> reconcile_issue_ids;
  int page_size = 100;  // maxResults asked for; Jira may return fewer
  int limit = 0;        // stop after this many issues; 0 = all
  // Data Center: how many later pages are requested together (0 = all at once).
  std::size_t concurrent_pages = 0;
  // Called by Client::search after each page (Cloud: when more follow) or batch of pages
  // (Data Center: from the first page on, when there is more than one), with the issues read
  // so far and the number the search matched when Jira tells it (Data Center; it can exceed
  // `limit`): for a progress line. May be empty.
  std::function<void(std::size_t read, std::optional<int> total)> on_progress;
  // When set, Client::search hands each page's issues here, in order, instead of collecting
  // them (it then returns an empty list), so a long read never holds every page at once. An
  // error stops the search and is its result.
  std::function<Result<void>(std::vector<Issue>& page)> on_page;
};

// One page of results.
struct SearchPage {
  std::vector<Issue> issues;
  std::optional<std::string> next_page_token;  // Cloud; absent on the last page
  std::optional<int> total;                     // Data Center only
  int start_at = 0;                             // Data Center only
  int max_results = 0;                          // as echoed by the server
  bool is_last = false;
};

}  // namespace faultline::jira
