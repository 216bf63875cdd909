// Fault actions outside a review: add one (idempotent by its id), list a fault's actions or
// every open one, mark one done.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/action_repository.hpp"

namespace faultline::app {

class Services;

struct AddActionRequest {
  std::string key;  // the fault
  std::string summary;
  std::string owner;  // people key or Jira user
  std::string due;    // YYYY-MM-DD or relative (+7d)
  std::string kind = "prevent";
  std::string id;  // "" = derived from the summary as review files derive it
};

struct AddedAction {
  SyncedAction result;
  std::string fault_key;
  std::string id;
  std::string url;
  nlohmann::json json;  // {"action": {... "url"}, "created", "updated"}
};

// Creates the action sub-task, or updates it when its owner, due date or kind changed.
// Error: Usage for a bad kind, id, summary, due date (also one in the past) or owner;
// NotFound for the fault; Jira's error.
Result<AddedAction> add_action(Services& services, const AddActionRequest& request);

struct ActionList {
  std::vector<core::Action> actions;
  date::year_month_day today;
  nlohmann::json json;  // [action model + "url"]
};

// A fault's action sub-tasks (read consistently, done ones included), or with no key every
// open action of the project (by search, at most `limit`). Error: NotFound; Jira's error.
Result<ActionList> list_actions(Services& services, const std::string& fault_key, int limit);

struct DoneAction {
  SyncedAction result;  // updated = false when it was done already
  std::string url;
  nlohmann::json json;  // {"action": {... "url"}, "changed"}
};

// Moves the action to a Done status (ActionRepository::mark_done). Error: Usage when the issue
// is not a fault action; Failed when no transition leads to done; Jira's error.
Result<DoneAction> mark_action_done(Services& services, const std::string& key);

}  // namespace faultline::app
