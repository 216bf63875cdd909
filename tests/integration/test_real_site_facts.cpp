// What real sites hold that faultline did not write, on Cloud and Data Center: a fault opened
// by hand in Jira's UI (only a priority and faultline's labels) shows and lists with its level
// and source; an Alertmanager route without group_by ("groupKey": "{}:{}") opens one fault per
// alert name, never one fault for unrelated alerts.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;

namespace {

std::string write_site_config(const std::filesystem::path& dir, const FlavorCase& f) {
  return write_config(dir, jira_config(f) + "[team]\ntimezone = \"Asia/Shanghai\"\n\n"
                                            "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                            "[routes]\n\"fault.opened\" = [\"ops\"]\n");
}

}  // namespace

TEST_CASE("a fault opened by hand in Jira shows and lists with the facts its labels and priority carry",
          "[integration][facts]") {
  const FlavorCase f = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(f.flavor);
  const SandboxApi api(sandbox, f);
  const auto dir = test_dir(std::string("hand-made-") + f.flavor);
  const auto config = write_site_config(dir, f);
  TestApp app = make_app(sandbox);

  const auto created = api.call(Method::Post, std::string(f.jira_api) + "/issue",
                                {{"fields",
                                  {{"project", {{"key", "FAULT"}}},
                                   {"issuetype", {{"name", "Fault"}}},
                                   {"summary", "Login page times out"},
                                   {"priority", {{"name", "High"}}},
                                   {"labels", {"fault", "fault-source-customer"}}}}});
  const std::string key = created["key"];
  api.catch_up_index();

  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(shown["level"] == "P2");  // from the priority: High
  CHECK(shown["source"] == "customer");
  app.run({"--config", config, "show", key});
  CHECK(app.out.str().find("[P2]") != std::string::npos);
  CHECK(app.out.str().find("[?]") == std::string::npos);

  auto listed = run_json(app, {"--config", config, "list", "--json"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["key"] == key);
  CHECK(listed[0]["level"] == "P2");

  // A level label wins over the priority.
  api.call(Method::Put, std::string(f.jira_api) + "/issue/" + key,
           {{"update", {{"labels", {{{"add", "fault-level-p1"}}}}}}});
  CHECK(run_json(app, {"--config", config, "show", key, "--json"})["level"] == "P1");
  std::filesystem::remove_all(dir);
}

TEST_CASE("an Alertmanager route without group_by opens one fault per alert name", "[integration][alert]") {
  const FlavorCase f = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(f.flavor);
  const SandboxApi api(sandbox, f);
  const auto dir = test_dir(std::string("ungrouped-") + f.flavor);
  const auto config = write_site_config(dir, f);
  TestApp app = make_app(sandbox);

  const nlohmann::json payload = nlohmann::json::parse(R"js({"version":"4","groupKey":"{}:{}","receiver":"faultline",
    "status":"firing","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
    "truncatedAlerts":0,"alerts":[
      {"status":"firing","labels":{"alertname":"DiskFull","instance":"db-1","severity":"critical"},
       "annotations":{"summary":"Disk full on db-1"},"startsAt":"2026-11-25T02:00:00Z",
       "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"aaaa000000000001"},
      {"status":"firing","labels":{"alertname":"HighLatency","service":"checkout","severity":"warning"},
       "annotations":{"summary":"Checkout p99 above 2s"},"startsAt":"2026-11-25T02:01:00Z",
       "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"bbbb000000000002"}]})js");
  const auto path = write_text(dir / "ungrouped.json", payload.dump());

  auto first = run_json(app, {"--config", config, "open", "--json", "--from-alert", path});
  REQUIRE(first["faults"].size() == 2);
  CHECK(first["faults"][0]["action"] == "created");
  CHECK(first["faults"][1]["action"] == "created");
  CHECK(first["faults"][0]["key"] != first["faults"][1]["key"]);
  CHECK(first["faults"][0]["dedupe_key"] != first["faults"][1]["dedupe_key"]);
  api.catch_up_index();

  // Alertmanager sends the group again: both found, nothing new opened.
  auto again = run_json(app, {"--config", config, "open", "--json", "--from-alert", path});
  REQUIRE(again["faults"].size() == 2);
  CHECK(again["faults"][0]["key"] == first["faults"][0]["key"]);
  CHECK(again["faults"][1]["key"] == first["faults"][1]["key"]);
  CHECK(again["faults"][0]["created"] == false);
  CHECK(run_json(app, {"--config", config, "list", "--json"}).size() == 2);
  CHECK(api.messages("fault.opened").size() == 2);
  std::filesystem::remove_all(dir);
}
