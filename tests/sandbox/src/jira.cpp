// Jira emulation: routing, seed and state, and the metadata endpoints (server info, users,
// fields, projects, issue types, create metadata).
#include "jira.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "jira_util.hpp"
#include "read_only.hpp"
#include "seed.hpp"

namespace sandbox {

namespace {

// Jira Cloud's answer to a body it cannot map onto the operation's input (a value of the wrong
// JSON type, say); the JSON library's own message never reaches the client.
constexpr const char* k_invalid_payload = "Invalid request payload. Refer to the REST API documentation and try again.";

constexpr const char* k_custom_type_prefix = "com.atlassian.jira.plugin.system.customfieldtypes:";

// Numeric part of "customfield_10010".
long long custom_number(const std::string& id) {
  auto pos = id.find('_');
  return pos == std::string::npos ? 0 : std::stoll(id.substr(pos + 1));
}

nlohmann::json custom_schema(const nlohmann::json& field) {
  const std::string type = field.value("type", "textfield");
  const std::string id = field.value("id", "");
  nlohmann::json schema = {{"custom", k_custom_type_prefix + type}, {"customId", custom_number(id)}};
  if (type == "select" || type == "radiobuttons") schema["type"] = "option";
  else if (type == "multiselect" || type == "multicheckboxes") {
    schema["type"] = "array";
    schema["items"] = "option";
  } else if (type == "datetime") schema["type"] = "datetime";
  else if (type == "datepicker") schema["type"] = "date";
  else if (type == "float") schema["type"] = "number";
  else if (type == "userpicker") schema["type"] = "user";
  else if (type == "labels") {
    schema["type"] = "array";
    schema["items"] = "string";
  } else schema["type"] = "string";
  return schema;
}

struct SystemField {
  const char* id;
  const char* name;
  const char* type;
  const char* items;
};

constexpr SystemField k_system_fields[] = {
    {"summary", "Summary", "string", nullptr},
    {"description", "Description", "string", nullptr},
    {"issuetype", "Issue Type", "issuetype", nullptr},
    {"project", "Project", "project", nullptr},
    {"status", "Status", "status", nullptr},
    {"priority", "Priority", "priority", nullptr},
    {"labels", "Labels", "array", "string"},
    {"assignee", "Assignee", "user", nullptr},
    {"reporter", "Reporter", "user", nullptr},
    {"creator", "Creator", "user", nullptr},
    {"duedate", "Due date", "date", nullptr},
    {"created", "Created", "datetime", nullptr},
    {"updated", "Updated", "datetime", nullptr},
    {"resolutiondate", "Resolved", "datetime", nullptr},
    {"resolution", "Resolution", "resolution", nullptr},
    {"parent", "Parent", "issuelink", nullptr},
    {"subtasks", "Sub-tasks", "array", "issuelinks"},
    {"issuelinks", "Linked Issues", "array", "issuelinks"},
    {"comment", "Comment", "comments-page", nullptr},
    {"fixVersions", "Fix Version/s", "array", "version"},
    {"components", "Component/s", "array", "component"},
    {"versions", "Affects Version/s", "array", "version"},
    {"watches", "Watchers", "watches", nullptr},
};

}  // namespace

JiraService::JiraService(JiraOptions options) : m_options(options) {}

std::unique_ptr<Service> make_jira_service(const JiraOptions& options) {
  return std::make_unique<JiraService>(options);
}

// ---------------------------------------------------------------------------------- routing

std::optional<SbResponse> JiraService::handle(const SbRequest& request) {
  const std::string& path = request.path;
  if (path.starts_with("/browse/")) return browse_page(request, path.substr(8));
  if ((path == "/rest/auth/1/session" || path == "/rest/auth/latest/session") && request.method == "GET")
    return session_info(request);
  // Requests that only read run concurrently and must not write (read_only.hpp).
  if (!reads_only(request) && path.find("/search") == std::string::npos) ++m_version;
  const bool cloud = m_options.flavor == Flavor::Cloud;
  auto route = [&](std::string_view prefix, ApiVersion version) -> std::optional<SbResponse> {
    Call call{request, version, split_path(std::string_view(path).substr(prefix.size()))};
    try {
      return route_api(call);
    } catch (const nlohmann::json::exception&) {
      return jira_error(400, {k_invalid_payload});
    }
  };
  if (path.starts_with("/rest/api/2/")) return route("/rest/api/2/", ApiVersion::V2);
  if (path.starts_with("/rest/api/latest/")) return route("/rest/api/latest/", ApiVersion::V2);
  if (cloud && path.starts_with("/rest/api/3/")) return route("/rest/api/3/", ApiVersion::V3);
  if (path.starts_with("/rest/agile/1.0/")) {
    try {
      return route_agile(request, split_path(std::string_view(path).substr(16)));
    } catch (const nlohmann::json::exception&) {
      return jira_error(400, {k_invalid_payload});
    }
  }
  return std::nullopt;
}

std::optional<SbResponse> JiraService::route_api(const Call& call) {
  const auto& s = call.segments;
  const auto& r = call.request;
  const bool get = r.method == "GET";
  if (s.empty()) return std::nullopt;
  const std::string& head = s[0];
  if (head == "serverInfo" && get) return server_info(r);
  if (head == "myself" && get) {
    if (r.user.is_null()) return jira_error(401, {"You are not authenticated. Authentication required to perform this operation."});
    auto me = user_json(r.user, r);
    me["locale"] = "en_US";
    return SbResponse::json(200, me);
  }
  if (head == "field" && get && s.size() == 1) return SbResponse::json(200, field_list());
  if (head == "mypermissions" && get && s.size() == 1) return my_permissions(call);
  if (head == "jql" && s.size() == 2 && s[1] == "parse" && r.method == "POST" && m_options.flavor == Flavor::Cloud)
    return jql_parse_call(call);
  if (head == "project" && get && s.size() == 2 && s[1] == "search" && m_options.flavor == Flavor::Cloud)
    return project_search(call);
  if (head == "project" && get) {
    if (s.size() == 1) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& p : config_list("projects")) out.push_back(project_json(p, r));
      return SbResponse::json(200, out);
    }
    const auto* project = find_project(s[1]);
    if (!project) return jira_error(404, {fmt::format("No project could be found with key '{}'.", s[1])});
    if (s.size() == 2) return SbResponse::json(200, project_json(*project, r));
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& v : config_list("versions"))
      if (std::to_string(v.value("projectId", 0LL)) == project->value("id", "")) versions.push_back(version_json(v, r));
    if (s[2] == "versions" && s.size() == 3) return SbResponse::json(200, versions);
    if (s[2] == "version" && s.size() == 3) {
      const long long start = std::stoll(r.param("startAt").value_or("0"));
      const long long max = std::stoll(r.param("maxResults").value_or("50"));
      nlohmann::json values = nlohmann::json::array();
      for (long long i = start; i < static_cast<long long>(versions.size()) && i < start + max; ++i)
        values.push_back(versions[static_cast<std::size_t>(i)]);
      return SbResponse::json(200, {{"self", r.base_url + r.path}, {"startAt", start}, {"maxResults", max},
                                    {"total", versions.size()},
                                    {"isLast", start + max >= static_cast<long long>(versions.size())},
                                    {"values", values}});
    }
    if (s[2] == "components" && s.size() == 3) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : config_list("components"))
        if (std::to_string(c.value("projectId", 0LL)) == project->value("id", "")) out.push_back(component_json(c, r));
      return SbResponse::json(200, out);
    }
    if (s[2] == "statuses" && s.size() == 3) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& type_id : project->value("issueTypes", nlohmann::json::array())) {
        const auto* type = find_issuetype({{"id", type_id}});
        if (!type) continue;
        nlohmann::json statuses = nlohmann::json::array();
        // Read-only access: operator[] on the non-const member would insert a missing key.
        const auto workflows = m_config.value("workflows", nlohmann::json::object());
        const auto wf = workflows.value(type->value("workflow", ""), nlohmann::json::object());
        std::set<std::string> seen{wf.value("initial", "")};
        for (const auto& t : wf.value("transitions", nlohmann::json::array())) seen.insert(t.value("to", ""));
        for (const auto& id : seen) statuses.push_back(status_json(id, r));
        out.push_back({{"self", fmt::format("{}/rest/api/2/issuetype/{}", r.base_url, type->value("id", ""))},
                       {"id", type->value("id", "")}, {"name", type->value("name", "")},
                       {"subtask", type->value("subtask", false)}, {"statuses", statuses}});
      }
      return SbResponse::json(200, out);
    }
    return std::nullopt;
  }
  if (head == "issuetype" && get) {
    if (s.size() == 1) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& t : config_list("issuetypes")) out.push_back(issuetype_json(t, r));
      return SbResponse::json(200, out);
    }
    if (s[1] == "project" && s.size() == 2) {
      const auto* project = find_project(r.param("projectId").value_or(""));
      if (!project) return jira_error(404, {"No project could be found."});
      nlohmann::json out = nlohmann::json::array();
      for (const auto& id : project->value("issueTypes", nlohmann::json::array()))
        if (const auto* t = find_issuetype({{"id", id}})) out.push_back(issuetype_json(*t, r));
      return SbResponse::json(200, out);
    }
    const auto* type = find_issuetype({{"id", s[1]}});
    if (!type) return jira_error(404, {"The issue type does not exist."});
    return SbResponse::json(200, issuetype_json(*type, r));
  }
  if (head == "priority" && get && s.size() == 1) {
    nlohmann::json out = nlohmann::json::array();
    for (auto p : config_list("priorities")) {
      p["self"] = fmt::format("{}/rest/api/2/priority/{}", r.base_url, p.value("id", ""));
      out.push_back(p);
    }
    return SbResponse::json(200, out);
  }
  if (head == "status" && get && s.size() == 1) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& st : config_list("statuses")) out.push_back(status_json(st.value("id", ""), r));
    return SbResponse::json(200, out);
  }
  if (head == "statuscategory" && get && s.size() == 1) return SbResponse::json(200, config_list("statusCategories"));
  if (head == "resolution" && get && s.size() == 1)
    return SbResponse::json(200, nlohmann::json::array({{{"id", "10000"}, {"name", "Done"}, {"description", "Work has been done."}}}));
  if (head == "issueLinkType" && get && s.size() == 1)
    return SbResponse::json(200, {{"issueLinkTypes", config_list("issueLinkTypes")}});
  if (head == "issueLink" && s.size() == 1 && r.method == "POST") return issue_link_call(call);
  if (head == "issueLink" && s.size() == 2) {
    auto it = std::find_if(m_links.begin(), m_links.end(), [&](const nlohmann::json& l) { return l.value("id", "") == s[1]; });
    if (it == m_links.end()) return jira_error(404, {"No issue link with id '" + s[1] + "' exists."});
    if (r.method == "DELETE") {
      m_links.erase(it);
      return SbResponse::no_content();
    }
    if (get) {
      auto key_of = [&](const std::string& id) {
        auto issue = m_issues.find(std::stoll(id));
        return issue == m_issues.end() ? std::string() : issue->second.issue.value("key", "");
      };
      return SbResponse::json(200, {{"id", (*it)["id"]}, {"type", (*it)["type"]},
                                    {"inwardIssue", {{"id", (*it)["inward"]}, {"key", key_of((*it).value("inward", ""))}}},
                                    {"outwardIssue", {{"id", (*it)["outward"]}, {"key", key_of((*it).value("outward", ""))}}}});
    }
  }
  if (head == "changelog" && s.size() == 2 && s[1] == "bulkfetch" && r.method == "POST" &&
      m_options.flavor == Flavor::Cloud)
    return changelog_bulk_fetch_call(call);
  if (head == "issue") return route_issue(call);
  if (head == "search") return search_call(call);
  if (head == "filter") return filter_call(call);
  if (head == "user" && get) {
    if (s.size() == 2 && s[1] == "search") return user_search(call, false);
    if (s.size() == 3 && s[1] == "assignable" && s[2] == "search") return user_search(call, true);
    if (s.size() == 1) {
      const auto* u = find_user_by_id(r.param(m_options.flavor == Flavor::Cloud ? "accountId" : "username")
                                          .value_or(r.param("key").value_or("")));
      if (!u) return jira_error(404, {"The user does not exist."});
      return SbResponse::json(200, user_json(*u, r));
    }
  }
  return std::nullopt;
}

std::optional<SbResponse> JiraService::route_issue(const Call& call) {
  const auto& s = call.segments;
  const auto& method = call.request.method;
  if (s.size() == 1) {
    if (method == "POST") return create_issue_call(call);
    return std::nullopt;
  }
  if (s[1] == "bulk" && s.size() == 2 && method == "POST") return bulk_create_call(call);
  if (s[1] == "bulkfetch" && s.size() == 2 && method == "POST" && m_options.flavor == Flavor::Cloud)
    return bulk_fetch_call(call);
  if (s[1] == "createmeta" && s.size() == 2 && method == "GET" && m_options.flavor == Flavor::Cloud)
    return createmeta_all(call);
  if (s[1] == "createmeta" && s.size() >= 4 && s[3] == "issuetypes" && method == "GET") {
    if (s.size() == 4) return createmeta_types(call, s[2]);
    if (s.size() == 5) return createmeta_fields(call, s[2], s[4]);
  }
  IssueRecord* record = find_issue(s[1]);
  if (!record) return jira_error(404, {"Issue does not exist or you do not have permission to see it."});
  if (s.size() == 2) {
    if (method == "GET") return get_issue_call(call, *record);
    if (method == "PUT") return edit_issue_call(call, *record);
    if (method == "DELETE") return delete_issue_call(call, *record);
    return std::nullopt;
  }
  const std::string& sub = s[2];
  if (sub == "transitions") return transitions_call(call, *record);
  if (sub == "comment") return comments_call(call, *record);
  if (sub == "watchers") return watchers_call(call, *record);
  if (sub == "remotelink") return remote_links_call(call, *record);
  if (sub == "properties") return properties_call(call, *record);
  if (sub == "changelog" && m_options.flavor == Flavor::Cloud) return changelog_call(call, *record);
  if (sub == "editmeta" && s.size() == 3 && method == "GET") return editmeta_call(call, *record);
  if (sub == "assignee" && s.size() == 3 && method == "PUT") {
    auto body = nlohmann::json::parse(call.request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return jira_error(400, {"The request body must be a user: {\"" + std::string(m_options.flavor == Flavor::Cloud ? "accountId" : "name") +
                                 "\": ...}, null to unassign or \"-1\" for the default assignee."});
    nlohmann::json changes = nlohmann::json::array();
    auto applied = apply_edit(*record, {{"fields", {{"assignee", body}}}}, call.request, call.version, changes);
    if (!applied) return SbResponse::json(applied.error().status, applied.error().body);
    record_history(*record, call.request, changes);
    return SbResponse::no_content();
  }
  return std::nullopt;
}

// ----------------------------------------------------------------------------- seed, state

void JiraService::reset_state() {
  m_users = nlohmann::json::array();
  m_config = nlohmann::json::object();
  m_issues.clear();
  m_ids_by_key.clear();
  m_children.clear();
  m_links = nlohmann::json::array();
  m_filters = nlohmann::json::array();
  m_boards = nlohmann::json::array();
  m_next_number.clear();
  m_next_id = 10000;
  {
    std::lock_guard lock(m_status_cache_mutex);
    m_status_cache.clear();
  }
  {
    std::lock_guard lock(m_search_cache_mutex);
    m_search_cache.clear();
  }
  ++m_version;
}

void JiraService::add_seed_data(const nlohmann::json& seed) {
  for (const auto& user : seed.value("users", nlohmann::json::array())) {
    auto same = std::find_if(m_users.begin(), m_users.end(), [&](const nlohmann::json& u) {
      return u.value("name", "") == user.value("name", "~") ||
             u.value("accountId", "") == user.value("accountId", "~");
    });
    if (same != m_users.end()) *same = user;
    else m_users.push_back(user);
  }
  {
    std::lock_guard lock(m_status_cache_mutex);
    m_status_cache.clear();
  }
  ++m_version;
  auto jira = seed.value("jira", nlohmann::json::object());
  auto issues = jira.value("issues", nlohmann::json::array());
  jira.erase("issues");
  merge_seed(m_config, jira);
  // Select options get stable ids derived from the field id.
  for (auto& field : m_config["fields"]) {
    if (!field.contains("options")) continue;
    const long long base = custom_number(field.value("id", "")) * 100;
    long long index = 0;
    for (auto& option : field["options"]) {
      if (option.is_string()) option = {{"value", option}};
      if (!option.contains("id")) option["id"] = std::to_string(base + index);
      ++index;
    }
  }
  SbRequest seed_request;
  seed_request.method = "POST";
  seed_request.now = std::chrono::system_clock::now() - m_options.index_lag;
  for (const auto& input : issues) (void)create_issue(input, seed_request, ApiVersion::V2, CreateMode::Seed);
}

void JiraService::load_seed(const nlohmann::json& seed) {
  reset_state();
  add_seed_data(seed);
}

void JiraService::extend_seed(const nlohmann::json& seed) { add_seed_data(seed); }

nlohmann::json JiraService::snapshot() const {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& [id, rec] : m_issues) {
    issues.push_back({{"issue", rec.issue}, {"histories", rec.histories}, {"remote_links", rec.remote_links},
                      {"properties", rec.properties}, {"watchers", rec.watchers},
                      {"indexed_at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                            rec.indexed_at.time_since_epoch()).count()}});
  }
  return {{"users", m_users}, {"config", m_config}, {"issues", issues}, {"links", m_links},
          {"filters", m_filters}, {"boards", m_boards}, {"next_number", m_next_number},
          {"next_id", m_next_id}};
}

void JiraService::restore(const nlohmann::json& state) {
  reset_state();
  m_users = state.value("users", nlohmann::json::array());
  m_config = state.value("config", nlohmann::json::object());
  m_links = state.value("links", nlohmann::json::array());
  m_filters = state.value("filters", nlohmann::json::array());
  m_boards = state.value("boards", nlohmann::json::array());
  m_next_number = state.value("next_number", std::map<std::string, long long>{});
  m_next_id = state.value("next_id", 10000LL);
  for (const auto& item : state.value("issues", nlohmann::json::array())) {
    IssueRecord rec;
    rec.issue = item.at("issue");
    rec.histories = item.value("histories", nlohmann::json::array());
    rec.remote_links = item.value("remote_links", nlohmann::json::array());
    rec.properties = item.value("properties", nlohmann::json::object());
    rec.watchers = item.value("watchers", std::vector<std::string>{});
    rec.indexed_at = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(item.value("indexed_at_ms", 0LL)));
    const long long id = std::stoll(rec.issue.value("id", "0"));
    m_ids_by_key[rec.issue.value("key", "")] = id;
    if (auto parent = rec.issue["fields"].find("parent"); parent != rec.issue["fields"].end() && parent->is_object())
      m_children[std::stoll(parent->value("id", "0"))].push_back(id);
    m_issues.emplace(id, std::move(rec));
  }
}

// ------------------------------------------------------------------------------- metadata

SbResponse JiraService::server_info(const SbRequest& request) const {
  const bool cloud = m_options.flavor == Flavor::Cloud;
  nlohmann::json info = {
      {"baseUrl", request.base_url},
      {"version", cloud ? "1001.0.0-SNAPSHOT" : "10.3.1"},
      {"versionNumbers", cloud ? nlohmann::json::array({1001, 0, 0}) : nlohmann::json::array({10, 3, 1})},
      {"deploymentType", cloud ? "Cloud" : "Server"},
      {"buildNumber", cloud ? 100289 : 10030001},
      {"buildDate", "2026-11-01T00:00:00.000+0000"},
      {"serverTime", format_jira_time(request.now)},
      {"scmInfo", "faultline-sandbox"},
      {"serverTitle", "Jira (faultline sandbox)"}};
  return SbResponse::json(200, info);
}

nlohmann::json JiraService::user_json(const nlohmann::json& stored, const SbRequest& request) const {
  if (stored.is_null()) return nullptr;
  nlohmann::json out;
  if (m_options.flavor == Flavor::Cloud) {
    const std::string id = stored.value("accountId", "");
    out = {{"self", fmt::format("{}/rest/api/3/user?accountId={}", request.base_url, id)},
           {"accountId", id},
           {"accountType", "atlassian"}};
  } else {
    const std::string name = stored.value("name", "");
    out = {{"self", fmt::format("{}/rest/api/2/user?username={}", request.base_url, name)},
           {"name", name},
           {"key", stored.value("key", name)}};
  }
  out["emailAddress"] = stored.value("emailAddress", "");
  out["displayName"] = stored.value("displayName", "");
  out["active"] = stored.value("active", true);
  out["timeZone"] = stored.value("timeZone", "UTC");
  out["avatarUrls"] = {{"48x48", request.base_url + "/secure/useravatar?size=large"}};
  return out;
}

const nlohmann::json* JiraService::find_user_by_ref(const nlohmann::json& ref) const {
  if (ref.is_string()) return find_user_by_id(ref.get<std::string>());
  if (!ref.is_object()) return nullptr;
  for (const char* key : {"accountId", "id", "name", "key", "emailAddress"}) {
    if (!ref.contains(key) || !ref[key].is_string()) continue;
    const std::string value = ref[key].get<std::string>();
    for (const auto& u : m_users) {
      const std::string field = std::string_view(key) == "id" ? "accountId" : key;
      if (u.value(field, "") == value) return &u;
    }
  }
  return nullptr;
}

const nlohmann::json* JiraService::find_user_by_id(const std::string& id) const {
  for (const auto& u : m_users) {
    if (m_options.flavor == Flavor::Cloud ? u.value("accountId", "") == id
                                          : (u.value("name", "") == id || u.value("key", "") == id))
      return &u;
  }
  return nullptr;
}

std::string JiraService::user_id(const nlohmann::json& stored) const {
  if (!stored.is_object()) return {};
  return stored.value(m_options.flavor == Flavor::Cloud ? "accountId" : "name", "");
}

nlohmann::json JiraService::field_list() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : k_system_fields) {
    nlohmann::json schema = {{"type", f.type}, {"system", f.id}};
    if (f.items) schema["items"] = f.items;
    out.push_back({{"id", f.id}, {"key", f.id}, {"name", f.name}, {"custom", false}, {"orderable", true},
                   {"navigable", true}, {"searchable", true},
                   {"clauseNames", nlohmann::json::array({f.id})}, {"schema", schema}});
  }
  for (const auto& f : config_list("fields")) {
    const std::string id = f.value("id", "");
    out.push_back({{"id", id}, {"key", id}, {"name", f.value("name", "")}, {"custom", true},
                   {"orderable", true}, {"navigable", true}, {"searchable", true},
                   {"clauseNames", {fmt::format("cf[{}]", custom_number(id)), f.value("name", "")}},
                   {"schema", custom_schema(f)}});
  }
  return out;
}

const nlohmann::json* JiraService::find_field(const std::string& id) const {
  auto it = m_config.find("fields");
  if (it == m_config.end()) return nullptr;
  for (const auto& f : *it) {  // compared in place: this runs for every field of every issue a page shows
    const auto fid = f.find("id");
    if (fid != f.end() && fid->is_string() && fid->get_ref<const std::string&>() == id) return &f;
  }
  return nullptr;
}

const nlohmann::json& JiraService::config_list(const char* name) const {
  auto it = m_config.find(name);
  return it != m_config.end() && it->is_array() ? *it : m_empty_list;
}

const nlohmann::json* JiraService::find_project(const std::string& id_or_key) const {
  auto it = m_config.find("projects");
  if (it == m_config.end()) return nullptr;
  for (const auto& p : *it)
    if (p.value("id", "") == id_or_key || p.value("key", "") == id_or_key) return &p;
  return nullptr;
}

const nlohmann::json* JiraService::find_issuetype(const nlohmann::json& ref) const {
  auto it = m_config.find("issuetypes");
  if (it == m_config.end() || !ref.is_object()) return nullptr;
  for (const auto& t : *it) {
    if (ref.contains("id") && ref["id"].is_string() && t.value("id", "") == ref["id"].get<std::string>()) return &t;
    if (ref.contains("name") && ref["name"].is_string() && t.value("name", "") == ref["name"].get<std::string>()) return &t;
  }
  return nullptr;
}

const nlohmann::json* JiraService::find_status(const std::string& id) const {
  auto it = m_config.find("statuses");
  if (it == m_config.end()) return nullptr;
  for (const auto& s : *it)
    if (s.value("id", "") == id || s.value("name", "") == id) return &s;
  return nullptr;
}

nlohmann::json JiraService::status_json(const std::string& id, const SbRequest& request) const {
  nlohmann::json out;
  {
    std::lock_guard lock(m_status_cache_mutex);  // concurrent reads fill it
    auto cached = m_status_cache.find(id);
    if (cached == m_status_cache.end()) {
      const auto* st = find_status(id);
      if (!st) return nullptr;
      nlohmann::json category;
      for (const auto& c : config_list("statusCategories"))
        if (c.value("key", "") == st->value("category", "")) category = c;
      nlohmann::json status = {{"id", st->value("id", "")}, {"name", st->value("name", "")},
                               {"description", ""}, {"statusCategory", category}};
      cached = m_status_cache.emplace(id, std::move(status)).first;
    }
    out = cached->second;
  }
  if (!request.base_url.empty()) {
    out["self"] = fmt::format("{}/rest/api/2/status/{}", request.base_url, out.value("id", ""));
    if (out["statusCategory"].is_object())
      out["statusCategory"]["self"] =
          fmt::format("{}/rest/api/2/statuscategory/{}", request.base_url, out["statusCategory"].value("id", 0));
  }
  return out;
}

nlohmann::json JiraService::issuetype_json(const nlohmann::json& type, const SbRequest& request) const {
  return {{"self", fmt::format("{}/rest/api/2/issuetype/{}", request.base_url, type.value("id", ""))},
          {"id", type.value("id", "")},
          {"name", type.value("name", "")},
          {"description", type.value("description", "")},
          {"subtask", type.value("subtask", false)},
          {"hierarchyLevel", type.value("hierarchyLevel", 0)},
          {"iconUrl", request.base_url + "/images/icons/issuetypes/task.svg"}};
}

nlohmann::json JiraService::version_json(const nlohmann::json& version, const SbRequest& request) const {
  nlohmann::json out = version;
  out["self"] = fmt::format("{}/rest/api/2/version/{}", request.base_url, version.value("id", ""));
  if (!out.contains("description")) out["description"] = "";
  if (!out.contains("overdue")) out["overdue"] = false;
  return out;
}

nlohmann::json JiraService::project_json(const nlohmann::json& project, const SbRequest& request) const {
  nlohmann::json types = nlohmann::json::array();
  for (const auto& id : project.value("issueTypes", nlohmann::json::array()))
    if (const auto* t = find_issuetype({{"id", id}})) types.push_back(issuetype_json(*t, request));
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : config_list("versions"))
    if (std::to_string(v.value("projectId", 0LL)) == project.value("id", "")) versions.push_back(version_json(v, request));
  const auto* lead = find_user_by_ref({{"name", project.value("lead", "")}});
  return {{"self", fmt::format("{}/rest/api/2/project/{}", request.base_url, project.value("id", ""))},
          {"id", project.value("id", "")},
          {"key", project.value("key", "")},
          {"name", project.value("name", "")},
          {"projectTypeKey", "software"},
          {"lead", lead ? user_json(*lead, request) : nlohmann::json(nullptr)},
          {"issueTypes", types},
          {"versions", versions}};
}

SbResponse JiraService::createmeta_types(const Call& call, const std::string& project_ref) {
  const auto* project = find_project(project_ref);
  if (!project) return jira_error(404, {fmt::format("No project could be found with key '{}'.", project_ref)});
  nlohmann::json types = nlohmann::json::array();
  for (const auto& id : project->value("issueTypes", nlohmann::json::array()))
    if (const auto* t = find_issuetype({{"id", id}})) types.push_back(issuetype_json(*t, call.request));
  const auto total = types.size();
  if (m_options.flavor == Flavor::Cloud)
    return SbResponse::json(200, {{"issueTypes", types}, {"maxResults", 50}, {"startAt", 0}, {"total", total}});
  return SbResponse::json(200, {{"maxResults", 50}, {"startAt", 0}, {"total", total}, {"isLast", true}, {"values", types}});
}

SbResponse JiraService::createmeta_fields(const Call& call, const std::string& project_ref,
                                          const std::string& type_id) {
  const auto* project = find_project(project_ref);
  if (!project) return jira_error(404, {fmt::format("No project could be found with key '{}'.", project_ref)});
  const auto* type = find_issuetype({{"id", type_id}});
  if (!type) return jira_error(404, {"Issue type with id '" + type_id + "' does not exist."});
  const nlohmann::json fields = create_fields(call.request, *project, *type);
  const auto total = fields.size();
  if (m_options.flavor == Flavor::Cloud)
    return SbResponse::json(200, {{"fields", fields}, {"maxResults", 50}, {"startAt", 0}, {"total", total}});
  return SbResponse::json(200, {{"maxResults", 50}, {"startAt", 0}, {"total", total}, {"isLast", true}, {"values", fields}});
}

nlohmann::json JiraService::create_fields(const SbRequest& r, const nlohmann::json& project,
                                          const nlohmann::json& type) const {
  nlohmann::json fields = nlohmann::json::array();
  auto add = [&](const std::string& id, const std::string& name, bool required, nlohmann::json schema,
                 nlohmann::json allowed) {
    nlohmann::json f = {{"required", required}, {"schema", schema}, {"name", name}, {"key", id}, {"fieldId", id},
                        {"hasDefaultValue", id == "priority"},
                        {"operations", id == "labels" || id == "components" ? nlohmann::json::array({"add", "set", "remove"})
                                                                             : nlohmann::json::array({"set"})}};
    if (!allowed.is_null()) f["allowedValues"] = allowed;
    fields.push_back(f);
  };
  add("summary", "Summary", true, {{"type", "string"}, {"system", "summary"}}, nullptr);
  add("issuetype", "Issue Type", true, {{"type", "issuetype"}, {"system", "issuetype"}},
      nlohmann::json::array({issuetype_json(type, r)}));
  add("project", "Project", true, {{"type", "project"}, {"system", "project"}},
      nlohmann::json::array({{{"id", project.value("id", "")}, {"key", project.value("key", "")},
                              {"name", project.value("name", "")}}}));
  if (type.value("subtask", false))
    add("parent", "Parent", true, {{"type", "issuelink"}, {"system", "parent"}}, nullptr);
  add("description", "Description", false, {{"type", "string"}, {"system", "description"}}, nullptr);
  add("priority", "Priority", false, {{"type", "priority"}, {"system", "priority"}},
      config_list("priorities"));
  add("labels", "Labels", false, {{"type", "array"}, {"items", "string"}, {"system", "labels"}}, nullptr);
  add("assignee", "Assignee", false, {{"type", "user"}, {"system", "assignee"}}, nullptr);
  add("reporter", "Reporter", false, {{"type", "user"}, {"system", "reporter"}}, nullptr);
  add("duedate", "Due date", false, {{"type", "date"}, {"system", "duedate"}}, nullptr);
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : config_list("versions"))
    if (std::to_string(v.value("projectId", 0LL)) == project.value("id", "")) versions.push_back(version_json(v, r));
  add("fixVersions", "Fix Version/s", false, {{"type", "array"}, {"items", "version"}, {"system", "fixVersions"}}, versions);
  add("versions", "Affects Version/s", false, {{"type", "array"}, {"items", "version"}, {"system", "versions"}}, versions);
  nlohmann::json components = nlohmann::json::array();
  for (const auto& c : config_list("components"))
    if (std::to_string(c.value("projectId", 0LL)) == project.value("id", "")) components.push_back(component_json(c, r));
  add("components", "Component/s", false, {{"type", "array"}, {"items", "component"}, {"system", "components"}}, components);
  for (const auto& f : config_list("fields")) {
    nlohmann::json allowed = nullptr;
    if (f.contains("options")) {
      allowed = nlohmann::json::array();
      for (const auto& o : f["options"])
        allowed.push_back({{"self", fmt::format("{}/rest/api/2/customFieldOption/{}", r.base_url, o.value("id", ""))},
                           {"value", o.value("value", "")}, {"id", o.value("id", "")}});
    }
    add(f.value("id", ""), f.value("name", ""), false, custom_schema(f), allowed);
  }
  return fields;
}

SbResponse JiraService::createmeta_all(const Call& call) {
  const auto& r = call.request;
  const auto project_ids = list_param(r, "projectIds");
  const auto project_keys = list_param(r, "projectKeys");
  const auto type_ids = list_param(r, "issuetypeIds");
  const auto type_names = list_param(r, "issuetypeNames");
  const bool with_fields = r.param("expand").value_or("").find("projects.issuetypes.fields") != std::string::npos;
  auto listed = [](const std::vector<std::string>& wanted, const std::string& value) {
    return std::find(wanted.begin(), wanted.end(), value) != wanted.end();
  };
  // Unknown projects or issue types are left out, not errors (the operation's description).
  nlohmann::json projects = nlohmann::json::array();
  for (const auto& p : config_list("projects")) {
    const bool filtered = !project_ids.empty() || !project_keys.empty();
    if (filtered && !listed(project_ids, p.value("id", "")) && !listed(project_keys, p.value("key", ""))) continue;
    nlohmann::json types = nlohmann::json::array();
    for (const auto& type_id : p.value("issueTypes", nlohmann::json::array())) {
      const auto* t = find_issuetype({{"id", type_id}});
      if (!t) continue;
      const bool type_filtered = !type_ids.empty() || !type_names.empty();
      if (type_filtered && !listed(type_ids, t->value("id", "")) && !listed(type_names, t->value("name", ""))) continue;
      nlohmann::json type = issuetype_json(*t, r);
      type["expand"] = "fields";
      if (with_fields) {
        nlohmann::json fields = nlohmann::json::object();
        for (auto f : create_fields(r, p, *t)) {
          const std::string id = f.value("fieldId", "");
          f.erase("fieldId");  // FieldMetadata here is keyed by the field id
          fields[id] = std::move(f);
        }
        type["fields"] = std::move(fields);
      }
      types.push_back(std::move(type));
    }
    projects.push_back({{"expand", "issuetypes"},
                        {"self", fmt::format("{}/rest/api/3/project/{}", r.base_url, p.value("id", ""))},
                        {"id", p.value("id", "")},
                        {"key", p.value("key", "")},
                        {"name", p.value("name", "")},
                        {"avatarUrls", {{"48x48", r.base_url + "/secure/projectavatar?size=large&pid=" + p.value("id", "")}}},
                        {"issuetypes", std::move(types)}});
  }
  return SbResponse::json(200, {{"expand", "projects"}, {"projects", std::move(projects)}});
}

SbResponse JiraService::project_search(const Call& call) {
  const auto& r = call.request;
  long long start = 0;
  long long max = 50;
  try {
    start = std::stoll(r.param("startAt").value_or("0"));
    max = std::stoll(r.param("maxResults").value_or("50"));
  } catch (const std::exception&) {
    return jira_error(400, {"The startAt and maxResults parameters must be numbers."});
  }
  if (start < 0 || max < 0) return jira_error(400, {"The startAt and maxResults parameters must not be negative."});
  max = std::min(max, 100LL);
  const std::string order = r.param("orderBy").value_or("key");
  const std::string order_field = order.starts_with("-") || order.starts_with("+") ? order.substr(1) : order;
  if (order_field != "key" && order_field != "name" && order_field != "category" && order_field != "issueCount" &&
      order_field != "lastIssueUpdatedDate" && order_field != "owner" && order_field != "archivedDate" &&
      order_field != "deletedDate")
    return jira_error(400, {fmt::format("Invalid orderBy value: '{}'.", order)});
  const auto ids = list_param(r, "id");
  const auto keys = list_param(r, "keys");
  const std::string query = to_lower(r.param("query").value_or(""));
  std::vector<const nlohmann::json*> found;
  for (const auto& p : config_list("projects")) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), p.value("id", "")) == ids.end()) continue;
    if (!keys.empty() && std::find(keys.begin(), keys.end(), p.value("key", "")) == keys.end()) continue;
    if (!query.empty() && to_lower(p.value("key", "")).find(query) == std::string::npos &&
        to_lower(p.value("name", "")).find(query) == std::string::npos)
      continue;
    found.push_back(&p);
  }
  const std::string sort_key = order_field == "name" ? "name" : "key";
  std::stable_sort(found.begin(), found.end(), [&](const nlohmann::json* a, const nlohmann::json* b) {
    return to_lower(a->value(sort_key, "")) < to_lower(b->value(sort_key, ""));
  });
  if (order.starts_with("-")) std::reverse(found.begin(), found.end());
  const auto expand = list_param(r, "expand");
  auto expanded = [&](const char* what) { return std::find(expand.begin(), expand.end(), what) != expand.end(); };
  nlohmann::json values = nlohmann::json::array();
  const long long total = static_cast<long long>(found.size());
  for (long long i = start; i < total && i < start + max; ++i) {
    const auto& p = *found[static_cast<std::size_t>(i)];
    const nlohmann::json full = project_json(p, r);
    nlohmann::json v = {{"expand", "description,lead,issueTypes,url,projectKeys,permissions,insight"},
                        {"self", fmt::format("{}/rest/api/3/project/{}", r.base_url, p.value("id", ""))},
                        {"id", p.value("id", "")}, {"key", p.value("key", "")}, {"name", p.value("name", "")},
                        {"projectTypeKey", "software"}, {"simplified", false}, {"style", "classic"},
                        {"isPrivate", false}, {"properties", nlohmann::json::object()}};
    if (expanded("lead")) v["lead"] = full["lead"];
    if (expanded("issueTypes")) v["issueTypes"] = full["issueTypes"];
    if (expanded("description")) v["description"] = p.value("description", "");
    values.push_back(std::move(v));
  }
  const std::string self = fmt::format("{}{}?startAt={}&maxResults={}", r.base_url, r.path, start, max);
  const bool last = start + max >= total;
  nlohmann::json out = {{"self", self}, {"maxResults", max}, {"startAt", start}, {"total", total}, {"isLast", last},
                        {"values", std::move(values)}};
  if (!last) out["nextPage"] = fmt::format("{}{}?startAt={}&maxResults={}", r.base_url, r.path, start + max, max);
  return SbResponse::json(200, out);
}

SbResponse JiraService::my_permissions(const Call& call) {
  const auto& r = call.request;
  const bool cloud = m_options.flavor == Flavor::Cloud;
  if (auto key = r.param("projectKey"); key && !find_project(*key))
    return jira_error(404, {fmt::format("No project could be found with key '{}'.", *key)});
  if (auto id = r.param("projectId"); id && !find_project(*id))
    return jira_error(404, {fmt::format("No project could be found with id '{}'.", *id)});
  for (const char* name : {"issueKey", "issueId"})
    if (auto ref = r.param(name); ref && !find_issue(*ref))
      return jira_error(404, {"Issue does not exist or you do not have permission to see it."});
  const auto wanted = list_param(r, "permissions");
  if (cloud && wanted.empty()) return jira_error(400, {"The 'permissions' query parameter is required."});
  // Jira's built-in permissions: key, legacy numeric id, name, type. The sandbox user holds
  // every project permission and the global ones any licensed user has, not administration.
  struct Permission {
    const char* key;
    const char* id;
    const char* name;
    bool global;
    bool held;
  };
  static constexpr Permission k_permissions[] = {
      {"ADMINISTER", "0", "Administer Jira", true, false},
      {"SYSTEM_ADMIN", "44", "Jira System Administrators", true, false},
      {"USER_PICKER", "27", "Browse users and groups", true, true},
      {"CREATE_SHARED_OBJECTS", "22", "Share dashboards and filters", true, true},
      {"MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "24", "Manage group filter subscriptions", true, true},
      {"BULK_CHANGE", "33", "Make bulk changes", true, true},
      {"ADMINISTER_PROJECTS", "23", "Administer Projects", false, true},
      {"BROWSE_PROJECTS", "10", "Browse Projects", false, true},
      {"CREATE_ISSUES", "11", "Create Issues", false, true},
      {"EDIT_ISSUES", "12", "Edit Issues", false, true},
      {"ASSIGN_ISSUES", "13", "Assign Issues", false, true},
      {"RESOLVE_ISSUES", "14", "Resolve Issues", false, true},
      {"ADD_COMMENTS", "15", "Add Comments", false, true},
      {"DELETE_ISSUES", "16", "Delete Issues", false, true},
      {"ASSIGNABLE_USER", "17", "Assignable User", false, true},
      {"CLOSE_ISSUES", "18", "Close Issues", false, true},
      {"CREATE_ATTACHMENTS", "19", "Create Attachments", false, true},
      {"WORK_ON_ISSUES", "20", "Work On Issues", false, true},
      {"LINK_ISSUES", "21", "Link Issues", false, true},
      {"MOVE_ISSUES", "25", "Move Issues", false, true},
      {"SET_ISSUE_SECURITY", "26", "Set Issue Security", false, true},
      {"SCHEDULE_ISSUES", "28", "Schedule Issues", false, true},
      {"MODIFY_REPORTER", "30", "Modify Reporter", false, true},
      {"VIEW_VOTERS_AND_WATCHERS", "31", "View Voters and Watchers", false, true},
      {"MANAGE_WATCHERS", "32", "Manage Watchers", false, true},
      {"EDIT_ALL_COMMENTS", "34", "Edit All Comments", false, true},
      {"EDIT_OWN_COMMENTS", "35", "Edit Own Comments", false, true},
      {"DELETE_ALL_COMMENTS", "36", "Delete All Comments", false, true},
      {"DELETE_OWN_COMMENTS", "37", "Delete Own Comments", false, true},
      {"DELETE_ALL_ATTACHMENTS", "38", "Delete All Attachments", false, true},
      {"DELETE_OWN_ATTACHMENTS", "39", "Delete Own Attachments", false, true},
      {"TRANSITION_ISSUES", "46", "Transition Issues", false, true},
  };
  for (const auto& key : wanted) {
    const bool known = std::any_of(std::begin(k_permissions), std::end(k_permissions),
                                   [&](const Permission& p) { return key == p.key; });
    if (!known) return jira_error(400, {fmt::format("The permission key '{}' is not valid.", key)});
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& p : k_permissions) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), p.key) == wanted.end()) continue;
    out[p.key] = {{"id", p.id}, {"key", p.key}, {"name", p.name}, {"type", p.global ? "GLOBAL" : "PROJECT"},
                  {"description", fmt::format("The {} permission.", p.name)}, {"havePermission", p.held}};
  }
  return SbResponse::json(200, {{"permissions", out}});
}

SbResponse JiraService::session_info(const SbRequest& request) const {
  if (!request.user.is_object())
    return jira_error(401, {"You are not authenticated. Authentication required to perform this operation."});
  const auto me = user_json(request.user, request);
  // CurrentUser: self, name and loginInfo; Cloud has no user names, so its "name" is the account id.
  return SbResponse::json(200, {{"self", me.value("self", "")},
                                {"name", user_id(request.user)},
                                {"loginInfo", {{"failedLoginCount", 0}, {"loginCount", 1},
                                               {"previousLoginTime", format_jira_time(request.now)}}}});
}

nlohmann::json JiraService::component_json(const nlohmann::json& component, const SbRequest& request) const {
  const std::string id = component.value("id", "");
  nlohmann::json out = {{"self", fmt::format("{}/rest/api/2/component/{}", request.base_url, id)},
                        {"id", id}, {"name", component.value("name", "")},
                        {"description", component.value("description", "")},
                        {"projectId", component.value("projectId", 0LL)},
                        {"assigneeType", "PROJECT_DEFAULT"}, {"isAssigneeTypeValid", false}};
  if (const auto* project = find_project(std::to_string(component.value("projectId", 0LL))))
    out["project"] = project->value("key", "");
  return out;
}

SbResponse JiraService::user_search(const Call& call, bool assignable) {
  const auto& r = call.request;
  const bool cloud = m_options.flavor == Flavor::Cloud;
  std::string needle;
  std::optional<std::string> exact_account;
  if (cloud) {
    if (r.param("username") || r.param("key"))
      return jira_error(400, {fmt::format("The query parameter '{}' is not supported in GDPR strict mode.",
                                          r.param("username") ? "username" : "key")});
    if (auto id = r.param("accountId")) {
      if (r.param("query")) return jira_error(400, {"'accountId' must be the only user identifying query parameter in GDPR strict mode."});
      exact_account = *id;
    } else if (auto q = r.param("query")) {
      needle = to_lower(*q);
    } else if (!assignable) {
      return jira_error(400, {"The query parameter 'query' or 'accountId' is required."});
    }
  } else {
    auto q = r.param("username");
    if (!q) q = r.param("query");
    if (!q && !assignable) return jira_error(400, {"The username query parameter was not provided"});
    if (q && *q != "." && *q != "*") needle = to_lower(*q);
  }
  if (assignable && !r.param("project") && !r.param("issueKey"))
    return jira_error(400, {"The project or issueKey query parameter is required."});
  const long long start = std::stoll(r.param("startAt").value_or("0"));
  const long long max = std::min<long long>(std::stoll(r.param("maxResults").value_or("50")), 1000);
  nlohmann::json out = nlohmann::json::array();
  long long index = 0;
  for (const auto& u : m_users) {
    bool match = true;
    if (exact_account) match = u.value("accountId", "") == *exact_account;
    else if (!needle.empty()) {
      match = false;
      std::vector<std::string> candidates = {u.value("displayName", ""), u.value("emailAddress", "")};
      if (!cloud) candidates.push_back(u.value("name", ""));
      for (const auto& c : candidates) {
        const std::string lower = to_lower(c);
        if (lower.starts_with(needle) || lower.find(" " + needle) != std::string::npos ||
            (!cloud && lower.find(needle) != std::string::npos))
          match = true;
      }
    }
    if (assignable && !u.value("active", true)) match = false;
    if (!match) continue;
    if (index++ < start) continue;
    if (static_cast<long long>(out.size()) >= max) break;
    out.push_back(user_json(u, r));
  }
  return SbResponse::json(200, out);
}

}  // namespace sandbox
