// `faultline recover KEY`: transition to the recovered status (config jira.workflow), the
// recovered time, how, impact and data-repair state saved, the review deadline recorded
// (recovery + team.review_due_hours, per level when configured), a comment, and a post to
// the channels routed for fault.recovered. A re-run changes nothing already done.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/recover_fault.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/cli/spooling.hpp"
#include "faultline/core/time.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct RecoverOptions {
  app::RecoverRequest request;
  bool no_notify = false;
};

Result<ExitCode> run_recover(const RecoverOptions& options, Context& ctx) {
  app::RecoverRequest request = options.request;
  request.notify = !options.no_notify;
  // A provisional key (announced while Jira was down): its Jira key once the spool opened it;
  // while its open still waits, this waits behind it in the spool.
  FAULTLINE_TRY(resolved, app::resolve_fault_key(ctx.spool(), request.key));
  if (resolved->waiting) {
    const Error waiting{ErrorKind::Unavailable, request.key + " is not open in Jira yet: its open is in the spool", {}, 0, {}};
    return spool_or_fail(ctx, waiting, [&](app::Spool& spool) { return app::spool_recover(ctx, spool, request, waiting); });
  }
  if (!resolved->key.empty()) request.key = resolved->key;
  auto outcome = app::recover_fault(ctx, request);
  if (!outcome) {
    return spool_or_fail(ctx, outcome.error(), [&](app::Spool& spool) -> Result<app::SpooledWork> {
      // A replay must not be refused for what is wrong now: --at is checked before it waits.
      if (!request.at.empty()) {
        FAULTLINE_TRY(zone, ctx.zone());
        if (auto at = core::parse_time(request.at, ctx.clock().now(), *zone); !at)
          return std::unexpected(Error{ErrorKind::Usage, "--at: " + at.error().message, at.error().hint, 0, {}});
      }
      return app::spool_recover(ctx, spool, request, outcome.error());
    });
  }
  if (ctx.options.json) {
    auto zone = ctx.zone();
    print_json(ctx.out(), outcome->to_json(zone ? *zone : nullptr));
    return ExitCode::Ok;
  }
  ctx.out() << outcome->fault.key << "\t" << outcome->url << "\n";
  if (!ctx.options.quiet)
    ctx.err() << fmt::format("recovered at {}; review due by {}\n", outcome->recovered_at, outcome->review_deadline);
  return ExitCode::Ok;
}

}  // namespace

void register_recover(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RecoverOptions>();
  auto* cmd = app.add_subcommand("recover", "Record a fault's recovery and start the review clock");
  cmd->add_option("KEY", options->request.key, "The fault issue key")->required();
  cmd->add_option("--at", options->request.at, "When service recovered (ISO 8601, -10m, now); default now");
  cmd->add_option("--how", options->request.how, "How it recovered")
      ->check(CLI::IsMember({"rollback", "config", "restart", "scale", "other"}));
  cmd->add_option("--rollback-to", options->request.rollback_to, "Version rolled back to (implies --how rollback)");
  cmd->add_option("--data-repair", options->request.data_repair, "Whether data must be repaired")
      ->check(CLI::IsMember({"needed", "not-needed", "done"}));
  cmd->add_option("--impact", options->request.impact, "Impact on users and business");
  cmd->add_flag("--no-notify", options->no_notify, "Do not post to chat");
  set_examples(*cmd, {"faultline recover FAULT-12 --how rollback --rollback-to 2026.11.1 --data-repair not-needed",
                      "faultline recover FAULT-12 --at -10m --impact \"3% of checkouts failed for 40 minutes\" --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_recover(*options, ctx)); });
}

}  // namespace faultline::cli
