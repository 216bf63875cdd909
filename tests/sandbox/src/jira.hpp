// The Jira emulation (Cloud or Data Center): issues, workflow, fields, users, search,
// filters and agile boards, behind the Service contract of service.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "service.hpp"

namespace sandbox {

namespace jql {
struct EvalContext;
struct Query;
struct ValueRef;
}  // namespace jql

// How the Jira emulation is set up at start.
struct JiraOptions {
  Flavor flavor = Flavor::Cloud;            // which product's paths, shapes and identities
  std::chrono::milliseconds index_lag{0};   // Cloud search/jql: writes younger than this are unseen
};

// Which REST version a call came in on (decides ADF vs wiki-markup bodies on Cloud).
enum class ApiVersion { V2, V3 };

// Whether a create call validates like a REST call or loads seed data (status, dates allowed).
enum class CreateMode { Rest, Seed };

// One issue and everything hanging off it.
struct IssueRecord {
  nlohmann::json issue;                          // Data Center v2 GET shape (what JQL reads)
  nlohmann::json histories = nlohmann::json::array();    // changelog entries, oldest first
  nlohmann::json remote_links = nlohmann::json::array(); // stored remote links
  nlohmann::json properties = nlohmann::json::object();  // entity properties by key
  std::vector<std::string> watchers;             // user names
  std::chrono::system_clock::time_point indexed_at{};  // last write, for the index lag
  // With an index lag: the issue as each recent write left it, oldest first, back to the
  // newest version Cloud's lagging index already shows.
  std::vector<std::pair<std::chrono::system_clock::time_point, nlohmann::json>> recent_versions;
};

// The emulated Jira. The server calls handle() for requests that only read (read_only.hpp)
// under a shared lock, several at a time, and everything else under an exclusive one: the read
// paths change nothing but the caches, which have their own locks.
class JiraService : public Service {
public:
  explicit JiraService(JiraOptions options);

  // Answers /rest/api/2|3/..., /rest/agile/1.0/... and /browse/KEY; nullopt for other paths.
  std::optional<SbResponse> handle(const SbRequest& request) override;
  // Replaces all data with the seed's "users" and "jira" parts.
  void load_seed(const nlohmann::json& seed) override;
  // Adds the seed's users, versions, fields and issues to the current data.
  void extend_seed(const nlohmann::json& seed) override;
  // The whole state as JSON, and back.
  nlohmann::json snapshot() const override;
  void restore(const nlohmann::json& state) override;
  // Every issue's latest version becomes the indexed one; the search cache is dropped.
  void catch_up_index() override;

private:
  // A request routed to the REST API: its version and the path segments after the root.
  struct Call {
    const SbRequest& request;
    ApiVersion version;
    std::vector<std::string> segments;
  };
  // An anticipated failure of a write: HTTP status and Jira's error body.
  struct Failure {
    int status;
    nlohmann::json body;
  };

  // ---- routing (jira.cpp)
  std::optional<SbResponse> route_api(const Call& call);
  std::optional<SbResponse> route_issue(const Call& call);
  std::optional<SbResponse> route_agile(const SbRequest& request,
                                        const std::vector<std::string>& segments);

  // ---- metadata (jira.cpp)
  SbResponse server_info(const SbRequest& request) const;
  nlohmann::json user_json(const nlohmann::json& stored, const SbRequest& request) const;
  const nlohmann::json* find_user_by_ref(const nlohmann::json& ref) const;
  const nlohmann::json* find_user_by_id(const std::string& id) const;
  std::string user_id(const nlohmann::json& stored) const;
  nlohmann::json field_list() const;
  const nlohmann::json* find_field(const std::string& id) const;
  // The seed's "jira" list `name` (fields, statuses, ...), or an empty array.
  const nlohmann::json& config_list(const char* name) const;
  const nlohmann::json* find_project(const std::string& id_or_key) const;
  const nlohmann::json* find_issuetype(const nlohmann::json& ref) const;
  const nlohmann::json* find_status(const std::string& id) const;
  nlohmann::json status_json(const std::string& id, const SbRequest& request) const;
  nlohmann::json project_json(const nlohmann::json& project, const SbRequest& request) const;
  nlohmann::json issuetype_json(const nlohmann::json& type, const SbRequest& request) const;
  nlohmann::json version_json(const nlohmann::json& version, const SbRequest& request) const;
  // A seed component ({id, name, projectId, description?, lead?}) as Jira's Component bean.
  nlohmann::json component_json(const nlohmann::json& component, const SbRequest& request) const;
  SbResponse createmeta_types(const Call& call, const std::string& project);
  SbResponse createmeta_fields(const Call& call, const std::string& project,
                               const std::string& type_id);
  // The create-screen fields of an issue type in a project (createmeta's FieldMetadata, each
  // with its "fieldId").
  nlohmann::json create_fields(const SbRequest& request, const nlohmann::json& project,
                               const nlohmann::json& type) const;
  // Cloud's old GET /issue/createmeta: projects, their issue types and, with
  // expand=projects.issuetypes.fields, each type's fields.
  SbResponse createmeta_all(const Call& call);
  // Cloud's GET /project/search: a PageBean of projects.
  SbResponse project_search(const Call& call);
  // GET /mypermissions (with the permissions filter Cloud requires).
  SbResponse my_permissions(const Call& call);
  // GET /rest/auth/1/session: the authenticated user (CurrentUser).
  SbResponse session_info(const SbRequest& request) const;
  // The project's default assignee (its lead unless it says "assigneeType": "UNASSIGNED") as
  // stored user JSON, or null.
  nlohmann::json default_assignee(const std::string& project_id_or_key) const;
  SbResponse user_search(const Call& call, bool assignable);
  void reset_state();
  void add_seed_data(const nlohmann::json& seed);

  // ---- issues (jira_issues.cpp)
  IssueRecord* find_issue(const std::string& id_or_key);
  std::expected<std::string, Failure> create_issue(const nlohmann::json& input, const SbRequest& request,
                                                   ApiVersion version, CreateMode mode);
  std::expected<nlohmann::json, std::string> normalize_value(const std::string& field_id,
                                                             const nlohmann::json& value,
                                                             ApiVersion version);
  std::expected<void, Failure> apply_edit(IssueRecord& record, const nlohmann::json& input,
                                          const SbRequest& request, ApiVersion version,
                                          nlohmann::json& changes);
  void record_history(IssueRecord& record, const SbRequest& request, nlohmann::json items);
  // Records a write to `record` at `now` for the index lag.
  void mark_written(IssueRecord& record, std::chrono::system_clock::time_point now);
  // What Cloud's lagging index shows of `record` at `now`: the newest version older than the
  // lag, or nullptr for an issue created within it. Lowers `next_change` to the time a newer
  // version becomes visible.
  // The issues a search evaluates: the sub-tasks of the parents it requires, else all.
  std::vector<const IssueRecord*> search_candidates(const jql::Query& query) const;
  const nlohmann::json* indexed_view(const IssueRecord& record, std::chrono::system_clock::time_point now,
                                     std::chrono::system_clock::time_point& next_change) const;
  nlohmann::json change_item(const std::string& field_id, const nlohmann::json& from,
                             const nlohmann::json& to) const;
  void set_status(IssueRecord& record, const std::string& status_id,
                  std::chrono::system_clock::time_point now, nlohmann::json& changes);
  nlohmann::json render_issue(const IssueRecord& record, const SbRequest& request,
                              ApiVersion version, const std::optional<std::vector<std::string>>& fields,
                              const std::vector<std::string>& expand,
                              const std::vector<std::string>& properties) const;
  // The JSON text of each record as render_issue makes it, for the issues of a search page or a
  // bulk fetch: taken from the render cache where it holds them, rendered (and kept) otherwise.
  std::vector<std::string> rendered_issues(const std::vector<const IssueRecord*>& records, const SbRequest& request,
                                           ApiVersion version, const std::optional<std::vector<std::string>>& fields,
                                           const std::vector<std::string>& expand,
                                           const std::vector<std::string>& properties) const;
  nlohmann::json render_body(const nlohmann::json& stored, ApiVersion version) const;
  // A comment as Jira answers it; its self is .../issue/{issueId}/comment/{id}.
  nlohmann::json render_comment(const nlohmann::json& comment, const std::string& issue_id,
                                const SbRequest& request, ApiVersion version) const;
  nlohmann::json render_history(const nlohmann::json& history, const SbRequest& request) const;
  nlohmann::json available_transitions(const IssueRecord& record, const SbRequest& request) const;
  SbResponse create_issue_call(const Call& call);
  SbResponse bulk_create_call(const Call& call);
  SbResponse get_issue_call(const Call& call, IssueRecord& record);
  SbResponse edit_issue_call(const Call& call, IssueRecord& record);
  SbResponse delete_issue_call(const Call& call, IssueRecord& record);
  SbResponse transitions_call(const Call& call, IssueRecord& record);
  SbResponse comments_call(const Call& call, IssueRecord& record);
  SbResponse watchers_call(const Call& call, IssueRecord& record);
  SbResponse remote_links_call(const Call& call, IssueRecord& record);
  SbResponse properties_call(const Call& call, IssueRecord& record);
  SbResponse changelog_call(const Call& call, IssueRecord& record);
  SbResponse issue_link_call(const Call& call);
  SbResponse editmeta_call(const Call& call, IssueRecord& record);
  SbResponse bulk_fetch_call(const Call& call);
  SbResponse changelog_bulk_fetch_call(const Call& call);

  // ---- search, filters, boards, HTML (jira_search.cpp)
  // Sets up JQL evaluation for a request: clock, zone, current user, custom field names,
  // sub-task types, watchers and links.
  void fill_jql_context(jql::EvalContext& ctx, const SbRequest& request) const;
  // Jira's messages for the values of a query that name nothing in the instance ("The value
  // 'NOPE' does not exist for the field 'project'."), without repeats; empty when all exist.
  std::vector<std::string> missing_values(const std::vector<jql::ValueRef>& refs) const;
  // Cloud's POST /jql/parse: syntax, values and structure of each query.
  SbResponse jql_parse_call(const Call& call);
  SbResponse search_call(const Call& call);
  SbResponse filter_call(const Call& call);
  SbResponse board_call(const SbRequest& request, const std::vector<std::string>& segments);
  SbResponse browse_page(const SbRequest& request, const std::string& key);

  JiraOptions m_options;
  nlohmann::json m_users = nlohmann::json::array();   // seed users
  nlohmann::json m_config = nlohmann::json::object(); // seed "jira" part without issues
  const nlohmann::json m_empty_list = nlohmann::json::array();
  std::map<long long, IssueRecord> m_issues;          // by numeric id
  std::map<std::string, long long> m_ids_by_key;      // "FAULT-1" -> id
  std::map<long long, std::vector<long long>> m_children;  // parent id -> sub-task ids
  nlohmann::json m_links = nlohmann::json::array();   // issue links {id,type,inward,outward}
  nlohmann::json m_filters = nlohmann::json::array(); // saved filters
  nlohmann::json m_boards = nlohmann::json::array();  // agile boards
  std::map<std::string, long long> m_next_number;     // per project key
  std::uint64_t m_version = 0;                        // bumped by every write, for the search cache
  // Reads run concurrently (the server's shared lock): the two caches they fill have their
  // own locks. Everything else changes only under the server's exclusive lock.
  mutable std::mutex m_status_cache_mutex;            // guards m_status_cache
  mutable std::map<std::string, nlohmann::json> m_status_cache;  // status id -> JSON without links
  // The ordered hits of recent searches, each reused while data, query and caller are
  // unchanged and the sandbox clock has moved less than a couple of seconds (paging through
  // results). Several entries, so clients paging through different queries at once keep theirs.
  struct SearchCache {
    std::string key;
    std::uint64_t version = 0;
    std::chrono::system_clock::time_point used;
    std::chrono::system_clock::time_point valid_until;  // a lagging write becomes visible then
    std::shared_ptr<const std::vector<long long>> ids;
  };
  static constexpr std::size_t k_search_cache_entries = 8;
  std::mutex m_search_cache_mutex;                    // guards m_search_cache
  std::vector<SearchCache> m_search_cache;
  // Issues rendered for search pages and bulk fetches, as JSON text, by the shape of the
  // request (API version, base URL, caller, fields, expand, properties) and issue id; all of it
  // dropped when m_version moves (any write: an issue's rendering shows its parent, sub-tasks
  // and links too). Reading the same issues again then costs copying their text, as a server's
  // caches make it cheap, so bench/ measures the clients rather than this emulator's rendering.
  struct RenderCache {
    std::uint64_t version = 0;
    std::size_t bytes = 0;
    std::map<std::string, std::unordered_map<std::string, std::string>> by_shape;
  };
  static constexpr std::size_t k_render_cache_bytes = std::size_t{256} << 20;
  mutable std::mutex m_render_cache_mutex;            // guards m_render_cache
  mutable RenderCache m_render_cache;
  long long m_next_id = 10000;                        // ids for issues, comments, links, ...
};

// The Jira service for a flavor.
std::unique_ptr<Service> make_jira_service(const JiraOptions& options);

}  // namespace sandbox
