// The reads behind `faultline stats`, on a fake Data Center: key-ordered slices that never
// page past the search window (10,000), explicit fields only, no property reads when every
// fact it needs is bound to a field, the window applied by start time, and the release
// source chosen in the documented order.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faultline/app/stats.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestServices;
using nlohmann::json;

namespace {

const char* k_config = R"(
[jira]
url = "https://jira.example.com"
flavor = "datacenter"
token_env = "JIRA_TOKEN"
project = "FAULT"

[jira.fields]
level = "Fault Level"
source = "Fault Source"
team = "Team"
service = "Service"
business_unit = "Business Unit"
type = "Fault Type"
started_at = "Started At"
detected_at = "Detected At"
recovered_at = "Recovered At"
reviewed_at = "Reviewed At"
review_scheduled_at = "Review Meeting"
review_late_reason = "Review Late Reason"

[team]
timezone = "Asia/Shanghai"
)";

json field(const std::string& id, const std::string& name, const std::string& type) {
  json schema = {{"type", type}};
  if (type == "option") schema["custom"] = "com.atlassian.jira.plugin.system.customfieldtypes:select";
  return {{"id", id}, {"name", name}, {"custom", true}, {"schema", schema}};
}

std::string field_list() {
  return json::array({field("customfield_1", "Fault Level", "option"), field("customfield_2", "Fault Source", "option"),
                      field("customfield_3", "Team", "string"), field("customfield_4", "Service", "string"),
                      field("customfield_5", "Business Unit", "string"), field("customfield_6", "Fault Type", "option"),
                      field("customfield_7", "Started At", "datetime"), field("customfield_8", "Detected At", "datetime"),
                      field("customfield_9", "Recovered At", "datetime"), field("customfield_10", "Reviewed At", "datetime"),
                      field("customfield_11", "Review Meeting", "datetime"),
                      field("customfield_12", "Review Late Reason", "string")})
      .dump();
}

// Fault number n: P1, started 1 November 2026 10:00 Shanghai (or, for n = 0, a year earlier:
// outside the default window), recovered an hour later.
json fault_issue(int n) {
  const std::string started = n == 0 ? "2025-10-01T10:00:00.000+0800" : "2026-11-01T10:00:00.000+0800";
  return {{"id", std::to_string(10000 + n)},
          {"key", fmt::format("FAULT-{}", n)},
          {"fields",
           {{"summary", "fault"},
            {"status", {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}}},
            {"created", started},
            {"customfield_1", {{"value", "P1"}}},
            {"customfield_7", started},
            {"customfield_9", n == 0 ? "2025-10-01T11:00:00.000+0800" : "2026-11-01T11:00:00.000+0800"}}}};
}

std::string page(int start, int count, int total) {
  json issues = json::array();
  for (int n = start; n < start + count; ++n) issues.push_back(fault_issue(n));
  return json{{"startAt", start}, {"maxResults", 100}, {"total", total}, {"issues", issues}}.dump();
}

bool is_fault_search(const faultline::http::Request& request) {
  return query_param(request.url, "jql").value_or("").find("issuetype") != std::string::npos;
}
bool in_second_slice(const faultline::http::Request& request) {
  return query_param(request.url, "jql").value_or("").find("key > \"FAULT-9999\"") != std::string::npos;
}

}  // namespace

TEST_CASE("stats reads past Data Center's 10,000-issue window in key-ordered slices, fields only", "[app][stats]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, field_list());
  // Slice 1: Jira says 10,001 match; FAULT-0 .. FAULT-9999 come in 100 pages of 100 (the
  // server gives 100 where 1000 were asked for), never from startAt >= 10000.
  for (int start = 0; start < 10000; start += 100) {
    fake.on(Method::Get, "/rest/api/2/search")
        .query("startAt", std::to_string(start))
        .when([](const auto& r) { return is_fault_search(r) && !in_second_slice(r); })
        .reply(200, page(start, 100, 10001));
  }
  // Slice 2: what comes after the last key of slice 1.
  fake.on(Method::Get, "/rest/api/2/search")
      .query("startAt", "0")
      .when([](const auto& r) { return is_fault_search(r) && in_second_slice(r); })
      .reply(200, page(10000, 1, 1));
  fake.on(Method::Get, "/rest/api/2/search")
      .when([](const auto& r) { return !is_fault_search(r); })
      .reply(200, R"({"startAt":0,"maxResults":100,"total":0,"issues":[]})");

  TestServices services(fake, k_config, {{"JIRA_TOKEN", "pat-token-123456"}});
  faultline::app::StatsRequest request;
  request.releases_file = "none";
  auto report = faultline::app::collect_stats(services, request);
  INFO((report ? std::string() : report.error().message));
  REQUIRE(report);
  fake.verify();

  // FAULT-0 started before the default window (the last 12 months and this one): left out.
  CHECK(report->total.faults == 10000);
  CHECK(report->periods.size() == 13);
  CHECK(report->periods.back().period.label == "2026-11");
  CHECK(report->periods.back().faults == 10000);
  CHECK(report->total.time_to_recover.median == Approx(60));
  CHECK(report->release_source == "none");

  for (const auto& call : fake.calls()) {
    if (call.url.find("/search") == std::string::npos) continue;
    INFO(call.url);
    const auto start = std::stoi(query_param(call.url, "startAt").value_or("0"));
    CHECK(start < 10000);
    const auto fields = query_param(call.url, "fields").value_or("");
    CHECK_FALSE(fields.empty());
    CHECK(fields.find("*navigable") == std::string::npos);
    CHECK(query_param(call.url, "jql").value_or("").ends_with("ORDER BY key ASC"));
  }
  // Every fact is bound to a field: no per-issue property read.
  for (const auto& call : fake.calls()) CHECK(call.url.find("/properties/") == std::string::npos);
}

TEST_CASE("stats refuses a window that ends before it starts, naming both ends", "[app][stats]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, field_list());
  TestServices services(fake, k_config, {{"JIRA_TOKEN", "pat-token-123456"}});
  faultline::app::StatsRequest request;
  request.since = "2026-11-01";
  request.until = "2026-10-01";
  auto report = faultline::app::collect_stats(services, request);
  REQUIRE_FALSE(report);
  CHECK(report.error().kind == faultline::ErrorKind::Usage);
  CHECK_THAT(report.error().message, Catch::Contains("2026-10-02T00:00:00+08:00") &&
                                         Catch::Contains("2026-11-01T00:00:00+08:00"));
}

TEST_CASE("stats refuses an unknown level or source before reading anything", "[app][stats]") {
  FakeTransport fake;
  TestServices services(fake, k_config, {{"JIRA_TOKEN", "pat-token-123456"}});
  faultline::app::StatsRequest request;
  request.filter.levels = {"P5"};
  auto bad_level = faultline::app::collect_stats(services, request);
  REQUIRE_FALSE(bad_level);
  CHECK(bad_level.error().kind == faultline::ErrorKind::Usage);
  CHECK_THAT(bad_level.error().message, Catch::Contains("--level"));

  request.filter.levels = {"p1"};
  request.filter.sources = {"monitorng"};
  auto bad_source = faultline::app::collect_stats(services, request);
  REQUIRE_FALSE(bad_source);
  CHECK_THAT(bad_source.error().message, Catch::Contains("--source 'monitorng'"));
  CHECK(fake.calls().empty());
}
