// The use-case behind `faultline search` and the "seen before" lookup of `open`, against fake
// Jira and Confluence on both flavors: the exact JQL and CQL sent (hostile text stays one
// literal phrase), the filters as JQL clauses, an action hit counted for its parent, a review
// page tied to its fault by the key label, the faults named but not read fetched once with
// `key in`, and the request counts.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/search.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::http::Method;
using faultline::http::Request;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestServices;
using nlohmann::json;

namespace {

struct Flavor {
  const char* name;
  const char* config;
  const char* jira_search;  // path of the search
  const char* wiki;         // Confluence's context path
  const char* text_field;   // CQL text field
  bool cloud() const { return std::string(name) == "cloud"; }
};

const Flavor k_cloud{"cloud", R"(
[jira]
url = "https://example.atlassian.net"
flavor = "cloud"
user = "oncall@example.com"
token_env = "JIRA_TOKEN"
project = "FAULT"

[jira.fields]
service = "Service"

[confluence]
url = "https://example.atlassian.net/wiki"
space = "OPS"

[team]
timezone = "Asia/Shanghai"
)",
                     "/rest/api/3/search/jql", "/wiki", "siteSearch"};

const Flavor k_datacenter{"datacenter", R"(
[jira]
url = "https://jira.example.com"
flavor = "datacenter"
token_env = "JIRA_TOKEN"
project = "FAULT"

[jira.fields]
service = "Service"

[confluence]
url = "https://wiki.example.com/confluence"
flavor = "datacenter"
space = "OPS"

[team]
timezone = "Asia/Shanghai"
)",
                          "/rest/api/2/search", "/confluence", "text"};

const std::map<std::string, std::string> k_env = {{"JIRA_TOKEN", "secret-token-123456"}};

// GET /field: Service, a text field.
std::string field_list() {
  return json::array({{{"id", "customfield_10015"},
                       {"name", "Service"},
                       {"custom", true},
                       {"schema",
                        {{"type", "string"}, {"custom", "com.atlassian.jira.plugin.system.customfieldtypes:textfield"}}}}})
      .dump();
}

// The JQL of a search request on either flavor.
std::string jql_of(const Request& request) {
  if (request.method == Method::Get) return query_param(request.url, "jql").value_or("");
  return json::parse(request.body).value("jql", "");
}

bool is_text_search(const Request& request) { return jql_of(request).find("text ~") != std::string::npos; }
bool is_key_read(const Request& request) { return jql_of(request).find("key in") != std::string::npos; }
bool is_page_search(const Request& request) { return request.url.find("/rest/api/search?") != std::string::npos; }

// A fault issue as a search returns it: service bound, the rest in the property.
json fault_issue(const std::string& key, const std::string& summary, const json& property, const std::string& created) {
  return {{"id", "1" + key.substr(6)},
          {"key", key},
          {"fields",
           {{"summary", summary},
            {"issuetype", {{"name", "Fault"}}},
            {"status", {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}}},
            {"created", created},
            {"labels", {"fault", "fault-level-p2"}},
            {"customfield_10015", "checkout"},
            {"description", "Checkout returned 500."},
            {"comment", {{"comments", json::array()}}}}},
          {"properties", {{"faultline", property}}}};
}

json action_issue(const std::string& key, const std::string& parent, const std::string& summary) {
  return {{"id", "2" + key.substr(6)},
          {"key", key},
          {"fields",
           {{"summary", summary},
            {"issuetype", {{"name", "Sub-task"}, {"subtask", true}}},
            {"parent", {{"key", parent}}},
            {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
            {"created", "2026-10-05T10:00:00.000+0800"},
            {"labels", {"fault-action"}}}}};
}

std::string search_reply(const json& issues) {
  return json{{"issues", issues}, {"isLast", true}, {"startAt", 0}, {"maxResults", 50}, {"total", issues.size()}}.dump();
}

json page_result(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
                 const std::string& excerpt) {
  json names = json::array();
  for (const auto& l : labels) names.push_back({{"prefix", "global"}, {"name", l}});
  return {{"content",
           {{"id", id},
            {"type", "page"},
            {"title", title},
            {"space", {{"key", "OPS"}}},
            {"metadata", {{"labels", {{"results", names}}}}},
            {"_links", {{"webui", "/spaces/OPS/pages/" + id}}}}},
          {"title", title},
          {"excerpt", excerpt}};
}

std::string pages_reply(const Flavor& flavor, const json& results) {
  const std::string base = flavor.cloud() ? "https://example.atlassian.net/wiki" : "https://wiki.example.com/confluence";
  return json{{"results", results}, {"size", results.size()}, {"_links", {{"base", base}}}}.dump();
}

// Registers the field list, the Jira text search and the Confluence search with their answers.
void expect_searches(FakeTransport& fake, const Flavor& flavor, const json& issues, const json& pages) {
  fake.on(Method::Get, flavor.cloud() ? "/rest/api/3/field" : "/rest/api/2/field").reply(200, field_list());
  fake.on(flavor.cloud() ? Method::Post : Method::Get, flavor.jira_search)
      .when(is_text_search)
      .reply(200, search_reply(issues));
  fake.on(Method::Get, std::string(flavor.wiki) + "/rest/api/search").reply(200, pages_reply(flavor, pages));
}

const Request& call_where(const FakeTransport& fake, const std::function<bool(const Request&)>& which) {
  for (const auto& call : fake.calls())
    if (which(call)) return call;
  FAIL("no such call");
  return fake.calls().front();
}

// search_faults over `fake` with `config`; requires success and every expected call made.
faultline::Result<faultline::app::FaultSearchResult> searched(FakeTransport& fake, const std::string& config,
                                                            const faultline::app::FaultSearchRequest& request) {
  TestServices services(fake, config, k_env);
  auto result = faultline::app::search_faults(services, request);
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result);
  fake.verify();
  return result;
}

}  // namespace

TEST_CASE("hostile search text is one literal phrase in the JQL and the CQL, on both flavors", "[app][search]") {
  for (const auto* flavor : {&k_cloud, &k_datacenter}) {
    DYNAMIC_SECTION(flavor->name) {
      FakeTransport fake;
      expect_searches(fake, *flavor, json::array(), json::array());
      faultline::app::FaultSearchRequest request;
      request.text = R"(a" OR project = X \ * -b)";
      const auto result = searched(fake, flavor->config, request);
      CHECK(result->items.empty());
      CHECK(result->json == json::array());
      CHECK(fake.calls().size() == 3);  // fields, one Jira search, one Confluence search: nothing else to read

      const auto& jira = call_where(fake, is_text_search);
      CHECK(jql_of(jira) ==
            R"((project = "FAULT") AND (text ~ "\"a\\\" OR project = X \\\\ * -b\"") AND )"
            R"(((issuetype = "Fault") OR ((issuetype = "Sub-task") AND (labels = "fault-action"))))");
      const auto cql = query_param(call_where(fake, is_page_search).url, "cql");
      CHECK(cql == std::string(R"(type = page AND space = "OPS" AND label in ("fault-review", "fault-report") AND )") +
                       flavor->text_field + R"( ~ "\"a\\\" OR project = X \\\\ * -b\"")");
    }
  }
}

TEST_CASE("filters become JQL clauses on faults only; an unbound team is checked after reading", "[app][search]") {
  FakeTransport fake;
  const json issues = json::array(
      {fault_issue("FAULT-1", "Pool exhausted", {{"team", "payments"}, {"level", "P1"}}, "2026-10-02T10:00:00.000+0800"),
       fault_issue("FAULT-2", "Pool exhausted too", {{"team", "orders"}, {"level", "P1"}}, "2026-10-03T10:00:00.000+0800")});
  expect_searches(fake, k_cloud, issues, json::array());
  faultline::app::FaultSearchRequest request;
  request.text = "pool";
  request.level = "p1";
  request.status = "open";
  request.since = "2026-10-01";
  request.service = "checkout";
  request.team = "Payments";
  const auto result = searched(fake, k_cloud.config, request);
  CHECK(jql_of(call_where(fake, is_text_search)) ==
        R"((project = "FAULT") AND (text ~ "\"pool\"") AND (((issuetype = "Fault") AND (labels = "fault-level-p1") AND )"
        R"((statusCategory != "Done") AND (created >= "2026-10-01 00:00") AND (cf[10015] ~ "\"checkout\"")) OR )"
        R"(((issuetype = "Sub-task") AND (labels = "fault-action"))))");
  // With a filter, report pages (which have no level, team or date) are not asked for.
  const auto cql = query_param(call_where(fake, is_page_search).url, "cql");
  CHECK(cql == R"(type = page AND space = "OPS" AND label = "fault-review" AND siteSearch ~ "\"pool\"")");
  REQUIRE(result->items.size() == 1);
  CHECK(result->items[0].fault.key == "FAULT-1");
  // The search asked for the fields an excerpt and a row need.
  const auto fields = json::parse(call_where(fake, is_text_search).body)["fields"];
  for (const char* name : {"summary", "description", "comment", "parent", "issuetype", "status", "created", "labels",
                           "customfield_10015"})
    CHECK(std::find(fields.begin(), fields.end(), name) != fields.end());
}

TEST_CASE("an action's hit counts for its parent and a review page for the fault its key label names", "[app][search]") {
  FakeTransport fake;
  const json issues =
      json::array({fault_issue("FAULT-2", "Redis pool exhausted", {{"level", "P2"}}, "2026-09-01T10:00:00.000+0800"),
                   action_issue("FAULT-9", "FAULT-4", "Size the redis pool by load")});
  const json pages = json::array(
      {page_result("301", "FAULT-7: Orders lost — Fault review", {"fault-review", "fault-7", "fault-level-p1"},
                   "the @@@hl@@@redis pool@@@endhl@@@ was empty"),
       page_result("302", "FAULT-2: Redis pool exhausted — Fault review", {"fault-review", "fault-2"}, "redis pool at 100%"),
       page_result("303", "Fault report 2026-10", {"fault-report"}, "two redis pool faults")});
  expect_searches(fake, k_cloud, issues, pages);
  // The parent of the action and the fault of the first review page, read once, with the scope.
  fake.on(Method::Post, k_cloud.jira_search)
      .when(is_key_read)
      .reply(200, search_reply(json::array(
                      {fault_issue("FAULT-4", "Slow checkout", {{"level", "P3"}}, "2026-08-01T10:00:00.000+0800"),
                       fault_issue("FAULT-7", "Orders lost", {{"level", "P1"}, {"review_page_url", "https://saved/7"}},
                                   "2026-11-01T10:00:00.000+0800")})));
  faultline::app::FaultSearchRequest request;
  request.text = "redis pool";
  const auto result = searched(fake, k_cloud.config, request);
  CHECK(fake.calls().size() == 4);
  CHECK(jql_of(call_where(fake, is_key_read)) ==
        R"(((project = "FAULT") AND (issuetype = "Fault")) AND (key in ("FAULT-4", "FAULT-7")))");

  REQUIRE(result->json.size() == 4);
  const auto& both = result->json[0];  // found by Jira and by its review page
  CHECK(both["key"] == "FAULT-2");
  CHECK(both["found_in"] == json{"jira", "confluence"});
  CHECK(both["review_url"] == "https://example.atlassian.net/wiki/spaces/OPS/pages/302");
  CHECK(both["excerpt"] == "redis pool at 100%");
  // Then by the best position either source gave: FAULT-7 (Confluence's first), FAULT-4 (its
  // action is Jira's second), the report (Confluence's third).
  CHECK(result->json[1]["key"] == "FAULT-7");
  CHECK(result->json[1]["found_in"] == json{"confluence"});
  CHECK(result->json[1]["level"] == "P1");
  CHECK(result->json[1]["excerpt"] == "the redis pool was empty");
  CHECK(result->json[1]["review_url"] == "https://example.atlassian.net/wiki/spaces/OPS/pages/301");
  CHECK(result->json[2]["key"] == "FAULT-4");
  CHECK(result->json[2]["actions"] == json{"FAULT-9"});
  CHECK(result->json[2]["matched_field"] == "action");
  CHECK(result->json[2]["excerpt"] == "Size the redis pool by load");
  CHECK(result->json[2]["url"] == "https://example.atlassian.net/browse/FAULT-4");
  CHECK(result->json[3]["type"] == "report");
  CHECK(result->json[3]["url"] == "https://example.atlassian.net/wiki/spaces/OPS/pages/303");
}

TEST_CASE("on Data Center the property is read for fault hits in one batch, never for action hits", "[app][search]") {
  FakeTransport fake;
  json fault_1 = fault_issue("FAULT-1", "Redis pool exhausted", nullptr, "2026-09-01T10:00:00.000+0800");
  json fault_3 = fault_issue("FAULT-3", "Redis pool again", nullptr, "2026-10-01T10:00:00.000+0800");
  fault_1.erase("properties");
  fault_3.erase("properties");
  expect_searches(fake, k_datacenter, json::array({fault_1, action_issue("FAULT-2", "FAULT-1", "redis pool alarm"), fault_3}),
                  json::array());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/properties/faultline")
      .reply(200, json{{"key", "faultline"}, {"value", {{"level", "P1"}, {"review_page_url", "https://saved/1"}}}}.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-3/properties/faultline")
      .reply(404, R"({"errorMessages":["The property with key 'faultline' does not exist."]})");
  faultline::app::FaultSearchRequest request;
  request.text = "redis pool";
  const auto result = searched(fake, k_datacenter.config, request);
  CHECK(fake.batches() == std::vector<std::size_t>{2});
  CHECK(fake.calls().size() == 5);
  REQUIRE(result->items.size() == 2);
  CHECK(result->items[0].fault.key == "FAULT-1");
  CHECK(result->items[0].actions == std::vector<std::string>{"FAULT-2"});
  CHECK(result->items[0].review_url == "https://saved/1");
  CHECK(result->items[0].fault.level == "P1");
  CHECK(result->items[1].fault.level == "P2");  // no property: the marker label
}

TEST_CASE("a review page naming a fault Jira no longer has: warned about, the parents still read", "[app][search]") {
  FakeTransport fake;
  expect_searches(fake, k_cloud, json::array({action_issue("FAULT-9", "FAULT-4", "redis pool")}),
                  json::array({page_result("301", "FAULT-5: gone — Fault review", {"fault-review", "fault-5"}, "redis pool")}));
  fake.on(Method::Post, k_cloud.jira_search)
      .when([](const Request& r) { return jql_of(r).find("\"FAULT-5\"") != std::string::npos; })
      .reply(400, R"({"errorMessages":["An issue with key 'FAULT-5' does not exist for field 'key'."]})");
  fake.on(Method::Post, k_cloud.jira_search)
      .when([](const Request& r) { return jql_of(r).find(R"(key in ("FAULT-4"))") != std::string::npos; })
      .reply(200, search_reply(json::array({fault_issue("FAULT-4", "Slow", {{"level", "P3"}}, "2026-08-01T10:00:00.000+0800")})));
  TestServices services(fake, k_cloud.config, k_env);
  faultline::app::FaultSearchRequest request;
  request.text = "redis pool";
  auto result = faultline::app::search_faults(services, request);
  REQUIRE(result);
  fake.verify();
  REQUIRE(result->items.size() == 1);
  CHECK(result->items[0].fault.key == "FAULT-4");
  REQUIRE(services.warnings.size() == 1);
  CHECK(services.warnings[0].find("FAULT-5") != std::string::npos);
}

TEST_CASE("without [confluence] url only Jira is searched, with a warning", "[app][search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, field_list());
  fake.on(Method::Get, "/rest/api/2/search").reply(200, search_reply(json::array()));
  std::string config = k_datacenter.config;
  config = config.substr(0, config.find("[confluence]")) + "[team]\ntimezone = \"UTC\"\n";
  TestServices services(fake, config, k_env);
  faultline::app::FaultSearchRequest request;
  request.text = "pool";
  auto result = faultline::app::search_faults(services, request);
  REQUIRE(result);
  fake.verify();
  CHECK_FALSE(result->pages_searched);
  REQUIRE(services.warnings.size() == 1);
  CHECK(services.warnings[0].find("[confluence] url") != std::string::npos);
}

TEST_CASE("bad search input is refused before any request", "[app][search]") {
  FakeTransport fake;
  TestServices services(fake, k_cloud.config, k_env);
  faultline::app::FaultSearchRequest request;
  request.text = " \t\n ";
  auto blank = faultline::app::search_faults(services, request);
  REQUIRE_FALSE(blank);
  CHECK(blank.error().kind == faultline::ErrorKind::Usage);
  request.text = "pool";
  request.status = "resolved";
  auto status = faultline::app::search_faults(services, request);
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("--status") != std::string::npos);
  CHECK(fake.calls().empty());
}

TEST_CASE("similar past faults: same service or the title's words, newest first, in one search", "[app][search][open]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/field").reply(200, field_list());
  fake.on(Method::Post, k_cloud.jira_search)
      .json_body([](const json& body) { return body.value("maxResults", 0) == 3; })
      .reply(200, search_reply(json::array(
                      {fault_issue("FAULT-7", "Checkout 500s after deploy", {{"review_page_url", "https://wiki/7"}},
                                   "2026-10-01T10:00:00.000+0800"),
                       fault_issue("FAULT-3", "Checkout slow", json::object(), "2026-06-01T10:00:00.000+0800")})));
  TestServices services(fake, k_cloud.config, k_env);
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  faultline::core::Fault opened;
  opened.key = "FAULT-12";
  opened.summary = R"(Checkout 500s" OR key = "X after the deploy)";
  opened.service = "checkout";
  auto similar = faultline::app::find_similar_faults(*session, opened);
  INFO((similar ? std::string() : similar.error().message));
  REQUIRE(similar);
  fake.verify();
  CHECK(fake.calls().size() == 2);
  CHECK(jql_of(fake.calls().back()) ==
        R"(((project = "FAULT") AND (issuetype = "Fault")) AND (key != "FAULT-12") AND )"
        R"(((cf[10015] ~ "\"checkout\"") OR ((summary ~ "\"checkout\"") AND (summary ~ "\"500s\"") AND )"
        R"((summary ~ "\"key\""))) ORDER BY created DESC)");
  REQUIRE(similar->json.size() == 2);
  CHECK(similar->json[0]["key"] == "FAULT-7");
  CHECK(similar->json[0]["review_url"] == "https://wiki/7");
  CHECK(similar->json[0]["url"] == "https://example.atlassian.net/browse/FAULT-7");
  CHECK(similar->json[1]["review_url"] == "");

  SECTION("nothing to match on: no request") {
    faultline::core::Fault bare;
    bare.key = "FAULT-13";
    bare.summary = "a b c";
    auto none = faultline::app::find_similar_faults(*session, bare);
    REQUIRE(none);
    CHECK(none->faults.empty());
    CHECK(fake.calls().size() == 2);
  }
}
