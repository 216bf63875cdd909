// A fault's action sub-tasks: consistent reads, bulk create, update, owner lookup, mark done.
#include "faultline/app/action_repository.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/users.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::app {

namespace {

constexpr std::string_view k_kind_label_prefix = "fault-action-kind-";

// How many request chains a batch of independent writes or reads runs side by side.
constexpr std::size_t k_lanes = 8;
// Issues per Cloud bulk fetch (POST /issue/bulkfetch takes at most 100).
constexpr std::size_t k_bulk_fetch_limit = 100;

// Runs each(i) for i in [0, count) on at most k_lanes threads at once (one wave: lane l does
// items l, l + lanes, ... one after another). each() must only touch item i's own state.
void for_each_concurrently(std::size_t count, const std::function<void(std::size_t)>& each) {
  if (count == 0) return;
  if (count == 1) {
    each(0);
    return;
  }
  const std::size_t lanes = std::min(count, k_lanes);
  std::vector<std::function<void()>> tasks;
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    tasks.emplace_back([&each, lane, lanes, count] {
      for (std::size_t i = lane; i < count; i += lanes) each(i);
    });
  }
  util::run_wave(tasks);
}

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
  // Indexed once (the first sub-task of each id or key wins, as a scan would find it): linear
  // in specs + sub-tasks, not their product (10,000 actions).
  std::unordered_map<std::string, std::size_t> by_id, by_key;
  for (std::size_t i = 0; i < existing.size(); ++i) {
    const auto& a = existing[i].action;
    if (!a.id.empty()) by_id.emplace(a.id, i);
    by_key.emplace(lower(a.key), i);
  }
  std::vector<ActionMatch> matches;
  matches.reserve(specs.size());
  for (const auto& spec : specs) {
    ActionMatch match;
    const auto& index = spec.key.empty() ? by_id : by_key;
    if (auto it = index.find(spec.key.empty() ? spec.id : lower(spec.key)); it != index.end()) match.existing = it->second;
    if (match.existing) match.needs_update = differs(spec, existing[*match.existing]);
    matches.push_back(match);
  }
  return matches;
}

ActionRepository::ActionRepository(jira::Client& client, const config::Config& config) : m_client(client), m_config(config) {}

Result<jira::UserRef> ActionRepository::resolve_owner(std::string_view name) {
  if (auto it = m_owners.find(name); it != m_owners.end()) return it->second;
  if (auto it = m_owner_errors.find(name); it != m_owner_errors.end()) return std::unexpected(it->second);
  FAULTLINE_TRY(user, resolve_named_user(m_client, m_config, name, "owner"));
  m_owners.emplace(std::string(name), user->ref);
  m_owner_displays.emplace(std::string(name), user->display_name);
  return user->ref;
}

std::string ActionRepository::owner_display(std::string_view name) const {
  const auto it = m_owner_displays.find(name);
  return it == m_owner_displays.end() ? std::string() : it->second;
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

void ActionRepository::prefetch_owners(const std::vector<std::string>& names) {
  std::vector<std::string> todo;
  for (const auto& name : names) {
    if (name.empty() || m_owners.contains(name) || m_owner_errors.contains(name)) continue;
    if (std::find(todo.begin(), todo.end(), name) == todo.end()) todo.push_back(name);
  }
  std::vector<std::optional<Result<NamedUser>>> found(todo.size());
  // Independent lookups, one per owner: one wave (the cache is filled afterwards, on this thread).
  for_each_concurrently(todo.size(), [&](std::size_t i) {
    found[i] = resolve_named_user(m_client, m_config, todo[i], "owner");
  });
  for (std::size_t i = 0; i < todo.size(); ++i) {
    if (*found[i]) {
      m_owners.emplace(todo[i], (*found[i])->ref);
      m_owner_displays.emplace(todo[i], (*found[i])->display_name);
    } else {
      m_owner_errors.emplace(todo[i], found[i]->error());
    }
  }
}

Result<std::vector<ExistingAction>> ActionRepository::search(std::string_view fault_key) {
  const bool cloud = m_client.flavor() == jira::Flavor::Cloud;
  jira::SearchRequest request;
  request.jql = "parent = " + core::jql_quote(fault_key) + " ORDER BY key ASC";
  request.fields = core::action_fields();
  request.kept_members = core::action_field_members();
  // Data Center's search takes no `properties`: the id and kind are read from the labels.
  if (cloud) request.properties = {std::string(core::k_action_property)};
  request.page_size = cloud ? 100 : 1000;  // Jira grants what it allows (DC: up to its maxResults)
  if (cloud) request.limit = request.page_size;  // the rest by key (complete()), concurrently
  FAULTLINE_TRY(issues, m_client.search(request));
  std::vector<ExistingAction> out;
  out.reserve(issues->size());
  for (const auto& issue : *issues) {
    FAULTLINE_TRY(existing, to_existing(issue));
    if (existing->action.parent.empty()) existing->action.parent = std::string(fault_key);
    out.push_back(std::move(*existing));
  }
  return out;
}

Result<void> ActionRepository::complete(std::string_view fault_key, std::vector<ExistingAction>& found,
                                        const nlohmann::json& parent_subtasks, bool bulk_fetch) {
  std::vector<std::string> order;
  if (parent_subtasks.is_array()) {
    for (const auto& sub : parent_subtasks)
      if (auto key = sub.value("key", std::string()); !key.empty()) order.push_back(std::move(key));
  }
  std::map<std::string, ExistingAction> by_key;
  for (auto& a : found) by_key.emplace(a.action.key, std::move(a));
  std::vector<std::string> missing;
  for (const auto& key : order)
    if (!by_key.contains(key)) missing.push_back(key);

  if (!missing.empty()) {
    // Sub-tasks the search did not show (Cloud's index lags writes; more than one page):
    // fetched by key, every request of them in one wave.
    const bool cloud = bulk_fetch && m_client.flavor() == jira::Flavor::Cloud;
    const std::size_t per_request = cloud ? k_bulk_fetch_limit : 1;
    const std::size_t requests = (missing.size() + per_request - 1) / per_request;
    std::vector<std::vector<jira::Issue>> fetched(requests);
    std::vector<std::optional<Error>> errors(requests);
    for_each_concurrently(requests, [&](std::size_t r) {
      const auto first = missing.begin() + static_cast<std::ptrdiff_t>(r * per_request);
      const auto last = missing.begin() + static_cast<std::ptrdiff_t>(std::min(missing.size(), (r + 1) * per_request));
      if (!cloud) {
        auto issue = m_client.get_issue(*first, action_query());
        if (issue) fetched[r].push_back(std::move(*issue));
        else if (issue.error().kind != ErrorKind::NotFound) errors[r] = issue.error();  // deleted meanwhile: skipped
        return;
      }
      nlohmann::json body{{"issueIdsOrKeys", std::vector<std::string>(first, last)},
                          {"fields", core::action_fields()},
                          {"properties", {std::string(core::k_action_property)}}};
      auto reply = m_client.call(http::Method::Post, std::string(m_client.api_root()) + "/issue/bulkfetch", {}, &body,
                                  http::RetrySafety::ReadOnly);  // a POST that only reads
      if (!reply) {
        errors[r] = reply.error();
        return;
      }
      const auto issues = reply->body.value("issues", nlohmann::json::array());
      for (const auto& issue : issues) fetched[r].push_back(jira::parse_issue(issue));
    });
    for (const auto& error : errors)
      if (error) return std::unexpected(*error);
    for (auto& batch : fetched) {
      for (auto& issue : batch) {
        FAULTLINE_TRY(existing, to_existing(issue));
        if (existing->action.parent.empty()) existing->action.parent = std::string(fault_key);
        by_key.insert_or_assign(existing->action.key, std::move(*existing));
      }
    }
  }
  found.clear();
  for (const auto& key : order) {
    auto it = by_key.find(key);
    if (it == by_key.end()) continue;  // deleted meanwhile
    if (!has_label(it->second.labels, core::k_action_label)) continue;
    found.push_back(std::move(it->second));
  }
  return {};
}

Result<std::vector<ExistingAction>> ActionRepository::list(std::string_view fault_key) {
  // The parent's sub-task list (consistent), then every sub-task by key in one wave.
  jira::IssueQuery parent_query;
  parent_query.fields = {"subtasks"};
  parent_query.kept_members = core::subtask_list_members();
  FAULTLINE_TRY(parent, m_client.get_issue(fault_key, parent_query));
  std::vector<ExistingAction> out;
  const auto subtasks = parent->fields.value("subtasks", nlohmann::json::array());
  if (auto done = complete(fault_key, out, subtasks, false); !done) return std::unexpected(done.error());
  return out;
}

Result<std::vector<ExistingAction>> ActionRepository::list_by_search(std::string_view fault_key) {
  // Data Center's search is consistent: one search is the list.
  if (m_client.flavor() != jira::Flavor::Cloud) {
    auto found = search(fault_key);
    if (!found) {
      // A missing fault is a JQL error ("An issue with key ... does not exist"): say NotFound.
      jira::IssueQuery probe;
      probe.fields = {"summary"};
      if (auto parent = m_client.get_issue(fault_key, probe); !parent) return std::unexpected(parent.error());
      return std::unexpected(found.error());
    }
    std::vector<ExistingAction> out;
    for (auto& a : *found)
      if (has_label(a.labels, core::k_action_label)) out.push_back(std::move(a));
    return out;
  }
  // Cloud: the consistent sub-task list and the (lagging) search's first page, in one wave;
  // what the search did not show is fetched by key.
  jira::IssueQuery parent_query;
  parent_query.fields = {"subtasks"};
  parent_query.kept_members = core::subtask_list_members();
  Result<jira::Issue> parent = std::unexpected(Error{});
  Result<std::vector<ExistingAction>> found = std::unexpected(Error{});
  util::wave([&] { parent = m_client.get_issue(fault_key, parent_query); }, [&] { found = search(fault_key); });
  if (!parent) return std::unexpected(parent.error());
  if (!found) return std::unexpected(found.error());
  const auto subtasks = parent->fields.value("subtasks", nlohmann::json::array());
  if (auto done = complete(fault_key, *found, subtasks); !done) return std::unexpected(done.error());
  return std::move(*found);
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
  // Jira's bulk create takes 50 per request: the chunks go out concurrently (one wave), each
  // answer mapped back to its inputs. Nothing is read back: the answer gives the key, the
  // rest is what was sent (status and owner display name come from the next list()).
  constexpr std::size_t chunk = 50;
  const std::size_t chunks = (inputs.size() + chunk - 1) / chunk;
  std::vector<jira::BulkCreateResult> answers(chunks);
  for_each_concurrently(chunks, [&](std::size_t c) {
    const std::size_t first = c * chunk;
    const std::size_t count = std::min(chunk, inputs.size() - first);
    answers[c] = m_client.create_issues(std::span<const jira::IssueInput>(inputs).subspan(first, count));
  });
  std::size_t n = 0;
  for (const auto& answer : answers) {
    for (const auto& item : answer.items) {
      if (n >= input_spec.size()) break;
      const auto i = input_spec[n++];
      if (!item) {
        failures.push_back(
            fmt::format("action '{}' ({}): {}", shorten_for_message(specs[i].summary), specs[i].id, item.error().message));
        continue;
      }
      out[i].created = true;
      out[i].action = sent_action(fault_key, specs[i], item->key);
      out[i].action.owner_display = owner_display(specs[i].owner);  // as the owner lookup named them
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
  // The bulk creates and the updates do not depend on each other: one wave. Each update is
  // its own chain (edit, then assignee and property when needed).
  std::vector<std::size_t> to_update;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!matches[i].existing) continue;
    out[i].action = existing[*matches[i].existing].action;
    if (matches[i].needs_update) to_update.push_back(i);
  }
  std::vector<std::optional<std::string>> update_failures(to_update.size());
  util::wave([&] { create_missing(fault_key, specs, matches, out, failures); },
             [&] {
               for_each_concurrently(to_update.size(), [&](std::size_t u) {
                 const auto i = to_update[u];
                 update_failures[u] = update_one(fault_key, specs[i], existing[*matches[i].existing]);
               });
             });
  for (std::size_t u = 0; u < to_update.size(); ++u) {
    const auto i = to_update[u];
    if (update_failures[u]) {
      failures.push_back(std::move(*update_failures[u]));
      continue;
    }
    out[i].updated = true;
    auto& action = out[i].action;  // as written: what changed comes from the spec
    action.summary = specs[i].summary;
    action.due = specs[i].due;
    action.kind = specs[i].kind;
    const std::string owner = specs[i].assignee ? specs[i].assignee->id : "";
    if (action.owner != owner) {
      action.owner = owner;
      action.owner_display = owner_display(specs[i].owner);  // as the owner lookup named them
    }
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
  request.kept_members = core::action_field_members();
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
