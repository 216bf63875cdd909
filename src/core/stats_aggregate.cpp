// The aggregation behind `stats`: faults, their actions and releases counted into one row per
// period plus the window's total, and the correlations between releases and faults. Pure.
#include "faultline/core/stats.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <set>

#include "faultline/core/review_clock.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::core {

namespace {

// The values a period row is summarised from once every fault is in.
struct RowInputs {
  std::vector<double> recover_minutes, detect_minutes;
  std::size_t recover_missing = 0, detect_missing = 0;
  std::size_t with_source = 0;  // faults whose source is known: the share's denominator
};

// When a fault counts: its start, else (for faults that never recorded one) its creation.
std::optional<TimePoint> fault_anchor(const Fault& fault) {
  return fault.started_at ? fault.started_at : fault.created;
}

// Whether `value` is one of `wanted` (case-insensitive); "(none)" stands for no value. An
// empty list matches everything.
bool matches_any(const std::vector<std::string>& wanted, std::string_view value) {
  if (wanted.empty()) return true;
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return iequals(w, value) || (value.empty() && iequals(w, k_no_value));
  });
}

std::string breakdown_key(const std::string& value) { return value.empty() ? std::string(k_no_value) : value; }

// Minutes from start to end; nothing when either is unknown or the end comes first.
std::optional<double> minutes_between(const std::optional<TimePoint>& start, const std::optional<TimePoint>& end) {
  if (!start || !end || *end < *start) return std::nullopt;
  return std::chrono::duration<double, std::ratio<60>>(*end - *start).count();
}

// A duration goes into the values, or into `missing`: a fault is never silently left out.
void add_minutes(std::optional<double> minutes, std::vector<double>& values, std::size_t& missing) {
  if (minutes) {
    values.push_back(*minutes);
  } else {
    ++missing;
  }
}

// Where a recovered fault's review stands at `now` (faults never recovered are not counted).
void count_review(ReviewCompliance& reviews, const Fault& fault, const StatsOptions& options) {
  if (!fault.recovered_at) return;
  const auto deadline = review_deadline(*fault.recovered_at, fault.level, options.review_due_hours,
                                        options.review_due_hours_by_level);
  if (!fault.review_late_reason.empty()) ++reviews.late_with_reason;
  if (fault.reviewed_at) {
    ++(*fault.reviewed_at <= deadline ? reviews.on_time : reviews.late);
  } else {
    // A meeting scheduled (late, with a reason) is not missed before its time.
    const auto held_by = fault.review_scheduled_at ? std::max(deadline, *fault.review_scheduled_at) : deadline;
    ++(options.now > held_by ? reviews.missing : reviews.not_due);
  }
}

// One of ActionCounts' counters.
using ActionBucket = std::size_t ActionCounts::*;

// The ActionCounts bucket an action falls in besides `created`. A done action without a due
// date, or without a resolution time to compare, counts as done on time.
ActionBucket action_bucket(const Action& action, date::year_month_day today,
                          const date::time_zone* zone) {
  if (action_is_done(action)) {
    if (!action.due || !action.resolved) return &ActionCounts::done_on_time;
    const auto resolved_day = date::sys_days{local_date(*action.resolved, zone)};
    return resolved_day <= date::sys_days{*action.due} ? &ActionCounts::done_on_time : &ActionCounts::done_late;
  }
  return days_overdue(action, today) > 0 ? &ActionCounts::open_overdue : &ActionCounts::open_pending;
}

// Counts into one period row and into the total row at once.
class StatsBuilder {
public:
  StatsBuilder(const StatsOptions& options, const date::time_zone* zone)
      : m_options(options), m_zone(zone), m_today(local_date(options.now, zone)),
        m_rows(options.periods.size()), m_inputs(options.periods.size()) {
    for (std::size_t i = 0; i < m_rows.size(); ++i) m_rows[i].period = options.periods[i];
  }

  void add_fault(const Fault& fault, std::size_t period) {
    count_fault(m_rows[period], m_inputs[period], fault);
    count_fault(m_total, m_total_inputs, fault);
  }

  void add_action(const Action& action, std::size_t period, const std::string& fault_team) {
    const auto bucket = action_bucket(action, m_today, m_zone);
    const auto team = owner_team(action, fault_team);
    for (PeriodStats* row : {&m_rows[period], &m_total}) {
      for (ActionCounts* counts : {&row->actions, &row->actions_by_owner_team[team]}) {
        ++counts->created;
        ++(counts->*bucket);
      }
    }
  }

  // Release counts per period; left nullopt when the source is "none".
  void add_releases(const ReleaseData& release_data) {
    if (release_data.source == "none") return;
    m_total.releases = 0;
    for (auto& row : m_rows) row.releases = 0;
    for (const auto& release : release_data.releases) {
      const auto period = period_index(m_options.periods, release.at);
      if (!period) continue;  // outside the window
      ++*m_rows[*period].releases;
      ++*m_total.releases;
    }
  }

  // The rows with their durations, shares and rates summarised.
  void finish(StatsReport& report) {
    for (std::size_t i = 0; i < m_rows.size(); ++i) summarise(m_rows[i], m_inputs[i]);
    summarise(m_total, m_total_inputs);
    report.periods = std::move(m_rows);
    report.total = std::move(m_total);
  }

private:
  void count_fault(PeriodStats& row, RowInputs& inputs, const Fault& fault) {
    ++row.faults;
    ++row.by_level[breakdown_key(fault.level)];
    ++row.by_type[breakdown_key(fault.type)];
    ++row.by_source[breakdown_key(fault.source)];
    ++row.by_team[breakdown_key(fault.team)];
    ++row.by_business_unit[breakdown_key(fault.business_unit)];
    ++row.by_service[breakdown_key(fault.service)];
    add_minutes(minutes_between(fault.started_at, fault.recovered_at), inputs.recover_minutes, inputs.recover_missing);
    add_minutes(minutes_between(fault.started_at, fault.detected_at), inputs.detect_minutes, inputs.detect_missing);
    count_review(row.reviews, fault, m_options);
    if (!fault.source.empty()) ++inputs.with_source;
    if (iequals(fault.source, "monitoring")) ++row.detected_by_monitoring;
    if (iequals(fault.source, "customer")) ++row.reported_by_customer;
  }

  // The owner's team from [people], else the team of the action's fault, else "(none)".
  std::string owner_team(const Action& action, const std::string& fault_team) const {
    const auto listed = m_options.owner_teams.find(action.owner);
    if (!action.owner.empty() && listed != m_options.owner_teams.end() && !listed->second.empty()) {
      return listed->second;
    }
    return breakdown_key(fault_team);
  }

  static void summarise(PeriodStats& row, RowInputs& inputs) {
    row.time_to_recover = summarize_minutes(std::move(inputs.recover_minutes), inputs.recover_missing);
    row.time_to_detect = summarize_minutes(std::move(inputs.detect_minutes), inputs.detect_missing);
    if (inputs.with_source > 0) {
      const auto known = static_cast<double>(inputs.with_source);
      row.monitoring_share = static_cast<double>(row.detected_by_monitoring) / known;
      row.customer_share = static_cast<double>(row.reported_by_customer) / known;
    }
    if (row.releases && *row.releases > 0) {
      row.faults_per_100_releases = 100.0 * static_cast<double>(row.faults) / static_cast<double>(*row.releases);
    }
  }

  const StatsOptions& m_options;
  const date::time_zone* m_zone;
  date::year_month_day m_today;
  std::vector<PeriodStats> m_rows;
  std::vector<RowInputs> m_inputs;
  PeriodStats m_total;
  RowInputs m_total_inputs;
};

// The faults the report counts: matched by the filter, anchored in a period, each key once
// (a paged search may return one twice), sorted by anchor then key.
std::vector<Fault> select_faults(std::vector<Fault> faults, const StatsOptions& options) {
  std::set<std::string> seen;
  std::erase_if(faults, [&](const Fault& fault) {
    const auto anchor = fault_anchor(fault);
    if (!anchor || !stats_filter_matches(fault, options.filter)) return true;
    if (!period_index(options.periods, *anchor)) return true;
    return !fault.key.empty() && !seen.insert(fault.key).second;
  });
  std::stable_sort(faults.begin(), faults.end(), [](const Fault& a, const Fault& b) {
    const auto ta = *fault_anchor(a);
    const auto tb = *fault_anchor(b);
    if (ta != tb) return ta < tb;
    return key_less(a.key, b.key);
  });
  return faults;
}

// The actions of the kept faults, each key once, in the order of their faults, then by key.
std::vector<Action> select_actions(std::vector<Action> actions, const std::map<std::string, std::size_t>& fault_at) {
  std::set<std::string> seen;
  std::erase_if(actions, [&](const Action& action) {
    if (!fault_at.contains(action.parent)) return true;
    return !action.key.empty() && !seen.insert(action.key).second;
  });
  std::stable_sort(actions.begin(), actions.end(), [&](const Action& a, const Action& b) {
    const auto fa = fault_at.at(a.parent);
    const auto fb = fault_at.at(b.parent);
    if (fa != fb) return fa < fb;
    return key_less(a.key, b.key);
  });
  return actions;
}

// Per period, how many of `faults` have a service equal to `service` (case-insensitive); all
// of them when `service` is empty.
std::vector<double> faults_per_period(const std::vector<Fault>& faults, std::span<const Period> periods,
                                      std::string_view service) {
  std::vector<double> counts(periods.size(), 0.0);
  for (const auto& fault : faults) {
    if (!service.empty() && !iequals(fault.service, service)) continue;
    if (const auto period = period_index(periods, *fault_anchor(fault))) counts[*period] += 1.0;
  }
  return counts;
}

// Releases per period by the service they name (grouped case-insensitively, keyed by the
// first spelling seen); releases that name no service are left out.
std::map<std::string, std::vector<double>> releases_by_service(const ReleaseData& release_data,
                                                               std::span<const Period> periods) {
  std::map<std::string, std::string> spelling;  // lower case -> first spelling
  std::map<std::string, std::vector<double>> counts;
  for (const auto& release : release_data.releases) {
    const auto period = period_index(periods, release.at);
    if (release.service.empty() || !period) continue;
    const auto name = spelling.try_emplace(lower(release.service), release.service).first->second;
    auto& series = counts.try_emplace(name, periods.size(), 0.0).first->second;
    series[*period] += 1.0;
  }
  return counts;
}

// Releases against faults per period over the whole window, and per service.
void add_correlations(StatsReport& report, const ReleaseData& releases, std::span<const Period> periods) {
  if (releases.source == "none") {
    report.correlation.cautions.push_back("no release data");
    report.correlation.sentence = "no correlation: no release counts (the release source is \"none\")";
    return;
  }
  std::vector<double> release_counts;
  for (const auto& row : report.periods) release_counts.push_back(static_cast<double>(row.releases.value_or(0)));
  report.correlation = correlate(release_counts, faults_per_period(report.faults, periods, {}));
  for (const auto& [service, series] : releases_by_service(releases, periods)) {
    report.correlation_by_service[service] = correlate(series, faults_per_period(report.faults, periods, service));
  }
}

}  // namespace

bool stats_filter_matches(const Fault& fault, const StatsFilter& filter) {
  return matches_any(filter.teams, fault.team) && matches_any(filter.business_units, fault.business_unit) &&
         matches_any(filter.services, fault.service) && matches_any(filter.levels, fault.level) &&
         matches_any(filter.sources, fault.source);
}

StatsReport compute_stats(std::vector<Fault> faults, std::vector<Action> actions, const ReleaseData& releases,
                          const StatsOptions& options) {
  const auto* zone = options.zone != nullptr ? options.zone : date::locate_zone("UTC");
  StatsReport report;
  report.unit = options.unit;
  report.zone = std::string(zone->name());
  report.generated_at = options.now;
  report.release_source = releases.source;
  if (!options.periods.empty()) {
    report.since = options.periods.front().start;
    report.until = options.periods.back().end;
  }
  report.faults = select_faults(std::move(faults), options);
  std::map<std::string, std::size_t> fault_at;  // key -> index in report.faults
  StatsBuilder builder(options, zone);
  for (std::size_t i = 0; i < report.faults.size(); ++i) {
    const auto& fault = report.faults[i];
    if (!fault.key.empty()) fault_at.emplace(fault.key, i);
    if (!fault.started_at) ++report.faults_without_start;
    builder.add_fault(fault, *period_index(options.periods, *fault_anchor(fault)));
  }
  report.actions = select_actions(std::move(actions), fault_at);
  for (const auto& action : report.actions) {
    const auto& fault = report.faults[fault_at.at(action.parent)];
    builder.add_action(action, *period_index(options.periods, *fault_anchor(fault)), fault.team);
  }
  builder.add_releases(releases);
  builder.finish(report);
  report.total.period = Period{"total", report.since, report.until};
  add_correlations(report, releases, options.periods);
  return report;
}

}  // namespace faultline::core
