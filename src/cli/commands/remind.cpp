// `faultline remind [--overdue] [--stale] [--reviews]` (all three when none is named), for
// cron: overdue fault actions grouped by owner to the channels routed for actions.overdue
// (owners mentioned, the coordinator too once an action is escalate_after_days overdue),
// open faults without a progress update for longer than their level's cadence to fault.stale
// (the handler mentioned), recovered faults past their review deadline without a published
// review to review.overdue (app/reminders.hpp). Each reminder is claimed on the issue before
// it is sent (app/reminder_claims.hpp), so it is sent at most once per interval
// (core/reminders.hpp) even when cron runs overlap. Silent when there is nothing to send. Exit codes: 0 ok
// (including nothing to do and everything recently reminded), 1 a message or a claim failed
// (the others were still tried), 10 with --fail-on-overdue when overdue actions exist, and the
// usual 2/3/5 when the config, the credentials or Jira fail before anything is sent.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/reminders.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct RemindOptions {
  bool overdue = false;
  bool stale = false;
  bool reviews = false;
  bool fail_on_overdue = false;
  std::string run_id;
  int claim_wait_ms = 2000;
  int limit = 5000;
};

Result<ExitCode> run_remind(const RemindOptions& options, Context& ctx) {
  const bool all = !options.overdue && !options.stale && !options.reviews;
  app::RemindRequest request{all || options.overdue, all || options.stale, all || options.reviews, options.run_id,
                             std::chrono::milliseconds(options.claim_wait_ms), options.limit};
  FAULTLINE_TRY(outcome, app::send_reminders(ctx, request));
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json());
  } else if (!ctx.options.quiet) {
    for (const auto& sent : outcome->delivered)
      ctx.out() << fmt::format("{}{}\t{}\t{}\n", outcome->dry_run ? "dry-run " : "", sent.event, sent.channel,
                               fmt::join(sent.keys, ","));
  }
  if (outcome->failed) return ExitCode::Failed;
  if (options.fail_on_overdue && outcome->overdue_found) return ExitCode::Overdue;
  return ExitCode::Ok;
}

}  // namespace

void register_remind(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RemindOptions>();
  auto* cmd = app.add_subcommand("remind", "Chase overdue actions, stale faults and missed reviews (for cron)");
  cmd->add_flag("--overdue", options->overdue, "Overdue fault actions, grouped by owner (actions.overdue)");
  cmd->add_flag("--stale", options->stale, "Open faults without an update for their level's cadence (fault.stale)");
  cmd->add_flag("--reviews", options->reviews,
                "Recovered faults past their review deadline (review.overdue), and review meetings starting within "
                "2 hours (review.upcoming, the participants mentioned)");
  cmd->add_flag("--fail-on-overdue", options->fail_on_overdue, "Exit 10 when overdue actions exist (CI gates)");
  cmd->add_option("--run-id", options->run_id, "This run's id in the reminder claims (default: host-pid-random)");
  cmd->add_option("--claim-wait", options->claim_wait_ms,
                  "Milliseconds between taking the reminder lock and reading it back (overlapping runs)")
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--limit", options->limit, "At most this many open faults to check")->check(CLI::Range(1, 100000));
  set_examples(*cmd, {"faultline remind", "faultline remind --overdue --json", "faultline --dry-run remind --stale"});
  cmd->footer(cmd->get_footer() + "\n" +
      "Without --overdue/--stale/--reviews all three run. Each reminder is sent at most once per interval\n"
      "(overdue actions and missed reviews: once per day in team.timezone; stale faults: once per update\n"
      "cadence), also when cron runs overlap. Prints nothing when there is nothing to send. With the\n"
      "global --dry-run nothing is claimed or sent. Exit: 0 ok, 1 a message or claim failed, 10 overdue\n"
      "found (--fail-on-overdue), 2 config, 3 auth, 5 Jira unavailable.");
  cmd->callback([options, &ctx] { finish(ctx, run_remind(*options, ctx)); });
}

}  // namespace faultline::cli
