// The monthly report's month arithmetic and template data.
#include "faultline/core/monthly_report.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "faultline/core/action.hpp"
#include "faultline/core/review_clock.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;

// The report's window has 13 monthly periods: [0] the same month last year, [11] the month
// before, [12] the month itself.
constexpr std::size_t k_window_months = 13;
constexpr std::size_t k_this = 12, k_previous = 11, k_last_year = 0;

std::string signed_count(long long delta) { return delta > 0 ? fmt::format("+{}", delta) : fmt::format("{}", delta); }

std::string minutes_text(double minutes) {
  return format_age(std::chrono::milliseconds(static_cast<long long>(std::llround(minutes * 60000.0))));
}

std::string percent_text(double share) { return fmt::format("{}%", static_cast<long long>(std::llround(share * 100.0))); }

// One headline figure: its value this month, last month and a year ago, as texts, with the
// changes. Unknown values are "" (and so are changes involving them).
struct Figure {
  std::string metric, label;
  std::optional<double> now, previous, last_year;
  enum class Kind { Count, Minutes, Share, Ratio } kind = Kind::Count;
};

std::string value_text(const Figure& f, const std::optional<double>& v) {
  if (!v) return "";
  switch (f.kind) {
    case Figure::Kind::Count: return fmt::format("{}", static_cast<long long>(*v));
    case Figure::Kind::Minutes: return minutes_text(*v);
    case Figure::Kind::Share: return percent_text(*v);
    case Figure::Kind::Ratio: return fmt::format("{:.1f}", *v);
  }
  return "";
}

std::string change_text(const Figure& f, const std::optional<double>& from) {
  if (!f.now || !from) return "";
  const double delta = *f.now - *from;
  switch (f.kind) {
    case Figure::Kind::Count: return signed_count(static_cast<long long>(delta));
    case Figure::Kind::Minutes: return (delta > 0 ? "+" : "") + minutes_text(delta);
    case Figure::Kind::Share: return fmt::format("{} pts", signed_count(std::llround(delta * 100.0)));
    case Figure::Kind::Ratio: return fmt::format("{}{:.1f}", delta > 0 ? "+" : "", delta);
  }
  return "";
}

json figure_json(const Figure& f) {
  return json{{"metric", f.metric},
              {"label", f.label},
              {"value", value_text(f, f.now)},
              {"previous", value_text(f, f.previous)},
              {"last_year", value_text(f, f.last_year)},
              {"change_previous", change_text(f, f.previous)},
              {"change_last_year", change_text(f, f.last_year)}};
}

std::optional<double> on_time_share(const ReviewCompliance& r) {
  const auto due = r.on_time + r.late + r.missing;
  if (due == 0) return std::nullopt;
  return static_cast<double>(r.on_time) / static_cast<double>(due);
}

std::optional<double> count_of(const std::optional<std::size_t>& n) {
  return n ? std::optional<double>(static_cast<double>(*n)) : std::nullopt;
}

// A figure read from each of the three periods by `read`.
template <typename Read>
Figure figure(const std::vector<PeriodStats>& p, std::string metric, std::string label, Figure::Kind kind, Read read) {
  return Figure{std::move(metric), std::move(label), read(p[k_this]), read(p[k_previous]), read(p[k_last_year]), kind};
}

json headline_json(const std::vector<PeriodStats>& p) {
  using K = Figure::Kind;
  const std::vector<Figure> figures{
      figure(p, "faults", "Faults", K::Count, [](const PeriodStats& s) { return std::optional<double>(s.faults); }),
      figure(p, "time_to_recover_median", "Median time to recover", K::Minutes,
             [](const PeriodStats& s) { return s.time_to_recover.median; }),
      figure(p, "time_to_recover_p90", "p90 time to recover", K::Minutes,
             [](const PeriodStats& s) { return s.time_to_recover.p90; }),
      figure(p, "time_to_detect_median", "Median time to detect", K::Minutes,
             [](const PeriodStats& s) { return s.time_to_detect.median; }),
      figure(p, "reviews_on_time", "Reviews on time", K::Share, [](const PeriodStats& s) { return on_time_share(s.reviews); }),
      figure(p, "monitoring_share", "Detected by monitoring", K::Share,
             [](const PeriodStats& s) { return s.monitoring_share; }),
      figure(p, "actions_created", "Actions from these faults", K::Count,
             [](const PeriodStats& s) { return std::optional<double>(s.actions.created); }),
      figure(p, "releases", "Releases", K::Count, [](const PeriodStats& s) { return count_of(s.releases); }),
      figure(p, "faults_per_100_releases", "Faults per 100 releases", K::Ratio,
             [](const PeriodStats& s) { return s.faults_per_100_releases; }),
  };
  json rows = json::array();
  for (const auto& f : figures) rows.push_back(figure_json(f));
  return rows;
}

json levels_json(const std::vector<PeriodStats>& p) {
  std::set<std::string> names;
  for (std::size_t i : {k_this, k_previous, k_last_year})
    for (const auto& [level, n] : p[i].by_level) names.insert(level);
  auto count = [](const Breakdown& b, const std::string& key) {
    const auto it = b.find(key);
    return it == b.end() ? std::size_t{0} : it->second;
  };
  json rows = json::array();
  for (const auto& level : names) {
    const auto now = count(p[k_this].by_level, level);
    const auto prev = count(p[k_previous].by_level, level);
    rows.push_back({{"level", level},
                    {"count", now},
                    {"previous", prev},
                    {"last_year", count(p[k_last_year].by_level, level)},
                    {"change_previous", signed_count(static_cast<long long>(now) - static_cast<long long>(prev))}});
  }
  return rows;
}

std::string local_minute(TimePoint t, const date::time_zone* zone) {
  const auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%Y-%m-%d %H:%M", local.get_local_time());
}

std::optional<TimePoint> anchor_of(const Fault& f) { return f.started_at ? f.started_at : f.created; }

json fault_row(const Fault& f, const MonthlyReportContext& context, TimePoint cutoff) {
  json row{{"key", f.key},
           {"url", context.issue_url ? context.issue_url(f.key) : std::string()},
           {"summary", f.summary},
           {"level", f.level},
           {"team", f.team},
           {"service", f.service},
           {"status", f.status},
           {"started", ""},
           {"time_to_recover", ""},
           {"time_to_recover_minutes", nullptr},
           {"review", {{"url", f.review_page_url}, {"state", "not_due"}}}};
  if (const auto at = anchor_of(f)) row["started"] = local_minute(*at, context.zone);
  if (f.started_at && f.recovered_at && *f.recovered_at >= *f.started_at) {
    const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(*f.recovered_at - *f.started_at);
    row["time_to_recover"] = format_age(d);
    row["time_to_recover_minutes"] = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  }
  if (f.recovered_at) {
    const auto deadline = review_deadline(*f.recovered_at, f.level, context.review_due_hours,
                                          context.review_due_hours_by_level);
    // Reviewed after the cutoff counts as not reviewed yet, so the page does not change later.
    auto reviewed = f.reviewed_at;
    if (reviewed && *reviewed >= cutoff) reviewed.reset();
    row["review"]["state"] = to_string(review_state(f.recovered_at, reviewed, deadline, cutoff));
  }
  return row;
}

json faults_json(const StatsReport& stats, const MonthlyReportContext& context, TimePoint cutoff) {
  const Period& month = stats.periods[k_this].period;
  std::vector<const Fault*> in_month;
  for (const auto& f : stats.faults) {
    const auto at = anchor_of(f);
    if (at && *at >= month.start && *at < month.end) in_month.push_back(&f);
  }
  std::ranges::sort(in_month, [](const Fault* a, const Fault* b) {
    if (anchor_of(*a) != anchor_of(*b)) return anchor_of(*a) < anchor_of(*b);
    return a->key < b->key;
  });
  json rows = json::array();
  for (const Fault* f : in_month) rows.push_back(fault_row(*f, context, cutoff));
  return rows;
}

json reviews_json(const ReviewCompliance& r) {
  const auto share = on_time_share(r);
  return json{{"on_time", r.on_time},
              {"late", r.late},
              {"missing", r.missing},
              {"not_due", r.not_due},
              {"on_time_percent", share ? json(std::llround(*share * 100.0)) : json(nullptr)},
              {"on_time_text", share ? percent_text(*share) : std::string()}};
}

// Actions opened, closed and overdue, by what happened in the month (not by their fault's
// month, as the stats count them): an action of an older fault closed this month counts here.
struct ActionActivity {
  std::size_t opened = 0, closed = 0, closed_on_time = 0, overdue = 0;
  std::map<std::string, std::size_t> overdue_by_team;
  std::map<std::pair<std::string, std::string>, std::size_t> overdue_by_owner;  // (owner, team)
};

ActionActivity action_activity(const StatsReport& stats, const MonthlyReportContext& context, TimePoint cutoff) {
  const Period& month = stats.periods[k_this].period;
  std::map<std::string, const Fault*> fault_of;
  for (const auto& f : stats.faults) fault_of[f.key] = &f;
  auto in_month = [&](const std::optional<TimePoint>& t) { return t && *t >= month.start && *t < month.end; };
  ActionActivity activity;
  for (const auto& a : stats.actions) {
    if (in_month(a.created)) ++activity.opened;
    const bool done = action_is_done(a) && a.resolved && *a.resolved < cutoff;
    if (done && in_month(a.resolved)) {
      ++activity.closed;
      if (!a.due || local_date(*a.resolved, context.zone) <= *a.due) ++activity.closed_on_time;
    }
    const bool open_at_cutoff = !done && (!a.created || *a.created < cutoff);
    if (!open_at_cutoff || !a.due || *a.due >= context.cutoff) continue;
    ++activity.overdue;
    std::string team;
    if (const auto listed = context.owner_teams.find(a.owner); !a.owner.empty() && listed != context.owner_teams.end())
      team = listed->second;
    if (team.empty())
      if (const auto parent = fault_of.find(a.parent); parent != fault_of.end()) team = parent->second->team;
    if (team.empty()) team = std::string(k_no_value);
    ++activity.overdue_by_team[team];
    ++activity.overdue_by_owner[{owner_label(a), team}];
  }
  return activity;
}

json actions_json(const ActionActivity& a) {
  json by_team = json::array();
  for (const auto& [team, n] : a.overdue_by_team) by_team.push_back({{"team", team}, {"count", n}});
  std::vector<std::pair<std::pair<std::string, std::string>, std::size_t>> owners(a.overdue_by_owner.begin(),
                                                                                  a.overdue_by_owner.end());
  std::ranges::stable_sort(owners, [](const auto& x, const auto& y) { return x.second > y.second; });
  json by_owner = json::array();
  for (const auto& [who, n] : owners) by_owner.push_back({{"owner", who.first}, {"team", who.second}, {"count", n}});
  return json{{"opened", a.opened},
              {"closed", a.closed},
              {"closed_on_time", a.closed_on_time},
              {"overdue", a.overdue},
              {"has_overdue", a.overdue > 0},
              {"overdue_by_team", by_team},
              {"overdue_by_owner", by_owner}};
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Releases against faults over the twelve months ending with the report's month.
json releases_json(const StatsReport& stats) {
  json months = json::array();
  std::vector<double> releases, faults;
  for (std::size_t i = k_window_months - 12; i < k_window_months; ++i) {
    const auto& p = stats.periods[i];
    months.push_back({{"label", p.period.label},
                      {"releases", p.releases ? json(*p.releases) : json(nullptr)},
                      {"faults", p.faults}});
    if (p.releases) {
      releases.push_back(static_cast<double>(*p.releases));
      faults.push_back(static_cast<double>(p.faults));
    }
  }
  json out{{"source", stats.release_source},
           {"has_data", stats.release_source != "none"},
           {"this_month", stats.periods[k_this].releases ? json(*stats.periods[k_this].releases) : json(nullptr)},
           {"months", months}};
  if (stats.release_source == "none") {
    out["correlation"] = nullptr;
    return out;
  }
  const auto c = correlate(releases, faults);
  json cautions = json::array();
  for (const auto& text : c.cautions)
    if (c.sentence.find(text) == std::string::npos) cautions.push_back({{"text", text}});  // not said twice
  out["correlation"] = {{"n", c.n},
                        {"pearson_r", optional_number(c.pearson_r)},
                        {"pearson_p", optional_number(c.pearson_p)},
                        {"spearman_rho", optional_number(c.spearman_rho)},
                        {"spearman_p", optional_number(c.spearman_p)},
                        {"sentence", c.sentence},
                        {"cautions", cautions}};
  return out;
}

}  // namespace

Result<date::year_month> parse_month(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  const bool shaped = text.size() == 7 && text[4] == '-' &&
                      std::ranges::all_of(text.substr(0, 4), [](char c) { return c >= '0' && c <= '9'; }) &&
                      std::ranges::all_of(text.substr(5), [](char c) { return c >= '0' && c <= '9'; });
  if (shaped) {
    year = std::stoi(std::string(text.substr(0, 4)));
    month = static_cast<unsigned>(std::stoi(std::string(text.substr(5))));
  }
  if (!shaped || month < 1 || month > 12 || year < 1970)
    return fail(ErrorKind::Usage, "'" + std::string(text) + "' is not a month", "write the month as YYYY-MM, e.g. 2026-11");
  return date::year{year} / date::month{month};
}

std::string format_month(date::year_month month) {
  return fmt::format("{:04}-{:02}", static_cast<int>(month.year()), static_cast<unsigned>(month.month()));
}

date::year_month previous_month(TimePoint now, const date::time_zone* zone) {
  const auto today = local_date(now, zone);
  return date::year_month{today.year(), today.month()} - date::months{1};
}

TimeWindow monthly_report_window(date::year_month month, const date::time_zone* zone) {
  const auto first = month - date::months{12};
  const auto next = month + date::months{1};
  return TimeWindow{local_midnight(first / date::day{1}, zone), local_midnight(next / date::day{1}, zone)};
}

std::string monthly_report_title(date::year_month month) { return "Fault report " + format_month(month); }

Result<nlohmann::json> monthly_report_data(const StatsReport& stats, const MonthlyReportContext& context) {
  if (stats.periods.size() != k_window_months)
    return fail(ErrorKind::Failed, fmt::format("the statistics have {} periods, the monthly report needs {}",
                                               stats.periods.size(), k_window_months));
  const auto cutoff = local_midnight(context.cutoff, context.zone);
  const auto& p = stats.periods;
  json faults = faults_json(stats, context, cutoff);
  const bool has_faults = !faults.empty();
  json levels = levels_json(p);
  const bool has_levels = !levels.empty();
  return json{{"month", format_month(context.month)},
              {"month_name", date::format("%B %Y", date::sys_days{context.month / date::day{1}})},
              {"title", monthly_report_title(context.month)},
              {"previous_month", p[k_previous].period.label},
              {"last_year_month", p[k_last_year].period.label},
              {"cutoff", format_date(context.cutoff)},
              {"zone", stats.zone},
              {"headline", headline_json(p)},
              {"levels", std::move(levels)},
              {"has_levels", has_levels},
              {"faults", std::move(faults)},
              {"has_faults", has_faults},
              {"reviews", reviews_json(p[k_this].reviews)},
              {"actions", actions_json(action_activity(stats, context, cutoff))},
              {"releases", releases_json(stats)},
              {"page", nullptr},
              {"charts", json::array()}};
}

}  // namespace faultline::core
