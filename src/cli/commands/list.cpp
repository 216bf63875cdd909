// `faultline list`: open faults (by default) of the project, filtered by level, team,
// service, status and creation time; an aligned table on a terminal, tab-separated rows when
// piped, and with --json an array of fault models (each with "url" and "review_state").
// The review clock: the deadline (recovery + team.review_due_hours, per level) and whether
// the review is due, overdue or was met (on time or late).
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/review_clock.hpp"

namespace faultline::cli {

namespace {

struct ListOptions {
  std::string level;
  std::string team;
  std::string service;
  std::string since;
  std::string status;
  bool all = false;
  int limit = 200;
};

// JQL's date literal "yyyy-MM-dd HH:mm" in `zone`.
std::string jql_time(core::TimePoint t, const date::time_zone* zone) {
  const auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%Y-%m-%d %H:%M", local.get_local_time());
}

// The review state at `now`: "not_due" when no deadline is known (not recovered yet).
std::string review_state_of(const core::Fault& f, core::TimePoint now) {
  if (!f.review_deadline) return "not_due";
  return core::to_string(core::review_state(f.recovered_at, f.reviewed_at, *f.review_deadline, now));
}

// The REVIEW cell: "due 2026-11-19 10:00", "overdue 2026-11-19 10:00", "met", "met late";
// "" before recovery.
std::string review_cell(const core::Fault& f, core::TimePoint now, const date::time_zone* zone) {
  if (!f.review_deadline) return "";
  const auto state = core::review_state(f.recovered_at, f.reviewed_at, *f.review_deadline, now);
  switch (state) {
    case core::ReviewState::NotDue: return "";
    case core::ReviewState::Due: return "due " + jql_time(*f.review_deadline, zone);
    case core::ReviewState::Overdue: return "overdue " + jql_time(*f.review_deadline, zone);
    case core::ReviewState::MetOnTime: return "met";
    case core::ReviewState::MetLate: return "met late";
  }
  return "";
}

Result<ExitCode> run_list(const ListOptions& options, Context& ctx) {
  std::string level;
  if (!options.level.empty()) {
    auto normalized = normalize_level(options.level, "--level");
    if (!normalized) return std::unexpected(normalized.error());
    level = *normalized;
  }
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto& repo = *session->repository;
  std::vector<std::string> clauses = {repo.fault_scope_jql()};
  if (!options.all && options.status.empty()) clauses.push_back("statusCategory != " + core::jql_quote("Done"));
  if (!options.status.empty()) clauses.push_back("status = " + core::jql_quote(options.status));
  if (!level.empty()) clauses.push_back("labels = " + core::jql_quote(core::prefixed_label(core::k_level_label_prefix, level)));
  if (!options.since.empty()) {
    auto since = core::parse_time(options.since, ctx.clock().now(), session->zone);
    if (!since) return std::unexpected(Error{ErrorKind::Usage, "--since: " + since.error().message, since.error().hint, 0, {}});
    clauses.push_back("created >= " + core::jql_quote(jql_time(*since, session->zone)));
  }
  auto faults = repo.search(core::jql_and(clauses) + " ORDER BY created DESC", options.limit);
  if (!faults) return std::unexpected(faults.error());
  std::erase_if(*faults, [&](const core::Fault& f) {
    return (!options.team.empty() && f.team != options.team) || (!options.service.empty() && f.service != options.service);
  });

  const auto now = ctx.clock().now();
  if (ctx.options.json) {
    auto list = nlohmann::json::array();
    for (const auto& f : *faults) {
      auto item = core::fault_to_json(f, session->zone);
      item["url"] = session->jira->browse_url(f.key);
      item["review_state"] = review_state_of(f, now);
      list.push_back(std::move(item));
    }
    print_json(ctx.out(), list);
    return ExitCode::Ok;
  }
  Table table({"KEY", "LEVEL", "STATUS", "SERVICE", "TEAM", "AGE", "REVIEW", "SUMMARY"});
  for (const auto& f : *faults) {
    const auto since = f.started_at ? f.started_at : f.created;
    const std::string age = since ? core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(now - *since)) : "";
    std::string review = review_cell(f, now, session->zone);
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
  auto options = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List faults (open ones by default)");
  cmd->add_option("--level", options->level, "Only this level (P1..P4)");
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
