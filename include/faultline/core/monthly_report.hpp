// The monthly fault report, pure: which month, its statistics window (the month and the twelve
// before it, so the same month last year is in it), and the JSON document the report
// templates receive (templates/report/README.md). Built from a StatsReport over that window;
// no I/O, and no clock reading: the same inputs give the same document byte for byte, which is
// what lets a re-run publish nothing.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/stats.hpp"
#include "faultline/core/time.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// "2026-11" -> 2026-11. Error (Usage) names the expected form.
Result<date::year_month> parse_month(std::string_view text);
// "2026-11".
std::string format_month(date::year_month month);

// The month a report is for by default: the last complete month at `now` in `zone`.
date::year_month previous_month(TimePoint now, const date::time_zone* zone);

// The statistics window of the report for `month`: from local midnight on the first day of the
// month twelve months before, to local midnight on the first day of the next month (13 periods).
TimeWindow monthly_report_window(date::year_month month, const date::time_zone* zone);

// The report page's title: "Fault report 2026-11".
std::string monthly_report_title(date::year_month month);

// What the document needs besides the statistics.
struct MonthlyReportContext {
  date::year_month month;
  const date::time_zone* zone = nullptr;
  // The day the figures are taken on: "overdue" means open with a due date before this day.
  // Callers pass the earlier of today and the first day after the month, so a finished month's
  // report does not change from one day to the next.
  date::year_month_day cutoff;
  int review_due_hours = 24;
  std::map<std::string, int> review_due_hours_by_level;
  std::map<std::string, std::string> owner_teams;  // action owner's Jira id -> team
  std::function<std::string(std::string_view key)> issue_url;  // Jira browse link of a key
};

// The template data (documented in templates/report/README.md): month, title, headline
// figures against the previous month and the same month last year, levels, the month's faults
// with their review links, review compliance, actions opened / closed / overdue per team and
// owner, releases against faults over the last twelve months with their correlation. The
// caller adds "charts" (and "page" once published). `stats` must cover
// monthly_report_window(context.month) by month; Error (Failed) when it has another number of
// periods.
Result<nlohmann::json> monthly_report_data(const StatsReport& stats, const MonthlyReportContext& context);

}  // namespace faultline::core
