// `faultline search` and the similar faults of `open` against the sandbox, on Cloud and Data
// Center: a fault whose review page (written by `review publish`) holds a phrase nothing else
// has is found by that phrase through the page's key label, with the review link; a phrase of
// its title finds it in Jira; hostile text is a literal and finds nothing (exit 0); a second
// fault on the same service lists the first as "seen before" with its review link.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "faultline/util/strings.hpp"
#include "support/integration.hpp"

using namespace faultline::testing;
using nlohmann::json;

namespace {

std::string search_config(const std::filesystem::path& dir, const FlavorCase& f, const std::string& sandbox_url) {
  return write_config(dir, jira_config(f) +
                               "[jira.fields]\nlevel = \"Fault Level\"\ntype = \"Fault Type\"\nsource = \"Fault Source\"\n"
                               "team = \"Team\"\nservice = \"Service\"\nstarted_at = \"Started At\"\n"
                               "recovered_at = \"Recovered At\"\n\n"
                               "[confluence]\nurl = \"" + sandbox_url + f.wiki + "\"\nflavor = \"" + f.flavor +
                               "\"\nspace = \"OPS\"\nparent = \"Fault Reviews\"\n\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\n");
}

// A review file without actions whose root cause holds `phrase`.
std::string review_file(const std::string& phrase) {
  return "+++\nlevel = \"P2\"\ntype = \"Configuration\"\nteam = \"payments\"\nimpact = \"3% of checkouts failed\"\n+++\n\n"
         "## Summary\n\nCheckout returned 500 after a config push.\n\n## Root cause\n\n" + phrase +
         " after the config push.\n";
}

std::vector<std::string> open_args(const std::string& config, const std::string& title) {
  return {"--config", config, "open", "--json", "--title", title, "--level", "P2", "--type", "Configuration", "--source",
          "monitoring", "--team", "payments", "--service", "checkout", "--started-at", "-50m", "--no-notify"};
}

bool found_in(const json& item, const char* source) {
  const auto& sources = item["found_in"];
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

}  // namespace

TEST_CASE("search finds a fault by a phrase only its review page holds, on both flavors", "[integration][search]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor.flavor);
  SandboxApi api(sandbox, flavor);
  const auto dir = test_dir(std::string("search-") + flavor.flavor);
  TestApp app = make_app(sandbox);
  const auto config = search_config(dir, flavor, sandbox.url());

  auto opened = run_json(app, open_args(config, "Checkout returns 500"));
  const std::string key = opened["key"];
  CHECK(opened["similar"] == json::array());
  run_json(app, {"--config", config, "recover", key, "--json", "--how", "rollback", "--rollback-to", "2026.11.1",
                 "--no-notify"});
  const auto file = write_text(dir / "review.md", review_file("The flux capacitor of db7 was misaligned"));
  auto published = run_json(app, {"--config", config, "review", "publish", key, file, "--json", "--no-notify"});
  const std::string page_url = published["page"]["url"];
  api.catch_up_index();

  // The phrase is only in the review page: found through the page's key label.
  const auto before = api.next_request();
  auto found = run_json(app, {"--config", config, "--json", "search", "flux capacitor of db7"});
  INFO(found.dump(2));
  REQUIRE(found.size() == 1);
  CHECK(found[0]["type"] == "fault");
  CHECK(found[0]["key"] == key);
  CHECK(found[0]["title"] == "Checkout returns 500");
  CHECK(found[0]["level"] == "P2");
  CHECK(found[0]["review_url"] == page_url);
  CHECK(found[0]["found_in"] == json{"confluence"});
  CHECK(faultline::lower(found[0]["excerpt"].get<std::string>()).find("flux capacitor of db7") != std::string::npos);
  // One Jira text search, one Confluence search, one read of the fault the page names.
  CHECK(api.count_since(before, "GET", std::string(flavor.wiki) + "/rest/api/search") == 1);

  // Words of the title are in the ticket (and in the page, which repeats the summary).
  auto by_title = run_json(app, {"--config", config, "--json", "search", "Checkout returns"});
  REQUIRE_FALSE(by_title.empty());
  CHECK(by_title[0]["key"] == key);
  CHECK(found_in(by_title[0], "jira"));

  // Operators, quotes and backslashes are words of one phrase: nothing matches, exit 0.
  auto hostile = run_json(app, {"--config", config, "--json", "search", "--", R"(flux" OR project = FAULT \ * -b)"});
  CHECK(hostile == json::array());

  // A new fault on the same service: the first one is "seen before", with its review link.
  auto second = run_json(app, open_args(config, "Checkout latency high"));
  INFO(app.err.str());
  REQUIRE(second["similar"].size() == 1);
  CHECK(second["similar"][0]["key"] == key);
  CHECK(second["similar"][0]["review_url"] == page_url);
  std::filesystem::remove_all(dir);
}
