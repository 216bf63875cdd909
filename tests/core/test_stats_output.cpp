#include <catch2/catch.hpp>

#include <sstream>

#include "faultline/core/stats.hpp"
#include "support/zones.hpp"

using namespace faultline;
using namespace faultline::core;
using namespace std::chrono_literals;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

using faultline::testing::zone;

TimePoint utc(int y, unsigned m, unsigned d, int hh = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh}};
}

// Two months in Shanghai, November 2026 with three faults, December 2026 with none.
StatsOptions two_months() {
  StatsOptions options;
  options.zone = zone("Asia/Shanghai");
  options.periods = make_periods(utc(2026, 10, 31, 16), utc(2026, 12, 31, 16), PeriodUnit::Month, options.zone);
  options.now = utc(2026, 12, 15);
  return options;
}

std::vector<Fault> november_faults() {
  std::vector<Fault> faults;
  for (int i = 0; i < 3; ++i) {
    Fault f;
    f.key = "F-" + std::to_string(i + 1);
    f.started_at = utc(2026, 11, 10 + static_cast<unsigned>(i));
    f.created = f.started_at;
    f.level = i == 2 ? "P2" : "P1";
    faults.push_back(f);
  }
  faults[0].recovered_at = *faults[0].started_at + 40min;
  faults[1].recovered_at = *faults[1].started_at + 45min;
  faults[0].reviewed_at = *faults[0].recovered_at + 1h;
  faults[0].team = "a,\"b\"\nc";
  faults[1].team = "=cmd|' /C calc'!A0";
  return faults;
}

std::vector<Action> actions_of_f1() {
  Action a;
  a.key = "A-1";
  a.parent = "F-1";
  a.status_category = "new";
  a.owner = "u-ana";
  return {a, [&] {
            auto b = a;
            b.key = "A-2";
            return b;
          }()};
}

// The CSV's records split at CRLF (none of these test values hold a CRLF inside a field).
std::vector<std::string> csv_lines(const std::string& csv) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < csv.size()) {
    const auto end = csv.find("\r\n", start);
    if (end == std::string::npos) {
      FAIL_CHECK("the CSV does not end with CRLF");
      break;
    }
    lines.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool has_line(const std::vector<std::string>& lines, std::string_view line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("csv_field quotes only fields with a comma, quote, CR or LF and doubles quotes", "[stats][stats_output]") {
  CHECK(csv_field("payments") == "payments");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
  CHECK(csv_field("a,\"b\"\nc") == "\"a,\"\"b\"\"\nc\"");
  // Data, not a spreadsheet: a formula-like value is written exactly as it is.
  CHECK(csv_field("=cmd|' /C calc'!A0") == "=cmd|' /C calc'!A0");
  CHECK(csv_field(" spaced ") == " spaced ");
}

TEST_CASE("stats_to_csv writes one tidy row per figure with CRLF line ends", "[stats][stats_output]") {
  auto options = two_months();
  options.owner_teams = {{"u-ana", "payments"}};
  const auto report = compute_stats(november_faults(), actions_of_f1(), ReleaseData{}, options);
  const auto csv = stats_to_csv(report);
  const auto lines = csv_lines(csv);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == "period,metric,dimension,value");
  CHECK(has_line(lines, "2026-11,faults,,3"));
  CHECK(has_line(lines, "2026-11,faults_by_level,P1,2"));
  CHECK(has_line(lines, "2026-11,faults_by_level,P2,1"));
  CHECK(has_line(lines, "2026-11,faults_by_team,(none),1"));
  CHECK(has_line(lines, "2026-11,time_to_recover_minutes,count,2"));
  CHECK(has_line(lines, "2026-11,time_to_recover_minutes,median,42.5"));
  CHECK(has_line(lines, "2026-11,time_to_recover_minutes,missing,1"));
  CHECK(has_line(lines, "2026-11,time_to_detect_minutes,missing,3"));
  CHECK(has_line(lines, "2026-11,time_to_detect_minutes,median,"));
  CHECK(has_line(lines, "2026-11,reviews,on_time,1"));
  CHECK(has_line(lines, "2026-11,reviews,missing,1"));
  CHECK(has_line(lines, "2026-11,actions,created,2"));
  CHECK(has_line(lines, "2026-11,actions,open_pending,2"));
  CHECK(has_line(lines, "2026-11,actions_by_owner_team:created,payments,2"));
  CHECK(has_line(lines, "2026-11,actions_by_owner_team:done_late,payments,0"));
  CHECK(has_line(lines, "2026-11,monitoring_share,,"));
  CHECK(has_line(lines, "2026-11,releases,,"));
  CHECK(has_line(lines, "2026-11,faults_per_100_releases,,"));
  CHECK(has_line(lines, "total,faults,,3"));
  CHECK(has_line(lines, "total,faults_without_start,,0"));
  CHECK(has_line(lines, "total,correlation,n,0"));
  CHECK(has_line(lines, "total,correlation,spearman_rho,"));
}

TEST_CASE("stats_to_csv keeps zero rows for a period without faults", "[stats][stats_output]") {
  const auto report = compute_stats(november_faults(), {}, ReleaseData{}, two_months());
  const auto lines = csv_lines(stats_to_csv(report));
  CHECK(has_line(lines, "2026-12,faults,,0"));
  CHECK(has_line(lines, "2026-12,time_to_recover_minutes,count,0"));
  CHECK(has_line(lines, "2026-12,time_to_recover_minutes,mean,"));
  CHECK(has_line(lines, "2026-12,reviews,late,0"));
  CHECK(has_line(lines, "2026-12,actions,created,0"));
  CHECK(has_line(lines, "2026-12,detected_by_monitoring,,0"));
}

TEST_CASE("stats_to_csv writes hostile names exactly, as RFC 4180 data", "[stats][stats_output]") {
  const auto report = compute_stats(november_faults(), {}, ReleaseData{}, two_months());
  const auto csv = stats_to_csv(report);
  CHECK_THAT(csv, Contains("\r\n2026-11,faults_by_team,\"a,\"\"b\"\"\nc\",1\r\n"));
  CHECK_THAT(csv, Contains("\r\n2026-11,faults_by_team,=cmd|' /C calc'!A0,1\r\n"));
  CHECK_THAT(csv, Contains("\r\ntotal,faults_by_team,\"a,\"\"b\"\"\nc\",1\r\n"));
}

TEST_CASE("stats_to_csv prints doubles so that they read back exactly", "[stats][stats_output]") {
  auto faults = november_faults();
  faults[0].recovered_at = *faults[0].started_at + 20s;  // 1/3 minute
  faults[1].recovered_at.reset();
  const auto report = compute_stats(faults, {}, ReleaseData{}, two_months());
  const auto lines = csv_lines(stats_to_csv(report));
  const std::string prefix = "2026-11,time_to_recover_minutes,mean,";
  const auto mean = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); });
  REQUIRE(mean != lines.end());
  const auto text = mean->substr(prefix.size());
  CHECK(text != "0.33");
  CHECK(std::stod(text) == *report.periods[0].time_to_recover.mean);
}

TEST_CASE("stats_to_csv writes release rows and the correlation per service", "[stats][stats_output]") {
  StatsOptions options;
  options.zone = zone("UTC");
  options.periods = make_periods(utc(2026, 1, 1), utc(2026, 7, 1), PeriodUnit::Month, options.zone);
  options.now = utc(2026, 7, 1);
  ReleaseData data;
  data.source = "csv";
  std::vector<Fault> faults;
  for (unsigned m = 1; m <= 6; ++m) {
    for (unsigned i = 0; i < m; ++i) data.releases.push_back(Release{utc(2026, m, 2), "pay", ""});
    Fault f;
    f.key = "F-" + std::to_string(m);
    f.started_at = utc(2026, m, 3);
    f.service = "pay";
    if (m % 2 == 0) faults.push_back(f);
  }
  const auto report = compute_stats(faults, {}, data, options);
  const auto lines = csv_lines(stats_to_csv(report));
  CHECK(has_line(lines, "2026-02,releases,,2"));
  CHECK(has_line(lines, "2026-02,faults_per_100_releases,,50"));
  CHECK(has_line(lines, "2026-01,faults_per_100_releases,,0"));
  CHECK(has_line(lines, "total,releases,,21"));
  CHECK(has_line(lines, "total,correlation,n,6"));
  CHECK(has_line(lines, "total,correlation:pay,n,6"));
  CHECK(has_line(lines, fmt::format("total,correlation:pay,spearman_rho,{}",
                                    *report.correlation_by_service.at("pay").spearman_rho)));
  CHECK(has_line(lines, fmt::format("total,correlation,pearson_p,{}", *report.correlation.pearson_p)));
}

TEST_CASE("stats_to_json has every key of the contract, null for unknown figures", "[stats][stats_output]") {
  const auto* shanghai = zone("Asia/Shanghai");
  auto options = two_months();
  options.owner_teams = {{"u-ana", "payments"}};
  const auto report = compute_stats(november_faults(), actions_of_f1(), ReleaseData{}, options);
  const auto j = stats_to_json(report, shanghai);
  CHECK(j.at("window") == json{{"since", "2026-11-01T00:00:00+08:00"},
                               {"until", "2027-01-01T00:00:00+08:00"},
                               {"by", "month"},
                               {"zone", "Asia/Shanghai"}});
  CHECK(j.at("generated_at") == "2026-12-15T08:00:00+08:00");
  CHECK(j.at("release_source") == "none");
  CHECK(j.at("faults_without_start") == 0);
  REQUIRE(j.at("periods").size() == 2);
  const auto& november = j.at("periods")[0];
  for (const char* key : {"period", "start", "end", "faults", "by_level", "by_type", "by_source", "by_team",
                          "by_business_unit", "by_service", "time_to_recover_minutes", "time_to_detect_minutes",
                          "reviews", "actions", "actions_by_owner_team", "detected_by_monitoring",
                          "reported_by_customer", "monitoring_share", "customer_share", "releases",
                          "faults_per_100_releases"}) {
    INFO(key);
    CHECK(november.contains(key));
  }
  CHECK(november.size() == 21);
  CHECK(november.at("period") == "2026-11");
  CHECK(november.at("start") == "2026-11-01T00:00:00+08:00");
  CHECK(november.at("end") == "2026-12-01T00:00:00+08:00");
  CHECK(november.at("faults") == 3);
  CHECK(november.at("by_level") == json{{"P1", 2}, {"P2", 1}});
  CHECK(november.at("time_to_recover_minutes") ==
        json{{"count", 2}, {"missing", 1}, {"mean", 42.5}, {"median", 42.5}, {"p90", 44.5}, {"max", 45.0}});
  CHECK(november.at("time_to_detect_minutes") ==
        json{{"count", 0}, {"missing", 3}, {"mean", nullptr}, {"median", nullptr}, {"p90", nullptr}, {"max", nullptr}});
  CHECK(november.at("reviews") ==
        json{{"on_time", 1}, {"late", 0}, {"missing", 1}, {"not_due", 0}, {"late_with_reason", 0}});
  CHECK(november.at("actions") ==
        json{{"created", 2}, {"done_on_time", 0}, {"done_late", 0}, {"open_overdue", 0}, {"open_pending", 2}});
  CHECK(november.at("actions_by_owner_team").at("payments").at("created") == 2);
  CHECK(november.at("monitoring_share").is_null());
  CHECK(november.at("customer_share").is_null());
  CHECK(november.at("releases").is_null());
  CHECK(november.at("faults_per_100_releases").is_null());
  CHECK(j.at("periods")[1].at("faults") == 0);
  CHECK(j.at("total").at("period") == "total");
  CHECK(j.at("total").at("start") == "2026-11-01T00:00:00+08:00");
  const auto& correlation = j.at("correlation");
  for (const char* key : {"n", "pearson_r", "pearson_p", "spearman_rho", "spearman_p"}) {
    INFO(key);
    REQUIRE(correlation.contains(key));
  }
  CHECK(correlation.at("spearman_rho").is_null());
  CHECK(correlation.at("cautions").is_array());
  CHECK(correlation.at("sentence").is_string());
  CHECK(j.at("correlation_by_service") == json::object());
}

TEST_CASE("stats_to_json keeps numbers unrounded and fills releases and correlations", "[stats][stats_output]") {
  StatsOptions options;
  options.zone = zone("UTC");
  options.periods = make_periods(utc(2026, 1, 1), utc(2026, 7, 1), PeriodUnit::Month, options.zone);
  ReleaseData data;
  data.source = "jira-versions";
  std::vector<Fault> faults;
  for (unsigned m = 1; m <= 6; ++m) {
    for (unsigned i = 0; i < 2 + m % 3; ++i) data.releases.push_back(Release{utc(2026, m, 2), "pay", "1." + std::to_string(i)});
    Fault f;
    f.key = "F-" + std::to_string(m);
    f.started_at = utc(2026, m, 3);
    f.source = m == 1 ? "monitoring" : "customer";
    f.service = "pay";
    faults.push_back(f);
    if (m == 1) {
      f.key = "F-10";
      f.source = "internal";
      faults.push_back(f);
      f.key = "F-11";
      faults.push_back(f);
    }
  }
  const auto report = compute_stats(faults, {}, data, options);
  const auto j = stats_to_json(report, options.zone);
  const auto& january = j.at("periods")[0];
  CHECK(january.at("releases") == 3);
  CHECK(january.at("faults_per_100_releases").get<double>() == 100.0);
  CHECK(january.at("monitoring_share").get<double>() == 1.0 / 3.0);
  CHECK(j.at("periods")[1].at("faults_per_100_releases").get<double>() == 100.0 / 4.0);
  CHECK(j.at("release_source") == "jira-versions");
  REQUIRE(j.at("correlation_by_service").contains("pay"));
  const auto& pay = j.at("correlation_by_service").at("pay");
  CHECK(pay.at("n") == 6);
  CHECK(pay.at("spearman_rho").get<double>() == *report.correlation_by_service.at("pay").spearman_rho);
  CHECK(pay.at("cautions").is_array());
  CHECK(j.at("correlation").at("pearson_r").is_number());
}

TEST_CASE("stats_rows hold the CSV's rows unquoted, without the header", "[stats][stats_output]") {
  const auto report = compute_stats(november_faults(), {}, ReleaseData{}, two_months());
  const auto rows = stats_rows(report);
  const auto lines = csv_lines(stats_to_csv(report));
  CHECK(rows.size() + 1 == lines.size());
  REQUIRE_FALSE(rows.empty());
  CHECK(rows.front() == std::array<std::string, 4>{"2026-11", "faults", "", "3"});
  const std::array<std::string, 4> hostile{"2026-11", "faults_by_team", "a,\"b\"\nc", "1"};
  CHECK(std::find(rows.begin(), rows.end(), hostile) != rows.end());
  CHECK(rows.back()[0] == "total");
}

TEST_CASE("stats_to_json without a zone writes times in the report's zone", "[stats][stats_output]") {
  const auto report = compute_stats({}, {}, ReleaseData{}, two_months());
  const auto j = stats_to_json(report, nullptr);
  CHECK(j.at("window").at("since") == "2026-11-01T00:00:00+08:00");
}
