// `recover`: facts and review deadline saved, the Recovered step, a comment, the post.
#include "faultline/app/recover_fault.hpp"

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::app {

namespace {

// The facts the request changes, against the fault as it is (a re-run without --at keeps
// the recovery time already recorded). Error: Usage for a bad --at.
Result<core::Fault> recovery_changes(const RecoverRequest& request, const core::Fault& current,
                                     const config::TeamSettings& team, core::TimePoint now,
                                     const date::time_zone* zone) {
  core::Fault changes;
  changes.recovered_at = current.recovered_at ? *current.recovered_at : now;
  if (!request.at.empty()) {
    auto at = core::parse_time(request.at, now, zone);
    if (!at) return std::unexpected(Error{ErrorKind::Usage, "--at: " + at.error().message, at.error().hint, 0, {}});
    changes.recovered_at = *at;
  }
  changes.how = request.how;
  changes.rollback_to = request.rollback_to;
  changes.data_repair = request.data_repair;
  changes.impact = request.impact;
  if (!request.rollback_to.empty() && changes.how.empty()) changes.how = "rollback";
  changes.review_deadline =
      core::review_deadline(*changes.recovered_at, current.level, team.review_due_hours, team.review_due_hours_by_level);
  return changes;
}

// `current` with the recovery facts of `changes` applied.
core::Fault apply_recovery(core::Fault fault, const core::Fault& changes) {
  fault.recovered_at = changes.recovered_at;
  fault.review_deadline = changes.review_deadline;
  if (!changes.how.empty()) fault.how = changes.how;
  if (!changes.rollback_to.empty()) fault.rollback_to = changes.rollback_to;
  if (!changes.data_repair.empty()) fault.data_repair = changes.data_repair;
  if (!changes.impact.empty()) fault.impact = changes.impact;
  return fault;
}

std::string comment_body(const core::Fault& fault, const std::string& recovered_iso, const date::time_zone* zone) {
  std::string body = fmt::format("**Recovered** at {}", recovered_iso);
  if (!fault.how.empty()) body += fmt::format("\n\n- How: {}", fault.how);
  if (!fault.rollback_to.empty()) body += fmt::format("\n- Rolled back to: {}", fault.rollback_to);
  if (!fault.impact.empty()) body += fmt::format("\n- Impact: {}", fault.impact);
  if (!fault.data_repair.empty()) body += fmt::format("\n- Data repair: {}", fault.data_repair);
  body += fmt::format("\n- Review due by: {}", core::format_iso(*fault.review_deadline, zone));
  return body;
}

}  // namespace

nlohmann::json RecoverOutcome::to_json(const date::time_zone* zone) const {
  return nlohmann::json{{"key", fault.key},
                        {"url", url},
                        {"recovered_at", recovered_at},
                        {"review_deadline", review_deadline},
                        {"fault", core::fault_to_json(fault, zone)},
                        {"operations", operations.to_json()},
                        {"warnings", operations.warnings()},
                        {"notifications", notifications_json(notifications)}};
}

Result<RecoverOutcome> recover_fault(Services& services, const RecoverRequest& request) {
  // The values saved to fields, within Jira's limits before anything is read or written.
  if (auto fits = core::check_jira_texts({{"--rollback-to", core::JiraText::TextField, request.rollback_to},
                                          {"--impact", core::JiraText::Description, request.impact}});
      !fits)
    return std::unexpected(fits.error());
  FAULTLINE_TRY(session, open_fault_session(services));
  auto& repo = *session->repository;
  auto& jira = *session->jira;
  const auto* zone = session->zone;
  FAULTLINE_TRY(current, repo.get(request.key));
  FAULTLINE_TRY(changes, recovery_changes(request, *current, session->config->team, services.clock().now(), zone));

  RecoverOutcome outcome;
  outcome.fault = apply_recovery(*current, *changes);
  auto& updated = outcome.fault;
  outcome.recovered_at = core::format_iso(*updated.recovered_at, zone);
  outcome.review_deadline = core::format_iso(*updated.review_deadline, zone);
  const auto key = op_key({"recover", current->key, outcome.recovered_at, changes->how, changes->rollback_to,
                           changes->data_repair, changes->impact});
  const auto body = comment_body(updated, outcome.recovered_at, zone);
  // The comment as ensure_comment sends it, checked against Jira's limit before the first
  // write (the save step comes before the comment).
  if (auto fits = core::check_jira_text(core::JiraText::Comment, "the recovery comment (--impact)",
                                        body + "\n\n" + op_marker(key));
      !fits)
    return std::unexpected(fits.error());
  const auto& workflow = session->config->jira.workflow;
  auto& ops = outcome.operations;
  ops.add({"save", key, [&]() -> Result<OpStatus> {
             if (auto saved = repo.save(current->key, *current, *changes, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  ops.add({"transition", op_key({"transition", current->key, workflow.recovered}),
           [&]() { return advance_to(jira, workflow, updated, WorkflowStep::Recovered); }});
  ops.add({"comment", key, [&]() { return ensure_comment(jira, current->key, key, body); }});
  if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
  for (const auto& warning : ops.warnings()) services.diagnostics().warn(warning);
  outcome.url = jira.browse_url(updated.key);

  if (request.notify) {
    nlohmann::json recovery{{"how", updated.how},
                            {"version", updated.rollback_to},
                            {"impact", updated.impact},
                            {"data_repair", updated.data_repair}};
    auto data = fault_event_data(updated, "fault.recovered", jira, zone);
    data["recovery"] = json_access::without_empty(recovery);
    data["review_due"] = outcome.review_deadline;
    outcome.notifications = notify_fault_event(services, jira, updated.key, "fault.recovered", data);
  }
  return outcome;
}

}  // namespace faultline::app
