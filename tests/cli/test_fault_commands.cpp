// Fault commands over the fake transport: argument handling without a terminal (the missing
// flag named, exit 2, no request sent), classification, and `open --dedupe-key` commenting
// on the open fault instead of creating one — once, even when run again; and the similar
// past faults `open` shows after creating one.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::fixture;
using faultline::testing::TestApp;

namespace {

// A Data Center config with level rules and no field mapping or chat routes.
std::string write_config(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("faultline-test-fault-" + name);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
       << "[levels.retail]\nfallback = \"P4\"\n"
       << "[[levels.retail.rule]]\nlevel = \"P1\"\nmatch = \"all\"\nconditions = [\"scope >= 30\", \"duration >= 60\"]\n"
       << "[[levels.retail.rule]]\nlevel = \"P2\"\nmatch = \"any\"\nconditions = [\"scope >= 10\"]\n";
  return path;
}

std::string comments_with(const std::string& wiki_body) {
  nlohmann::json comments{{"startAt", 0}, {"maxResults", 50}, {"total", 1},
                          {"comments", {{{"id", "1"}, {"body", wiki_body}, {"created", "2026-11-18T10:05:00.000+0800"},
                                          {"author", {{"name", "oncall"}}}}}}};
  return comments.dump();
}

}  // namespace

TEST_CASE("open without a terminal names the missing --title and exits 2 without a request", "[cli][fault][open]") {
  const auto config = write_config("open-usage");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "open", "--level", "P2"}) == 2);
  CHECK(app.err.str().find("--title") != std::string::npos);
  CHECK(app.run({"--config", config, "open", "--title", "x"}) == 2);
  CHECK(app.err.str().find("--level") != std::string::npos);
  CHECK(app.run({"--config", config, "open", "--title", "x", "--level", "P7"}) == 2);
  CHECK(app.err.str().find("P7") != std::string::npos);
  CHECK(app.run({"--config", config, "open", "--title", "x", "--metric", "scope=12"}) == 2);
  CHECK(app.err.str().find("--bu") != std::string::npos);
  CHECK(app.run({"--config", config, "open", "--title", "x", "--level", "P2", "--source", "pager"}) == 2);
}

TEST_CASE("update and recover check their flags before any request", "[cli][fault]") {
  const auto config = write_config("update-usage");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "update", "FAULT-1"}) == 2);
  CHECK(app.err.str().find("--message") != std::string::npos);
  CHECK(app.run({"--config", config, "update", "FAULT-1", "--status", "panicking"}) == 2);
  CHECK(app.run({"--config", config, "recover", "FAULT-1", "--how", "prayer"}) == 2);
  CHECK(app.run({"--config", config, "update"}) == 2);  // KEY is required
}

TEST_CASE("classify prints the level and the rule that matched", "[cli][fault][classify]") {
  const auto config = write_config("classify");
  TestApp app;
  REQUIRE(app.run({"--config", config, "classify", "--bu", "retail", "--metric", "scope=12", "--metric", "duration=45"}) == 0);
  CHECK(app.out.str().rfind("P2\t", 0) == 0);
  CHECK(app.out.str().find("scope >= 10") != std::string::npos);

  REQUIRE(app.run({"--config", config, "--json", "classify", "--bu", "retail", "--metric", "scope=40", "--metric",
                   "duration=90"}) == 0);
  auto json = nlohmann::json::parse(app.out.str());
  CHECK(json["level"] == "P1");
  CHECK(json["rule"]["combine"] == "all");
  CHECK(json["rule"]["conditions"].size() == 2);
  CHECK(json["metrics"]["scope"] == 40.0);

  REQUIRE(app.run({"--config", config, "classify", "--bu", "retail", "--metric", "scope=1"}) == 0);
  CHECK(app.out.str().rfind("P4\t", 0) == 0);

  CHECK(app.run({"--config", config, "classify", "--bu", "wholesale", "--metric", "scope=1"}) == 2);
  CHECK(app.err.str().find("retail") != std::string::npos);
  CHECK(app.run({"--config", config, "classify", "--bu", "retail", "--metric", "scope"}) == 2);
  CHECK(app.run({"--config", config, "classify", "--bu", "retail", "--metric", "scope=abc"}) == 2);
}

TEST_CASE("open with the dedupe key of an open fault comments on it once instead of creating one",
          "[cli][fault][open][dedupe]") {
  const auto config = write_config("open-dedupe");
  const std::vector<std::string> args = {"--config", config, "--json", "open", "--title", "Disk full on db1",
                                         "--level", "P3", "--dedupe-key", "db1/disk"};
  std::string posted_body;
  {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/search")
        .when([](const faultline::http::Request& r) {
          return r.url.find("fault-dedupe-") != std::string::npos && r.url.find("statusCategory") != std::string::npos;
        })
        .reply(200, fixture("cli/fault_search_dedupe_dc.json"));
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/properties/faultline").reply(200, fixture("cli/fault_property_dc.json"));
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/comment").reply(200, fixture("cli/comments_empty_dc.json"));
    fake.on(Method::Post, "/rest/api/2/issue/FAULT-7/comment")
        .json_body([](const nlohmann::json& body) {
          const auto text = body.value("body", std::string());
          return text.find("db1/disk") != std::string::npos && text.find("faultline op ") != std::string::npos;
        })
        .reply(201, fixture("jira/datacenter/comment.json"));
    // The coordinator already watches it: the watch step reads and is skipped.
    fake.on(Method::Get, "/rest/api/2/user/search").query("username", "dave")
        .reply(200, R"([{"name":"dave","key":"JIRAUSER10300","displayName":"Dave","active":true}])");
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/watchers")
        .reply(200, R"({"watchCount":1,"isWatching":false,"watchers":[{"name":"dave","key":"JIRAUSER10300","displayName":"Dave","active":true}]})");
    TestApp app;
    app.env.set("T", "secret-token-1234567");
    app.transport = &fake;
    REQUIRE(app.run(args) == 0);
    INFO(app.err.str());
    auto json = nlohmann::json::parse(app.out.str());
    CHECK(json["key"] == "FAULT-7");
    CHECK(json["created"] == false);
    CHECK(json["url"] == "https://jira.example.com/browse/FAULT-7");
    CHECK(json["level"] == "P3");
    CHECK(json["fault"]["service"] == "db");
    CHECK(json["operations"][0]["op"] == "comment");
    CHECK(json["operations"][0]["status"] == "done");
    CHECK(json["notifications"].empty());
    fake.verify();
    for (const auto& call : fake.calls())
      if (call.method == Method::Post) posted_body = nlohmann::json::parse(call.body)["body"];
  }
  REQUIRE(!posted_body.empty());

  // The re-run finds its marker among the comments and posts nothing.
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").reply(200, fixture("cli/fault_search_dedupe_dc.json"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/properties/faultline").reply(200, fixture("cli/fault_property_dc.json"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/comment").reply(200, comments_with(posted_body));
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "dave")
      .reply(200, R"([{"name":"dave","key":"JIRAUSER10300","displayName":"Dave","active":true}])");
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/watchers")
      .reply(200, R"({"watchCount":1,"isWatching":false,"watchers":[{"name":"dave","key":"JIRAUSER10300","displayName":"Dave","active":true}]})");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run(args) == 0);
  auto json = nlohmann::json::parse(app.out.str());
  CHECK(json["key"] == "FAULT-7");
  CHECK(json["operations"][0]["status"] == "skipped");
  fake.verify();
  CHECK(app.out.str().find("secret-token-1234567") == std::string::npos);
}

TEST_CASE("every fault command's help shows examples", "[cli][fault]") {
  for (const char* command : {"open", "update", "recover", "show", "list", "classify", "rollback"}) {
    TestApp app;
    INFO(command);
    REQUIRE(app.run({command, "--help"}) == 0);
    CHECK(app.out.str().find("Examples:") != std::string::npos);
  }
}

TEST_CASE("rollback without --service, --from or --to names the flag and exits 2", "[cli][fault][rollback]") {
  const auto config = write_config("rollback-usage");
  TestApp app;
  CHECK(app.run({"--config", config, "rollback", "--from", "v2", "--to", "v1"}) == 2);
  CHECK(app.err.str().find("--service") != std::string::npos);
  CHECK(app.run({"--config", config, "rollback", "--service", "s", "--from", "v2", "--to", "v1", "--ci-field", "colour=red"}) == 2);
  CHECK(app.err.str().find("colour") != std::string::npos);
}

namespace {

// A Cloud config whose coordinator is alice, in a fresh directory.
std::string write_cloud_open_config(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto config = (dir / "faultline.toml").string();
  std::ofstream(config) << "[jira]\nurl = \"https://example.atlassian.net\"\nflavor = \"cloud\"\n"
                        << "user = \"oncall@example.com\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
                        << "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"alice\"\n\n"
                        << "[people.alice]\njira = \"alice@example.com\"\n";
  return config;
}

// `open` of "Checkout returns 500" on Cloud (flags after the config).
const std::vector<std::string> k_cloud_open_args = {"open", "--title", "Checkout returns 500", "--level", "p2",
                                                    "--source", "monitoring", "--service", "checkout", "--dedupe-key",
                                                    "checkout-500"};

// The calls that open makes on Cloud for k_cloud_open_args: the dedupe search, the create
// (FAULT-41), the settle re-checks, the coordinator as watcher, the fault read back.
void expect_cloud_open(FakeTransport& fake) {
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const nlohmann::json& body) {
        return !body.contains("reconcileIssues") && body["jql"].get<std::string>().find("fault-dedupe-") != std::string::npos;
      })
      .reply(200, R"({"issues":[],"isLast":true})");
  fake.on(Method::Post, "/rest/api/3/issue")
      .json_body([](const nlohmann::json& body) {
        const auto labels = body["fields"]["labels"].dump();
        const auto& property = body["properties"][0];
        return labels.find("fault-dedupe-") != std::string::npos && labels.find("fault-level-p2") != std::string::npos &&
               labels.find("fault-source-monitoring") != std::string::npos && property["key"] == "faultline" &&
               property["value"]["dedupe_key"] == "checkout-500" && property["value"]["service"] == "checkout" &&
               body["fields"]["summary"] == "Checkout returns 500";
      })
      .reply(201, fixture("jira/cloud/create_issue.json"));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const nlohmann::json& body) { return body["reconcileIssues"] == nlohmann::json::array({10040}) ||
                                                         body["reconcileIssues"] == nlohmann::json::array({"10040"}); })
      .reply(200, fixture("cli/fault_search_new_cloud.json"))
      .times(5);  // the settle window: the first re-check and four more after pauses
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "alice@example.com").reply(200, fixture("jira/cloud/user_search.json"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-41/watchers")
      .when([](const faultline::http::Request& r) { return r.body == "\"5b10a2844c20165700ede21g\""; })
      .reply(204);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").reply(200, fixture("cli/fault_get_new_cloud.json"));
}

// Whether a search is the similar-faults lookup: other faults, newest first, at most three.
bool is_similar_lookup(const nlohmann::json& body) {
  const std::string jql = body.value("jql", "");
  return jql.find("key != \"FAULT-41\"") != std::string::npos && jql.ends_with("ORDER BY created DESC") &&
         body.value("maxResults", 0) == 3;
}

}  // namespace

TEST_CASE("open on Cloud creates with labels and property, reconciles its new id, and adds the coordinator",
          "[cli][fault][open][cloud]") {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-fault-open-cloud";
  const auto config = write_cloud_open_config(dir);
  FakeTransport fake;
  expect_cloud_open(fake);
  // Then the past faults like it: one, with its review page.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body(is_similar_lookup)
      .reply(200, R"({"isLast":true,"issues":[{"id":"10007","key":"FAULT-7","fields":{"summary":"Checkout returns 500 again",
                     "status":{"name":"Closed","statusCategory":{"key":"done"}},"created":"2026-10-01T10:00:00.000+0800",
                     "labels":["fault","fault-level-p2"]},"properties":{"faultline":{"service":"checkout",
                     "review_page_url":"https://example.atlassian.net/wiki/spaces/OPS/pages/7"}}}]})");

  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  std::vector<std::string> args = {"--config", config, "--json"};
  args.insert(args.end(), k_cloud_open_args.begin(), k_cloud_open_args.end());
  const int code = app.run(args);
  INFO(app.err.str());
  REQUIRE(code == 0);
  auto json = nlohmann::json::parse(app.out.str());
  CHECK(json["key"] == "FAULT-41");
  CHECK(json["created"] == true);
  CHECK(json["url"] == "https://example.atlassian.net/browse/FAULT-41");
  CHECK(json["level"] == "P2");
  CHECK(json["fault"]["coordinator"] == "alice");
  CHECK(json["duplicates_closed"].empty());
  REQUIRE(json["similar"].size() == 1);
  CHECK(json["similar"][0]["key"] == "FAULT-7");
  CHECK(json["similar"][0]["review_url"] == "https://example.atlassian.net/wiki/spaces/OPS/pages/7");
  CHECK(json["similar"][0]["date"] == "2026-10-01T10:00:00+08:00");
  fake.verify();
  std::filesystem::remove_all(dir);
}

TEST_CASE("open shows similar past faults on stderr; a failed lookup only warns; --no-similar skips it",
          "[cli][fault][open][similar]") {
  const auto dir = std::filesystem::temp_directory_path() / "faultline-test-fault-open-similar";
  const auto config = write_cloud_open_config(dir);
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  std::vector<std::string> args = {"--config", config};
  args.insert(args.end(), k_cloud_open_args.begin(), k_cloud_open_args.end());

  SECTION("found: listed on stderr with the review link, stdout unchanged") {
    FakeTransport fake;
    expect_cloud_open(fake);
    fake.on(Method::Post, "/rest/api/3/search/jql")
        .json_body(is_similar_lookup)
        .reply(200, R"({"isLast":true,"issues":[{"id":"10007","key":"FAULT-7","fields":{"summary":"Checkout 500",
                       "status":{"name":"Closed","statusCategory":{"key":"done"}},"created":"2026-10-01T10:00:00.000+0800"},
                       "properties":{"faultline":{"review_page_url":"https://wiki/7"}}}]})");
    app.transport = &fake;
    REQUIRE(app.run(args) == 0);
    CHECK(app.out.str() == "FAULT-41\thttps://example.atlassian.net/browse/FAULT-41\n");
    CHECK(app.err.str().find("similar past faults") != std::string::npos);
    CHECK(app.err.str().find("FAULT-7  2026-10-01  Closed  Checkout 500  review: https://wiki/7") != std::string::npos);
    fake.verify();
  }
  SECTION("the lookup fails: a warning, exit 0") {
    FakeTransport fake;
    expect_cloud_open(fake);
    fake.on(Method::Post, "/rest/api/3/search/jql")
        .json_body(is_similar_lookup)
        .reply(400, R"({"errorMessages":["Error in the JQL Query"]})");
    app.transport = &fake;
    REQUIRE(app.run(args) == 0);
    CHECK(app.out.str() == "FAULT-41\thttps://example.atlassian.net/browse/FAULT-41\n");
    CHECK(app.err.str().find("warning: could not look for similar past faults") != std::string::npos);
    fake.verify();
  }
  SECTION("--no-similar: no lookup, and --json says similar: []") {
    FakeTransport fake;
    expect_cloud_open(fake);
    app.transport = &fake;
    args.insert(args.begin() + 2, "--json");
    args.push_back("--no-similar");
    REQUIRE(app.run(args) == 0);
    CHECK(nlohmann::json::parse(app.out.str())["similar"] == nlohmann::json::array());
    fake.verify();  // an unexpected lookup would fail here
  }
  std::filesystem::remove_all(dir);
}
