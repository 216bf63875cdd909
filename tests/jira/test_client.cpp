#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;

TEST_CASE("detect_flavor treats *.atlassian.net as Cloud without a request", "[jira][flavor]") {
  FakeTransport fake;
  auto flavor = jira::detect_flavor(fake, cloud_connection());
  REQUIRE(flavor);
  CHECK(*flavor == jira::Flavor::Cloud);
  CHECK(fake.calls().empty());
}

TEST_CASE("detect_flavor reads serverInfo deploymentType", "[jira][flavor]") {
  SECTION("Cloud on a custom domain") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/serverInfo").reply(200, fixture("jira/cloud/serverinfo.json"));
    auto connection = cloud_connection();
    connection.base_url = "https://jira.example.org";
    auto flavor = jira::detect_flavor(fake, connection);
    REQUIRE(flavor);
    CHECK(*flavor == jira::Flavor::Cloud);
    fake.verify();
  }
  SECTION("Server means Data Center") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/serverInfo").reply(200, fixture("jira/datacenter/serverinfo.json"));
    auto flavor = jira::detect_flavor(fake, datacenter_connection());
    REQUIRE(flavor);
    CHECK(*flavor == jira::Flavor::DataCenter);
    fake.verify();
  }
  SECTION("a login page instead of JSON is a clear failure") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/serverInfo").reply(200, "<html><title>Log in</title></html>");
    auto flavor = jira::detect_flavor(fake, datacenter_connection());
    REQUIRE_FALSE(flavor);
    CHECK(flavor.error().kind == ErrorKind::Failed);
    CHECK_THAT(flavor.error().message, Catch::Contains("not JSON"));
  }
}

TEST_CASE("auth header: Basic email:token on Cloud, Bearer PAT on Data Center", "[jira][auth]") {
  SECTION("Cloud") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/3/myself")
        .when([](const http::Request& r) {
          return header_of(r, "Authorization") == http::basic_authorization("oncall@example.com", k_secret_token);
        })
        .reply(200, fixture("jira/cloud/myself.json"));
    auto client = cloud_client(fake);
    auto me = client.myself();
    REQUIRE(me);
    CHECK(me->account_id == "5b10ac8d82e05b22cc7d4ef5");
    CHECK(me->ref().id == "5b10ac8d82e05b22cc7d4ef5");
    CHECK(me->time_zone == "Asia/Shanghai");
    fake.verify();
  }
  SECTION("Data Center PAT") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/myself")
        .when([](const http::Request& r) {
          return header_of(r, "Authorization") == std::string("Bearer ") + k_secret_token;
        })
        .reply(200, fixture("jira/datacenter/myself.json"));
    auto client = datacenter_client(fake);
    auto me = client.myself();
    REQUIRE(me);
    CHECK(me->name == "dave");
    CHECK(me->ref().id == "dave");
    fake.verify();
  }
  SECTION("Data Center with a user name uses Basic; an explicit Bearer wins") {
    jira::Connection basic{k_datacenter_url, "dave", "pw-long-enough", jira::AuthScheme::Auto};
    CHECK(http::authorization_for(basic, /*data_center=*/true) ==
          http::basic_authorization("dave", "pw-long-enough"));
    basic.auth = jira::AuthScheme::Bearer;
    CHECK(http::authorization_for(basic, /*data_center=*/true) == "Bearer pw-long-enough");
  }
}

TEST_CASE("myself: a 401 is an Auth error naming the endpoint, never the token", "[jira][auth][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/myself").reply(401, fixture("jira/cloud/error_401.json"));
  auto client = cloud_client(fake);
  auto me = client.myself();
  REQUIRE_FALSE(me);
  CHECK(me.error().kind == ErrorKind::Auth);
  CHECK(me.error().http_status == 401);
  CHECK_THAT(me.error().message, Catch::StartsWith("Jira answered 401 Unauthorized to GET /rest/api/3/myself"));
  CHECK_THAT(me.error().message, Catch::Contains("Client must be authenticated"));
  CHECK_FALSE(me.error().hint.empty());
  CHECK(token_free(me.error()));
}

TEST_CASE("a server that echoes the token never gets it into the error", "[jira][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/myself")
      .reply(403, std::string(R"({"message":"Bearer )") + k_secret_token + R"( is not allowed"})");
  auto client = datacenter_client(fake);
  auto me = client.myself();
  REQUIRE_FALSE(me);
  CHECK(me.error().kind == ErrorKind::Auth);
  CHECK(token_free(me.error()));
}

TEST_CASE("a transport failure is Unavailable and names the endpoint", "[jira][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/serverInfo").fail_transport(http::TransportErrorKind::Connect, "connection refused");
  auto client = cloud_client(fake);
  auto info = client.server_info();
  REQUIRE_FALSE(info);
  CHECK(info.error().kind == ErrorKind::Unavailable);
  CHECK_THAT(info.error().message, Catch::Contains("/rest/api/3/serverInfo") && Catch::Contains("connection refused"));
}

TEST_CASE("server_info parses the deployment", "[jira]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/serverInfo").reply(200, fixture("jira/datacenter/serverinfo.json"));
  auto client = datacenter_client(fake);
  auto info = client.server_info();
  REQUIRE(info);
  CHECK(info->deployment_type == "Server");
  CHECK(info->version == "10.3.4");
  fake.verify();
}

TEST_CASE("user JSON and rich text follow the flavor", "[jira]") {
  FakeTransport fake;
  auto cloud = cloud_client(fake);
  auto dc = datacenter_client(fake);
  CHECK(cloud.user_json({"5b10"}) == nlohmann::json{{"accountId", "5b10"}});
  CHECK(dc.user_json({"dave"}) == nlohmann::json{{"name", "dave"}});
  CHECK(cloud.rich_text("hello").is_object());
  CHECK(cloud.rich_text("hello")["type"] == "doc");
  CHECK(dc.rich_text("hello").is_string());
  CHECK(cloud.api_root() == "/rest/api/3");
  CHECK(dc.api_root() == "/rest/api/2");
  CHECK(dc.browse_url("FAULT-1") == "https://jira.example.com/browse/FAULT-1");
}

TEST_CASE("parse_datetime reads Jira's offset without a colon", "[jira][time]") {
  using namespace std::chrono;
  auto t = jira::parse_datetime("2026-11-25T10:00:00.000+0800");
  REQUIRE(t);
  CHECK(*t == core::TimePoint{date::sys_days{date::year{2026} / 11 / 25} + hours{2}});
  auto z = jira::parse_datetime("2026-11-25T02:00:00.000Z");
  REQUIRE(z);
  CHECK(*z == *t);
  auto colon = jira::parse_datetime("2026-11-25T10:00:00+08:00");
  REQUIRE(colon);
  CHECK(*colon == *t);
  CHECK_FALSE(jira::parse_datetime("now"));
  CHECK_FALSE(jira::parse_datetime("2026-11-25"));
}
