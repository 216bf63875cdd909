// A project whose incident type runs Jira's stock workflow (To Do -> In Progress -> Done), on both
// flavors: init maps the steps it can and leaves recovered and reviewing unset, doctor warns
// about them, and the whole process runs — recover and publish leave the status with a warning
// (text and --json) and do every other step: the facts, the comment, the page, the chat post.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

// The sandbox's seed extended with a project INC whose Incident type runs the stock workflow
// (the sandbox's sub-task workflow: To Do, In Progress, Done).
std::string write_stock_seed(const std::filesystem::path& dir) {
  const nlohmann::json seed = {
      {"mode", "extend"},
      {"jira",
       {{"projects", {{{"id", "10001"}, {"key", "INC"}, {"name", "Incidents"}, {"lead", "dave"},
                       {"issueTypes", {"10003", "10002"}}}}},
        {"issuetypes", {{{"id", "10003"}, {"name", "Incident"}, {"subtask", false}, {"hierarchyLevel", 0},
                         {"description", "An incident."}, {"workflow", "subtask"}}}}}}};
  return write_text(dir / "seed.json", seed.dump());
}

nlohmann::json check_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& check : report["checks"])
    if (check["name"] == name) return check;
  return nullptr;
}

}  // namespace

TEST_CASE("a stock To Do / In Progress / Done workflow: every step but the missing statuses runs",
          "[integration][workflow]") {
  const FlavorCase f = GENERATE(k_cloud, k_datacenter);
  const auto dir = test_dir(std::string("stock-workflow-") + f.flavor);
  SandboxProcess sandbox(f.flavor, {"--seed", write_stock_seed(dir)});
  const SandboxApi api(sandbox, f);
  TestApp app = make_app(sandbox);
  const auto init_path = (dir / "init.toml").string();

  // init: the steps the workflow has, the others unset and said so.
  std::vector<std::string> init = {"init", "--non-interactive", "--jira-url", sandbox.url(), "--token-env", "IT_TOKEN",
                                   "--project", "INC", "--space", "OPS", "--confluence-url", sandbox.url() + f.wiki,
                                   "--output", init_path};
  if (*f.user != '\0') {
    init.push_back("--user");
    init.push_back(f.user);
  }
  INFO(app.err.str());
  REQUIRE(app.run(init) == 0);
  const auto written = read_text(init_path);
  INFO(written);
  CHECK(written.find("fault_type = \"Incident\"") != std::string::npos);
  CHECK(written.find("reported = \"To Do\"") != std::string::npos);
  CHECK(written.find("handling = \"In Progress\"") != std::string::npos);
  CHECK(written.find("closed = \"Done\"") != std::string::npos);
  CHECK(written.find("recovered = \"\"") != std::string::npos);
  CHECK(written.find("reviewing = \"\"") != std::string::npos);
  CHECK(written.find("no status for the 'recovered' step") != std::string::npos);

  // doctor: the unset steps are warnings, not failures.
  const int doctor = app.run({"--config", init_path, "doctor", "--json"});
  auto report = nlohmann::json::parse(app.out.str());
  CHECK(doctor == 0);
  CHECK(check_named(report, "jira.workflow.recovered")["status"] == "warn");
  CHECK(check_named(report, "jira.workflow.reviewing")["status"] == "warn");
  CHECK(check_named(report, "jira.workflow.handling")["status"] == "pass");

  // A recovered step mapped to a Done status: doctor says the board loses those faults.
  const auto done_path = write_text(dir / "done.toml", read_text(init_path) + "");
  {
    auto text = read_text(done_path);
    const auto at = text.find("recovered = \"\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("recovered = \"\"").size(), "recovered = \"Done\"");
    write_text(done_path, text);
  }
  REQUIRE(app.run({"--config", done_path, "doctor", "--json"}) == 0);
  const auto done_check = check_named(nlohmann::json::parse(app.out.str()), "jira.workflow.recovered");
  CHECK(done_check["status"] == "warn");
  CHECK(done_check["detail"].get<std::string>().find("Done category") != std::string::npos);

  // The process, with the init config plus a chat channel and Confluence for the review.
  const auto config = write_text(
      dir / "faultline.toml",
      read_text(init_path) +
          "\n[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
          "[routes]\n\"fault.opened\" = [\"ops\"]\n\"fault.updated\" = [\"ops\"]\n\"fault.recovered\" = [\"ops\"]\n"
          "\"review.published\" = [\"ops\"]\n\n"
          "[people.alice]\njira = \"" + f.alice + "\"\n[people.bob]\njira = \"" + f.bob + "\"\n");
  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", "Checkout returns 500", "--level", "P2",
                               "--source", "monitoring"});
  const std::string key = opened["key"];
  CHECK(opened["fault"]["status"] == "To Do");
  auto updated = run_json(app, {"--config", config, "update", key, "--json", "--message", "rolling back"});
  CHECK(updated["fault"]["status"] == "In Progress");
  CHECK(updated["warnings"].empty());

  auto recovered = run_json(app, {"--config", config, "recover", key, "--json", "--how", "rollback"});
  CHECK(recovered["fault"]["status"] == "In Progress");
  REQUIRE(recovered["warnings"].size() == 1);
  CHECK(recovered["warnings"][0].get<std::string>().find("'recovered'") != std::string::npos);
  bool transition_warned = false;
  for (const auto& op : recovered["operations"])
    if (op["op"] == "transition") transition_warned = op["status"] == "warning";
  CHECK(transition_warned);
  CHECK(app.err.str().find("warning:") != std::string::npos);
  CHECK(api.messages("fault.recovered").size() == 1);  // the post after the unreachable step went out
  auto shown = run_json(app, {"--config", config, "show", key, "--json"});
  CHECK(!shown["recovered_at"].is_null());
  CHECK(shown["review_state"] == "due");
  int comments = 0;
  for (const auto& e : shown["timeline"])
    if (e["kind"] == "comment") ++comments;
  CHECK(comments == 2);  // the update's and the recovery's

  // review publish: sub-tasks, page, record and post; the reviewing step is a warning.
  const auto review = write_text(dir / "review.md", review_with_actions(2));
  auto published = run_json(app, {"--config", config, "review", "publish", key, review, "--json"});
  CHECK(!published["page"]["id"].get<std::string>().empty());
  CHECK(published["actions"].size() == 2);
  REQUIRE(published["warnings"].size() == 1);
  CHECK(published["warnings"][0].get<std::string>().find("'reviewing'") != std::string::npos);
  CHECK(api.messages("review.published").size() == 1);
  // A re-run repeats nothing and says the same.
  auto again = run_json(app, {"--config", config, "review", "publish", key, review, "--json"});
  CHECK(again["page"]["version"] == published["page"]["version"]);
  CHECK(api.messages("review.published").size() == 1);
  std::filesystem::remove_all(dir);
}
