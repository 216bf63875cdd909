// A fault's action sub-tasks in Jira: read by key after the parent's `subtasks` field (a
// strongly consistent read; list()), or with one `parent = KEY` search checked against that
// field (list_by_search(): a sub-task Cloud's lagging index does not show yet is fetched by key,
// Cloud: POST /issue/bulkfetch, 100 per request, concurrently), so a re-run — even right after
// a crash between the bulk create and anything else — never makes a duplicate. (Cloud's index
// may still show an older version of a sub-task changed seconds ago: at worst the same update
// is sent again.) Matched to wanted actions by the stable id in
// their fault-action-id-<id> label, created in bulk (chunks of 50, concurrently) and updated
// (concurrently) when summary, due date, owner or kind changed.
// Also owner resolution (resolve_user, cached; prefetched concurrently) and "mark done".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "faultline/config/config.hpp"
#include "faultline/core/action.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

// The label that carries an action's kind: "fault-action-kind-" + kind.
std::string action_kind_label(std::string_view kind);

// The label an action sub-task keeps when it is closed as a duplicate (its fault-action labels
// are removed, so lists, reminders and statistics no longer count it).
inline constexpr std::string_view k_duplicate_action_label = "fault-action-duplicate";

// One sub-task closed because an older one carries the same action id.
struct ClosedDuplicate {
  std::string id;      // the action id both carry
  std::string kept;    // the older sub-task, which stays
  std::string closed;  // the newer one, closed
};

// An action as faultline wants it to be in Jira.
struct ActionSpec {
  std::string id;       // stable id (core::is_valid_action_id)
  std::string summary;
  std::optional<date::year_month_day> due;
  std::string kind;     // prevent | mitigate | detect | process | ""
  std::string owner;    // as written (people key or Jira user), for messages
  std::optional<jira::UserRef> assignee;  // resolved owner; nullopt = unassigned
  std::string key;      // an existing sub-task key to update ("" = match by id)
};

// An action sub-task as read, with its raw labels (kept on update).
struct ExistingAction {
  core::Action action;
  std::vector<std::string> labels;
};

// The sub-tasks of `actions` that share an action id with an older one (the lower key
// number: Jira numbers issues in creation order), oldest first per id. Pure.
std::vector<ClosedDuplicate> find_duplicate_actions(const std::vector<ExistingAction>& actions);

// What sync() did for one spec, in spec order.
struct SyncedAction {
  core::Action action;   // as read back from Jira after the write (key, status, owner display)
  bool created = false;
  bool updated = false;
};

// Which existing sub-task a spec maps to (index into `existing`, or nullopt = create) and
// whether its fields differ. Pure; used by sync() and by validation.
struct ActionMatch {
  std::optional<std::size_t> existing;
  bool needs_update = false;
};
// Matches each spec: by `key` when set, else by id. Specs whose key is set but absent from
// `existing` get nullopt too (validation reports them before any write).
std::vector<ActionMatch> match_actions(const std::vector<ActionSpec>& specs, const std::vector<ExistingAction>& existing);

class ActionRepository {
public:
  // `client` and `config` must outlive the repository.
  ActionRepository(jira::Client& client, const config::Config& config);

  // The Jira user a config name stands for, checked to exist: resolve_user() (users.hpp) with
  // role "owner", cached per name.
  // Error: Usage naming the owner and how to fix it; the lookup's own error otherwise.
  Result<jira::UserRef> resolve_owner(std::string_view name);
  // Resolves every name not resolved yet at once (one concurrent wave), so resolve_owner()
  // answers from the cache afterwards; a failed lookup is kept and answered as it failed.
  void prefetch_owners(const std::vector<std::string>& names);
  // The display name the lookup of owner `name` answered with ("" when not looked up).
  std::string owner_display(std::string_view name) const;

  // The action sub-tasks (label fault-action) of `fault_key`, in the parent's sub-task order:
  // GET the parent (fields=subtasks), then every sub-task by key, concurrently (one wave).
  // Error: NotFound for the fault.
  Result<std::vector<ExistingAction>> list(std::string_view fault_key);
  // The same list with fewer requests: Data Center (consistent search): the `parent = KEY`
  // search alone. Cloud: the parent's sub-task list and the search's first page together,
  // then complete() with bulk fetches. Error: NotFound for the fault.
  Result<std::vector<ExistingAction>> list_by_search(std::string_view fault_key);

  // The sub-tasks of `fault_key` as the `parent = KEY` search shows them (action fields;
  // Cloud: the faultline.action property inline), unfiltered: every page on Data Center, the
  // first page on Cloud (complete() fetches the rest by key, concurrently, instead of
  // following page tokens one after another). Error: the search's.
  Result<std::vector<ExistingAction>> search(std::string_view fault_key);
  // Makes `found` (from search()) exactly the action sub-tasks in `parent_subtasks` (the
  // parent's `subtasks` field, a consistent read), in its order: the ones the search missed
  // are fetched by key (Cloud with `bulk_fetch`: bulkfetch, 100 per request; else one GET
  // each; all concurrent),
  // the ones no longer under the parent dropped, those without the fault-action label left
  // out. Error: a fetch failed.
  Result<void> complete(std::string_view fault_key, std::vector<ExistingAction>& found,
                        const nlohmann::json& parent_subtasks, bool bulk_fetch = true);

  // One issue read as an action. Error: NotFound; Usage when it is not a fault action
  // (no fault-action label).
  Result<ExistingAction> get(std::string_view key);

  // Creates the missing actions (one bulk call per 50, chunks concurrently) and updates the
  // changed ones (concurrently) under `fault_key`; returns one entry per spec, in order, each
  // built from what was sent (a created one: its key from the answer; the owner's display name
  // from the owner lookup; the status as before, or empty for a new one — re-read with list()
  // when it matters).
  // `existing` is what list() returned.
  // Error: Failed listing every sub-task that could not be created or updated (those that
  // were written stay written: a re-run finds them by their id label).
  Result<std::vector<SyncedAction>> sync(std::string_view fault_key, const std::vector<ActionSpec>& specs,
                                         const std::vector<ExistingAction>& existing);

  // Closes every duplicate find_duplicate_actions() names: a comment on it naming the kept
  // sub-task, its fault-action labels replaced by fault-action-duplicate, then a move to a
  // Done status. Each step is skipped when already done, so two runs doing it at once, or a
  // re-run after a failure, converge. Removes the closed ones from `actions`.
  // Error: a write failed (the rest are left for a re-run).
  Result<std::vector<ClosedDuplicate>> close_duplicates(std::vector<ExistingAction>& actions);

  // Open actions (status category not done) of the project, by search (may lag on Cloud),
  // oldest due date first. Error: the search failed.
  Result<std::vector<core::Action>> search_open(int limit);

  // Moves the action to a Done-category status (advance_to_done: the config's closed status or
  // any Done status, through In-Progress statuses where needed). Returns the action as read
  // afterwards, or as it was when already done. Error: Failed naming the available
  // transitions when no path leads to done.
  Result<SyncedAction> mark_done(std::string_view key);

private:
  jira::IssueInput create_input(std::string_view fault_key, const ActionSpec& spec) const;
  // Creates the specs without a match in bulk; fills `out` for them, failures by name.
  void create_missing(std::string_view fault_key, const std::vector<ActionSpec>& specs,
                      const std::vector<ActionMatch>& matches, std::vector<SyncedAction>& out,
                      std::vector<std::string>& failures);
  // Writes a changed spec to its sub-task; the failure in words, or nullopt.
  std::optional<std::string> update_one(std::string_view fault_key, const ActionSpec& spec, const ExistingAction& current);
  jira::IssueQuery action_query() const;

  jira::Client& m_client;
  const config::Config& m_config;
  std::map<std::string, jira::UserRef, std::less<>> m_owners;
  std::map<std::string, std::string, std::less<>> m_owner_displays;  // owner name -> Jira display name
  std::map<std::string, Error, std::less<>> m_owner_errors;  // lookups prefetch_owners() saw fail
};

}  // namespace faultline::app
