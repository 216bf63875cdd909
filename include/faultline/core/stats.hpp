// Fault statistics, pure: periods in the team's time zone, descriptive statistics of
// durations, the correlation between releases and faults, and the aggregation of faults,
// actions and releases into one StatsReport. Its JSON (stats_to_json) is the `stats --json`
// contract; its CSV (stats_to_csv) is the tidy long format. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/action.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// --- periods ------------------------------------------------------------------------------

enum class PeriodUnit { Week, Month, Quarter };

// "week" | "month" | "quarter". Error (Usage) names the accepted words.
Result<PeriodUnit> parse_period_unit(std::string_view text);
const char* to_string(PeriodUnit unit);

// One period, [start, end), its bounds at local midnight in the team's zone (so a DST change
// makes a period an hour shorter or longer, never shifts its edge). Labels: "2026-11"
// (month), "2026-W48" (ISO 8601 week, Monday to Sunday, ISO week-numbering year), "2026-Q4".
struct Period {
  std::string label;
  TimePoint start;
  TimePoint end;
};

// The periods covering [since, until): the first starts at the unit boundary at or before
// `since`, the last ends at the first boundary at or after `until`; none when until <= since.
std::vector<Period> make_periods(TimePoint since, TimePoint until, PeriodUnit unit, const date::time_zone* zone);

// The instant local midnight of `day` begins in `zone` (UTC when null): where a DST change
// skips midnight, the change itself; where it repeats midnight, the first of the two.
TimePoint local_midnight(date::year_month_day day, const date::time_zone* zone);

// The index of the period holding `t` (start <= t < end), or nullopt. Periods sorted.
std::optional<std::size_t> period_index(std::span<const Period> periods, TimePoint t);

struct TimeWindow {
  TimePoint since;
  TimePoint until;
};

// The default window: the last 12 complete months plus the current one, in `zone` — from the
// first day of the month 12 months before now's month to the first day of the next month.
TimeWindow default_stats_window(TimePoint now, const date::time_zone* zone);

// --- descriptive statistics ----------------------------------------------------------------

// The percentile `p` (0..1) of sorted values, by linear interpolation between closest ranks
// (Hyndman & Fan type 7: R's default, Excel's PERCENTILE.INC). nullopt for no values.
std::optional<double> percentile(std::span<const double> sorted, double p);

// Durations in minutes: how many were summarised, how many faults lacked a time (or had an
// end before the start), mean, median, p90, max (nullopt when count == 0).
struct DurationSummary {
  std::size_t count = 0;
  std::size_t missing = 0;
  std::optional<double> mean, median, p90, max;
};
DurationSummary summarize_minutes(std::vector<double> minutes, std::size_t missing);

// --- correlation -----------------------------------------------------------------------------

// Pearson's r and Spearman's rho (average ranks for ties) between two series of equal length,
// each with a two-sided p-value from Student's t with n - 2 degrees of freedom. A coefficient
// is nullopt when n < 3 or either series is constant; cautions say why, and "n < 6" when n is
// small. `sentence` is the plain-language line: "more releases went with more faults:
// ρ = 0.71, n = 12, p = 0.009" (fewer / no clear relation at p >= 0.05), or why there is none.
struct Correlation {
  std::size_t n = 0;
  std::optional<double> pearson_r, pearson_p, spearman_rho, spearman_p;
  std::vector<std::string> cautions;
  std::string sentence;
};
Correlation correlate(std::span<const double> releases, std::span<const double> faults);

// --- inputs ------------------------------------------------------------------------------------

// One release: the day it went out (local midnight of that day in the team's zone), the
// service it names ("" when the source does not say) and its version.
struct Release {
  TimePoint at;
  std::string service;
  std::string version;
};

// Where the release counts came from: "jira-versions" | "csv" | "rollbacks" | "none".
struct ReleaseData {
  std::string source = "none";
  std::vector<Release> releases;
};

// Which faults a report keeps: each list empty = any; values matched case-insensitively, and
// "(none)" matches a fault without the value.
struct StatsFilter {
  std::vector<std::string> teams, business_units, services, levels, sources;
};
bool stats_filter_matches(const Fault& fault, const StatsFilter& filter);

struct StatsOptions {
  std::vector<Period> periods;   // make_periods(...): the window and its unit
  PeriodUnit unit = PeriodUnit::Month;
  const date::time_zone* zone = nullptr;
  TimePoint now{};               // "open and overdue now", "review not yet due"
  int review_due_hours = 24;     // team.review_due_hours
  std::map<std::string, int> review_due_hours_by_level;
  // An action owner's Jira id -> their team ([people.X] team); an owner not listed counts
  // under the team of the action's fault.
  std::map<std::string, std::string> owner_teams;
  StatsFilter filter;
};

// --- the report --------------------------------------------------------------------------------

// Reviews of the faults that recovered: reviewed within review_due_hours of recovery, late,
// missing (deadline passed, no review, and no meeting scheduled still to come), not yet due;
// faults never recovered are not counted.
struct ReviewCompliance {
  std::size_t on_time = 0, late = 0, missing = 0, not_due = 0;
  // Of all four: reviews whose meeting was scheduled past the deadline with a recorded reason
  // (`review schedule --late`).
  std::size_t late_with_reason = 0;
};

// Actions of the faults of a period (an action belongs to its fault's period): created, done
// on or before the due date (no due date counts as on time), done after it, open past the due
// date now, open and not overdue.
struct ActionCounts {
  std::size_t created = 0, done_on_time = 0, done_late = 0, open_overdue = 0, open_pending = 0;
};

// A dimension value -> fault count. Faults with no value count under "(none)".
using Breakdown = std::map<std::string, std::size_t>;
inline constexpr std::string_view k_no_value = "(none)";

struct PeriodStats {
  Period period;  // the whole window's row has label "total"
  std::size_t faults = 0;
  Breakdown by_level, by_type, by_source, by_team, by_business_unit, by_service;
  DurationSummary time_to_recover;  // started -> recovered
  DurationSummary time_to_detect;   // started -> detected
  ReviewCompliance reviews;
  ActionCounts actions;
  std::map<std::string, ActionCounts> actions_by_owner_team;
  std::size_t detected_by_monitoring = 0;  // source monitoring (alerts count as monitoring)
  std::size_t reported_by_customer = 0;    // source customer
  std::optional<double> monitoring_share;  // of faults with a source; nullopt when none has one
  std::optional<double> customer_share;
  std::optional<std::size_t> releases;     // nullopt when the release source is "none"
  std::optional<double> faults_per_100_releases;  // nullopt without releases
};

struct StatsReport {
  PeriodUnit unit = PeriodUnit::Month;
  std::string zone;  // IANA name
  TimePoint since{}, until{}, generated_at{};
  std::vector<PeriodStats> periods;  // every period, zero rows included
  PeriodStats total;
  std::string release_source;        // as ReleaseData::source
  Correlation correlation;           // releases vs faults per period (release source not "none")
  std::map<std::string, Correlation> correlation_by_service;  // when releases name services
  // Faults in the window that the filter kept (started, else created, in the window) and the
  // actions of those faults: the raw rows of the workbook.
  std::vector<Fault> faults;
  std::vector<Action> actions;
  std::size_t faults_without_start = 0;  // counted by their creation time instead
};

// Aggregates: keeps the faults that options.filter matches and whose start (else creation)
// lies in the periods; the actions whose parent is one of them; the releases in the periods.
StatsReport compute_stats(std::vector<Fault> faults, std::vector<Action> actions, const ReleaseData& releases,
                          const StatsOptions& options);

// The `stats --json` contract (documented in README). Durations in minutes; times ISO 8601 in
// the report's zone.
nlohmann::json stats_to_json(const StatsReport& report, const date::time_zone* zone);

// The tidy rows behind stats_to_csv (and the piped table): {period, metric, dimension, value},
// without the header.
std::vector<std::array<std::string, 4>> stats_rows(const StatsReport& report);

// Tidy long CSV, RFC 4180 (CRLF line ends): header "period,metric,dimension,value", one row
// per figure; the window's rows have period "total". Fields with a comma, quote or line break
// are quoted; nothing else is altered (it is data, not a spreadsheet). Metric / dimension
// (no dimension = empty field):
//   faults   faults_by_<level|type|source|team|business_unit|service> / <value or "(none)">
//   time_to_recover_minutes, time_to_detect_minutes / count|missing|mean|median|p90|max
//   reviews / on_time|late|missing|not_due
//   actions / created|done_on_time|done_late|open_overdue|open_pending
//   actions_by_owner_team:<created|done_on_time|done_late|open_overdue|open_pending> / <team>
//   detected_by_monitoring  reported_by_customer  monitoring_share  customer_share
//   releases  faults_per_100_releases
//   "total" only: faults_without_start; correlation / n|pearson_r|pearson_p|spearman_rho|
//     spearman_p; correlation:<service> / the same five
// Unknown values are empty; doubles are printed in their shortest exact form.
std::string stats_to_csv(const StatsReport& report);

// RFC 4180 quoting of one field (quoted only when it holds a comma, quote, CR or LF).
std::string csv_field(std::string_view text);

}  // namespace faultline::core
