// `review publish` end to end against the sandbox, on Cloud and Data Center: open -> recover
// -> publish (page under "Fault Reviews" with labels, remote link, sub-tasks with due dates,
// assignees and labels, fault in Reviewing, one chat message) -> publish again (no new page
// version, sub-task or message) -> change the file (same page, version + 1, one new
// sub-task, one updated) -> page edited in Confluence by another user -> merged section by
// section (kept, regenerated, conflicts with the three versions, `review pull`), --force
// overwrites; failures injected between steps then a re-run -> no duplicate; a bad file ->
// every problem, exit 2, no write; 61 actions -> two bulk calls.
#include <catch2/catch.hpp>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

std::string write_config(const std::filesystem::path& dir, const FlavorCase& f, const std::string& sandbox_url) {
  return faultline::testing::write_config(
      dir, jira_config(f) +
               "[jira.fields]\nlevel = \"Fault Level\"\ntype = \"Fault Type\"\nsource = \"Fault Source\"\n"
               "team = \"Team\"\nservice = \"Service\"\nstarted_at = \"Started At\"\nrecovered_at = \"Recovered At\"\n\n"
               "[confluence]\nurl = \"" + sandbox_url + f.wiki + "\"\nflavor = \"" + f.flavor +
               "\"\nspace = \"OPS\"\nparent = \"Fault Reviews\"\n\n"
               "[team]\ntimezone = \"Asia/Shanghai\"\n\n"
               "[people.alice]\njira = \"" + f.alice + "\"\n[people.bob]\njira = \"" + f.bob + "\"\n\n"
               "[levels.retail]\nfallback = \"P4\"\n[[levels.retail.rule]]\nlevel = \"P2\"\nmatch = \"any\"\n"
               "conditions = [\"scope >= 10\"]\n\n"
               "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
               "[routes]\n\"review.published\" = [\"ops\"]\n");
}

struct ActionLine {
  std::string id, summary, owner, due, kind;
};

std::string review_text(const std::vector<ActionLine>& actions, const std::string& root_cause) {
  std::string text = "+++\nlevel = \"P2\"\ntype = \"Configuration\"\nteam = \"payments\"\n"
                     "participants = [\"alice\", \"bob\"]\nimpact = \"3% of checkouts failed\"\n\n";
  for (const auto& a : actions) {
    text += "[[action]]\n";
    if (!a.id.empty()) text += "id = \"" + a.id + "\"\n";
    text += "summary = \"" + a.summary + "\"\nowner = \"" + a.owner + "\"\ndue = \"" + a.due + "\"\nkind = \"" + a.kind + "\"\n\n";
  }
  text += "+++\n\n## Summary\n\nCheckout returned 500 after a config push.\n\n## Root cause\n\n" + root_cause +
          "\n\n## What went well\n\nRollback took 4 minutes.\n";
  return text;
}

// The sandbox's API with the Confluence and Jira reads these tests check, as another person.
struct Api : SandboxApi {
  FlavorCase flavor;

  Api(const SandboxProcess& sandbox, const FlavorCase& f) : SandboxApi(sandbox, f), flavor(f) {}
  nlohmann::json get(const std::string& path) const { return get_as_editor(path); }
  // The page as the Confluence v1 API shows it: version number and labels.
  int page_version(const std::string& id) const {
    return get(std::string(flavor.wiki) + "/rest/api/content/" + id + "?expand=version")["version"]["number"];
  }
  std::vector<std::string> page_labels(const std::string& id) const {
    std::vector<std::string> names;
    const auto answer = get(std::string(flavor.wiki) + "/rest/api/content/" + id + "/label");
    for (const auto& l : answer["results"]) names.push_back(l["name"]);
    return names;
  }
  // Children of the page titled `title` in OPS.
  int pages_titled(const std::string& title) const {
    auto found = get(std::string(flavor.wiki) + "/rest/api/content?spaceKey=OPS&title=" + faultline::http::url_encode(title));
    return static_cast<int>(found["results"].size());
  }
  // Edits the page as another user (a human in Confluence): new version, no faultline message.
  void edit_page(const std::string& id) const {
    auto page = get(std::string(flavor.wiki) + "/rest/api/content/" + id + "?expand=version,body.storage,space");
    nlohmann::json body{{"id", id},
                        {"type", "page"},
                        {"title", page["title"]},
                        {"space", {{"key", "OPS"}}},
                        {"version", {{"number", page["version"]["number"].get<int>() + 1}}},
                        {"body", {{"storage", {{"value", page["body"]["storage"]["value"].get<std::string>() +
                                                                "<p>Added by hand in Confluence.</p>"},
                                               {"representation", "storage"}}}}}};
    auto response = send(faultline::http::Method::Put, std::string(flavor.wiki) + "/rest/api/content/" + id, body,
                         faultline::http::basic_authorization(flavor.editor, "sandbox-token"));
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
  // Replaces `from` by `to` in the page body as another user (a person editing in Confluence).
  void replace_in_page(const std::string& id, const std::string& from, const std::string& to) const {
    auto page = get(std::string(flavor.wiki) + "/rest/api/content/" + id + "?expand=version,body.storage,space");
    std::string text = page["body"]["storage"]["value"];
    const auto at = text.find(from);
    INFO(text);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    nlohmann::json body{{"id", id},
                        {"type", "page"},
                        {"title", page["title"]},
                        {"space", {{"key", "OPS"}}},
                        {"version", {{"number", page["version"]["number"].get<int>() + 1}}},
                        {"body", {{"storage", {{"value", text}, {"representation", "storage"}}}}}};
    auto response = send(faultline::http::Method::Put, std::string(flavor.wiki) + "/rest/api/content/" + id, body,
                         faultline::http::basic_authorization(flavor.editor, "sandbox-token"));
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
  std::string page_body(const std::string& id) const {
    return get(std::string(flavor.wiki) + "/rest/api/content/" + id + "?expand=body.storage")["body"]["storage"]["value"];
  }
  nlohmann::json issue(const std::string& key) const { return get(std::string(flavor.jira_api) + "/issue/" + key); }
  nlohmann::json remote_links(const std::string& key) const {
    return get(std::string(flavor.jira_api) + "/issue/" + key + "/remotelink");
  }
};

// Opens and recovers a fault; returns its key.
std::string recovered_fault(TestApp& app, const std::string& config, const std::string& title) {
  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", title, "--bu", "retail", "--metric",
                               "scope=12", "--type", "Configuration", "--source", "monitoring", "--team", "payments",
                               "--service", "checkout", "--started-at", "-50m", "--no-notify"});
  const std::string key = opened["key"];
  run_json(app, {"--config", config, "recover", key, "--json", "--how", "rollback", "--rollback-to", "2026.11.1",
                 "--no-notify"});
  return key;
}

struct Fixture {
  FlavorCase flavor;
  SandboxProcess sandbox;
  std::filesystem::path dir;
  std::string config;
  TestApp app;
  Api api;

  explicit Fixture(const FlavorCase& f, const std::string& name)
      : flavor(f), sandbox(f.flavor), dir(test_dir(name + "-" + f.flavor)), app(make_app(sandbox)), api{sandbox, f} {
    config = write_config(dir, f, sandbox.url());
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

const std::vector<ActionLine> k_two_actions = {
    {"alert-5xx", "Alert on the checkout 5xx rate", "alice", "+7d", "detect"},
    {"", "Canary every config push", "bob", "+14d", "prevent"},
};

}  // namespace

TEST_CASE("review publish: page, sub-tasks, link, status, one message; re-runs write nothing; edits are detected",
          "[integration][review]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "review");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Checkout returns 500");
  const auto file = write_text(fx.dir / "review.md", review_text(k_two_actions, "A config push disabled the pool."));
  const std::vector<std::string> publish = {"--config", fx.config, "review", "publish", key, file, "--json"};

  auto first = run_json(app, publish);
  const std::string page_id = first["page"]["id"];
  REQUIRE(!page_id.empty());
  CHECK(first["page"]["version"] == 1);
  CHECK(first["page"]["url"].get<std::string>().find(page_id) != std::string::npos);
  REQUIRE(first["actions"].size() == 2);
  CHECK(first["actions"][0]["id"] == "alert-5xx");
  CHECK(first["actions"][0]["created"] == true);
  CHECK(first["actions"][0]["owner"] == flavor.alice);
  CHECK(first["actions"][1]["owner"] == flavor.bob);
  CHECK(first["actions"][1]["id"].get<std::string>().starts_with("a-"));

  // The page: under "Fault Reviews", labelled.
  const auto labels = api.page_labels(page_id);
  CHECK(std::find(labels.begin(), labels.end(), "fault-review") != labels.end());
  std::string key_lower = key;
  for (auto& c : key_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(std::find(labels.begin(), labels.end(), key_lower) != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "fault-level-p2") != labels.end());
  auto page = api.get(std::string(flavor.wiki) + "/rest/api/content/" + page_id + "?expand=ancestors");
  REQUIRE(!page["ancestors"].empty());
  CHECK(page["ancestors"].back()["title"] == "Fault Reviews");

  // The remote link, sub-tasks with due dates, assignees and labels; the fault in Reviewing.
  auto links = api.remote_links(key);
  REQUIRE(links.size() == 1);
  CHECK(links[0]["globalId"].get<std::string>().starts_with("faultline-review:"));
  CHECK(links[0]["object"]["url"] == first["page"]["url"]);
  const std::string sub_key = first["actions"][0]["key"];
  auto sub = api.issue(sub_key);
  CHECK(sub["fields"]["parent"]["key"] == key);
  CHECK(!sub["fields"]["duedate"].is_null());
  CHECK(sub["fields"]["duedate"] == first["actions"][0]["due"]);
  const auto sub_labels = sub["fields"]["labels"].dump();
  CHECK(sub_labels.find("\"fault-action\"") != std::string::npos);
  CHECK(sub_labels.find("fault-action-id-alert-5xx") != std::string::npos);
  const auto& assignee = sub["fields"]["assignee"];
  CHECK(assignee.value(std::string(flavor.flavor) == "cloud" ? "accountId" : "name", "") == flavor.alice);
  auto shown = run_json(app, {"--config", fx.config, "show", key, "--json"});
  CHECK(shown["status"] == "Reviewing");
  CHECK(shown["review_page_id"] == page_id);
  CHECK(!shown["reviewed_at"].is_null());
  CHECK(shown["review_state"].get<std::string>().starts_with("met"));
  CHECK(shown["level"] == "P2");
  REQUIRE(api.messages().size() == 1);
  CHECK(api.messages()[0].dump().find(key) != std::string::npos);

  // The review clock in list.
  auto listed = run_json(app, {"--config", fx.config, "list", "--json", "--status", "Reviewing"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["review_state"].get<std::string>().starts_with("met"));
  REQUIRE(app.run({"--config", fx.config, "list", "--status", "Reviewing"}) == 0);
  CHECK(app.out.str().find("\tmet\tCheckout returns 500") != std::string::npos);

  // Again with the same file: nothing written at all.
  const auto mark = api.next_request();
  auto second = run_json(app, publish);
  CHECK(api.writes_since(mark).empty());
  CHECK(second["page"]["version"] == 1);
  CHECK(second["page"]["id"] == page_id);
  CHECK(second["actions"][0]["created"] == false);
  CHECK(second["actions"][0]["key"] == sub_key);
  CHECK(api.messages().size() == 1);

  // A changed file: same page at version 2, one new sub-task, one updated, none duplicated.
  auto changed_actions = k_two_actions;
  changed_actions[0].owner = "bob";
  changed_actions.push_back({"runbook", "Write the rollback runbook", "alice", "+10d", "process"});
  write_text(fx.dir / "review.md", review_text(changed_actions, "A config push disabled the pool; no canary."));
  auto third = run_json(app, publish);
  CHECK(third["page"]["id"] == page_id);
  CHECK(third["page"]["version"] == 2);
  REQUIRE(third["actions"].size() == 3);
  CHECK(third["actions"][0]["key"] == sub_key);
  CHECK(third["actions"][0]["updated"] == true);
  CHECK(third["actions"][0]["owner"] == flavor.bob);
  CHECK(third["actions"][1]["updated"] == false);
  CHECK(third["actions"][2]["created"] == true);
  CHECK(api.issue(key)["fields"]["subtasks"].size() == 3);
  CHECK(api.remote_links(key).size() == 1);
  CHECK(api.pages_titled(page["title"]) == 1);
  CHECK(api.messages().size() == 1);
  auto listed_actions = run_json(app, {"--config", fx.config, "actions", "list", key, "--json"});
  CHECK(listed_actions.size() == 3);

  // Edited in Confluence by someone else, in a section faultline owns (the classification at
  // the end): that section is regenerated, the file's new root cause goes in.
  api.edit_page(page_id);
  write_text(fx.dir / "review.md", review_text(changed_actions, "Root cause rewritten after the edit."));
  auto merged = run_json(app, publish);
  CHECK(merged["page"]["version"] == 4);
  CHECK(merged["kept_edits"].empty());
  CHECK(api.page_body(page_id).find("Added by hand in Confluence.") == std::string::npos);
  CHECK(api.page_body(page_id).find("Root cause rewritten after the edit.") != std::string::npos);
  // --force overwrites whatever the page holds with the rendering.
  api.edit_page(page_id);
  auto forced_args = publish;
  forced_args.push_back("--force");
  auto forced = run_json(app, forced_args);
  CHECK(forced["page"]["version"] == 6);
  // After the forced publish the page is faultline's again: a plain re-run is quiet.
  const auto after_force = api.next_request();
  run_json(app, publish);
  CHECK(api.writes_since(after_force).empty());
}

TEST_CASE("review publish: a failure injected between steps, then a re-run, leaves no duplicate", "[integration][review]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  // Where the failure hits: the bulk create, the page create, the labels (Cloud: page made,
  // added next to the record), the page intent, the remote link, the status, the fault's save.
  const auto [method, failing] = GENERATE(table<std::string, std::string>({{"POST", "/issue/bulk$"},
                                                                            {"POST", "/content$|/pages$"},
                                                                            {"POST", "/label$"},
                                                                            {"PUT", "/properties/faultline.review$"},
                                                                            {"POST", "/remotelink$"},
                                                                            {"POST", "/transitions$"},
                                                                            {"PUT", "/properties/faultline$"}}));
  // Data Center gets the labels in the page create: there is no label request to fail.
  if (!flavor.cloud() && failing == "/label$") return;
  Fixture fx(flavor, "review-fail");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Search is slow");
  const auto file = write_text(fx.dir / "review.md", review_text(k_two_actions, "An index was dropped."));
  const std::vector<std::string> publish = {"--config", fx.config, "review", "publish", key, file, "--json"};

  api.control(faultline::http::Method::Post, "/_sandbox/faults",
              nlohmann::json::array({{{"kind", "status"}, {"status", 400}, {"method", method}, {"path", failing}, {"count", 1}}}));
  INFO("failing " << method << " " << failing);
  CHECK(app.run(publish) != 0);
  CHECK(app.err.str().find("review publish stopped at step") != std::string::npos);

  auto done = run_json(app, publish);
  CHECK(done["page"]["version"] == 1);
  REQUIRE(done["actions"].size() == 2);
  CHECK(api.issue(key)["fields"]["subtasks"].size() == 2);
  CHECK(api.remote_links(key).size() == 1);
  CHECK(api.messages().size() == 1);
  auto shown = run_json(app, {"--config", fx.config, "show", key, "--json"});
  CHECK(shown["status"] == "Reviewing");
  CHECK(shown["review_page_id"] == done["page"]["id"]);
  const auto mark = api.next_request();
  run_json(app, publish);
  CHECK(api.writes_since(mark).empty());
}

TEST_CASE("review publish: a file with typos and an unknown owner reports every problem and writes nothing",
          "[integration][review]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "review-bad");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Login loops");
  const std::string text =
      "+++\nlevl = \"P2\"\n\n[[action]]\nsummary = \"Fix the loop\"\nowner = \"zed-nobody\"\ndue = \"+7d\"\n\n"
      "[[action]]\nsumary = \"Typo key\"\nowner = \"alice\"\ndue = \"+7d\"\n+++\n\n## Summary\n\nLoops.\n";
  const auto file = write_text(fx.dir / "bad.md", text);
  const auto mark = api.next_request();
  REQUIRE(app.run({"--config", fx.config, "review", "publish", key, file}) == 2);
  const auto err = app.err.str();
  INFO(err);
  CHECK(err.find(file + ":2:") != std::string::npos);   // levl
  CHECK(err.find(file + ":4:") != std::string::npos);   // unknown owner, at its [[action]]
  CHECK(err.find("zed-nobody") != std::string::npos);
  CHECK(err.find(file + ":10:") != std::string::npos);  // sumary
  CHECK(api.writes_since(mark).empty());
  CHECK(api.messages().empty());
}

TEST_CASE("review publish: 61 actions are created in two bulk calls", "[integration][review][bulk]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "review-bulk");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Many actions");
  std::vector<ActionLine> many;
  for (int i = 0; i < 61; ++i)
    many.push_back({fmt::format("act-{}", i), fmt::format("Action number {}", i), i % 2 ? "alice" : "bob", "+30d", "process"});
  const auto file = write_text(fx.dir / "many.md", review_text(many, "Many causes."));
  const auto mark = api.next_request();
  auto published = run_json(app, {"--config", fx.config, "review", "publish", key, file, "--json"});
  CHECK(published["actions"].size() == 61);
  CHECK(api.count_since(mark, "POST", "/issue/bulk") == 2);
  CHECK(api.issue(key)["fields"]["subtasks"].size() == 61);
  const auto again = api.next_request();
  run_json(app, {"--config", fx.config, "review", "publish", key, file, "--json"});
  CHECK(api.count_since(again, "POST", "/issue/bulk") == 0);
}

TEST_CASE("actions add, list and done outside a review", "[integration][actions]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "actions");
  auto& app = fx.app;
  const auto key = recovered_fault(app, fx.config, "Queue backlog");
  const std::vector<std::string> add = {"--config", fx.config, "actions", "add", key, "--summary", "Alert on queue depth",
                                        "--owner", "alice", "--due", "+7d", "--kind", "detect", "--json"};
  auto added = run_json(app, add);
  CHECK(added["created"] == true);
  const std::string action_key = added["action"]["key"];
  CHECK(added["action"]["owner"] == flavor.alice);
  CHECK(added["action"]["kind"] == "detect");
  auto again = run_json(app, add);
  CHECK(again["created"] == false);
  CHECK(again["updated"] == false);
  CHECK(again["action"]["key"] == action_key);
  CHECK(fx.api.issue(key)["fields"]["subtasks"].size() == 1);

  auto listed = run_json(app, {"--config", fx.config, "actions", "list", key, "--json"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["key"] == action_key);
  CHECK(listed[0]["parent"] == key);

  // Without KEY: every open action of the project.
  auto open_actions = run_json(app, {"--config", fx.config, "actions", "list", "--json"});
  REQUIRE(open_actions.size() == 1);
  CHECK(open_actions[0]["key"] == action_key);
  CHECK(open_actions[0]["days_overdue"] == 0);

  auto done = run_json(app, {"--config", fx.config, "actions", "done", action_key, "--json"});
  CHECK(done["action"]["status_category"] == "done");
  CHECK(done["changed"] == true);
  CHECK(run_json(app, {"--config", fx.config, "actions", "done", action_key, "--json"})["changed"] == false);
  CHECK(run_json(app, {"--config", fx.config, "actions", "list", "--json"}).empty());
  // The fault itself is not an action: refused with exit 2.
  CHECK(app.run({"--config", fx.config, "actions", "done", key}) == 2);
  CHECK(app.err.str().find("not a fault action") != std::string::npos);
  // An unknown owner is a usage error (exit 2) naming the owner, refused before anything is written.
  CHECK(app.run({"--config", fx.config, "actions", "add", key, "--summary", "x", "--owner", "zed-nobody", "--due", "+1d"}) == 2);
  CHECK(app.err.str().find("'zed-nobody'") != std::string::npos);
}

TEST_CASE("--dry-run review publish and actions add print their first writes, send nothing and exit 0",
          "[integration][review][dry-run]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "dry-run");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Checkout returns 500");
  const auto file = write_text(fx.dir / "review.md", review_text(k_two_actions, "A config push disabled the pool."));

  const auto mark = api.next_request();
  REQUIRE(app.run({"--config", fx.config, "--dry-run", "review", "publish", key, file}) == 0);
  const auto plan = app.out.str();
  INFO(plan << app.err.str());
  CHECK(plan.find("[dry-run] would send POST") != std::string::npos);
  CHECK(plan.find("Alert on the checkout 5xx rate") != std::string::npos);  // the sub-tasks' bulk create
  CHECK(plan.find("sandbox-token") == std::string::npos);
  // The whole plan, on placeholder answers: the page lists the new sub-tasks and is created,
  // then the record names the new page.
  CHECK(plan.find("&lt;new sub-task 1&gt;") != std::string::npos);
  CHECK(plan.find(flavor.cloud() ? "/api/v2/pages" : "/rest/api/content") != std::string::npos);
  CHECK(plan.find("faultline.review") != std::string::npos);
  CHECK(plan.find("<new page 1>") != std::string::npos);
  CHECK(app.err.str().find("the plan ends after") == std::string::npos);
  // open: the create on a placeholder, then the steps on the new fault, to the end.
  REQUIRE(app.run({"--config", fx.config, "--dry-run", "open", "--title", "Disk full", "--level", "P2", "--dedupe-key",
                   "disk-1"}) == 0);
  CHECK(app.out.str().find("/issue\n") != std::string::npos);
  CHECK(app.err.str().find("the plan ends after") == std::string::npos);
  CHECK(app.err.str().find("<new issue 1>") == std::string::npos);
  REQUIRE(app.run({"--config", fx.config, "--dry-run", "actions", "add", key, "--summary", "Add a canary stage",
                   "--owner", "alice", "--due", "+7d"}) == 0);
  CHECK(app.out.str().find("Add a canary stage") != std::string::npos);
  CHECK(api.writes_since(mark).empty());
  CHECK(api.messages().empty());

  // A dry run that fails before printing any write still fails: here, an unknown owner.
  CHECK(app.run({"--config", fx.config, "--dry-run", "actions", "add", key, "--summary", "x", "--owner", "nobody-here",
                 "--due", "+7d"}) == 2);
  CHECK(app.err.str().find("dry run") == std::string::npos);
}

TEST_CASE("actions dropped from the review file are listed; --prune closes them with a comment",
          "[integration][review][prune]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "prune");
  auto& app = fx.app;
  const auto key = recovered_fault(app, fx.config, "Checkout returns 500");
  const std::vector<ActionLine> three = {
      {"alert-5xx", "Alert on the checkout 5xx rate", "alice", "+7d", "detect"},
      {"canary", "Canary every config push", "bob", "+14d", "prevent"},
      {"runbook", "Write the pool runbook", "alice", "+10d", "process"},
  };
  const auto file = write_text(fx.dir / "review.md", review_text(three, "A config push disabled the pool."));
  auto first = run_json(app, {"--config", fx.config, "review", "publish", key, file, "--json"});
  REQUIRE(first["actions"].size() == 3);
  const std::string runbook_key = first["actions"][2]["key"];
  fx.api.catch_up_index();

  // The file loses the runbook action: listed, left open.
  const auto two = std::vector<ActionLine>(three.begin(), three.begin() + 2);
  write_text(file, review_text(two, "A config push disabled the pool."));
  auto listed = run_json(app, {"--config", fx.config, "review", "publish", key, file, "--json"});
  REQUIRE(listed["dropped"].size() == 1);
  CHECK(listed["dropped"][0]["key"] == runbook_key);
  CHECK(listed["dropped"][0]["id"] == "runbook");
  CHECK(listed["dropped"][0]["closed"] == false);
  app.run({"--config", fx.config, "review", "publish", key, file});
  CHECK(app.err.str().find("--prune closes them") != std::string::npos);
  auto open_issue = fx.api.get(std::string(flavor.jira_api) + "/issue/" + runbook_key + "?fields=status");
  CHECK(open_issue["fields"]["status"]["statusCategory"]["key"] != "done");

  // --prune: a comment saying why, then closed; a re-run finds nothing to prune.
  auto pruned = run_json(app, {"--config", fx.config, "review", "publish", key, file, "--prune", "--json"});
  REQUIRE(pruned["dropped"].size() == 1);
  CHECK(pruned["dropped"][0]["closed"] == true);
  auto closed = fx.api.get(std::string(flavor.jira_api) + "/issue/" + runbook_key + "?fields=status,comment");
  CHECK(closed["fields"]["status"]["statusCategory"]["key"] == "done");
  CHECK(closed["fields"]["comment"].dump().find("no longer in the review file") != std::string::npos);
  fx.api.catch_up_index();
  auto again = run_json(app, {"--config", fx.config, "review", "publish", key, file, "--prune", "--json"});
  CHECK(again["dropped"].empty());
  auto comments = fx.api.get(std::string(flavor.jira_api) + "/issue/" + runbook_key + "/comment");
  CHECK(comments["comments"].size() == 1);
}

TEST_CASE("edits made in Confluence are kept section by section; a section both changed stops; pull brings them back",
          "[integration][review][merge]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "merge");
  auto& app = fx.app;
  const auto& api = fx.api;
  const auto key = recovered_fault(app, fx.config, "Checkout returns 500");
  const auto file = write_text(fx.dir / "review.md", review_text(k_two_actions, "A config push disabled the pool."));
  const std::vector<std::string> publish = {"--config", fx.config, "review", "publish", key, file.c_str(), "--json"};
  auto first = run_json(app, publish);
  const std::string page_id = first["page"]["id"];

  // A person rewrites the summary and adds a section; the file changes the root cause.
  api.replace_in_page(page_id, "<p>Checkout returned 500 after a config push.</p>",
                      "<p>Checkout returned 500 for 12 minutes after a config push.</p>"
                      "<h3>Customer quotes</h3><p>Checkout is slow!</p>");
  write_text(file, review_text(k_two_actions, "A config push disabled the pool; no canary."));
  auto merged = run_json(app, publish);
  CHECK(merged["page"]["version"] == 3);
  CHECK(merged["kept_edits"] == nlohmann::json::array({"Summary"}));
  CHECK(merged["added_sections"] == nlohmann::json::array({"Customer quotes"}));
  auto body = api.page_body(page_id);
  CHECK(body.find("for 12 minutes") != std::string::npos);
  CHECK(body.find("Customer quotes") != std::string::npos);
  CHECK(body.find("no canary") != std::string::npos);
  // Nothing changed since: a re-run writes nothing.
  const auto quiet = api.next_request();
  run_json(app, publish);
  CHECK(api.writes_since(quiet).empty());

  // Both change the root cause: a conflict, before any write, with the three versions.
  api.replace_in_page(page_id, "<p>A config push disabled the pool; no canary.</p>", "<p>Per the SRE team: a bad flag.</p>");
  write_text(file, review_text(k_two_actions, "A config push at 10:02 disabled the pool."));
  const auto before = api.next_request();
  REQUIRE(app.run(publish) == 1);
  CHECK(app.err.str().find("'Root cause'") != std::string::npos);
  CHECK(api.writes_since(before).empty());
  const auto conflict = read_text(fx.dir / "review.conflict.md");
  CHECK(conflict.find("no canary") != std::string::npos);               // as last published
  CHECK(conflict.find("Per the SRE team: a bad flag.") != std::string::npos);  // in Confluence
  CHECK(conflict.find("A config push at 10:02") != std::string::npos);  // in the file

  // review pull takes Confluence's prose into the file; the next publish agrees with the page.
  auto pulled = run_json(app, {"--config", fx.config, "review", "pull", key, file, "--json"});
  CHECK(pulled["written"] == true);
  const auto text = read_text(file);
  CHECK(text.find("Per the SRE team: a bad flag.") != std::string::npos);
  CHECK(text.find("for 12 minutes") != std::string::npos);
  CHECK(text.find("[[action]]") != std::string::npos);  // the front matter stays
  auto again = run_json(app, publish);
  CHECK(again["kept_edits"].empty());
  body = api.page_body(page_id);
  CHECK(body.find("Per the SRE team: a bad flag.") != std::string::npos);
  CHECK(run_json(app, {"--config", fx.config, "review", "pull", key, file, "--json"})["written"] == false);
}
