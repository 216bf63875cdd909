// Opening a fault: the dedupe lookup, the create, the settle re-check that converges racing
// runs on the oldest fault, watch, announce.
#include "faultline/app/open_fault.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

nlohmann::json OpenOutcome::to_json(const date::time_zone* zone) const {
  auto key_or_null = [](const std::string& key) { return key.empty() ? nlohmann::json(nullptr) : nlohmann::json(key); };
  return nlohmann::json{{"key", fault.key},
                        {"url", url},
                        {"created", created},
                        {"dry_run", dry_run},
                        {"level", fault.level},
                        {"fault", core::fault_to_json(fault, zone)},
                        {"duplicates_closed", duplicates_closed},
                        {"duplicate_of", key_or_null(duplicate_of)},
                        {"closed_duplicate", key_or_null(closed_duplicate)},
                        {"operations", operations.to_json()},
                        {"notifications", notifications_json(notifications)}};
}

SettlePolicy default_settle_policy(Services& services) {
  using std::chrono::milliseconds;
  SettlePolicy policy;
  policy.pauses = {milliseconds(250), milliseconds(500), milliseconds(1000), milliseconds(1250)};
  policy.sleep = [&services](milliseconds pause) { services.sleep(pause); };
  return policy;
}

namespace {

// Whether `key` is closed, and the fault it was linked to as a duplicate ("" until a racing
// run has linked it). Error: it could not be read.
struct ClosedState {
  bool done = false;
  std::string duplicate_of;
};

Result<ClosedState> closed_state(jira::Client& client, std::string_view key) {
  jira::IssueQuery query;
  query.fields = {"status", "issuelinks"};
  FAULTLINE_TRY(issue, client.get_issue(key, query));
  ClosedState state{issue->status_category() == "done", {}};
  // close_duplicates links the closed fault outward ("duplicates") to the winner.
  for (const char* wanted : {"Duplicate", "Relates"}) {
    for (const auto& link : issue->fields.value("issuelinks", nlohmann::json::array())) {
      if (!link.is_object() || !link.contains("outwardIssue") || !link["outwardIssue"].is_object()) continue;
      const auto type = link.value("type", nlohmann::json::object());
      if (!type.is_object() || !iequals(type.value("name", ""), wanted)) continue;
      state.duplicate_of = link["outwardIssue"].value("key", "");
      if (!state.duplicate_of.empty()) return state;
    }
  }
  return state;
}

// Whether `key` is in a Done-category status now. Error: it could not be read.
Result<bool> is_done(jira::Client& client, std::string_view key) {
  jira::IssueQuery query;
  query.fields = {"status"};
  FAULTLINE_TRY(issue, client.get_issue(key, query));
  return issue->status_category() == "done";
}

// Closes `dup` as a duplicate of `winner` with a comment. Done-category already counts as
// closed (a racing run got there first). Error: no closing transition, or Jira refused it.
Result<void> close_one(FaultSession& session, const core::Fault& winner, const core::Fault& dup) {
  auto& client = *session.jira;
  const auto& workflow = session.config->jira.workflow;
  FAULTLINE_TRY(transitions, client.transitions(dup.key));
  const auto* transition = closing_transition(*transitions, workflow);
  if (transition == nullptr) {
    FAULTLINE_TRY(done, is_done(client, dup.key));
    if (*done) return {};
    return fail(ErrorKind::Failed,
                fmt::format("{}: no transition leads to '{}' or to any Done status, so it cannot be closed as a "
                            "duplicate of {}",
                            dup.key, workflow.closed, winner.key),
                "set [jira.workflow] closed to the status that ends this project's workflow");
  }
  jira::TransitionInput input;
  input.comment_markdown =
      dup.dedupe_key.empty()
          ? fmt::format("Duplicate of {}: closed by faultline.", winner.key)
          : fmt::format("Duplicate of {}: the same dedupe key (`{}`) was reported twice at once; {} is the older "
                        "fault and stays open.",
                        winner.key, dup.dedupe_key, winner.key);
  if (auto moved = client.transition(dup.key, transition->id, input); !moved) {
    // A racing run may have closed it between our two requests.
    auto done = is_done(client, dup.key);
    if (done && *done) return {};
    return std::unexpected(moved.error());
  }
  return {};
}

// The link type a duplicate gets: "Duplicate", else "Relates", else none ("").
Result<std::string> duplicate_link_type(jira::Client& client) {
  FAULTLINE_TRY(types, client.issue_link_types());
  for (const char* wanted : {"Duplicate", "Relates"}) {
    auto found = std::find_if(types->begin(), types->end(), [&](const jira::IssueLinkType& t) { return iequals(t.name, wanted); });
    if (found != types->end()) return found->name;
  }
  return std::string();
}

}  // namespace

Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults) {
  std::vector<std::string> closed;
  if (open_faults.size() < 2) return closed;
  const auto& winner = open_faults.front();
  FAULTLINE_TRY(link_type, duplicate_link_type(*session.jira));
  for (std::size_t i = 1; i < open_faults.size(); ++i) {
    const auto& dup = open_faults[i];
    if (dup.key == winner.key) continue;
    if (auto done = close_one(session, winner, dup); !done) return std::unexpected(done.error());
    // Outward "duplicates" inward: the closed one duplicates the winner. Repeats are harmless.
    if (!link_type->empty()) {
      if (auto linked = session.jira->link_issues(*link_type, winner.key, dup.key); !linked)
        return std::unexpected(linked.error());
    }
    closed.push_back(dup.key);
  }
  return closed;
}

namespace {

// One run of open_fault: the outcome it builds and the steps that build it.
class FaultOpener {
public:
  FaultOpener(Services& services, FaultSession& session, Announce announce, const SettlePolicy& settle)
      : m_services(services), m_session(session), m_announce(announce), m_settle(settle) {}

  Result<OpenOutcome> open(core::Fault draft) {
    m_outcome.fault = std::move(draft);
    const auto& dedupe_key = m_outcome.fault.dedupe_key;
    if (!dedupe_key.empty()) {
      FAULTLINE_TRY(existing, m_session.repository->find_open_by_dedupe(dedupe_key));
      if (!existing->empty()) return report_again(std::move(*existing));
    }
    if (auto created = create_and_settle(); !created) {
      // Under --dry-run the create is printed, not sent, so there is no key to go on with.
      if (m_services.dry_run() && !m_outcome.created) {
        m_outcome.dry_run = true;
        return std::move(m_outcome);
      }
      return std::unexpected(created.error());
    }
    if (!m_outcome.created) {
      // This run's issue lost the race and is closed: the winner's own run announces it (a
      // second announcement now could race with that one past the sent log).
      if (m_outcome.duplicate_of.empty()) announce();
      return std::move(m_outcome);
    }
    const std::string coordinator = m_outcome.fault.coordinator;
    // The fault as Jira now holds it (status, labels, created), for --json and the message.
    if (auto fresh = m_session.repository->get(m_outcome.fault.key)) m_outcome.fault = std::move(*fresh);
    announce();
    if (auto watched = watch(m_outcome.fault.key, coordinator); !watched) return std::unexpected(watched.error());
    return std::move(m_outcome);
  }

private:
  // An open fault carries the dedupe key: comment on the oldest (closing any others as its
  // duplicates) and announce it again (the sent log keeps channels that got it from a copy).
  Result<OpenOutcome> report_again(std::vector<core::Fault> existing) {
    const auto target = existing.front();
    const auto& fault = m_outcome.fault;
    const auto key = op_key({"open-again", target.key, fault.dedupe_key, fault.summary});
    const auto text = fmt::format("Reported again (dedupe key `{}`): {}", fault.dedupe_key, fault.summary);
    auto& ops = m_outcome.operations;
    ops.add({"comment", key, [this, target, key, text]() { return ensure_comment(*m_session.jira, target.key, key, text); }});
    if (existing.size() > 1) {
      // An earlier race left several open faults with this key (Cloud's search lag).
      ops.add({"converge", op_key({"converge", fault.dedupe_key}), [this, &existing]() -> Result<OpStatus> {
                 FAULTLINE_TRY(done, close_duplicates(m_session, existing));
                 m_outcome.duplicates_closed = *done;
                 return OpStatus::Done;
               }});
    }
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
    const std::string coordinator = fault.coordinator;
    m_outcome.fault = target;
    announce();
    // A watcher add that failed when the fault was opened is retried here.
    if (auto watched = watch(target.key, coordinator); !watched) return std::unexpected(watched.error());
    return std::move(m_outcome);
  }

  // Creates the issue and, with a dedupe key, settles the race.
  Result<void> create_and_settle() {
    auto& fault = m_outcome.fault;
    auto& ops = m_outcome.operations;
    ops.add({"create", op_key({"create", fault.dedupe_key.empty() ? fault.summary : fault.dedupe_key}),
             [this]() -> Result<OpStatus> {
               FAULTLINE_TRY(made, m_session.repository->create(m_outcome.fault));
               m_made = *made;
               m_outcome.fault.key = m_made.key;
               m_outcome.fault.id = m_made.id;
               m_outcome.created = true;
               return OpStatus::Done;
             }});
    if (!fault.dedupe_key.empty()) ops.add({"converge", op_key({"converge", fault.dedupe_key}), [this]() { return settle(); }});
    return ops.run();
  }

  // Looks again after creating until the dedupe key's open faults settle: Cloud's index may
  // not show a racing run's issue yet, so the search (reconciling our own id) repeats over the
  // policy's pauses; Data Center's search is consistent and runs once. Done when something was
  // closed (or ours was found closed by a racing run), else Skipped.
  Result<OpStatus> settle() {
    const bool cloud = m_session.jira->flavor() == jira::Flavor::Cloud;
    const std::size_t attempts = cloud ? 1 + m_settle.pauses.size() : 1;
    bool ours_closed = false;
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0 && m_settle.sleep) m_settle.sleep(m_settle.pauses[attempt - 1]);
      FAULTLINE_TRY(settled, look_once(ours_closed));
      if (*settled) return **settled;
    }
    if (!ours_closed) return OpStatus::Skipped;
    // A racing run closed ours but its link never showed up: ours is a duplicate of a fault
    // we cannot name.
    m_outcome.closed_duplicate = m_made.key;
    m_outcome.created = false;
    return OpStatus::Done;
  }

  // One search after the create: the settled status, or nullopt to look again.
  Result<std::optional<OpStatus>> look_once(bool& ours_closed) {
    auto found = m_session.repository->find_open_by_dedupe(m_outcome.fault.dedupe_key, {m_made.id});
    if (!found) return std::unexpected(found.error());
    auto open_faults = std::move(*found);
    const bool has_ours = std::any_of(open_faults.begin(), open_faults.end(),
                                      [&](const core::Fault& f) { return f.key == m_made.key; });
    if (!has_ours) {
      // Ours was reconciled into the search, so missing means it no longer matches: a racing
      // run closed it as a duplicate. (Or the index ignored the reconcile: then ours is open
      // and the newest, so it goes last.)
      FAULTLINE_TRY(state, closed_state(*m_session.jira, m_made.key));
      if (state->done) {
        ours_closed = true;
        return lost_after_close(open_faults, state->duplicate_of);
      }
      if (open_faults.empty()) return std::optional<OpStatus>();
      open_faults.push_back(m_outcome.fault);
    }
    if (open_faults.size() < 2) return std::optional<OpStatus>();
    FAULTLINE_TRY(closed, close_duplicates(m_session, open_faults));
    m_outcome.duplicates_closed = *closed;
    if (open_faults.front().key != m_made.key) lost_to(open_faults.front());
    return std::optional<OpStatus>(OpStatus::Done);
  }

  // Ours was closed by a racing run: the winner is the oldest open fault, or, while the index
  // still hides it, the fault ours was linked to; nullopt while neither is known yet.
  Result<std::optional<OpStatus>> lost_after_close(const std::vector<core::Fault>& open_faults,
                                                   const std::string& linked_to) {
    if (!open_faults.empty()) {
      lost_to(open_faults.front());
    } else if (!linked_to.empty()) {
      FAULTLINE_TRY(winner, m_session.repository->get(linked_to));
      lost_to(*winner);
    } else {
      return std::optional<OpStatus>();  // closed, not linked yet: the racing run is between its two writes
    }
    return std::optional<OpStatus>(OpStatus::Done);
  }

  void lost_to(const core::Fault& winner) {
    m_outcome.fault = winner;
    m_outcome.duplicate_of = winner.key;
    m_outcome.closed_duplicate = m_made.key;
    m_outcome.created = false;
  }

  // The coordinator watches the fault: a named operation, Skipped when they already do. The
  // fault exists and was announced by then; a failure fails the run (exit 1), and the same
  // command run again (it finds the fault by its dedupe key) adds the watcher.
  Result<void> watch(const std::string& key, const std::string& coordinator) {
    if (coordinator.empty()) return {};
    m_outcome.operations.add({"watch", op_key({"watch", key, coordinator}), [this, key, coordinator]() -> Result<OpStatus> {
                                FAULTLINE_TRY(user, resolve_user(*m_session.jira, *m_session.config, coordinator));
                                FAULTLINE_TRY(watchers, m_session.jira->watchers(key));
                                for (const auto& w : *watchers)
                                  if (w.ref() == *user) return OpStatus::Skipped;
                                if (auto added = m_session.jira->add_watcher(key, *user); !added)
                                  return std::unexpected(added.error());
                                return OpStatus::Done;
                              }});
    auto ran = m_outcome.operations.run();
    if (ran) return {};
    auto error = ran.error();
    error.message = fmt::format("{} is open, but the coordinator '{}' could not be added as a watcher: {}", key,
                                coordinator, error.message);
    error.hint = m_outcome.fault.dedupe_key.empty()
                     ? fmt::format("add {} as a watcher of {} in Jira (a re-run without --dedupe-key would open a "
                                   "second fault)",
                                   coordinator, key)
                     : "run the same command again: it finds the fault by its dedupe key and adds the watcher";
    return std::unexpected(std::move(error));
  }

  // Sends fault.opened for the outcome's fault (deduplicated per channel by the sent log).
  void announce() {
    if (m_announce == Announce::No) return;
    const auto& fault = m_outcome.fault;
    const auto data = fault_event_data(fault, "fault.opened", *m_session.jira, m_session.zone);
    m_outcome.notifications = notify_fault_event(m_services, *m_session.jira, fault.key, "fault.opened", data);
  }

  Services& m_services;
  FaultSession& m_session;
  Announce m_announce;
  const SettlePolicy& m_settle;
  OpenOutcome m_outcome;
  CreatedFault m_made;
};

}  // namespace

Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce) {
  return open_fault(services, session, std::move(draft), announce, default_settle_policy(services));
}

Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle) {
  FaultOpener opener(services, session, announce, settle);
  auto outcome = opener.open(std::move(draft));
  if (outcome && !outcome->fault.key.empty()) outcome->url = session.jira->browse_url(outcome->fault.key);
  return outcome;
}

}  // namespace faultline::app
