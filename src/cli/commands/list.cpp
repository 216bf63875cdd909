// `faultline list`: open faults (by default) of the project, filtered by level, team,
// service, status and creation time; an aligned table on a terminal, tab-separated rows when
// piped, and with --json an array of fault models (each with "url" and "review_state").
// The review clock: the deadline (recovery + team.review_due_hours, per level) and whether
// the review is due, overdue or was met (on time or late).
#include <memory>

#include "faultline/app/tracking.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/review_clock.hpp"

namespace faultline::cli {

namespace {

// "2026-11-19 10:00" in `zone`.
std::string short_time(core::TimePoint t, const date::time_zone* zone) {
  const auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%Y-%m-%d %H:%M", local.get_local_time());
}

// The REVIEW cell: "due 2026-11-19 10:00", "meeting 2026-11-19 15:00", "overdue 2026-11-19 10:00",
// "met", "met late";
// "" before recovery.
std::string review_cell(const core::Fault& f, core::TimePoint now, const date::time_zone* zone) {
  if (!f.review_deadline) return "";
  const auto state = core::review_state(f.recovered_at, f.reviewed_at, *f.review_deadline, now, f.review_scheduled_at);
  switch (state) {
    case core::ReviewState::NotDue: return "";
    case core::ReviewState::Due: return "due " + short_time(*f.review_deadline, zone);
    case core::ReviewState::Scheduled: return "meeting " + short_time(*f.review_scheduled_at, zone);
    case core::ReviewState::Overdue: return "overdue " + short_time(*f.review_deadline, zone);
    case core::ReviewState::MetOnTime: return "met";
    case core::ReviewState::MetLate: return "met late";
  }
  return "";
}

Result<ExitCode> run_list(const app::FaultListRequest& request, Context& ctx) {
  FAULTLINE_TRY(list, app::list_faults(ctx, request));
  if (ctx.options.json) {
    print_json(ctx.out(), list->json);
    return ExitCode::Ok;
  }
  Table table({"KEY", "LEVEL", "STATUS", "SERVICE", "TEAM", "AGE", "REVIEW", "SUMMARY"});
  for (const auto& f : list->faults) {
    const auto since = f.started_at ? f.started_at : f.created;
    const std::string age =
        since ? core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(list->now - *since)) : "";
    std::string review = review_cell(f, list->now, list->zone);
    if (review.starts_with("overdue")) review = paint(review, Color::Red, ctx.color());
    table.add_row({f.key, f.level, f.status, f.service, f.team, age, review, f.summary});
  }
  if (table.empty()) {
    if (!ctx.options.quiet) ctx.err() << "no faults match\n";
    return ExitCode::Ok;
  }
  table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  return ExitCode::Ok;
}

}  // namespace

void register_list(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<app::FaultListRequest>();
  auto* cmd = app.add_subcommand("list", "List faults (open ones by default)");
  one_of(cmd->add_option("--level", options->level, "Only this level (P1..P4)"), {"P1", "P2", "P3", "P4"}, false);
  cmd->add_option("--team", options->team, "Only this team");
  cmd->add_option("--service", options->service, "Only this service");
  cmd->add_option("--since", options->since, "Created at or after (ISO 8601, -7d, ...)");
  cmd->add_option("--status", options->status, "Only this workflow status (includes closed ones)");
  cmd->add_flag("--all", options->all, "Include closed faults");
  cmd->add_option("--limit", options->limit, "At most this many faults")->check(CLI::Range(1, 5000));
  set_examples(*cmd, {"faultline list", "faultline list --level P1 --since -30d --all",
                      "faultline list --team payments --json | jq '.[].key'"});
  cmd->callback([options, &ctx] { finish(ctx, run_list(*options, ctx)); });
}

}  // namespace faultline::cli
