#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

TEST_CASE("guess_flavor: atlassian.net is Cloud, anything else Data Center", "[confluence]") {
  CHECK(confluence::guess_flavor("https://example.atlassian.net/wiki") == confluence::Flavor::Cloud);
  CHECK(confluence::guess_flavor("https://wiki.example.com/confluence") == confluence::Flavor::DataCenter);
  CHECK(confluence::guess_flavor("https://atlassian.net.evil.example") == confluence::Flavor::DataCenter);
}

TEST_CASE("detect_flavor asks the site: Cloud's systemInfo, Data Center's server-information", "[confluence]") {
  const confluence::Connection custom{"https://wiki.acme.example/wiki", "oncall@example.com", k_confluence_token,
                                      confluence::AuthScheme::Auto};
  {  // A Cloud site behind a custom domain.
    FakeTransport fake;
    fake.on(Method::Get, "/wiki/rest/api/settings/systemInfo")
        .reply(200, R"({"cloudId":"5a8c3ba8-0f6c","commitHash":"abc","baseUrl":"https://wiki.acme.example/wiki"})");
    auto flavor = confluence::detect_flavor(fake, custom);
    REQUIRE(flavor);
    CHECK(*flavor == confluence::Flavor::Cloud);
    fake.verify();
  }
  const confluence::Connection server{k_confluence_datacenter_url, "", k_confluence_token, confluence::AuthScheme::Auto};
  {  // Data Center: no systemInfo, a server-information.
    FakeTransport fake;
    fake.on(Method::Get, "/confluence/rest/api/settings/systemInfo").reply(404, R"({"statusCode":404,"message":"null"})");
    fake.on(Method::Get, "/confluence/rest/api/server-information")
        .reply(200, R"({"baseUrl":"https://wiki.example.com/confluence","version":"10.0.3","buildNumber":9012})");
    auto flavor = confluence::detect_flavor(fake, server);
    REQUIRE(flavor);
    CHECK(*flavor == confluence::Flavor::DataCenter);
  }
  {  // An older Data Center without either resource.
    FakeTransport fake;
    fake.on(Method::Get, "/confluence/rest/api/settings/systemInfo").reply(404, "");
    fake.on(Method::Get, "/confluence/rest/api/server-information").reply(404, "");
    auto flavor = confluence::detect_flavor(fake, server);
    REQUIRE(flavor);
    CHECK(*flavor == confluence::Flavor::DataCenter);
  }
  {  // Refused credentials are an Auth error, and the token stays out of it.
    FakeTransport fake;
    fake.on(Method::Get, "/confluence/rest/api/settings/systemInfo").reply(401, R"({"message":"Unauthorized"})");
    auto flavor = confluence::detect_flavor(fake, server);
    REQUIRE_FALSE(flavor);
    CHECK(flavor.error().kind == ErrorKind::Auth);
    CHECK(flavor.error().message.find(k_confluence_token) == std::string::npos);
  }
  {  // *.atlassian.net is Cloud without a request.
    FakeTransport fake;
    auto flavor = confluence::detect_flavor(
        fake, confluence::Connection{k_confluence_cloud_url, "oncall@example.com", k_confluence_token, confluence::AuthScheme::Auto});
    REQUIRE(flavor);
    CHECK(*flavor == confluence::Flavor::Cloud);
    CHECK(fake.calls().empty());
  }
}

TEST_CASE("find_page on Cloud looks up the space id, then the page by title (v2)", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/spaces").query("keys", "OPS")
      .when([](const http::Request& r) {
        return header_of(r, "Authorization") == http::basic_authorization("oncall@example.com", k_confluence_token);
      })
      .reply(200, fixture("confluence/cloud/spaces.json"));
  fake.on(Method::Get, "/wiki/api/v2/pages")
      .query("space-id", "98304").query("title", "Fault Reviews").query("body-format", "storage")
      .reply(200, fixture("confluence/cloud/pages_by_title.json"));
  fake.on(Method::Get, "/wiki/api/v2/pages").query("title", "Nope").reply(200, fixture("confluence/cloud/pages_empty.json"));
  auto client = confluence_cloud(fake);
  auto page = client.find_page("OPS", "Fault Reviews");
  REQUIRE(page);
  REQUIRE(page->has_value());
  const auto& p = **page;
  CHECK(p.id == "123456");
  CHECK(p.version == 4);
  CHECK(p.space_key == "OPS");
  CHECK(p.body_storage == "<p>Index</p>");
  CHECK(p.parent_id == "98305");
  CHECK(p.web_url == "https://example.atlassian.net/wiki/spaces/OPS/pages/123456/Fault+Reviews");
  // The space id is cached: the second lookup goes straight to /pages.
  auto none = client.find_page("OPS", "Nope");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  CHECK(fake.calls().size() == 3);
  fake.verify();
}

TEST_CASE("find_page on Cloud: an unknown space is NotFound", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/spaces").reply(200, fixture("confluence/cloud/spaces_empty.json"));
  auto client = confluence_cloud(fake);
  auto page = client.find_page("NOPE", "x");
  REQUIRE_FALSE(page);
  CHECK(page.error().kind == ErrorKind::NotFound);
  CHECK_THAT(page.error().message, Catch::Contains("NOPE"));
}

TEST_CASE("find_page on Data Center uses /rest/api/content with a bearer PAT", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/content")
      .query("spaceKey", "OPS").query("title", "Fault Reviews").query("type", "page")
      .query("expand", "body.storage,version,ancestors,space,metadata.labels")
      .when([](const http::Request& r) { return header_of(r, "Authorization") == std::string("Bearer ") + k_confluence_token; })
      .reply(200, fixture("confluence/datacenter/content_by_title.json"));
  auto client = confluence_datacenter(fake);
  auto page = client.find_page("OPS", "Fault Reviews");
  REQUIRE(page);
  REQUIRE(page->has_value());
  CHECK((*page)->id == "65601");
  CHECK((*page)->version == 4);
  CHECK((*page)->parent_id == "65540");
  CHECK((*page)->web_url == "https://wiki.example.com/confluence/pages/viewpage.action?pageId=65601");
  fake.verify();
}

TEST_CASE("create_page on Cloud posts spaceId and parentId to v2", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/spaces").query("keys", "OPS").reply(200, fixture("confluence/cloud/spaces.json"));
  fake.on(Method::Post, "/wiki/api/v2/pages")
      .json_body([](const json& b) {
        return b["spaceId"] == "98304" && b["parentId"] == "123456" && b["status"] == "current" &&
               b["title"] == "Review FAULT-1: checkout" && b["body"]["representation"] == "storage" &&
               b["body"]["value"] == "<p>Review &amp; actions</p>";
      })
      .reply(200, fixture("confluence/cloud/page_created.json"));
  auto client = confluence_cloud(fake);
  auto page = client.create_page("OPS", "Review FAULT-1: checkout", "123456", "<p>Review &amp; actions</p>");
  REQUIRE(page);
  CHECK(page->id == "123999");
  CHECK(page->version == 1);
  CHECK(page->parent_id == "123456");
  CHECK_FALSE(fake.calls().at(1).is_retry_safe());
  fake.verify();
}

TEST_CASE("create_page on Data Center posts space key and ancestors", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Post, "/confluence/rest/api/content")
      .json_body([](const json& b) {
        return b["type"] == "page" && b["space"]["key"] == "OPS" && b["ancestors"] == json::array({{{"id", "65601"}}}) &&
               b["body"]["storage"]["representation"] == "storage";
      })
      .reply(200, fixture("confluence/datacenter/content_created.json"));
  auto client = confluence_datacenter(fake);
  auto page = client.create_page("OPS", "Review FAULT-1: checkout", "65601", "<p>Review</p>");
  REQUIRE(page);
  CHECK(page->id == "65700");
  CHECK(page->parent_id == "65601");
  fake.verify();
}

TEST_CASE("create_page with a duplicate title shows Confluence's words", "[confluence][pages][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/spaces").reply(200, fixture("confluence/cloud/spaces.json"));
  fake.on(Method::Post, "/wiki/api/v2/pages").reply(400, fixture("confluence/cloud/error_duplicate_title_400.json"));
  auto client = confluence_cloud(fake);
  auto page = client.create_page("OPS", "Fault Reviews", "", "<p/>");
  REQUIRE_FALSE(page);
  CHECK(page.error().kind == ErrorKind::Failed);
  CHECK_THAT(page.error().message, Catch::Contains("A page with this title already exists"));
}

TEST_CASE("update_page sends version + 1 on both flavors", "[confluence][pages]") {
  SECTION("Cloud v2") {
    FakeTransport fake;
    fake.on(Method::Put, "/wiki/api/v2/pages/123999")
        .json_body([](const json& b) {
          return b["id"] == "123999" && b["version"]["number"] == 5 && b["version"]["message"] == "faultline publish" &&
                 b["status"] == "current" && b["body"]["value"] == "<p>v5</p>" && b["title"] == "Review FAULT-1: checkout";
        })
        .reply(200, fixture("confluence/cloud/page_updated.json"));
    auto client = confluence_cloud(fake);
    confluence::Page current{"123999", "Review FAULT-1: checkout", "OPS", 4, "<p>v4</p>", "", "123456", false, "", "", "", std::nullopt};
    auto page = client.update_page(current, "Review FAULT-1: checkout", "<p>v5</p>", "faultline publish");
    REQUIRE(page);
    CHECK(page->version == 5);
    CHECK(page->space_key == "OPS");
    fake.verify();
  }
  SECTION("Data Center") {
    FakeTransport fake;
    fake.on(Method::Put, "/confluence/rest/api/content/65700")
        .json_body([](const json& b) {
          return b["version"]["number"] == 3 && b["type"] == "page" && b["body"]["storage"]["value"] == "<p>v3</p>";
        })
        .reply(200, fixture("confluence/datacenter/content_updated.json"));
    auto client = confluence_datacenter(fake);
    confluence::Page current{"65700", "Review FAULT-1: checkout", "OPS", 2, "<p>v2</p>", "", "65601", false, "", "", "", std::nullopt};
    auto page = client.update_page(current, current.title, "<p>v3</p>");
    REQUIRE(page);
    CHECK(page->version == 3);
    fake.verify();
  }
}

TEST_CASE("a stale version is a Conflict, never overwritten", "[confluence][pages][errors]") {
  SECTION("Cloud 409") {
    FakeTransport fake;
    fake.on(Method::Put, "/wiki/api/v2/pages/123999").reply(409, fixture("confluence/cloud/error_409.json"));
    auto client = confluence_cloud(fake);
    confluence::Page current{"123999", "Review FAULT-1", "OPS", 3, "", "", "", false, "", "", "", std::nullopt};
    auto page = client.update_page(current, current.title, "<p>mine</p>");
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Conflict);
    CHECK(page.error().http_status == 409);
    CHECK_THAT(page.error().message, Catch::Contains("changed by someone else after version 3"));
    CHECK_THAT(page.error().message, Catch::Contains("Current version is: 5"));
    CHECK(fake.calls().size() == 1);
    fake.verify();
  }
  SECTION("Data Center 409") {
    FakeTransport fake;
    fake.on(Method::Put, "/confluence/rest/api/content/65700").reply(409, fixture("confluence/datacenter/error_409.json"));
    auto client = confluence_datacenter(fake);
    confluence::Page current{"65700", "Review FAULT-1", "OPS", 2, "", "", "", false, "", "", "", std::nullopt};
    auto page = client.update_page(current, current.title, "<p>mine</p>");
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Conflict);
    CHECK_THAT(page.error().message, Catch::Contains("ConflictException"));
  }
  SECTION("Data Center 400 version must be incremented") {
    FakeTransport fake;
    fake.on(Method::Put, "/confluence/rest/api/content/65700").reply(400, fixture("confluence/datacenter/error_version_400.json"));
    auto client = confluence_datacenter(fake);
    confluence::Page current{"65700", "Review FAULT-1", "OPS", 2, "", "", "", false, "", "", "", std::nullopt};
    auto page = client.update_page(current, current.title, "<p>mine</p>");
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Conflict);
  }
}

TEST_CASE("get_page on Cloud resolves the space key from the space id", "[confluence][pages]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/pages/123999").query("body-format", "storage").reply(200, fixture("confluence/cloud/page_get.json"));
  fake.on(Method::Get, "/wiki/api/v2/spaces/98304").reply(200, fixture("confluence/cloud/space_by_id.json"));
  auto client = confluence_cloud(fake);
  auto page = client.get_page("123999");
  REQUIRE(page);
  CHECK(page->space_key == "OPS");
  CHECK(page->version == 4);
  CHECK(page->body_storage == "<p>v4</p>");
  fake.verify();
}

TEST_CASE("Confluence errors never contain the token", "[confluence][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/space/OPS")
      .reply(401, std::string("Bad token ") + k_confluence_token);
  auto client = confluence_datacenter(fake);
  auto space = client.find_space("OPS");
  REQUIRE_FALSE(space);
  CHECK(space.error().kind == ErrorKind::Auth);
  std::string all = space.error().message + space.error().hint;
  for (const auto& d : space.error().details) all += d;
  CHECK(all.find(k_confluence_token) == std::string::npos);
}
