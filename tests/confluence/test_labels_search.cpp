#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"
#include "faultline/core/query.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

TEST_CASE("labels go through REST v1 on Cloud", "[confluence][labels]") {
  FakeTransport fake;
  fake.on(Method::Post, "/wiki/rest/api/content/123999/label")
      .json_body([](const json& b) {
        return b == json::array({{{"prefix", "global"}, {"name", "fault-review"}}, {{"prefix", "global"}, {"name", "p2"}}});
      })
      .reply(200, fixture("confluence/cloud/labels.json"));
  fake.on(Method::Get, "/wiki/rest/api/content/123999/label").reply(200, fixture("confluence/cloud/labels.json"));
  auto client = confluence_cloud(fake);
  CHECK(client.add_labels("123999", {"fault-review", "p2"}));
  auto names = client.labels("123999");
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"fault-review", "p2", "config-change"});
  fake.verify();
}

TEST_CASE("labels on Data Center use /rest/api", "[confluence][labels]") {
  FakeTransport fake;
  fake.on(Method::Post, "/confluence/rest/api/content/65700/label").reply(200, fixture("confluence/datacenter/labels.json"));
  fake.on(Method::Get, "/confluence/rest/api/content/65700/label").reply(200, fixture("confluence/datacenter/labels.json"));
  auto client = confluence_datacenter(fake);
  CHECK(client.add_labels("65700", {"p1"}));
  auto names = client.labels("65700");
  REQUIRE(names);
  CHECK(names->size() == 2);
  fake.verify();
}

TEST_CASE("page_search_cql quotes every value with cql_quote", "[confluence][search]") {
  auto cql = confluence::page_search_cql("OPS", "checkout \"EU\" \\ down", {"fault-review"});
  CHECK(cql == "type = page AND space = " + core::cql_quote("OPS") + " AND label = " + core::cql_quote("fault-review") +
                   " AND (title ~ " + core::cql_quote("checkout \"EU\" \\ down") + " OR text ~ " +
                   core::cql_quote("checkout \"EU\" \\ down") + ") ORDER BY lastmodified DESC");
  CHECK_THAT(cql, Catch::Contains(R"(\"EU\")"));
}

TEST_CASE("CQL search sends the escaped query through v1 and follows _links.next", "[confluence][search]") {
  FakeTransport fake;
  const auto cql = confluence::page_search_cql("OPS", "a \"b\"");
  fake.on(Method::Get, "/wiki/rest/api/content/search").query("cql", cql).no_query("cursor")
      .reply(200, fixture("confluence/cloud/search_page1.json"));
  fake.on(Method::Get, "/wiki/rest/api/content/search").query("cursor", "_f_MQ==_sa_WyJ")
      .reply(200, fixture("confluence/cloud/search_page2.json"));
  auto client = confluence_cloud(fake);
  auto hits = client.search(cql, 10);
  REQUIRE(hits);
  REQUIRE(hits->size() == 2);
  CHECK((*hits)[0].title == "Review FAULT-1: checkout");
  CHECK((*hits)[0].space_key == "OPS");
  CHECK((*hits)[0].web_url == "https://example.atlassian.net/wiki/pages/viewpage.action?pageId=123999");
  CHECK((*hits)[1].id == "124000");
  // The next URL is built on our own base.
  CHECK_THAT(fake.calls().at(1).url, Catch::StartsWith("https://example.atlassian.net/wiki/rest/api/content/search?"));
  fake.verify();
}

TEST_CASE("CQL search on Data Center stops at the limit", "[confluence][search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/content/search").query("limit", "1").reply(200, fixture("confluence/datacenter/search.json"));
  auto client = confluence_datacenter(fake);
  auto hits = client.search("type = page", 1);
  REQUIRE(hits);
  CHECK(hits->size() == 1);
  fake.verify();
}

TEST_CASE("invalid CQL shows Confluence's message", "[confluence][search][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/content/search")
      .reply(400, R"({"statusCode":400,"message":"Could not parse cql : type = ","reason":"Bad Request"})");
  auto client = confluence_datacenter(fake);
  auto hits = client.search("type = ");
  REQUIRE_FALSE(hits);
  CHECK(hits.error().kind == ErrorKind::Failed);
  CHECK_THAT(hits.error().message, Catch::Contains("Could not parse cql"));
}
