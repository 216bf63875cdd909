// Opening a fault: the dedupe lookup, the create, the settle re-check that converges racing
// runs on the oldest fault, watch, announce — as a graph of waves (see FaultOpener).
#include "faultline/app/open_fault.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/field_cache.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/util/waves.hpp"

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

// Whether Jira's refusal names a custom field (an id from a stale field map, say).
bool names_custom_field(const Error& error) {
  if (error.message.find("customfield_") != std::string::npos) return true;
  return std::any_of(error.details.begin(), error.details.end(),
                     [](const std::string& d) { return d.find("customfield_") != std::string::npos; });
}

std::vector<std::string> bound_field_ids(const core::FaultSchema& schema) {
  std::vector<std::string> ids;
  for (const auto& binding : schema.bindings) ids.push_back(binding.fact + "=" + binding.field_id);
  return ids;
}

// Where the announcement's sent log comes from: read from the issue property, or empty
// because this run created the issue moments ago without a dedupe key (no other run can find
// it to announce it, so the property cannot exist yet: one read fewer).
enum class SentLogState { Read, NewIssue };

// The sent log (faultline.notified) of such a new issue: starts empty, writes as
// PropertySentLog does.
class NewIssueSentLog final : public notify::SentLog {
public:
  NewIssueSentLog(jira::Client& client, std::string issue_key) : m_client(client), m_issue_key(std::move(issue_key)) {}

protected:
  const nlohmann::json& value() const override { return m_value; }
  Result<void> store(nlohmann::json next) override {
    FAULTLINE_TRY(written, m_client.set_property(m_issue_key, k_notified_property, next));
    m_value = std::move(next);
    return {};
  }

private:
  jira::Client& m_client;
  std::string m_issue_key;
  nlohmann::json m_value = nlohmann::json::object();
};

// One run of open_fault: the outcome it builds and the steps that build it.
//
// The request graph, one wave after another (each wave's requests go out together):
//   1. the open faults with the dedupe key ∥ the coordinator's Jira user — both depend only on
//      the draft and the config (the field map came with the session, cached per site);
//   2. found: the "reported again" comment ∥ closing older duplicates ∥ the announcement ∥ the
//      watch, all on the fault found (report_again); not found: the create, with labels and
//      the `faultline` property in its body;
//   3. with a dedupe key, the settle search (Cloud repeats it over the settle window);
//   4. on the new issue: the announcement (its own chain: record the intent, post, record the
//      result) ∥ the coordinator added as a watcher ∥ the re-read for --json ∥ the caller's
//      side read (similar faults).
class FaultOpener {
public:
  FaultOpener(Services& services, FaultSession& session, Announce announce, const SettlePolicy& settle,
              const SideRead& side_read, FoundFault found, std::string* standing_key)
      : m_services(services),
        m_session(session),
        m_announce(announce),
        m_settle(settle),
        m_side_read(side_read),
        m_found(found),
        m_standing_key(standing_key) {}

  Result<OpenOutcome> open(core::Fault draft) {
    m_outcome.fault = std::move(draft);
    const std::string dedupe_key = m_outcome.fault.dedupe_key;
    const std::string coordinator = m_outcome.fault.coordinator;
    // Lazy getters are not thread-safe: everything the waves use is built before them.
    if (m_announce == Announce::Yes) (void)m_services.mail_sender();

    // Wave 1: the dedupe search ∥ the coordinator lookup (kept for the watch, which fails the
    // run only after the fault is open and announced). A dry run sends no watch: no lookup.
    std::optional<Result<std::vector<core::Fault>>> existing;
    util::wave(
        [&] {
          if (!dedupe_key.empty()) existing = m_session.repository->find_open_by_dedupe(dedupe_key);
        },
        [&] {
          if (!coordinator.empty() && !m_services.dry_run())
            m_coordinator = resolve_user(*m_session.jira, *m_session.config, coordinator);
        });
    if (existing) {
      if (!*existing) return std::unexpected(existing->error());
      if (!(*existing)->empty()) return report_again(std::move(**existing));
    }

    // Wave 2 (and 3 with a dedupe key): the create, then the settle search.
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

    // Last wave, on the new issue, all independent: the announcement (its message needs only
    // the facts this run wrote) ∥ the watch ∥ the re-read for --json (status and created as
    // Jira holds them) ∥ the side read.
    m_outcome.fault.labels = core::fault_labels(m_outcome.fault);
    const auto made = m_outcome.fault;
    Result<OpStatus> watched = OpStatus::Skipped;
    std::optional<core::Fault> fresh;
    util::wave([&] { announce(dedupe_key.empty() ? SentLogState::NewIssue : SentLogState::Read); },
               [&] { watched = add_watcher_to_new(made.key, coordinator); },
               [&] {
                 if (m_services.dry_run()) return;  // the placeholder issue cannot be read back
                 if (auto read = m_session.repository->get(made.key)) fresh = std::move(*read);
               },
               [&] {
                 // Its query excludes the new key, which a dry run only has as a placeholder.
                 if (m_side_read && !m_services.dry_run()) m_side_read(made);
               });
    if (fresh) m_outcome.fault = std::move(*fresh);
    if (!coordinator.empty()) {
      if (auto recorded = record_watch(made.key, coordinator, std::move(watched)); !recorded)
        return std::unexpected(recorded.error());
    }
    return std::move(m_outcome);
  }

private:
  // An open fault carries the dedupe key: comment on the oldest (closing any others as its
  // duplicates), announce it again (the sent log keeps channels that got it from a copy) and
  // let the coordinator watch it (a watcher add that failed when it was opened is retried
  // here). All four only need the fault found, so they run together (wave 2); their results
  // are recorded in this order, and the first failure is the run's.
  Result<OpenOutcome> report_again(std::vector<core::Fault> existing) {
    const auto target = existing.front();
    if (m_standing_key != nullptr) *m_standing_key = target.key;
    const core::Fault draft = m_outcome.fault;
    const std::string& coordinator = draft.coordinator;
    const auto comment_key = op_key({"open-again", target.key, draft.dedupe_key, draft.summary});
    const auto converge_key = op_key({"converge", draft.dedupe_key});
    const auto text = fmt::format("Reported again (dedupe key `{}`): {}", draft.dedupe_key, draft.summary);
    const bool converge = existing.size() > 1;  // an earlier race left several open (Cloud's search lag)
    Result<OpStatus> commented = OpStatus::Skipped;
    Result<OpStatus> converged = OpStatus::Skipped;
    Result<OpStatus> watched = OpStatus::Skipped;
    std::vector<std::string> closed;
    m_outcome.fault = target;
    util::wave([&] {
                 if (m_found == FoundFault::ReportedAgain)
                   commented = ensure_comment(*m_session.jira, target.key, comment_key, text);
               },
               [&] {
                 if (!converge) return;
                 auto done = close_duplicates(m_session, existing);
                 if (!done) {
                   converged = std::unexpected(done.error());
                 } else {
                   closed = std::move(*done);
                   converged = OpStatus::Done;
                 }
               },
               [&] { announce(); },
               [&] { watched = ensure_watching(target.key, coordinator); });
    auto& ops = m_outcome.operations;
    if (m_found == FoundFault::ReportedAgain) ops.add({"comment", comment_key, [commented]() { return commented; }});
    if (converge) {
      ops.add({"converge", converge_key, [this, converged, closed]() -> Result<OpStatus> {
                 if (converged) m_outcome.duplicates_closed = closed;
                 return converged;
               }});
    }
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
    if (!coordinator.empty()) {
      if (auto recorded = record_watch(target.key, coordinator, std::move(watched)); !recorded)
        return std::unexpected(recorded.error());
    }
    return std::move(m_outcome);
  }

  // Creates the issue and, with a dedupe key, settles the race.
  Result<void> create_and_settle() {
    auto& fault = m_outcome.fault;
    auto& ops = m_outcome.operations;
    ops.add({"create", op_key({"create", fault.dedupe_key.empty() ? fault.summary : fault.dedupe_key}),
             [this]() -> Result<OpStatus> {
               FAULTLINE_TRY(made, create_refreshing_fields());
               m_made = *made;
               if (m_standing_key != nullptr && !m_services.dry_run()) *m_standing_key = m_made.key;
               m_outcome.fault.key = m_made.key;
               m_outcome.fault.id = m_made.id;
               m_outcome.created = true;
               return OpStatus::Done;
             }});
    // A dry run created nothing (its key is a placeholder): there is nothing to converge.
    if (!fault.dedupe_key.empty() && !m_services.dry_run())
      ops.add({"converge", op_key({"converge", fault.dedupe_key}), [this]() { return settle(); }});
    return ops.run();
  }

  // The create; when Jira refuses it naming a custom field (the field map, perhaps cached, is
  // stale: the cache dropped its entry on that answer), the schema is read again and, if a
  // binding changed, the create is sent once more.
  Result<CreatedFault> create_refreshing_fields() {
    auto& repository = *m_session.repository;
    auto made = repository.create(m_outcome.fault);
    if (made || m_services.dry_run() || !names_custom_field(made.error())) return made;
    const auto before = bound_field_ids(repository.schema());
    if (auto reloaded = repository.load_schema(); !reloaded) return made;
    if (bound_field_ids(repository.schema()) == before) return made;
    return repository.create(m_outcome.fault);
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
      if (!cloud) {
        // Data Center's search returns no properties: the facts of the faults found would
        // cost a read each (ours included, written moments ago). One search for keys and
        // statuses first; only a race reads the faults.
        FAULTLINE_TRY(alone, only_ours_open());
        if (*alone) return OpStatus::Skipped;
      }
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

  // Whether our new issue is the only open fault with the dedupe key (statuses only, no facts).
  Result<bool> only_ours_open() {
    jira::SearchRequest request;
    request.jql = core::jql_and({m_session.repository->fault_scope_jql(),
                                 "labels = " + core::jql_quote(core::dedupe_label(m_outcome.fault.dedupe_key)),
                                 "statusCategory != " + core::jql_quote("Done")});
    request.fields = {"status"};
    request.reconcile_issue_ids = {m_made.id};
    request.limit = 10;
    FAULTLINE_TRY(issues, m_session.jira->search(request));
    std::size_t open = 0;
    bool ours = false;
    for (const auto& issue : *issues) {
      if (issue.status_category() == "done") continue;
      ++open;
      if (issue.key == m_made.key) ours = true;
    }
    return open == 1 && ours;
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

  // The coordinator's Jira user, looked up in wave 1. Error: the lookup's.
  Result<jira::UserRef> coordinator_user(const std::string& coordinator) {
    if (m_coordinator) return *m_coordinator;
    return resolve_user(*m_session.jira, *m_session.config, coordinator);
  }

  // The coordinator watches the issue this run created: added at once (a new issue's only
  // watcher is its reporter, and adding a watcher twice changes nothing). Done; Skipped
  // without a coordinator. Error: the lookup or Jira's refusal.
  Result<OpStatus> add_watcher_to_new(const std::string& key, const std::string& coordinator) {
    if (coordinator.empty()) return OpStatus::Skipped;
    FAULTLINE_TRY(user, coordinator_user(coordinator));
    if (auto added = m_session.jira->add_watcher(key, *user); !added) return std::unexpected(added.error());
    return OpStatus::Done;
  }

  // The coordinator watches a fault found open: Skipped when they already do, else added.
  Result<OpStatus> ensure_watching(const std::string& key, const std::string& coordinator) {
    if (coordinator.empty()) return OpStatus::Skipped;
    FAULTLINE_TRY(user, coordinator_user(coordinator));
    FAULTLINE_TRY(watchers, m_session.jira->watchers(key));
    for (const auto& w : *watchers)
      if (w.ref() == *user) return OpStatus::Skipped;
    if (auto added = m_session.jira->add_watcher(key, *user); !added) return std::unexpected(added.error());
    return OpStatus::Done;
  }

  // Records the watch as a named operation. The fault exists and was announced by then; a
  // failure fails the run (exit 1), and the same command run again (it finds the fault by its
  // dedupe key) adds the watcher.
  Result<void> record_watch(const std::string& key, const std::string& coordinator, Result<OpStatus> watched) {
    m_outcome.operations.add({"watch", op_key({"watch", key, coordinator}), [watched]() { return watched; }});
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

  // Sends fault.opened for the outcome's fault (deduplicated per channel by the sent log,
  // read from the issue unless `log` says this run's new issue cannot have one yet).
  void announce(SentLogState log = SentLogState::Read) {
    if (m_announce == Announce::No) return;
    const auto& fault = m_outcome.fault;
    const auto data = fault_event_data(fault, "fault.opened", *m_session.jira, m_session.zone);
    if (log == SentLogState::NewIssue) {
      NewIssueSentLog sent_log(*m_session.jira, fault.key);
      m_outcome.notifications = notify_event(m_services, "fault.opened", data, sent_log);
      return;
    }
    m_outcome.notifications = notify_fault_event(m_services, *m_session.jira, fault.key, "fault.opened", data);
  }

  Services& m_services;
  FaultSession& m_session;
  Announce m_announce;
  const SettlePolicy& m_settle;
  const SideRead& m_side_read;
  FoundFault m_found;
  std::string* m_standing_key;
  OpenOutcome m_outcome;
  CreatedFault m_made;
  std::optional<Result<jira::UserRef>> m_coordinator;  // wave 1's lookup
};

}  // namespace

Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce) {
  return open_fault(services, session, std::move(draft), announce, default_settle_policy(services));
}

Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle) {
  return open_fault(services, session, std::move(draft), announce, settle, SideRead());
}

Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle, const SideRead& side_read, FoundFault found,
                               std::string* standing_key) {
  FaultOpener opener(services, session, announce, settle, side_read, found, standing_key);
  auto outcome = opener.open(std::move(draft));
  if (outcome && !outcome->fault.key.empty()) outcome->url = session.jira->browse_url(outcome->fault.key);
  return outcome;
}

Result<FaultSession> open_fault_session_for_open(Services& services) {
  FAULTLINE_TRY(transport, services.transport());
  auto* cache = dynamic_cast<FieldCachingTransport*>(*transport);
  const std::size_t hits_before = cache != nullptr ? cache->hits() : 0;
  auto session = open_fault_session(services);
  if (session || session.error().kind != ErrorKind::Config || cache == nullptr || cache->hits() == hits_before)
    return session;
  // The schema was resolved against a cached field map and a configured field is missing from
  // it (added since?): once more with the site's own list.
  FAULTLINE_TRY(jira, services.jira());
  cache->forget((*jira)->base_url() + std::string((*jira)->api_root()));
  return open_fault_session(services);
}

}  // namespace faultline::app
