// A fault's action sub-tasks: consistent reads, bulk create, update, owner lookup, mark done.
#include "faultline/app/action_repository.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/users.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

constexpr std::string_view k_kind_label_prefix = "fault-action-kind-";

bool has_label(const std::vector<std::string>& labels, std::string_view label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

std::vector<std::string> labels_of(const jira::Issue& issue) {
  std::vector<std::string> labels;
  auto it = issue.fields.find("labels");
  if (it == issue.fields.end() || !it->is_array()) return labels;
  for (const auto& label : *it)
    if (label.is_string()) labels.push_back(label.get<std::string>());
  return labels;
}

Result<ExistingAction> to_existing(const jira::Issue& issue) {
  nlohmann::json json{{"id", issue.id}, {"key", issue.key}, {"fields", issue.fields}, {"properties", issue.properties}};
  FAULTLINE_TRY(action, core::action_from_issue(json));
  return ExistingAction{std::move(*action), labels_of(issue)};
}

// The labels an action sub-task should carry: its other labels kept, the faultline markers
// (fault-action, id, kind) set from `spec`.
std::vector<std::string> wanted_labels(const std::vector<std::string>& current, const ActionSpec& spec) {
  std::vector<std::string> labels;
  for (const auto& label : current) {
    if (label == core::k_action_label) continue;
    if (label.starts_with(core::k_action_id_label_prefix) || label.starts_with(k_kind_label_prefix)) continue;
    labels.push_back(label);
  }
  labels.push_back(std::string(core::k_action_label));
  labels.push_back(core::action_id_label(spec.id));
  if (!spec.kind.empty()) labels.push_back(action_kind_label(spec.kind));
  return labels;
}

bool differs(const ActionSpec& spec, const ExistingAction& existing) {
  const auto& a = existing.action;
  if (a.summary != spec.summary) return true;
  if (a.due != spec.due) return true;
  const std::string owner = spec.assignee ? spec.assignee->id : "";
  if (a.owner != owner) return true;
  auto labels = wanted_labels(existing.labels, spec);
  auto current = existing.labels;
  std::sort(labels.begin(), labels.end());
  std::sort(current.begin(), current.end());
  return labels != current;
}

// The faultline.action property of an action sub-task.
nlohmann::json action_property(std::string_view fault_key, const ActionSpec& spec) {
  return {{"id", spec.id}, {"kind", spec.kind}, {"fault", std::string(fault_key)}};
}

// The action as it was sent, for a sub-task that was created but could not be read back.
core::Action sent_action(std::string_view fault_key, const ActionSpec& spec, const std::string& key) {
  core::Action action;
  action.key = key;
  action.id = spec.id;
  action.summary = spec.summary;
  action.due = spec.due;
  action.kind = spec.kind;
  action.parent = std::string(fault_key);
  if (spec.assignee) action.owner = spec.assignee->id;
  return action;
}

}  // namespace

std::string action_kind_label(std::string_view kind) { return std::string(k_kind_label_prefix) + std::string(kind); }

std::vector<ActionMatch> match_actions(const std::vector<ActionSpec>& specs, const std::vector<ExistingAction>& existing) {
  std::vector<ActionMatch> matches;
  for (const auto& spec : specs) {
    ActionMatch match;
    for (std::size_t i = 0; i < existing.size(); ++i) {
      const auto& a = existing[i].action;
      if (spec.key.empty() ? (!a.id.empty() && a.id == spec.id) : iequals(a.key, spec.key)) {
        match.existing = i;
        break;
      }
    }
    if (match.existing) match.needs_update = differs(spec, existing[*match.existing]);
    matches.push_back(match);
  }
  return matches;
}

ActionRepository::ActionRepository(jira::Client& client, const config::Config& config) : m_client(client), m_config(config) {}

Result<jira::UserRef> ActionRepository::resolve_owner(std::string_view name) {
  if (auto it = m_owners.find(name); it != m_owners.end()) return it->second;
  FAULTLINE_TRY(user, resolve_user(m_client, m_config, name, "owner"));
  m_owners.emplace(std::string(name), *user);
  return *user;
}

jira::IssueQuery ActionRepository::action_query() const {
  jira::IssueQuery query;
  query.fields = core::action_fields();
  query.properties = {std::string(core::k_action_property)};
  return query;
}

Result<ExistingAction> ActionRepository::get(std::string_view key) {
  FAULTLINE_TRY(issue, m_client.get_issue(key, action_query()));
  if (!has_label(labels_of(*issue), core::k_action_label))
    return fail(ErrorKind::Usage, fmt::format("{} is not a fault action (it has no '{}' label)", key, core::k_action_label),
                "fault actions are sub-tasks made by `faultline actions add` or `review publish`");
  return to_existing(*issue);
}

Result<std::vector<ExistingAction>> ActionRepository::list(std::string_view fault_key) {
  jira::IssueQuery parent_query;
  parent_query.fields = {"subtasks"};
  FAULTLINE_TRY(parent, m_client.get_issue(fault_key, parent_query));
  std::vector<ExistingAction> out;
  auto subtasks = parent->fields.find("subtasks");
  if (subtasks == parent->fields.end() || !subtasks->is_array()) return out;
  for (const auto& sub : *subtasks) {
    const auto key = sub.value("key", std::string());
    if (key.empty()) continue;
    auto issue = m_client.get_issue(key, action_query());
    if (!issue) {
      if (issue.error().kind == ErrorKind::NotFound) continue;  // deleted meanwhile
      return std::unexpected(issue.error());
    }
    if (!has_label(labels_of(*issue), core::k_action_label)) continue;
    FAULTLINE_TRY(existing, to_existing(*issue));
    if (existing->action.parent.empty()) existing->action.parent = std::string(fault_key);
    out.push_back(std::move(*existing));
  }
  return out;
}

jira::IssueInput ActionRepository::create_input(std::string_view fault_key, const ActionSpec& spec) const {
  jira::IssueInput input;
  input.fields["project"] = {{"key", m_config.jira.project}};
  input.fields["issuetype"] = {{"name", m_config.jira.subtask_type}};
  input.fields["parent"] = {{"key", std::string(fault_key)}};
  input.fields["summary"] = spec.summary;
  if (spec.due) input.fields["duedate"] = core::format_date(*spec.due);
  if (spec.assignee) input.fields["assignee"] = m_client.user_json(*spec.assignee);
  input.fields["labels"] = wanted_labels({}, spec);
  input.properties.push_back({std::string(core::k_action_property), action_property(fault_key, spec)});
  return input;
}

void ActionRepository::create_missing(std::string_view fault_key, const std::vector<ActionSpec>& specs,
                                      const std::vector<ActionMatch>& matches, std::vector<SyncedAction>& out,
                                      std::vector<std::string>& failures) {
  std::vector<jira::IssueInput> inputs;
  std::vector<std::size_t> input_spec;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (matches[i].existing) continue;
    if (!specs[i].key.empty()) {
      failures.push_back(fmt::format("{}: not an action sub-task of {}", specs[i].key, fault_key));
      continue;
    }
    inputs.push_back(create_input(fault_key, specs[i]));
    input_spec.push_back(i);
  }
  if (inputs.empty()) return;
  auto created = m_client.create_issues(inputs);  // one bulk call per 50
  for (std::size_t n = 0; n < created.items.size() && n < input_spec.size(); ++n) {
    const auto i = input_spec[n];
    const auto& item = created.items[n];
    if (!item) {
      failures.push_back(
          fmt::format("action '{}' ({}): {}", shorten_for_message(specs[i].summary), specs[i].id, item.error().message));
      continue;
    }
    out[i].created = true;
    if (auto read = get(item->key)) {
      out[i].action = read->action;
    } else {  // written but not readable now: report what was sent
      out[i].action = sent_action(fault_key, specs[i], item->key);
    }
  }
}

std::optional<std::string> ActionRepository::update_one(std::string_view fault_key, const ActionSpec& spec,
                                                        const ExistingAction& current) {
  const auto& key = current.action.key;
  jira::IssueInput input;
  input.fields["summary"] = spec.summary;
  input.fields["duedate"] = spec.due ? nlohmann::json(core::format_date(*spec.due)) : nlohmann::json(nullptr);
  input.fields["labels"] = wanted_labels(current.labels, spec);
  if (auto edited = m_client.edit_issue(key, input); !edited) return fmt::format("{}: {}", key, edited.error().message);
  const std::string owner = spec.assignee ? spec.assignee->id : "";
  if (owner != current.action.owner) {
    if (auto assigned = m_client.assign(key, spec.assignee); !assigned)
      return fmt::format("{}: assignee: {}", key, assigned.error().message);
  }
  (void)m_client.set_property(key, core::k_action_property, action_property(fault_key, spec));
  return std::nullopt;
}

Result<std::vector<SyncedAction>> ActionRepository::sync(std::string_view fault_key, const std::vector<ActionSpec>& specs,
                                                         const std::vector<ExistingAction>& existing) {
  const auto matches = match_actions(specs, existing);
  std::vector<SyncedAction> out(specs.size());
  std::vector<std::string> failures;
  create_missing(fault_key, specs, matches, out, failures);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!matches[i].existing) continue;
    const auto& current = existing[*matches[i].existing];
    out[i].action = current.action;
    if (!matches[i].needs_update) continue;
    if (auto failure = update_one(fault_key, specs[i], current)) {
      failures.push_back(std::move(*failure));
      continue;
    }
    out[i].updated = true;
    if (auto read = get(current.action.key)) out[i].action = read->action;
  }
  if (!failures.empty()) {
    return fail(ErrorKind::Failed,
                fmt::format("{} of {} action sub-tasks of {} could not be written: {}", failures.size(), specs.size(),
                            fault_key, fmt::join(failures, "; ")),
                "re-run the same command: sub-tasks already written are found by their id label and not created twice");
  }
  return out;
}

std::vector<ClosedDuplicate> find_duplicate_actions(const std::vector<ExistingAction>& actions) {
  std::map<std::string, std::vector<std::string>> keys_by_id;
  for (const auto& a : actions)
    if (!a.action.id.empty()) keys_by_id[a.action.id].push_back(a.action.key);
  std::vector<ClosedDuplicate> out;
  for (auto& [id, keys] : keys_by_id) {
    if (keys.size() < 2) continue;
    std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) { return core::key_less(a, b); });
    for (std::size_t i = 1; i < keys.size(); ++i) out.push_back({id, keys.front(), keys[i]});
  }
  return out;
}

Result<std::vector<ClosedDuplicate>> ActionRepository::close_duplicates(std::vector<ExistingAction>& actions) {
  const auto duplicates = find_duplicate_actions(actions);
  for (const auto& dup : duplicates) {
    const auto current = std::find_if(actions.begin(), actions.end(),
                                      [&](const ExistingAction& a) { return a.action.key == dup.closed; });
    const auto text = fmt::format("Duplicate of {}: the review action `{}` was created twice by two publishes at "
                                  "once; {} is kept and this sub-task is closed by faultline.",
                                  dup.kept, dup.id, dup.kept);
    FAULTLINE_TRY(commented, ensure_comment(m_client, dup.closed, op_key({"duplicate-action", dup.closed, dup.kept}), text));
    std::vector<std::string> labels;
    for (const auto& label : current->labels)
      if (!label.starts_with(core::k_action_label)) labels.push_back(label);
    labels.emplace_back(k_duplicate_action_label);
    jira::IssueInput input;
    input.fields["labels"] = labels;
    if (auto edited = m_client.edit_issue(dup.closed, input); !edited) return std::unexpected(edited.error());
    if (!core::action_is_done(current->action)) {
      if (auto moved = advance_to_done(m_client, m_config.jira.workflow, dup.closed); !moved)
        return std::unexpected(moved.error());
    }
    actions.erase(current);
  }
  return duplicates;
}

Result<std::vector<core::Action>> ActionRepository::search_open(int limit) {
  jira::SearchRequest request;
  request.jql = core::jql_and({"project = " + core::jql_quote(m_config.jira.project),
                               "labels = " + core::jql_quote(core::k_action_label),
                               "statusCategory != " + core::jql_quote("Done")}) +
                " ORDER BY duedate ASC, key ASC";
  request.fields = core::action_fields();
  request.properties = {std::string(core::k_action_property)};
  request.limit = limit;
  FAULTLINE_TRY(issues, m_client.search(request));
  std::vector<core::Action> out;
  for (const auto& issue : *issues) {
    FAULTLINE_TRY(existing, to_existing(issue));
    if (core::action_is_done(existing->action)) continue;
    out.push_back(std::move(existing->action));
  }
  return out;
}

Result<SyncedAction> ActionRepository::mark_done(std::string_view key) {
  FAULTLINE_TRY(current, get(key));
  if (core::action_is_done(current->action)) return SyncedAction{current->action, false, false};
  if (auto moved = advance_to_done(m_client, m_config.jira.workflow, key); !moved) return std::unexpected(moved.error());
  FAULTLINE_TRY(read, get(key));
  return SyncedAction{read->action, false, true};
}

}  // namespace faultline::app
