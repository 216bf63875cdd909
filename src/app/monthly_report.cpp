// `report monthly`: the figures, the document, its charts, and the local file.
#include "faultline/app/monthly_report.hpp"

#include <algorithm>

#include "faultline/app/operations.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/stats.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/monthly_report.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/report/charts.hpp"
#include "faultline/util/files.hpp"

namespace faultline::app {

namespace {

// The day the figures are taken on: today, or the first day after the month once it is over.
date::year_month_day report_cutoff(date::year_month month, core::TimePoint now, const date::time_zone* zone) {
  const auto today = core::local_date(now, zone);
  const date::year_month_day after{(month + date::months{1}) / date::day{1}};
  return std::min(today, after);
}

core::MonthlyReportContext report_context(const config::Config& config, jira::Client& jira, date::year_month month,
                                          core::TimePoint now, const date::time_zone* zone) {
  core::MonthlyReportContext context;
  context.month = month;
  context.zone = zone;
  context.cutoff = report_cutoff(month, now, zone);
  context.review_due_hours = config.team.review_due_hours;
  context.review_due_hours_by_level = config.team.review_due_hours_by_level;
  for (const auto& [key, person] : config.people)
    if (!person.team.empty() && !person.jira.empty()) context.owner_teams[person.jira] = person.team;
  context.issue_url = [&jira](std::string_view key) { return jira.browse_url(key); };
  return context;
}

std::vector<ReportChart> report_charts(const core::StatsReport& stats) {
  std::vector<ReportChart> charts;
  for (const auto& chart : report::stats_charts(stats)) {
    ReportChart file{chart.name, chart.title, chart.name + ".png", report::render_png(chart), ""};
    file.hash = op_key({file.png});
    charts.push_back(std::move(file));
  }
  return charts;
}

nlohmann::json charts_json(const std::vector<ReportChart>& charts, const std::vector<report::Chart>& drawn) {
  auto list = nlohmann::json::array();
  for (std::size_t i = 0; i < charts.size(); ++i) {
    list.push_back({{"name", charts[i].name},
                    {"title", charts[i].title},
                    {"file", charts[i].file},
                    {"caption", i < drawn.size() ? drawn[i].caption : std::string()}});
  }
  return list;
}

}  // namespace

Result<MonthlyReport> build_monthly_report(Services& services, const MonthlyReportRequest& request) {
  FAULTLINE_TRY(config, services.config());
  FAULTLINE_TRY(zone, services.zone());
  const auto now = services.clock().now();
  date::year_month month = core::previous_month(now, *zone);
  if (!request.month.empty()) {
    auto parsed = core::parse_month(request.month);
    if (!parsed) {
      auto error = parsed.error();
      error.message = "--month: " + error.message;
      return std::unexpected(error);
    }
    month = *parsed;
  }
  const auto window = core::monthly_report_window(month, *zone);
  StatsRequest stats_request;
  stats_request.since = core::format_iso(window.since, *zone);
  stats_request.until = core::format_iso(window.until, *zone);
  stats_request.unit = core::PeriodUnit::Month;
  stats_request.releases_file = request.releases_file;
  stats_request.extra_facts = {"review_page_url"};
  FAULTLINE_TRY(stats, collect_stats(services, stats_request));
  FAULTLINE_TRY(jira, services.jira());

  MonthlyReport report;
  report.month = month;
  report.title = core::monthly_report_title(month);
  FAULTLINE_TRY(data, core::monthly_report_data(*stats, report_context(**config, **jira, month, now, *zone)));
  report.data = std::move(*data);
  report.charts = report_charts(*stats);
  report.data["charts"] = charts_json(report.charts, report::stats_charts(*stats));
  return report;
}

Result<std::string> render_monthly_report(Services& services, const MonthlyReport& report, std::string_view name,
                                          report::Format format) {
  FAULTLINE_TRY(config, services.config());
  return report::render_template(report.data, "report", name.empty() ? std::string_view("monthly") : name, format,
                                 (*config)->team.template_dir);
}

Result<std::vector<std::filesystem::path>> write_monthly_report(const MonthlyReport& report,
                                                                const std::string& rendered,
                                                                const std::filesystem::path& file) {
  std::vector<std::filesystem::path> written;
  const auto dir = file.parent_path();
  for (const auto& chart : report.charts) {
    const auto path = dir / chart.file;
    if (auto done = write_file_atomically(path, chart.png); !done) return std::unexpected(done.error());
    written.push_back(path);
  }
  if (auto done = write_file_atomically(file, rendered); !done) return std::unexpected(done.error());
  written.push_back(file);
  return written;
}

}  // namespace faultline::app
