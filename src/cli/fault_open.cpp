// Opening a fault (shared by open, open --from-alert and rollback): the dedupe lookup, the
// create, the settle re-check that converges racing runs on the oldest fault, watch, announce.
#include "faultline/cli/fault_open.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

nlohmann::json OpenOutcome::to_json(const FaultSession& session) const {
  auto key_or_null = [](const std::string& key) { return key.empty() ? nlohmann::json(nullptr) : nlohmann::json(key); };
  return nlohmann::json{{"key", fault.key},
                        {"url", session.jira->browse_url(fault.key)},
                        {"created", created},
                        {"dry_run", dry_run},
                        {"level", fault.level},
                        {"fault", core::fault_to_json(fault, session.zone)},
                        {"duplicates_closed", duplicates_closed},
                        {"duplicate_of", key_or_null(duplicate_of)},
                        {"closed_duplicate", key_or_null(closed_duplicate)},
                        {"operations", operations.to_json()},
                        {"notifications", notifications_json(notifications)}};
}

SettlePolicy default_settle_policy(Context& ctx) {
  using std::chrono::milliseconds;
  SettlePolicy policy;
  policy.pauses = {milliseconds(250), milliseconds(500), milliseconds(1000), milliseconds(1250)};
  policy.sleep = [&ctx](milliseconds pause) { ctx.sleep(pause); };
  return policy;
}

namespace {

// The transition that closes `key`: to the workflow's closed status, else into any status
// of the Done category; nullopt when there is none. Error: the transitions could not be read.
Result<std::optional<jira::Transition>> closing_transition(FaultSession& session, std::string_view key) {
  auto transitions = session.jira->transitions(key);
  if (!transitions) return std::unexpected(transitions.error());
  const auto& closed = session.config->jira.workflow.closed;
  for (const auto& t : *transitions)
    if (!closed.empty() && same_name(t.to_status, closed)) return t;
  for (const auto& t : *transitions)
    if (t.to_category == "done") return t;
  return std::nullopt;
}

// Whether `key` is in a Done-category status now. Error: it could not be read.
Result<bool> is_done(FaultSession& session, std::string_view key) {
  jira::IssueQuery query;
  query.fields = {"status"};
  auto issue = session.jira->get_issue(key, query);
  if (!issue) return std::unexpected(issue.error());
  return issue->status_category() == "done";
}

// Whether `key` is closed, and the fault it was linked to as a duplicate ("" until a racing
// run has linked it). Error: it could not be read.
struct ClosedState {
  bool done = false;
  std::string duplicate_of;
};
Result<ClosedState> closed_state(FaultSession& session, std::string_view key) {
  jira::IssueQuery query;
  query.fields = {"status", "issuelinks"};
  auto issue = session.jira->get_issue(key, query);
  if (!issue) return std::unexpected(issue.error());
  ClosedState state{issue->status_category() == "done", {}};
  // close_duplicates links the closed fault outward ("duplicates") to the winner.
  for (const char* wanted : {"Duplicate", "Relates"}) {
    for (const auto& link : issue->fields.value("issuelinks", nlohmann::json::array())) {
      if (!link.is_object() || !link.contains("outwardIssue") || !link["outwardIssue"].is_object()) continue;
      const auto type = link.value("type", nlohmann::json::object());
      if (!type.is_object() || !same_name(type.value("name", ""), wanted)) continue;
      state.duplicate_of = link["outwardIssue"].value("key", "");
      if (!state.duplicate_of.empty()) return state;
    }
  }
  return state;
}

// Closes `dup` as a duplicate of `winner` with a comment. Done-category already counts as
// closed (a racing run got there first). Error: no closing transition, or Jira refused it.
Result<void> close_one(FaultSession& session, const core::Fault& winner, const core::Fault& dup) {
  auto transition = closing_transition(session, dup.key);
  if (!transition) return std::unexpected(transition.error());
  if (!*transition) {
    auto done = is_done(session, dup.key);
    if (!done) return std::unexpected(done.error());
    if (*done) return {};
    return fail(ErrorKind::Failed,
                fmt::format("{}: no transition leads to '{}' or to any Done status, so it cannot be closed as a "
                            "duplicate of {}",
                            dup.key, session.config->jira.workflow.closed, winner.key),
                "set [jira.workflow] closed to the status that ends this project's workflow");
  }
  jira::TransitionInput input;
  input.comment_markdown =
      dup.dedupe_key.empty()
          ? fmt::format("Duplicate of {}: closed by faultline.", winner.key)
          : fmt::format("Duplicate of {}: the same dedupe key (`{}`) was reported twice at once; {} is the older "
                        "fault and stays open.",
                        winner.key, dup.dedupe_key, winner.key);
  if (auto moved = session.jira->transition(dup.key, (*transition)->id, input); !moved) {
    // A racing run may have closed it between our two requests.
    auto done = is_done(session, dup.key);
    if (done && *done) return {};
    return std::unexpected(moved.error());
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults) {
  std::vector<std::string> closed;
  if (open_faults.size() < 2) return closed;
  const auto& winner = open_faults.front();
  auto types = session.jira->issue_link_types();
  if (!types) return std::unexpected(types.error());
  std::string link_type;
  for (const char* wanted : {"Duplicate", "Relates"}) {
    auto found = std::find_if(types->begin(), types->end(), [&](const jira::IssueLinkType& t) { return same_name(t.name, wanted); });
    if (found != types->end()) {
      link_type = found->name;
      break;
    }
  }
  for (std::size_t i = 1; i < open_faults.size(); ++i) {
    const auto& dup = open_faults[i];
    if (dup.key == winner.key) continue;
    if (auto done = close_one(session, winner, dup); !done) return std::unexpected(done.error());
    // Outward "duplicates" inward: the closed one duplicates the winner. Repeats are harmless.
    if (!link_type.empty()) {
      if (auto linked = session.jira->link_issues(link_type, winner.key, dup.key); !linked)
        return std::unexpected(linked.error());
    }
    closed.push_back(dup.key);
  }
  return closed;
}

namespace {

// Sends fault.opened for the outcome's fault (deduplicated per channel by the sent log).
void announce_opened(Context& ctx, FaultSession& session, OpenOutcome& outcome) {
  const auto& fault = outcome.fault;
  nlohmann::json data{{"fault", fault_event_json(fault, session.zone)},
                      {"link", {{"url", session.jira->browse_url(fault.key)}, {"title", fault.key}}},
                      {"mentions", mentions_json(fault.coordinator)},
                      {"dedupe_key", fault.key + ":fault.opened"}};
  outcome.notifications = notify_fault_event(ctx, *session.jira, fault.key, "fault.opened", data);
}

// Looks again after creating `made` until the dedupe key's open faults settle: Cloud's index
// may not show a racing run's issue yet, so the search (reconciling our own id) repeats over
// the policy's pauses; Data Center's search is consistent and runs once. Of two or more open
// faults the oldest wins and the others are closed as its duplicates; when ours lost, the
// outcome stands for the winner. Returns Done when something was closed (or ours was found
// closed by a racing run), else Skipped. Error: a search, transition or link failed.
Result<OpStatus> settle_after_create(FaultSession& session, const CreatedFault& made, const SettlePolicy& settle,
                                     OpenOutcome& outcome) {
  auto& repo = *session.repository;
  auto& fault = outcome.fault;
  const std::size_t attempts = session.jira->flavor() == jira::Flavor::Cloud ? 1 + settle.pauses.size() : 1;
  bool ours_closed = false;
  for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0 && settle.sleep) settle.sleep(settle.pauses[attempt - 1]);
    auto found = repo.find_open_by_dedupe(fault.dedupe_key, {made.id});
    if (!found) return std::unexpected(found.error());
    auto open_faults = std::move(*found);
    const bool has_ours = std::any_of(open_faults.begin(), open_faults.end(),
                                      [&](const core::Fault& f) { return f.key == made.key; });
    if (!has_ours) {
      // Ours was reconciled into the search, so missing means it no longer matches: a racing
      // run closed it as a duplicate. (Or the index ignored the reconcile: then ours is open
      // and the newest, so it goes last.) The winner is the oldest open fault, or, while the
      // index still hides it, the fault ours was linked to.
      auto state = closed_state(session, made.key);
      if (!state) return std::unexpected(state.error());
      if (state->done) {
        ours_closed = true;
        if (!open_faults.empty()) {
          fault = open_faults.front();
        } else if (!state->duplicate_of.empty()) {
          auto winner = repo.get(state->duplicate_of);
          if (!winner) return std::unexpected(winner.error());
          fault = std::move(*winner);
        } else {
          continue;  // closed, not linked yet: the racing run is between its two writes
        }
        outcome.duplicate_of = fault.key;
        outcome.closed_duplicate = made.key;
        outcome.created = false;
        return OpStatus::Done;
      }
      if (open_faults.empty()) continue;
      open_faults.push_back(fault);
    }
    if (open_faults.size() < 2) continue;
    auto closed = close_duplicates(session, open_faults);
    if (!closed) return std::unexpected(closed.error());
    outcome.duplicates_closed = *closed;
    if (open_faults.front().key != made.key) {
      outcome.duplicate_of = open_faults.front().key;
      outcome.closed_duplicate = made.key;
      outcome.created = false;
      fault = open_faults.front();
    }
    return OpStatus::Done;
  }
  if (ours_closed) {
    // A racing run closed ours but its link never showed up: ours is a duplicate of a fault
    // we cannot name.
    outcome.closed_duplicate = made.key;
    outcome.created = false;
    return OpStatus::Done;
  }
  return OpStatus::Skipped;
}

}  // namespace

Result<OpenOutcome> open_fault(Context& ctx, FaultSession& session, core::Fault draft, Announce announce) {
  return open_fault(ctx, session, std::move(draft), announce, default_settle_policy(ctx));
}

Result<OpenOutcome> open_fault(Context& ctx, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle) {
  auto& repo = *session.repository;
  OpenOutcome outcome;
  auto& ops = outcome.operations;
  auto& fault = outcome.fault;
  fault = std::move(draft);

  std::vector<core::Fault> existing;
  if (!fault.dedupe_key.empty()) {
    auto found = repo.find_open_by_dedupe(fault.dedupe_key);
    if (!found) return std::unexpected(found.error());
    existing = std::move(*found);
  }

  if (!existing.empty()) {
    const auto target = existing.front();
    const auto key = op_key({"open-again", target.key, fault.dedupe_key, fault.summary});
    const auto text = fmt::format("Reported again (dedupe key `{}`): {}", fault.dedupe_key, fault.summary);
    ops.add({"comment", key, [&session, target, key, text]() { return ensure_comment(*session.jira, target.key, key, text); }});
    if (existing.size() > 1) {
      // An earlier race left several open faults with this key (Cloud's search lag): the
      // oldest wins, the others are closed as its duplicates.
      ops.add({"converge", op_key({"converge", fault.dedupe_key}), [&session, &existing, &outcome]() -> Result<OpStatus> {
                 auto done = close_duplicates(session, existing);
                 if (!done) return std::unexpected(done.error());
                 outcome.duplicates_closed = *done;
                 return OpStatus::Done;
               }});
    }
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
    fault = target;
    // The announcement again: the sent log keeps channels that got it from a second copy,
    // and one that failed before gets it now.
    if (announce == Announce::Yes) announce_opened(ctx, session, outcome);
    return outcome;
  }

  CreatedFault made;
  ops.add({"create", op_key({"create", fault.dedupe_key.empty() ? fault.summary : fault.dedupe_key}),
           [&]() -> Result<OpStatus> {
             auto result = repo.create(fault);
             if (!result) return std::unexpected(result.error());
             made = *result;
             fault.key = made.key;
             fault.id = made.id;
             outcome.created = true;
             return OpStatus::Done;
           }});
  if (!fault.dedupe_key.empty()) {
    ops.add({"converge", op_key({"converge", fault.dedupe_key}),
             [&]() { return settle_after_create(session, made, settle, outcome); }});
  }
  if (auto ran = ops.run(); !ran) {
    // Under --dry-run the create is printed, not sent, so there is no key to go on with.
    if (ctx.options.dry_run && !outcome.created) {
      outcome.dry_run = true;
      return outcome;
    }
    return std::unexpected(ran.error());
  }
  if (!outcome.created) {
    // This run's issue lost the race and is closed: the winner's own run announces it (a
    // second announcement now could race with that one past the sent log).
    if (outcome.duplicate_of.empty() && announce == Announce::Yes) announce_opened(ctx, session, outcome);
    return outcome;
  }

  if (!fault.coordinator.empty()) {
    ops.add({"watch", op_key({"watch", fault.key, fault.coordinator}), [&]() -> Result<OpStatus> {
               // The fault exists now: a coordinator who cannot watch it is a warning, not a
               // failure that would invite a re-run (and, without a dedupe key, a second fault).
               auto user = resolve_user(*session.jira, *session.config, fault.coordinator);
               auto watched = user ? session.jira->add_watcher(fault.key, *user) : Result<void>(std::unexpected(user.error()));
               if (!watched) {
                 ctx.warn(fmt::format("{}: coordinator '{}' not added as a watcher: {}", fault.key, fault.coordinator,
                                      watched.error().message));
                 return OpStatus::Failed;
               }
               return OpStatus::Done;
             }});
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
  }

  // The fault as Jira now holds it (status, labels, created), for --json and the message.
  if (auto fresh = repo.get(fault.key)) fault = std::move(*fresh);

  if (announce == Announce::Yes) announce_opened(ctx, session, outcome);
  return outcome;
}

}  // namespace faultline::cli
