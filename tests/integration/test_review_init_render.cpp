// The review file against the sandbox, on Cloud and Data Center: open a fault, recover it,
// add an action sub-task, `review init` (prefilled from Jira, refusing to overwrite),
// edit the file, `review render` in every format and --data, with no writes to Jira or
// Confluence; a file with typos gives every problem with its line and exit 2; a hostile
// title and Markdown come out escaped in storage format.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

namespace fs = std::filesystem;

std::string write_config(const fs::path& dir, const FlavorCase& flavor_case) {
  return faultline::testing::write_config(
      dir, jira_config(flavor_case) +
               "[jira.fields]\nlevel = \"Fault Level\"\ntype = \"Fault Type\"\nsource = \"Fault Source\"\n"
               "team = \"Team\"\nservice = \"Service\"\nbusiness_unit = \"Business Unit\"\nstarted_at = \"Started At\"\n"
               "recovered_at = \"Recovered At\"\ndedupe_key = \"Dedupe Key\"\n\n"
               "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
               "[people.dave]\njira = \"" + flavor_case.dave + "\"\n\n"
               "[levels.retail]\nfallback = \"P4\"\n[[levels.retail.rule]]\nlevel = \"P2\"\nmatch = \"any\"\n"
               "conditions = [\"scope >= 10\"]\n");
}

// Replaces the first occurrence of `from` in `text`.
std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("review init prefills a review file from Jira and review render renders it without writes",
          "[integration][review]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("review-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_app(sandbox);

  const std::string hostile_title = "Checkout <script>alert(1)</script> ]]> & \"quoted\"";
  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", hostile_title, "--bu", "retail",
                               "--metric", "scope=12", "--type", "Configuration", "--source", "monitoring", "--team",
                               "payments", "--service", "checkout", "--started-at", "-40m", "--no-notify"});
  const std::string key = opened["key"];
  run_json(app, {"--config", config, "recover", key, "--json", "--how", "rollback", "--rollback-to", "v41",
                 "--impact", "12% of checkouts failed", "--no-notify"});

  // An action sub-task that already exists, with its stable id label.
  auto created = api.send(faultline::http::Method::Post, std::string(flavor_case.jira_api) + "/issue",
                          {{"fields",
                            {{"project", {{"key", "FAULT"}}},
                             {"issuetype", {{"name", "Sub-task"}}},
                             {"parent", {{"key", key}}},
                             {"summary", "Add a canary stage"},
                             {"assignee", flavor_case.user_json(flavor_case.alice)},
                             {"duedate", "2026-12-10"},
                             {"labels", {"fault-action", "fault-action-id-canary", "fault-action-kind-prevent"}}}}},
                          flavor_case.authorization());
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string action_key = nlohmann::json::parse(created.body)["key"];

  // review init: stdout, then a file; a second init refuses to overwrite it.
  REQUIRE(app.run({"--config", config, "review", "init", key}) == 0);
  const std::string printed = app.out.str();
  const auto file = dir / "review.md";
  REQUIRE(app.run({"--config", config, "review", "init", key, "-o", file.string()}) == 0);
  const std::string text = read_text(file);
  CHECK(text == printed);
  INFO(text);
  CHECK(text.starts_with("+++\n"));
  CHECK(text.find("level = \"P2\"") != std::string::npos);
  CHECK(text.find("type = \"Configuration\"") != std::string::npos);
  CHECK(text.find("source = \"monitoring\"") != std::string::npos);
  CHECK(text.find("team = \"payments\"") != std::string::npos);
  CHECK(text.find("owner = \"dave\"") != std::string::npos);
  CHECK(text.find("impact = \"12% of checkouts failed\"") != std::string::npos);
  CHECK(text.find("+08:00") != std::string::npos);  // times in the team's zone
  CHECK(text.find("key = \"" + action_key + "\"") != std::string::npos);
  CHECK(text.find("id = \"canary\"") != std::string::npos);
  CHECK(text.find("due = \"2026-12-10\"") != std::string::npos);
  CHECK(text.find("owner = \"" + std::string(flavor_case.alice) + "\"") != std::string::npos);
  for (const char* section : {"## Summary", "## Impact", "## Timeline", "## Root cause", "## Trigger", "## Resolution",
                              "## Detection", "## What went well", "## What went wrong", "## Where we got lucky"})
    CHECK(text.find(section) != std::string::npos);
  CHECK(text.find("| Time | Event | By |") != std::string::npos);
  CHECK(text.find("Recovered") != std::string::npos);  // the status change in the timeline
  CHECK(text.find("Recovered by rollback to v41.") != std::string::npos);

  CHECK(app.run({"--config", config, "review", "init", key, "-o", file.string()}) == 2);
  CHECK(app.err.str().find("already exists") != std::string::npos);
  CHECK(read_text(file) == text);
  CHECK(app.run({"--config", config, "review", "init", key, "-o", file.string(), "--force"}) == 0);

  // Edit: a new action, hostile Markdown, a written root cause.
  std::string edited = replace(text, "+++\n\n## Summary",
                               "\n[[action]]\nsummary = \"Alert on 5xx rate\"\nowner = \"dave\"\ndue = \"+7d\"\n"
                               "kind = \"detect\"\n+++\n\n## Summary");
  edited = replace(edited, "## Root cause\n",
                   "## Root cause\n\nA bad config push. <ac:structured-macro ac:name=\"html\"></ac:structured-macro> "
                   "]]> & 'single' {{fault.key}}\n");
  write_text(file, edited);

  const auto before = api.next_request();
  REQUIRE(app.run({"--config", config, "review", "render", key, file.string()}) == 0);
  const std::string storage = app.out.str();
  INFO(storage);
  CHECK(storage.find("<script>") == std::string::npos);
  CHECK(storage.find("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot;") != std::string::npos);
  CHECK(storage.find("ac:name=\"html\"") == std::string::npos);
  CHECK(storage.find("A bad config push.") != std::string::npos);
  CHECK(storage.find("<ac:parameter ac:name=\"title\">P2</ac:parameter>") != std::string::npos);
  CHECK(storage.find("<ac:parameter ac:name=\"title\">Recovered</ac:parameter>") != std::string::npos);
  CHECK(storage.find("<ac:parameter ac:name=\"key\">" + action_key + "</ac:parameter>") != std::string::npos);
  CHECK(storage.find("Alert on 5xx rate") != std::string::npos);
  CHECK(storage.find("created on publish") != std::string::npos);

  // Rendering wrote nothing: only reads reached the sandbox (searches are POST on Cloud).
  for (const auto& request : api.requests_since(before)) {
    const std::string method = request["method"];
    const std::string path = request["path"];
    INFO(method << " " << path);
    CHECK((method == "GET" || (method == "POST" && path.find("/search") != std::string::npos)));
  }

  // --data, the other formats and templates, and -o.
  auto data = run_json(app, {"--config", config, "review", "render", key, file.string(), "--data"});
  CHECK(data["fault"]["key"] == key);
  CHECK(data["fault"]["summary"] == hostile_title);
  REQUIRE(data["actions"].size() == 2);
  CHECK(data["actions"][0]["key"] == action_key);
  CHECK(data["actions"][0]["id"] == "canary");
  CHECK(data["actions"][0]["url"] == sandbox.url() + "/browse/" + action_key);
  CHECK(data["actions"][1]["key"] == "");
  CHECK(data["actions"][1]["kind"] == "detect");
  CHECK(data["review"]["by_slug"]["root_cause"]["has_content"] == true);
  CHECK(data["has_timeline"] == true);
  CHECK(data["fault_url"] == sandbox.url() + "/browse/" + key);

  REQUIRE(app.run({"--config", config, "review", "render", key, file.string(), "--format", "markdown", "--template",
                   "postmortem"}) == 0);
  CHECK(app.out.str().starts_with("# Postmortem: " + key));
  const auto html = dir / "report.html";
  REQUIRE(app.run({"--config", config, "review", "render", key, file.string(), "--format", "html", "-o", html.string()}) == 0);
  CHECK(read_text(html).starts_with("<!DOCTYPE html>"));
  CHECK(read_text(html).find("<script>") == std::string::npos);
  CHECK(app.run({"--config", config, "review", "render", key, file.string(), "--template", "nonesuch"}) == 2);
  CHECK(app.err.str().find("nonesuch.storage.mustache") != std::string::npos);

  // A file with typos: every problem with its line, exit 2, nothing rendered.
  std::string typos = replace(edited, "level = \"P2\"", "levl = \"P2\"");
  typos = replace(typos, "kind = \"detect\"", "kind = \"detekt\"");
  typos = replace(typos, "due = \"+7d\"", "due = \"2020-01-01\"");
  write_text(file, typos);
  CHECK(app.run({"--config", config, "review", "render", key, file.string()}) == 2);
  const std::string errors = app.err.str();
  INFO(errors);
  CHECK(app.out.str().empty());
  const auto line_of = [&](const std::string& needle) {
    const auto at = typos.find(needle);
    REQUIRE(at != std::string::npos);
    return std::to_string(1 + std::count(typos.begin(), typos.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  };
  CHECK(errors.find(file.string() + ":" + line_of("levl") + ": levl: unknown key (did you mean 'level'?)") !=
        std::string::npos);
  CHECK(errors.find(file.string() + ":" + line_of("kind = \"detekt\"") + ": action[2].kind: 'detekt' is not a kind") !=
        std::string::npos);
  CHECK(errors.find(file.string() + ":" + line_of("due = \"2020-01-01\"") + ": action[2].due: 2020-01-01 is in the past") !=
        std::string::npos);
  CHECK(errors.find("3 problems in the review file") != std::string::npos);

  fs::remove_all(dir);
}
