// Page content properties: Cloud through REST v2 (looked up by key, written by property id),
// Data Center through /rest/api/content/{id}/property/{key} (404 = none).
#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"
#include "faultline/confluence/page_properties.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

TEST_CASE("page properties on Cloud: found by key, created with POST, updated by id with the next version",
          "[confluence][page_properties]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/pages/77/properties").query("key", "faultline.report")
      .reply(200, R"({"results":[{"id":"9001","key":"faultline.report","value":{"hash":"abc"},"version":{"number":3}}],"_links":{}})");
  fake.on(Method::Put, "/wiki/api/v2/pages/77/properties/9001")
      .json_body([](const json& b) { return b["key"] == "faultline.report" && b["version"]["number"] == 4 && b["value"]["hash"] == "def"; })
      .reply(200, R"({"id":"9001","key":"faultline.report","value":{"hash":"def"},"version":{"number":4}})");
  fake.on(Method::Post, "/wiki/api/v2/pages/78/properties")
      .json_body([](const json& b) { return b == json{{"key", "faultline.report"}, {"value", {{"hash", "new"}}}}; })
      .reply(200, R"({"id":"9002","key":"faultline.report","value":{"hash":"new"},"version":{"number":1}})");
  auto client = confluence_cloud(fake);

  auto found = confluence::page_property(client, "77", "faultline.report");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->id == "9001");
  CHECK((*found)->version == 3);
  CHECK((*found)->value["hash"] == "abc");
  auto updated = confluence::put_page_property(client, "77", "faultline.report", {{"hash", "def"}}, *found);
  REQUIRE(updated);
  CHECK(updated->version == 4);
  auto created = confluence::put_page_property(client, "78", "faultline.report", {{"hash", "new"}}, std::nullopt);
  REQUIRE(created);
  CHECK(created->id == "9002");
  fake.verify();
  CHECK(fake.calls()[2].retry == http::RetrySafety::Unsafe);
}

TEST_CASE("page properties on Data Center: 404 is none, PUT by key with the next version", "[confluence][page_properties]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/content/65601/property/faultline.report")
      .reply(404, R"({"statusCode":404,"message":"Cannot find property faultline.report"})");
  fake.on(Method::Post, "/confluence/rest/api/content/65601/property")
      .json_body([](const json& b) { return b["key"] == "faultline.report" && !b.contains("version"); })
      .reply(200, R"({"id":"65700","key":"faultline.report","value":{"v":1},"version":{"number":1}})");
  fake.on(Method::Put, "/confluence/rest/api/content/65601/property/faultline.report")
      .json_body([](const json& b) { return b["version"]["number"] == 2; })
      .reply(200, R"({"id":"65700","key":"faultline.report","value":{"v":2},"version":{"number":2}})");
  auto client = confluence_datacenter(fake);

  auto none = confluence::page_property(client, "65601", "faultline.report");
  REQUIRE(none);
  CHECK_FALSE(*none);
  auto created = confluence::put_page_property(client, "65601", "faultline.report", {{"v", 1}}, std::nullopt);
  REQUIRE(created);
  auto updated = confluence::put_page_property(client, "65601", "faultline.report", {{"v", 2}}, *created);
  REQUIRE(updated);
  CHECK(updated->version == 2);
  fake.verify();
}

TEST_CASE("a property written by someone else in between is a conflict", "[confluence][page_properties]") {
  FakeTransport fake;
  fake.on(Method::Put, "/confluence/rest/api/content/1/property/faultline.report")
      .reply(409, R"({"statusCode":409,"message":"Version mismatch: expected 3"})");
  auto client = confluence_datacenter(fake);
  confluence::PageProperty current{"5", "faultline.report", json::object(), 1};
  auto written = confluence::put_page_property(client, "1", "faultline.report", json::object(), current);
  REQUIRE_FALSE(written);
  CHECK(written.error().kind == ErrorKind::Conflict);
}
