// `faultline update KEY`: a progress comment (cause, ETA, status, message) in the flavor's
// body format, the facts saved, the last-update time recorded for the update cadence, and a
// progress post to the channels routed for fault.updated. A re-run with the same values
// finds its comment by its operation marker and posts nothing twice.
#include <memory>

#include "faultline/app/update_fault.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/cli/spooling.hpp"
#include "faultline/core/time.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"

namespace faultline::cli {

namespace {

struct UpdateOptions {
  app::UpdateRequest request;
  bool no_notify = false;
};

Result<ExitCode> run_update(const UpdateOptions& options, Context& ctx) {
  app::UpdateRequest request = options.request;
  request.notify = !options.no_notify;
  if (request.message.empty() && request.cause.empty() && request.eta.empty() && request.status.empty()) {
    // Nothing given: ask on a terminal; without one, name the flag (exit 2).
    auto message = ask(ctx, "Update message", "--message");
    if (!message) {
      auto error = message.error();
      error.hint = "give --message, --cause, --eta or --status";
      return std::unexpected(error);
    }
    request.message = *message;
  }
  // A provisional key (announced while Jira was down): its Jira key once the spool opened it;
  // while its open still waits, this waits behind it in the spool.
  FAULTLINE_TRY(resolved, app::resolve_fault_key(ctx.spool(), request.key));
  if (resolved->waiting) {
    const Error waiting{ErrorKind::Unavailable, request.key + " is not open in Jira yet: its open is in the spool", {}, 0, {}};
    return spool_or_fail(ctx, waiting, [&](app::Spool& spool) { return app::spool_update(ctx, spool, request, waiting); });
  }
  if (!resolved->key.empty()) request.key = resolved->key;
  auto outcome = app::update_fault(ctx, request);
  if (!outcome) {
    return spool_or_fail(ctx, outcome.error(), [&](app::Spool& spool) -> Result<app::SpooledWork> {
      // A replay must not be refused for what is wrong now: the ETA is checked before it waits.
      if (!request.eta.empty() && !core::parse_duration(request.eta)) {
        FAULTLINE_TRY(zone, ctx.zone());
        if (auto eta = core::parse_time(request.eta, ctx.clock().now(), *zone); !eta)
          return std::unexpected(Error{ErrorKind::Usage, "--eta: " + eta.error().message, eta.error().hint, 0, {}});
      }
      return app::spool_update(ctx, spool, request, outcome.error());
    });
  }
  if (ctx.options.json) {
    auto zone = ctx.zone();
    print_json(ctx.out(), outcome->to_json(zone ? *zone : nullptr));
  } else {
    ctx.out() << outcome->fault.key << "\t" << outcome->url << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_update(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<UpdateOptions>();
  auto* cmd = app.add_subcommand("update", "Post a progress update on a fault (comment, fields, chat)");
  cmd->add_option("KEY", options->request.key, "The fault issue key")->required();
  cmd->add_option("--message", options->request.message, "What changed, in a sentence or two");
  cmd->add_option("--cause", options->request.cause, "The cause as known now");
  cmd->add_option("--eta", options->request.eta, "Expected recovery: a time (ISO 8601) or a duration from now (30m)");
  cmd->add_option("--status", options->request.status, "Investigation status")
      ->check(CLI::IsMember({"investigating", "identified", "monitoring"}));
  cmd->add_flag("--no-notify", options->no_notify, "Do not post to chat");
  set_examples(*cmd, {"faultline update FAULT-12 --status identified --cause \"bad config push\" --eta 30m",
                      "faultline update FAULT-12 --message \"rollback in progress\" --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_update(*options, ctx)); });
}

}  // namespace faultline::cli
