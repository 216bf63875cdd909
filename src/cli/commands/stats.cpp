// `faultline stats`: fault counts, times to recover and detect, review compliance, actions,
// monitoring vs customer share and the release-frequency correlation, per period and over the
// window. On a terminal: a compact table per section with inline bars; piped: tab-separated
// tidy rows (period, metric, dimension, value); --json (or --format json): the documented
// contract; --format csv: the tidy rows as RFC 4180 CSV. --xlsx and --charts also write a
// workbook and SVG + PNG charts.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "faultline/app/stats.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct StatsOptions {
  app::StatsRequest request;
  std::string by = "month";
  std::vector<std::string> teams, business_units, services, levels, sources;
  std::string format = "table";
  std::string xlsx;
  std::string charts;
};

constexpr std::size_t k_bar_width = 20;

// "▇▇▇▇▍": `value` of `max` as a bar of up to k_bar_width cells, eighths for the remainder.
std::string bar(double value, double max) {
  if (max <= 0 || value <= 0) return "";
  static constexpr std::array<std::string_view, 8> k_eighths{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto eighths = static_cast<std::size_t>(value / max * static_cast<double>(k_bar_width * 8) + 0.5);
  std::string out;
  for (std::size_t i = 0; i < eighths / 8; ++i) out += "█";
  out += k_eighths[eighths % 8];
  if (out.empty()) out = "▏";  // a non-zero value always shows
  return out;
}

std::string minutes_text(const std::optional<double>& minutes) {
  if (!minutes) return "-";
  return core::format_age(std::chrono::milliseconds(static_cast<long long>(*minutes * 60000.0 + 0.5)));
}

std::string share_text(const std::optional<double>& share) {
  return share ? fmt::format("{:.0f}%", *share * 100.0) : "-";
}

std::string count_text(const std::optional<std::size_t>& n) { return n ? std::to_string(*n) : "-"; }

std::string rate_text(const std::optional<double>& rate) { return rate ? fmt::format("{:.1f}", *rate) : "-"; }

void heading(Context& ctx, std::string_view text) {
  ctx.out() << "\n" << paint(text, Color::Bold, ctx.color()) << "\n";
}

// Faults per period: count with a bar, levels, times, shares, releases.
void print_periods(Context& ctx, const core::StatsReport& report) {
  heading(ctx, fmt::format("Faults by {} ({} to {})", core::to_string(report.unit),
                           report.periods.empty() ? "" : report.periods.front().period.label,
                           report.periods.empty() ? "" : report.periods.back().period.label));
  double max = 0;
  for (const auto& p : report.periods) max = std::max(max, static_cast<double>(p.faults));
  Table table({"PERIOD", "FAULTS", "", "P1", "P2", "P3", "P4", "TTR MEDIAN", "TTR P90", "TTD MEDIAN", "MONITORING",
               "CUSTOMER", "RELEASES", "PER 100"});
  auto level = [](const core::PeriodStats& p, const char* name) {
    auto it = p.by_level.find(name);
    return std::to_string(it == p.by_level.end() ? 0 : it->second);
  };
  std::vector<const core::PeriodStats*> rows;
  for (const auto& period : report.periods) rows.push_back(&period);
  rows.push_back(&report.total);
  for (const auto* p : rows) {
    table.add_row({p->period.label, std::to_string(p->faults), p == &report.total ? "" : bar(static_cast<double>(p->faults), max),
                   level(*p, "P1"), level(*p, "P2"), level(*p, "P3"), level(*p, "P4"), minutes_text(p->time_to_recover.median),
                   minutes_text(p->time_to_recover.p90), minutes_text(p->time_to_detect.median),
                   share_text(p->monitoring_share), share_text(p->customer_share), count_text(p->releases),
                   rate_text(p->faults_per_100_releases)});
  }
  table.print(ctx.out(), TableStyle::Aligned);
}

// One breakdown over the window: value, count, bar.
void print_breakdown(Context& ctx, std::string_view title, const core::Breakdown& counts) {
  heading(ctx, title);
  if (counts.empty()) {
    ctx.out() << "  (no faults)\n";
    return;
  }
  std::vector<std::pair<std::string, std::size_t>> rows(counts.begin(), counts.end());
  std::ranges::stable_sort(rows, [](const auto& a, const auto& b) { return a.second > b.second; });
  const double max = static_cast<double>(rows.front().second);
  Table table({"VALUE", "FAULTS", ""});
  for (const auto& [value, n] : rows) table.add_row({value, std::to_string(n), bar(static_cast<double>(n), max)});
  table.print(ctx.out(), TableStyle::Aligned);
}

void print_times(Context& ctx, const core::StatsReport& report) {
  heading(ctx, "Times (whole window)");
  Table table({"", "FAULTS", "MISSING", "MEAN", "MEDIAN", "P90", "MAX"});
  for (const auto& [name, s] : {std::pair{"time to recover", &report.total.time_to_recover},
                                std::pair{"time to detect", &report.total.time_to_detect}}) {
    table.add_row({name, std::to_string(s->count), std::to_string(s->missing), minutes_text(s->mean),
                   minutes_text(s->median), minutes_text(s->p90), minutes_text(s->max)});
  }
  table.print(ctx.out(), TableStyle::Aligned);
}

void print_reviews_and_actions(Context& ctx, const core::StatsReport& report) {
  heading(ctx, "Reviews and actions");
  Table table({"PERIOD", "REVIEWED ON TIME", "LATE", "MISSING", "NOT DUE", "ACTIONS", "DONE ON TIME", "DONE LATE",
               "OVERDUE", "PENDING"});
  auto add = [&table](const core::PeriodStats& p) {
    const auto& r = p.reviews;
    const auto& a = p.actions;
    table.add_row({p.period.label, std::to_string(r.on_time), std::to_string(r.late), std::to_string(r.missing),
                   std::to_string(r.not_due), std::to_string(a.created), std::to_string(a.done_on_time),
                   std::to_string(a.done_late), std::to_string(a.open_overdue), std::to_string(a.open_pending)});
  };
  for (const auto& p : report.periods) add(p);
  add(report.total);
  table.print(ctx.out(), TableStyle::Aligned);
  if (report.total.actions_by_owner_team.empty()) return;
  heading(ctx, "Actions by owner team (whole window)");
  Table teams({"TEAM", "ACTIONS", "DONE ON TIME", "DONE LATE", "OVERDUE", "PENDING"});
  for (const auto& [team, a] : report.total.actions_by_owner_team) {
    teams.add_row({team, std::to_string(a.created), std::to_string(a.done_on_time), std::to_string(a.done_late),
                   std::to_string(a.open_overdue), std::to_string(a.open_pending)});
  }
  teams.print(ctx.out(), TableStyle::Aligned);
}

void print_correlation(Context& ctx, const core::StatsReport& report) {
  heading(ctx, fmt::format("Releases and faults (release data: {})", report.release_source));
  if (report.release_source == "none") {
    ctx.out() << "  no release data: set [stats] release_projects or releases_csv, or pass --releases FILE\n";
    return;
  }
  ctx.out() << "  " << report.correlation.sentence << "\n";
  for (const auto& caution : report.correlation.cautions) ctx.out() << "  caution: " << caution << "\n";
  for (const auto& [service, c] : report.correlation_by_service) ctx.out() << "  " << service << ": " << c.sentence << "\n";
}

void print_tables(Context& ctx, const core::StatsReport& report) {
  print_periods(ctx, report);
  print_times(ctx, report);
  print_breakdown(ctx, "By type", report.total.by_type);
  print_breakdown(ctx, "By source", report.total.by_source);
  print_breakdown(ctx, "By team", report.total.by_team);
  print_breakdown(ctx, "By business unit", report.total.by_business_unit);
  print_breakdown(ctx, "By service", report.total.by_service);
  print_reviews_and_actions(ctx, report);
  print_correlation(ctx, report);
}

// Tab-separated tidy rows, the CSV's rows without quoting (tabs and line breaks in values
// become spaces so each figure stays one line).
void print_rows(Context& ctx, const core::StatsReport& report) {
  for (const auto& row : core::stats_rows(report)) {
    std::vector<std::string> cells;
    for (const auto& cell : row) {
      std::string clean = cell;
      std::ranges::replace_if(clean, [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
      cells.push_back(std::move(clean));
    }
    ctx.out() << fmt::format("{}\n", fmt::join(cells, "\t"));
  }
}

Result<ExitCode> run_stats(StatsOptions& options, Context& ctx) {
  FAULTLINE_TRY(unit, core::parse_period_unit(options.by));
  options.request.unit = *unit;
  auto& filter = options.request.filter;
  filter.teams = options.teams;
  filter.business_units = options.business_units;
  filter.services = options.services;
  filter.levels = options.levels;
  filter.sources = options.sources;
  FAULTLINE_TRY(report, app::collect_stats(ctx, options.request));
  FAULTLINE_TRY(zone, ctx.zone());
  FAULTLINE_TRY(written, app::write_stats_files(*report, {options.xlsx, options.charts}, *zone));
  for (const auto& file : *written) {
    if (!ctx.options.quiet) ctx.err() << "wrote " << file.string() << "\n";
  }
  if (ctx.options.json || options.format == "json") {
    print_json(ctx.out(), core::stats_to_json(*report, *zone));
  } else if (options.format == "csv") {
    ctx.out() << core::stats_to_csv(*report);
  } else if (ctx.streams().out_tty) {
    print_tables(ctx, *report);
  } else {
    print_rows(ctx, *report);
  }
  return ExitCode::Ok;
}

}  // namespace

void register_stats(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "Fault statistics per period, with the release-frequency correlation");
  cmd->add_option("--since", options->request.since,
                  "Window start (ISO 8601 or -90d); default: 12 complete months before this one");
  cmd->add_option("--until", options->request.until, "Window end (a date alone includes that day); default: now's month end");
  cmd->add_option("--by", options->by, "Period: month, week or quarter")->check(CLI::IsMember({"month", "week", "quarter"}));
  cmd->add_option("--team", options->teams, "Only these teams (repeat or comma-separate)")->delimiter(',');
  cmd->add_option("--bu", options->business_units, "Only these business units")->delimiter(',');
  cmd->add_option("--service", options->services, "Only these services")->delimiter(',');
  one_of(cmd->add_option("--level", options->levels, "Only these levels (P1,P2)")->delimiter(','), {"P1", "P2", "P3", "P4"},
         false);
  one_of(cmd->add_option("--source", options->sources, "Only these sources (customer, internal, monitoring, ci)")
             ->delimiter(','),
         {"customer", "internal", "monitoring", "ci"}, false);
  cmd->add_option("--format", options->format, "table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  cmd->add_option("--releases", options->request.releases_file,
                  "Release dates from a CSV file (date,service[,version]); 'none' for no release data");
  cmd->add_option("--xlsx", options->xlsx, "Also write a workbook with native charts to FILE");
  cmd->add_option("--charts", options->charts, "Also write the charts as SVG and PNG into DIR");
  set_examples(*cmd, {"faultline stats", "faultline stats --since 2026-01-01 --by quarter --team payments",
                      "faultline stats --format csv > faults.csv",
                      "faultline stats --xlsx faults.xlsx --charts charts/ --releases releases.csv",
                      "faultline stats --json | jq '.correlation.sentence'"});
  cmd->callback([options, &ctx] { finish(ctx, run_stats(*options, ctx)); });
}

}  // namespace faultline::cli
