// What the chart and workbook tests share: a hand-built StatsReport (the structs filled
// directly, no compute_stats) with monthly or weekly periods, levels P1..P4, releases 3..12 a
// period, durations with gaps, raw fault and action rows (one with a hostile team name); and
// a scratch directory with helpers to read what was written.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <date/date.h>
#include <fmt/format.h>

#include "faultline/core/stats.hpp"

namespace faultline::test {

// Deterministic small numbers: the same report every run.
inline std::size_t sample_number(std::size_t seed, std::size_t modulo) { return (seed * 7919 + 13) % 101 % modulo; }

inline core::Period sample_month(std::size_t index) {
  using namespace date;
  const year_month first = year{2025} / November;
  const year_month month = first + months(static_cast<int>(index));
  const core::TimePoint start{sys_days(month / 1)};
  const core::TimePoint end{sys_days((month + months(1)) / 1)};
  return {fmt::format("{:04}-{:02}", static_cast<int>(month.year()), static_cast<unsigned>(month.month())), start, end};
}

inline core::Period sample_week(std::size_t index) {
  using namespace date;
  const sys_days monday = sys_days(year{2025} / December / 29) + days(7 * static_cast<int>(index));
  return {fmt::format("2026-W{:02}", index + 1), core::TimePoint{monday}, core::TimePoint{monday + days(7)}};
}

// One period: P1..P4 counts from the index, one "(none)" now and then, times in minutes.
inline core::PeriodStats sample_period(const core::Period& period, std::size_t index, bool with_releases) {
  core::PeriodStats stats;
  stats.period = period;
  const std::size_t counts[] = {sample_number(index, 3), 1 + sample_number(index + 1, 4), 2 + sample_number(index + 2, 5),
                                1 + sample_number(index + 3, 6)};
  const char* levels[] = {"P1", "P2", "P3", "P4"};
  for (std::size_t i = 0; i < 4; ++i) {
    stats.by_level[levels[i]] = counts[i];
    stats.faults += counts[i];
  }
  if (index % 4 == 2) {
    stats.by_level[std::string(core::k_no_value)] = 1;
    stats.faults += 1;
  }
  stats.by_team = {{"payments", stats.faults - 1}, {"=cmd|' /C calc'!A0", 1}};
  stats.by_type = {{"Database", stats.faults / 2}, {"Network", stats.faults - stats.faults / 2}};
  stats.by_source = {{"monitoring", stats.faults - 2}, {"customer", 2}};
  stats.by_business_unit = {{"retail", stats.faults}};
  stats.by_service = {{"checkout", stats.faults - 1}, {std::string(core::k_no_value), 1}};
  stats.time_to_recover.count = stats.faults;
  if (index % 5 != 3) {
    stats.time_to_recover.median = 60.0 + 25.0 * static_cast<double>(sample_number(index, 7));
    stats.time_to_recover.p90 = *stats.time_to_recover.median * 2.5;
    stats.time_to_recover.mean = *stats.time_to_recover.median * 1.2;
    stats.time_to_recover.max = *stats.time_to_recover.p90 * 1.5;
  }
  stats.time_to_detect.median = 8.0 + static_cast<double>(index);
  stats.reviews = {stats.faults - 2, 1, 1, 0};
  stats.actions = {3, 1, 1, 1, 0};
  stats.actions_by_owner_team["payments"] = stats.actions;
  stats.detected_by_monitoring = stats.faults - 2;
  stats.reported_by_customer = 2;
  stats.monitoring_share = static_cast<double>(stats.faults - 2) / static_cast<double>(stats.faults);
  stats.customer_share = 2.0 / static_cast<double>(stats.faults);
  if (with_releases) {
    stats.releases = 3 + sample_number(index + 5, 10);
    stats.faults_per_100_releases = 100.0 * static_cast<double>(stats.faults) / static_cast<double>(*stats.releases);
  }
  return stats;
}

inline void add_sample_rows(core::StatsReport& report) {
  core::Fault fault;
  fault.key = "FAULT-1";
  fault.summary = "Checkout errors \x01 after deploy";
  fault.level = "P2";
  fault.type = "Database";
  fault.source = "monitoring";
  fault.team = "=cmd|' /C calc'!A0";
  fault.business_unit = "retail";
  fault.service = "checkout";
  fault.status = "Recovered";
  fault.started_at = report.periods.front().period.start + std::chrono::hours(26);
  fault.detected_at = *fault.started_at + std::chrono::minutes(10);
  fault.recovered_at = *fault.started_at + std::chrono::minutes(80);
  report.faults.push_back(fault);
  fault.key = "FAULT-2";
  fault.summary = "Slow search";
  fault.team = "payments";
  fault.started_at = report.periods.back().period.start + std::chrono::hours(50);
  fault.detected_at.reset();
  fault.recovered_at.reset();
  report.faults.push_back(fault);
  core::Action action;
  action.key = "FAULT-3";
  action.parent = "FAULT-1";
  action.summary = "Alert on pool saturation";
  action.owner = "alice";
  action.owner_display = "Alice";
  action.due = date::year{2025} / 12 / 2;
  action.status = "Done";
  action.status_category = "done";
  action.kind = "detect";
  action.created = report.periods.front().period.start + std::chrono::hours(30);
  action.resolved = report.periods.front().period.start + std::chrono::hours(300);
  report.actions.push_back(action);
}

// A report of `count` periods (months from 2025-11, or ISO weeks of 2026), release source
// "csv" or "none".
inline core::StatsReport sample_report(std::size_t count = 13, core::PeriodUnit unit = core::PeriodUnit::Month,
                                       bool with_releases = true) {
  core::StatsReport report;
  report.unit = unit;
  report.zone = "Asia/Shanghai";
  report.release_source = with_releases ? "csv" : "none";
  for (std::size_t i = 0; i < count; ++i) {
    const core::Period period = unit == core::PeriodUnit::Week ? sample_week(i) : sample_month(i);
    report.periods.push_back(sample_period(period, i, with_releases));
  }
  report.since = report.periods.front().period.start;
  report.until = report.periods.back().period.end;
  report.total.period = {"total", report.since, report.until};
  for (const auto& period : report.periods) {
    report.total.faults += period.faults;
    for (const auto& [level, n] : period.by_level) report.total.by_level[level] += n;
  }
  report.correlation.n = count;
  report.correlation.pearson_r = 0.62;
  report.correlation.pearson_p = 0.024;
  report.correlation.spearman_rho = 0.58;
  report.correlation.spearman_p = 0.037;
  report.correlation.sentence =
      with_releases ? fmt::format("more releases went with more faults: rho = 0.58, n = {}, p = 0.037", count)
                    : "no release data, so no correlation";
  report.correlation.cautions = {"correlation is not causation"};
  report.correlation_by_service["checkout"] = report.correlation;
  add_sample_rows(report);
  return report;
}

// A fresh directory under the system's temp directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("faultline-test-report-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The directory's entries, by name, sorted.
inline std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace faultline::test
