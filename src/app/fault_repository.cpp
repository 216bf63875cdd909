#include "faultline/app/fault_repository.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/text.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/search.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::app {

namespace {

// The FieldBinding shape for a Jira field's schema.
std::string binding_type(const jira::Field& field) {
  const auto& custom = field.schema_custom;
  if (field.schema_type == "option" || custom.ends_with(":select") || custom.ends_with(":radiobuttons")) return "option";
  if (field.schema_type == "array" && field.schema_items == "option") return "options";
  if (field.schema_type == "array" && field.schema_items == "string") return "array";
  if (field.schema_type == "datetime") return "datetime";
  if (field.schema_type == "date") return "date";
  if (field.schema_type == "number") return "number";
  if (field.schema_type == "user") return "user";
  return "string";
}

long long numeric_id(const std::string& id) {
  try {
    return std::stoll(id);
  } catch (...) {
    return 0;
  }
}

// Oldest first: created time, then the numeric issue id (ids grow with creation).
void sort_oldest_first(std::vector<core::Fault>& faults) {
  std::stable_sort(faults.begin(), faults.end(), [](const core::Fault& a, const core::Fault& b) {
    if (a.created && b.created && *a.created != *b.created) return *a.created < *b.created;
    return numeric_id(a.id) < numeric_id(b.id);
  });
}

bool lacks_property(const jira::Issue& issue, const std::string& property_key) {
  return !issue.properties.is_object() || !issue.properties.contains(property_key);
}

bool issue_type_is(const jira::Issue& issue, std::string_view type_name) {
  const auto type = issue.fields.is_object() ? issue.fields.find("issuetype") : issue.fields.end();
  return type != issue.fields.end() && type->is_object() && type->value("name", "") == type_name;
}

}  // namespace

FaultRepository::FaultRepository(jira::Client& client, const config::Config& config, const date::time_zone* zone)
    : m_client(client), m_config(config), m_zone(zone) {
  m_schema.user_id_kind = client.flavor() == jira::Flavor::Cloud ? core::UserIdKind::AccountId : core::UserIdKind::Name;
}

Result<void> FaultRepository::load_schema() {
  m_schema.bindings.clear();
  m_text_field_ids.clear();
  if (m_config.jira.fields.empty()) return {};
  FAULTLINE_TRY(fields, m_client.fields());
  for (const auto& [fact, name] : m_config.jira.fields) {
    auto id = jira::find_field_id(*fields, name);
    if (!id) {
      auto error = id.error();
      error.kind = ErrorKind::Config;
      error.hint = fmt::format("fix [jira.fields] {} (a field name or customfield_ id); `faultline doctor` checks it", fact);
      return std::unexpected(error);
    }
    auto field = std::find_if(fields->begin(), fields->end(), [&](const jira::Field& f) { return f.id == *id; });
    core::FieldBinding binding{std::string(core::canonical_fact_name(fact)), *id, binding_type(*field)};
    if (field->schema_custom.ends_with(":textarea")) m_text_field_ids.push_back(*id);
    m_schema.bindings.push_back(std::move(binding));
  }
  return {};
}

jira::IssueInput FaultRepository::fields_input(const core::Fault& fault) const {
  jira::IssueInput input;
  input.fields = core::fault_fields_json(fault, m_schema, m_zone);
  for (const auto& id : m_text_field_ids) {
    auto it = input.fields.find(id);
    if (it == input.fields.end() || !it->is_string()) continue;
    input.text_fields[id] = it->get<std::string>();
    input.fields.erase(id);
  }
  return input;
}

std::string FaultRepository::fault_scope_jql() const {
  return core::jql_and({"project = " + core::jql_quote(m_config.jira.project),
                        "issuetype = " + core::jql_quote(m_config.jira.fault_type)});
}

nlohmann::json FaultRepository::issue_json(jira::Issue issue) const {
  nlohmann::json json{{"id", std::move(issue.id)},
                      {"key", std::move(issue.key)},
                      {"fields", std::move(issue.fields)},
                      {"properties", std::move(issue.properties)}};
  // Rich-text fields come back as ADF on Cloud: the fault model holds their plain text.
  for (const auto& id : m_text_field_ids) {
    auto it = json["fields"].find(id);
    if (it != json["fields"].end() && it->is_object()) *it = core::adf_to_text(*it);
  }
  return json;
}

void FaultRepository::fill_properties(std::vector<jira::Issue>& issues) {
  std::vector<jira::Issue*> missing;
  for (auto& issue : issues) {
    if (lacks_property(issue, m_schema.property_key)) missing.push_back(&issue);
  }
  fill_missing_properties(missing);
}

void FaultRepository::fill_missing_properties(const std::vector<jira::Issue*>& missing) {
  auto store = [this](jira::Issue& issue, nlohmann::json value) {
    if (!issue.properties.is_object()) issue.properties = nlohmann::json::object();
    issue.properties[m_schema.property_key] = std::move(value);
  };
  if (m_batch_transport == nullptr || missing.size() < 2) {
    for (auto* issue : missing)
      if (auto value = m_client.property(issue->key, m_schema.property_key)) store(*issue, std::move(*value));
    return;
  }
  // GET /issue/{key}/properties/{property} for all of them at once (reads: safe to retry).
  std::vector<http::Request> requests;
  std::vector<std::string> paths;
  for (const auto* issue : missing) {
    paths.push_back(std::string(m_client.api_root()) + "/issue/" + http::url_encode(issue->key) + "/properties/" +
                    http::url_encode(m_schema.property_key));
    requests.push_back(m_client.make_request(http::Method::Get, paths.back(), {}, nullptr, http::RetrySafety::ByMethod));
  }
  auto outcomes = m_batch_transport->send_all(requests);
  for (std::size_t i = 0; i < missing.size() && i < outcomes.size(); ++i) {
    auto reply = m_client.to_reply(http::Method::Get, paths[i], outcomes[i]);
    if (reply && reply->body.is_object() && reply->body.contains("value")) store(*missing[i], std::move(reply->body["value"]));
  }
}

Result<CreatedFault> FaultRepository::create(const core::Fault& fault) {
  auto input = fields_input(fault);
  input.fields["project"] = {{"key", m_config.jira.project}};
  input.fields["issuetype"] = {{"name", m_config.jira.fault_type}};
  input.fields["summary"] = fault.summary;
  input.fields["labels"] = core::fault_labels(fault);
  if (!fault.description.empty()) input.text_fields["description"] = fault.description;
  input.properties.push_back({m_schema.property_key, core::fault_property_json(fault, m_schema)});
  FAULTLINE_TRY(created, m_client.create_issue(input));
  return CreatedFault{created->key, created->id};
}

Result<std::vector<core::Fault>> FaultRepository::search(const std::string& jql, int limit) {
  jira::SearchRequest request;
  request.jql = jql;
  request.fields = fault_fields();  // never *navigable: every sub-task list and comment would come too
  request.properties = {m_schema.property_key};
  request.limit = limit;
  FAULTLINE_TRY(issues, m_client.search(request));
  fill_properties(*issues);
  std::vector<core::Fault> faults;
  for (const auto& issue : *issues) {
    auto json = issue_json(issue);
    auto fault = core::fault_from_issue(json, m_schema, m_zone);
    if (!fault) {
      auto error = fault.error();
      error.message = issue.key + ": " + error.message;
      return std::unexpected(error);
    }
    faults.push_back(std::move(*fault));
  }
  return faults;
}

std::vector<std::string> FaultRepository::fault_fields() const {
  // priority: the level of a fault opened by hand in Jira without faultline's facts.
  std::vector<std::string> fields{"summary", "description", "status", "assignee", "labels", "priority", "created", "updated"};
  for (const auto& binding : m_schema.bindings) {
    if (std::ranges::find(fields, binding.field_id) == fields.end()) fields.push_back(binding.field_id);
  }
  return fields;
}

bool FaultRepository::needs_property(const std::vector<std::string>& facts) const {
  return std::ranges::any_of(facts, [&](const std::string& fact) {
    return std::ranges::find(m_schema.bindings, core::canonical_fact_name(fact), &core::FieldBinding::fact) ==
           m_schema.bindings.end();
  });
}

Result<std::vector<core::Fault>> FaultRepository::read_all(const std::string& jql, const std::vector<std::string>& facts) {
  if (m_batch_transport == nullptr) return search(jql, 0);
  jira::SearchRequest request;
  request.jql = jql;
  request.fields = fault_fields();
  std::erase(request.fields, std::string("description"));  // a listing shows none; it can be long
  if (needs_property(facts)) request.properties = {m_schema.property_key};
  jira::ReadPlan plan;
  plan.any_order = true;
  std::vector<core::Fault> faults;
  std::set<std::string> seen;  // a page that shifted under a concurrent edit can repeat an issue
  FAULTLINE_TRY(done, jira::read_all(m_client, *m_batch_transport, request,
                                     [&](std::vector<jira::Issue>& batch) -> Result<void> {
                                       for (auto& issue : batch) {
                                         if (!seen.insert(issue.key).second) continue;
                                         FAULTLINE_TRY(fault, read_fault(std::move(issue)));
                                         faults.push_back(std::move(*fault));
                                       }
                                       return {};
                                     },
                                     plan));
  return faults;
}

bool FaultRepository::ask_for_facts(jira::SearchRequest& request, const std::vector<std::string>& facts) const {
  for (const char* field : {"summary", "status", "created", "updated", "labels"}) request.fields.emplace_back(field);
  bool needs_property = false;
  for (const auto& fact : facts) {
    const auto name = core::canonical_fact_name(fact);
    const auto bound = std::ranges::find(m_schema.bindings, name, &core::FieldBinding::fact);
    if (bound == m_schema.bindings.end()) {
      needs_property = true;
    } else {
      request.fields.push_back(bound->field_id);
    }
  }
  request.properties.clear();
  if (needs_property) request.properties = {m_schema.property_key};
  return needs_property;
}

Result<core::Fault> FaultRepository::read_fault(jira::Issue issue) const {
  const std::string key = issue.key;
  auto fault = core::fault_from_issue(issue_json(std::move(issue)), m_schema, m_zone);
  if (!fault) {
    auto error = fault.error();
    error.message = key + ": " + error.message;
    return std::unexpected(error);
  }
  return fault;
}

Result<void> FaultRepository::for_each_fault(jira::SearchRequest request, const std::vector<std::string>& facts,
                                            const std::function<void(core::Fault&&)>& each) {
  request.fields.clear();
  const bool needs_property = ask_for_facts(request, facts);
  request.on_page = [&](std::vector<jira::Issue>& page) -> Result<void> {
    if (needs_property) fill_properties(page);
    for (auto& issue : page) {
      FAULTLINE_TRY(fault, read_fault(std::move(issue)));
      each(std::move(*fault));
    }
    return {};
  };
  FAULTLINE_TRY(done, m_client.search(request));
  return {};
}

Result<std::vector<FoundIssue>> FaultRepository::search_issues(jira::SearchRequest request,
                                                               const std::vector<std::string>& facts) {
  const bool needs_property = ask_for_facts(request, facts);
  request.fields.emplace_back("issuetype");
  FAULTLINE_TRY(issues, m_client.search(request));
  if (needs_property) {
    std::vector<jira::Issue*> missing;
    for (auto& issue : *issues) {
      if (issue_type_is(issue, m_config.jira.fault_type) && lacks_property(issue, m_schema.property_key))
        missing.push_back(&issue);
    }
    fill_missing_properties(missing);
  }
  std::vector<FoundIssue> found;
  for (auto& issue : *issues) {
    FAULTLINE_TRY(fault, read_fault(issue));
    found.push_back(FoundIssue{std::move(*fault), std::move(issue)});
  }
  return found;
}

Result<std::vector<core::Fault>> FaultRepository::find_open_by_dedupe(std::string_view dedupe_key,
                                                                      const std::vector<std::string>& reconcile_ids) {
  jira::SearchRequest request;
  request.jql = core::jql_and({fault_scope_jql(), "labels = " + core::jql_quote(core::dedupe_label(dedupe_key)),
                               "statusCategory != " + core::jql_quote("Done")}) +
                " ORDER BY created ASC";
  request.fields = fault_fields();
  request.properties = {m_schema.property_key};
  request.reconcile_issue_ids = reconcile_ids;
  FAULTLINE_TRY(issues, m_client.search(request));
  fill_properties(*issues);
  std::vector<core::Fault> faults;
  const auto label = core::dedupe_label(dedupe_key);
  for (const auto& issue : *issues) {
    if (issue.status_category() == "done") continue;  // a reconciled issue closed meanwhile
    auto json = issue_json(issue);
    FAULTLINE_TRY(fault, core::fault_from_issue(json, m_schema, m_zone));
    // Only a fault that carries the label: a search that answers loosely (a proxy, a JQL
    // function, an index gone wrong) must not make an alert comment on an unrelated fault.
    if (std::ranges::find(fault->labels, label) == fault->labels.end()) continue;
    faults.push_back(std::move(*fault));
  }
  sort_oldest_first(faults);
  return faults;
}

Result<core::Fault> FaultRepository::get(std::string_view key) {
  jira::IssueQuery query;
  query.properties = {m_schema.property_key};
  FAULTLINE_TRY(issue, m_client.get_issue(key, query));
  auto json = issue_json(*issue);
  return core::fault_from_issue(json, m_schema, m_zone);
}

Result<FaultRecord> FaultRepository::get_record(std::string_view key) {
  jira::IssueQuery query;
  // Every field but the sub-task list (a fault with 10,000 actions lists them all there;
  // actions are read by their own search).
  query.fields = {"*all", "-subtasks"};
  query.properties = {m_schema.property_key};
  query.changelog = jira::Changelog::Include;
  // The issue and its comments do not depend on each other: one wave, not two.
  Result<jira::Issue> issue = std::unexpected(Error{});
  Result<std::vector<jira::Comment>> comments = std::unexpected(Error{});
  util::wave([&] { issue = m_client.get_issue(key, query); }, [&] { comments = m_client.comments(key); });
  if (!issue) return std::unexpected(issue.error());
  auto json = issue_json(*issue);
  FAULTLINE_TRY(fault, core::fault_from_issue(json, m_schema, m_zone));
  if (!comments) return std::unexpected(comments.error());
  return FaultRecord{std::move(*fault), std::move(*issue), std::move(*comments)};
}

Result<void> FaultRepository::save(std::string_view key, const core::Fault& current, const core::Fault& changes,
                                   const core::Fault& updated) {
  auto input = fields_input(changes);
  auto labels = core::fault_labels(updated);
  if (labels != current.labels) input.fields["labels"] = labels;
  if (!input.fields.empty() || !input.text_fields.empty()) {
    if (auto edited = m_client.edit_issue(key, input); !edited) return std::unexpected(edited.error());
  }
  FAULTLINE_TRY(property,
                m_client.set_property(key, m_schema.property_key, core::fault_property_json(updated, m_schema)));
  return {};
}

std::vector<core::TimelineEntry> record_timeline(const FaultRecord& record) {
  nlohmann::json issue{{"id", record.issue.id}, {"key", record.issue.key}, {"fields", record.issue.fields}};
  auto histories = nlohmann::json::array();
  for (const auto& h : record.issue.changelog) {
    auto items = nlohmann::json::array();
    for (const auto& i : h.items)
      items.push_back({{"field", i.field}, {"fieldId", i.field_id}, {"from", i.from}, {"fromString", i.from_string},
                       {"to", i.to}, {"toString", i.to_string}});
    histories.push_back({{"id", h.id},
                         {"created", h.created},
                         {"author", {{"displayName", h.author.display_name}, {"name", h.author.name}}},
                         {"items", items}});
  }
  issue["changelog"] = {{"histories", histories}};
  std::vector<core::CommentLike> comments;
  for (const auto& c : record.comments) {
    auto at = jira::parse_datetime(c.created);
    if (!at) continue;
    comments.push_back({*at, c.author.display_name.empty() ? c.author.ref().id : c.author.display_name, c.text});
  }
  return core::build_timeline(issue, comments, record.fault.rollbacks);
}

}  // namespace faultline::app
