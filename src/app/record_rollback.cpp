// `rollback`: the fault found or opened, then record, comment and pipeline link.
#include "faultline/app/record_rollback.hpp"

#include <fmt/format.h>

#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/query.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

namespace {

bool same_rollback(const core::RollbackRecord& a, const core::RollbackRecord& b) {
  return a.provider == b.provider && a.repository == b.repository && a.run_id == b.run_id && a.service == b.service &&
         a.from_version == b.from_version && a.to_version == b.to_version;
}

// The fault the rollback belongs to: --fault, else the open fault with the dedupe key, else
// the newest open fault of the service; nullopt when there is none.
Result<std::optional<core::Fault>> find_target(const RollbackRequest& request, FaultSession& session,
                                               const std::string& dedupe_key) {
  auto& repo = *session.repository;
  if (!request.fault.empty()) {
    FAULTLINE_TRY(fault, repo.get(request.fault));
    return std::optional<core::Fault>(std::move(*fault));
  }
  FAULTLINE_TRY(by_key, repo.find_open_by_dedupe(dedupe_key));
  if (!by_key->empty()) return std::optional<core::Fault>(by_key->front());
  auto open_faults = repo.search(core::jql_and({repo.fault_scope_jql(), "statusCategory != " + core::jql_quote("Done")}) +
                                     " ORDER BY created DESC",
                                 200);
  if (!open_faults) return std::unexpected(open_faults.error());
  for (auto& fault : *open_faults)
    if (fault.service == request.service) return std::optional<core::Fault>(std::move(fault));
  return std::optional<core::Fault>();
}

// The summary of a fault opened for the rollback.
std::string rollback_summary(const RollbackRequest& request) {
  return fmt::format("Rollback of {} from {} to {}", request.service, request.from, request.to);
}

// The fault a rollback without an open fault opens.
core::Fault rollback_fault(const RollbackRequest& request, const std::string& level, const std::string& dedupe_key,
                           const std::string& coordinator, core::TimePoint now) {
  core::Fault draft;
  draft.summary = rollback_summary(request);
  draft.description =
      fmt::format("Opened by `faultline rollback`{}.", request.ci.run_url.empty() ? "" : " in " + request.ci.run_url);
  draft.level = level;
  draft.source = "ci";
  draft.service = request.service;
  draft.coordinator = coordinator;
  draft.dedupe_key = dedupe_key;
  draft.started_at = now;
  draft.detected_at = now;
  return draft;
}

std::string comment_body(const RollbackRequest& request) {
  const auto& ci = request.ci;
  std::string body = fmt::format("**Rollback** of {}: {} → {}", request.service, request.from, request.to);
  if (!ci.provider.empty()) body += fmt::format("\n\n- Pipeline: {} {} run {}", ci.provider, ci.repository, ci.run_id);
  if (!ci.run_url.empty()) body += fmt::format("\n- Run: {}", ci.run_url);
  if (!ci.commit.empty()) body += fmt::format("\n- Commit: {}", ci.commit);
  if (!ci.actor.empty()) body += fmt::format("\n- By: {}", ci.actor);
  if (!ci.environment.empty()) body += fmt::format("\n- Environment: {}", ci.environment);
  return body;
}

// The texts the rollback may send, checked against Jira's limits before anything is read or
// written: the summary of a fault it may open, the service and dedupe key (fields), and the
// comment as ensure_comment sends it (its marker has the same length for every fault).
// Error: Usage naming every value Jira would refuse.
Result<void> check_rollback_texts(const RollbackRequest& request) {
  const auto summary = rollback_summary(request);
  const auto comment = comment_body(request) + "\n\n" + op_marker(op_key({"rollback"}));
  return core::check_jira_texts({
      {"the fault summary (--service, --from, --to)", core::JiraText::Summary, summary},
      {"--service", core::JiraText::TextField, request.service},
      {"--dedupe-key", core::JiraText::TextField, request.dedupe_key},
      {"the rollback comment (--service, --from, --to and the CI values)", core::JiraText::Comment, comment},
  });
}

// The remote link from the fault to the pipeline run.
jira::RemoteLinkInput pipeline_link(const RollbackRequest& request, const std::string& global_id) {
  const auto& ci = request.ci;
  jira::RemoteLinkInput link;
  link.global_id = global_id;
  link.url = ci.run_url;
  link.title = fmt::format("Rollback {} {} → {} ({} run {})", request.service, request.from, request.to,
                           ci.provider.empty() ? "ci" : ci.provider, ci.run_id);
  link.relationship = "rollback";
  link.application_type = "faultline";
  link.application_name = "faultline";
  return link;
}

// Queues the record, comment and link operations for the fault `outcome.key`.
void add_record_operations(FaultSession& session, const RollbackRequest& request, const std::string& rollback_key,
                           RollbackOutcome& outcome) {
  auto& repo = *session.repository;
  auto& jira = *session.jira;
  const auto& key = outcome.key;
  auto& ops = outcome.operations;
  ops.add({"record", op_key({"record", key, rollback_key}), [&repo, &outcome]() -> Result<OpStatus> {
             FAULTLINE_TRY(current, repo.get(outcome.key));
             outcome.fault = *current;
             for (const auto& existing : current->rollbacks)
               if (same_rollback(existing, outcome.record)) return OpStatus::Skipped;
             outcome.fault.rollbacks.push_back(outcome.record);
             if (auto saved = repo.save(outcome.key, *current, core::Fault{}, outcome.fault); !saved)
               return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  const auto comment_key = op_key({"rollback", key, rollback_key});
  ops.add({"comment", comment_key, [&jira, &key, comment_key, body = comment_body(request)]() {
             return ensure_comment(jira, key, comment_key, body);
           }});
  if (request.ci.run_url.empty()) return;
  const auto global_id = "faultline:" + rollback_key;
  ops.add({"link", global_id, [&jira, &key, link = pipeline_link(request, global_id)]() -> Result<OpStatus> {
             auto links = jira.remote_links(key, link.global_id);
             if (links && !links->empty()) return OpStatus::Skipped;
             if (auto upserted = jira.upsert_remote_link(key, link); !upserted) return std::unexpected(upserted.error());
             return OpStatus::Done;
           }});
}

}  // namespace

nlohmann::json RollbackOutcome::to_json(const core::CiContext& ci, const date::time_zone* zone) const {
  auto out = opened ? opened->to_json(zone)
                    : nlohmann::json{{"key", key}, {"url", url}, {"created", false}, {"level", fault.level},
                                     {"notifications", nlohmann::json::array()}};
  out["fault"] = core::fault_to_json(fault, zone);
  out["rollback"] = core::rollback_to_json(record, zone);
  out["recorded"] = recorded;
  out["ci"] = core::ci_context_to_json(ci);
  out["operations"] = operations.to_json();
  return out;
}

Result<RollbackOutcome> record_rollback(Services& services, const RollbackRequest& request) {
  FAULTLINE_TRY(level, normalize_level(request.level, "--level"));
  if (auto fits = check_rollback_texts(request); !fits) return std::unexpected(fits.error());
  FAULTLINE_TRY(session, open_fault_session_for_open(services));
  const auto now = services.clock().now();
  RollbackOutcome outcome;
  outcome.record = core::rollback_record(request.ci, request.service, request.from, request.to, now);
  const auto rollback_key = core::rollback_dedupe_key(request.ci, request.service, request.from, request.to);
  const auto dedupe_key = request.dedupe_key.empty() ? rollback_key : request.dedupe_key;

  FAULTLINE_TRY(target, find_target(request, *session, dedupe_key));
  if (*target) {
    outcome.key = (*target)->key;
  } else {
    auto draft = rollback_fault(request, *level, dedupe_key, session->config->team.coordinator, now);
    FAULTLINE_TRY(opened,
                  open_fault(services, *session, std::move(draft), request.notify ? Announce::Yes : Announce::No));
    if (opened->dry_run) {
      outcome.dry_run = true;
      return outcome;
    }
    outcome.key = opened->fault.key;
    outcome.opened = std::move(*opened);
  }
  add_record_operations(*session, request, rollback_key, outcome);
  if (auto ran = outcome.operations.run(); !ran) return std::unexpected(ran.error());
  outcome.recorded = !outcome.operations.results().empty() && outcome.operations.results().front().status == OpStatus::Done;
  outcome.url = session->jira->browse_url(outcome.key);
  return outcome;
}

}  // namespace faultline::app
