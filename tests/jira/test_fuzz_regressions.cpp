// Inputs on which the fuzz target fuzz/fuzz_jira.cpp failed (a sanitizer report or a broken
// property), kept as regression tests; each input is also in fuzz/corpus/jira/.
#include <catch2/catch.hpp>

#include <limits>

#include "faultline/util/json_access.hpp"
#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;

TEST_CASE("comments stop after 1000 pages when the total is never reached", "[jira][comments][fuzz]") {
  // fuzz/corpus/jira/regression_comments_total_out_of_reach: the loop had no bound.
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/comment")
      .reply(200, R"({"comments":[{"id":"1"}],"total":2147483647})")
      .times(1000);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/comment")
      .fail_transport(http::TransportErrorKind::Receive, "the 1001st page was asked for");
  auto client = cloud_client(fake);
  auto comments = client.comments("FAULT-1");
  REQUIRE(comments);
  CHECK(comments->size() == 1000);
  CHECK(fake.calls().size() == 1000);
}

TEST_CASE("a Cloud changelog stops after 1000 pages when no page says isLast", "[jira][issues][fuzz]") {
  // fuzz/corpus/jira/regression_changelog_never_last: the loop had no bound.
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1")
      .reply(200, R"({"key":"FAULT-1","changelog":{"total":5,"histories":[]}})");
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/changelog")
      .reply(200, R"({"values":[{"id":"1"}],"isLast":false,"total":2147483647})")
      .times(1000);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/changelog")
      .fail_transport(http::TransportErrorKind::Receive, "the 1001st page was asked for");
  auto client = cloud_client(fake);
  jira::IssueQuery query;
  query.changelog = jira::Changelog::Include;
  auto issue = client.get_issue("FAULT-1", query);
  REQUIRE(issue);
  CHECK(issue->changelog.size() == 1000);
  CHECK(fake.calls().size() == 1001);
}

TEST_CASE("a search total beyond int's range is read as the largest int", "[jira][search][fuzz]") {
  // fuzz/corpus/jira/regression_search_total_1e300: converting 1e300 to int was undefined
  // behaviour (UBSan: float-cast-overflow).
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").reply(200, R"({"startAt":0,"total":1e300,"issues":[]})");
  auto client = datacenter_client(fake);
  jira::SearchRequest request;
  request.jql = "project = FAULT";
  auto page = client.search_page(request, "", 0);
  REQUIRE(page);
  REQUIRE(page->total);
  CHECK(*page->total == std::numeric_limits<int>::max());
}

TEST_CASE("json_access::number clamps numbers outside int's range", "[jira][fuzz]") {
  using nlohmann::json;
  constexpr int highest = std::numeric_limits<int>::max();
  constexpr int lowest = std::numeric_limits<int>::min();
  CHECK(json_access::number(json{{"n", 1e300}}, "n") == highest);
  CHECK(json_access::number(json{{"n", -1e300}}, "n") == lowest);
  CHECK(json_access::number(json::parse(R"({"n":18446744073709551615})"), "n") == highest);
  CHECK(json_access::number(json::parse(R"({"n":-9223372036854775808})"), "n") == lowest);
  CHECK(json_access::number(json{{"n", 4294967297LL}}, "n") == highest);
  CHECK(json_access::number(json{{"n", 42}}, "n") == 42);
  CHECK(json_access::number(json{{"n", -7.9}}, "n") == -7);
  CHECK(json_access::number(json{{"n", "12"}}, "n", 5) == 5);
}
