// Jira emulation: issues and what hangs off them (create, bulk create, get, edit, delete,
// transitions, comments, watchers, remote links, entity properties, changelog, issue links).
#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "jira.hpp"
#include "jira_util.hpp"

namespace sandbox {

namespace {

constexpr const char* k_cannot_set = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown.";
constexpr std::size_t k_max_property_length = 32768;
constexpr std::size_t k_max_bulk = 50;
// The assignee reference that asks for the project's default assignee ({"name": "-1"} on Data
// Center, {"accountId": "-1"} on Cloud); normalize_value() passes it on for the caller to resolve.
constexpr const char* k_default_assignee = "-1";

// True if a normalized assignee is the default-assignee request.
bool wants_default_assignee(const nlohmann::json& value) { return value.is_string() && value == k_default_assignee; }

// The fields a create or edit screen carries besides the custom fields.
constexpr std::string_view k_screen_fields[] = {"summary",  "description", "environment", "issuetype", "project",
                                                "priority", "labels",      "assignee",    "reporter",  "duedate",
                                                "parent",   "fixVersions", "versions",    "components"};

bool on_screen(std::string_view id) {
  return std::find(std::begin(k_screen_fields), std::end(k_screen_fields), id) != std::end(k_screen_fields);
}

nlohmann::json stored_user(const nlohmann::json& user) {
  if (!user.is_object()) return nullptr;
  return {{"name", user.value("name", "")},         {"key", user.value("key", user.value("name", ""))},
          {"accountId", user.value("accountId", "")}, {"displayName", user.value("displayName", "")},
          {"emailAddress", user.value("emailAddress", "")}, {"active", user.value("active", true)},
          {"timeZone", user.value("timeZone", "UTC")}};
}

std::expected<nlohmann::json, SbResponse> parse_body(const SbRequest& request) {
  if (request.body.empty()) return nlohmann::json(nullptr);
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded())
    return std::unexpected(jira_error(400, {"Unexpected character in the request body: it is not valid JSON."}));
  return body;
}

std::string api_root(const SbRequest& request, ApiVersion version) {
  return request.base_url + (version == ApiVersion::V3 ? "/rest/api/3" : "/rest/api/2");
}

}  // namespace

IssueRecord* JiraService::find_issue(const std::string& id_or_key) {
  auto by_key = m_ids_by_key.find(id_or_key);
  if (by_key != m_ids_by_key.end()) {
    auto it = m_issues.find(by_key->second);
    return it == m_issues.end() ? nullptr : &it->second;
  }
  if (id_or_key.empty() || !std::all_of(id_or_key.begin(), id_or_key.end(), ::isdigit) || id_or_key.size() > 15)
    return nullptr;
  auto it = m_issues.find(std::stoll(id_or_key));
  return it == m_issues.end() ? nullptr : &it->second;
}

nlohmann::json JiraService::default_assignee(const std::string& project_id_or_key) const {
  const auto* project = find_project(project_id_or_key);
  if (!project || project->value("assigneeType", "PROJECT_LEAD") == "UNASSIGNED") return nullptr;
  const auto* lead = find_user_by_ref({{"name", project->value("lead", "")}});
  return lead ? stored_user(*lead) : nlohmann::json(nullptr);
}

// ------------------------------------------------------------------------------ field values

std::expected<nlohmann::json, std::string> JiraService::normalize_value(const std::string& id,
                                                                        const nlohmann::json& value,
                                                                        ApiVersion version) {
  const bool cloud = m_options.flavor == Flavor::Cloud;
  auto rich_text = [&]() -> std::expected<nlohmann::json, std::string> {
    if (value.is_null()) return value;
    if (cloud && version == ApiVersion::V3) {
      if (!is_adf_document(value)) return std::unexpected("Operation value must be an Atlassian Document (see the Atlassian Document Format)");
      return value;
    }
    if (!value.is_string()) return std::unexpected("Operation value must be a string");
    return value;
  };
  auto user = [&]() -> std::expected<nlohmann::json, std::string> {
    if (value.is_null()) return value;
    // Jira's user reference: {"name": null} / {"accountId": null} clears the field, and for the
    // assignee "-1" stands for the project's default assignee.
    if (value.is_object()) {
      for (const char* key : {"accountId", "name", "id", "key"}) {
        auto it = value.find(key);
        if (it == value.end()) continue;
        if (it->is_null()) return nlohmann::json(nullptr);
        if (id == "assignee" && it->is_string() && it->get<std::string>() == k_default_assignee) return nlohmann::json(k_default_assignee);
      }
    }
    const auto* u = find_user_by_ref(value);
    if (!u) {
      if (cloud) return std::unexpected("Specified user does not exist or you do not have required permissions");
      const auto name = value.is_object() ? value.find("name") : value.end();
      const bool named = value.is_object() && name != value.end() && name->is_string();
      const bool has_name = value.is_object() && name != value.end();
      return std::unexpected(fmt::format("User '{}' does not exist.", named      ? name->get<std::string>()
                                                                      : has_name ? name->dump()
                                                                                 : value.dump()));
    }
    return stored_user(*u);
  };
  auto versions = [&]() -> std::expected<nlohmann::json, std::string> {
    if (!value.is_array()) return std::unexpected("Operation value must be an array");
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ref : value) {
      const nlohmann::json* found = nullptr;
      for (const auto& v : config_list("versions")) {
        if ((ref.contains("id") && ref["id"] == v["id"]) || (ref.contains("name") && ref["name"] == v["name"]))
          found = &v;
      }
      if (!found) {
        if (ref.contains("id")) return std::unexpected(fmt::format("Version id '{}' is not valid", ref["id"].dump()));
        return std::unexpected(fmt::format("Version name '{}' is not valid", ref.value("name", "")));
      }
      nlohmann::json v = {{"id", found->value("id", "")}, {"name", found->value("name", "")},
                          {"released", found->value("released", false)}, {"archived", found->value("archived", false)}};
      if (found->contains("releaseDate")) v["releaseDate"] = (*found)["releaseDate"];
      out.push_back(v);
    }
    return out;
  };
  auto components = [&]() -> std::expected<nlohmann::json, std::string> {
    if (!value.is_array()) return std::unexpected("Operation value must be an array");
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ref : value) {
      const nlohmann::json* found = nullptr;
      for (const auto& c : config_list("components")) {
        if (ref.is_object() && ((ref.contains("id") && id_text(ref["id"]) == c.value("id", "")) ||
                                (ref.contains("name") && ref["name"] == c["name"])))
          found = &c;
      }
      if (!found) {
        if (ref.is_object() && ref.contains("id")) return std::unexpected(fmt::format("Component id '{}' is not valid", id_text(ref["id"])));
        return std::unexpected(fmt::format("Component name '{}' is not valid", ref.is_object() ? ref.value("name", "") : ref.dump()));
      }
      out.push_back({{"id", found->value("id", "")}, {"name", found->value("name", "")}});
    }
    return out;
  };
  auto labels = [&]() -> std::expected<nlohmann::json, std::string> {
    if (!value.is_array()) return std::unexpected("Operation value must be an array");
    for (const auto& l : value) {
      if (!l.is_string()) return std::unexpected("Operation value must be a string");
      if (l.get<std::string>().find(' ') != std::string::npos)
        return std::unexpected(fmt::format("The label '{}' contains spaces which is invalid.", l.get<std::string>()));
    }
    return value;
  };

  if (id == "summary") {
    if (!value.is_string()) return std::unexpected("Operation value must be a string");
    if (value.get<std::string>().size() > 255) return std::unexpected("Summary must be less than 255 characters.");
    return value;
  }
  if (id == "description" || id == "environment") return rich_text();
  if (id == "labels") return labels();
  if (id == "assignee" || id == "reporter") return user();
  if (id == "fixVersions" || id == "versions") return versions();
  if (id == "components") return components();
  if (id == "duedate") {
    if (value.is_null()) return value;
    if (!value.is_string() || !is_iso_date(value.get<std::string>()))
      return std::unexpected(fmt::format("Error parsing date string: {}", value.is_string() ? value.get<std::string>() : value.dump()));
    return value;
  }
  if (id == "priority") {
    for (const auto& p : config_list("priorities")) {
      if ((value.contains("id") && value["id"] == p["id"]) || (value.contains("name") && value["name"] == p["name"]))
        return nlohmann::json{{"id", p.value("id", "")}, {"name", p.value("name", "")}};
    }
    return std::unexpected("Specify a valid 'id' or 'name' for Priority");
  }
  const auto* field = find_field(id);
  if (!field) return std::unexpected(fmt::format(k_cannot_set, id));
  const std::string type = field->value("type", "textfield");
  if (value.is_null()) return value;
  if (type == "select" || type == "radiobuttons" || type == "multiselect" || type == "multicheckboxes") {
    auto one = [&](const nlohmann::json& ref) -> std::expected<nlohmann::json, std::string> {
      for (const auto& o : field->value("options", nlohmann::json::array())) {
        if ((ref.contains("id") && ref["id"].is_string() && ref["id"] == o["id"]) ||
            (ref.contains("value") && ref["value"] == o["value"]))
          return nlohmann::json{{"value", o.value("value", "")}, {"id", o.value("id", "")}};
      }
      if (ref.contains("id")) return std::unexpected(fmt::format("Option id '{}' is not valid", ref["id"].is_string() ? ref["id"].get<std::string>() : ref["id"].dump()));
      if (ref.contains("value")) return std::unexpected(fmt::format("Option value '{}' is not valid", ref["value"].is_string() ? ref["value"].get<std::string>() : ref["value"].dump()));
      return std::unexpected("Specify a valid 'id' or 'value' for " + field->value("name", id));
    };
    if (type == "select" || type == "radiobuttons") {
      if (!value.is_object()) return std::unexpected("Specify a valid 'id' or 'value' for " + field->value("name", id));
      return one(value);
    }
    if (!value.is_array()) return std::unexpected("Operation value must be an array");
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ref : value) {
      auto o = one(ref);
      if (!o) return o;
      out.push_back(*o);
    }
    return out;
  }
  if (type == "textarea") return rich_text();
  if (type == "textfield" || type == "url") {
    if (!value.is_string()) return std::unexpected("Operation value must be a string");
    if (value.get<std::string>().size() > 255) return std::unexpected(field->value("name", id) + " must be less than 255 characters.");
    return value;
  }
  if (type == "datetime") {
    if (!value.is_string()) return std::unexpected("Operation value must be a string");
    auto tp = parse_iso_time(value.get<std::string>());
    if (!tp) return std::unexpected("Invalid date format. Please enter the date in the format \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\".");
    return format_jira_time(*tp);
  }
  if (type == "datepicker") {
    if (!value.is_string() || !is_iso_date(value.get<std::string>()))
      return std::unexpected(fmt::format("Error parsing date string: {}", value.dump()));
    return value;
  }
  if (type == "float") {
    if (!value.is_number()) return std::unexpected("Operation value must be a number");
    return value;
  }
  if (type == "userpicker") return user();
  if (type == "labels") return labels();
  return value;
}

// ------------------------------------------------------------------------------- changelog

nlohmann::json JiraService::change_item(const std::string& field_id, const nlohmann::json& from,
                                        const nlohmann::json& to) const {
  auto describe = [&](const nlohmann::json& v) -> std::pair<nlohmann::json, nlohmann::json> {
    if (v.is_null()) return {nullptr, nullptr};
    if (v.is_string()) return {nullptr, v};
    if (v.is_number()) return {nullptr, v.dump()};
    if (v.is_array()) {
      std::string ids, names;
      for (const auto& item : v) {
        const std::string name = item.is_string() ? item.get<std::string>() : item.value("name", item.value("value", ""));
        names += (names.empty() ? "" : " ") + name;
        if (item.is_object() && item.contains("id")) ids += (ids.empty() ? "" : ", ") + item.value("id", "");
      }
      return {ids.empty() ? nlohmann::json(nullptr) : nlohmann::json(ids), names};
    }
    if (is_adf_document(v)) return {nullptr, text_from_adf(v)};
    if (v.contains("accountId") || v.contains("emailAddress"))
      return {user_id(v), v.value("displayName", "")};
    return {v.value("id", ""), v.value("name", v.value("value", ""))};
  };
  auto [from_id, from_string] = describe(from);
  auto [to_id, to_string] = describe(to);
  const auto* custom = find_field(field_id);
  nlohmann::json item = {{"field", custom ? custom->value("name", field_id) : field_id},
                         {"fieldtype", custom ? "custom" : "jira"},
                         {"from", from_id}, {"fromString", from_string}, {"to", to_id}, {"toString", to_string}};
  if (m_options.flavor == Flavor::Cloud) item["fieldId"] = field_id;
  return item;
}

void JiraService::record_history(IssueRecord& record, const SbRequest& request, nlohmann::json items) {
  if (!items.is_array() || items.empty()) return;
  record.histories.push_back({{"id", std::to_string(m_next_id++)},
                              {"author", stored_user(request.user)},
                              {"created", format_jira_time(request.now)},
                              {"items", std::move(items)}});
}

void JiraService::mark_written(IssueRecord& record, std::chrono::system_clock::time_point now) {
  record.indexed_at = now;
  if (m_options.index_lag.count() <= 0) return;
  auto& versions = record.recent_versions;
  versions.emplace_back(now, record.issue);
  // Older versions than the newest one the index already shows are never seen again.
  while (versions.size() >= 2 && now - versions[1].first >= m_options.index_lag) versions.erase(versions.begin());
}

void JiraService::catch_up_index() {
  for (auto& [id, record] : m_issues) {
    record.indexed_at = {};  // long before any lag
    record.recent_versions.clear();
  }
  std::lock_guard lock(m_search_cache_mutex);
  m_search_cache.clear();
}

const nlohmann::json* JiraService::indexed_view(const IssueRecord& record, std::chrono::system_clock::time_point now,
                                                std::chrono::system_clock::time_point& next_change) const {
  const auto lag = m_options.index_lag;
  if (lag.count() <= 0 || now - record.indexed_at >= lag) return &record.issue;
  next_change = std::min(next_change, record.indexed_at + lag);
  const auto& versions = record.recent_versions;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (now - it->first >= lag) return &it->second;
    next_change = std::min(next_change, it->first + lag);
  }
  return nullptr;
}

void JiraService::set_status(IssueRecord& record, const std::string& status_id,
                             std::chrono::system_clock::time_point now, nlohmann::json& changes) {
  SbRequest no_links;
  auto& fields = record.issue["fields"];
  const auto old_status = fields["status"];
  auto new_status = status_json(status_id, no_links);
  if (new_status.is_null() || old_status.value("id", "") == new_status.value("id", "")) return;
  changes.push_back(change_item("status", old_status, new_status));
  fields["status"] = new_status;
  const bool was_done = old_status.is_object() && old_status["statusCategory"].value("key", "") == "done";
  const bool is_done = new_status["statusCategory"].value("key", "") == "done";
  if (is_done && !was_done) {
    nlohmann::json resolution = {{"id", "10000"}, {"name", "Done"}, {"description", "Work has been done."}};
    changes.push_back(change_item("resolution", nullptr, resolution));
    fields["resolution"] = resolution;
    fields["resolutiondate"] = format_jira_time(now);
  } else if (!is_done && was_done) {
    changes.push_back(change_item("resolution", fields["resolution"], nullptr));
    fields["resolution"] = nullptr;
    fields["resolutiondate"] = nullptr;
  }
}

// ---------------------------------------------------------------------------------- create

std::expected<std::string, JiraService::Failure> JiraService::create_issue(const nlohmann::json& input,
                                                                          const SbRequest& request,
                                                                          ApiVersion version, CreateMode mode) {
  auto fail = [](nlohmann::json messages, nlohmann::json errors) {
    return std::unexpected(Failure{400, {{"errorMessages", messages}, {"errors", errors}}});
  };
  if (!input.is_object()) return fail({"Issue input must be a JSON object."}, nlohmann::json::object());
  for (const char* part : {"fields", "update"})
    if (input.contains(part) && !input[part].is_object())
      return fail({fmt::format("The issue input's '{}' must be a JSON object.", part)}, nlohmann::json::object());
  const auto fields_in = input.value("fields", nlohmann::json::object());
  const auto update_in = input.value("update", nlohmann::json::object());
  if (!fields_in.is_object() || !update_in.is_object()) return fail({"'fields' and 'update' must be objects."}, nlohmann::json::object());
  nlohmann::json errors = nlohmann::json::object();

  const nlohmann::json* project = nullptr;
  if (!fields_in.contains("project")) errors["project"] = "project is required";
  else {
    const auto& ref = fields_in["project"];
    if (ref.is_object()) project = find_project(ref.value("key", ref.value("id", "")));
    if (!project) errors["project"] = "Specify a valid project ID or key";
  }
  const nlohmann::json* type = nullptr;
  if (!fields_in.contains("issuetype")) errors["issuetype"] = "Specify an issue type";
  else {
    type = find_issuetype(fields_in["issuetype"]);
    if (type && project) {
      const auto allowed = project->value("issueTypes", nlohmann::json::array());
      if (std::find(allowed.begin(), allowed.end(), type->value("id", "")) == allowed.end()) type = nullptr;
    }
    if (!type) errors["issuetype"] = "The issue type selected is invalid.";
  }
  if (!fields_in.contains("summary") || (fields_in["summary"].is_string() && fields_in["summary"].get<std::string>().empty()))
    errors["summary"] = "You must specify a summary of the issue.";

  nlohmann::json values = nlohmann::json::object();
  for (const auto& [id, value] : fields_in.items()) {
    if (!on_screen(id) && !find_field(id)) {
      errors[id] = fmt::format(k_cannot_set, id);
      continue;
    }
    if (update_in.contains(id)) {
      errors[id] = fmt::format("Field '{}' cannot be set in both 'fields' and 'update'.", id);
      continue;
    }
    if (id == "project" || id == "issuetype" || id == "parent") continue;
    if (errors.contains(id)) continue;
    auto normalized = normalize_value(id, value, version);
    if (!normalized) errors[id] = normalized.error();
    else values[id] = *normalized;
  }
  for (const auto& [id, ops] : update_in.items()) {
    if (!on_screen(id) && !find_field(id)) errors[id] = fmt::format(k_cannot_set, id);
    (void)ops;
  }
  if (project && values.contains("assignee") && wants_default_assignee(values["assignee"]))
    values["assignee"] = default_assignee(project->value("id", ""));

  IssueRecord* parent = nullptr;
  if (type && type->value("subtask", false)) {
    if (!fields_in.contains("parent") || !fields_in["parent"].is_object())
      errors["parent"] = "Issue type is a sub-task but parent issue key or id not specified.";
    else {
      const auto& ref = fields_in["parent"];
      parent = find_issue(ref.value("key", ref.value("id", "")));
      if (!parent) errors["parent"] = "Could not find issue by id or key.";
      else if (project && parent->issue["fields"]["project"].value("id", "") != project->value("id", ""))
        return fail({"Sub-tasks must be created in the same project as the parent."}, errors);
      else if (parent->issue["fields"]["issuetype"].value("subtask", false))
        errors["parent"] = "A sub-task cannot be the parent of a sub-task.";
    }
  } else if (type && fields_in.contains("parent")) {
    errors["parent"] = "Given parent issue does not belong to appropriate hierarchy.";
  }
  if (!errors.empty()) return fail(nlohmann::json::array(), errors);

  // Seed data may carry its own status and dates.
  auto seed_time = [&](const char* name) -> std::optional<std::string> {
    if (mode != CreateMode::Seed || !input.contains(name) || !input[name].is_string()) return std::nullopt;
    auto tp = parse_iso_time(input[name].get<std::string>());
    if (!tp) return std::nullopt;
    return format_jira_time(*tp);
  };
  const std::string project_key = project->value("key", "");
  long long number = ++m_next_number[project_key];
  std::string key = fmt::format("{}-{}", project_key, number);
  if (mode == CreateMode::Seed && input.contains("key") && input["key"].is_string() && !m_ids_by_key.contains(input["key"])) {
    key = input["key"].get<std::string>();
    auto dash = key.rfind('-');
    if (dash != std::string::npos) {
      try {
        m_next_number[project_key] = std::max(m_next_number[project_key], std::stoll(key.substr(dash + 1)));
      } catch (const std::exception&) {
      }
    }
  }
  const long long id = m_next_id++;
  const std::string now = seed_time("created").value_or(format_jira_time(request.now));

  SbRequest no_links;
  const auto& workflow = m_config["workflows"][type->value("workflow", "")];
  nlohmann::json fields = {
      {"project", {{"id", project->value("id", "")}, {"key", project_key}, {"name", project->value("name", "")},
                   {"projectTypeKey", "software"}}},
      {"issuetype", {{"id", type->value("id", "")}, {"name", type->value("name", "")},
                     {"subtask", type->value("subtask", false)}, {"description", type->value("description", "")},
                     {"hierarchyLevel", type->value("hierarchyLevel", 0)}}},
      {"status", status_json(workflow.value("initial", ""), no_links)},
      {"summary", ""},
      {"description", nullptr},
      {"labels", nlohmann::json::array()},
      {"assignee", nullptr},
      {"reporter", stored_user(request.user)},
      {"creator", stored_user(request.user)},
      {"priority", nullptr},
      {"created", now},
      {"updated", seed_time("updated").value_or(now)},
      {"resolution", nullptr},
      {"resolutiondate", nullptr},
      {"duedate", nullptr},
      {"fixVersions", nlohmann::json::array()},
      {"versions", nlohmann::json::array()},
      {"components", nlohmann::json::array()},
      {"comment", {{"comments", nlohmann::json::array()}}}};
  for (const auto& p : config_list("priorities"))
    if (p.value("id", "") == m_config.value("defaultPriority", "3")) fields["priority"] = {{"id", p["id"]}, {"name", p["name"]}};
  for (const auto& [fid, value] : values.items()) fields[fid] = value;
  if (parent) fields["parent"] = {{"id", parent->issue.value("id", "")}, {"key", parent->issue.value("key", "")}};

  IssueRecord record;
  record.issue = {{"id", std::to_string(id)}, {"key", key}, {"fields", std::move(fields)}};
  for (const auto& prop : input.value("properties", nlohmann::json::array()))
    if (prop.is_object() && prop.contains("key")) record.properties[prop.value("key", "")] = prop.value("value", nlohmann::json());
  if (!request.user.is_null()) record.watchers.push_back(request.user.value("name", ""));

  m_ids_by_key[key] = id;
  if (parent) m_children[std::stoll(parent->issue.value("id", "0"))].push_back(id);
  auto& stored = m_issues.emplace(id, std::move(record)).first->second;

  nlohmann::json changes = nlohmann::json::array();
  if (!update_in.empty()) (void)apply_edit(stored, {{"update", update_in}}, request, version, changes);
  if (mode == CreateMode::Seed) {
    if (input.contains("status") && input["status"].is_string()) {
      nlohmann::json ignored = nlohmann::json::array();
      SbRequest at = request;
      if (auto tp = parse_iso_time(stored.issue["fields"].value("updated", ""))) at.now = *tp;
      set_status(stored, input["status"].get<std::string>(), at.now, ignored);
    }
    if (auto resolved = seed_time("resolutiondate")) stored.issue["fields"]["resolutiondate"] = *resolved;
    stored.issue["fields"]["updated"] = seed_time("updated").value_or(now);
    for (const auto& c : input.value("comments", nlohmann::json::array())) {
      const auto* author = find_user_by_ref(c.value("author", nlohmann::json()));
      std::string when = now;
      if (auto tp = parse_iso_time(c.value("created", "")); tp) when = format_jira_time(*tp);
      stored.issue["fields"]["comment"]["comments"].push_back(
          {{"id", std::to_string(m_next_id++)}, {"author", author ? stored_user(*author) : nlohmann::json(nullptr)},
           {"body", c.value("body", nlohmann::json(""))}, {"created", when}, {"updated", when}});
    }
  } else if (input.contains("transition") && input["transition"].is_object()) {
    const std::string tid = input["transition"].value("id", "");
    for (const auto& t : workflow.value("transitions", nlohmann::json::array())) {
      const auto from = t.value("from", nlohmann::json::array());
      if (t.value("id", "") == tid &&
          std::find(from.begin(), from.end(), stored.issue["fields"]["status"].value("id", "")) != from.end())
        set_status(stored, t.value("to", ""), request.now, changes);
    }
    record_history(stored, request, changes);
  }
  mark_written(stored, request.now);
  return std::to_string(id);
}

SbResponse JiraService::create_issue_call(const Call& call) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  auto created = create_issue(*body, call.request, call.version, CreateMode::Rest);
  if (!created) return SbResponse::json(created.error().status, created.error().body);
  const auto& issue = m_issues.at(std::stoll(*created)).issue;
  return SbResponse::json(201, {{"id", *created}, {"key", issue["key"]},
                                {"self", api_root(call.request, call.version) + "/issue/" + *created}});
}

SbResponse JiraService::bulk_create_call(const Call& call) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || !(*body)["issueUpdates"].is_array() || (*body)["issueUpdates"].empty())
    return jira_error(400, {"Issue updates must not be empty."});
  const auto& updates = (*body)["issueUpdates"];
  if (updates.size() > k_max_bulk)
    return jira_error(400, {fmt::format("You can create up to {} issues in one request.", k_max_bulk)});
  nlohmann::json issues = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (std::size_t i = 0; i < updates.size(); ++i) {
    auto created = create_issue(updates[i], call.request, call.version, CreateMode::Rest);
    if (created) {
      const auto& issue = m_issues.at(std::stoll(*created)).issue;
      issues.push_back({{"id", *created}, {"key", issue["key"]},
                        {"self", api_root(call.request, call.version) + "/issue/" + *created}});
    } else {
      errors.push_back({{"status", created.error().status}, {"failedElementNumber", i},
                        {"elementErrors", created.error().body}});
    }
  }
  return SbResponse::json(issues.empty() ? 400 : 201, {{"issues", issues}, {"errors", errors}});
}

// ------------------------------------------------------------------------------- rendering

nlohmann::json JiraService::render_body(const nlohmann::json& stored, ApiVersion version) const {
  if (stored.is_null()) return stored;
  if (m_options.flavor == Flavor::Cloud && version == ApiVersion::V3)
    return stored.is_string() ? adf_from_text(stored.get<std::string>()) : stored;
  return is_adf_document(stored) ? nlohmann::json(text_from_adf(stored)) : stored;
}

nlohmann::json JiraService::render_comment(const nlohmann::json& comment, const std::string& issue_id,
                                           const SbRequest& request, ApiVersion version) const {
  return {{"self", fmt::format("{}/issue/{}/comment/{}", api_root(request, version), issue_id, comment.value("id", ""))},
          {"id", comment.value("id", "")},
          {"author", user_json(comment.value("author", nlohmann::json()), request)},
          {"updateAuthor", user_json(comment.value("author", nlohmann::json()), request)},
          {"body", render_body(comment.value("body", nlohmann::json()), version)},
          {"created", comment.value("created", "")},
          {"updated", comment.value("updated", comment.value("created", ""))}};
}

nlohmann::json JiraService::render_history(const nlohmann::json& history, const SbRequest& request) const {
  nlohmann::json out = history;
  out["author"] = user_json(history.value("author", nlohmann::json()), request);
  return out;
}

std::vector<std::string> JiraService::rendered_issues(const std::vector<const IssueRecord*>& records,
                                                      const SbRequest& request, ApiVersion version,
                                                      const std::optional<std::vector<std::string>>& fields,
                                                      const std::vector<std::string>& expand,
                                                      const std::vector<std::string>& properties) const {
  // Everything render_issue reads besides the stored data: the caller (watches, transitions)
  // and the base URL (links).
  const std::string caller = request.user.is_object() ? request.user.value("name", "") : "";
  const std::string shape =
      fmt::format("{}|{}|{}|{}|{}|{}", static_cast<int>(version), request.base_url, caller,
                  fields ? fmt::format("{}", fmt::join(*fields, ",")) : std::string("(default)"),
                  fmt::join(expand, ","), fmt::join(properties, ","));
  std::vector<std::string> texts(records.size());
  std::vector<std::size_t> missing;
  {
    std::lock_guard lock(m_render_cache_mutex);
    if (m_render_cache.version != m_version) m_render_cache = RenderCache{m_version, 0, {}};
    const auto kept = m_render_cache.by_shape.find(shape);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto* id = records[i]->issue["id"].get_ptr<const std::string*>();
      if (kept != m_render_cache.by_shape.end() && id) {
        if (const auto hit = kept->second.find(*id); hit != kept->second.end()) {
          texts[i] = hit->second;
          continue;
        }
      }
      missing.push_back(i);
    }
  }
  for (const std::size_t i : missing) {
    texts[i] = render_issue(*records[i], request, version, fields, expand, properties)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (missing.empty()) return texts;
  std::lock_guard lock(m_render_cache_mutex);
  if (m_render_cache.version != m_version) return texts;  // cannot happen under the shared lock
  if (m_render_cache.bytes > k_render_cache_bytes) m_render_cache = RenderCache{m_version, 0, {}};
  auto& kept = m_render_cache.by_shape[shape];
  for (const std::size_t i : missing) {
    const auto* id = records[i]->issue["id"].get_ptr<const std::string*>();
    if (id && kept.emplace(*id, texts[i]).second) m_render_cache.bytes += texts[i].size();
  }
  return texts;
}

nlohmann::json JiraService::render_issue(const IssueRecord& record, const SbRequest& request, ApiVersion version,
                                         const std::optional<std::vector<std::string>>& wanted_fields,
                                         const std::vector<std::string>& expand,
                                         const std::vector<std::string>& properties) const {
  const std::string root = api_root(request, version);
  const std::string id = record.issue.value("id", "");
  nlohmann::json out = {{"expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"},
                        {"id", id}, {"self", root + "/issue/" + id}, {"key", record.issue.value("key", "")}};
  bool all = !wanted_fields.has_value();
  std::set<std::string> include, exclude;
  if (wanted_fields) {
    for (const auto& f : *wanted_fields) {
      if (f == "*all" || f == "*navigable") all = true;
      else if (f.starts_with("-")) exclude.insert(f.substr(1));
      else include.insert(f);
    }
  }
  auto wanted = [&](const std::string& f) { return !exclude.contains(f) && (all || include.contains(f)); };
  const auto& stored = record.issue["fields"];
  nlohmann::json fields = nlohmann::json::object();
  SbRequest none;
  for (const auto& [fid, value] : stored.items()) {
    if (!wanted(fid)) continue;
    if (fid == "assignee" || fid == "reporter" || fid == "creator") fields[fid] = user_json(value, request);
    else if (fid == "description" || fid == "environment") fields[fid] = render_body(value, version);
    else if (fid == "status") fields[fid] = status_json(value.value("id", ""), request);
    else if (fid == "comment") {
      nlohmann::json comments = nlohmann::json::array();
      for (const auto& c : value["comments"]) comments.push_back(render_comment(c, id, request, version));
      fields[fid] = {{"comments", comments}, {"maxResults", comments.size()}, {"total", comments.size()},
                     {"startAt", 0}, {"self", root + "/issue/" + id + "/comment"}};
    } else if (fid == "project") {
      fields[fid] = value;
      fields[fid]["self"] = fmt::format("{}/project/{}", root, value.value("id", ""));
    } else if (fid == "parent") {
      auto it = m_issues.find(std::stoll(value.value("id", "0")));
      nlohmann::json parent = {{"id", value.value("id", "")}, {"key", value.value("key", "")},
                               {"self", root + "/issue/" + value.value("id", "")}};
      if (it != m_issues.end()) {
        const auto& pf = it->second.issue["fields"];
        parent["fields"] = {{"summary", pf["summary"]}, {"status", status_json(pf["status"].value("id", ""), request)},
                            {"priority", pf["priority"]}, {"issuetype", pf["issuetype"]}};
      }
      fields[fid] = parent;
    } else if (const auto* custom = find_field(fid)) {
      const std::string type = custom->value("type", "");
      if (type == "textarea") fields[fid] = render_body(value, version);
      else if (type == "userpicker") fields[fid] = user_json(value, request);
      else fields[fid] = value;
    } else {
      fields[fid] = value;
    }
  }
  for (const auto& f : config_list("fields")) {
    const auto fid = f.find("id");
    if (fid == f.end() || !fid->is_string()) continue;
    const auto& name = fid->get_ref<const std::string&>();
    if (wanted(name) && !fields.contains(name)) fields[name] = nullptr;
  }
  if (wanted("subtasks")) {
    nlohmann::json subtasks = nlohmann::json::array();
    if (auto it = m_children.find(std::stoll(id)); it != m_children.end()) {
      for (long long child_id : it->second) {
        auto child = m_issues.find(child_id);
        if (child == m_issues.end()) continue;
        const auto& cf = child->second.issue["fields"];
        subtasks.push_back({{"id", child->second.issue["id"]}, {"key", child->second.issue["key"]},
                            {"self", root + "/issue/" + child->second.issue.value("id", "")},
                            {"fields", {{"summary", cf["summary"]},
                                        {"status", status_json(cf["status"].value("id", ""), request)},
                                        {"priority", cf["priority"]}, {"issuetype", cf["issuetype"]}}}});
      }
    }
    fields["subtasks"] = subtasks;
  }
  if (wanted("issuelinks")) {
    nlohmann::json links = nlohmann::json::array();
    for (const auto& link : m_links) {
      const bool inward_side = link.value("inward", "") == id;
      const bool outward_side = link.value("outward", "") == id;
      if (!inward_side && !outward_side) continue;
      const std::string other_id = inward_side ? link.value("outward", "") : link.value("inward", "");
      auto other = m_issues.find(std::stoll(other_id));
      if (other == m_issues.end()) continue;
      const auto& of = other->second.issue["fields"];
      nlohmann::json other_json = {{"id", other_id}, {"key", other->second.issue["key"]},
                                   {"self", root + "/issue/" + other_id},
                                   {"fields", {{"summary", of["summary"]},
                                               {"status", status_json(of["status"].value("id", ""), request)},
                                               {"issuetype", of["issuetype"]}}}};
      nlohmann::json entry = {{"id", link.value("id", "")}, {"self", root + "/issueLink/" + link.value("id", "")},
                              {"type", link["type"]}};
      // Outward issue <outward verb> inward issue: the inward issue sees the other as inwardIssue.
      entry[inward_side ? "inwardIssue" : "outwardIssue"] = other_json;
      links.push_back(entry);
    }
    fields["issuelinks"] = links;
  }
  if (wanted("watches")) {
    const std::string me = request.user.is_object() ? request.user.value("name", "") : "";
    fields["watches"] = {{"self", root + "/issue/" + record.issue.value("key", "") + "/watchers"},
                         {"watchCount", record.watchers.size()},
                         {"isWatching", std::find(record.watchers.begin(), record.watchers.end(), me) != record.watchers.end()}};
  }
  out["fields"] = fields;
  auto has = [&](const char* e) { return std::find(expand.begin(), expand.end(), e) != expand.end(); };
  if (has("changelog")) {
    nlohmann::json histories = nlohmann::json::array();
    for (const auto& h : record.histories) histories.push_back(render_history(h, request));
    if (m_options.flavor == Flavor::Cloud) {
      // Cloud gives the most recent entries first, at most 100.
      std::reverse(histories.begin(), histories.end());
      if (histories.size() > 100) histories.erase(histories.begin() + 100, histories.end());
    }
    out["changelog"] = {{"startAt", 0}, {"maxResults", histories.size()}, {"total", record.histories.size()},
                        {"histories", histories}};
  }
  if (has("names")) {
    nlohmann::json names = nlohmann::json::object();
    for (const auto& f : field_list())
      if (fields.contains(f.value("id", ""))) names[f.value("id", "")] = f["name"];
    out["names"] = names;
  }
  if (has("transitions")) out["transitions"] = available_transitions(record, request);
  if (!properties.empty()) {
    nlohmann::json props = nlohmann::json::object();
    for (const auto& key : properties)
      if (record.properties.contains(key)) props[key] = record.properties[key];
    out["properties"] = props;
  }
  return out;
}

SbResponse JiraService::get_issue_call(const Call& call, IssueRecord& record) {
  if (call.request.method != "GET") return jira_error(405, {"Method not allowed."});
  auto fields = list_param(call.request, "fields");
  std::optional<std::vector<std::string>> wanted;
  if (!fields.empty()) wanted = fields;
  return SbResponse::json(200, render_issue(record, call.request, call.version, wanted,
                                            list_param(call.request, "expand"), list_param(call.request, "properties")));
}

// ------------------------------------------------------------------------------------ edit

std::expected<void, JiraService::Failure> JiraService::apply_edit(IssueRecord& record, const nlohmann::json& input,
                                                                  const SbRequest& request, ApiVersion version,
                                                                  nlohmann::json& changes) {
  auto fail = [](nlohmann::json messages, nlohmann::json errors) {
    return std::unexpected(Failure{400, {{"errorMessages", messages}, {"errors", errors}}});
  };
  if (!input.is_object()) return fail({"Issue input must be a JSON object."}, nlohmann::json::object());
  for (const char* part : {"fields", "update"})
    if (input.contains(part) && !input[part].is_object())
      return fail({fmt::format("The issue input's '{}' must be a JSON object.", part)}, nlohmann::json::object());
  const auto fields_in = input.value("fields", nlohmann::json::object());
  const auto update_in = input.value("update", nlohmann::json::object());
  auto& fields = record.issue["fields"];
  const bool subtask = fields["issuetype"].value("subtask", false);
  nlohmann::json errors = nlohmann::json::object();
  nlohmann::json new_values = nlohmann::json::object();
  nlohmann::json new_comments = nlohmann::json::array();
  auto editable = [&](const std::string& id) {
    return (on_screen(id) && id != "project" && id != "issuetype" && id != "parent") || find_field(id);
  };
  for (const auto& [id, value] : fields_in.items()) {
    if (!editable(id)) {
      errors[id] = fmt::format(k_cannot_set, id);
      continue;
    }
    if (update_in.contains(id)) {
      errors[id] = fmt::format("Field '{}' cannot be set in both 'fields' and 'update'.", id);
      continue;
    }
    if (id == "summary" && value.is_string() && value.get<std::string>().empty()) {
      errors[id] = "You must specify a summary of the issue.";
      continue;
    }
    auto normalized = normalize_value(id, value, version);
    if (!normalized) errors[id] = normalized.error();
    else new_values[id] = *normalized;
  }
  for (const auto& [id, ops] : update_in.items()) {
    if (id == "comment") {
      for (const auto& op : ops) {
        if (!op.contains("add")) continue;
        auto body = normalize_value("description", op["add"].value("body", nlohmann::json()), version);
        if (!body || body->is_null()) errors["comment"] = body ? "Comment body can not be empty!" : body.error();
        else new_comments.push_back(*body);
      }
      continue;
    }
    if (!editable(id)) {
      errors[id] = fmt::format(k_cannot_set, id);
      continue;
    }
    if (!ops.is_array()) {
      errors[id] = "Operation must be an array of operations.";
      continue;
    }
    nlohmann::json current = new_values.contains(id) ? new_values[id] : fields.value(id, nlohmann::json());
    const bool list = id == "labels" || id == "fixVersions" || id == "versions" || id == "components";
    for (const auto& op : ops) {
      if (!op.is_object() || op.empty()) continue;
      const std::string verb = op.begin().key();
      const auto& arg = op.begin().value();
      if (verb == "set") {
        auto normalized = normalize_value(id, arg, version);
        if (!normalized) errors[id] = normalized.error();
        else current = *normalized;
      } else if (list && (verb == "add" || verb == "remove")) {
        auto normalized = normalize_value(id, nlohmann::json::array({arg}), version);
        if (!normalized) {
          errors[id] = normalized.error();
          continue;
        }
        if (!current.is_array()) current = nlohmann::json::array();
        const auto& item = (*normalized)[0];
        auto same = [&](const nlohmann::json& x) { return x == item; };
        auto it = std::find_if(current.begin(), current.end(), same);
        if (verb == "add" && it == current.end()) current.push_back(item);
        if (verb == "remove" && it != current.end()) current.erase(it);
      } else {
        errors[id] = fmt::format("Operation '{}' is not supported for field '{}'.", verb, id);
      }
    }
    new_values[id] = current;
  }
  (void)subtask;
  if (new_values.contains("assignee") && wants_default_assignee(new_values["assignee"]))
    new_values["assignee"] = default_assignee(fields["project"].value("id", ""));
  if (!errors.empty()) return fail(nlohmann::json::array(), errors);
  for (const auto& [id, value] : new_values.items()) {
    const auto old = fields.value(id, nlohmann::json());
    if (old == value) continue;
    changes.push_back(change_item(id, old, value));
    fields[id] = value;
  }
  for (const auto& body : new_comments) {
    const std::string now = format_jira_time(request.now);
    fields["comment"]["comments"].push_back({{"id", std::to_string(m_next_id++)}, {"author", stored_user(request.user)},
                                             {"body", body}, {"created", now}, {"updated", now}});
  }
  if (!changes.empty() || !new_comments.empty()) {
    fields["updated"] = format_jira_time(request.now);
    mark_written(record, request.now);
  }
  return {};
}

SbResponse JiraService::edit_issue_call(const Call& call, IssueRecord& record) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  nlohmann::json changes = nlohmann::json::array();
  auto applied = apply_edit(record, *body, call.request, call.version, changes);
  if (!applied) return SbResponse::json(applied.error().status, applied.error().body);
  record_history(record, call.request, changes);
  if (call.request.param("returnIssue") == "true")
    return SbResponse::json(200, render_issue(record, call.request, call.version, std::nullopt, {}, {}));
  return SbResponse::no_content();
}

SbResponse JiraService::delete_issue_call(const Call& call, IssueRecord& record) {
  const long long id = std::stoll(record.issue.value("id", "0"));
  std::vector<long long> doomed = {id};
  if (auto it = m_children.find(id); it != m_children.end() && !it->second.empty()) {
    if (call.request.param("deleteSubtasks") != "true")
      return jira_error(400, {"The issue has subtasks. To delete the issue, the subtasks must be deleted too: use deleteSubtasks=true."});
    doomed.insert(doomed.end(), it->second.begin(), it->second.end());
  }
  for (long long d : doomed) {
    auto it = m_issues.find(d);
    if (it == m_issues.end()) continue;
    const auto& f = it->second.issue["fields"];
    if (f.contains("parent") && f["parent"].is_object()) {
      auto& siblings = m_children[std::stoll(f["parent"].value("id", "0"))];
      siblings.erase(std::remove(siblings.begin(), siblings.end(), d), siblings.end());
    }
    m_ids_by_key.erase(it->second.issue.value("key", ""));
    const std::string sid = std::to_string(d);
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& link : m_links)
      if (link.value("inward", "") != sid && link.value("outward", "") != sid) kept.push_back(link);
    m_links = kept;
    m_children.erase(d);
    m_issues.erase(it);
  }
  return SbResponse::no_content();
}

// ----------------------------------------------------------------------------- transitions

nlohmann::json JiraService::available_transitions(const IssueRecord& record, const SbRequest& request) const {
  const auto& fields = record.issue["fields"];
  const std::string current = fields["status"].value("id", "");
  const auto* type = find_issuetype(fields["issuetype"]);
  nlohmann::json out = nlohmann::json::array();
  if (!type) return out;
  auto workflows = m_config.find("workflows");
  if (workflows == m_config.end() || !workflows->is_object()) return out;
  auto wf = workflows->find(type->value("workflow", ""));
  if (wf == workflows->end()) return out;
  for (const auto& t : wf->value("transitions", nlohmann::json::array())) {
    const auto from = t.value("from", nlohmann::json::array());
    if (std::find(from.begin(), from.end(), current) == from.end()) continue;
    out.push_back({{"id", t.value("id", "")}, {"name", t.value("name", "")},
                   {"to", status_json(t.value("to", ""), request)}, {"hasScreen", false}, {"isGlobal", false},
                   {"isInitial", false}, {"isAvailable", true}, {"isConditional", false}, {"isLooped", false}});
  }
  return out;
}

SbResponse JiraService::transitions_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  if (call.segments.size() != 3) return jira_error(404, {"Not found."});
  if (r.method == "GET") {
    auto transitions = available_transitions(record, r);
    if (auto only = r.param("transitionId")) {
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& t : transitions)
        if (t.value("id", "") == *only) kept.push_back(t);
      transitions = kept;
    }
    if (r.param("expand").value_or("").find("transitions.fields") != std::string::npos)
      for (auto& t : transitions) t["fields"] = nlohmann::json::object();
    return SbResponse::json(200, {{"expand", "transitions"}, {"transitions", transitions}});
  }
  if (r.method != "POST") return jira_error(405, {"Method not allowed."});
  auto body = parse_body(r);
  if (!body) return body.error();
  if (!body->is_object() || !(*body)["transition"].is_object())
    return jira_error(400, {"Missing 'transition' identifier"});
  const auto& tref = (*body)["transition"];
  const std::string tid = tref.contains("id") ? (tref["id"].is_string() ? tref["id"].get<std::string>() : tref["id"].dump()) : "";
  nlohmann::json chosen;
  for (const auto& t : available_transitions(record, r))
    if (t.value("id", "") == tid || (tid.empty() && t.value("name", "") == tref.value("name", "~"))) chosen = t;
  if (chosen.is_null())
    return jira_error(400, {fmt::format("Transition id '{}' is not valid for this issue.", tid.empty() ? tref.dump() : tid)});
  nlohmann::json edit = nlohmann::json::object();
  if (body->contains("fields")) {
    edit["fields"] = (*body)["fields"];
    edit["fields"].erase("resolution");  // set by the workflow when the target status is Done
  }
  if (body->contains("update")) edit["update"] = (*body)["update"];
  nlohmann::json changes = nlohmann::json::array();
  auto applied = apply_edit(record, edit, r, call.version, changes);
  if (!applied) return SbResponse::json(applied.error().status, applied.error().body);
  set_status(record, chosen["to"].value("id", ""), r.now, changes);
  record.issue["fields"]["updated"] = format_jira_time(r.now);
  mark_written(record, r.now);
  record_history(record, r, changes);
  return SbResponse::no_content();
}

// -------------------------------------------------------------------------------- comments

SbResponse JiraService::comments_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  const auto& s = call.segments;
  const std::string issue_id = std::as_const(record.issue).value("id", "");
  if (r.method == "GET") {
    // Reads run concurrently: const access only (a non-const operator[] inserts what is missing).
    static const nlohmann::json::json_pointer k_comments("/fields/comment/comments");
    const nlohmann::json& issue = record.issue;
    const nlohmann::json& listed = issue.contains(k_comments) ? issue.at(k_comments) : m_empty_list;
    if (s.size() == 3) {
      const long long start = std::stoll(r.param("startAt").value_or("0"));
      const long long max = std::stoll(r.param("maxResults").value_or("5000"));
      nlohmann::json page = nlohmann::json::array();
      for (long long i = start; i < static_cast<long long>(listed.size()) && i < start + max; ++i)
        page.push_back(render_comment(listed[static_cast<std::size_t>(i)], issue_id, r, call.version));
      return SbResponse::json(200, {{"startAt", start}, {"maxResults", max}, {"total", listed.size()}, {"comments", page}});
    }
    if (s.size() == 4) {
      for (const auto& c : listed)
        if (c.value("id", "") == s[3]) return SbResponse::json(200, render_comment(c, issue_id, r, call.version));
      return jira_error(404, {"Can not find a comment for the id: " + s[3] + "."});
    }
    return jira_error(405, {"Method not allowed."});
  }
  auto& comments = record.issue["fields"]["comment"]["comments"];
  if (s.size() == 3 && r.method == "POST") {
    auto body = parse_body(r);
    if (!body) return body.error();
    if (!body->is_object()) return jira_error(400, {"Comment must be a JSON object."});
    auto text = normalize_value("description", body->value("body", nlohmann::json()), call.version);
    if (!text) return jira_error(400, {}, {{"comment", text.error()}});
    if (text->is_null() || (text->is_string() && text->get<std::string>().empty()))
      return jira_error(400, {}, {{"comment", "Comment body can not be empty!"}});
    const std::string now = format_jira_time(r.now);
    nlohmann::json comment = {{"id", std::to_string(m_next_id++)}, {"author", stored_user(r.user)},
                              {"body", *text}, {"created", now}, {"updated", now}};
    comments.push_back(comment);
    record.issue["fields"]["updated"] = now;
    mark_written(record, r.now);
    return SbResponse::json(201, render_comment(comment, issue_id, r, call.version));
  }
  if (s.size() == 4) {
    auto it = std::find_if(comments.begin(), comments.end(), [&](const nlohmann::json& c) { return c.value("id", "") == s[3]; });
    if (it == comments.end()) return jira_error(404, {"Can not find a comment for the id: " + s[3] + "."});
    if (r.method == "DELETE") {
      comments.erase(it);
      return SbResponse::no_content();
    }
    if (r.method == "PUT") {
      auto body = parse_body(r);
      if (!body) return body.error();
      auto text = normalize_value("description", body->value("body", nlohmann::json()), call.version);
      if (!text || text->is_null()) return jira_error(400, {}, {{"comment", text ? "Comment body can not be empty!" : text.error()}});
      (*it)["body"] = *text;
      (*it)["updated"] = format_jira_time(r.now);
      mark_written(record, r.now);
      return SbResponse::json(200, render_comment(*it, issue_id, r, call.version));
    }
  }
  return jira_error(405, {"Method not allowed."});
}

// -------------------------------------------------------------------------------- watchers

SbResponse JiraService::watchers_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  const bool cloud = m_options.flavor == Flavor::Cloud;
  if (r.method == "GET") {
    nlohmann::json watchers = nlohmann::json::array();
    for (const auto& name : record.watchers)
      if (const auto* u = find_user_by_ref({{"name", name}})) watchers.push_back(user_json(*u, r));
    const std::string me = r.user.is_object() ? r.user.value("name", "") : "";
    return SbResponse::json(200, {{"self", fmt::format("{}/issue/{}/watchers", api_root(r, call.version), record.issue.value("key", ""))},
                                  {"isWatching", std::find(record.watchers.begin(), record.watchers.end(), me) != record.watchers.end()},
                                  {"watchCount", record.watchers.size()}, {"watchers", watchers}});
  }
  std::string who;
  if (r.method == "POST") {
    if (!cloud && r.param("userName")) who = *r.param("userName");
    else if (!r.body.empty()) {
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (body.is_discarded() || !body.is_string())
        return jira_error(400, {"The request body must be a JSON string: the user's " + std::string(cloud ? "account id." : "name.")});
      who = body.get<std::string>();
    } else if (r.user.is_object()) {
      who = user_id(r.user);
    }
  } else if (r.method == "DELETE") {
    who = r.param(cloud ? "accountId" : "username").value_or("");
    if (who.empty()) return jira_error(400, {cloud ? "The accountId query parameter is required." : "The username query parameter is required."});
  } else {
    return jira_error(405, {"Method not allowed."});
  }
  const auto* user = find_user_by_id(who);
  if (!user) return jira_error(404, {fmt::format("The user \"{}\" does not exist.", who)});
  const std::string name = user->value("name", "");
  auto it = std::find(record.watchers.begin(), record.watchers.end(), name);
  if (r.method == "POST" && it == record.watchers.end()) record.watchers.push_back(name);
  if (r.method == "DELETE" && it != record.watchers.end()) record.watchers.erase(it);
  return SbResponse::no_content();
}

// ---------------------------------------------------------------------------- remote links

SbResponse JiraService::remote_links_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  const auto& s = call.segments;
  const std::string base = fmt::format("{}/issue/{}/remotelink", api_root(r, call.version), record.issue.value("key", ""));
  auto rendered = [&](nlohmann::json link) {
    link["self"] = fmt::format("{}/{}", base, link.value("id", 0LL));
    return link;
  };
  auto by_id = [&](const std::string& id) {
    return std::find_if(record.remote_links.begin(), record.remote_links.end(),
                        [&](const nlohmann::json& l) { return std::to_string(l.value("id", 0LL)) == id; });
  };
  auto by_global = [&](const std::string& gid) {
    return std::find_if(record.remote_links.begin(), record.remote_links.end(),
                        [&](const nlohmann::json& l) { return l.value("globalId", "") == gid; });
  };
  auto validate = [&](const nlohmann::json& body) -> std::optional<SbResponse> {
    if (!body.is_object() || !body["object"].is_object()) return jira_error(400, {}, {{"object", "'object' is required."}});
    if (!body["object"].contains("url") || !body["object"]["url"].is_string()) return jira_error(400, {}, {{"url", "'url' is required."}});
    if (!body["object"].contains("title") || !body["object"]["title"].is_string()) return jira_error(400, {}, {{"title", "'title' is required."}});
    return std::nullopt;
  };
  auto stored = [&](const nlohmann::json& body, long long id) {
    nlohmann::json link = {{"id", id}, {"object", body["object"]}};
    for (const char* key : {"globalId", "application", "relationship"})
      if (body.contains(key)) link[key] = body[key];
    return link;
  };
  if (s.size() == 3) {
    if (r.method == "GET") {
      if (auto gid = r.param("globalId")) {
        auto it = by_global(*gid);
        if (it == record.remote_links.end()) return jira_error(404, {"No remote link with the given globalId was found."});
        return SbResponse::json(200, rendered(*it));
      }
      nlohmann::json out = nlohmann::json::array();
      for (const auto& l : record.remote_links) out.push_back(rendered(l));
      return SbResponse::json(200, out);
    }
    if (r.method == "POST") {
      auto body = parse_body(r);
      if (!body) return body.error();
      if (auto bad = validate(*body)) return *bad;
      auto it = body->contains("globalId") ? by_global(body->value("globalId", "")) : record.remote_links.end();
      if (it != record.remote_links.end()) {
        const long long id = it->value("id", 0LL);
        *it = stored(*body, id);
        return SbResponse::json(200, {{"id", id}, {"self", fmt::format("{}/{}", base, id)}});
      }
      const long long id = m_next_id++;
      record.remote_links.push_back(stored(*body, id));
      return SbResponse::json(201, {{"id", id}, {"self", fmt::format("{}/{}", base, id)}});
    }
    if (r.method == "DELETE") {
      auto gid = r.param("globalId");
      if (!gid) return jira_error(400, {"The globalId query parameter is required."});
      auto it = by_global(*gid);
      if (it == record.remote_links.end()) return jira_error(404, {"No remote link with the given globalId was found."});
      record.remote_links.erase(it);
      return SbResponse::no_content();
    }
  }
  if (s.size() == 4) {
    auto it = by_id(s[3]);
    if (it == record.remote_links.end()) return jira_error(404, {"No remote link with the given id was found."});
    if (r.method == "GET") return SbResponse::json(200, rendered(*it));
    if (r.method == "DELETE") {
      record.remote_links.erase(it);
      return SbResponse::no_content();
    }
    if (r.method == "PUT") {
      auto body = parse_body(r);
      if (!body) return body.error();
      if (auto bad = validate(*body)) return *bad;
      *it = stored(*body, it->value("id", 0LL));
      return SbResponse::no_content();
    }
  }
  return jira_error(405, {"Method not allowed."});
}

// ------------------------------------------------------------------------ entity properties

SbResponse JiraService::properties_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  const auto& s = call.segments;
  const std::string base = fmt::format("{}/issue/{}/properties", api_root(r, call.version), record.issue.value("key", ""));
  if (s.size() == 3 && r.method == "GET") {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& [key, value] : record.properties.items()) keys.push_back({{"self", base + "/" + key}, {"key", key}});
    return SbResponse::json(200, {{"keys", keys}});
  }
  if (s.size() != 4) return jira_error(404, {"Not found."});
  const std::string& key = s[3];
  if (key.size() > 255) return jira_error(400, {"The property key cannot be longer than 255 characters."});
  if (r.method == "GET") {
    if (!record.properties.contains(key)) return jira_error(404, {fmt::format("The property with key '{}' does not exist.", key)});
    return SbResponse::json(200, {{"key", key}, {"value", std::as_const(record.properties)[key]}});
  }
  if (r.method == "PUT") {
    if (r.body.empty()) return jira_error(400, {"The property value cannot be empty."});
    if (r.body.size() > k_max_property_length) return jira_error(400, {"The property value cannot be longer than 32768 characters."});
    auto value = nlohmann::json::parse(r.body, nullptr, false);
    if (value.is_discarded()) return jira_error(400, {"The property value must be valid JSON."});
    const bool existed = record.properties.contains(key);
    record.properties[key] = value;
    SbResponse out;
    out.status = existed ? 200 : 201;
    out.content_type.clear();
    return out;
  }
  if (r.method == "DELETE") {
    if (!record.properties.contains(key)) return jira_error(404, {fmt::format("The property with key '{}' does not exist.", key)});
    record.properties.erase(key);
    return SbResponse::no_content();
  }
  return jira_error(405, {"Method not allowed."});
}

// ------------------------------------------------------------------------------- changelog

SbResponse JiraService::changelog_call(const Call& call, IssueRecord& record) {
  const auto& r = call.request;
  if (r.method != "GET" || call.segments.size() != 3) return jira_error(405, {"Method not allowed."});
  const long long start = std::max(0LL, std::stoll(r.param("startAt").value_or("0")));
  const long long max = std::clamp(std::stoll(r.param("maxResults").value_or("100")), 1LL, 100LL);
  const long long total = static_cast<long long>(record.histories.size());
  nlohmann::json values = nlohmann::json::array();
  for (long long i = start; i < total && i < start + max; ++i)
    values.push_back(render_history(std::as_const(record.histories)[static_cast<std::size_t>(i)], r));
  const std::string self = fmt::format("{}/issue/{}/changelog", api_root(r, call.version), record.issue.value("key", ""));
  nlohmann::json out = {{"self", fmt::format("{}?startAt={}&maxResults={}", self, start, max)},
                        {"maxResults", max}, {"startAt", start}, {"total", total},
                        {"isLast", start + max >= total}, {"values", values}};
  if (start + max < total) out["nextPage"] = fmt::format("{}?startAt={}&maxResults={}", self, start + max, max);
  return SbResponse::json(200, out);
}

// ------------------------------------------------------------------------------ issue links

SbResponse JiraService::issue_link_call(const Call& call) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || !(*body)["type"].is_object()) return jira_error(400, {"The issue link type is required."});
  const auto& tref = (*body)["type"];
  nlohmann::json type;
  for (const auto& t : config_list("issueLinkTypes"))
    if ((tref.contains("id") && tref["id"] == t["id"]) || (tref.contains("name") && tref["name"] == t["name"])) type = t;
  if (type.is_null()) return jira_error(404, {fmt::format("No issue link type with name '{}' found.", tref.value("name", tref.dump()))});
  auto issue_of = [&](const char* side) -> IssueRecord* {
    if (!(*body)[side].is_object()) return nullptr;
    const auto& ref = (*body)[side];
    return find_issue(ref.value("key", ref.value("id", "")));
  };
  IssueRecord* inward = issue_of("inwardIssue");
  IssueRecord* outward = issue_of("outwardIssue");
  if (!inward || !outward) return jira_error(404, {"Issue Does Not Exist"});
  const std::string in_id = inward->issue.value("id", "");
  const std::string out_id = outward->issue.value("id", "");
  for (const auto& l : m_links)
    if (l.value("inward", "") == in_id && l.value("outward", "") == out_id && l["type"]["id"] == type["id"]) {
      SbResponse done;
      done.status = 201;
      done.content_type.clear();
      return done;
    }
  m_links.push_back({{"id", std::to_string(m_next_id++)}, {"type", type}, {"inward", in_id}, {"outward", out_id}});
  if (body->contains("comment") && (*body)["comment"].is_object()) {
    auto text = normalize_value("description", (*body)["comment"].value("body", nlohmann::json()), call.version);
    if (text && !text->is_null()) {
      const std::string now = format_jira_time(call.request.now);
      outward->issue["fields"]["comment"]["comments"].push_back({{"id", std::to_string(m_next_id++)},
                                                                 {"author", stored_user(call.request.user)},
                                                                 {"body", *text}, {"created", now}, {"updated", now}});
    }
  }
  SbResponse created;
  created.status = 201;
  created.content_type.clear();
  return created;
}

// ------------------------------------------------------------------- edit meta, bulk fetch

SbResponse JiraService::editmeta_call(const Call& call, IssueRecord& record) {
  const auto& fields = std::as_const(record.issue)["fields"];
  auto meta = createmeta_fields(call, fields["project"].value("key", ""), fields["issuetype"].value("id", ""));
  if (meta.status != 200) return meta;
  const auto body = nlohmann::json::parse(meta.body);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : body.contains("fields") ? body["fields"] : body["values"]) {
    const std::string id = f.value("fieldId", "");
    if (id == "project" || id == "issuetype" || id == "parent") continue;
    nlohmann::json entry = f;
    entry.erase("fieldId");
    entry["required"] = id == "summary";
    out[id] = entry;
  }
  return SbResponse::json(200, {{"fields", out}});
}

SbResponse JiraService::bulk_fetch_call(const Call& call) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || !(*body)["issueIdsOrKeys"].is_array())
    return jira_error(400, {"issueIdsOrKeys is required."});
  if ((*body)["issueIdsOrKeys"].size() > 100) return jira_error(400, {"You can fetch up to 100 issues in one request."});
  std::optional<std::vector<std::string>> fields;
  if (body->contains("fields")) fields = (*body)["fields"].get<std::vector<std::string>>();
  std::vector<std::string> expand;
  if (body->contains("expand")) expand = split_list((*body)["expand"].is_string() ? (*body)["expand"].get<std::string>() : "", ',');
  std::vector<std::string> properties;
  if (body->contains("properties")) properties = (*body)["properties"].get<std::vector<std::string>>();
  std::vector<const IssueRecord*> found;
  for (const auto& ref : (*body)["issueIdsOrKeys"]) {
    if (!ref.is_string()) continue;
    if (IssueRecord* record = find_issue(ref.get<std::string>())) found.push_back(record);
  }
  return page_with_issues({{"issueErrors", nlohmann::json::array()}},
                          rendered_issues(found, call.request, call.version, fields, expand, properties));
}

SbResponse JiraService::changelog_bulk_fetch_call(const Call& call) {
  auto body = parse_body(call.request);
  if (!body) return body.error();
  if (!body->is_object() || !(*body)["issueIdsOrKeys"].is_array() || (*body)["issueIdsOrKeys"].empty())
    return jira_error(400, {"issueIdsOrKeys must hold between 1 and 1000 issues."});
  std::set<std::string> field_ids;
  if (body->contains("fieldIds")) {
    for (const auto& f : (*body)["fieldIds"])
      if (f.is_string()) field_ids.insert(f.get<std::string>());
  }
  const long long max = std::clamp(body->value("maxResults", 1000LL), 1LL, 10000LL);
  long long skip = 0;
  if (body->contains("nextPageToken") && (*body)["nextPageToken"].is_string()) {
    try {
      skip = std::stoll((*body)["nextPageToken"].get<std::string>());
    } catch (const std::exception&) {
      return jira_error(400, {"The nextPageToken is invalid."});
    }
  }
  nlohmann::json logs = nlohmann::json::array();
  long long seen = 0, emitted = 0;
  bool more = false;
  for (const auto& ref : (*body)["issueIdsOrKeys"]) {
    IssueRecord* record = ref.is_string() ? find_issue(ref.get<std::string>()) : nullptr;
    if (!record) continue;
    nlohmann::json histories = nlohmann::json::array();
    for (const auto& h : record->histories) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& item : h["items"])
        if (field_ids.empty() || field_ids.contains(item.value("fieldId", item.value("field", "")))) items.push_back(item);
      if (items.empty()) continue;
      if (seen++ < skip) continue;
      if (emitted >= max) {
        more = true;
        break;
      }
      auto rendered = render_history(h, call.request);
      rendered["items"] = items;
      histories.push_back(rendered);
      ++emitted;
    }
    if (!histories.empty()) logs.push_back({{"issueId", record->issue.value("id", "")}, {"changeHistories", histories}});
    if (more) break;
  }
  nlohmann::json out = {{"issueChangeLogs", logs}};
  if (more) out["nextPageToken"] = std::to_string(skip + emitted);
  return SbResponse::json(200, out);
}

}  // namespace sandbox
