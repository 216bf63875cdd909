// `faultline stats`: reads the faults of a window, their actions and the release counts,
// and aggregates them (core::compute_stats). Faults and actions are read with explicit fields,
// page by page (concurrent pages on Data Center), in key-ordered slices that stay under Data
// Center's search window. Reads only; the command decides how to print and export.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "faultline/core/stats.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

struct StatsRequest {
  std::string since;  // parse_time forms ("2026-01-01", "-90d"); "" = the default window
  std::string until;  // a date alone counts that whole day; "" = the end of the default window
  core::PeriodUnit unit = core::PeriodUnit::Month;
  core::StatsFilter filter;
  std::string releases_file;  // --releases FILE: overrides [stats]; "none" = no release data
  std::vector<std::string> extra_facts;  // facts to read besides the statistics' own ("review_page")
};

// The statistics of the window. Release counts come from, in order of preference:
// `--releases FILE` (CSV), [stats] release_projects (Jira versions released with a release
// date), [stats] releases_csv, else the rollbacks faultline recorded on the faults.
// Error: Usage for bad --since/--until or a window that ends
// before it starts; Config for a bad config; the search's error; a project's versions that
// could not be read; a CSV file that is unreadable or malformed (file:line).
Result<core::StatsReport> collect_stats(Services& services, const StatsRequest& request);

// The files `stats` can also write: a workbook (--xlsx) and a folder of charts (--charts).
struct StatsFiles {
  std::string xlsx;        // "" = none
  std::string charts_dir;  // "" = none
};

// Writes the workbook and the SVG + PNG charts asked for, each file atomically; the paths
// written. Error: a file or folder could not be written (named, with the reason).
Result<std::vector<std::filesystem::path>> write_stats_files(const core::StatsReport& report, const StatsFiles& files,
                                                             const date::time_zone* zone);

}  // namespace faultline::app
