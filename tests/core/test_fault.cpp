#include <catch2/catch.hpp>

#include <algorithm>

#include "faultline/core/fault.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/timestamp.hpp"

using namespace faultline::core;
using nlohmann::json;

namespace {

TimePoint at(const char* text) { return *parse_timestamp(text); }

const date::time_zone* shanghai() { return date::locate_zone("Asia/Shanghai"); }

Fault sample_fault() {
  Fault f;
  f.key = "FAULT-12";
  f.id = "10012";
  f.summary = "Checkout errors";
  f.status = "Handling";
  f.status_category = "indeterminate";
  f.level = "P2";
  f.type = "Config Change";
  f.source = "ci";
  f.team = "payments";
  f.service = "checkout";
  f.business_unit = "retail";
  f.coordinator = "dave";
  f.handler = "alice";
  f.dedupe_key = "rb:github:0123456789abcdef";
  f.started_at = at("2026-11-25T02:00:00Z");
  f.detected_at = at("2026-11-25T02:05:00Z");
  f.recovered_at = at("2026-11-25T03:20:00Z");
  f.impact = "5% of orders failed";
  f.data_repair = "needed";
  f.how = "rollback";
  f.rollback_to = "1.4.1";
  RollbackRecord r;
  r.service = "checkout";
  r.from_version = "1.4.2";
  r.to_version = "1.4.1";
  r.provider = "github";
  r.run_url = "https://github.com/acme/checkout/actions/runs/42";
  r.recorded_at = at("2026-11-25T03:10:00Z");
  f.rollbacks.push_back(r);
  f.labels = {"customer-visible"};
  return f;
}

FaultSchema sample_schema() {
  FaultSchema schema;
  schema.bindings = {
      {"level", "customfield_10100", "option"},
      {"team", "customfield_10101", "string"},
      {"started_at", "customfield_10102", "datetime"},
      {"recovered_at", "customfield_10103", "date"},
      {"coordinator", "customfield_10104", "user"},
      {"business_unit", "customfield_10105", "options"},
      {"impact", "customfield_10106", "number"},
      {"review_page_id", "customfield_10107", "number"},
      {"cause", "customfield_10108", "string"},
  };
  return schema;
}

}  // namespace

TEST_CASE("fault_to_json is the documented data model", "[fault]") {
  const auto j = fault_to_json(sample_fault(), shanghai());
  for (const char* key : {"key", "id", "summary", "description", "status", "status_category", "level", "type",
                          "source", "team", "service", "business_unit", "coordinator", "handler", "handler_display",
                          "dedupe_key", "started_at", "detected_at", "recovered_at", "reviewed_at", "last_update_at",
                          "review_deadline", "impact", "data_repair", "cause", "eta", "progress_status", "how",
                          "rollback_to", "review_page_id", "review_page_url", "rollbacks", "labels", "created",
                          "updated", "time_to_recover", "time_to_recover_minutes"}) {
    INFO(key);
    CHECK(j.contains(key));
  }
  CHECK(j["started_at"] == "2026-11-25T10:00:00+08:00");
  CHECK(j["reviewed_at"].is_null());
  CHECK(j["eta"].is_null());
  CHECK(j["time_to_recover"] == "1h 20m");
  CHECK(j["time_to_recover_minutes"] == 80);
  CHECK(j["level"] == "P2");
  CHECK(j["cause"] == "");
  REQUIRE(j["rollbacks"].size() == 1);
  CHECK(j["rollbacks"][0]["recorded_at"] == "2026-11-25T11:10:00+08:00");
  CHECK(j["rollbacks"][0]["to_version"] == "1.4.1");
  CHECK(j["labels"] == json::array({"customer-visible"}));
}

TEST_CASE("fault_fields_json writes each bound fact in its field's shape", "[fault]") {
  auto fault = sample_fault();
  fault.impact = "1200";
  const auto fields = fault_fields_json(fault, sample_schema(), shanghai());
  CHECK(fields["customfield_10100"] == json{{"value", "P2"}});
  CHECK(fields["customfield_10101"] == "payments");
  CHECK(fields["customfield_10102"] == "2026-11-25T10:00:00.000+0800");
  CHECK(fields["customfield_10103"] == "2026-11-25");
  CHECK(fields["customfield_10104"] == json{{"name", "dave"}});
  CHECK(fields["customfield_10105"] == json::array({json{{"value", "retail"}}}));
  CHECK(fields["customfield_10106"] == 1200);
  // Empty facts are left out so a partial update never clears a field.
  CHECK_FALSE(fields.contains("customfield_10107"));
  CHECK_FALSE(fields.contains("customfield_10108"));
  CHECK(fields.size() == 7);

  FaultSchema cloud = sample_schema();
  cloud.user_id_kind = UserIdKind::AccountId;
  fault.coordinator = "5b10ac8d82e05b22cc7d4ef5";
  fault.impact = "not a number";
  const auto cloud_fields = fault_fields_json(fault, cloud, shanghai());
  CHECK(cloud_fields["customfield_10104"] == json{{"accountId", "5b10ac8d82e05b22cc7d4ef5"}});
  CHECK_FALSE(cloud_fields.contains("customfield_10106"));
}

TEST_CASE("a recovery just after local midnight lands on the local day", "[fault]") {
  Fault fault;
  fault.recovered_at = at("2026-11-25T16:30:00Z");  // 00:30 on the 26th in Shanghai
  const auto fields = fault_fields_json(fault, sample_schema(), shanghai());
  CHECK(fields["customfield_10103"] == "2026-11-26");
}

TEST_CASE("fault_property_json holds every unbound fact and the rollbacks", "[fault]") {
  const auto property = fault_property_json(sample_fault(), sample_schema());
  CHECK(property["schema"] == k_fault_property_schema);
  CHECK(property["type"] == "Config Change");
  CHECK(property["source"] == "ci");
  CHECK(property["service"] == "checkout");
  CHECK(property["dedupe_key"] == "rb:github:0123456789abcdef");
  CHECK(property["detected_at"] == "2026-11-25T02:05:00Z");
  CHECK(property["data_repair"] == "needed");
  CHECK(property["impact"] == "5% of orders failed");  // words cannot go to the number field
  CHECK_FALSE(property.contains("level"));         // bound
  CHECK_FALSE(property.contains("started_at"));    // bound
  CHECK_FALSE(property.contains("cause"));         // empty
  REQUIRE(property["rollbacks"].size() == 1);
  CHECK(property["rollbacks"][0]["recorded_at"] == "2026-11-25T03:10:00Z");

  const auto everything = fault_property_json(sample_fault(), FaultSchema{});
  CHECK(everything["level"] == "P2");
  CHECK(everything["started_at"] == "2026-11-25T02:00:00Z");
  CHECK(everything.dump().size() < 32768);
}

TEST_CASE("fault_labels adds the markers and replaces stale ones", "[fault]") {
  auto fault = sample_fault();
  fault.labels = {"customer-visible", "fault", "fault-level-p3", "fault-type-old-type", "fault-action"};
  const auto labels = fault_labels(fault);
  const std::vector<std::string> expected = {"customer-visible",
                                             "fault",
                                             "fault-action",
                                             "fault-level-p2",
                                             "fault-source-ci",
                                             "fault-type-config-change",
                                             dedupe_label("rb:github:0123456789abcdef")};
  CHECK(labels == expected);

  Fault unknown;
  unknown.labels = {"fault-level-p1", "fault-dedupe-00000000000000aa"};
  CHECK(fault_labels(unknown) == std::vector<std::string>{"fault-level-p1", "fault-dedupe-00000000000000aa", "fault"});
}

TEST_CASE("fault_from_issue reads a Data Center issue with fields and property", "[fault]") {
  const auto issue = json::parse(R"({
    "id": "10012", "key": "FAULT-12",
    "fields": {
      "summary": "Checkout errors",
      "description": "h2. What\nOrders *failed*.",
      "status": {"name": "Handling", "statusCategory": {"key": "indeterminate", "name": "In Progress"}},
      "assignee": {"name": "alice", "key": "JIRAUSER10100", "displayName": "Alice Liu"},
      "labels": ["fault", "fault-level-p2"],
      "created": "2026-11-25T10:01:02.345+0800",
      "updated": "2026-11-25T11:30:00.000+0800",
      "customfield_10100": {"self": "https://jira/rest/api/2/customFieldOption/10200", "value": "P2", "id": "10200"},
      "customfield_10101": "payments",
      "customfield_10102": "2026-11-25T10:00:00.000+0800",
      "customfield_10103": "2026-11-25",
      "customfield_10104": {"name": "dave", "displayName": "Dave"},
      "customfield_10105": [{"value": "retail"}],
      "customfield_10106": 1200,
      "customfield_10108": null
    },
    "properties": {"faultline": {"schema": 1, "level": "P4", "source": "ci", "service": "checkout",
      "detected_at": "2026-11-25T02:05:00Z", "cause": "bad config",
      "rollbacks": [{"service": "checkout", "from_version": "1.4.2", "to_version": "1.4.1",
                     "recorded_at": "2026-11-25T03:10:00Z"}]}}
  })");
  const auto fault = fault_from_issue(issue, sample_schema(), shanghai());
  REQUIRE(fault.has_value());
  CHECK(fault->key == "FAULT-12");
  CHECK(fault->id == "10012");
  CHECK(fault->summary == "Checkout errors");
  CHECK(fault->description == "h2. What\nOrders *failed*.");
  CHECK(fault->status == "Handling");
  CHECK(fault->status_category == "indeterminate");
  CHECK(fault->handler == "alice");
  CHECK(fault->handler_display == "Alice Liu");
  CHECK(fault->labels == std::vector<std::string>{"fault", "fault-level-p2"});
  CHECK(fault->created == at("2026-11-25T02:01:02.345Z"));
  CHECK(fault->level == "P2");  // the field wins over the property
  CHECK(fault->team == "payments");
  CHECK(fault->started_at == at("2026-11-25T02:00:00Z"));
  CHECK(fault->recovered_at == at("2026-11-24T16:00:00Z"));  // 00:00 in Shanghai
  CHECK(fault->coordinator == "dave");
  CHECK(fault->business_unit == "retail");
  CHECK(fault->impact == "1200");
  CHECK(fault->cause == "bad config");  // null field: the property's value stays
  CHECK(fault->source == "ci");
  CHECK(fault->detected_at == at("2026-11-25T02:05:00Z"));
  REQUIRE(fault->rollbacks.size() == 1);
  CHECK(fault->rollbacks[0].to_version == "1.4.1");
}

TEST_CASE("fault_from_issue reads a Cloud issue with an ADF description", "[fault]") {
  const auto issue = json::parse(R"({
    "id": "10001", "key": "OPS-3",
    "fields": {
      "summary": "Search slow",
      "description": {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "p99 is 2.4s"}]}]},
      "assignee": {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Bob"},
      "status": {"name": "Reported", "statusCategory": {"key": "new"}}
    },
    "properties": {"faultline": {"key": "faultline", "value": {"schema": 1, "level": "P3"}}}
  })");
  const auto fault = fault_from_issue(issue, FaultSchema{});
  REQUIRE(fault.has_value());
  CHECK(fault->description == "p99 is 2.4s");
  CHECK(fault->handler == "5b10ac8d82e05b22cc7d4ef5");
  CHECK(fault->level == "P3");
  CHECK(fault->status_category == "new");
}

TEST_CASE("fault_from_issue tolerates missing keys", "[fault]") {
  const auto fault = fault_from_issue(json::parse(R"({"key": "OPS-1"})"), sample_schema());
  REQUIRE(fault.has_value());
  CHECK(fault->key == "OPS-1");
  CHECK(fault->level.empty());
  CHECK_FALSE(fault->started_at.has_value());
  const auto unassigned = fault_from_issue(json::parse(R"({"fields": {"assignee": null, "labels": null}})"),
                                           sample_schema());
  REQUIRE(unassigned.has_value());
  CHECK(unassigned->handler.empty());
}

TEST_CASE("a fault opened by hand in Jira reads its facts from labels and priority", "[fault]") {
  // No property, no mapped field: only faultline's labels and a priority set in Jira's UI.
  const auto by_hand = fault_from_issue(json::parse(R"({"key":"FAULT-9","fields":{"summary":"Login down",
      "priority":{"name":"High"},"labels":["fault","fault-level-p2","fault-source-customer","fault-type-code-defect"]}})"),
                                        sample_schema());
  REQUIRE(by_hand.has_value());
  CHECK(by_hand->level == "P2");  // the label wins over the priority
  CHECK(by_hand->source == "customer");
  CHECK(by_hand->type == "Code Defect");

  const auto priority_only = fault_from_issue(
      json::parse(R"({"key":"FAULT-10","fields":{"priority":{"name":"Highest"},"labels":["fault"]}})"), sample_schema());
  REQUIRE(priority_only.has_value());
  CHECK(priority_only->level == "P1");
  const auto named = fault_from_issue(json::parse(R"({"key":"FAULT-11","fields":{"priority":{"name":"p3"}}})"), sample_schema());
  CHECK(named->level == "P3");
  const auto unknown = fault_from_issue(json::parse(R"({"key":"FAULT-12","fields":{"priority":{"name":"Blocker"},
      "labels":["fault-level-urgent"]}})"), sample_schema());
  CHECK(unknown->level.empty());  // neither a level label nor a priority faultline can read

  // The property and mapped fields still come first.
  const auto recorded = fault_from_issue(json::parse(R"({"key":"FAULT-13","fields":{"priority":{"name":"Low"},
      "labels":["fault-level-p3"]},"properties":{"faultline":{"level":"P1","source":"ci"}}})"), sample_schema());
  CHECK(recorded->level == "P1");
  CHECK(recorded->source == "ci");
}

TEST_CASE("fault_from_issue names the path of a value of the wrong shape", "[fault]") {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {R"([])", "issue: expected a JSON object"},
      {R"({"fields": []})", "fields: expected an object"},
      {R"({"fields": {"customfield_10102": "next tuesday"}})", "fields.customfield_10102: not a Jira datetime"},
      {R"({"fields": {"customfield_10102": 5}})", "fields.customfield_10102: expected a datetime string"},
      {R"({"fields": {"customfield_10100": {"self": "x"}}})", "fields.customfield_10100: expected a string, number"},
      {R"({"fields": {"labels": "fault"}})", "fields.labels: expected an array"},
      {R"({"fields": {"labels": ["ok", 3]}})", "fields.labels[1]: expected a string"},
      {R"({"fields": {"created": "yesterday"}})", "fields.created: not a Jira datetime"},
      {R"({"properties": {"faultline": [1]}})", "properties.faultline: expected an object"},
      {R"({"properties": {"faultline": {"eta": "soon"}}})", "properties.faultline.eta: not a Jira datetime"},
      {R"({"properties": {"faultline": {"rollbacks": {}}}})", "properties.faultline.rollbacks: expected an array"},
      {R"({"properties": {"faultline": {"rollbacks": [{"recorded_at": 1}]}}})",
       "properties.faultline.rollbacks[0].recorded_at: expected a datetime string"},
  };
  for (const auto& row : rows) {
    INFO(row.json);
    const auto fault = fault_from_issue(json::parse(row.json), sample_schema());
    REQUIRE_FALSE(fault.has_value());
    CHECK_THAT(fault.error().message, Catch::Contains(row.message));
  }
}

TEST_CASE("a fault survives fields + property + labels and back", "[fault]") {
  const auto original = sample_fault();
  const auto schema = sample_schema();
  json issue;
  issue["id"] = original.id;
  issue["key"] = original.key;
  issue["fields"] = fault_fields_json(original, schema, shanghai());
  issue["fields"]["summary"] = original.summary;
  issue["fields"]["labels"] = fault_labels(original);
  // Jira returns option and user fields as objects with more keys than were sent.
  issue["fields"]["customfield_10100"]["id"] = "10200";
  issue["properties"]["faultline"] = fault_property_json(original, schema);
  const auto back = fault_from_issue(issue, schema, shanghai());
  REQUIRE(back.has_value());
  CHECK(back->level == original.level);
  CHECK(back->type == original.type);
  CHECK(back->source == original.source);
  CHECK(back->team == original.team);
  CHECK(back->service == original.service);
  CHECK(back->business_unit == original.business_unit);
  CHECK(back->coordinator == original.coordinator);
  CHECK(back->dedupe_key == original.dedupe_key);
  CHECK(back->started_at == original.started_at);
  CHECK(back->detected_at == original.detected_at);
  CHECK(back->impact == original.impact);
  CHECK(back->how == original.how);
  CHECK(back->rollback_to == original.rollback_to);
  CHECK(back->rollbacks.size() == 1);
  CHECK(back->rollbacks[0].run_url == original.rollbacks[0].run_url);
  CHECK(back->rollbacks[0].recorded_at == original.rollbacks[0].recorded_at);
  CHECK(fault_labels(*back) == fault_labels(original));
}

TEST_CASE("fault facts are named for binding", "[fault]") {
  const auto names = fault_fact_names();
  CHECK(names.size() == 25);
  CHECK(is_fault_fact("review_scheduled_at"));
  CHECK(is_fault_fact("review_late_reason"));
  CHECK(is_fault_fact("level"));
  CHECK(is_fault_fact("review_deadline"));
  CHECK_FALSE(is_fault_fact("rollbacks"));
  CHECK_FALSE(is_fault_fact("summary"));
}

TEST_CASE("bindings may use the config loader's short fact names", "[fault]") {
  CHECK(canonical_fact_name("review_page") == "review_page_id");
  CHECK(canonical_fact_name("last_update") == "last_update_at");
  CHECK(canonical_fact_name("rollback") == "rollback_to");
  CHECK(canonical_fact_name("level") == "level");
  FaultSchema schema;
  schema.bindings = {{"review_page", "customfield_1", "string"}, {"last_update", "customfield_2", "datetime"}};
  Fault fault;
  fault.review_page_id = "98765";
  fault.last_update_at = at("2026-11-25T02:00:00Z");
  const auto fields = fault_fields_json(fault, schema, nullptr);
  CHECK(fields["customfield_1"] == "98765");
  CHECK(fields["customfield_2"] == "2026-11-25T02:00:00.000+0000");
  const auto property = fault_property_json(fault, schema);
  CHECK_FALSE(property.contains("review_page_id"));
  CHECK_FALSE(property.contains("last_update_at"));
  json issue;
  issue["fields"] = fields;
  const auto back = fault_from_issue(issue, schema);
  REQUIRE(back.has_value());
  CHECK(back->review_page_id == "98765");
  CHECK(back->last_update_at == fault.last_update_at);
}
