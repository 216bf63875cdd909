#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;

TEST_CASE("user search on Cloud sends query and never username", "[jira][users]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "alice").no_query("username")
      .reply(200, fixture("jira/cloud/user_search.json"));
  auto client = cloud_client(fake);
  auto users = client.search_users("alice");
  REQUIRE(users);
  REQUIRE(users->size() == 1);
  CHECK((*users)[0].account_id == "5b10a2844c20165700ede21g");
  CHECK((*users)[0].ref().id == "5b10a2844c20165700ede21g");
  fake.verify();
}

TEST_CASE("user search on Data Center sends username", "[jira][users]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "alice").no_query("query")
      .reply(200, fixture("jira/datacenter/user_search.json"));
  auto client = datacenter_client(fake);
  auto users = client.search_users("alice");
  REQUIRE(users);
  REQUIRE(users->size() == 1);
  CHECK((*users)[0].name == "alice");
  CHECK((*users)[0].ref().id == "alice");
  fake.verify();
}
