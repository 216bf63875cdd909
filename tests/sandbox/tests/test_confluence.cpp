// The Confluence emulation, called directly: pages under parents, lookups by space and title
// in both flavors, optimistic locking, children, labels, attachments, v2 cursor paging, CQL
// search, storage checks, the HTML view and snapshot/restore.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "confluence.hpp"
#include "confluence_support.hpp"

namespace {

using namespace sandbox::confluence_testing;

// Query values below are passed decoded, as the server hands them over.
}  // namespace

TEST_CASE("confluence ignores paths of other products and flavors", "[sandbox][confluence]") {
  auto cloud = make_service(Flavor::Cloud);
  auto dc = make_service(Flavor::DataCenter);
  CHECK_FALSE(cloud->handle(request("GET", "/rest/api/2/issue/FAULT-1")).has_value());
  CHECK_FALSE(cloud->handle(request("GET", "/confluence/rest/api/content")).has_value());
  CHECK_FALSE(dc->handle(request("GET", "/wiki/rest/api/content")).has_value());
  CHECK_FALSE(dc->handle(request("GET", "/hooks/slack/ops")).has_value());
  CHECK_FALSE(dc->handle(request("GET", "/wikipedia")).has_value());
  CHECK(call(*dc, request("GET", "/confluence/rest/api/nothing")).status == 404);
}

TEST_CASE("confluence creates a page under a parent and finds it by space and title", "[sandbox][confluence]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO((f == Flavor::Cloud ? "cloud" : "datacenter"));
    auto s = make_service(f);
    json created = call_json(*s, request("POST", api(f) + "/content", v1_page("Postmortem: checkout outage", "<p>Impact</p>")), 200);
    std::string id = created["id"];
    CHECK(created["version"]["number"] == 1);
    CHECK(created["version"]["when"] == "2026-11-25T12:00:00.000Z");
    CHECK(created["ancestors"][0]["id"] == "65601");
    CHECK(created["body"]["storage"]["value"] == "<p>Impact</p>");
    CHECK(created["space"]["key"] == "OPS");
    if (f == Flavor::Cloud) {
      CHECK(created["version"]["by"]["accountId"] == "5b10a2844c20165700ede21g");
      CHECK(created["_links"]["webui"] == "/spaces/OPS/pages/" + id + "/Postmortem%3A+checkout+outage");
      CHECK(created["_links"]["base"] == "http://127.0.0.1:8080/wiki");
    } else {
      CHECK(created["version"]["by"]["username"] == "alice");
      CHECK(created["version"]["by"]["userKey"] == "JIRAUSER10000");
      CHECK(created["_links"]["webui"] == "/pages/viewpage.action?pageId=" + id);
    }

    json found = call_json(*s, request("GET", api(f) + "/content?spaceKey=OPS&title=Postmortem: checkout outage&expand=body.storage,version,ancestors"), 200);
    REQUIRE(found["size"] == 1);
    CHECK(found["results"][0]["id"] == id);
    CHECK(found["results"][0]["version"]["number"] == 1);
    CHECK(found["results"][0]["body"]["storage"]["value"] == "<p>Impact</p>");
    CHECK(found["results"][0]["ancestors"][0]["title"] == "Fault Reviews");
    json without_expand = call_json(*s, request("GET", api(f) + "/content?spaceKey=OPS&title=Postmortem: checkout outage"), 200);
    CHECK_FALSE(without_expand["results"][0].contains("version"));
    CHECK_FALSE(without_expand["results"][0].contains("body"));
    CHECK(call_json(*s, request("GET", api(f) + "/content?spaceKey=OPS&title=postmortem: checkout outage"), 200)["size"] == 0);
    CHECK(call_json(*s, request("GET", api(f) + "/content?spaceKey=DEV&title=Postmortem: checkout outage"), 200)["size"] == 0);

    json duplicate = call_json(*s, request("POST", api(f) + "/content", v1_page("Postmortem: checkout outage", "<p>again</p>")), 400);
    CHECK(duplicate["statusCode"] == 400);
    CHECK(duplicate["message"].get<std::string>().find("A page with this title already exists") != std::string::npos);

    json children = call_json(*s, request("GET", api(f) + "/content/65601/child/page"), 200);
    REQUIRE(children["results"].size() == 1);
    CHECK(children["results"][0]["id"] == id);

    json space = call_json(*s, request("GET", api(f) + "/space/OPS"), 200);
    CHECK(space["key"] == "OPS");
    CHECK(space["name"] == "Operations");
    CHECK(call_json(*s, request("GET", api(f) + "/space/NOPE"), 404)["statusCode"] == 404);
  }
}

TEST_CASE("confluence create rejects bad input in Confluence's error shape", "[sandbox][confluence]") {
  auto s = make_service(Flavor::DataCenter);
  const std::string url = "/confluence/rest/api/content";
  json bad_xhtml = call_json(*s, request("POST", url, v1_page("Broken", "<p>unclosed")), 400);
  CHECK(bad_xhtml["statusCode"] == 400);
  CHECK(bad_xhtml["reason"] == "Bad Request");
  CHECK(bad_xhtml["data"]["successful"] == false);
  CHECK(bad_xhtml["message"].get<std::string>().starts_with("Error parsing xhtml"));
  CHECK(call_json(*s, request("POST", url, v1_page("No parent", "<p/>", "999999")), 400)["statusCode"] == 400);
  json no_space = v1_page("X", "<p/>", "");
  no_space["space"]["key"] = "NOPE";
  CHECK(call_json(*s, request("POST", url, no_space), 400)["message"].get<std::string>().find("NOPE") != std::string::npos);
  json wiki = v1_page("Wiki", "", "");
  wiki["body"] = {{"wiki", {{"value", "h1. x"}, {"representation", "wiki"}}}};
  CHECK(call(*s, request("POST", url, wiki)).status == 400);
  json untyped = v1_page("Untyped", "<p/>");
  untyped.erase("type");
  CHECK(call(*s, request("POST", url, untyped)).status == 400);
  SbRequest garbage = request("POST", url);
  garbage.body = "{";
  CHECK(call(*s, garbage).status == 400);
  // Nothing half-written: the only page is still the seed's.
  CHECK(call_json(*s, request("GET", url + "?spaceKey=OPS"), 200)["size"] == 1);
}

TEST_CASE("confluence updates need version current+1 and keep history", "[sandbox][confluence]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO((f == Flavor::Cloud ? "cloud" : "datacenter"));
    auto s = make_service(f);
    json created = call_json(*s, request("POST", api(f) + "/content", v1_page("Review", "<p>v1</p>")), 200);
    std::string id = created["id"];
    json update{{"id", id}, {"type", "page"}, {"title", "Review"},
                {"version", {{"number", 2}, {"message", "updated by faultline"}}},
                {"body", {{"storage", {{"value", "<p>v2</p>"}, {"representation", "storage"}}}}}};
    json updated = call_json(*s, request("PUT", api(f) + "/content/" + id, update), 200);
    CHECK(updated["version"]["number"] == 2);
    CHECK(updated["version"]["message"] == "updated by faultline");
    CHECK(updated["body"]["storage"]["value"] == "<p>v2</p>");

    json stale = call_json(*s, request("PUT", api(f) + "/content/" + id, update), 409);
    CHECK(stale["statusCode"] == 409);
    CHECK(stale["message"].get<std::string>().find("Version must be incremented on update. Current version is: 2") != std::string::npos);
    update["version"]["number"] = 4;
    CHECK(call(*s, request("PUT", api(f) + "/content/" + id, update)).status == 409);

    update["version"]["number"] = 3;
    update["body"]["storage"]["value"] = "<p>bad &amp</p>";
    CHECK(call(*s, request("PUT", api(f) + "/content/" + id, update)).status == 400);

    json got = call_json(*s, request("GET", api(f) + "/content/" + id + "?expand=body.storage,version"), 200);
    CHECK(got["version"]["number"] == 2);
    CHECK(got["body"]["storage"]["value"] == "<p>v2</p>");
    json v1 = call_json(*s, request("GET", api(f) + "/content/" + id + "?version=1&expand=body.storage,version"), 200);
    CHECK(v1["body"]["storage"]["value"] == "<p>v1</p>");
    json history = call_json(*s, request("GET", api(f) + "/content/" + id + "/version"), 200);
    CHECK(history["size"] == 2);
    CHECK(call(*s, request("PUT", api(f) + "/content/999999", update)).status == 404);
  }
}

TEST_CASE("confluence labels: add, list, remove, validate", "[sandbox][confluence]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    auto s = make_service(f);
    const std::string url = api(f) + "/content/65601/label";
    json added = call_json(*s, request("POST", url, json::array({{{"prefix", "global"}, {"name", "postmortem"}},
                                                                 {{"prefix", "global"}, {"name", "SEV1"}}})), 200);
    REQUIRE(added["results"].size() == 2);
    CHECK(added["results"][1]["name"] == "sev1");
    CHECK(added["results"][1]["label"] == "sev1");
    CHECK(call_json(*s, request("POST", url, json{{"prefix", "global"}, {"name", "postmortem"}}), 200)["size"] == 2);
    CHECK(call(*s, request("POST", url, json::array({{{"prefix", "global"}, {"name", "bad label"}}}))).status == 400);
    CHECK(call(*s, request("POST", url, json::array({{{"prefix", "global"}, {"name", "a:b"}}}))).status == 400);
    CHECK(call_json(*s, request("GET", url), 200)["size"] == 2);
    CHECK(call(*s, request("DELETE", url + "?name=sev1")).status == 204);
    CHECK(call(*s, request("DELETE", url + "/postmortem")).status == 204);
    CHECK(call(*s, request("DELETE", url + "/postmortem")).status == 404);
    CHECK(call_json(*s, request("GET", url), 200)["size"] == 0);
    CHECK(call(*s, request("GET", api(f) + "/content/424242/label")).status == 404);
  }
  auto cloud = make_service(Flavor::Cloud);
  call_json(*cloud, request("POST", "/wiki/rest/api/content/65601/label", json::array({{{"name", "postmortem"}}})), 200);
  json v2 = call_json(*cloud, request("GET", "/wiki/api/v2/pages/65601/labels"), 200);
  REQUIRE(v2["results"].size() == 1);
  CHECK(v2["results"][0]["name"] == "postmortem");
  CHECK(v2["results"][0]["prefix"] == "global");
}

TEST_CASE("confluence attachments need the XSRF header and multipart with a file part", "[sandbox][confluence]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    auto s = make_service(f);
    const std::string url = api(f) + "/content/65601/child/attachment";
    const std::string boundary = "XyZ123";
    std::string body = "--" + boundary + "\r\n"
                       "Content-Disposition: form-data; name=\"file\"; filename=\"graph.png\"\r\n"
                       "Content-Type: image/png\r\n\r\n"
                       "\x89PNG\r\n--not-a-boundary\r\n"
                       "\r\n--" + boundary + "\r\n"
                       "Content-Disposition: form-data; name=\"comment\"\r\n\r\n"
                       "error rate graph\r\n--" + boundary + "--\r\n";
    SbRequest upload = request("POST", url);
    upload.headers["content-type"] = "multipart/form-data; boundary=" + boundary;
    upload.body = body;
    SbResponse refused = call(*s, upload);
    CHECK(refused.status == 403);
    CHECK(refused.body == "XSRF check failed");

    upload.headers["x-atlassian-token"] = "nocheck";
    json uploaded = call_json(*s, upload, 200);
    REQUIRE(uploaded["results"].size() == 1);
    const json& att = uploaded["results"][0];
    CHECK(att["type"] == "attachment");
    CHECK(att["title"] == "graph.png");
    CHECK(att["extensions"]["mediaType"] == "image/png");
    CHECK(att["extensions"]["fileSize"] == 24);
    CHECK(att["extensions"]["comment"] == "error rate graph");
    CHECK(att["_links"]["download"].get<std::string>().starts_with("/download/attachments/65601/graph.png"));
    if (f == Flavor::Cloud) CHECK(att["id"].get<std::string>().starts_with("att"));

    json dup = call_json(*s, upload, 400);
    CHECK(dup["message"].get<std::string>().find("same file name") != std::string::npos);
    if (f == Flavor::Cloud) {
      SbRequest put = upload;
      put.method = "PUT";
      CHECK(call_json(*s, put, 200)["results"][0]["version"]["number"] == 2);
    } else {
      SbRequest again = upload;
      again.query.emplace("allowDuplicated", "true");
      CHECK(call_json(*s, again, 200)["results"][0]["version"]["number"] == 2);
    }

    json listed = call_json(*s, request("GET", url), 200);
    REQUIRE(listed["results"].size() == 1);
    CHECK(listed["results"][0]["title"] == "graph.png");

    SbRequest no_file = upload;
    no_file.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nx\r\n--" + boundary + "--\r\n";
    CHECK(call(*s, no_file).status == 400);
    SbRequest not_multipart = upload;
    not_multipart.headers["content-type"] = "application/json";
    CHECK(call(*s, not_multipart).status == 415);
  }
}

TEST_CASE("confluence cloud v2 pages: create, get, update, children, spaces", "[sandbox][confluence]") {
  auto s = make_service(Flavor::Cloud);
  json spaces = call_json(*s, request("GET", "/wiki/api/v2/spaces?keys=OPS"), 200);
  REQUIRE(spaces["results"].size() == 1);
  std::string space_id = spaces["results"][0]["id"];
  CHECK(space_id == "98304");

  json create{{"spaceId", space_id}, {"status", "current"}, {"title", "Postmortem: v2"}, {"parentId", "65601"},
              {"body", {{"representation", "storage"}, {"value", "<p>one</p>"}}}};
  json created = call_json(*s, request("POST", "/wiki/api/v2/pages", create), 200);
  std::string id = created["id"];
  CHECK(created["version"]["number"] == 1);
  CHECK(created["parentId"] == "65601");
  CHECK(created["spaceId"] == space_id);
  CHECK(created["authorId"] == "5b10a2844c20165700ede21g");

  json dup = call_json(*s, request("POST", "/wiki/api/v2/pages", create), 400);
  CHECK(dup["errors"][0]["status"] == 400);
  CHECK(dup["errors"][0]["code"] == "BAD_REQUEST");
  CHECK(dup["errors"][0]["title"].get<std::string>().find("A page with this title already exists") != std::string::npos);
  json nested_body = create;
  nested_body["title"] = "Nested body form";
  nested_body["body"] = {{"storage", {{"representation", "storage"}, {"value", "<p>n</p>"}}}};
  CHECK(call(*s, request("POST", "/wiki/api/v2/pages", nested_body)).status == 200);
  json unknown_space = create;
  unknown_space["spaceId"] = "1";
  CHECK(call(*s, request("POST", "/wiki/api/v2/pages", unknown_space)).status == 404);

  json got = call_json(*s, request("GET", "/wiki/api/v2/pages/" + id + "?body-format=storage"), 200);
  CHECK(got["body"]["storage"]["value"] == "<p>one</p>");
  CHECK(got["version"]["number"] == 1);
  CHECK(call_json(*s, request("GET", "/wiki/api/v2/pages/" + id), 200)["body"] == json::object());

  json update{{"id", id}, {"status", "current"}, {"title", "Postmortem: v2"},
              {"body", {{"representation", "storage"}, {"value", "<p>two</p>"}}},
              {"version", {{"number", 2}, {"message", "second"}}}};
  CHECK(call_json(*s, request("PUT", "/wiki/api/v2/pages/" + id, update), 200)["version"]["number"] == 2);
  json conflict = call_json(*s, request("PUT", "/wiki/api/v2/pages/" + id, update), 409);
  CHECK(conflict["errors"][0]["code"] == "CONFLICT");
  CHECK(conflict["errors"][0]["title"] == "Version must be incremented on update. Current version is: 2");

  json found = call_json(*s, request("GET", "/wiki/api/v2/pages?space-id=" + space_id + "&title=Postmortem: v2&body-format=storage"), 200);
  REQUIRE(found["results"].size() == 1);
  CHECK(found["results"][0]["body"]["storage"]["value"] == "<p>two</p>");

  json kids = call_json(*s, request("GET", "/wiki/api/v2/pages/65601/children"), 200);
  CHECK(kids["results"].size() == 2);
  CHECK(call(*s, request("GET", "/wiki/api/v2/pages/424242")).status == 404);
  CHECK(call(*s, request("GET", "/wiki/api/v2/pages/" + id + "?body-format=atlas_doc_format")).status == 400);
}

TEST_CASE("confluence v2 lists page with cursors in _links.next and the Link header", "[sandbox][confluence]") {
  auto s = make_service(Flavor::Cloud);
  for (int i = 0; i < 6; ++i) {
    json create{{"spaceId", "98304"}, {"status", "current"}, {"title", "Page " + std::to_string(i)},
                {"parentId", "65601"}, {"body", {{"representation", "storage"}, {"value", "<p/>"}}}};
    call_json(*s, request("POST", "/wiki/api/v2/pages", create), 200);
  }
  std::vector<std::string> seen;
  std::string target = "/wiki/api/v2/pages?space-id=98304&limit=3";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    SbRequest r = request("GET", target);
    // The cursor is opaque; decode percent-escapes as the server would.
    for (auto& [k, v] : r.query) {
      std::string decoded;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          decoded += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          decoded += v[i];
        }
      }
      v = decoded;
    }
    SbResponse res = call(*s, r);
    REQUIRE(res.status == 200);
    json body = json::parse(res.body);
    for (const auto& p : body["results"]) seen.push_back(p["id"]);
    ++pages;
    if (body["_links"].contains("next")) {
      target = body["_links"]["next"];
      CHECK(target.starts_with("/wiki/api/v2/pages?"));
      REQUIRE(res.headers.count("Link") == 1);
      CHECK(res.headers["Link"].find("<" + target + ">; rel=\"next\"") != std::string::npos);
    } else {
      CHECK(res.headers.count("Link") == 0);
      target.clear();
    }
  }
  CHECK(pages == 3);
  REQUIRE(seen.size() == 7);
  CHECK(seen.front() == "65601");
  CHECK(call(*s, request("GET", "/wiki/api/v2/pages?cursor=garbage")).status == 400);
}

TEST_CASE("confluence CQL search in both flavors", "[sandbox][confluence]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO((f == Flavor::Cloud ? "cloud" : "datacenter"));
    auto s = make_service(f);
    json a = call_json(*s, request("POST", api(f) + "/content", v1_page("Postmortem: checkout outage", "<p>The checkout failed.</p>")), 200);
    json b = call_json(*s, request("POST", api(f) + "/content", v1_page("Say \"hi\" \\ bye", "<p>Quotes</p>", a["id"])), 200);
    call_json(*s, request("POST", api(f) + "/content/" + a["id"].get<std::string>() + "/label", json::array({{{"name", "postmortem"}}})), 200);

    SbRequest search = request("GET", api(f) + "/content/search");
    search.query.emplace("cql", "space = \"OPS\" AND type = page AND title = \"Postmortem: checkout outage\"");
    search.query.emplace("expand", "version");
    json found = call_json(*s, search, 200);
    REQUIRE(found["results"].size() == 1);
    CHECK(found["results"][0]["id"] == a["id"]);
    CHECK(found["results"][0]["version"]["number"] == 1);

    SbRequest hostile = request("GET", api(f) + "/content/search");
    hostile.query.emplace("cql", R"(title = "Say \"hi\" \\ bye")");
    json h = call_json(*s, hostile, 200);
    REQUIRE(h["results"].size() == 1);
    CHECK(h["results"][0]["id"] == b["id"]);

    SbRequest by_label = request("GET", api(f) + "/search");
    by_label.query.emplace("cql", "label = postmortem AND ancestor = 65601 ORDER BY created DESC");
    json l = call_json(*s, by_label, 200);
    CHECK(l["totalSize"] == 1);
    CHECK(l["results"][0]["content"]["id"] == a["id"]);
    CHECK(l["results"][0]["content"]["type"] == "page");
    CHECK(l["results"][0]["title"] == "Postmortem: checkout outage");
    CHECK(l["cqlQuery"] == "label = postmortem AND ancestor = 65601 ORDER BY created DESC");

    SbRequest text = request("GET", api(f) + "/search");
    text.query.emplace("cql", "text ~ \"checkout\" and lastmodified >= now(\"-4w\")");
    CHECK(call_json(*s, text, 200)["totalSize"] == 1);

    SbRequest paged = request("GET", api(f) + "/content/search");
    paged.query.emplace("cql", "space = OPS ORDER BY title");
    paged.query.emplace("limit", "2");
    json first = call_json(*s, paged, 200);
    CHECK(first["size"] == 2);
    CHECK(first["_links"].contains("next"));
    paged.query.emplace("start", "2");
    json second = call_json(*s, paged, 200);
    CHECK(second["size"] == 1);
    CHECK_FALSE(second["_links"].contains("next"));

    SbRequest bad = request("GET", api(f) + "/search");
    bad.query.emplace("cql", "watcher = currentUser()");
    json err = call_json(*s, bad, 400);
    CHECK(err["statusCode"] == 400);
    CHECK(err["message"].get<std::string>().find("Could not parse cql") != std::string::npos);
    CHECK(call(*s, request("GET", api(f) + "/search")).status == 400);
  }
}

TEST_CASE("confluence serves a plain HTML view of a page", "[sandbox][confluence]") {
  auto cloud = make_service(Flavor::Cloud);
  SbResponse page = call(*cloud, request("GET", "/wiki/spaces/OPS/pages/65601/Fault+Reviews"));
  CHECK(page.status == 200);
  CHECK(page.content_type.starts_with("text/html"));
  CHECK(page.body.find("<h1 id=\"title-text\">Fault Reviews</h1>") != std::string::npos);
  CHECK(page.body.find("<p>Fault review reports.</p>") != std::string::npos);
  CHECK(call(*cloud, request("GET", "/wiki/spaces/OPS/pages/65601")).status == 200);
  CHECK(call(*cloud, request("GET", "/wiki/spaces/OPS/pages/1")).status == 404);
  auto dc = make_service(Flavor::DataCenter);
  SbResponse dc_page = call(*dc, request("GET", "/confluence/pages/viewpage.action?pageId=65601"));
  CHECK(dc_page.status == 200);
  CHECK(dc_page.body.find("Fault Reviews") != std::string::npos);
}

TEST_CASE("confluence seed defaults, extension and snapshot/restore round trip", "[sandbox][confluence]") {
  auto s = make_service(Flavor::DataCenter, json::object());
  json seeded = call_json(*s, request("GET", "/confluence/rest/api/content/65601?expand=body.storage,version,space"), 200);
  CHECK(seeded["title"] == "Fault Reviews");
  CHECK(seeded["space"]["key"] == "OPS");
  CHECK(seeded["body"]["storage"]["value"] == "<p>Fault review reports.</p>");

  s->extend_seed(json{{"confluence", {{"spaces", json::array({{{"key", "DEV"}, {"name", "Development"}, {"id", "98305"}}})},
                                      {"pages", json::array({{{"id", "70000"}, {"title", "Guide"}, {"space", "DEV"},
                                                              {"parent", nullptr}, {"body", "<p>g</p>"}, {"version", 3},
                                                              {"created", "2026-11-01"},
                                                              {"labels", json::array({"guide"})}}})}}}});
  json guide = call_json(*s, request("GET", "/confluence/rest/api/content/70000"), 200);
  CHECK(guide["version"]["number"] == 3);
  CHECK(guide["history"]["createdDate"] == "2026-11-01T00:00:00.000Z");
  json created = call_json(*s, request("POST", "/confluence/rest/api/content", v1_page("After seed", "<p/>")), 200);
  CHECK(std::stoll(created["id"].get<std::string>()) > 70000);

  json state = s->snapshot();
  auto copy = sandbox::make_confluence_service(Flavor::DataCenter);
  copy->restore(state);
  CHECK(copy->snapshot() == state);
  json again = call_json(*copy, request("GET", "/confluence/rest/api/content/" + created["id"].get<std::string>() + "?expand=ancestors"), 200);
  CHECK(again["title"] == "After seed");
  CHECK(again["ancestors"][0]["id"] == "65601");
  SbRequest cql = request("GET", "/confluence/rest/api/content/search");
  cql.query.emplace("cql", "label = guide");
  CHECK(call_json(*copy, cql, 200)["results"][0]["id"] == "70000");

  s->load_seed(json::object());
  CHECK(call(*s, request("GET", "/confluence/rest/api/content/70000")).status == 404);
}

TEST_CASE("confluence delete trashes a page and keeps its title reserved", "[sandbox][confluence]") {
  auto s = make_service(Flavor::DataCenter);
  json created = call_json(*s, request("POST", "/confluence/rest/api/content", v1_page("Temp", "<p/>")), 200);
  std::string id = created["id"];
  CHECK(call(*s, request("DELETE", "/confluence/rest/api/content/" + id)).status == 204);
  CHECK(call(*s, request("GET", "/confluence/rest/api/content/" + id)).status == 404);
  CHECK(call(*s, request("POST", "/confluence/rest/api/content", v1_page("Temp", "<p/>"))).status == 400);
  CHECK(call(*s, request("DELETE", "/confluence/rest/api/content/" + id + "?status=trashed")).status == 204);
  CHECK(call(*s, request("POST", "/confluence/rest/api/content", v1_page("Temp", "<p/>"))).status == 200);
}

TEST_CASE("confluence answers fields of the wrong JSON type with 400", "[sandbox][confluence]") {
  auto cloud = make_service(Flavor::Cloud);
  json v1 = v1_page("x", "<p/>");
  v1["title"] = 5;
  CHECK(call_json(*cloud, request("POST", "/wiki/rest/api/content", v1), 400)["statusCode"] == 400);
  json v2{{"spaceId", "98304"}, {"title", json::array()}, {"body", {{"representation", "storage"}, {"value", "<p/>"}}}};
  CHECK(call_json(*cloud, request("POST", "/wiki/api/v2/pages", v2), 400)["errors"][0]["status"] == 400);
}

TEST_CASE("confluence v2 ancestors and v1 labels given on create", "[sandbox][confluence]") {
  auto s = make_service(Flavor::Cloud);
  json mid = v1_page("Middle", "<p/>");
  mid["metadata"] = {{"labels", json::array({{{"prefix", "global"}, {"name", "postmortem"}}})}};
  json a = call_json(*s, request("POST", "/wiki/rest/api/content", mid), 200);
  json b = call_json(*s, request("POST", "/wiki/rest/api/content", v1_page("Leaf", "<p/>", a["id"])), 200);
  json ancestors = call_json(*s, request("GET", "/wiki/api/v2/pages/" + b["id"].get<std::string>() + "/ancestors"), 200);
  REQUIRE(ancestors["results"].size() == 2);
  CHECK(ancestors["results"][0]["id"] == "65601");
  CHECK(ancestors["results"][1]["id"] == a["id"]);
  json nearest = call_json(*s, request("GET", "/wiki/api/v2/pages/" + b["id"].get<std::string>() + "/ancestors?limit=1"), 200);
  REQUIRE(nearest["results"].size() == 1);
  CHECK(nearest["results"][0]["id"] == a["id"]);
  json labels = call_json(*s, request("GET", "/wiki/rest/api/content/" + a["id"].get<std::string>() + "/label"), 200);
  REQUIRE(labels["size"] == 1);
  CHECK(labels["results"][0]["name"] == "postmortem");
  json expanded = call_json(*s, request("GET", "/wiki/rest/api/content/" + a["id"].get<std::string>() + "?expand=metadata.labels"), 200);
  CHECK(expanded["metadata"]["labels"]["results"][0]["name"] == "postmortem");
}

TEST_CASE("confluence update can rename and move, but not onto a taken title or into a cycle", "[sandbox][confluence]") {
  auto s = make_service(Flavor::DataCenter);
  const std::string url = "/confluence/rest/api/content";
  json a = call_json(*s, request("POST", url, v1_page("A", "<p/>")), 200);
  json b = call_json(*s, request("POST", url, v1_page("B", "<p/>", a["id"])), 200);
  json update{{"id", a["id"]}, {"type", "page"}, {"title", "B"}, {"version", {{"number", 2}}}};
  json taken = call_json(*s, request("PUT", url + "/" + a["id"].get<std::string>(), update), 400);
  CHECK(taken["message"].get<std::string>().find("already exists") != std::string::npos);
  update["title"] = "A renamed";
  update["ancestors"] = json::array({{{"id", b["id"]}}});
  CHECK(call(*s, request("PUT", url + "/" + a["id"].get<std::string>(), update)).status == 400);
  update.erase("ancestors");
  json renamed = call_json(*s, request("PUT", url + "/" + a["id"].get<std::string>(), update), 200);
  CHECK(renamed["title"] == "A renamed");
  CHECK(renamed["version"]["number"] == 2);
  json move{{"id", b["id"]}, {"type", "page"}, {"title", "B"}, {"version", {{"number", 2}}},
            {"ancestors", json::array({{{"id", "65601"}}})}};
  json moved = call_json(*s, request("PUT", url + "/" + b["id"].get<std::string>(), move), 200);
  CHECK(moved["ancestors"].size() == 1);
  CHECK(moved["body"]["storage"]["value"] == "<p/>");
  CHECK(call_json(*s, request("GET", url + "/65601/child/page"), 200)["size"] == 2);
}
