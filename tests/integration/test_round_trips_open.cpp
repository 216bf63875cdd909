// Round-trip budgets of `faultline open` against the sandbox, on both flavors, with a warm
// field cache (the map cached per site by the first run): the exact requests of an open and
// of an `open --dedupe-key` that finds its fault open and reports it again, and their depth
// (sequential waves, from --verbose). A regression in either fails here; times stay in bench/.
//
// The config has a coordinator, mapped fields and a chat route for fault.opened, so every
// step runs: the coordinator lookup, the create, the watch, the announcement (the sent log's
// intent, the post, its result) and the similar-faults lookup.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

std::string round_trips_config(const std::filesystem::path& dir, const FlavorCase& flavor) {
  return write_config(dir, jira_config(flavor) + "[jira.fields]\nlevel = \"Fault Level\"\ndedupe_key = \"Dedupe Key\"\n\n"
                                                 "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
                                                 "[people.dave]\njira = \"" + flavor.dave + "\"\n\n"
                                                 "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                                 "[routes]\n\"fault.opened\" = [\"ops\"]\n");
}

// "METHOD path" of the requests faultline sent since `since` (the sandbox's own API left out),
// sorted: concurrent requests arrive in any order.
std::vector<std::string> requests_of_run(const SandboxApi& api, std::size_t since) {
  std::vector<std::string> out;
  for (const auto& r : api.requests_since(since)) {
    const std::string path = r["path"];
    if (!path.starts_with("/_sandbox/")) out.push_back(std::string(r["method"]) + " " + path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The depth --verbose reports ("faultline: N sequential round trips").
int depth_of_run(const TestApp& app) {
  const std::regex pattern("faultline: ([0-9]+) sequential round trips");
  std::smatch match;
  const std::string err = app.err.str();
  if (!std::regex_search(err, match, pattern)) return -1;
  return std::stoi(match[1]);
}

std::vector<std::string> sorted(std::vector<std::string> list) {
  std::sort(list.begin(), list.end());
  return list;
}

}  // namespace

TEST_CASE("open and open --dedupe-key reporting again make a fixed number of requests, in few waves",
          "[integration][open][round-trips]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  INFO(flavor.flavor);
  SandboxProcess sandbox(flavor.flavor);
  const SandboxApi api(sandbox, flavor);
  const auto dir = test_dir(std::string("round-trips-open-") + flavor.flavor);
  const auto config = round_trips_config(dir, flavor);
  auto app = make_app(sandbox);
  app.env.set("XDG_CACHE_HOME", (dir / "cache").string());  // never the real ~/.cache
  const std::string root = flavor.jira_api;
  const bool cloud = flavor.cloud();

  // A first run fetches the field map and caches it (cold: one GET /field more).
  std::size_t since = api.next_request();
  run_json(app, {"--config", config, "--json", "open", "--title", "Checkout returns 500", "--level", "P2", "--no-similar"});
  auto cold = requests_of_run(api, since);
  CHECK(std::count(cold.begin(), cold.end(), "GET " + root + "/field") == 1);
  REQUIRE(std::filesystem::exists(dir / "cache" / "faultline"));

  // open, warm: lookup; create; announcement chain ∥ watch ∥ re-read ∥ similar faults.
  since = api.next_request();
  auto opened = run_json(app, {"--config", config, "--json", "-v", "open", "--title", "Disk full on db1", "--level", "P3"});
  const std::string key = opened["key"];
  const std::string issue = root + "/issue/" + key;
  const std::string lookup = cloud ? "GET " + root + "/user" : "GET " + root + "/user/search";
  const std::string search = cloud ? "POST " + root + "/search/jql" : "GET " + root + "/search";
  CHECK(requests_of_run(api, since) == sorted({lookup,
                                               "POST " + root + "/issue",
                                               "PUT " + issue + "/properties/faultline.notified",
                                               "POST /hooks/generic/ops",
                                               "PUT " + issue + "/properties/faultline.notified",
                                               "POST " + issue + "/watchers",
                                               "GET " + issue,
                                               search}));
  // Without the chat route it would be 3: the announcement's chain (intent, post, result)
  // takes the last wave from 1 to 3.
  CHECK(depth_of_run(app) == 5);
  CHECK(opened["created"] == true);
  CHECK(opened["fault"]["status"].is_string());
  CHECK(opened["notifications"].size() == 1);

  // open --dedupe-key: the first run creates, the second finds it and reports it again.
  run_json(app, {"--config", config, "--json", "open", "--title", "Queue backlog", "--level", "P3", "--dedupe-key",
                 "queue-backlog"});
  const auto first = api.messages("fault.opened").size();
  since = api.next_request();
  auto again = run_json(app, {"--config", config, "--json", "-v", "open", "--title", "Queue backlog", "--level", "P3",
                              "--dedupe-key", "queue-backlog"});
  const std::string again_issue = root + "/issue/" + std::string(again["key"]);
  std::vector<std::string> expected = {search,                                              // wave 1
                                       lookup,                                              // wave 1
                                       "GET " + again_issue + "/comment",                   // wave 2
                                       "GET " + again_issue + "/properties/faultline.notified",
                                       "GET " + again_issue + "/watchers",
                                       "POST " + again_issue + "/comment"};                 // wave 3
  // Data Center's search returns no properties: the fault's is read after it (wave 1).
  if (!cloud) expected.push_back("GET " + again_issue + "/properties/faultline");
  CHECK(requests_of_run(api, since) == sorted(expected));
  CHECK(depth_of_run(app) == (cloud ? 3 : 4));
  CHECK(again["created"] == false);
  // Announced once: the sent log kept the second run from posting it again.
  CHECK(api.messages("fault.opened").size() == first);
  std::filesystem::remove_all(dir);
}
