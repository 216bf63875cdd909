// `faultline stats` against the sandbox, on Cloud and Data Center: a year of faults (1, 2 or 3
// a month, with known levels, sources, teams, times and reviews), a fault without a start
// time, two faults on either side of the window's first midnight in the team's zone, Jira
// versions as releases, and actions done on time, late, overdue and pending. Every figure of
// `stats --json` is checked against numbers worked out here, as a spreadsheet would; the
// reads ask for explicit fields only; --format csv, --xlsx and --charts write what they say.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using nlohmann::json;

namespace {

// The window: 2025-12 to 2026-11 in Asia/Shanghai (UTC+8, no DST).
constexpr int k_months = 12;

std::string month_label(int m) {  // m = 0 -> "2025-12"
  const int year = m == 0 ? 2025 : 2026;
  const int month = m == 0 ? 12 : m;
  return fmt::format("{}-{:02}", year, month);
}

// A local Shanghai time as Jira's datetime.
std::string local_time(int m, int day, int hour, int minute = 0) {
  return fmt::format("{}-{:02}T{:02}:{:02}:00.000+0800", month_label(m), day, hour, minute);
}

// A UTC ISO time for the property: Shanghai local minus 8 hours (the days used never cross midnight backwards).
std::string utc_time(int m, int day, int hour, int minute = 0) {
  return fmt::format("{}-{:02}T{:02}:{:02}:00Z", month_label(m), day, hour - 8, minute);
}

const char* k_levels[] = {"P1", "P2", "P3"};
const char* k_sources[] = {"monitoring", "customer", "internal"};

int faults_in_month(int m) { return m % 3 + 1; }

// The key of the first fault of month m (faults are numbered from FAULT-101, month by month).
std::string first_key_of_month(int m) {
  int number = 101;
  for (int earlier = 0; earlier < m; ++earlier) number += faults_in_month(earlier);
  return "FAULT-" + std::to_string(number);
}

json fault_seed(const std::string& key, const json& fields, const json& property, const std::string& created) {
  json base = {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Fault"}}}, {"summary", "fault " + key},
               {"labels", {"fault"}}};
  base.update(fields);
  json issue = {{"key", key}, {"fields", base}, {"status", "10104"}, {"created", created}};
  if (!property.is_null()) issue["properties"] = json::array({{{"key", "faultline"}, {"value", property}}});
  return issue;
}

// Fault j of month m: started on day 1 + j at 10:00, detected 10(j+1) minutes later (never
// for j = 2), recovered j+1 hours later, reviewed 2 hours after recovery (j = 0: on time),
// 30 hours after (j = 1: late), or never (j = 2: missing).
json year_of_faults() {
  json issues = json::array();
  int number = 100;
  for (int m = 0; m < k_months; ++m) {
    for (int j = 0; j < faults_in_month(m); ++j) {
      const std::string team = m % 2 == 0 ? "payments" : "orders";
      json fields = {{"customfield_10010", {{"value", k_levels[j]}}},
                     {"customfield_10012", {{"value", k_sources[j]}}},
                     {"customfield_10013", team},
                     {"customfield_10014", "retail"},
                     {"customfield_10015", team == "payments" ? "pay-api" : "order-api"},
                     {"customfield_10016", local_time(m, 1 + j, 10)},
                     {"customfield_10017", local_time(m, 1 + j, 11 + j)}};
      json property = {{"schema", 1}};
      if (j != 2) property["detected_at"] = utc_time(m, 1 + j, 10, 10 * (j + 1));
      if (j == 0) property["reviewed_at"] = utc_time(m, 1 + j, 13);
      if (j == 1) property["reviewed_at"] = utc_time(m, 3, 18);  // recovered day 2 at 12:00, reviewed 30 hours later
      issues.push_back(fault_seed(fmt::format("FAULT-{}", ++number), fields, property, local_time(m, 1 + j, 10, 5)));
    }
  }
  // No start time: counted by its creation (2026-06-15), all times missing.
  issues.push_back(fault_seed("FAULT-200", {{"customfield_10010", {{"value", "P4"}}}, {"customfield_10013", "payments"}},
                              nullptr, "2026-06-15T09:00:00.000+0800"));
  // 00:30 on 1 December in Shanghai is 16:30 UTC on 30 November: inside the window.
  issues.push_back(fault_seed("FAULT-201", {{"customfield_10010", {{"value", "P4"}}}, {"customfield_10012", {{"value", "ci"}}},
                                            {"customfield_10016", "2025-11-30T16:30:00.000+0000"}},
                              nullptr, "2025-11-30T16:35:00.000+0000"));
  // 23:30 on 30 November in Shanghai: outside.
  issues.push_back(fault_seed("FAULT-202", {{"customfield_10010", {{"value", "P4"}}}, {"customfield_10016", "2025-11-30T15:30:00.000+0000"}},
                              nullptr, "2025-11-30T15:35:00.000+0000"));
  return issues;
}

// Actions of the three October faults (FAULT-1xx of m = 10): two done (on time, late), one
// overdue, two pending (one without a due date); alice is in team "sre", bob in none.
json october_actions(const FlavorCase& flavor, const std::string& first_key) {
  struct Spec {
    const char* due;
    const char* status;  // status id: 10112 Done, 10110 To Do
    const char* resolved;
    bool alice;
  };
  const Spec specs[] = {{"2026-10-20", "10112", "2026-10-15T10:00:00.000+0800", true},
                        {"2026-10-20", "10112", "2026-10-25T10:00:00.000+0800", false},
                        {"2026-11-01", "10110", nullptr, true},
                        {"2026-12-01", "10110", nullptr, false},
                        {nullptr, "10110", nullptr, false}};
  json issues = json::array();
  int n = 0;
  for (const auto& spec : specs) {
    json fields = {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Sub-task"}}},
                   {"parent", {{"key", first_key}}}, {"summary", fmt::format("action {}", ++n)},
                   {"labels", {"fault-action", fmt::format("fault-action-id-a{}", n)}},
                   {"assignee", flavor.user_json(spec.alice ? flavor.alice : flavor.bob)}};
    if (spec.due) fields["duedate"] = spec.due;
    json issue = {{"key", fmt::format("FAULT-{}", 300 + n)}, {"fields", fields}, {"status", spec.status},
                  {"created", "2026-10-05T10:00:00.000+0800"}};
    if (spec.resolved) issue["resolutiondate"] = spec.resolved;
    issues.push_back(issue);
  }
  return issues;
}

// Releases: the default seed's (2026-08-04, 09-08, 10-06, 10-20, 11-10 released; 12-08 not),
// plus m % 4 releases in each month m, one released version without a date (not counted).
json extra_versions(std::map<std::string, int>& releases_per_month) {
  json versions = json::array();
  int id = 10300;
  for (int m = 0; m < k_months; ++m) {
    for (int r = 0; r < m % 4; ++r) {
      versions.push_back({{"id", std::to_string(++id)}, {"name", fmt::format("v{}.{}", m, r)}, {"projectId", 10000},
                          {"released", true}, {"archived", false},
                          {"releaseDate", fmt::format("{}-{:02}", month_label(m), 10 + r)}});
      ++releases_per_month[month_label(m)];
    }
  }
  versions.push_back({{"id", "10399"}, {"name", "undated"}, {"projectId", 10000}, {"released", true}, {"archived", false}});
  for (const char* month : {"2026-08", "2026-09", "2026-10", "2026-10", "2026-11"}) ++releases_per_month[month];
  return versions;
}

std::string stats_config(const std::filesystem::path& dir, const FlavorCase& flavor) {
  return write_config(dir, jira_config(flavor) +
                               "[jira.fields]\nlevel = \"Fault Level\"\nsource = \"Fault Source\"\nteam = \"Team\"\n"
                               "business_unit = \"Business Unit\"\nservice = \"Service\"\n"
                               "started_at = \"Started At\"\nrecovered_at = \"Recovered At\"\n\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\nreview_due_hours = 24\n\n"
                               "[stats]\nrelease_projects = [\"FAULT\"]\n\n"
                               "[people.alice]\njira = \"" + std::string(flavor.alice) + "\"\nteam = \"sre\"\n"
                               "[people.bob]\njira = \"" + std::string(flavor.bob) + "\"\n");
}

void check_period_counts(const json& stats, const std::map<std::string, int>& releases_per_month) {
  REQUIRE(stats["periods"].size() == k_months);
  for (int m = 0; m < k_months; ++m) {
    const auto& p = stats["periods"][static_cast<std::size_t>(m)];
    INFO(p.dump());
    CHECK(p["period"] == month_label(m));
    const int n = faults_in_month(m);
    const int extra = (m == 0 ? 1 : 0) + (m == 6 ? 1 : 0);  // FAULT-201 (edge), FAULT-200 (no start)
    CHECK(p["faults"] == n + extra);
    CHECK(p["by_level"].value("P1", 0) == 1);
    CHECK(p["by_level"].value("P2", 0) == (n >= 2 ? 1 : 0));
    CHECK(p["by_level"].value("P3", 0) == (n >= 3 ? 1 : 0));
    CHECK(p["by_team"].value(m % 2 == 0 ? "payments" : "orders", 0) == n + (m == 6 ? 1 : 0));
    CHECK(p["time_to_recover_minutes"]["count"] == n);
    CHECK(p["time_to_recover_minutes"]["missing"] == extra);
    CHECK(p["time_to_recover_minutes"]["median"].get<double>() == Approx(n == 1 ? 60 : n == 2 ? 90 : 120));
    CHECK(p["time_to_recover_minutes"]["p90"].get<double>() == Approx(n == 1 ? 60 : n == 2 ? 114 : 168));
    CHECK(p["reviews"]["on_time"] == 1);
    CHECK(p["reviews"]["late"] == (n >= 2 ? 1 : 0));
    CHECK(p["reviews"]["missing"] == (n >= 3 ? 1 : 0));
    const auto releases = releases_per_month.contains(month_label(m)) ? releases_per_month.at(month_label(m)) : 0;
    CHECK(p["releases"] == releases);
    if (releases > 0) {
      CHECK(p["faults_per_100_releases"].get<double>() == Approx(100.0 * (n + extra) / releases));
    } else {
      CHECK(p["faults_per_100_releases"].is_null());
    }
  }
}

void check_totals(const json& total) {
  INFO(total.dump());
  CHECK(total["faults"] == 26);
  CHECK(total["by_level"] == json{{"P1", 12}, {"P2", 8}, {"P3", 4}, {"P4", 2}});
  CHECK(total["by_source"] == json{{"monitoring", 12}, {"customer", 8}, {"internal", 4}, {"ci", 1}, {"(none)", 1}});
  CHECK(total["by_business_unit"]["retail"] == 24);
  CHECK(total["detected_by_monitoring"] == 12);
  CHECK(total["reported_by_customer"] == 8);
  CHECK(total["monitoring_share"].get<double>() == Approx(12.0 / 25));
  CHECK(total["customer_share"].get<double>() == Approx(8.0 / 25));
  const auto& ttr = total["time_to_recover_minutes"];
  CHECK(ttr["count"] == 24);
  CHECK(ttr["missing"] == 2);
  CHECK(ttr["mean"].get<double>() == Approx(100));
  CHECK(ttr["median"].get<double>() == Approx(90));
  CHECK(ttr["p90"].get<double>() == Approx(180));
  CHECK(ttr["max"].get<double>() == Approx(180));
  const auto& ttd = total["time_to_detect_minutes"];
  CHECK(ttd["count"] == 20);
  CHECK(ttd["missing"] == 6);
  CHECK(ttd["mean"].get<double>() == Approx(14));
  CHECK(ttd["median"].get<double>() == Approx(10));
  CHECK(total["reviews"] == json{{"on_time", 12}, {"late", 8}, {"missing", 4}, {"not_due", 0}, {"late_with_reason", 0}});
  CHECK(total["actions"] == json{{"created", 5}, {"done_on_time", 1}, {"done_late", 1}, {"open_overdue", 1}, {"open_pending", 2}});
  // alice's actions count for "sre"; bob's for the fault's team (October: m = 10, payments).
  CHECK(total["actions_by_owner_team"]["sre"]["created"] == 2);
  CHECK(total["actions_by_owner_team"]["sre"]["done_on_time"] == 1);
  CHECK(total["actions_by_owner_team"]["sre"]["open_overdue"] == 1);
  CHECK(total["actions_by_owner_team"]["payments"]["created"] == 3);
  CHECK(total["actions_by_owner_team"]["payments"]["done_late"] == 1);
  CHECK(total["actions_by_owner_team"]["payments"]["open_pending"] == 2);
}

// Every search asked for explicit fields, never *navigable or *all.
void check_explicit_fields(const SandboxApi& api, std::size_t since) {
  int searches = 0;
  for (const auto& r : api.requests_since(since)) {
    const std::string path = r["path"];
    if (!path.ends_with("/search") && !path.ends_with("/search/jql")) continue;
    ++searches;
    const std::string fields = r["method"] == "GET" ? r["query"].value("fields", std::string())
                                                    : json::parse(r["body"].get<std::string>())["fields"].dump();
    INFO(path << " fields=" << fields);
    CHECK_FALSE(fields.empty());
    CHECK(fields.find("*navigable") == std::string::npos);
    CHECK(fields.find("*all") == std::string::npos);
  }
  CHECK(searches >= 2);
}

}  // namespace

TEST_CASE("stats over a seeded year gives every figure a spreadsheet would, on both flavors", "[integration][stats]") {
  for (const auto* flavor : {&k_cloud, &k_datacenter}) {
    DYNAMIC_SECTION(flavor->flavor) {
      SandboxProcess sandbox(flavor->flavor);
      SandboxApi api(sandbox, *flavor);
      std::map<std::string, int> releases_per_month;
      json issues = year_of_faults();
      for (auto& action : october_actions(*flavor, first_key_of_month(10))) issues.push_back(action);
      api.control(faultline::http::Method::Post, "/_sandbox/seed",
                  {{"mode", "extend"}, {"jira", {{"issues", issues}, {"versions", extra_versions(releases_per_month)}}}});
      api.catch_up_index();

      const auto dir = test_dir(std::string("stats-") + flavor->flavor);
      TestApp app = make_app(sandbox);
      const auto config = stats_config(dir, *flavor);
      const auto before = api.next_request();
      auto stats = run_json(app, {"--config", config, "stats", "--since", "2025-12-01", "--until", "2026-11-30", "--json"});
      INFO(app.err.str());
      CHECK(app.err.str().find("no release date") != std::string::npos);

      CHECK(stats["window"]["by"] == "month");
      CHECK(stats["window"]["zone"] == "Asia/Shanghai");
      CHECK(stats["window"]["since"] == "2025-12-01T00:00:00+08:00");
      CHECK(stats["window"]["until"] == "2026-12-01T00:00:00+08:00");
      CHECK(stats["release_source"] == "jira-versions");
      CHECK(stats["faults_without_start"] == 1);
      check_period_counts(stats, releases_per_month);
      check_totals(stats["total"]);
      CHECK(stats["correlation"]["n"] == k_months);
      CHECK(stats["correlation"]["spearman_rho"].is_number());
      CHECK_FALSE(stats["correlation"]["sentence"].get<std::string>().empty());
      check_explicit_fields(api, before);

      // The other outputs read the same figures.
      app.out.str("");
      REQUIRE(app.run({"--config", config, "stats", "--since", "2025-12-01", "--until", "2026-11-30", "--format", "csv",
                       "--xlsx", (dir / "faults.xlsx").string(), "--charts", (dir / "charts").string()}) == 0);
      const std::string csv = app.out.str();
      CHECK(csv.starts_with("period,metric,dimension,value\r\n"));
      CHECK(csv.find("\r\ntotal,faults,,26\r\n") != std::string::npos);
      CHECK(csv.find("\r\n2026-08,faults_by_level,P3,1\r\n") != std::string::npos);
      CHECK(std::filesystem::file_size(dir / "faults.xlsx") > 1000);
      for (const char* chart : {"faults-by-level", "time-to-recover", "releases-vs-faults"}) {
        CHECK(std::filesystem::exists(dir / "charts" / (std::string(chart) + ".svg")));
        CHECK(std::filesystem::exists(dir / "charts" / (std::string(chart) + ".png")));
      }
    }
  }
}

TEST_CASE("stats with a release CSV that has a typo names the file and line, searches nothing and writes nothing", "[integration][stats]") {
  SandboxProcess sandbox("datacenter");
  const auto dir = test_dir("stats-bad-csv");
  TestApp app = make_app(sandbox);
  const auto config = stats_config(dir, k_datacenter);
  const auto csv = write_text(dir / "releases.csv", "date,service,version\n2026-10-01,pay-api,1.0\n2026-13-01,pay-api,1.1\n");
  SandboxApi api(sandbox, k_datacenter);
  const auto before = api.next_request();
  const int code = app.run({"--config", config, "stats", "--releases", csv, "--xlsx", (dir / "out.xlsx").string()});
  CHECK(code == 2);
  CHECK(api.count_since(before, "GET", "/search") == 0);  // the file is read before any search
  CHECK(app.err.str().find("releases.csv:3") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out.xlsx"));
  CHECK(app.out.str().empty());
}
