// Fields (name -> id) and create metadata. The per-project createmeta endpoints answer in
// different shapes: Cloud "issueTypes" / "fields", Data Center "values".
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

Field parse_field(const nlohmann::json& json) {
  Field f;
  f.id = detail::text(json, "id");
  f.key = detail::text(json, "key");
  f.name = detail::text(json, "name");
  f.custom = detail::flag(json, "custom", false);
  const auto& schema = detail::member(json, "schema");
  f.schema_type = detail::text(schema, "type");
  f.schema_items = detail::text(schema, "items");
  f.schema_custom = detail::text(schema, "custom");
  for (const auto& c : detail::array(json, "clauseNames")) {
    if (c.is_string()) f.clause_names.push_back(c.get<std::string>());
  }
  return f;
}

FieldMeta parse_field_meta(const nlohmann::json& json) {
  FieldMeta m;
  m.field_id = detail::text(json, "fieldId");
  if (m.field_id.empty()) m.field_id = detail::text(json, "key");
  m.name = detail::text(json, "name");
  m.required = detail::flag(json, "required", false);
  m.has_default = detail::flag(json, "hasDefaultValue", false);
  const auto& schema = detail::member(json, "schema");
  m.schema_type = detail::text(schema, "type");
  m.schema_custom = detail::text(schema, "custom");
  for (const auto& o : detail::array(json, "operations")) {
    if (o.is_string()) m.operations.push_back(o.get<std::string>());
  }
  m.allowed_values = detail::array(json, "allowedValues");
  return m;
}

// The first of `keys` holding an array.
const nlohmann::json& first_array(const nlohmann::json& body, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (body.is_object() && body.contains(key) && body[std::string(key)].is_array()) return body[std::string(key)];
  }
  return detail::k_empty_array;
}

std::string describe(const Field& f) {
  std::string type = f.schema_custom.empty() ? f.schema_type : f.schema_custom;
  auto colon = type.rfind(':');
  if (colon != std::string::npos) type = type.substr(colon + 1);
  return f.id + (type.empty() ? "" : " (" + type + ")");
}

}  // namespace

Result<std::string> find_field_id(const std::vector<Field>& fields, std::string_view name_or_id) {
  for (const auto& f : fields) {
    if (f.id == name_or_id) return f.id;
  }
  std::vector<const Field*> matches;
  for (const auto& f : fields) {
    if (detail::iequals(f.name, name_or_id)) matches.push_back(&f);
  }
  if (matches.size() == 1) return matches.front()->id;
  if (matches.empty()) {
    return fail(ErrorKind::NotFound, "Jira has no field named '" + std::string(name_or_id) + "'",
                "Field names come from Jira's field list (`faultline init` shows them); an id such as "
                "customfield_10010 also works.");
  }
  std::vector<std::string> candidates;
  for (const auto* f : matches) candidates.push_back(describe(*f));
  Error error;
  error.kind = ErrorKind::Config;
  error.message = "Jira has " + std::to_string(matches.size()) + " fields named '" + std::string(name_or_id) +
                  "': " + detail::join(candidates, ", ");
  error.hint = "Map the fact to one of these ids in [jira.fields] instead of the name.";
  error.details = std::move(candidates);
  return std::unexpected(std::move(error));
}

Result<std::vector<Field>> Client::fields() {
  FAULTLINE_TRY(reply, call(http::Method::Get, std::string(api_root()) + "/field"));
  std::vector<Field> out;
  if (reply->body.is_array()) {
    for (const auto& f : reply->body) out.push_back(parse_field(f));
  }
  return out;
}

Result<std::string> Client::field_id(std::string_view name_or_id) {
  FAULTLINE_TRY(all, fields());
  return find_field_id(*all, name_or_id);
}

Result<std::vector<IssueType>> Client::issue_types(std::string_view project) {
  const std::string path = std::string(api_root()) + "/issue/createmeta/" + http::url_encode(project) + "/issuetypes";
  std::vector<IssueType> out;
  int start_at = 0;
  for (;;) {
    auto reply = call(http::Method::Get, path, {{"startAt", std::to_string(start_at)}, {"maxResults", "100"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& page = first_array(reply->body, {"issueTypes", "values"});
    for (const auto& t : page) {
      out.push_back(IssueType{detail::text(t, "id"), detail::text(t, "name"), detail::flag(t, "subtask", false),
                              detail::text(t, "description")});
    }
    start_at += static_cast<int>(page.size());
    if (page.empty() || detail::flag(reply->body, "isLast", false) ||
        start_at >= detail::number(reply->body, "total", start_at)) {
      break;
    }
  }
  return out;
}

Result<std::vector<FieldMeta>> Client::create_fields(std::string_view project, std::string_view issue_type_id) {
  const std::string path = std::string(api_root()) + "/issue/createmeta/" + http::url_encode(project) +
                           "/issuetypes/" + http::url_encode(issue_type_id);
  std::vector<FieldMeta> out;
  int start_at = 0;
  for (;;) {
    auto reply = call(http::Method::Get, path, {{"startAt", std::to_string(start_at)}, {"maxResults", "100"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& page = first_array(reply->body, {"fields", "values", "results"});
    for (const auto& f : page) out.push_back(parse_field_meta(f));
    start_at += static_cast<int>(page.size());
    if (page.empty() || detail::flag(reply->body, "isLast", false) ||
        start_at >= detail::number(reply->body, "total", start_at)) {
      break;
    }
  }
  return out;
}

}  // namespace faultline::jira
