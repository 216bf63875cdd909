#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

namespace {

jira::SearchRequest open_faults() {
  jira::SearchRequest request;
  request.jql = "project = \"FAULT\" AND statusCategory != Done";
  request.fields = {"summary", "status"};
  return request;
}

}  // namespace

TEST_CASE("Cloud search follows nextPageToken and stops when it is missing", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) {
        return !b.contains("nextPageToken") && b["fields"] == json{"summary", "status"} &&
               b["jql"] == "project = \"FAULT\" AND statusCategory != Done";
      })
      .reply(200, fixture("jira/cloud/search_jql_page1.json"));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b.value("nextPageToken", "") == "CAEaAggB"; })
      .reply(200, fixture("jira/cloud/search_jql_page2.json"));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b.value("nextPageToken", "") == "CAEaAggC"; })
      .reply(200, fixture("jira/cloud/search_jql_last.json"));
  auto client = cloud_client(fake);
  auto issues = client.search(open_faults());
  REQUIRE(issues);
  REQUIRE(issues->size() == 4);
  CHECK((*issues)[0].key == "FAULT-1");
  CHECK((*issues)[3].key == "FAULT-4");
  CHECK((*issues)[3].summary() == "Search down");
  CHECK(fake.calls().at(0).is_retry_safe());
  fake.verify();
}

TEST_CASE("Cloud search asks for navigable fields when none are named", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b["fields"] == json{"*navigable"}; })
      .reply(200, fixture("jira/cloud/search_jql_last.json"));
  auto client = cloud_client(fake);
  jira::SearchRequest request;
  request.jql = "project = FAULT";
  auto issues = client.search(request);
  REQUIRE(issues);
  CHECK(issues->size() == 1);
  fake.verify();
}

TEST_CASE("Cloud search stops with an error on a repeated token instead of looping", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return !b.contains("nextPageToken"); })
      .reply(200, fixture("jira/cloud/search_jql_page1.json"));
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b.value("nextPageToken", "") == "CAEaAggB"; })
      .reply(200, fixture("jira/cloud/search_jql_repeat.json"));
  auto client = cloud_client(fake);
  auto issues = client.search(open_faults());
  REQUIRE_FALSE(issues);
  CHECK(issues.error().kind == ErrorKind::Failed);
  CHECK_THAT(issues.error().message, Catch::Contains("same nextPageToken twice"));
  CHECK(fake.calls().size() == 2);
  fake.verify();
}

TEST_CASE("Cloud search stops on an empty page even when a token came with it", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql").reply(200, fixture("jira/cloud/search_jql_empty.json"));
  auto client = cloud_client(fake);
  auto issues = client.search(open_faults());
  REQUIRE(issues);
  CHECK(issues->empty());
  CHECK(fake.calls().size() == 1);
  fake.verify();
}

TEST_CASE("Cloud search passes reconcileIssues as numeric ids on every page", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b["reconcileIssues"] == json{10040, 10041}; })
      .reply(200, fixture("jira/cloud/search_jql_reconciled.json"));
  auto client = cloud_client(fake);
  auto request = open_faults();
  request.reconcile_issue_ids = {"10040", "10041"};
  auto issues = client.search(request);
  REQUIRE(issues);
  REQUIRE(issues->size() == 1);
  CHECK((*issues)[0].key == "FAULT-41");
  fake.verify();

  request.reconcile_issue_ids = {"FAULT-41"};
  auto bad = client.search(request);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
}

TEST_CASE("search limit stops early", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& b) { return b["maxResults"] == 2; })
      .reply(200, fixture("jira/cloud/search_jql_page1.json"));
  auto client = cloud_client(fake);
  auto request = open_faults();
  request.limit = 2;
  auto issues = client.search(request);
  REQUIRE(issues);
  CHECK(issues->size() == 2);
  fake.verify();
}

TEST_CASE("an empty JQL is a usage error before any request", "[jira][search]") {
  FakeTransport fake;
  auto client = cloud_client(fake);
  jira::SearchRequest request;
  request.jql = "  ";
  auto issues = client.search(request);
  REQUIRE_FALSE(issues);
  CHECK(issues.error().kind == ErrorKind::Usage);
  CHECK(fake.calls().empty());
}

TEST_CASE("Data Center search pages by startAt and fetches later pages concurrently", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search")
      .query("startAt", "0")
      .query("maxResults", "2")
      .query("jql", "project = \"FAULT\" AND statusCategory != Done")
      .query("fields", "summary,status")
      .reply(200, fixture("jira/datacenter/search_page_0.json"));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "2").query("maxResults", "2")
      .reply(200, fixture("jira/datacenter/search_page_2.json"));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "4").query("maxResults", "2")
      .reply(200, fixture("jira/datacenter/search_page_4.json"));
  auto client = datacenter_client(fake);
  auto request = open_faults();
  request.page_size = 2;
  auto issues = client.search(request);
  REQUIRE(issues);
  REQUIRE(issues->size() == 5);
  for (int i = 0; i < 5; ++i) CHECK((*issues)[static_cast<std::size_t>(i)].key == "FAULT-" + std::to_string(i + 1));
  REQUIRE(fake.batches().size() == 1);
  CHECK(fake.batches()[0] == 2);
  fake.verify();
}

TEST_CASE("Data Center search pages by what the server gave when it caps maxResults", "[jira][search]") {
  FakeTransport fake;
  // Asked for 100, the server answered 2 of 5 (maxResults capped).
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "0").query("maxResults", "100")
      .reply(200, fixture("jira/datacenter/search_page_0.json"));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "2").reply(200, fixture("jira/datacenter/search_page_2.json"));
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "4").reply(200, fixture("jira/datacenter/search_page_4.json"));
  auto client = datacenter_client(fake);
  auto issues = client.search(open_faults());
  REQUIRE(issues);
  CHECK(issues->size() == 5);
  fake.verify();
}

TEST_CASE("Data Center search ignores reconcileIssues and needs one call for one page", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").no_query("reconcileIssues").reply(200, fixture("jira/datacenter/search_single.json"));
  auto client = datacenter_client(fake);
  auto request = open_faults();
  request.reconcile_issue_ids = {"20001"};
  auto issues = client.search(request);
  REQUIRE(issues);
  CHECK(issues->size() == 1);
  CHECK(fake.batches().empty());
  fake.verify();
}

TEST_CASE("a JQL error shows Jira's words", "[jira][search][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search")
      .reply(400, R"({"errorMessages":["Error in the JQL Query: Expecting ')' before the end of the query."],"errors":{}})");
  auto client = datacenter_client(fake);
  auto issues = client.search(open_faults());
  REQUIRE_FALSE(issues);
  CHECK(issues.error().kind == ErrorKind::Failed);
  CHECK_THAT(issues.error().message, Catch::Contains("Error in the JQL Query"));
}

TEST_CASE("search_page returns one Cloud page with its token", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/search/jql").reply(200, fixture("jira/cloud/search_jql_page1.json"));
  auto client = cloud_client(fake);
  auto page = client.search_page(open_faults(), "");
  REQUIRE(page);
  CHECK(page->issues.size() == 2);
  CHECK(page->next_page_token == std::optional<std::string>("CAEaAggB"));
  CHECK_FALSE(page->is_last);
  CHECK_FALSE(page->total.has_value());
  fake.verify();
}

TEST_CASE("search_page on Data Center reports total and the last page", "[jira][search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").query("startAt", "4").reply(200, fixture("jira/datacenter/search_page_4.json"));
  auto client = datacenter_client(fake);
  auto page = client.search_page(open_faults(), "", 4);
  REQUIRE(page);
  CHECK(page->total == std::optional<int>(5));
  CHECK(page->is_last);
  fake.verify();
}
