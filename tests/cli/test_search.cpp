// `faultline search` over the fake transport on Data Center: tab-separated rows when piped, the
// --json array, nothing found is exit 0, and text that starts like a flag is given after `--`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestApp;
using nlohmann::json;

namespace {

std::string write_search_config(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream(path) << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\n"
                      << "project = \"FAULT\"\n\n[confluence]\nurl = \"https://wiki.example.com/confluence\"\n"
                      << "flavor = \"datacenter\"\nspace = \"OPS\"\n\n[team]\ntimezone = \"Asia/Shanghai\"\n";
  return path;
}

const char* k_fault_found = R"({"startAt":0,"maxResults":50,"total":1,"issues":[{"id":"10002","key":"FAULT-2","fields":{
  "summary":"Redis pool exhausted","issuetype":{"name":"Fault"},"status":{"name":"Closed","statusCategory":{"key":"done"}},
  "created":"2026-09-01T10:00:00.000+0800","labels":["fault","fault-level-p2"],"description":"The pool ran dry."}}]})";

const char* k_review_found = R"({"results":[{"content":{"id":"302","type":"page",
  "title":"FAULT-2: Redis pool exhausted — Fault review",
  "metadata":{"labels":{"results":[{"name":"fault-review"},{"name":"fault-2"}]}},"_links":{"webui":"/display/OPS/302"}},
  "excerpt":"redis pool at 100%"}],"_links":{"base":"https://wiki.example.com/confluence"}})";

const char* k_nothing_jira = R"({"startAt":0,"maxResults":50,"total":0,"issues":[]})";
const char* k_nothing_wiki = R"({"results":[],"_links":{}})";

}  // namespace

TEST_CASE("search prints one row per fault, tab-separated when piped, or the JSON array", "[cli][search]") {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-search";
  const auto config = write_search_config(dir);
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  FakeTransport fake;
  app.transport = &fake;

  SECTION("found in Jira and in its review page") {
    fake.on(Method::Get, "/rest/api/2/search").reply(200, k_fault_found);
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-2/properties/faultline").reply(404, R"({"errorMessages":["none"]})");
    fake.on(Method::Get, "/confluence/rest/api/search").reply(200, k_review_found);
    REQUIRE(app.run({"--config", config, "search", "redis", "pool"}) == 0);
    CHECK(app.out.str() ==
          "FAULT-2\tP2\tClosed\t2026-09-01\tRedis pool exhausted\thttps://wiki.example.com/confluence/display/OPS/302\t"
          "redis pool at 100%\n");
    fake.verify();
  }
  SECTION("nothing matches: exit 0, [] with --json") {
    fake.on(Method::Get, "/rest/api/2/search").reply(200, k_nothing_jira);
    fake.on(Method::Get, "/confluence/rest/api/search").reply(200, k_nothing_wiki);
    REQUIRE(app.run({"--config", config, "--json", "search", "--", "-b OR x"}) == 0);
    CHECK(json::parse(app.out.str()) == json::array());
    std::string jql;  // the two searches run at once: either may come first
    for (const auto& call : fake.calls()) jql += query_param(call.url, "jql").value_or("");
    CHECK(jql.find(R"(text ~ "\"-b OR x\"")") != std::string::npos);
    fake.verify();
  }
  SECTION("a bad --status is a usage error before any request") {
    CHECK(app.run({"--config", config, "search", "pool", "--status", "resolved"}) == 2);
    CHECK(fake.calls().empty());
  }
  std::filesystem::remove_all(dir);
}
