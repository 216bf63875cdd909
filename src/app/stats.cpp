// `faultline stats`: the window, the reads (faults and actions in key-ordered slices, page by
// page; release data from the preferred source) and the aggregation.
#include "faultline/app/stats.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/release_csv.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/report/charts.hpp"
#include "faultline/report/workbook.hpp"
#include "faultline/util/files.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// Data Center refuses startAt past its search window (jira.search.platform.max.result.window,
// 10,000 by default) with a 500, so long reads go in slices of at most this many issues, each
// slice starting after the last key of the one before.
constexpr int k_slice = 10000;
// Issues asked for per page (a server that allows fewer answers fewer, and the pages follow
// what it gave). Measured on the sandbox with 40,000 issues (bench/README.md): 250 beat 100
// (more round trips) and 500 or 1000 (more memory held by the pages in flight, no faster).
constexpr int k_page = 250;

// The facts the statistics read; "rollbacks" is never bound, so naming it asks for the property.
const std::vector<std::string> k_stats_facts{"level",      "type",        "source",       "team",       "service",
                                             "business_unit", "started_at", "detected_at", "recovered_at",
                                             "reviewed_at", "review_scheduled_at", "review_late_reason"};

// A time as people type it; a date alone in --until means the end of that day.
Result<core::TimePoint> window_edge(std::string_view text, std::string_view flag, core::TimePoint now,
                                    const date::time_zone* zone, bool end_of_day) {
  auto parsed = core::parse_time(text, now, zone);
  if (!parsed) {
    auto error = parsed.error();
    error.message = fmt::format("{}: {}", flag, error.message);
    return std::unexpected(error);
  }
  if (!end_of_day || !core::parse_due_date(text)) return *parsed;
  const auto next_day = date::sys_days{core::local_date(*parsed, zone)} + date::days{1};
  return core::local_midnight(date::year_month_day{next_day}, zone);
}

Result<core::TimeWindow> stats_window(const StatsRequest& request, core::TimePoint now, const date::time_zone* zone) {
  auto window = core::default_stats_window(now, zone);
  if (!request.since.empty()) {
    FAULTLINE_TRY(since, window_edge(request.since, "--since", now, zone, false));
    window.since = *since;
  }
  if (!request.until.empty()) {
    FAULTLINE_TRY(until, window_edge(request.until, "--until", now, zone, true));
    window.until = *until;
  }
  if (window.until <= window.since) {
    return fail(ErrorKind::Usage,
                fmt::format("the window ends ({}) before it starts ({})", core::format_iso(window.until, zone),
                            core::format_iso(window.since, zone)),
                "give --until a later time than --since");
  }
  return window;
}

// Reads every issue of `base_jql` in key-ordered slices of at most k_slice issues; `read`
// runs one slice's JQL and reports how many issues it saw, the last key and, when Jira said
// it (Data Center), how many the slice's search matched.
struct SliceProgress {
  std::size_t before = 0;  // read in the slices before this one (for a progress line over all)
  std::size_t in_slice = 0;
  std::string last_key;
  std::optional<int> total;
};
Result<void> read_in_slices(const std::string& base_jql,
                            const std::function<Result<void>(const std::string& jql, SliceProgress& progress)>& read) {
  std::string after;
  std::size_t before = 0;
  for (;;) {
    std::string jql = after.empty() ? base_jql : core::jql_and({base_jql, "key > " + core::jql_quote(after)});
    SliceProgress progress;
    progress.before = before;
    FAULTLINE_TRY(done, read(jql + " ORDER BY key ASC", progress));
    const bool more = progress.total ? *progress.total > k_slice : progress.in_slice >= static_cast<std::size_t>(k_slice);
    if (!more || progress.last_key.empty()) return {};
    after = progress.last_key;
    before += progress.in_slice;
  }
}

// One slice's search: explicit fields are set by the caller. Only Data Center needs slices
// (Cloud's nextPageToken has no window), so on Cloud the "slice" is the whole search.
jira::SearchRequest slice_request(Services& services, const FaultSession& session, std::string_view what,
                                  SliceProgress& progress) {
  jira::SearchRequest request;
  request.page_size = k_page;
  request.limit = session.jira->flavor() == jira::Flavor::DataCenter ? k_slice : 0;
  request.concurrent_pages = static_cast<std::size_t>(std::max(session.config->http.concurrency, 1));
  const auto& diagnostics = services.diagnostics();
  request.on_progress = [&diagnostics, &progress, what = std::string(what)](std::size_t read, std::optional<int> total) {
    if (total) progress.total = total;
    std::optional<std::size_t> known;
    if (total && *total > 0) known = progress.before + static_cast<std::size_t>(*total);
    diagnostics.progress(what, progress.before + read, known);
  };
  return request;
}

// The JQL clause "created on or after the day before `since`" (JQL dates are read in the Jira
// user's own zone, so one day of slack; the window itself is applied after reading).
std::string created_from(core::TimePoint since, const date::time_zone* zone) {
  const auto day = date::year_month_day{date::sys_days{core::local_date(since, zone)} - date::days{1}};
  return "created >= " + core::jql_quote(core::format_date(day));
}

Result<std::vector<core::Fault>> read_faults(Services& services, FaultSession& session, core::TimePoint since,
                                             bool with_rollbacks, const std::vector<std::string>& extra_facts) {
  std::vector<core::Fault> faults;
  std::set<std::string> seen;
  auto facts = k_stats_facts;
  if (with_rollbacks) facts.emplace_back("rollbacks");
  facts.insert(facts.end(), extra_facts.begin(), extra_facts.end());
  const std::string base = core::jql_and({session.repository->fault_scope_jql(), created_from(since, session.zone)});
  auto read = [&](const std::string& jql, SliceProgress& progress) -> Result<void> {
    auto request = slice_request(services, session, "faults", progress);
    request.jql = jql;
    return session.repository->for_each_fault(request, facts, [&](core::Fault&& fault) {
      ++progress.in_slice;
      progress.last_key = fault.key;
      // A page that shifted under a concurrent edit can repeat an issue.
      if (seen.insert(fault.key).second) faults.push_back(std::move(fault));
    });
  };
  auto done = read_in_slices(base, read);
  services.diagnostics().progress_finished();
  if (!done) return std::unexpected(done.error());
  return faults;
}

Result<std::vector<core::Action>> read_actions(Services& services, FaultSession& session, core::TimePoint since) {
  std::vector<core::Action> actions;
  std::set<std::string> seen;
  const std::string base = core::jql_and({"project = " + core::jql_quote(session.config->jira.project),
                                          "labels = " + core::jql_quote(core::k_action_label),
                                          created_from(since, session.zone)});
  auto read = [&](const std::string& jql, SliceProgress& progress) -> Result<void> {
    auto request = slice_request(services, session, "actions", progress);
    request.jql = jql;
    request.fields = core::action_fields();
    request.kept_members = core::action_field_members();
    request.on_page = [&](std::vector<jira::Issue>& page) -> Result<void> {
      for (auto& issue : page) {
        ++progress.in_slice;
        progress.last_key = issue.key;
        FAULTLINE_TRY(action, core::action_from_issue({{"id", std::move(issue.id)}, {"key", issue.key},
                                                       {"fields", std::move(issue.fields)}}));
        if (seen.insert(action->key).second) actions.push_back(std::move(*action));
      }
      return {};
    };
    FAULTLINE_TRY(none, session.jira->search(request));
    return {};
  };
  auto done = read_in_slices(base, read);
  services.diagnostics().progress_finished();
  if (!done) return std::unexpected(done.error());
  return actions;
}

// The released versions of the configured projects, dated by releaseDate (a day: its local
// midnight; Data Center may send a timestamp). Versions without a release date are skipped
// and counted in one warning.
Result<core::ReleaseData> releases_from_versions(Services& services, FaultSession& session) {
  core::ReleaseData data;
  data.source = "jira-versions";
  std::size_t undated = 0;
  for (const auto& project : session.config->stats.release_projects) {
    FAULTLINE_TRY(versions, session.jira->project_versions(project));
    for (const auto& version : *versions) {
      if (!version.released) continue;
      std::optional<core::TimePoint> at;
      if (auto day = core::parse_due_date(version.release_date)) {
        at = core::local_midnight(*day, session.zone);
      } else if (auto stamp = core::parse_timestamp(version.release_date)) {
        at = core::local_midnight(core::local_date(*stamp, session.zone), session.zone);
      }
      if (!at) {
        ++undated;
        continue;
      }
      data.releases.push_back({*at, "", version.name});
    }
  }
  if (undated > 0) {
    services.diagnostics().warn(fmt::format("{} released version(s) of {} have no release date and were not counted",
                                            undated, fmt::join(session.config->stats.release_projects, ", ")));
  }
  return data;
}

Result<core::ReleaseData> releases_from_csv(const std::filesystem::path& path, const date::time_zone* zone) {
  FAULTLINE_TRY(text, read_file(path));
  FAULTLINE_TRY(releases, core::parse_releases_csv(*text, path.string(), zone));
  return core::ReleaseData{"csv", std::move(*releases)};
}

core::ReleaseData releases_from_rollbacks(const std::vector<core::Fault>& faults) {
  core::ReleaseData data;
  data.source = "rollbacks";
  for (const auto& fault : faults) {
    for (const auto& rollback : fault.rollbacks) {
      if (rollback.recorded_at) data.releases.push_back({*rollback.recorded_at, rollback.service, rollback.to_version});
    }
  }
  return data;
}

// A relative [stats] releases_csv is read from the config file's folder.
std::filesystem::path config_relative(const config::Config& config, const std::string& file) {
  std::filesystem::path path(file);
  if (path.is_absolute() || config.file.empty()) return path;
  return std::filesystem::path(config.file).parent_path() / path;
}

// Where the release counts come from, decided once: --releases (a file, or "none"), else
// [stats] release_projects, else [stats] releases_csv, else the rollbacks on the faults.
enum class ReleaseSource { None, CsvFile, JiraVersions, Rollbacks };
struct ReleasePlan {
  ReleaseSource source = ReleaseSource::None;
  std::filesystem::path csv;  // CsvFile only
};

ReleasePlan release_plan(const config::Config& config, const StatsRequest& request) {
  if (request.releases_file == "none") return {};
  if (!request.releases_file.empty()) return {ReleaseSource::CsvFile, request.releases_file};
  if (!config.stats.release_projects.empty()) return {ReleaseSource::JiraVersions, {}};
  if (!config.stats.releases_csv.empty()) {
    return {ReleaseSource::CsvFile, config_relative(config, config.stats.releases_csv)};
  }
  return {ReleaseSource::Rollbacks, {}};
}

core::StatsOptions stats_options(const config::Config& config, const StatsRequest& request, const core::TimeWindow& window,
                                 core::TimePoint now, const date::time_zone* zone) {
  core::StatsOptions options;
  options.periods = core::make_periods(window.since, window.until, request.unit, zone);
  options.unit = request.unit;
  options.zone = zone;
  options.now = now;
  options.review_due_hours = config.team.review_due_hours;
  options.review_due_hours_by_level = config.team.review_due_hours_by_level;
  for (const auto& [key, person] : config.people) {
    if (!person.team.empty() && !person.jira.empty()) options.owner_teams[person.jira] = person.team;
  }
  return options;
}

bool in_window(core::TimePoint t, const core::TimeWindow& window) { return t >= window.since && t < window.until; }

// --level values as P1..P4 and --source values among the four sources. Error (Usage) naming
// the flag, the value and what is allowed.
Result<core::StatsFilter> checked_filter(core::StatsFilter filter) {
  for (auto& level : filter.levels) {
    FAULTLINE_TRY(normal, normalize_level(level, "--level"));
    level = *normal;
  }
  static constexpr std::array<std::string_view, 4> k_sources{"customer", "internal", "monitoring", "ci"};
  for (const auto& source : filter.sources) {
    if (std::ranges::find(k_sources, lower(source)) == k_sources.end()) {
      return fail(ErrorKind::Usage, fmt::format("--source '{}' is not a fault source", source),
                  "use customer, internal, monitoring or ci");
    }
  }
  return filter;
}

}  // namespace

Result<core::StatsReport> collect_stats(Services& services, const StatsRequest& request) {
  FAULTLINE_TRY(filter, checked_filter(request.filter));
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto now = services.clock().now();
  FAULTLINE_TRY(window, stats_window(request, now, session->zone));
  const auto& config = *session->config;
  const auto plan = release_plan(config, request);

  // A release file is read first: a typo in it stops the run before any search.
  core::ReleaseData releases;
  if (plan.source == ReleaseSource::CsvFile) {
    FAULTLINE_TRY(from_file, releases_from_csv(plan.csv, session->zone));
    releases = std::move(*from_file);
  }
  FAULTLINE_TRY(faults, read_faults(services, *session, window->since, plan.source == ReleaseSource::Rollbacks,
                                            request.extra_facts));
  if (plan.source == ReleaseSource::JiraVersions) {
    FAULTLINE_TRY(versions, releases_from_versions(services, *session));
    releases = std::move(*versions);
  } else if (plan.source == ReleaseSource::Rollbacks) {
    releases = releases_from_rollbacks(*faults);
  }
  FAULTLINE_TRY(actions, read_actions(services, *session, window->since));

  // The periods reach the unit's boundaries; the window itself is what was asked for.
  std::erase_if(*faults, [&](const core::Fault& fault) {
    const auto start = fault.started_at ? fault.started_at : fault.created;
    return !start || !in_window(*start, *window);
  });
  std::erase_if(releases.releases, [&](const core::Release& release) { return !in_window(release.at, *window); });

  auto options = stats_options(config, request, *window, now, session->zone);
  options.filter = std::move(*filter);
  auto report = core::compute_stats(std::move(*faults), std::move(*actions), releases, options);
  report.since = window->since;
  report.until = window->until;
  return report;
}

Result<std::vector<std::filesystem::path>> write_stats_files(const core::StatsReport& report, const StatsFiles& files,
                                                             const date::time_zone* zone) {
  std::vector<std::filesystem::path> written;
  if (!files.xlsx.empty()) {
    FAULTLINE_TRY(done, report::write_workbook(report, files.xlsx, zone));
    written.emplace_back(files.xlsx);
  }
  if (!files.charts_dir.empty()) {
    FAULTLINE_TRY(charts, report::write_charts(report::stats_charts(report), files.charts_dir));
    written.insert(written.end(), charts->begin(), charts->end());
  }
  return written;
}

}  // namespace faultline::app
