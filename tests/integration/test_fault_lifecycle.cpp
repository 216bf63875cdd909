// The fault lifecycle against the sandbox, on Cloud and Data Center: open -> update ->
// recover with chat messages captured by the sandbox; the same dedupe key opened twice gives
// one fault; re-running update and recover posts no second comment and no second message.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

// Writes a config pointing at the sandbox, with every fact the sandbox has a field for
// mapped, and a generic chat channel routed for the three lifecycle events.
std::string write_config(const std::filesystem::path& dir, const FlavorCase& flavor_case, bool spare_channel = false) {
  std::string text = jira_config(flavor_case) +
                     "[jira.fields]\nlevel = \"Fault Level\"\ntype = \"Fault Type\"\nsource = \"Fault Source\"\n"
                     "team = \"Team\"\nservice = \"Service\"\nbusiness_unit = \"Business Unit\"\nstarted_at = \"Started At\"\n"
                     "recovered_at = \"Recovered At\"\ndedupe_key = \"Dedupe Key\"\nimpact = \"Impact\"\n\n"
                     "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
                     "[people.dave]\njira = \"" + std::string(flavor_case.dave) + "\"\n\n"
                     "[levels.retail]\nfallback = \"P4\"\n[[levels.retail.rule]]\nlevel = \"P2\"\nmatch = \"any\"\n"
                     "conditions = [\"scope >= 10\"]\n\n"
                     "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                     "[routes]\n\"fault.opened\" = [\"ops\"" + std::string(spare_channel ? ", \"spare\"" : "") +
                     "]\n\"fault.updated\" = [\"ops\"]\n\"fault.recovered\" = [\"ops\"]\n";
  if (spare_channel) text += "\n[channels.spare]\nkind = \"generic\"\nurl_env = \"IT_SPARE_URL\"\n";
  return faultline::testing::write_config(dir, text);
}

int comment_count(TestApp& app, const std::string& config, const std::string& key) {
  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  int count = 0;
  for (const auto& e : shown["timeline"])
    if (e["kind"] == "comment") ++count;
  return count;
}

// The app with a second chat hook, "spare", in $IT_SPARE_URL.
TestApp make_lifecycle_app(const SandboxProcess& sandbox) {
  TestApp app = make_app(sandbox);
  app.env.set("IT_SPARE_URL", sandbox.url() + "/hooks/generic/spare");
  return app;
}

}  // namespace

TEST_CASE("open, update and recover a fault end to end; re-runs post nothing twice", "[integration][fault]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("fault-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);

  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", "Checkout returns 500", "--bu", "retail",
                               "--metric", "scope=12", "--type", "Configuration", "--source", "monitoring", "--team",
                               "payments", "--service", "checkout", "--started-at", "-20m", "--description",
                               "Errors since the 10:00 deploy."});
  const std::string key = opened["key"];
  CHECK(opened["created"] == true);
  CHECK(opened["level"] == "P2");
  CHECK(opened["url"] == sandbox.url() + "/browse/" + key);
  CHECK(opened["fault"]["service"] == "checkout");
  REQUIRE(opened["notifications"].size() == 1);
  CHECK(opened["notifications"][0]["status"] == "sent");

  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(shown["level"] == "P2");
  CHECK(shown["type"] == "Configuration");
  CHECK(shown["source"] == "monitoring");
  CHECK(shown["team"] == "payments");
  CHECK(shown["coordinator"] == "dave");
  CHECK(shown["status"] == "Reported");
  const auto labels = shown["labels"].dump();
  CHECK(labels.find("fault-level-p2") != std::string::npos);
  CHECK(labels.find("fault-source-monitoring") != std::string::npos);

  const std::vector<std::string> update = {"--config", config, "update", key, "--json", "--status", "identified",
                                           "--cause", "bad config push", "--message", "rolling back"};
  auto updated = run_json(app, update);
  CHECK(updated["commented"] == true);
  CHECK(updated["fault"]["cause"] == "bad config push");
  CHECK(updated["fault"]["progress_status"] == "identified");
  CHECK(updated["fault"]["status"] == "Handling");  // the first update starts the handling
  CHECK(comment_count(app, config, key) == 1);
  auto again = run_json(app, update);
  CHECK(again["commented"] == false);
  CHECK(comment_count(app, config, key) == 1);

  const std::vector<std::string> recover = {"--config", config, "recover", key, "--json", "--how", "rollback",
                                            "--rollback-to", "2026.11.1", "--data-repair", "not-needed",
                                            "--impact", "3% of checkouts failed"};
  auto recovered = run_json(app, recover);
  CHECK(recovered["fault"]["status"] == "Recovered");
  CHECK(!recovered["review_deadline"].get<std::string>().empty());
  auto recovered_again = run_json(app, recover);
  CHECK(recovered_again["recovered_at"] == recovered["recovered_at"]);
  CHECK(comment_count(app, config, key) == 2);

  shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(shown["status"] == "Recovered");
  CHECK(shown["impact"] == "3% of checkouts failed");
  CHECK(shown["how"] == "rollback");
  CHECK(shown["rollback_to"] == "2026.11.1");
  CHECK(shown["data_repair"] == "not-needed");
  CHECK(!shown["recovered_at"].is_null());
  CHECK(!shown["review_deadline"].is_null());
  CHECK(!shown["last_update_at"].is_null());
  CHECK(shown["review_state"] == "due");

  // One message per event, even though update and recover ran twice.
  auto captured = api.messages();
  CHECK(captured.size() == 3);
  const auto all = captured.dump();
  CHECK(all.find(key + " opened") != std::string::npos);
  CHECK(all.find(key + " update") != std::string::npos);
  CHECK(all.find(key + " recovered") != std::string::npos);
  CHECK(all.find("sandbox-token") == std::string::npos);

  // list shows it while open; with --level P1 it is filtered out.
  REQUIRE(app.run({"--config", config, "list", "--json"}) == 0);
  CHECK(app.out.str().find(key) != std::string::npos);
  REQUIRE(app.run({"--config", config, "list", "--json", "--level", "P1"}) == 0);
  CHECK(app.out.str().find(key) == std::string::npos);
  CHECK(run_json(app, {"--config", config, "list", "--json", "--status", "Recovered", "--service", "checkout"}).size() == 1);
  CHECK(run_json(app, {"--config", config, "list", "--json", "--team", "search"}).empty());
  CHECK(run_json(app, {"--config", config, "list", "--json", "--since", "2030-01-01"}).empty());
  REQUIRE(app.run({"--config", config, "list"}) == 0);  // piped: tab-separated rows
  CHECK(app.out.str().rfind(key + "\tP2\tRecovered\tcheckout\tpayments\t", 0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("opening the same dedupe key twice leaves one open fault with a comment", "[integration][fault][dedupe]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("dedupe-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);

  const std::vector<std::string> open = {"--config", config, "open", "--json", "--title", "Disk full on db1", "--level",
                                         "P3", "--dedupe-key", "db1/disk", "--no-notify"};
  auto first = run_json(app, open);
  CHECK(first["created"] == true);
  auto second = run_json(app, open);
  CHECK(second["created"] == false);
  CHECK(second["key"] == first["key"]);
  auto third = run_json(app, open);
  CHECK(third["key"] == first["key"]);
  CHECK(comment_count(app, config, first["key"]) == 1);  // the re-report comment, once

  auto listed = run_json(app, {"--config", config, "list", "--json"});
  CHECK(listed.size() == 1);
  CHECK(api.messages().empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("two opens that miss each other in Cloud's lagging search converge on the oldest fault",
          "[integration][fault][dedupe]") {
  const FlavorCase flavor_case = k_cloud;
  SandboxProcess sandbox(flavor_case.flavor, {"--index-lag-ms", "1500"});
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("dedupe-lag");
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);

  const std::vector<std::string> open = {"--config", config, "open", "--json", "--title", "Alert pair", "--level", "P3",
                                         "--dedupe-key", "am/group-1", "--no-notify"};
  auto first = run_json(app, open);
  auto second = run_json(app, open);  // the index does not show the first one yet
  REQUIRE(first["created"] == true);
  REQUIRE(second["created"] == true);
  REQUIRE(second["key"] != first["key"]);

  api.catch_up_index();
  auto third = run_json(app, open);
  CHECK(third["created"] == false);
  CHECK(third["key"] == first["key"]);
  CHECK(third["duplicates_closed"] == nlohmann::json::array({second["key"]}));
  auto newer = run_json(app, {"--config", config, "show", second["key"], "--json"});
  CHECK(newer["status"] == "Closed");

  api.catch_up_index();
  auto listed = run_json(app, {"--config", config, "list", "--json"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["key"] == first["key"]);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an alert group firing twice opens one fault; resolved, it comments once and opens none",
          "[integration][fault][alert]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("alert-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);

  const std::string firing = std::string(FAULTLINE_TEST_FIXTURES) + "/alerts/alertmanager_firing_group.json";
  auto payload = nlohmann::json::parse(std::ifstream(firing));
  payload["status"] = "resolved";
  for (auto& alert : payload["alerts"]) {
    alert["status"] = "resolved";
    alert["endsAt"] = "2026-11-25T03:30:00Z";
  }
  const auto resolved = (dir / "resolved.json").string();
  std::ofstream(resolved) << payload.dump();

  auto first = run_json(app, {"--config", config, "open", "--json", "--from-alert", firing});
  REQUIRE(first["faults"].size() == 1);
  const std::string key = first["faults"][0]["key"];
  CHECK(first["faults"][0]["action"] == "created");
  CHECK(first["faults"][0]["fault"]["source"] == "monitoring");
  CHECK(first["faults"][0]["fault"]["service"] == "checkout");
  auto second = run_json(app, {"--config", config, "open", "--json", "--from-alert", firing});
  CHECK(second["faults"][0]["key"] == key);
  CHECK(second["faults"][0]["created"] == false);

  auto closed = run_json(app, {"--config", config, "open", "--json", "--from-alert", resolved});
  CHECK(closed["faults"][0]["key"] == key);
  CHECK(closed["faults"][0]["action"] == "commented");
  auto closed_again = run_json(app, {"--config", config, "open", "--json", "--from-alert", resolved});
  CHECK(closed_again["faults"][0]["action"] == "already_commented");
  CHECK(comment_count(app, config, key) == 2);  // reported again + resolved

  // A resolved alert with no open fault opens none.
  payload["groupKey"] = "{}:{alertname=\"NeverFired\"}";
  std::ofstream(resolved) << payload.dump();
  auto orphan = run_json(app, {"--config", config, "open", "--json", "--from-alert", resolved});
  CHECK(orphan["faults"][0]["action"] == "none");
  CHECK(run_json(app, {"--config", config, "list", "--json"}).size() == 1);
  CHECK(api.messages().size() == 1);  // fault.opened, once

  // A malformed payload names the field, exit 2.
  const std::string bad = std::string(FAULTLINE_TEST_FIXTURES) + "/alerts/malformed_bad_time.json";
  CHECK(app.run({"--config", config, "open", "--from-alert", bad}) == 2);
  CHECK(app.err.str().find("startsAt") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("rollback from CI opens or finds the service's fault and a re-run changes nothing",
          "[integration][fault][rollback]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("rollback-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);
  app.env.set("GITHUB_ACTIONS", "true");
  app.env.set("GITHUB_REPOSITORY", "acme/shop");
  app.env.set("GITHUB_SHA", "0123456789abcdef");
  app.env.set("GITHUB_RUN_ID", "777");
  app.env.set("GITHUB_RUN_ATTEMPT", "1");
  app.env.set("GITHUB_ACTOR", "octocat");
  app.env.set("GITHUB_TOKEN", "ghs_never_read_this_token");

  const std::vector<std::string> rollback = {"--config", config, "rollback", "--json", "--service", "search",
                                             "--from", "2026.11.2", "--to", "2026.11.1"};
  auto first = run_json(app, rollback);
  const std::string key = first["key"];
  CHECK(first["created"] == true);
  CHECK(first["recorded"] == true);
  CHECK(first["fault"]["source"] == "ci");
  CHECK(first["rollback"]["run_url"] == "https://github.com/acme/shop/actions/runs/777");
  CHECK(first["rollback"]["actor"] == "octocat");

  app.env.set("GITHUB_RUN_ATTEMPT", "2");  // the pipeline re-run: the same rollback
  auto second = run_json(app, rollback);
  CHECK(second["key"] == key);
  CHECK(second["created"] == false);
  CHECK(second["recorded"] == false);
  for (const auto& op : second["operations"]) CHECK(op["status"] == "skipped");

  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(shown["rollbacks"].size() == 1);
  CHECK(comment_count(app, config, key) == 1);
  CHECK(shown.dump().find("ghs_never_read_this_token") == std::string::npos);

  // An open fault of another service takes that service's rollback.
  auto fault = run_json(app, {"--config", config, "open", "--json", "--title", "Cart slow", "--level", "P2", "--service",
                              "cart", "--no-notify"});
  app.env.set("GITHUB_RUN_ID", "778");
  auto third = run_json(app, {"--config", config, "rollback", "--json", "--service", "cart", "--from", "v9", "--to", "v8"});
  CHECK(third["key"] == fault["key"]);
  CHECK(third["created"] == false);
  CHECK(third["recorded"] == true);
  CHECK(third["fault"]["rollbacks"].size() == 1);
  CHECK(app.run({"--config", config, "rollback", "--service", "cart"}) == 2);  // --from/--to named
  CHECK(app.err.str().find("--from") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a failed notification never fails open, and the re-run sends only what is missing",
          "[integration][fault][notify]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("notify-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case, true);
  TestApp app = make_lifecycle_app(sandbox);
  using faultline::http::Method;

  api.control(Method::Post, "/_sandbox/faults", {{"kind", "status"}, {"status", 500}, {"path", "^/hooks/generic/spare"}});
  const std::vector<std::string> open = {"--config", config, "open", "--json", "--title", "Queue backlog", "--level", "P2",
                                         "--dedupe-key", "queue-backlog"};
  auto first = run_json(app, open);
  CHECK(first["created"] == true);
  REQUIRE(first["notifications"].size() == 2);
  CHECK(first["notifications"][0]["channel"] == "ops");
  CHECK(first["notifications"][0]["status"] == "sent");
  CHECK(first["notifications"][1]["channel"] == "spare");
  CHECK(first["notifications"][1]["status"] == "failed");
  CHECK(app.err.str().find("spare") != std::string::npos);

  api.control(Method::Delete, "/_sandbox/faults");
  auto second = run_json(app, open);
  CHECK(second["key"] == first["key"]);
  CHECK(second["created"] == false);
  REQUIRE(second["notifications"].size() == 2);
  CHECK(second["notifications"][0]["status"] == "already_sent");
  CHECK(second["notifications"][1]["status"] == "sent");
  int ops = 0;
  int spare = 0;
  for (const auto& m : api.messages()) {
    if (m["accepted"] != true) continue;
    if (m["name"] == "ops") ++ops;
    if (m["name"] == "spare") ++spare;
  }
  CHECK(ops == 1);
  CHECK(spare == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("update and recover interrupted by server errors and resets converge when run again",
          "[integration][fault][retry]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("retry-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);
  using faultline::http::Method;

  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", "Login fails", "--level", "P1", "--no-notify"});
  const std::string key = opened["key"];

  // Reads answered 429 / 503 now and then are retried: the command still succeeds.
  api.control(Method::Post, "/_sandbox/faults",
          nlohmann::json::array({{{"kind", "status"}, {"status", 429}, {"method", "GET"}, {"every", 3}, {"count", 4}},
                                 {{"kind", "status"}, {"status", 503}, {"method", "GET"}, {"every", 4}, {"count", 2}}}));
  const std::vector<std::string> update = {"--config", config, "update", key, "--json", "--message", "looking at auth"};
  auto updated = run_json(app, update);
  CHECK(updated["commented"] == true);
  api.control(Method::Delete, "/_sandbox/faults");

  // The property write fails (after the comment): exit non-zero; the re-run posts no second comment.
  api.control(Method::Post, "/_sandbox/faults",
          {{"kind", "status"}, {"status", 500}, {"method", "PUT"}, {"path", "/properties/faultline$"}});
  const std::vector<std::string> update2 = {"--config", config, "update", key, "--json", "--cause", "expired cert"};
  CHECK(app.run(update2) != 0);
  api.control(Method::Delete, "/_sandbox/faults");
  auto rerun = run_json(app, update2);
  CHECK(rerun["commented"] == false);
  CHECK(comment_count(app, config, key) == 2);

  // The connection drops on the transition: recover fails; run again, it converges.
  api.control(Method::Post, "/_sandbox/faults",
          {{"kind", "reset"}, {"method", "POST"}, {"path", "/transitions$"}, {"count", 10}});
  const std::vector<std::string> recover = {"--config", config, "recover", key, "--json", "--how", "config", "--at", "-5m"};
  CHECK(app.run(recover) != 0);
  api.control(Method::Delete, "/_sandbox/faults");
  auto recovered = run_json(app, recover);
  CHECK(recovered["fault"]["status"] == "Recovered");
  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(shown["status"] == "Recovered");
  CHECK(shown["cause"] == "expired cert");
  CHECK(comment_count(app, config, key) == 3);
  CHECK(api.messages().size() == 3);  // two updates and one recovery, each once

  // open: the create answered 500 fails the command (nothing created); the re-run creates
  // one fault, but the watcher cannot be added: that fails the run too, and the next run with
  // the dedupe key finds the fault and adds the watcher.
  api.control(Method::Post, "/_sandbox/faults",
          nlohmann::json::array({{{"kind", "status"}, {"status", 500}, {"method", "POST"}, {"path", "/issue$"}, {"count", 1}},
                                 {{"kind", "status"}, {"status", 500}, {"method", "POST"}, {"path", "/watchers$"}}}));
  const std::vector<std::string> open = {"--config", config, "open", "--json", "--title", "Search down", "--level", "P2",
                                         "--dedupe-key", "search-down", "--no-notify"};
  CHECK(app.run(open) != 0);
  CHECK(app.run(open) == 5);  // Jira unavailable (after the retries) for the watcher
  CHECK(app.err.str().find("could not be added as a watcher") != std::string::npos);
  api.control(Method::Delete, "/_sandbox/faults");
  auto created = run_json(app, open);
  CHECK(created["created"] == false);
  CHECK(run_json(app, open)["key"] == created["key"]);

  // rollback: the connection drops on the remote link; the re-run records nothing twice.
  app.env.set("GITLAB_CI", "true");
  app.env.set("CI_PROJECT_PATH", "acme/search");
  app.env.set("CI_PIPELINE_ID", "4242");
  app.env.set("CI_PIPELINE_URL", "https://gitlab.example.com/acme/search/-/pipelines/4242");
  api.control(Method::Post, "/_sandbox/faults",
          {{"kind", "reset"}, {"method", "POST"}, {"path", "/remotelink$"}, {"count", 10}});
  const std::vector<std::string> rollback = {"--config", config, "rollback", "--json", "--fault", created["key"],
                                             "--service", "search", "--from", "v2", "--to", "v1"};
  CHECK(app.run(rollback) != 0);
  api.control(Method::Delete, "/_sandbox/faults");
  auto recorded = run_json(app, rollback);
  CHECK(recorded["recorded"] == false);  // the first run recorded it before the link failed
  CHECK(recorded["operations"][2]["op"] == "link");
  CHECK(recorded["operations"][2]["status"] == "done");
  auto rolled = run_json(app, {"--config", config, "show", created["key"], "--json"});
  CHECK(rolled["rollbacks"].size() == 1);
  CHECK(rolled["rollbacks"][0]["provider"] == "gitlab");
  std::filesystem::remove_all(dir);
}

TEST_CASE("open prompts for missing values on a terminal; a Grafana alert opens a fault", "[integration][fault][prompt]") {
  const FlavorCase flavor_case = k_datacenter;
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("prompt");
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_lifecycle_app(sandbox);
  app.tty = true;
  app.in.str("Payments page blank\np2\n");
  auto opened = run_json(app, {"--config", config, "open", "--json", "--no-notify"});
  CHECK(opened["created"] == true);
  CHECK(opened["level"] == "P2");
  CHECK(opened["fault"]["summary"] == "Payments page blank");

  app.tty = false;
  const std::string grafana = std::string(FAULTLINE_TEST_FIXTURES) + "/alerts/grafana_firing.json";
  auto alert = run_json(app, {"--config", config, "open", "--json", "--no-notify", "--from-alert", grafana});
  REQUIRE(alert["faults"].size() == 1);
  CHECK(alert["faults"][0]["action"] == "created");
  CHECK(alert["faults"][0]["fault"]["source"] == "monitoring");
  CHECK(run_json(app, {"--config", config, "list", "--json"}).size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an [[alerts.rule]] of the config sets the alert fault's service, team and level",
          "[integration][fault][alert]") {
  const FlavorCase flavor_case = k_datacenter;
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("alert-rules");
  const auto config = write_config(dir, flavor_case);
  std::ofstream(config, std::ios::app) << "\n[[alerts.rule]]\nmatch = { alertname = \"HighErrorRate\", team = \"*\" }\n"
                                       << "service = \"svc-{{job}}\"\nteam = \"sre-{{team}}\"\nlevel = \"P3\"\n";
  TestApp app = make_lifecycle_app(sandbox);

  // Without the rule this group is service checkout, team payments, P1 (severity critical).
  const std::string firing = std::string(FAULTLINE_TEST_FIXTURES) + "/alerts/alertmanager_firing_group.json";
  auto opened = run_json(app, {"--config", config, "open", "--json", "--no-notify", "--from-alert", firing});
  REQUIRE(opened["faults"].size() == 1);
  CHECK(opened["faults"][0]["action"] == "created");
  CHECK(opened["faults"][0]["fault"]["service"] == "svc-checkout-api");
  CHECK(opened["faults"][0]["fault"]["team"] == "sre-payments");
  CHECK(opened["faults"][0]["fault"]["level"] == "P3");
  std::filesystem::remove_all(dir);
}
