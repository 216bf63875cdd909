// `update`: comment, facts, last-update time, the Handling step, the progress post.
#include "faultline/app/update_fault.hpp"

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/time.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// ETA: a time ("14:00" forms parse_time accepts) or a duration from now ("30m").
Result<core::TimePoint> parse_eta(std::string_view text, core::TimePoint now, const date::time_zone* zone) {
  if (auto duration = core::parse_duration(text)) return now + *duration;
  auto time = core::parse_time(text, now, zone);
  if (!time) return std::unexpected(Error{ErrorKind::Usage, "--eta: " + time.error().message, time.error().hint, 0, {}});
  return *time;
}

std::string comment_body(const UpdateRequest& request, const std::optional<core::TimePoint>& eta,
                         const date::time_zone* zone) {
  std::string body = "**Update**";
  if (!request.status.empty()) body += fmt::format(" — status: {}", request.status);
  body += "\n";
  if (!request.cause.empty()) body += fmt::format("\n- Cause: {}", request.cause);
  if (eta) body += fmt::format("\n- ETA: {}", core::format_iso(*eta, zone));
  if (!request.message.empty()) body += fmt::format("\n\n{}", request.message);
  return body;
}

// The fault.updated data: the fault, the update (who, when, what) and the issue link.
nlohmann::json update_event_data(const UpdateRequest& request, const core::Fault& fault, const core::Fault& changes,
                                 std::string_view op, const std::string& author, const jira::Client& client,
                                 const date::time_zone* zone) {
  nlohmann::json update{{"status", request.status},
                        {"cause", request.cause},
                        {"eta", changes.eta ? core::format_iso(*changes.eta, zone) : ""},
                        {"author", author},
                        {"at", fault.last_update_at ? core::format_iso(*fault.last_update_at, zone) : ""},
                        {"text", request.message}};
  auto data = fault_event_data(fault, "fault.updated", client, zone);
  data.erase("mentions");
  data["update"] = json_access::without_empty(update);
  data["dedupe_key"] = fault.key + ":fault.updated:" + std::string(op);
  return data;
}

}  // namespace

nlohmann::json UpdateOutcome::to_json(const date::time_zone* zone) const {
  return nlohmann::json{{"key", fault.key},
                        {"url", url},
                        {"commented", commented},
                        {"fault", core::fault_to_json(fault, zone)},
                        {"operations", operations.to_json()},
                        {"warnings", operations.warnings()},
                        {"notifications", notifications_json(notifications)}};
}

Result<UpdateOutcome> update_fault(Services& services, const UpdateRequest& request) {
  FAULTLINE_TRY(session, open_fault_session(services));
  auto& repo = *session->repository;
  auto& jira = *session->jira;
  FAULTLINE_TRY(current, repo.get(request.key));
  const auto now = services.clock().now();

  core::Fault changes;
  changes.cause = request.cause;
  changes.progress_status = request.status;
  if (!request.eta.empty()) {
    FAULTLINE_TRY(eta, parse_eta(request.eta, now, session->zone));
    changes.eta = *eta;
  }
  const auto body = comment_body(request, changes.eta, session->zone);
  const auto key = op_key({"update", current->key, request.message, request.cause, request.eta, request.status});
  // The comment as ensure_comment sends it, checked against Jira's limit before any write.
  if (auto fits = core::check_jira_text(core::JiraText::Comment, "the update comment (--message and --cause)",
                                        body + "\n\n" + op_marker(key));
      !fits)
    return std::unexpected(fits.error());

  UpdateOutcome outcome;
  outcome.fault = *current;
  auto& updated = outcome.fault;
  auto& ops = outcome.operations;
  std::string comment_created;
  ops.add({"comment", key, [&]() { return ensure_comment(jira, current->key, key, body, &comment_created); }});
  const auto& workflow = session->config->jira.workflow;
  ops.add({"transition", op_key({"transition", current->key, workflow.handling}), [&]() -> Result<OpStatus> {
             // The first update of a Reported fault starts its handling; later ones move nothing.
             if (!iequals(updated.status, workflow.reported)) return OpStatus::Skipped;
             return advance_to(jira, workflow, updated, WorkflowStep::Handling);
           }});
  ops.add({"save", key, [&]() -> Result<OpStatus> {
             // The update time is the comment's: a re-run records the same time again.
             changes.last_update_at = now;
             if (!comment_created.empty())
               if (auto at = jira::parse_datetime(comment_created)) changes.last_update_at = *at;
             if (!changes.cause.empty()) updated.cause = changes.cause;
             if (!changes.progress_status.empty()) updated.progress_status = changes.progress_status;
             if (changes.eta) updated.eta = changes.eta;
             updated.last_update_at = changes.last_update_at;
             if (auto saved = repo.save(current->key, *current, changes, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
  for (const auto& warning : ops.warnings()) services.diagnostics().warn(warning);
  outcome.commented = !ops.results().empty() && ops.results().front().status == OpStatus::Done;
  outcome.url = jira.browse_url(updated.key);

  if (request.notify) {
    std::string author;
    if (auto me = jira.myself()) author = me->display_name.empty() ? me->ref().id : me->display_name;
    const auto data = update_event_data(request, updated, changes, key, author, jira, session->zone);
    outcome.notifications = notify_fault_event(services, jira, updated.key, "fault.updated", data);
  }
  return outcome;
}

}  // namespace faultline::app
