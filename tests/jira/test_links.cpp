#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

namespace {

jira::RemoteLinkInput review_link() {
  jira::RemoteLinkInput link;
  link.global_id = "faultline:review:FAULT-1";
  link.url = "https://example.atlassian.net/wiki/spaces/OPS/pages/123";
  link.title = "Fault review FAULT-1";
  link.summary = "Published review";
  link.relationship = "fault review";
  link.application_type = "com.atlassian.confluence";
  link.application_name = "Confluence";
  return link;
}

}  // namespace

TEST_CASE("remote link upsert sends globalId, object and application; 201 means created", "[jira][links]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-1/remotelink")
      .json_body([](const json& b) {
        return b["globalId"] == "faultline:review:FAULT-1" &&
               b["object"]["url"] == "https://example.atlassian.net/wiki/spaces/OPS/pages/123" &&
               b["object"]["title"] == "Fault review FAULT-1" && b["relationship"] == "fault review" &&
               b["application"]["type"] == "com.atlassian.confluence" && !b["object"].contains("icon");
      })
      .reply(201, fixture("jira/cloud/remotelink_created.json"));
  auto client = cloud_client(fake);
  auto result = client.upsert_remote_link("FAULT-1", review_link());
  REQUIRE(result);
  CHECK(result->outcome == jira::Upsert::Created);
  CHECK(result->id == "10000");
  CHECK(fake.calls().at(0).is_retry_safe());
  fake.verify();
}

TEST_CASE("remote link upsert answered 200 means updated", "[jira][links]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/remotelink").reply(200, fixture("jira/datacenter/remotelink_updated.json"));
  auto client = datacenter_client(fake);
  auto result = client.upsert_remote_link("FAULT-1", review_link());
  REQUIRE(result);
  CHECK(result->outcome == jira::Upsert::Updated);
  fake.verify();
}

TEST_CASE("remote link without a global id is refused locally", "[jira][links]") {
  FakeTransport fake;
  auto client = cloud_client(fake);
  auto link = review_link();
  link.global_id.clear();
  auto result = client.upsert_remote_link("FAULT-1", link);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::Usage);
  CHECK(fake.calls().empty());
}

TEST_CASE("add_watcher posts a bare JSON string per flavor", "[jira][watchers]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-1/watchers")
      .when([](const http::Request& r) { return r.body == "\"5b10ac8d82e05b22cc7d4ef5\""; })
      .reply(204);
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/watchers")
      .when([](const http::Request& r) { return r.body == "\"dave\""; })
      .reply(204);
  auto cloud = cloud_client(fake);
  auto dc = datacenter_client(fake);
  CHECK(cloud.add_watcher("FAULT-1", {"5b10ac8d82e05b22cc7d4ef5"}));
  CHECK(dc.add_watcher("FAULT-1", {"dave"}));
  fake.verify();
}

TEST_CASE("watchers lists users", "[jira][watchers]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/watchers").reply(200, fixture("jira/datacenter/watchers.json"));
  auto client = datacenter_client(fake);
  auto users = client.watchers("FAULT-1");
  REQUIRE(users);
  REQUIRE(users->size() == 1);
  CHECK((*users)[0].name == "dave");
  fake.verify();
}

TEST_CASE("link_issues posts type, inward and outward issues", "[jira][links]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const json& b) {
        return b["type"]["name"] == "Relates" && b["inwardIssue"]["key"] == "FAULT-2" &&
               b["outwardIssue"]["key"] == "FAULT-1" && b["comment"]["body"]["type"] == "doc";
      })
      .reply(201);
  auto client = cloud_client(fake);
  CHECK(client.link_issues("Relates", "FAULT-2", "FAULT-1", "Rollback of FAULT-1"));
  fake.verify();
}

TEST_CASE("comments: ADF on Cloud, wiki on Data Center, plain text extracted", "[jira][comments]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-1/comment")
      .json_body([](const json& b) { return b["body"]["type"] == "doc"; })
      .reply(201, fixture("jira/cloud/comment.json"));
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/comment")
      .json_body([](const json& b) { return b["body"].is_string(); })
      .reply(201, fixture("jira/datacenter/comment.json"));
  auto cloud = cloud_client(fake);
  auto dc = datacenter_client(fake);
  auto c1 = cloud.add_comment("FAULT-1", "Rolled back.");
  REQUIRE(c1);
  CHECK(c1->id == "10000");
  CHECK_THAT(c1->text, Catch::Contains("Rolled back."));
  CHECK_FALSE(fake.calls().at(0).is_retry_safe());
  auto c2 = dc.add_comment("FAULT-1", "Rolled back.");
  REQUIRE(c2);
  CHECK_THAT(c2->text, Catch::Contains("Rolled back."));
  fake.verify();
}

TEST_CASE("entity properties: created vs updated, read back", "[jira][properties]") {
  FakeTransport fake;
  fake.on(Method::Put, "/rest/api/3/issue/FAULT-1/properties/faultline")
      .json_body([](const json& b) { return b["level"] == "P1"; })
      .reply(201);
  fake.on(Method::Put, "/rest/api/3/issue/FAULT-1/properties/faultline").reply(200);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/properties/faultline")
      .reply(200, R"({"key":"faultline","value":{"level":"P1"}})");
  auto client = cloud_client(fake);
  auto first = client.set_property("FAULT-1", "faultline", {{"level", "P1"}});
  REQUIRE(first);
  CHECK(*first == jira::Upsert::Created);
  auto second = client.set_property("FAULT-1", "faultline", {{"level", "P1"}});
  REQUIRE(second);
  CHECK(*second == jira::Upsert::Updated);
  auto value = client.property("FAULT-1", "faultline");
  REQUIRE(value);
  CHECK((*value)["level"] == "P1");
  fake.verify();
}

TEST_CASE("remote_links by global id accepts the single-object answer", "[jira][links]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/remotelink").query("globalId", "faultline:review:FAULT-1")
      .reply(200, R"({"id":10000,"self":"https://example.atlassian.net/rest/api/3/issue/FAULT-1/remotelink/10000",
                      "globalId":"faultline:review:FAULT-1","relationship":"fault review",
                      "object":{"url":"https://example.atlassian.net/wiki/x","title":"Fault review FAULT-1"}})");
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/remotelink").no_query("globalId")
      .reply(200, R"([{"id":10000,"globalId":"g1","object":{"url":"https://a","title":"A"}},
                      {"id":10001,"globalId":"g2","object":{"url":"https://b","title":"B"}}])");
  auto client = cloud_client(fake);
  auto one = client.remote_links("FAULT-1", "faultline:review:FAULT-1");
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].id == "10000");
  CHECK((*one)[0].title == "Fault review FAULT-1");
  auto all = client.remote_links("FAULT-1");
  REQUIRE(all);
  CHECK(all->size() == 2);
  fake.verify();
}

TEST_CASE("comments are read page by page, oldest first", "[jira][comments]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/comment").query("startAt", "0")
      .reply(200, R"({"startAt":0,"maxResults":1,"total":2,"comments":[{"id":"1","body":"first","created":"2026-11-25T10:00:00.000+0800"}]})");
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/comment").query("startAt", "1")
      .reply(200, R"({"startAt":1,"maxResults":1,"total":2,"comments":[{"id":"2","body":"second","created":"2026-11-25T11:00:00.000+0800"}]})");
  auto client = datacenter_client(fake);
  auto comments = client.comments("FAULT-1");
  REQUIRE(comments);
  REQUIRE(comments->size() == 2);
  CHECK((*comments)[1].text == "second");
  fake.verify();
}

TEST_CASE("issue link types and property keys are listed", "[jira][links][properties]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issueLinkType")
      .reply(200, R"({"issueLinkTypes":[{"id":"10000","name":"Blocks","inward":"is blocked by","outward":"blocks","self":"x"}]})");
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/properties")
      .reply(200, R"({"keys":[{"self":"x","key":"faultline"}]})");
  auto client = datacenter_client(fake);
  auto types = client.issue_link_types();
  REQUIRE(types);
  REQUIRE(types->size() == 1);
  CHECK((*types)[0].outward == "blocks");
  auto keys = client.property_keys("FAULT-1");
  REQUIRE(keys);
  CHECK(*keys == std::vector<std::string>{"faultline"});
  fake.verify();
}
