// Periods of the statistics: weeks, months and quarters with their edges at local midnight in
// the team's zone, their labels, and the default window. Pure apart from the tz database.
#include "faultline/core/stats.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace faultline::core {

namespace {

// The first day of the period of `unit` that holds the local day `day`.
date::local_days period_floor(date::local_days day, PeriodUnit unit) {
  const date::year_month_day ymd{day};
  switch (unit) {
    case PeriodUnit::Week:
      // weekday difference is always 0..6 days: Monday is the ISO week's first day.
      return day - (date::weekday{day} - date::Monday);
    case PeriodUnit::Month:
      return date::local_days{ymd.year() / ymd.month() / 1};
    case PeriodUnit::Quarter: {
      const unsigned first_month = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
      return date::local_days{ymd.year() / date::month{first_month} / 1};
    }
  }
  return day;
}

// The first day of the period after the one starting on `start`.
date::local_days period_next(date::local_days start, PeriodUnit unit) {
  const date::year_month_day ymd{start};
  switch (unit) {
    case PeriodUnit::Week: return start + date::days{7};
    case PeriodUnit::Month: return date::local_days{ymd + date::months{1}};
    case PeriodUnit::Quarter: return date::local_days{ymd + date::months{3}};
  }
  return start + date::days{1};
}

// "2026-W48": the ISO week-numbering year is the year of the week's Thursday, and week 1 is
// the week holding that year's first Thursday.
std::string iso_week_label(date::local_days monday) {
  const auto thursday = monday + date::days{3};
  const auto year = date::year_month_day{thursday}.year();
  const auto week = (thursday - date::local_days{year / 1 / 1}).count() / 7 + 1;
  return fmt::format("{:04}-W{:02}", static_cast<int>(year), week);
}

std::string period_label(date::local_days start, PeriodUnit unit) {
  const date::year_month_day ymd{start};
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  switch (unit) {
    case PeriodUnit::Week: return iso_week_label(start);
    case PeriodUnit::Month: return fmt::format("{:04}-{:02}", year, month);
    case PeriodUnit::Quarter: return fmt::format("{:04}-Q{}", year, (month - 1) / 3 + 1);
  }
  return {};
}

// The zone used when none is given: UTC.
const date::time_zone* stats_zone_or_utc(const date::time_zone* zone) {
  return zone != nullptr ? zone : date::locate_zone("UTC");
}

}  // namespace

Result<PeriodUnit> parse_period_unit(std::string_view text) {
  const auto word = lower(trim(text));
  if (word == "week") return PeriodUnit::Week;
  if (word == "month") return PeriodUnit::Month;
  if (word == "quarter") return PeriodUnit::Quarter;
  return fail(ErrorKind::Usage, fmt::format("unknown period \"{}\"", text), "use week, month or quarter");
}

TimePoint local_midnight(date::year_month_day day, const date::time_zone* zone) {
  const auto zoned = date::make_zoned(stats_zone_or_utc(zone), date::local_days{day}, date::choose::earliest);
  return date::floor<std::chrono::milliseconds>(zoned.get_sys_time());
}

const char* to_string(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::Week: return "week";
    case PeriodUnit::Month: return "month";
    case PeriodUnit::Quarter: return "quarter";
  }
  return "month";
}

std::vector<Period> make_periods(TimePoint since, TimePoint until, PeriodUnit unit, const date::time_zone* zone) {
  std::vector<Period> periods;
  if (until <= since) return periods;
  zone = stats_zone_or_utc(zone);
  auto day = period_floor(date::local_days{local_date(since, zone)}, unit);
  auto start = local_midnight(date::year_month_day{day}, zone);
  while (start < until) {
    const auto next_day = period_next(day, unit);
    const auto next = local_midnight(date::year_month_day{next_day}, zone);
    periods.push_back(Period{period_label(day, unit), start, next});
    day = next_day;
    start = next;
  }
  return periods;
}

std::optional<std::size_t> period_index(std::span<const Period> periods, TimePoint t) {
  // The first period ending after t; it holds t unless t lies before it (a gap or the front).
  const auto it = std::upper_bound(periods.begin(), periods.end(), t,
                                   [](TimePoint value, const Period& p) { return value < p.end; });
  if (it == periods.end() || t < it->start) return std::nullopt;
  return static_cast<std::size_t>(it - periods.begin());
}

TimeWindow default_stats_window(TimePoint now, const date::time_zone* zone) {
  zone = stats_zone_or_utc(zone);
  const date::year_month_day today = local_date(now, zone);
  const auto this_month = today.year() / today.month() / 1;
  const date::year_month_day first{this_month - date::months{12}};
  const date::year_month_day next{this_month + date::months{1}};
  return TimeWindow{local_midnight(first, zone), local_midnight(next, zone)};
}

}  // namespace faultline::core
