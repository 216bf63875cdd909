#include "faultline/core/fault.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "faultline/core/labels.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;

struct TextFact {
  std::string_view name;
  std::string Fault::*member;
};

struct TimeFact {
  std::string_view name;
  std::optional<TimePoint> Fault::*member;
};

constexpr std::array<TextFact, 17> k_text_facts = {{
    {"level", &Fault::level},
    {"type", &Fault::type},
    {"source", &Fault::source},
    {"team", &Fault::team},
    {"service", &Fault::service},
    {"business_unit", &Fault::business_unit},
    {"coordinator", &Fault::coordinator},
    {"dedupe_key", &Fault::dedupe_key},
    {"impact", &Fault::impact},
    {"data_repair", &Fault::data_repair},
    {"cause", &Fault::cause},
    {"progress_status", &Fault::progress_status},
    {"how", &Fault::how},
    {"rollback_to", &Fault::rollback_to},
    {"review_page_id", &Fault::review_page_id},
    {"review_page_url", &Fault::review_page_url},
    {"review_late_reason", &Fault::review_late_reason},
}};

constexpr std::array<TimeFact, 8> k_time_facts = {{
    {"started_at", &Fault::started_at},
    {"detected_at", &Fault::detected_at},
    {"recovered_at", &Fault::recovered_at},
    {"reviewed_at", &Fault::reviewed_at},
    {"last_update_at", &Fault::last_update_at},
    {"review_deadline", &Fault::review_deadline},
    {"eta", &Fault::eta},
    {"review_scheduled_at", &Fault::review_scheduled_at},
}};

const TextFact* find_text_fact(std::string_view name) {
  name = canonical_fact_name(name);
  for (const auto& fact : k_text_facts) {
    if (fact.name == name) return &fact;
  }
  return nullptr;
}

const TimeFact* find_time_fact(std::string_view name) {
  name = canonical_fact_name(name);
  for (const auto& fact : k_time_facts) {
    if (fact.name == name) return &fact;
  }
  return nullptr;
}

// ISO with the zone's offset, or UTC when no zone is given.
json iso_or_null(const std::optional<TimePoint>& t, const date::time_zone* zone) {
  if (!t) return nullptr;
  return zone != nullptr ? format_iso(*t, zone) : format_utc(*t);
}

std::string jira_datetime(TimePoint t, const date::time_zone* zone) {
  if (zone != nullptr) return format_jira_datetime(t, zone);
  return date::format("%FT%T+0000", t);
}


// A number written as text ("42", "3.5"), as a JSON number; nothing when it is not one.
std::optional<json> number_value(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  long long integer = 0;
  if (const auto r = std::from_chars(first, last, integer); r.ec == std::errc{} && r.ptr == last) {
    return json(integer);
  }
  double real = 0;
  if (const auto r = std::from_chars(first, last, real); r.ec == std::errc{} && r.ptr == last) {
    return json(real);
  }
  return std::nullopt;
}

json user_value(const std::string& id, UserIdKind kind) {
  return kind == UserIdKind::AccountId ? json{{"accountId", id}} : json{{"name", id}};
}

std::optional<json> text_field_value(const std::string& value, const FieldBinding& binding,
                                     const FaultSchema& schema) {
  if (value.empty()) return std::nullopt;
  const std::string& type = binding.schema_type;
  if (type == "option") return json{{"value", value}};
  if (type == "options") return json::array({json{{"value", value}}});
  if (type == "string") return json(value);
  if (type == "number") return number_value(value);
  if (type == "array") return json::array({is_valid_label(value) ? value : label_slug(value)});
  if (type == "user") return user_value(value, schema.user_id_kind);
  return std::nullopt;
}

std::optional<json> time_field_value(const std::optional<TimePoint>& value, const FieldBinding& binding,
                                     const date::time_zone* zone) {
  if (!value) return std::nullopt;
  const std::string& type = binding.schema_type;
  if (type == "datetime" || type == "string") return json(jira_datetime(*value, zone));
  if (type == "date") {
    if (zone != nullptr) return json(format_date(local_date(*value, zone)));
    return json(format_date(date::year_month_day{date::floor<date::days>(*value)}));
  }
  return std::nullopt;
}

// Whether some binding writes the text fact's value to a field (a value the field's type
// cannot hold, such as words for a number field, is not written and stays in the property).
bool text_written_to_field(const std::string& value, std::string_view fact, const FaultSchema& schema) {
  return std::any_of(schema.bindings.begin(), schema.bindings.end(), [&](const FieldBinding& b) {
    return canonical_fact_name(b.fact) == fact && !b.field_id.empty() && text_field_value(value, b, schema).has_value();
  });
}

bool time_written_to_field(const std::optional<TimePoint>& value, std::string_view fact, const FaultSchema& schema) {
  return std::any_of(schema.bindings.begin(), schema.bindings.end(), [&](const FieldBinding& b) {
    return canonical_fact_name(b.fact) == fact && !b.field_id.empty() && time_field_value(value, b, nullptr).has_value();
  });
}

// The text of one field or property value: strings as they are, numbers printed, options
// by value, users by id; arrays joined with ",". Nothing for null or an empty array.
Result<std::optional<std::string>> read_text(const json& value, const std::string& path) {
  if (value.is_null()) return std::optional<std::string>{};
  if (value.is_string()) return std::optional<std::string>{value.get<std::string>()};
  if (value.is_boolean()) return std::optional<std::string>{value.get<bool>() ? "true" : "false"};
  if (value.is_number()) return std::optional<std::string>{value.dump()};
  if (value.is_object()) {
    for (const char* k : {"value", "accountId", "name", "key", "id"}) {
      const auto it = value.find(k);
      if (it != value.end() && it->is_string()) return std::optional<std::string>{it->get<std::string>()};
    }
    return fail(ErrorKind::Failed,
                fmt::format("{}: expected a string, number, option or user, got an object without "
                            "value/accountId/name",
                            path));
  }
  if (value.is_array()) {
    std::string joined;
    for (std::size_t i = 0; i < value.size(); ++i) {
      auto part = read_text(value[i], fmt::format("{}[{}]", path, i));
      if (!part) return std::unexpected(part.error());
      if (!*part || (*part)->empty()) continue;
      if (!joined.empty()) joined += ",";
      joined += **part;
    }
    if (joined.empty()) return std::optional<std::string>{};
    return std::optional<std::string>{joined};
  }
  return fail(ErrorKind::Failed, fmt::format("{}: expected a string", path));
}

// A datetime value; date-only text is 00:00 in `zone` (UTC when null).
Result<std::optional<TimePoint>> read_time(const json& value, const std::string& path,
                                           const date::time_zone* zone) {
  if (value.is_null()) return std::optional<TimePoint>{};
  if (!value.is_string()) {
    return fail(ErrorKind::Failed, fmt::format("{}: expected a datetime string", path));
  }
  const auto text = value.get<std::string>();
  if (text.empty()) return std::optional<TimePoint>{};
  if (const auto t = parse_timestamp(text)) return std::optional<TimePoint>{*t};
  if (text.size() == 10) {
    std::istringstream in(text);
    date::local_days day;
    in >> date::parse("%F", day);
    if (!in.fail()) {
      if (zone != nullptr) return std::optional<TimePoint>{date::floor<std::chrono::milliseconds>(zone->to_sys(day, date::choose::earliest))};
      return std::optional<TimePoint>{TimePoint{day.time_since_epoch()}};
    }
  }
  return fail(ErrorKind::Failed, fmt::format("{}: not a Jira datetime (2026-11-25T10:00:00.000+0800)", path));
}

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

Result<RollbackRecord> read_rollback(const json& value, const std::string& path) {
  if (!value.is_object()) return fail(ErrorKind::Failed, fmt::format("{}: expected an object", path));
  RollbackRecord r;
  const std::pair<const char*, std::string RollbackRecord::*> text_members[] = {
      {"service", &RollbackRecord::service},       {"from_version", &RollbackRecord::from_version},
      {"to_version", &RollbackRecord::to_version}, {"provider", &RollbackRecord::provider},
      {"repository", &RollbackRecord::repository}, {"commit", &RollbackRecord::commit},
      {"run_id", &RollbackRecord::run_id},         {"run_attempt", &RollbackRecord::run_attempt},
      {"run_url", &RollbackRecord::run_url},       {"actor", &RollbackRecord::actor},
      {"environment", &RollbackRecord::environment},
  };
  for (const auto& [name, member] : text_members) {
    const auto it = value.find(name);
    if (it == value.end()) continue;
    auto text = read_text(*it, fmt::format("{}.{}", path, name));
    if (!text) return std::unexpected(text.error());
    if (*text) r.*member = **text;
  }
  if (const auto it = value.find("recorded_at"); it != value.end()) {
    FAULTLINE_TRY(t, read_time(*it, path + ".recorded_at", nullptr));
    r.recorded_at = *t;
  }
  return r;
}

// The property value inside the issue JSON: properties.<key> either as the value itself or
// as {"key": ..., "value": ...}.
const json* find_property(const json& issue, const std::string& key) {
  const auto props = issue.find("properties");
  if (props == issue.end() || !props->is_object()) return nullptr;
  const auto it = props->find(key);
  if (it == props->end() || it->is_null()) return nullptr;
  if (it->is_object()) {
    const auto value = it->find("value");
    if (value != it->end() && it->contains("key") && value->is_object()) return &*value;
  }
  return &*it;
}

Result<void> read_property(const json& property, const std::string& path, const date::time_zone* zone,
                           Fault& fault) {
  if (!property.is_object()) return fail(ErrorKind::Failed, fmt::format("{}: expected an object", path));
  for (const auto& fact : k_text_facts) {
    const auto it = property.find(std::string(fact.name));
    if (it == property.end()) continue;
    auto text = read_text(*it, fmt::format("{}.{}", path, fact.name));
    if (!text) return std::unexpected(text.error());
    if (*text) fault.*fact.member = **text;
  }
  for (const auto& fact : k_time_facts) {
    const auto it = property.find(std::string(fact.name));
    if (it == property.end()) continue;
    auto t = read_time(*it, fmt::format("{}.{}", path, fact.name), zone);
    if (!t) return std::unexpected(t.error());
    if (*t) fault.*fact.member = **t;
  }
  if (const auto it = property.find("rollbacks"); it != property.end() && !it->is_null()) {
    if (!it->is_array()) return fail(ErrorKind::Failed, fmt::format("{}.rollbacks: expected an array", path));
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto record = read_rollback((*it)[i], fmt::format("{}.rollbacks[{}]", path, i));
      if (!record) return std::unexpected(record.error());
      fault.rollbacks.push_back(std::move(*record));
    }
  }
  return {};
}

Result<void> read_native_fields(const json& fields, Fault& fault) {
  fault.summary = string_at(fields, "summary");
  if (const auto it = fields.find("description"); it != fields.end()) {
    if (it->is_string()) {
      fault.description = it->get<std::string>();
    } else if (it->is_object()) {
      fault.description = adf_to_text(*it);
    }
  }
  if (const auto it = fields.find("status"); it != fields.end() && it->is_object()) {
    fault.status = string_at(*it, "name");
    if (const auto category = it->find("statusCategory"); category != it->end()) {
      fault.status_category = string_at(*category, "key");
    }
  }
  if (const auto it = fields.find("assignee"); it != fields.end() && it->is_object()) {
    fault.handler = string_at(*it, "accountId");
    if (fault.handler.empty()) fault.handler = string_at(*it, "name");
    fault.handler_display = string_at(*it, "displayName");
  }
  if (const auto it = fields.find("labels"); it != fields.end() && !it->is_null()) {
    if (!it->is_array()) return fail(ErrorKind::Failed, "fields.labels: expected an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) {
        return fail(ErrorKind::Failed, fmt::format("fields.labels[{}]: expected a string", i));
      }
      fault.labels.push_back((*it)[i].get<std::string>());
    }
  }
  for (const auto& [name, member] : {std::pair{"created", &Fault::created}, std::pair{"updated", &Fault::updated}}) {
    const auto it = fields.find(name);
    if (it == fields.end()) continue;
    auto t = read_time(*it, fmt::format("fields.{}", name), nullptr);
    if (!t) return std::unexpected(t.error());
    fault.*member = *t;
  }
  return {};
}

// "code-defect" -> "Code Defect": a type slug read back from its label, for display.
std::string words_of_slug(std::string_view slug) {
  std::string out;
  bool start = true;
  for (const char c : slug) {
    if (c == '-') {
      out += ' ';
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  return out;
}

// The level Jira's priority names: P1..P4 as they are, else Highest P1, High P2, Medium P3,
// Low and Lowest P4; "" for any other priority.
std::string level_of_priority(std::string_view priority) {
  const std::string name = lower(priority);
  if (name.size() == 2 && name[0] == 'p' && name[1] >= '1' && name[1] <= '4') return std::string{'P', name[1]};
  if (name == "highest") return "P1";
  if (name == "high") return "P2";
  if (name == "medium") return "P3";
  if (name == "low" || name == "lowest") return "P4";
  return {};
}

// A fault opened by hand in Jira (or whose property was lost) still carries faultline's
// labels and a priority: they fill the facts that neither a mapped field nor the property gave.
void fill_from_labels(Fault& fault, std::string_view priority) {
  const auto value_of = [&](std::string_view prefix) -> std::string {
    for (const auto& label : fault.labels)
      if (label.size() > prefix.size() && std::string_view(label).substr(0, prefix.size()) == prefix)
        return label.substr(prefix.size());
    return {};
  };
  if (fault.level.empty()) {
    const auto level = value_of(k_level_label_prefix);  // "p2"
    if (level.size() == 2 && level[0] == 'p' && level[1] >= '1' && level[1] <= '4') fault.level = std::string{'P', level[1]};
  }
  if (fault.level.empty()) fault.level = level_of_priority(priority);
  if (fault.source.empty()) fault.source = value_of(k_source_label_prefix);
  if (fault.type.empty()) fault.type = words_of_slug(value_of(k_type_label_prefix));
}

Result<void> read_bound_fields(const json& fields, const FaultSchema& schema, const date::time_zone* zone,
                               Fault& fault) {
  for (const auto& binding : schema.bindings) {
    const auto it = fields.find(binding.field_id);
    if (it == fields.end() || it->is_null()) continue;
    const std::string path = "fields." + binding.field_id;
    if (const auto* fact = find_text_fact(binding.fact)) {
      FAULTLINE_TRY(text, read_text(*it, path));
      if (*text) fault.*fact->member = **text;
    } else if (const auto* time_fact = find_time_fact(binding.fact)) {
      FAULTLINE_TRY(t, read_time(*it, path, zone));
      if (*t) fault.*time_fact->member = **t;
    }
  }
  return {};
}

}  // namespace

std::string_view canonical_fact_name(std::string_view fact) {
  if (fact == "review_page") return "review_page_id";
  if (fact == "last_update") return "last_update_at";
  if (fact == "rollback") return "rollback_to";
  return fact;
}

std::vector<std::string_view> fault_fact_names() {
  std::vector<std::string_view> names;
  for (const auto& fact : k_text_facts) names.push_back(fact.name);
  for (const auto& fact : k_time_facts) names.push_back(fact.name);
  return names;
}

bool is_fault_fact(std::string_view fact) {
  return find_text_fact(fact) != nullptr || find_time_fact(fact) != nullptr;
}

json rollback_to_json(const RollbackRecord& r, const date::time_zone* zone) {
  return json{{"service", r.service},       {"from_version", r.from_version},
              {"to_version", r.to_version}, {"provider", r.provider},
              {"repository", r.repository}, {"commit", r.commit},
              {"run_id", r.run_id},         {"run_attempt", r.run_attempt},
              {"run_url", r.run_url},       {"actor", r.actor},
              {"environment", r.environment}, {"recorded_at", iso_or_null(r.recorded_at, zone)}};
}

json fault_to_json(const Fault& fault, const date::time_zone* zone) {
  json out = json::object();
  out["key"] = fault.key;
  out["id"] = fault.id;
  out["summary"] = fault.summary;
  out["description"] = fault.description;
  out["status"] = fault.status;
  out["status_category"] = fault.status_category;
  out["handler"] = fault.handler;
  out["handler_display"] = fault.handler_display;
  for (const auto& fact : k_text_facts) out[std::string(fact.name)] = fault.*fact.member;
  for (const auto& fact : k_time_facts) out[std::string(fact.name)] = iso_or_null(fault.*fact.member, zone);
  out["created"] = iso_or_null(fault.created, zone);
  out["updated"] = iso_or_null(fault.updated, zone);
  if (fault.started_at && fault.recovered_at && *fault.recovered_at >= *fault.started_at) {
    const auto d = *fault.recovered_at - *fault.started_at;
    out["time_to_recover"] = format_age(d);
    out["time_to_recover_minutes"] = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  } else {
    out["time_to_recover"] = nullptr;
    out["time_to_recover_minutes"] = nullptr;
  }
  out["labels"] = fault.labels;
  json rollbacks = json::array();
  for (const auto& r : fault.rollbacks) rollbacks.push_back(rollback_to_json(r, zone));
  out["rollbacks"] = std::move(rollbacks);
  return out;
}

json fault_fields_json(const Fault& fault, const FaultSchema& schema, const date::time_zone* zone) {
  json fields = json::object();
  for (const auto& binding : schema.bindings) {
    if (binding.field_id.empty()) continue;
    std::optional<json> value;
    if (const auto* fact = find_text_fact(binding.fact)) {
      value = text_field_value(fault.*fact->member, binding, schema);
    } else if (const auto* time_fact = find_time_fact(binding.fact)) {
      value = time_field_value(fault.*time_fact->member, binding, zone);
    }
    if (value) fields[binding.field_id] = std::move(*value);
  }
  return fields;
}

json fault_property_json(const Fault& fault, const FaultSchema& schema) {
  json property = json::object();
  property["schema"] = k_fault_property_schema;
  for (const auto& fact : k_text_facts) {
    const std::string& value = fault.*fact.member;
    if (!value.empty() && !text_written_to_field(value, fact.name, schema)) property[std::string(fact.name)] = value;
  }
  for (const auto& fact : k_time_facts) {
    const auto& value = fault.*fact.member;
    if (value && !time_written_to_field(value, fact.name, schema)) property[std::string(fact.name)] = format_utc(*value);
  }
  json rollbacks = json::array();
  for (const auto& r : fault.rollbacks) rollbacks.push_back(rollback_to_json(r, nullptr));
  property["rollbacks"] = std::move(rollbacks);
  return property;
}

std::vector<std::string> fault_labels(const Fault& fault) {
  const std::pair<std::string_view, std::string> families[] = {
      {k_level_label_prefix, prefixed_label(k_level_label_prefix, fault.level)},
      {k_source_label_prefix, prefixed_label(k_source_label_prefix, fault.source)},
      {k_type_label_prefix, prefixed_label(k_type_label_prefix, fault.type)},
      {k_dedupe_label_prefix, dedupe_label(fault.dedupe_key)},
  };
  const auto replaced = [&](std::string_view label) {
    for (const auto& [prefix, marker] : families) {
      if (!marker.empty() && label.size() > prefix.size() && label.substr(0, prefix.size()) == prefix) return true;
    }
    return false;
  };
  std::vector<std::string> out;
  std::set<std::string> seen;
  const auto add = [&](const std::string& label) {
    if (label.empty() || !seen.insert(label).second) return;
    out.push_back(label);
  };
  for (const auto& label : fault.labels) {
    if (!replaced(label)) add(label);
  }
  add(std::string(k_fault_label));
  for (const auto& [prefix, marker] : families) add(marker);
  return out;
}

Result<Fault> fault_from_issue(const json& issue_json, const FaultSchema& schema, const date::time_zone* zone) {
  if (!issue_json.is_object()) return fail(ErrorKind::Failed, "issue: expected a JSON object");
  Fault fault;
  fault.key = string_at(issue_json, "key");
  fault.id = string_at(issue_json, "id");
  if (const json* property = find_property(issue_json, schema.property_key)) {
    if (auto read = read_property(*property, "properties." + schema.property_key, zone, fault); !read) {
      return std::unexpected(read.error());
    }
  }
  const auto fields = issue_json.find("fields");
  if (fields != issue_json.end() && !fields->is_null()) {
    if (!fields->is_object()) return fail(ErrorKind::Failed, "fields: expected an object");
    if (auto read = read_native_fields(*fields, fault); !read) return std::unexpected(read.error());
    if (auto read = read_bound_fields(*fields, schema, zone, fault); !read) return std::unexpected(read.error());
  }
  // Mapped fields, then the property (both above), then the labels and the priority.
  std::string priority;
  if (fields != issue_json.end() && fields->is_object()) {
    if (const auto it = fields->find("priority"); it != fields->end() && it->is_object()) priority = string_at(*it, "name");
  }
  fill_from_labels(fault, priority);
  return fault;
}

}  // namespace faultline::core
