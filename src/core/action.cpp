// Fault actions read from Jira issue JSON, their labels and their overdue arithmetic. Pure.
#include "faultline/core/action.hpp"

#include <fmt/format.h>

#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;
namespace ja = faultline::json_access;

constexpr std::string_view k_kind_label_prefix = "fault-action-kind-";

bool is_id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool is_known_kind(std::string_view kind) {
  return kind == "prevent" || kind == "mitigate" || kind == "detect" || kind == "process";
}

// The user field's identity: accountId on Cloud, name (else key) on Data Center.
std::string user_id(const json& user) {
  if (!user.is_object()) return {};
  if (auto id = ja::text(user, "accountId"); !id.empty()) return id;
  if (auto name = ja::text(user, "name"); !name.empty()) return name;
  return ja::text(user, "key");
}

}  // namespace

std::string action_id_label(std::string_view action_id) {
  return fmt::format("{}{}", k_action_id_label_prefix, action_id);
}

bool is_valid_action_id(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  if (id.front() == '-') return false;
  for (const char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::vector<std::string> action_fields() {
  return {"summary", "parent", "assignee", "duedate", "status", "labels", "created", "resolutiondate"};
}

std::vector<std::string> action_field_members() {
  return {"parent.key",    "parent.fields.summary", "assignee.accountId", "assignee.name",
          "assignee.key",  "assignee.displayName",  "status.name",        "status.statusCategory.key"};
}

std::vector<std::string> subtask_list_members() { return {"subtasks.id", "subtasks.key"}; }

std::optional<date::year_month_day> parse_due_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < lengths[i]; ++j) {
      const char c = text[starts[i] + j];
      if (c < '0' || c > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const date::year_month_day day{date::year{parts[0]}, date::month{static_cast<unsigned>(parts[1])},
                                 date::day{static_cast<unsigned>(parts[2])}};
  if (!day.ok()) return std::nullopt;
  return day;
}

Result<Action> action_from_issue(const json& issue) {
  Action action;
  action.key = ja::text(issue, "key");
  if (action.key.empty()) {
    return fail(ErrorKind::Failed, "an action sub-task in the search result has no key",
                "this is a Jira answer faultline cannot read; re-run with --verbose and report it");
  }
  const json& fields = ja::member(issue, "fields");
  action.summary = ja::text(fields, "summary");

  const json& parent = ja::member(fields, "parent");
  action.parent = ja::text(parent, "key");
  action.parent_summary = ja::text(ja::member(parent, "fields"), "summary");

  const json& assignee = ja::member(fields, "assignee");
  action.owner = user_id(assignee);
  action.owner_display = ja::text(assignee, "displayName");

  if (const auto due_text = ja::text(fields, "duedate"); !due_text.empty()) {
    action.due = parse_due_date(due_text);
    if (!action.due) {
      return fail(ErrorKind::Failed,
                  fmt::format("{}: duedate \"{}\" is not a date (YYYY-MM-DD)", action.key, due_text),
                  "fix the due date of the sub-task in Jira");
    }
  }

  // Unreadable times are left unknown: they only feed statistics, which count them as missing.
  action.created = parse_timestamp(ja::text(fields, "created"));
  action.resolved = parse_timestamp(ja::text(fields, "resolutiondate"));

  const json& status = ja::member(fields, "status");
  action.status = ja::text(status, "name");
  action.status_category = ja::text(ja::member(status, "statusCategory"), "key");

  for (const auto& label : ja::array(fields, "labels")) {
    if (!label.is_string()) continue;
    const auto& text = label.get_ref<const std::string&>();
    std::string_view view = text;
    if (view.starts_with(k_kind_label_prefix)) {
      const auto kind = view.substr(k_kind_label_prefix.size());
      if (is_known_kind(kind)) action.kind = std::string(kind);
    } else if (view.starts_with(k_action_id_label_prefix)) {
      const auto id = view.substr(k_action_id_label_prefix.size());
      if (is_valid_action_id(id)) action.id = std::string(id);
    }
  }

  // The entity property, when the search asked for it (properties=faultline.action).
  const json& property = ja::member(ja::member(issue, "properties"), k_action_property);
  if (property.is_object()) {
    if (action.id.empty()) {
      const auto id = ja::text(property, "id");
      if (is_valid_action_id(id)) action.id = id;
    }
    if (action.kind.empty()) {
      const auto kind = ja::text(property, "kind");
      if (is_known_kind(kind)) action.kind = kind;
    }
    if (action.parent.empty()) action.parent = ja::text(property, "fault");
  }
  return action;
}

bool action_is_done(const Action& action) { return action.status_category == "done"; }

int days_overdue(const Action& action, date::year_month_day today) {
  if (!action.due || action_is_done(action)) return 0;
  const auto days = (date::sys_days{today} - date::sys_days{*action.due}).count();
  return days > 0 ? static_cast<int>(days) : 0;
}

json action_to_json(const Action& action, date::year_month_day today) {
  // Member by member: an initializer list would build a two-element array per member and
  // copy each string twice (a 10,000-action board makes a few hundred thousand of them).
  json item = json::object();
  item["key"] = action.key;
  item["id"] = action.id;
  item["kind"] = action.kind;
  item["parent"] = action.parent;
  item["parent_summary"] = action.parent_summary;
  item["summary"] = action.summary;
  item["owner"] = action.owner;
  item["owner_display"] = action.owner_display;
  item["due"] = action.due ? json(format_date(*action.due)) : json(nullptr);
  item["status"] = action.status;
  item["status_category"] = action.status_category;
  item["days_overdue"] = days_overdue(action, today);
  return item;
}

std::string owner_label(const Action& action) {
  if (!action.owner_display.empty()) return action.owner_display;
  return action.owner.empty() ? "(unassigned)" : action.owner;
}

}  // namespace faultline::core
