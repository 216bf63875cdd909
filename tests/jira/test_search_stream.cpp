// The streaming page parser (issue_stream.hpp) and the long-read plan (search.hpp: read_all,
// datacenter_pages, bulk fetch batches).
#include <catch2/catch.hpp>

#include "faultline/core/action.hpp"
#include "faultline/http/counting.hpp"
#include "faultline/jira/issue_stream.hpp"
#include "faultline/jira/search.hpp"
#include "faultline/util/waves.hpp"
#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

namespace {

std::vector<jira::Issue> collect(std::string_view body, const jira::IssueFilter& filter, jira::PageInfo* info = nullptr) {
  std::vector<jira::Issue> issues;
  auto read = jira::stream_issues(body, filter, [&](jira::Issue&& issue) { issues.push_back(std::move(issue)); });
  REQUIRE(read);
  if (info) *info = *read;
  return issues;
}

// A Data Center search page of issues FAULT-<from>..FAULT-<from+count-1>, ids 10000+n.
std::string dc_page(int start_at, int max_results, int total, int from, int count, bool with_properties = false) {
  json issues = json::array();
  for (int n = from; n < from + count; ++n) {
    json issue{{"id", std::to_string(10000 + n)},
               {"key", "FAULT-" + std::to_string(n)},
               {"self", "x"},
               {"fields", {{"summary", "s" + std::to_string(n)}, {"status", {{"name", "Open"}}}}}};
    if (with_properties) issue["properties"] = {{"faultline", {{"n", n}}}};
    issues.push_back(issue);
  }
  return json{{"startAt", start_at}, {"maxResults", max_results}, {"total", total}, {"issues", issues}}.dump();
}

}  // namespace

TEST_CASE("stream_issues keeps the asked fields, properties and changelog, and the page keys", "[jira][search][stream]") {
  const std::string body = R"({"expand":"schema,names","startAt":0,"maxResults":1000,"total":2,
    "names":{"summary":"Summary"},
    "issues":[
      {"expand":"x","id":"10001","key":"FAULT-1","self":"https://j/1",
       "fields":{"summary":"Checkout down","subtasks":[{"key":"FAULT-9","fields":{"summary":"big"}}],
                 "status":{"name":"Handling","statusCategory":{"key":"indeterminate"}},
                 "labels":["fault","fault-level-p1"],"customfield_10010":{"value":"P1"},"comment":{"comments":[1,2,3]}},
       "properties":{"faultline":{"schema":1,"cause":"a \"quoted\" cause","rollbacks":[{"service":"x"}]}},
       "changelog":{"histories":[{"id":"2","created":"2026-11-25T11:00:00.000+0000","items":[{"field":"status"}]},
                                 {"id":"1","created":"2026-11-25T10:00:00.000+0000","items":[]}]}},
      {"id":10002,"key":"FAULT-2","fields":{"summary":"Search slow","labels":[],"duedate":null}}
    ]})";
  jira::PageInfo info;
  auto issues = collect(body, jira::issue_filter_for({"summary", "status", "labels", "customfield_10010", "duedate"}), &info);
  REQUIRE(issues.size() == 2);
  CHECK(info.total == 2);
  CHECK(info.max_results == 1000);
  CHECK(info.issues == 2);
  CHECK(info.with_properties == 1);
  CHECK_FALSE(info.next_page_token);
  const auto& a = issues[0];
  CHECK(a.id == "10001");
  CHECK(a.key == "FAULT-1");
  CHECK(a.self == "https://j/1");
  CHECK(a.summary() == "Checkout down");
  CHECK(a.status() == "Handling");
  CHECK(a.status_category() == "indeterminate");
  CHECK_FALSE(a.fields.contains("subtasks"));
  CHECK_FALSE(a.fields.contains("comment"));
  CHECK(a.fields["labels"] == json{"fault", "fault-level-p1"});
  CHECK(a.fields["customfield_10010"] == json{{"value", "P1"}});
  CHECK(a.properties["faultline"]["cause"] == "a \"quoted\" cause");
  CHECK(a.properties["faultline"]["rollbacks"][0]["service"] == "x");
  REQUIRE(a.changelog.size() == 2);
  CHECK(a.changelog[0].id == "1");  // oldest first
  const auto& b = issues[1];
  CHECK(b.id == "10002");
  CHECK(b.fields["labels"] == json::array());
  CHECK(b.fields.contains("duedate"));
  CHECK(b.fields["duedate"].is_null());
  CHECK(b.properties == json::object());
}

TEST_CASE("stream_issues reads like parse_issue for every field when the request named a pattern", "[jira][search][stream]") {
  const json page{{"nextPageToken", "tok"},
                  {"isLast", false},
                  {"issues",
                   {{{"id", "1"}, {"key", "A-1"}, {"fields", {{"summary", "x"}, {"parent", {{"key", "A-0"}}}, {"n", 1.5}}}}}}};
  jira::PageInfo info;
  auto issues = collect(page.dump(), jira::issue_filter_for({"*navigable"}), &info);
  REQUIRE(issues.size() == 1);
  const auto expected = jira::parse_issue(page["issues"][0]);
  CHECK(issues[0].fields == expected.fields);
  CHECK(issues[0].properties == expected.properties);
  CHECK(info.next_page_token == "tok");
  CHECK_FALSE(info.is_last);
  CHECK(jira::issue_filter_for({"-description"}).fields.empty());
  CHECK(jira::issue_filter_for({"summary"}).fields == std::vector<std::string>{"summary"});
}

TEST_CASE("stream_issues says Failed for a body that is not JSON and tolerates odd shapes", "[jira][search][stream]") {
  auto bad = jira::stream_issues("<html>proxy</html>", {}, [](jira::Issue&&) {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Failed);
  auto truncated = jira::stream_issues(R"({"issues":[{"key":"A-1"},{"key":)", {}, [](jira::Issue&&) {});
  CHECK_FALSE(truncated);
  CHECK(collect(R"({"issues":[1,"x",null,[{"key":"A-9"}],{"key":"A-1","fields":null}]})", {}).size() == 1);
  CHECK(collect(R"([{"issues":[{"key":"A-1"}]}])", {}).empty());
  CHECK(collect(R"({"issues":{"key":"A-1"}})", {}).empty());
}

TEST_CASE("stream_issues keeps only the named members of a field read in part", "[jira][search][stream]") {
  // An action sub-task as Data Center sends it: the parent carries its own fields.
  const json issue{
      {"id", "20001"},
      {"key", "FAULT-101"},
      {"fields",
       {{"summary", "Guard the pool"},
        {"parent",
         {{"id", "10001"},
          {"key", "FAULT-1"},
          {"fields",
           {{"summary", "Pool exhausted"},
            {"status", {{"name", "Reviewing"}, {"statusCategory", {{"key", "indeterminate"}, {"colorName", "yellow"}}}}},
            {"issuetype", {{"name", "Fault"}, {"subtask", false}}}}}}},
        {"assignee", {{"name", "bob"}, {"key", "JIRAUSER2"}, {"displayName", "Bob"}, {"timeZone", "UTC"}}},
        {"status",
         {{"name", "To Do"}, {"id", "3"}, {"statusCategory", {{"key", "new"}, {"colorName", "blue-gray"}, {"id", 2}}}}},
        {"components", {{{"name", "api"}, {"id", "7"}}, {{"name", "db"}, {"id", "8"}}}},
        {"labels", {"fault-action", "fault-action-id-a-1"}}}}};
  const std::string body = json{{"issues", {issue}}}.dump();
  jira::SearchRequest request;
  request.fields = {"summary", "parent", "assignee", "status", "components", "labels"};
  request.kept_members = {"parent.key", "parent.fields.summary", "assignee.name", "assignee.displayName",
                          "status.statusCategory.key", "components.name", "not-a-path", ".x", "y."};
  const auto filter = jira::search_filter(request);
  CHECK(filter.members == request.kept_members);
  const auto issues = collect(body, filter);
  REQUIRE(issues.size() == 1);
  const auto& fields = issues[0].fields;
  CHECK(fields["summary"] == "Guard the pool");
  CHECK(fields["parent"] == json{{"key", "FAULT-1"}, {"fields", {{"summary", "Pool exhausted"}}}});
  CHECK(fields["assignee"] == json{{"name", "bob"}, {"displayName", "Bob"}});
  CHECK(fields["status"] == json{{"statusCategory", {{"key", "new"}}}});
  // An array's elements stand at the array's path: each keeps its named members.
  CHECK(fields["components"] == json::parse(R"([{"name":"api"},{"name":"db"}])"));
  CHECK(fields["labels"] == json{"fault-action", "fault-action-id-a-1"});  // named in no path: whole

  // What an action read keeps is what core::action_from_issue reads: the same action either way.
  jira::SearchRequest actions;
  actions.fields = core::action_fields();
  actions.kept_members = core::action_field_members();
  const auto trimmed = collect(body, jira::search_filter(actions));
  const auto whole = collect(body, jira::issue_filter_for(actions.fields));
  REQUIRE(trimmed.size() == 1);
  REQUIRE(whole.size() == 1);
  CHECK(trimmed[0].fields["parent"].dump().size() < whole[0].fields["parent"].dump().size());
  auto as_json = [](const jira::Issue& i) { return json{{"id", i.id}, {"key", i.key}, {"fields", i.fields}}; };
  const auto from_trimmed = core::action_from_issue(as_json(trimmed[0]));
  const auto from_whole = core::action_from_issue(as_json(whole[0]));
  REQUIRE(from_trimmed);
  REQUIRE(from_whole);
  const date::year_month_day today{date::year{2026}, date::month{12}, date::day{6}};
  CHECK(core::action_to_json(*from_trimmed, today) == core::action_to_json(*from_whole, today));
  CHECK(from_trimmed->parent_summary == "Pool exhausted");
  CHECK(from_trimmed->owner == "bob");
  CHECK(from_trimmed->status_category == "new");
}

TEST_CASE("parse_search_page collects a page", "[jira][search][stream]") {
  auto page = jira::parse_search_page(dc_page(0, 2, 5, 1, 2));
  REQUIRE(page);
  REQUIRE(page->issues.size() == 2);
  CHECK(page->issues[1].key == "FAULT-2");
  CHECK(page->total == 5);
}

TEST_CASE("datacenter_pages plans the later pages inside the search window", "[jira][search][plan]") {
  using P = jira::DatacenterPages::Page;
  auto plan = jira::datacenter_pages(5673, 1000);
  CHECK(plan.pages == std::vector<P>{{1000, 1000}, {2000, 1000}, {3000, 1000}, {4000, 1000}, {5000, 1000}});
  CHECK_FALSE(plan.beyond_window);
  // More than the window: pages up to it (startAt + maxResults <= 10,000), then a next slice.
  plan = jira::datacenter_pages(25000, 1000);
  CHECK(plan.pages.size() == 9);
  CHECK(plan.pages.back() == P{9000, 1000});
  CHECK(plan.beyond_window);
  // A grant that does not divide the window: the last page is cut at it.
  plan = jira::datacenter_pages(20000, 300);
  CHECK(plan.pages.back() == P{9900, 100});
  CHECK(jira::datacenter_pages(700, 1000).pages.empty());
  CHECK(jira::datacenter_pages(10, 0).pages.empty());
}

TEST_CASE("jql_without_order and bulk_fetch_batches", "[jira][search][plan]") {
  CHECK(jira::jql_without_order("project = X ORDER BY created ASC") == "project = X");
  CHECK(jira::jql_without_order("(a = 1) order  by key") == "(a = 1)");
  CHECK(jira::jql_without_order("summary ~ \"x ORDER BY y\"") == "summary ~ \"x ORDER BY y\"");
  CHECK(jira::jql_without_order("project = X") == "project = X");
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(std::to_string(i));
  auto batches = jira::bulk_fetch_batches(ids);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].size() == 100);
  CHECK(batches[2].size() == 50);
  CHECK(batches[2].front() == "200");
  // Id ranges: numeric order, at most `size` ids each; no ranges when an id is not a number.
  using Ranges = std::vector<std::pair<long long, long long>>;
  CHECK(jira::id_ranges({"30", "9", "100", "11", "20"}, 2) == Ranges{{9, 11}, {20, 30}, {100, 100}});
  CHECK(jira::id_ranges({"30", "FAULT-1"}, 2).empty());
  CHECK(jira::id_ranges({}, 2).empty());
}

TEST_CASE("read_all on Data Center asks a large page, then the rest together with the property GETs",
          "[jira][search][read_all]") {
  FakeTransport fake;
  // Asked for 1000, the server granted 2 of 5 and ignored `properties`.
  fake.on(Method::Get, "/rest/api/2/search")
      .query("startAt", "0")
      .query("maxResults", "1000")
      .query("jql", "project = FAULT ORDER BY key ASC")
      .query("fields", "summary,status")
      .query("properties", "faultline")
      .reply(200, dc_page(0, 2, 5, 1, 2));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "2").query("maxResults", "2")
      .reply(200, dc_page(2, 2, 5, 3, 2));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "4").query("maxResults", "2")
      .reply(200, dc_page(4, 2, 5, 5, 1));
  for (int n = 1; n <= 5; ++n) {
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-" + std::to_string(n) + "/properties/faultline")
        .reply(n == 4 ? 404 : 200, json{{"key", "faultline"}, {"value", {{"n", n}}}}.dump());
  }
  http::RoundTripCountingTransport counting(fake, 4);
  jira::Client counted(counting, datacenter_connection(), jira::Flavor::DataCenter);
  jira::SearchRequest request;
  request.jql = "project = FAULT ORDER BY created DESC";
  request.fields = {"summary", "status"};
  request.properties = {"faultline"};
  jira::ReadPlan plan;
  plan.any_order = true;
  util::DepthProbe probe;
  auto issues = jira::read_all(counted, counting, request, plan);
  REQUIRE(issues);
  REQUIRE(issues->size() == 5);
  for (std::size_t i = 0; i < 5; ++i) CHECK((*issues)[i].key == "FAULT-" + std::to_string(i + 1));
  CHECK((*issues)[0].properties["faultline"]["n"] == 1);
  CHECK_FALSE((*issues)[3].properties.contains("faultline"));  // 404: left out
  CHECK((*issues)[4].properties["faultline"]["n"] == 5);
  // Waves: the first page; the later pages with page 1's properties; the rest's properties.
  CHECK(fake.batches() == std::vector<std::size_t>{1, 4, 3});
  CHECK(probe.depth() == 3);
  CHECK(fake.calls().size() == 8);
  fake.verify();
}

TEST_CASE("read_all on Data Center reads properties inline when the server sends them", "[jira][search][read_all]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "0").reply(200, dc_page(0, 1000, 3, 1, 3, true));
  auto client = datacenter_client(fake);
  jira::SearchRequest request;
  request.jql = "project = FAULT";
  request.fields = {"summary"};
  request.properties = {"faultline"};
  auto issues = jira::read_all(client, fake, request);
  REQUIRE(issues);
  REQUIRE(issues->size() == 3);
  CHECK((*issues)[2].properties["faultline"]["n"] == 3);
  CHECK(fake.calls().size() == 1);
  // No `properties` asked when the plan says not to.
  FakeTransport bare;
  bare.on(Method::Get, "/rest/api/2/search").no_query("properties").reply(200, dc_page(0, 1000, 3, 1, 3));
  auto bare_client = datacenter_client(bare);
  jira::ReadPlan plan;
  plan.datacenter_properties = false;
  auto plain = jira::read_all(bare_client, bare, request, plan);
  REQUIRE(plain);
  CHECK(plain->size() == 3);
  CHECK(bare.calls().size() == 1);
  bare.verify();
}

TEST_CASE("read_all on Data Center reads past the window in key-ordered slices", "[jira][search][read_all]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search")
      .query("jql", "project = FAULT ORDER BY key ASC")
      .query("startAt", "0")
      .reply(200, dc_page(0, 2, 7, 1, 2));
  fake.on(Method::Get, "/rest/api/2/search")
      .query("jql", "project = FAULT ORDER BY key ASC")
      .query("startAt", "2")
      .query("maxResults", "2")
      .reply(200, dc_page(2, 2, 7, 3, 2));
  fake.on(Method::Get, "/rest/api/2/search")
      .query("jql", "(project = FAULT) AND (key > \"FAULT-4\") ORDER BY key ASC")
      .query("startAt", "0")
      .reply(200, dc_page(0, 2, 3, 5, 2));
  fake.on(Method::Get, "/rest/api/2/search")
      .query("jql", "(project = FAULT) AND (key > \"FAULT-4\") ORDER BY key ASC")
      .query("startAt", "2")
      .reply(200, dc_page(2, 2, 3, 7, 1));
  auto client = datacenter_client(fake);
  jira::SearchRequest request;
  request.jql = "project = FAULT";
  request.fields = {"summary"};
  jira::ReadPlan plan;
  plan.any_order = true;
  plan.datacenter_window = 4;
  auto issues = jira::read_all(client, fake, request, plan);
  REQUIRE(issues);
  REQUIRE(issues->size() == 7);
  CHECK(issues->back().key == "FAULT-7");
  fake.verify();
}

TEST_CASE("read_all on Cloud reads ids, then bulk fetches in search order beside the next ids page",
          "[jira][search][read_all]") {
  FakeTransport fake;
  auto ids_page = [](std::vector<int> ids, std::optional<std::string> token) {
    json issues = json::array();
    for (int id : ids) issues.push_back({{"id", std::to_string(id)}});
    json page{{"issues", issues}, {"isLast", !token}};
    if (token) page["nextPageToken"] = *token;
    return page.dump();
  };
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) {
        return !b.contains("nextPageToken") && !b.contains("fields") && b["maxResults"] == 3 &&
               b["jql"] == "project = FAULT ORDER BY created ASC";
      })
      .reply(200, ids_page({30, 10, 20}, "t2"));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b.value("nextPageToken", "") == "t2"; })
      .reply(200, ids_page({40}, std::nullopt));
  auto bulk = [](std::vector<int> ids) {
    json issues = json::array();
    for (int id : ids)
      issues.push_back({{"id", std::to_string(id)},
                        {"key", "FAULT-" + std::to_string(id)},
                        {"fields", {{"summary", "s"}, {"subtasks", json::array()}}},
                        {"properties", {{"faultline", {{"id", id}}}}}});
    return json{{"issues", issues}, {"issueErrors", json::array()}}.dump();
  };
  // Bulk fetch answers in ascending id order; batches of 2 here.
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) {
        return b["issueIdsOrKeys"] == json{"30", "10"} && b["fields"] == json{"summary"} &&
               b["properties"] == json{"faultline"};
      })
      .reply(200, bulk({10, 30}));
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) { return b["issueIdsOrKeys"] == json{"20"}; })
      .reply(200, bulk({20}));
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) { return b["issueIdsOrKeys"] == json{"40"}; })
      .reply(200, bulk({40}));
  http::RoundTripCountingTransport counting(fake, 4);
  jira::Client client(counting, cloud_connection(), jira::Flavor::Cloud);
  jira::SearchRequest request;
  request.jql = "project = FAULT ORDER BY created ASC";
  request.fields = {"summary"};
  request.properties = {"faultline"};
  jira::ReadPlan plan;
  plan.cloud_id_page = 3;
  plan.cloud_first_page = 0;  // ids only (the next tests add the first page with its fields)
  plan.bulk_fetch_limit = 2;
  util::DepthProbe probe;
  auto issues = jira::read_all(client, counting, request, plan);
  REQUIRE(issues);
  REQUIRE(issues->size() == 4);
  CHECK((*issues)[0].key == "FAULT-30");
  CHECK((*issues)[1].key == "FAULT-10");
  CHECK((*issues)[2].key == "FAULT-20");
  CHECK((*issues)[3].key == "FAULT-40");
  CHECK((*issues)[0].properties["faultline"]["id"] == 30);
  CHECK_FALSE((*issues)[0].fields.contains("subtasks"));
  // Waves: ids page 1; ids page 2 with the two bulk fetches of page 1; the last bulk fetch.
  CHECK(fake.batches() == std::vector<std::size_t>{1, 3, 1});
  CHECK(probe.depth() == 3);
  for (const auto& call : fake.calls()) CHECK(call.is_retry_safe());
  fake.verify();
}

namespace {

json cloud_issue(int id) {
  return {{"id", std::to_string(id)}, {"key", "FAULT-" + std::to_string(id)}, {"fields", {{"summary", "s"}}},
          {"properties", {{"faultline", {{"id", id}}}}}};
}

// A search/jql page of ids only, or with fields when `full`.
std::string cloud_page(const std::vector<int>& ids, std::optional<std::string> token, bool full) {
  json issues = json::array();
  for (int id : ids) issues.push_back(full ? cloud_issue(id) : json{{"id", std::to_string(id)}});
  json page{{"issues", issues}, {"isLast", !token}};
  if (token) page["nextPageToken"] = *token;
  return page.dump();
}

bool asks_fields(const json& b) { return b.contains("fields") && b["fields"] == json{"summary"}; }

// read_all of `jql` over `fake` on Cloud (the summary, the faultline property): the keys in
// the order they were handed over, and the read's depth.
struct CloudRead {
  std::vector<std::string> keys;
  std::size_t depth = 0;
};
CloudRead read_cloud(FakeTransport& fake, const std::string& jql, const jira::ReadPlan& plan) {
  http::RoundTripCountingTransport counting(fake, 4);
  jira::Client client(counting, cloud_connection(), jira::Flavor::Cloud);
  jira::SearchRequest request;
  request.jql = jql;
  request.fields = {"summary"};
  request.properties = {"faultline"};
  util::DepthProbe probe;
  auto issues = jira::read_all(client, counting, request, plan);
  REQUIRE(issues);
  CloudRead read;
  for (const auto& issue : *issues) read.keys.push_back(issue.key);
  read.depth = probe.depth();
  return read;
}

}  // namespace

TEST_CASE("read_all on Cloud: a first page with the fields that holds every issue ends the read in one wave",
          "[jira][search][read_all]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return !asks_fields(b); })
      .reply(200, cloud_page({30, 10, 20}, std::nullopt, false));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) {
        return asks_fields(b) && b["maxResults"] == 5000 && b["properties"] == json{"faultline"} &&
               !b.contains("nextPageToken");
      })
      .reply(200, cloud_page({30, 10, 20}, std::nullopt, true));
  http::RoundTripCountingTransport counting(fake, 4);
  jira::Client client(counting, cloud_connection(), jira::Flavor::Cloud);
  jira::SearchRequest request;
  request.jql = "project = FAULT";
  request.fields = {"summary"};
  request.properties = {"faultline"};
  util::DepthProbe probe;
  auto issues = jira::read_all(client, counting, request);
  REQUIRE(issues);
  REQUIRE(issues->size() == 3);
  CHECK((*issues)[0].key == "FAULT-30");
  CHECK((*issues)[2].properties["faultline"]["id"] == 20);
  CHECK(fake.batches() == std::vector<std::size_t>{2});  // no bulk fetch
  CHECK(probe.depth() == 1);
  fake.verify();
}

TEST_CASE("read_all on Cloud: past a partial first page only the ids it did not hold are bulk fetched",
          "[jira][search][read_all]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return !asks_fields(b); })
      .reply(200, cloud_page({30, 10, 20, 40, 50}, std::nullopt, false));
  // The server granted 2 of the 5 with their fields.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body(asks_fields)
      .reply(200, cloud_page({30, 10}, "t2", true));
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) { return b["issueIdsOrKeys"] == json{"20", "40"}; })
      .reply(200, json{{"issues", {cloud_issue(40), cloud_issue(20)}}}.dump());
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) { return b["issueIdsOrKeys"] == json{"50"}; })
      .reply(200, json{{"issues", {cloud_issue(50)}}}.dump());
  jira::ReadPlan plan;
  plan.bulk_fetch_limit = 2;
  const auto read = read_cloud(fake, "project = FAULT", plan);
  CHECK(read.keys == std::vector<std::string>{"FAULT-30", "FAULT-10", "FAULT-20", "FAULT-40", "FAULT-50"});
  CHECK(fake.batches() == std::vector<std::size_t>{2, 2});
  CHECK(read.depth == 2);
  fake.verify();
}

TEST_CASE("read_all on Cloud: a server that grants more than a bulk fetch holds is read in id ranges, side by side",
          "[jira][search][read_all]") {
  FakeTransport fake;
  // A caller that sorts by itself: the ids and the first page come in key order.
  const auto key_ordered = [](const json& b) { return b["jql"] == "project = FAULT ORDER BY key ASC"; };
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([&](const json& b) { return !asks_fields(b) && key_ordered(b); })
      .reply(200, cloud_page({30, 10, 20, 40, 50, 60, 70}, std::nullopt, false));
  // The server granted 3 of the 7 with their fields: more than a bulk fetch of 2 holds.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([&](const json& b) { return asks_fields(b) && key_ordered(b); })
      .reply(200, cloud_page({30, 10, 20}, "t2", true));
  const auto range = [](const char* bounds) {
    return [bounds](const json& b) {
      return asks_fields(b) && b["maxResults"] == 3 && b["properties"] == json{"faultline"} &&
             b["jql"] == std::string("(project = FAULT) AND (") + bounds + ")";
    };
  };
  // This time it grants fewer: 50 is left out and bulk fetched after.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body(range("id >= 40 AND id <= 60"))
      .reply(200, cloud_page({40, 60}, "t3", true));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body(range("id >= 70 AND id <= 70"))
      .reply(200, cloud_page({70}, std::nullopt, true));
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([](const json& b) { return b["issueIdsOrKeys"] == json{"50"}; })
      .reply(200, json{{"issues", {cloud_issue(50)}}}.dump());
  jira::ReadPlan plan;
  plan.bulk_fetch_limit = 2;
  plan.any_order = true;
  const auto read = read_cloud(fake, "project = FAULT ORDER BY created DESC", plan);
  CHECK(read.keys == std::vector<std::string>{"FAULT-30", "FAULT-10", "FAULT-20", "FAULT-40", "FAULT-60",
                                              "FAULT-70", "FAULT-50"});
  CHECK(fake.batches() == std::vector<std::size_t>{2, 2, 1});
  CHECK(read.depth == 3);
  fake.verify();
}

TEST_CASE("read_all honours the limit and reports errors with Jira's words", "[jira][search][read_all]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").query("maxResults", "3").reply(200, dc_page(0, 3, 50, 1, 3));
  auto client = datacenter_client(fake);
  jira::SearchRequest request;
  request.jql = "project = FAULT ORDER BY created DESC";
  request.fields = {"summary"};
  request.limit = 3;
  auto issues = jira::read_all(client, fake, request);
  REQUIRE(issues);
  CHECK(issues->size() == 3);
  CHECK(fake.calls().size() == 1);

  FakeTransport failing;
  failing.on(Method::Post, "/rest/api/3/search/jql")
      .reply(400, R"({"errorMessages":["Error in the JQL Query: bad"],"errors":{}})");
  auto cloud = cloud_client(failing);
  auto error = jira::read_all(cloud, failing, request);
  REQUIRE_FALSE(error);
  CHECK(error.error().message.find("Error in the JQL Query") != std::string::npos);
  request.jql = " ";
  CHECK(jira::read_all(cloud, failing, request).error().kind == ErrorKind::Usage);
}
