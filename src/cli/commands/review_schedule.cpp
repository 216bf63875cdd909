// `faultline review schedule KEY --at TIME`: the review meeting within the review deadline
// (or --late "reason"), sent as an iCalendar invitation by e-mail, posted to the room and the
// routes of review.scheduled, recorded on the fault. --cancel calls it off.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/review_meeting.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ScheduleOptions {
  app::ScheduleRequest request;
  bool no_notify = false;
};

Result<ExitCode> run_review_schedule(const ScheduleOptions& options, Context& ctx) {
  app::ScheduleRequest request = options.request;
  request.notify = !options.no_notify;
  if (request.cancel && !request.at.empty())
    return fail(ErrorKind::Usage, "--cancel and --at exclude each other", "cancel, or give the new time");
  FAULTLINE_TRY(outcome, app::schedule_review(ctx, request));
  FAULTLINE_TRY(zone, ctx.zone());
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json(*zone));
  } else {
    for (const auto& warning : outcome->warnings) ctx.err() << "warning: " << ctx.redactor().mask(warning) << "\n";
    const auto& meeting = outcome->meeting;
    ctx.out() << fmt::format("{}\t{}\t{}\t{}\n", outcome->key, outcome->action,
                             meeting.cancelled ? std::string("-") : core::format_iso(meeting.at, *zone), meeting.sequence);
    if (!ctx.options.quiet) {
      if (outcome->invitation_sent)
        ctx.err() << fmt::format("invitation {} to {}\n", meeting.cancelled ? "cancelled" : "sent",
                                 fmt::join(meeting.addresses, ", "));
      else if (outcome->action == "unchanged")
        ctx.err() << "the meeting is as scheduled: nothing sent again\n";
    }
  }
  for (const auto& report : outcome->notifications)
    if (report.record_failed) return ExitCode::Failed;
  return ExitCode::Ok;
}

}  // namespace

void register_review_schedule(CLI::App& review, Context& ctx) {
  auto options = std::make_shared<ScheduleOptions>();
  auto& request = options->request;
  auto* cmd = review.add_subcommand(
      "schedule", "Schedule the review meeting within the review deadline and send the calendar invitation");
  cmd->add_option("KEY", request.key, "Fault key (FAULT-42)")->required();
  cmd->add_option("--at", request.at,
                  "When it starts: \"2026-12-04 15:00\" in the team's time zone, ISO 8601 with an offset, or +2h");
  cmd->add_option("--duration", request.duration, "How long it lasts (default 1h)");
  cmd->add_option("--participants", request.participants,
                  "More participants (people keys, Jira users or e-mail addresses), besides the handler, the "
                  "coordinator and the team's lead; repeatable or comma-separated")
      ->delimiter(',');
  cmd->add_option("--where", request.where, "A meeting URL or room (default: the fault's response room)");
  cmd->add_flag("--cancel", request.cancel, "Cancel the scheduled meeting (a METHOD:CANCEL invitation)");
  cmd->add_option("--late", request.late_reason,
                  "Why the meeting is past the review deadline (required then; recorded on the fault)");
  cmd->add_flag("--no-notify", options->no_notify, "Send the invitation, but post nothing to chat");
  set_examples(*cmd, {"faultline review schedule FAULT-42 --at \"2026-12-04 15:00\"",
                      "faultline review schedule FAULT-42 --at \"2026-12-04 16:00\" --duration 90m --participants erin",
                      "faultline review schedule FAULT-42 --at \"2026-12-07 10:00\" --late \"owner on leave until Monday\"",
                      "faultline review schedule FAULT-42 --cancel"});
  cmd->callback([options, &ctx] { finish(ctx, run_review_schedule(*options, ctx)); });
}

}  // namespace faultline::cli
