// resolve_user against a FakeTransport: the one user resolution (open --coordinator, actions
// --owner, actions add, review publish). Cloud takes an exact e-mail / name / account id
// match or reads an account id, and never falls back to the first of several hits; an unknown
// user is a Usage error naming the user and how to fix it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "support/fake_transport.hpp"

using faultline::app::resolve_user;
using faultline::http::Method;
using faultline::test::FakeTransport;

namespace {

faultline::jira::Client cloud_client(FakeTransport& fake) {
  return faultline::jira::Client(fake, faultline::jira::Connection{"https://example.atlassian.net", "oncall@example.com", "token-123456789"},
                                 faultline::jira::Flavor::Cloud);
}

faultline::config::Config config() {
  faultline::config::Config c;
  c.jira.project = "FAULT";
  faultline::config::Person dave;
  dave.key = "dave";
  dave.jira = "5b10a2844c20165700ede21d";
  c.people["dave"] = dave;
  faultline::config::Person ghost;
  ghost.key = "ghost";
  ghost.jira = "ghost@example.com";
  c.people["ghost"] = ghost;
  return c;
}

const char* k_two_users = R"([
  {"accountId":"5b10a2844c20165700ede21a","displayName":"Alice Wang","emailAddress":"alice@example.com"},
  {"accountId":"5b10a2844c20165700ede21b","displayName":"Alicia Keys","emailAddress":"alicia@example.com"}])";

}  // namespace

TEST_CASE("resolve_user on Cloud: exact matches and account ids, never the first of several hits", "[app][users]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/user").query("accountId", "5b10a2844c20165700ede21d")
      .reply(200, R"({"accountId":"5b10a2844c20165700ede21d","displayName":"Dave"})");
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "alice@example.com").reply(200, k_two_users);
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "ali").reply(200, k_two_users);
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "ghost@example.com").reply(200, "[]");
  auto client = cloud_client(fake);
  const auto cfg = config();

  auto dave = resolve_user(client, cfg, "dave", "coordinator");
  REQUIRE(dave.has_value());
  CHECK(dave->id == "5b10a2844c20165700ede21d");

  auto alice = resolve_user(client, cfg, "alice@example.com");
  REQUIRE(alice.has_value());
  CHECK(alice->id == "5b10a2844c20165700ede21a");

  // Two hits, none exact: refused (the old lenient lookup took the first one).
  auto ali = resolve_user(client, cfg, "ali", "owner");
  REQUIRE_FALSE(ali.has_value());
  CHECK(ali.error().kind == faultline::ErrorKind::Usage);
  CHECK(ali.error().message.find("owner 'ali'") != std::string::npos);
  CHECK(ali.error().hint.find("[people.ali]") != std::string::npos);

  // A people entry whose Jira user does not exist: the hint names that entry.
  auto ghost = resolve_user(client, cfg, "ghost", "coordinator");
  REQUIRE_FALSE(ghost.has_value());
  CHECK(ghost.error().kind == faultline::ErrorKind::Usage);
  CHECK(ghost.error().message.find("coordinator 'ghost'") != std::string::npos);
  CHECK(ghost.error().message.find("ghost@example.com") != std::string::npos);
  CHECK(ghost.error().hint.find("[people.ghost]") != std::string::npos);
  fake.verify();
}

TEST_CASE("resolve_user on Cloud: an unknown account id is a usage error, a failed lookup keeps its own kind",
          "[app][users]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/user").query("accountId", "5b10a2844c20165700ede21d")
      .reply(404, R"({"errorMessages":["Specified user does not exist or you do not have required permissions"]})");
  fake.on(Method::Get, "/rest/api/3/user/search").query("query", "bob@example.com")
      .reply(401, R"({"errorMessages":["Unauthorized"]})");
  auto client = cloud_client(fake);
  const auto cfg = config();
  auto dave = resolve_user(client, cfg, "dave");
  REQUIRE_FALSE(dave.has_value());
  CHECK(dave.error().kind == faultline::ErrorKind::Usage);
  auto bob = resolve_user(client, cfg, "bob@example.com");
  REQUIRE_FALSE(bob.has_value());
  CHECK(bob.error().kind == faultline::ErrorKind::Auth);
  fake.verify();
}

TEST_CASE("resolve_user on Data Center checks that the user name exists", "[app][users]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "dave")
      .reply(200, R"([{"name":"dave","key":"JIRAUSER4","displayName":"Dave"}])");
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "dav")
      .reply(200, R"([{"name":"dave","key":"JIRAUSER4","displayName":"Dave"}])");
  auto client = faultline::jira::Client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                        faultline::jira::Flavor::DataCenter);
  faultline::config::Config cfg;
  auto dave = resolve_user(client, cfg, "dave");
  REQUIRE(dave.has_value());
  CHECK(dave->id == "dave");
  auto dav = resolve_user(client, cfg, "dav", "coordinator");
  REQUIRE_FALSE(dav.has_value());
  CHECK(dav.error().kind == faultline::ErrorKind::Usage);
  CHECK(dav.error().message.find("coordinator 'dav'") != std::string::npos);
  CHECK(dav.error().hint.find("user name") != std::string::npos);
  fake.verify();
}
