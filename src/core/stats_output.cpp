// The two machine outputs of a StatsReport: the `stats --json` contract and the tidy long CSV.
// Pure.
//
// The CSV (RFC 4180, CRLF line ends) has the header "period,metric,dimension,value" and one
// row per figure; `period` is a period label ("2026-11", "2026-W48", "2026-Q4") or "total"
// for the whole window. The rows of each period, in this order:
//   faults,,N
//   faults_by_level,<level>,N            (also faults_by_type, faults_by_source, faults_by_team,
//                                         faults_by_business_unit, faults_by_service;
//                                         "(none)" for faults without the value)
//   time_to_recover_minutes,<count|missing|mean|median|p90|max>,X
//   time_to_detect_minutes,<count|missing|mean|median|p90|max>,X
//   reviews,<on_time|late|missing|not_due|late_with_reason>,N
//   actions,<created|done_on_time|done_late|open_overdue|open_pending>,N
//   actions_by_owner_team:<created|done_on_time|done_late|open_overdue|open_pending>,<team>,N
//   detected_by_monitoring,,N   reported_by_customer,,N
//   monitoring_share,,X         customer_share,,X
//   releases,,N                 faults_per_100_releases,,X
// then, for "total" only:
//   faults_without_start,,N
//   correlation,<n|pearson_r|pearson_p|spearman_rho|spearman_p>,X
//   correlation:<service>,<n|pearson_r|pearson_p|spearman_rho|spearman_p>,X   (per service)
// An unknown figure has an empty value. Numbers are unrounded, doubles in their shortest form
// that reads back to the same value. The CSV is data for pandas or R, so fields are kept
// exactly as they are (quoted per RFC 4180, never altered to defuse spreadsheet formulas);
// the XLSX writer is where names reach a spreadsheet, and it writes them as strings, never as
// formulas. Cautions and sentences are in the JSON only: every CSV value is a number.
#include "faultline/core/stats.hpp"

#include <array>

#include <fmt/format.h>

namespace faultline::core {

namespace {

using nlohmann::json;

constexpr std::string_view k_csv_line_end = "\r\n";

// The action counters by their names in the JSON and the CSV.
constexpr std::pair<std::string_view, std::size_t ActionCounts::*> k_action_buckets[] = {
    {"created", &ActionCounts::created},
    {"done_on_time", &ActionCounts::done_on_time},
    {"done_late", &ActionCounts::done_late},
    {"open_overdue", &ActionCounts::open_overdue},
    {"open_pending", &ActionCounts::open_pending},
};

template <class T>
json json_or_null(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

json breakdown_json(const Breakdown& breakdown) {
  json out = json::object();
  for (const auto& [value, count] : breakdown) out[value] = count;
  return out;
}

json duration_json(const DurationSummary& summary) {
  return json{{"count", summary.count},          {"missing", summary.missing},
              {"mean", json_or_null(summary.mean)}, {"median", json_or_null(summary.median)},
              {"p90", json_or_null(summary.p90)},   {"max", json_or_null(summary.max)}};
}

json reviews_json(const ReviewCompliance& reviews) {
  return json{{"on_time", reviews.on_time}, {"late", reviews.late}, {"missing", reviews.missing},
              {"not_due", reviews.not_due}, {"late_with_reason", reviews.late_with_reason}};
}

json actions_json(const ActionCounts& counts) {
  json out = json::object();
  for (const auto& [name, member] : k_action_buckets) out[name] = counts.*member;
  return out;
}

json period_json(const PeriodStats& row, const date::time_zone* zone) {
  json by_owner = json::object();
  for (const auto& [team, counts] : row.actions_by_owner_team) by_owner[team] = actions_json(counts);
  return json{{"period", row.period.label},
              {"start", format_iso(row.period.start, zone)},
              {"end", format_iso(row.period.end, zone)},
              {"faults", row.faults},
              {"by_level", breakdown_json(row.by_level)},
              {"by_type", breakdown_json(row.by_type)},
              {"by_source", breakdown_json(row.by_source)},
              {"by_team", breakdown_json(row.by_team)},
              {"by_business_unit", breakdown_json(row.by_business_unit)},
              {"by_service", breakdown_json(row.by_service)},
              {"time_to_recover_minutes", duration_json(row.time_to_recover)},
              {"time_to_detect_minutes", duration_json(row.time_to_detect)},
              {"reviews", reviews_json(row.reviews)},
              {"actions", actions_json(row.actions)},
              {"actions_by_owner_team", std::move(by_owner)},
              {"detected_by_monitoring", row.detected_by_monitoring},
              {"reported_by_customer", row.reported_by_customer},
              {"monitoring_share", json_or_null(row.monitoring_share)},
              {"customer_share", json_or_null(row.customer_share)},
              {"releases", json_or_null(row.releases)},
              {"faults_per_100_releases", json_or_null(row.faults_per_100_releases)}};
}

json correlation_json(const Correlation& c) {
  return json{{"n", c.n},
              {"pearson_r", json_or_null(c.pearson_r)},
              {"pearson_p", json_or_null(c.pearson_p)},
              {"spearman_rho", json_or_null(c.spearman_rho)},
              {"spearman_p", json_or_null(c.spearman_p)},
              {"cautions", c.cautions},
              {"sentence", c.sentence}};
}

// One tidy row: period, metric, dimension, value.
using StatsRow = std::array<std::string, 4>;

// Appends the rows of one period (or of the total), formatting their values.
class RowSink {
public:
  RowSink(std::vector<StatsRow>& rows, std::string_view period) : m_rows(rows), m_period(period) {}

  void add(std::string_view metric, std::string_view dimension, std::string value) {
    m_rows.push_back(StatsRow{m_period, std::string(metric), std::string(dimension), std::move(value)});
  }
  void add(std::string_view metric, std::string_view dimension, std::size_t value) {
    add(metric, dimension, fmt::format("{}", value));
  }
  // fmt's "{}" prints a double in the shortest form that reads back exactly; unknown = "".
  void add(std::string_view metric, std::string_view dimension, const std::optional<double>& value) {
    add(metric, dimension, value ? fmt::format("{}", *value) : std::string());
  }
  void add(std::string_view metric, std::string_view dimension, const std::optional<std::size_t>& value) {
    add(metric, dimension, value ? fmt::format("{}", *value) : std::string());
  }

private:
  std::vector<StatsRow>& m_rows;
  std::string m_period;
};

void breakdown_rows(RowSink& rows, std::string_view metric, const Breakdown& breakdown) {
  for (const auto& [value, count] : breakdown) rows.add(metric, value, count);
}

void duration_rows(RowSink& rows, std::string_view metric, const DurationSummary& summary) {
  rows.add(metric, "count", summary.count);
  rows.add(metric, "missing", summary.missing);
  rows.add(metric, "mean", summary.mean);
  rows.add(metric, "median", summary.median);
  rows.add(metric, "p90", summary.p90);
  rows.add(metric, "max", summary.max);
}

// The rows of one period, or of the total with `label` "total".
void period_rows(std::vector<StatsRow>& out, const PeriodStats& row, std::string_view label) {
  RowSink rows(out, label);
  rows.add("faults", "", row.faults);
  breakdown_rows(rows, "faults_by_level", row.by_level);
  breakdown_rows(rows, "faults_by_type", row.by_type);
  breakdown_rows(rows, "faults_by_source", row.by_source);
  breakdown_rows(rows, "faults_by_team", row.by_team);
  breakdown_rows(rows, "faults_by_business_unit", row.by_business_unit);
  breakdown_rows(rows, "faults_by_service", row.by_service);
  duration_rows(rows, "time_to_recover_minutes", row.time_to_recover);
  duration_rows(rows, "time_to_detect_minutes", row.time_to_detect);
  rows.add("reviews", "on_time", row.reviews.on_time);
  rows.add("reviews", "late", row.reviews.late);
  rows.add("reviews", "missing", row.reviews.missing);
  rows.add("reviews", "not_due", row.reviews.not_due);
  rows.add("reviews", "late_with_reason", row.reviews.late_with_reason);
  for (const auto& [name, member] : k_action_buckets) rows.add("actions", name, row.actions.*member);
  for (const auto& [team, counts] : row.actions_by_owner_team) {
    for (const auto& [name, member] : k_action_buckets) {
      rows.add(fmt::format("actions_by_owner_team:{}", name), team, counts.*member);
    }
  }
  rows.add("detected_by_monitoring", "", row.detected_by_monitoring);
  rows.add("reported_by_customer", "", row.reported_by_customer);
  rows.add("monitoring_share", "", row.monitoring_share);
  rows.add("customer_share", "", row.customer_share);
  rows.add("releases", "", row.releases);
  rows.add("faults_per_100_releases", "", row.faults_per_100_releases);
}

void correlation_rows(RowSink& rows, std::string_view metric, const Correlation& c) {
  rows.add(metric, "n", c.n);
  rows.add(metric, "pearson_r", c.pearson_r);
  rows.add(metric, "pearson_p", c.pearson_p);
  rows.add(metric, "spearman_rho", c.spearman_rho);
  rows.add(metric, "spearman_p", c.spearman_p);
}

}  // namespace

nlohmann::json stats_to_json(const StatsReport& report, const date::time_zone* zone) {
  if (zone == nullptr) {
    const auto named = find_zone(report.zone);
    zone = named ? *named : date::locate_zone("UTC");
  }
  json periods = json::array();
  for (const auto& row : report.periods) periods.push_back(period_json(row, zone));
  json by_service = json::object();
  for (const auto& [service, c] : report.correlation_by_service) by_service[service] = correlation_json(c);
  return json{{"window",
               {{"since", format_iso(report.since, zone)},
                {"until", format_iso(report.until, zone)},
                {"by", to_string(report.unit)},
                {"zone", report.zone}}},
              {"generated_at", format_iso(report.generated_at, zone)},
              {"release_source", report.release_source},
              {"faults_without_start", report.faults_without_start},
              {"periods", std::move(periods)},
              {"total", period_json(report.total, zone)},
              {"correlation", correlation_json(report.correlation)},
              {"correlation_by_service", std::move(by_service)}};
}

std::vector<std::array<std::string, 4>> stats_rows(const StatsReport& report) {
  std::vector<StatsRow> out;
  for (const auto& row : report.periods) period_rows(out, row, row.period.label);
  period_rows(out, report.total, "total");
  RowSink total(out, "total");
  total.add("faults_without_start", "", report.faults_without_start);
  correlation_rows(total, "correlation", report.correlation);
  for (const auto& [service, c] : report.correlation_by_service) correlation_rows(total, "correlation:" + service, c);
  return out;
}

std::string stats_to_csv(const StatsReport& report) {
  std::string out = "period,metric,dimension,value";
  out += k_csv_line_end;
  for (const auto& row : stats_rows(report)) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(row[i]);
    }
    out += k_csv_line_end;
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace faultline::core
