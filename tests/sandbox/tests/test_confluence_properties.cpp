// Content properties of pages: v1 on both flavors, Cloud's v2, versions that must go up by one,
// and properties surviving a snapshot.
#include <catch2/catch.hpp>

#include "confluence_support.hpp"

using namespace sandbox::confluence_testing;

TEST_CASE("confluence v1 content properties: create, read, versioned update, 404 when absent",
          "[sandbox][confluence][properties]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO((f == Flavor::Cloud ? "cloud" : "datacenter"));
    auto s = make_service(f);
    const std::string base = api(f) + "/content/65601/property";
    call_json(*s, request("GET", base + "/faultline.report"), 404);
    auto created = call_json(*s, request("POST", base, json{{"key", "faultline.report"}, {"value", {{"hash", "a"}}}}), 200);
    CHECK(created["version"]["number"] == 1);
    call_json(*s, request("POST", base, json{{"key", "faultline.report"}, {"value", 1}}), 409);
    call_json(*s, request("PUT", base + "/faultline.report", json{{"value", 2}, {"version", {{"number", 3}}}}), 409);
    call_json(*s, request("PUT", base + "/faultline.report", json{{"value", 2}}), 400);
    auto updated = call_json(*s, request("PUT", base + "/faultline.report",
                                         json{{"key", "faultline.report"}, {"value", {{"hash", "b"}}}, {"version", {{"number", 2}}}}),
                             200);
    CHECK(updated["version"]["number"] == 2);
    auto read = call_json(*s, request("GET", base + "/faultline.report"), 200);
    CHECK(read["value"]["hash"] == "b");
    CHECK(call_json(*s, request("GET", base), 200)["size"] == 1);

    const auto state = s->snapshot();
    auto copy = sandbox::make_confluence_service(f);
    copy->restore(state);
    CHECK(call_json(*copy, request("GET", base + "/faultline.report"), 200)["value"]["hash"] == "b");
  }
}

TEST_CASE("confluence v2 page properties: filtered by key, updated by id", "[sandbox][confluence][properties]") {
  auto s = make_service(Flavor::Cloud);
  const std::string base = "/wiki/api/v2/pages/65601/properties";
  CHECK(call_json(*s, request("GET", base + "?key=faultline.report"), 200)["results"].empty());
  auto created = call_json(*s, request("POST", base, json{{"key", "faultline.report"}, {"value", {{"n", 1}}}}), 200);
  const std::string id = created["id"];
  call_json(*s, request("POST", base, json{{"key", "other"}, {"value", true}}), 200);
  auto listed = call_json(*s, request("GET", base + "?key=faultline.report"), 200);
  REQUIRE(listed["results"].size() == 1);
  CHECK(listed["results"][0]["id"] == id);
  call_json(*s, request("PUT", base + "/" + id, json{{"key", "faultline.report"}, {"value", 2}, {"version", {{"number", 1}}}}), 409);
  auto updated = call_json(*s, request("PUT", base + "/" + id,
                                       json{{"key", "faultline.report"}, {"value", 2}, {"version", {{"number", 2}}}}),
                           200);
  CHECK(updated["value"] == 2);
  call_json(*s, request("GET", base + "/999999"), 404);
  auto dc = make_service(Flavor::DataCenter);
  CHECK(call(*dc, request("GET", "/confluence/api/v2/pages/65601/properties")).status == 404);  // no v2 on Data Center
}
