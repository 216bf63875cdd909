// Two `faultline review publish` processes of one review file started at the same moment, on
// Cloud and Data Center (100 ms latency on every request, so their reads overlap), with a
// fixed and with the automatic lock settle: both exit 0, every action exists once as an open
// sub-task, one page, and a third run writes nothing.
// Then the convergence without the lock: duplicate sub-tasks left by an earlier race (made
// here through the API, as two runs that both passed the lock would) are closed by the next
// publish, the oldest of each action id kept, with a comment naming it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;

namespace {

std::string recovered_fault(TestApp& app, const std::string& config) {
  auto opened = run_json(app, {"--config", config, "open", "--json", "--title", "Pool exhausted", "--level", "P2",
                               "--started-at", "-50m", "--no-notify"});
  const std::string key = opened["key"];
  run_json(app, {"--config", config, "recover", key, "--json", "--no-notify"});
  return key;
}

struct SubTask {
  std::string key, category;
  std::vector<std::string> labels;
};

std::vector<SubTask> subtasks(const SandboxApi& api, const FlavorCase& f, const std::string& parent) {
  std::vector<SubTask> out;
  const std::string root = f.jira_api;
  const auto issue = api.call(Method::Get, root + "/issue/" + parent + "?fields=subtasks");
  for (const auto& sub : issue["fields"]["subtasks"]) {
    const std::string key = sub["key"];
    const auto full = api.call(Method::Get, root + "/issue/" + key + "?fields=labels,status");
    out.push_back({key, full["fields"]["status"]["statusCategory"]["key"], full["fields"]["labels"]});
  }
  return out;
}

// Open action sub-tasks per action id label.
std::map<std::string, int> open_actions_by_id(const std::vector<SubTask>& subs) {
  std::map<std::string, int> count;
  for (const auto& s : subs) {
    if (s.category == "done") continue;
    for (const auto& l : s.labels)
      if (l.starts_with("fault-action-id-")) ++count[l];
  }
  return count;
}

}  // namespace

TEST_CASE("two review publish of one file at once: both exit 0, each action once, one page",
          "[integration][review][race]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  // The lock's settle: fixed, and the default (each run's read-to-write time).
  const bool fixed_settle = GENERATE(true, false);
  SandboxProcess sandbox(flavor.flavor, {"--latency-ms", "100"});
  const SandboxApi api(sandbox, flavor);
  const auto dir = test_dir("review-race-" + std::string(flavor.flavor));
  const auto config = write_publish_config(dir, flavor, sandbox.url());
  TestApp app = make_app(sandbox);
  const auto key = recovered_fault(app, config);
  const auto file = write_text(dir / "review.md", review_with_actions(10));
  std::vector<std::string> args = {"--config", config, "--json", "review", "publish", key, file, "--no-notify"};
  if (fixed_settle) args.insert(args.end(), {"--claim-wait", "500"});

  const pid_t a = spawn_faultline(sandbox, args, (dir / "a.json").string());
  const pid_t b = spawn_faultline(sandbox, args, (dir / "b.json").string());
  const int code_a = wait_exit(a);
  const int code_b = wait_exit(b);
  INFO("a: " << read_text(dir / "a.json"));
  INFO("b: " << read_text(dir / "b.json"));
  CHECK(code_a == 0);
  CHECK(code_b == 0);

  const auto subs = subtasks(api, flavor, key);
  const auto by_id = open_actions_by_id(subs);
  CHECK(by_id.size() == 10);
  for (const auto& [label, n] : by_id) {
    INFO(label);
    CHECK(n == 1);
  }
  // Both name the same page and the same sub-task per action.
  const auto out_a = nlohmann::json::parse(read_text(dir / "a.json"));
  const auto out_b = nlohmann::json::parse(read_text(dir / "b.json"));
  CHECK(out_a["page"]["id"] == out_b["page"]["id"]);
  REQUIRE(out_a["actions"].size() == 10);
  REQUIRE(out_b["actions"].size() == 10);
  for (std::size_t i = 0; i < 10; ++i) CHECK(out_a["actions"][i]["key"] == out_b["actions"][i]["key"]);
  // Nobody holds the publishing lock any more, and a third run writes nothing.
  const std::string root = flavor.jira_api;
  const auto lock = api.send(Method::Get, root + "/issue/" + key + "/properties/faultline.publishing", nullptr,
                             flavor.authorization());
  CHECK(lock.status == 404);
  const auto mark = api.next_request();
  run_json(app, {"--config", config, "--json", "review", "publish", key, file, "--no-notify"});
  CHECK(api.writes_since(mark).empty());
}

TEST_CASE("review publish closes duplicate sub-tasks an earlier race left, keeping the oldest of each id",
          "[integration][review][race]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor.flavor);
  const SandboxApi api(sandbox, flavor);
  const auto dir = test_dir("review-dups-" + std::string(flavor.flavor));
  const auto config = write_publish_config(dir, flavor, sandbox.url());
  TestApp app = make_app(sandbox);
  const auto key = recovered_fault(app, config);
  const auto file = write_text(dir / "review.md", review_with_actions(3));
  const std::vector<std::string> publish = {"--config", config, "--json", "review", "publish", key, file, "--no-notify"};
  auto first = run_json(app, publish);
  REQUIRE(first["actions"].size() == 3);
  const std::string kept = first["actions"][1]["key"];

  // A second copy of action a-2, as a run that raced past the lock would have made it.
  const std::string root = flavor.jira_api;
  const auto copy = api.call(Method::Get, root + "/issue/" + kept + "?fields=summary,labels,duedate");
  nlohmann::json fields{{"project", {{"key", "FAULT"}}},
                        {"issuetype", {{"name", "Sub-task"}}},
                        {"parent", {{"key", key}}},
                        {"summary", copy["fields"]["summary"]},
                        {"duedate", copy["fields"]["duedate"]},
                        {"labels", copy["fields"]["labels"]}};
  const std::string extra = api.call(Method::Post, root + "/issue", {{"fields", fields}})["key"];
  CHECK(open_actions_by_id(subtasks(api, flavor, key))["fault-action-id-a-2"] == 2);

  app.out.str("");
  app.err.str("");
  auto second = run_json(app, publish);
  CHECK(second["actions"][1]["key"] == kept);
  REQUIRE(second["duplicates_closed"].size() == 1);
  CHECK(second["duplicates_closed"][0]["closed"] == extra);
  CHECK(second["duplicates_closed"][0]["kept"] == kept);
  CHECK(app.err.str().find("closed " + extra + " as a duplicate of " + kept) != std::string::npos);

  const auto subs = subtasks(api, flavor, key);
  for (const auto& [label, n] : open_actions_by_id(subs)) CHECK(n == 1);
  for (const auto& s : subs) {
    if (s.key != extra) continue;
    CHECK(s.category == "done");
    CHECK(std::find(s.labels.begin(), s.labels.end(), "fault-action-duplicate") != s.labels.end());
    CHECK(std::find(s.labels.begin(), s.labels.end(), "fault-action") == s.labels.end());
  }
  const auto comments = api.call(Method::Get, root + "/issue/" + extra + "/comment");
  CHECK(comments.dump().find("Duplicate of") != std::string::npos);  // ADF on Cloud splits the text
  // Data Center's wiki markup escapes the key's hyphen ("FAULT\\-3" in the JSON).
  const auto text = comments.dump();
  std::string escaped_key = kept;
  escaped_key.replace(kept.find('-'), 1, "\\\\-");
  INFO(text);
  CHECK((text.find(kept) != std::string::npos || text.find(escaped_key) != std::string::npos));

  // Converged: the next run writes nothing.
  const auto mark = api.next_request();
  run_json(app, publish);
  CHECK(api.writes_since(mark).empty());
}
