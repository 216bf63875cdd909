// `faultline rollback`: the CI step run on a rollback. Reads the CI provider's documented
// variables (GitHub Actions, GitLab CI, Jenkins), finds the fault (--fault, the dedupe key,
// else the open fault of the service) or opens one (source ci), and records the rollback as
// a property record, a comment and a remote link to the pipeline run. A re-run of the same
// pipeline run changes nothing.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_open.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/ci_env.hpp"
#include "faultline/core/query.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct RollbackOptions {
  std::string service;
  std::string from;
  std::string to;
  std::string fault;
  std::string dedupe_key;
  std::string level = "P3";
  std::vector<std::string> ci_fields;
  bool no_notify = false;
};

bool same_rollback(const core::RollbackRecord& a, const core::RollbackRecord& b) {
  return a.provider == b.provider && a.repository == b.repository && a.run_id == b.run_id && a.service == b.service &&
         a.from_version == b.from_version && a.to_version == b.to_version;
}

// The fault the rollback belongs to: --fault, else the open fault with the dedupe key, else
// the newest open fault of the service; nullopt when there is none.
Result<std::optional<core::Fault>> find_target(const RollbackOptions& options, FaultSession& session,
                                               const std::string& dedupe_key) {
  auto& repo = *session.repository;
  if (!options.fault.empty()) {
    auto fault = repo.get(options.fault);
    if (!fault) return std::unexpected(fault.error());
    return std::optional<core::Fault>(std::move(*fault));
  }
  auto by_key = repo.find_open_by_dedupe(dedupe_key);
  if (!by_key) return std::unexpected(by_key.error());
  if (!by_key->empty()) return std::optional<core::Fault>(by_key->front());
  auto open_faults = repo.search(core::jql_and({repo.fault_scope_jql(), "statusCategory != " + core::jql_quote("Done")}) +
                                     " ORDER BY created DESC",
                                 200);
  if (!open_faults) return std::unexpected(open_faults.error());
  for (auto& fault : *open_faults)
    if (fault.service == options.service) return std::optional<core::Fault>(std::move(fault));
  return std::optional<core::Fault>();
}

Result<ExitCode> run_rollback(const RollbackOptions& options, Context& ctx) {
  auto level = normalize_level(options.level, "--level");
  if (!level) return std::unexpected(level.error());
  auto ci = core::detect_ci([&ctx](std::string_view name) { return ctx.env().get(name); });
  for (const auto& field : options.ci_fields)
    if (auto applied = core::apply_ci_field(ci, field); !applied) return std::unexpected(applied.error());
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto& repo = *session->repository;
  const auto now = ctx.clock().now();
  const auto record = core::rollback_record(ci, options.service, options.from, options.to, now);
  const auto rollback_key = core::rollback_dedupe_key(ci, options.service, options.from, options.to);
  const auto dedupe_key = options.dedupe_key.empty() ? rollback_key : options.dedupe_key;

  auto target = find_target(options, *session, dedupe_key);
  if (!target) return std::unexpected(target.error());
  std::optional<OpenOutcome> opened;
  std::string key;
  if (*target) {
    key = (*target)->key;
  } else {
    core::Fault draft;
    draft.summary = fmt::format("Rollback of {} from {} to {}", options.service, options.from, options.to);
    draft.description = fmt::format("Opened by `faultline rollback`{}.", ci.run_url.empty() ? "" : " in " + ci.run_url);
    draft.level = *level;
    draft.source = "ci";
    draft.service = options.service;
    draft.coordinator = session->config->team.coordinator;
    draft.dedupe_key = dedupe_key;
    draft.started_at = now;
    draft.detected_at = now;
    auto outcome = open_fault(ctx, *session, std::move(draft), options.no_notify ? Announce::No : Announce::Yes);
    if (!outcome) return std::unexpected(outcome.error());
    if (outcome->dry_run) {
      ctx.err() << "dry run: nothing was sent, no fault created\n";
      return ExitCode::Ok;
    }
    key = outcome->fault.key;
    opened = std::move(*outcome);
  }

  OperationList ops;
  core::Fault updated;
  ops.add({"record", op_key({"record", key, rollback_key}), [&]() -> Result<OpStatus> {
             auto current = repo.get(key);
             if (!current) return std::unexpected(current.error());
             updated = *current;
             for (const auto& existing : current->rollbacks)
               if (same_rollback(existing, record)) return OpStatus::Skipped;
             updated.rollbacks.push_back(record);
             if (auto saved = repo.save(key, *current, core::Fault{}, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  const auto comment_key = op_key({"rollback", key, rollback_key});
  std::string body = fmt::format("**Rollback** of {}: {} → {}", options.service, options.from, options.to);
  if (!ci.provider.empty()) body += fmt::format("\n\n- Pipeline: {} {} run {}", ci.provider, ci.repository, ci.run_id);
  if (!ci.run_url.empty()) body += fmt::format("\n- Run: {}", ci.run_url);
  if (!ci.commit.empty()) body += fmt::format("\n- Commit: {}", ci.commit);
  if (!ci.actor.empty()) body += fmt::format("\n- By: {}", ci.actor);
  if (!ci.environment.empty()) body += fmt::format("\n- Environment: {}", ci.environment);
  ops.add({"comment", comment_key, [&]() { return ensure_comment(*session->jira, key, comment_key, body); }});
  if (!ci.run_url.empty()) {
    const auto global_id = "faultline:" + rollback_key;
    ops.add({"link", global_id, [&, global_id]() -> Result<OpStatus> {
               auto links = session->jira->remote_links(key, global_id);
               if (links && !links->empty()) return OpStatus::Skipped;
               jira::RemoteLinkInput link;
               link.global_id = global_id;
               link.url = ci.run_url;
               link.title = fmt::format("Rollback {} {} → {} ({} run {})", options.service, options.from, options.to,
                                        ci.provider.empty() ? "ci" : ci.provider, ci.run_id);
               link.relationship = "rollback";
               link.application_type = "faultline";
               link.application_name = "faultline";
               if (auto upserted = session->jira->upsert_remote_link(key, link); !upserted) return std::unexpected(upserted.error());
               return OpStatus::Done;
             }});
  }
  if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());

  const auto url = session->jira->browse_url(key);
  if (ctx.options.json) {
    auto out = opened ? opened->to_json(*session) : nlohmann::json{{"key", key}, {"url", url}, {"created", false},
                                                                    {"level", updated.level}, {"notifications", nlohmann::json::array()}};
    out["fault"] = core::fault_to_json(updated, session->zone);
    out["rollback"] = core::rollback_to_json(record, session->zone);
    out["recorded"] = !ops.results().empty() && ops.results().front().status == OpStatus::Done;
    out["ci"] = core::ci_context_to_json(ci);
    out["operations"] = ops.to_json();
    print_json(ctx.out(), out);
  } else {
    ctx.out() << key << "\t" << url << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_rollback(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RollbackOptions>();
  auto* cmd = app.add_subcommand("rollback", "Record a rollback from CI on its fault (opening one when none is open)");
  cmd->add_option("--service", options->service, "The service rolled back")->required();
  cmd->add_option("--from", options->from, "The version rolled back from")->required();
  cmd->add_option("--to", options->to, "The version rolled back to")->required();
  cmd->add_option("--fault", options->fault, "The fault to record it on (default: the open fault of the service)");
  cmd->add_option("--dedupe-key", options->dedupe_key, "Dedupe key of the fault to find or open (default: the rollback's)");
  cmd->add_option("--level", options->level, "Level of a fault opened for the rollback (default P3)");
  cmd->add_option("--ci-field", options->ci_fields, "Override a CI value: KEY=VALUE (run_url=..., actor=...); repeatable");
  cmd->add_flag("--no-notify", options->no_notify, "Do not announce a fault opened for the rollback");
  set_examples(*cmd, {"faultline rollback --service checkout --from 2026.11.2 --to 2026.11.1",
                      "faultline rollback --service checkout --from v42 --to v41 --fault FAULT-12 --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_rollback(*options, ctx)); });
}

}  // namespace faultline::cli
