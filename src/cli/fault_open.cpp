#include "faultline/cli/fault_open.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "faultline/jira/client.hpp"

namespace faultline::cli {

nlohmann::json OpenOutcome::to_json(const FaultSession& session) const {
  return nlohmann::json{{"key", fault.key},
                        {"url", session.jira->browse_url(fault.key)},
                        {"created", created},
                        {"dry_run", dry_run},
                        {"level", fault.level},
                        {"fault", core::fault_to_json(fault, session.zone)},
                        {"duplicates_closed", duplicates_closed},
                        {"operations", operations.to_json()},
                        {"notifications", notifications_json(notifications)}};
}

Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults) {
  std::vector<std::string> closed;
  if (open_faults.size() < 2) return closed;
  const auto& winner = open_faults.front();
  for (std::size_t i = 1; i < open_faults.size(); ++i) {
    const auto& dup = open_faults[i];
    jira::TransitionInput input;
    input.comment_markdown = fmt::format("Duplicate of {}: the same dedupe key was reported twice.", winner.key);
    if (auto done = session.jira->transition_to_status(dup.key, session.config->jira.workflow.closed, input); !done)
      return std::unexpected(done.error());
    if (auto linked = session.jira->link_issues("Duplicate", winner.key, dup.key); !linked)
      return std::unexpected(linked.error());
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

}  // namespace

Result<OpenOutcome> open_fault(Context& ctx, FaultSession& session, core::Fault draft, Announce announce) {
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
    ops.add({"converge", op_key({"converge", fault.dedupe_key}), [&]() -> Result<OpStatus> {
               auto again = repo.find_open_by_dedupe(fault.dedupe_key, {made.id});
               if (!again) return std::unexpected(again.error());
               // The search may still miss the issue just made (an index without reconcile):
               // it is open and the newest, so it goes last.
               const bool has_ours = std::any_of(again->begin(), again->end(),
                                                 [&](const core::Fault& f) { return f.key == made.key; });
               if (!has_ours && !again->empty()) {
                 core::Fault ours = fault;
                 again->push_back(std::move(ours));
               }
               auto done = close_duplicates(session, *again);
               if (!done) return std::unexpected(done.error());
               outcome.duplicates_closed = *done;
               if (!again->empty() && again->front().key != made.key) {
                 fault = again->front();  // an older fault won: this run's issue is closed
                 outcome.created = false;
               }
               return outcome.duplicates_closed.empty() ? OpStatus::Skipped : OpStatus::Done;
             }});
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
    if (announce == Announce::Yes) announce_opened(ctx, session, outcome);
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
