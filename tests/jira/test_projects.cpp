#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

TEST_CASE("project versions keep ISO release dates", "[jira][versions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/project/FAULT/versions").reply(200, fixture("jira/datacenter/versions.json"));
  auto client = datacenter_client(fake);
  auto versions = client.project_versions("FAULT");
  REQUIRE(versions);
  REQUIRE(versions->size() == 2);
  CHECK((*versions)[0].release_date == "2026-10-02");
  CHECK((*versions)[0].released);
  CHECK((*versions)[1].release_date.empty());
  fake.verify();
}

TEST_CASE("filters: create as favourite, update, find mine by name", "[jira][filters]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/filter")
      .json_body([](const json& b) { return b["name"] == "Faults - open" && b["favourite"] == true && b.contains("jql"); })
      .reply(200, fixture("jira/cloud/filter.json"));
  fake.on(Method::Put, "/rest/api/3/filter/10040")
      .json_body([](const json& b) { return !b.contains("favourite") && b["jql"] == "project = \"FAULT\""; })
      .reply(200, fixture("jira/cloud/filter.json"));
  fake.on(Method::Get, "/rest/api/3/filter/my").query("includeFavourites", "true").reply(200, fixture("jira/cloud/filter_my.json")).times(2);
  auto client = cloud_client(fake);
  auto created = client.create_filter({"Faults - open", "project = \"FAULT\" AND statusCategory != Done", ""});
  REQUIRE(created);
  CHECK(created->id == "10040");
  CHECK(created->owner == "5b10ac8d82e05b22cc7d4ef5");
  auto updated = client.update_filter("10040", {"Faults - open", "project = \"FAULT\"", ""});
  REQUIRE(updated);
  auto found = client.find_my_filter("Faults - overdue actions");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->id == "10041");
  auto none = client.find_my_filter("Faults");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  fake.verify();
}

TEST_CASE("filters on Data Center are found among favourites", "[jira][filters]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/filter/favourite").reply(200, fixture("jira/datacenter/filter_favourite.json"));
  auto client = datacenter_client(fake);
  auto found = client.find_my_filter("Faults - open");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->owner == "dave");
  fake.verify();
}

TEST_CASE("boards: create with filter and location, find by exact name", "[jira][boards]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/agile/1.0/board")
      .json_body([](const json& b) {
        return b["name"] == "Faults" && b["type"] == "kanban" && b["filterId"] == 10200 &&
               b["location"] == json{{"type", "project"}, {"projectKeyOrId", "FAULT"}};
      })
      .reply(201, fixture("jira/datacenter/board_created.json"));
  auto dc = datacenter_client(fake);
  auto board = dc.create_board({"Faults", jira::BoardType::Kanban, "10200", "FAULT"});
  REQUIRE(board);
  CHECK(board->id == "84");

  fake.on(Method::Get, "/rest/agile/1.0/board").query("name", "Faults").reply(200, fixture("jira/cloud/boards.json"));
  auto cloud = cloud_client(fake);
  auto found = cloud.find_board("Faults");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->id == "84");
  CHECK((*found)->type == jira::BoardType::Kanban);
  fake.verify();
}
