#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "faultline/core/alerts.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/timestamp.hpp"

using namespace faultline::core;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FAULTLINE_TEST_FIXTURES) + "/alerts/" + name);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

AlertGroup parse_fixture(const std::string& name) {
  auto group = parse_alert_payload_text(fixture(name));
  if (!group) FAIL(group.error().message);
  return *group;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("an Alertmanager firing group of two alerts is parsed", "[alerts]") {
  const auto group = parse_fixture("alertmanager_firing_group.json");
  CHECK(group.source_system == "alertmanager");
  CHECK(group.receiver == "faultline");
  CHECK(group.status == "firing");
  CHECK(group.group_key == "{}/{severity=~\"critical|error\"}:{alertname=\"HighErrorRate\", service=\"checkout\"}");
  CHECK(group.group_labels.at("service") == "checkout");
  CHECK(group.common_labels.at("team") == "payments");
  CHECK(group.common_annotations.at("summary") == "Checkout API error rate above 5%");
  CHECK(group.external_url == "http://alertmanager.example.com:9093");
  REQUIRE(group.alerts.size() == 2);
  const auto& first = group.alerts[0];
  CHECK(first.status == "firing");
  CHECK(first.labels.at("instance") == "api-7d9f-1:8080");
  CHECK(first.fingerprint == "6f1c2b0e8a4d3c21");
  CHECK(format_utc(first.starts_at) == "2026-11-25T02:03:15.123Z");
  CHECK_FALSE(first.ends_at.has_value());  // a firing alert's endsAt is only a timeout
}

TEST_CASE("one fault per group: dedupe on the group key, earliest start, mapped defaults", "[alerts]") {
  const auto group = parse_fixture("alertmanager_firing_group.json");
  const auto drafts = alert_faults(group, AlertGrouping::PerGroup, AlertRules{});
  REQUIRE(drafts.size() == 1);
  const auto& d = drafts[0];
  CHECK(d.dedupe_key == "am:" + group.group_key);
  CHECK(d.status == "firing");
  CHECK(d.alert_count == 2);
  CHECK(d.firing_count == 2);
  CHECK(format_utc(d.started_at) == "2026-11-25T02:01:45.500Z");
  CHECK_FALSE(d.ended_at.has_value());
  CHECK(d.service == "checkout");
  CHECK(d.team == "payments");
  CHECK(d.level == "P1");
  CHECK(d.source == "monitoring");
  CHECK(d.title == "Checkout API error rate above 5% [2 alerts]");
  CHECK(contains(d.labels, "fault"));
  CHECK(contains(d.labels, "fault-level-p1"));
  CHECK(contains(d.labels, "fault-source-monitoring"));
  CHECK(contains(d.labels, dedupe_label(d.dedupe_key)));
  CHECK(contains(d.labels, "alert-higherrorrate"));
  for (const auto& label : d.labels) CHECK(is_valid_label(label));
  // Description: annotations, a label table, both instances and their source links.
  CHECK(d.description.find("| service | checkout |") != std::string::npos);
  CHECK(d.description.find("api-7d9f-1:8080") != std::string::npos);
  CHECK(d.description.find("api-7d9f-2:8080") != std::string::npos);
  CHECK(d.description.find("[Source](<http://prometheus.example.com:9090/graph?g0.expr=") != std::string::npos);
  CHECK(d.description.find("5xx ratio is 12.5%") != std::string::npos);
}

TEST_CASE("the same payload delivered twice gives the same dedupe keys", "[alerts]") {
  const auto a = parse_fixture("alertmanager_firing_group.json");
  const auto b = parse_fixture("alertmanager_firing_group.json");
  CHECK(alert_faults(a, AlertGrouping::PerGroup, {})[0].dedupe_key ==
        alert_faults(b, AlertGrouping::PerGroup, {})[0].dedupe_key);
  CHECK(alert_faults(a, AlertGrouping::PerAlert, {})[1].dedupe_key ==
        alert_faults(b, AlertGrouping::PerAlert, {})[1].dedupe_key);
}

TEST_CASE("a resolved group gives a resolved draft with its end time", "[alerts]") {
  const auto group = parse_fixture("alertmanager_resolved.json");
  CHECK(group.status == "resolved");
  const auto drafts = alert_faults(group, AlertGrouping::PerGroup, {});
  REQUIRE(drafts.size() == 1);
  CHECK(drafts[0].status == "resolved");
  REQUIRE(drafts[0].ended_at.has_value());
  CHECK(format_utc(*drafts[0].ended_at) == "2026-11-25T01:42:30Z");
  CHECK(drafts[0].service == "node");  // from "job": no "service" label
  CHECK(drafts[0].team.empty());
  CHECK(drafts[0].level == "P3");      // warning
  const auto fault = fault_from_alert(drafts[0]);
  CHECK(fault.recovered_at == drafts[0].ended_at);
  CHECK(fault.started_at == drafts[0].started_at);
  CHECK(fault.source == "monitoring");
}

TEST_CASE("per-alert split: one draft per alert keyed by fingerprint and start", "[alerts]") {
  const auto group = parse_fixture("alertmanager_mixed.json");
  const auto drafts = alert_faults(group, AlertGrouping::PerAlert, {});
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].dedupe_key == "am:1111aaaa2222bbbb:2026-11-25T03:00:00Z");
  CHECK(drafts[1].dedupe_key == "am:3333cccc4444dddd:2026-11-25T03:05:00Z");
  CHECK(drafts[0].status == "resolved");
  CHECK(drafts[1].status == "firing");
  CHECK(drafts[0].title == "Pod shop/cart-6b7c-x2 is crash looping");
  CHECK(drafts[1].service == "cart");  // from "app"
  CHECK(drafts[1].level == "P2");      // error
  CHECK(drafts[0].alert_labels.at("pod") == "cart-6b7c-x2");
  // As a group the mixed payload is firing, started at the earliest alert.
  const auto grouped = alert_faults(group, AlertGrouping::PerGroup, {});
  REQUIRE(grouped.size() == 1);
  CHECK(grouped[0].status == "firing");
  CHECK(grouped[0].firing_count == 1);
  CHECK(format_utc(grouped[0].started_at) == "2026-11-25T03:00:00Z");
  CHECK(grouped[0].title == "PodCrashLooping (app=cart, namespace=shop) [2 alerts]");
}

TEST_CASE("a Grafana payload is recognised by its fields", "[alerts]") {
  const auto group = parse_fixture("grafana_firing.json");
  CHECK(group.source_system == "grafana");
  CHECK(group.title == "[FIRING:1] High p99 latency Search (search-api discovery warning)");
  REQUIRE(group.alerts.size() == 1);
  const auto& alert = group.alerts[0];
  CHECK(alert.dashboard_url == "https://grafana.example.com/d/search-overview?orgId=1");
  CHECK(alert.panel_url == "https://grafana.example.com/d/search-overview?orgId=1&viewPanel=4");
  CHECK(alert.silence_url.find("alerting/silence/new") != std::string::npos);
  CHECK_FALSE(alert.ends_at.has_value());  // Go zero time
  CHECK(format_utc(alert.starts_at) == "2026-11-24T20:15:00Z");
  const auto drafts = alert_faults(group, AlertGrouping::PerGroup, {});
  REQUIRE(drafts.size() == 1);
  CHECK(drafts[0].title == "High p99 latency (service=search-api)");
  CHECK(drafts[0].service == "search-api");
  CHECK(drafts[0].team == "discovery");
  CHECK(drafts[0].level == "P3");
  CHECK(drafts[0].description.find("Opened from Grafana alerts") != std::string::npos);
  CHECK(drafts[0].description.find("[Dashboard](<https://grafana.example.com/d/search-overview?orgId=1>)") !=
        std::string::npos);
  CHECK(drafts[0].description.find("[Panel](") != std::string::npos);
  CHECK(drafts[0].description.find("**runbook\\_url:** [https://runbooks.example.com/search-latency](<https://runbooks.example.com/search-latency>)") != std::string::npos);
}

TEST_CASE("a Grafana payload is recognised by per-alert fields alone", "[alerts]") {
  const auto payload = nlohmann::json::parse(R"({"version":"1","alerts":[{"status":"firing","labels":{},
      "startsAt":"2026-11-25T02:00:00Z","dashboardURL":"https://g/d/1"}]})");
  const auto group = parse_alert_payload(payload);
  REQUIRE(group.has_value());
  CHECK(group->source_system == "grafana");
  CHECK(group->status == "firing");  // derived when the payload has none
}

TEST_CASE("malformed payloads are refused with the field path", "[alerts]") {
  struct Row {
    const char* fixture;
    const char* message;
  };
  const Row rows[] = {
      {"malformed_bad_time.json", "alerts[2].startsAt: not an RFC 3339 time"},
      {"malformed_labels.json", "alerts[1].labels: expected an object"},
      {"malformed_no_alerts.json", "alerts: empty, no alert to open a fault for"},
      {"malformed_version.json", "version: \"3\" is not supported"},
  };
  for (const auto& row : rows) {
    INFO(row.fixture);
    const auto group = parse_alert_payload_text(fixture(row.fixture));
    REQUIRE_FALSE(group.has_value());
    CHECK(group.error().kind == faultline::ErrorKind::Config);
    CHECK_THAT(group.error().message, Catch::Contains(row.message));
  }
}

TEST_CASE("hand-made malformed payloads name what and where", "[alerts]") {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {R"([1,2])", "alert payload: expected a JSON object"},
      {R"({"alerts":[]})", "version: missing"},
      {R"({"version":"4"})", "alerts: missing"},
      {R"({"version":"4","alerts":{}})", "alerts: expected an array"},
      {R"({"version":"4","alerts":[7]})", "alerts[0]: expected an object"},
      {R"({"version":"4","alerts":[{"labels":{},"startsAt":"2026-11-25T02:00:00Z"}]})", "alerts[0].status: missing"},
      {R"({"version":"4","alerts":[{"status":"pending","startsAt":"2026-11-25T02:00:00Z"}]})",
       "alerts[0].status: \"pending\" is not"},
      {R"({"version":"4","alerts":[{"status":"firing"}]})", "alerts[0].startsAt: missing"},
      {R"({"version":"4","alerts":[{"status":"firing","startsAt":12}]})", "alerts[0].startsAt: expected an RFC 3339"},
      {R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-25T02:00:00Z","labels":{"a":1}}]})",
       "alerts[0].labels.a: expected a string"},
      {R"({"version":"4","alerts":[{"status":"resolved","startsAt":"2026-11-25T02:00:00Z","endsAt":"soon"}]})",
       "alerts[0].endsAt: not an RFC 3339 time"},
      {R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-25T02:00:00Z"}],"commonLabels":[]})",
       "commonLabels: expected an object"},
      {R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-25T02:00:00Z"}],"groupKey":5})",
       "groupKey: expected a string"},
      {R"({"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-25T02:00:00Z"}],"truncatedAlerts":-1})",
       "truncatedAlerts: expected a non-negative integer"},
  };
  for (const auto& row : rows) {
    INFO(row.json);
    const auto group = parse_alert_payload_text(row.json);
    REQUIRE_FALSE(group.has_value());
    CHECK_THAT(group.error().message, Catch::Contains(row.message));
  }
  const auto not_json = parse_alert_payload_text("{\"version\": ");
  REQUIRE_FALSE(not_json.has_value());
  CHECK_THAT(not_json.error().message, Catch::Contains("not JSON"));
}

TEST_CASE("mapping rules: first match wins, placeholders expand, defaults fill the rest", "[alerts]") {
  const auto group = parse_fixture("alertmanager_mixed.json");
  AlertRules rules;
  rules.rules.push_back(AlertRule{{{"namespace", "billing"}}, "billing", "finance", "P1"});
  rules.rules.push_back(AlertRule{{{"namespace", "shop"}, {"app", "*"}}, "shop-{{app}}", "", "{{severity}}"});
  rules.rules.push_back(AlertRule{{{"namespace", "*"}}, "never", "never", "P4"});
  const auto drafts = alert_faults(group, AlertGrouping::PerAlert, rules);
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].service == "shop-cart");
  CHECK(drafts[0].team.empty());  // rule left it empty; no "team" label
  CHECK(drafts[0].level == "P2");  // "{{severity}}" = "error" mapped through severity_levels

  AlertRules none_match;
  none_match.rules.push_back(AlertRule{{{"cluster", "*"}}, "x", "y", "P1"});
  none_match.fallback_level = "P3";
  none_match.severity_levels = {};
  const auto fallback = alert_faults(group, AlertGrouping::PerGroup, none_match);
  CHECK(fallback[0].service == "cart");
  CHECK(fallback[0].level == "P3");
}

TEST_CASE("expand_label_placeholders", "[alerts]") {
  const std::map<std::string, std::string> labels = {{"service", "cart"}, {"env", "prod"}};
  CHECK(expand_label_placeholders("{{service}}", labels) == "cart");
  CHECK(expand_label_placeholders("{{ service }}-{{env}}", labels) == "cart-prod");
  CHECK(expand_label_placeholders("{{missing}}x", labels) == "x");
  CHECK(expand_label_placeholders("no placeholders", labels) == "no placeholders");
  CHECK(expand_label_placeholders("open {{service", labels) == "open {{service");
}

TEST_CASE("hostile alert text stays literal Markdown and one-line titles", "[alerts]") {
  const auto payload = nlohmann::json::parse(R"js({"version":"4","groupKey":"g","alerts":[{"status":"firing",
      "labels":{"alertname":"X","inst|ance":"a|b"},
      "annotations":{"summary":"line one\nline two","description":"[click](javascript:alert(1)) <b>x</b>"},
      "startsAt":"2026-11-25T02:00:00Z","generatorURL":"javascript:alert(1)"}]})js");
  const auto group = parse_alert_payload(payload);
  REQUIRE(group.has_value());
  const auto drafts = alert_faults(*group, AlertGrouping::PerAlert, {});
  REQUIRE(drafts.size() == 1);
  CHECK(drafts[0].title == "line one line two");
  CHECK(drafts[0].description.find("javascript:alert(1)](") == std::string::npos);
  CHECK(drafts[0].description.find("\\[click\\]") != std::string::npos);
  CHECK(drafts[0].description.find("\\<b\\>") != std::string::npos);
  CHECK(drafts[0].description.find("inst\\|ance") != std::string::npos);
  CHECK(drafts[0].description.find("[Source]") == std::string::npos);
  // No fingerprint: the identity is a hash of the labels, still stable.
  CHECK(drafts[0].dedupe_key.rfind("am:", 0) == 0);
  CHECK(drafts[0].dedupe_key == alert_faults(*group, AlertGrouping::PerAlert, {})[0].dedupe_key);
}

TEST_CASE("overlong dedupe keys are hashed to stay within 255 bytes", "[alerts]") {
  nlohmann::json payload = nlohmann::json::parse(R"({"version":"4","alerts":[{"status":"firing",
      "labels":{},"startsAt":"2026-11-25T02:00:00Z"}]})");
  payload["groupKey"] = std::string(400, 'k');
  const auto group = parse_alert_payload(payload);
  REQUIRE(group.has_value());
  const auto drafts = alert_faults(*group, AlertGrouping::PerGroup, {});
  CHECK(drafts[0].dedupe_key.size() <= 255);
  CHECK(drafts[0].dedupe_key.rfind("am:h:", 0) == 0);
  CHECK(drafts[0].title == "Alert");
}

TEST_CASE("a route without group_by ({}:{}) gives one fault per alert name, not one for all", "[alerts]") {
  const auto payload = R"js({"version":"4","groupKey":"{}:{}","receiver":"faultline","status":"firing",
    "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
    "alerts":[
      {"status":"firing","labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{},
       "startsAt":"2026-11-25T02:00:00Z","fingerprint":"aaaa000000000001"},
      {"status":"firing","labels":{"alertname":"HighLatency","service":"checkout"},"annotations":{},
       "startsAt":"2026-11-25T02:01:00Z","fingerprint":"bbbb000000000002"},
      {"status":"firing","labels":{"alertname":"DiskFull","instance":"db-2"},"annotations":{},
       "startsAt":"2026-11-25T02:02:00Z","fingerprint":"aaaa000000000003"}]})js";
  auto group = parse_alert_payload_text(payload);
  REQUIRE(group);
  const auto drafts = alert_faults(*group, AlertGrouping::PerGroup, AlertRules{});
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].dedupe_key == "am:{}:{alertname=\"DiskFull\"}");
  CHECK(drafts[0].alert_count == 2);
  CHECK(drafts[1].dedupe_key == "am:{}:{alertname=\"HighLatency\"}");
  CHECK(drafts[1].alert_count == 1);
  CHECK(drafts[0].dedupe_key != drafts[1].dedupe_key);

  // A sub-route's matchers stay in the key; a grouped payload keeps its groupKey.
  auto routed = *group;
  routed.group_key = "{}/{severity=\"page\"}:{}";
  CHECK(alert_faults(routed, AlertGrouping::PerGroup, AlertRules{})[0].dedupe_key ==
        "am:{}/{severity=\"page\"}:{alertname=\"DiskFull\"}");
  auto grouped = *group;
  grouped.group_key = "{}:{alertname=\"DiskFull\"}";
  grouped.group_labels = {{"alertname", "DiskFull"}};
  CHECK(alert_faults(grouped, AlertGrouping::PerGroup, AlertRules{}).size() == 1);
}
