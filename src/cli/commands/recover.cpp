// `faultline recover KEY`: transition to the recovered status (config jira.workflow), the
// recovered time, how, impact and data-repair state saved, the review deadline recorded
// (recovery + team.review_due_hours, per level when configured), a comment, and a post to
// the channels routed for fault.recovered. A re-run changes nothing already done.
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_operations.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct RecoverOptions {
  std::string key;
  std::string at;
  std::string how;
  std::string rollback_to;
  std::string data_repair;
  std::string impact;
  bool no_notify = false;
};

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

Result<ExitCode> run_recover(const RecoverOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto& repo = *session->repository;
  auto current = repo.get(options.key);
  if (!current) return std::unexpected(current.error());
  const auto& config = *session->config;
  const auto now = ctx.clock().now();

  core::Fault changes;
  // A re-run without --at keeps the recovery time already recorded.
  changes.recovered_at = current->recovered_at ? *current->recovered_at : now;
  if (!options.at.empty()) {
    auto at = core::parse_time(options.at, now, session->zone);
    if (!at) return std::unexpected(Error{ErrorKind::Usage, "--at: " + at.error().message, at.error().hint, 0, {}});
    changes.recovered_at = *at;
  }
  changes.how = options.how;
  changes.rollback_to = options.rollback_to;
  changes.data_repair = options.data_repair;
  changes.impact = options.impact;
  if (!options.rollback_to.empty() && changes.how.empty()) changes.how = "rollback";
  changes.review_deadline = core::review_deadline(*changes.recovered_at, current->level, config.team.review_due_hours,
                                                  config.team.review_due_hours_by_level);

  core::Fault updated = *current;
  updated.recovered_at = changes.recovered_at;
  updated.review_deadline = changes.review_deadline;
  if (!changes.how.empty()) updated.how = changes.how;
  if (!changes.rollback_to.empty()) updated.rollback_to = changes.rollback_to;
  if (!changes.data_repair.empty()) updated.data_repair = changes.data_repair;
  if (!changes.impact.empty()) updated.impact = changes.impact;

  const auto recovered_iso = core::format_iso(*updated.recovered_at, session->zone);
  const auto key = op_key({"recover", current->key, recovered_iso, changes.how, changes.rollback_to, changes.data_repair,
                           changes.impact});
  std::string body = fmt::format("**Recovered** at {}", recovered_iso);
  if (!updated.how.empty()) body += fmt::format("\n\n- How: {}", updated.how);
  if (!updated.rollback_to.empty()) body += fmt::format("\n- Rolled back to: {}", updated.rollback_to);
  if (!updated.impact.empty()) body += fmt::format("\n- Impact: {}", updated.impact);
  if (!updated.data_repair.empty()) body += fmt::format("\n- Data repair: {}", updated.data_repair);
  body += fmt::format("\n- Review due by: {}", core::format_iso(*updated.review_deadline, session->zone));

  OperationList ops;
  const auto& recovered_status = config.jira.workflow.recovered;
  ops.add({"save", key, [&]() -> Result<OpStatus> {
             if (auto saved = repo.save(current->key, *current, changes, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  ops.add({"transition", op_key({"transition", current->key, recovered_status}), [&]() -> Result<OpStatus> {
             if (same_name(current->status, recovered_status)) return OpStatus::Skipped;
             auto moved = session->jira->transition_to_status(current->key, recovered_status);
             if (!moved && same_name(current->status, config.jira.workflow.reported)) {
               // Workflows that only reach "recovered" from "handling": go through it.
               if (auto handling = session->jira->transition_to_status(current->key, config.jira.workflow.handling))
                 moved = session->jira->transition_to_status(current->key, recovered_status);
             }
             if (!moved) return std::unexpected(moved.error());
             updated.status = moved->to_status.empty() ? recovered_status : moved->to_status;
             return OpStatus::Done;
           }});
  ops.add({"comment", key, [&]() { return ensure_comment(*session->jira, current->key, key, body); }});
  if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());

  std::vector<notify::DeliveryReport> reports;
  const auto review_due = core::format_iso(*updated.review_deadline, session->zone);
  if (!options.no_notify) {
    nlohmann::json recovery{{"how", updated.how},
                            {"version", updated.rollback_to},
                            {"impact", updated.impact},
                            {"data_repair", updated.data_repair}};
    nlohmann::json data{{"fault", fault_event_json(updated, session->zone)},
                        {"recovery", without_empty(recovery)},
                        {"review_due", review_due},
                        {"link", {{"url", session->jira->browse_url(updated.key)}, {"title", updated.key}}},
                        {"mentions", mentions_json(updated.coordinator)},
                        {"dedupe_key", updated.key + ":fault.recovered"}};
    reports = notify_fault_event(ctx, *session->jira, updated.key, "fault.recovered", data);
  }

  const auto url = session->jira->browse_url(updated.key);
  if (ctx.options.json) {
    print_json(ctx.out(), nlohmann::json{{"key", updated.key},
                                         {"url", url},
                                         {"recovered_at", recovered_iso},
                                         {"review_deadline", review_due},
                                         {"fault", core::fault_to_json(updated, session->zone)},
                                         {"operations", ops.to_json()},
                                         {"notifications", notifications_json(reports)}});
  } else {
    ctx.out() << updated.key << "\t" << url << "\n";
    if (!ctx.options.quiet) ctx.err() << fmt::format("recovered at {}; review due by {}\n", recovered_iso, review_due);
  }
  return ExitCode::Ok;
}

}  // namespace

void register_recover(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RecoverOptions>();
  auto* cmd = app.add_subcommand("recover", "Record a fault's recovery and start the review clock");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("--at", options->at, "When service recovered (ISO 8601, -10m, now); default now");
  cmd->add_option("--how", options->how, "How it recovered")
      ->check(CLI::IsMember({"rollback", "config", "restart", "scale", "other"}));
  cmd->add_option("--rollback-to", options->rollback_to, "Version rolled back to (implies --how rollback)");
  cmd->add_option("--data-repair", options->data_repair, "Whether data must be repaired")
      ->check(CLI::IsMember({"needed", "not-needed", "done"}));
  cmd->add_option("--impact", options->impact, "Impact on users and business");
  cmd->add_flag("--no-notify", options->no_notify, "Do not post to chat");
  set_examples(*cmd, {"faultline recover FAULT-12 --how rollback --rollback-to 2026.11.1 --data-repair not-needed",
                      "faultline recover FAULT-12 --at -10m --impact \"3% of checkouts failed for 40 minutes\" --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_recover(*options, ctx)); });
}

}  // namespace faultline::cli
