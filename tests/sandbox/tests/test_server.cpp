// The sandbox server: auth per flavor, dispatch, concurrency, state persistence, HTML view.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;
using sandbox::testing::fault_input;

TEST_CASE("Cloud accepts Basic email:token and answers myself with an accountId", "[server][auth]") {
  TestSandbox sb(Flavor::Cloud);
  auto [status, me] = sb.call("GET", "/rest/api/3/myself");
  REQUIRE(status == 200);
  CHECK(me["accountId"] == "5b10a2844c20165700ede21e");
  CHECK(me["emailAddress"] == "oncall@example.com");
  CHECK_FALSE(me.contains("name"));
}

TEST_CASE("Cloud rejects a wrong token with the plain-text basic-auth message", "[server][auth]") {
  TestSandbox sb(Flavor::Cloud);
  auto c = sb.anonymous();
  c->set_basic_auth("oncall@example.com", "wrong");
  auto res = c->Get("/rest/api/3/myself");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(res->get_header_value("Content-Type").starts_with("text/plain"));
  CHECK(res->body.find("Basic authentication with passwords is deprecated") != std::string::npos);
  auto anonymous = sb.anonymous()->Get("/rest/api/3/myself");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto bearer = sb.anonymous();
  bearer->set_bearer_token_auth("sandbox-token");
  auto res2 = bearer->Get("/rest/api/3/myself");
  REQUIRE(res2);
  CHECK(res2->status == 401);
}

TEST_CASE("Data Center accepts a Bearer PAT and Basic user:password, rejects others", "[server][auth]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, me] = sb.call("GET", "/rest/api/2/myself");
  REQUIRE(status == 200);
  CHECK(me["name"] == "oncall");
  auto basic = sb.anonymous();
  basic->set_basic_auth("alice", "sandbox-token");
  auto res = basic->Get("/rest/api/2/myself");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["name"] == "alice");
  auto bad = sb.anonymous();
  bad->set_basic_auth("alice", "nope");
  auto rejected = bad->Get("/rest/api/2/myself");
  REQUIRE(rejected);
  CHECK(rejected->status == 401);
  CHECK(rejected->get_header_value("X-Seraph-LoginReason") == "AUTHENTICATED_FAILED");
  CHECK(nlohmann::json::parse(rejected->body).contains("errorMessages"));
}

TEST_CASE("serverInfo tells the deployment type and needs no credentials", "[server]") {
  TestSandbox cloud(Flavor::Cloud);
  TestSandbox dc(Flavor::DataCenter);
  auto a = cloud.anonymous()->Get("/rest/api/2/serverInfo");
  auto b = dc.anonymous()->Get("/rest/api/2/serverInfo");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(nlohmann::json::parse(a->body)["deploymentType"] == "Cloud");
  CHECK(nlohmann::json::parse(b->body)["deploymentType"] == "Server");
}

TEST_CASE("Unknown paths answer 404 in Jira's error shape; v3 does not exist on Data Center", "[server]") {
  TestSandbox dc(Flavor::DataCenter);
  auto [status, body] = dc.call("GET", "/rest/api/3/myself");
  CHECK(status == 404);
  CHECK(body.contains("errorMessages"));
  auto [status2, body2] = dc.call("GET", "/rest/nothing/here");
  CHECK(status2 == 404);
  CHECK(body2["errors"].is_object());
}

TEST_CASE("Control and hook paths need no credentials", "[server]") {
  TestSandbox sb(Flavor::Cloud);
  auto res = sb.anonymous()->Get("/_sandbox/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["flavor"] == "cloud");
}

TEST_CASE("Concurrent creates get unique keys and none is lost", "[server][concurrency]") {
  TestSandbox sb(Flavor::DataCenter);
  constexpr int k_threads = 8;
  constexpr int k_per_thread = 25;
  std::vector<std::vector<std::string>> keys(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      auto c = sb.client();
      for (int i = 0; i < k_per_thread; ++i) {
        auto res = c->Post("/rest/api/2/issue", fault_input("concurrent").dump(), "application/json");
        if (res && res->status == 201) keys[static_cast<std::size_t>(t)].push_back(nlohmann::json::parse(res->body)["key"]);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  std::size_t total = 0;
  for (const auto& list : keys) {
    total += list.size();
    unique.insert(list.begin(), list.end());
  }
  CHECK(total == k_threads * k_per_thread);
  CHECK(unique.size() == total);
  auto [status, found] = sb.call("GET", "/rest/api/2/search?jql=summary~concurrent&maxResults=0");
  REQUIRE(status == 200);
  CHECK(found["total"] == k_threads * k_per_thread);
}

TEST_CASE("State survives a stop and a start with the same --state file", "[server][state]") {
  const auto dir = std::filesystem::temp_directory_path() / ("sandbox-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "state.json";
  std::filesystem::remove(file);
  sandbox::ServerOptions options;
  options.state_file = file;
  std::string key;
  {
    TestSandbox sb(Flavor::Cloud, options);
    auto [status, created] = sb.call("POST", "/rest/api/2/issue", fault_input("persist me"));
    REQUIRE(status == 201);
    key = created["key"];
    auto [ps, _] = sb.call("PUT", "/rest/api/3/issue/" + key + "/properties/faultline", {{"level", "P2"}});
    CHECK(ps == 201);
    sb.server().stop();
  }
  REQUIRE(std::filesystem::exists(file));
  TestSandbox again(Flavor::Cloud, options);
  auto [status, issue] = again.call("GET", "/rest/api/2/issue/" + key);
  REQUIRE(status == 200);
  CHECK(issue["fields"]["summary"] == "persist me");
  auto [ps, prop] = again.call("GET", "/rest/api/3/issue/" + key + "/properties/faultline");
  CHECK(ps == 200);
  CHECK(prop["value"]["level"] == "P2");
  auto [cs, next] = again.call("POST", "/rest/api/2/issue", fault_input("after restart"));
  REQUIRE(cs == 201);
  CHECK(next["key"] != key);
  again.server().stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("The HTML issue view escapes the issue's text", "[server][html]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, created] = sb.call("POST", "/rest/api/2/issue", fault_input("<script>alert(1)</script>"));
  REQUIRE(status == 201);
  auto res = sb.anonymous()->Get(("/browse/" + created["key"].get<std::string>()).c_str());
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("<script>") == std::string::npos);
  CHECK(res->body.find("&lt;script&gt;") != std::string::npos);
}

TEST_CASE("The HTML page views open in a browser without credentials, and API paths still need them", "[server][html]") {
  TestSandbox cloud(Flavor::Cloud);
  auto page = cloud.anonymous()->Get("/wiki/spaces/OPS/pages/65601");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("Fault Reviews") != std::string::npos);
  auto api = cloud.anonymous()->Get("/wiki/api/v2/pages/65601");
  REQUIRE(api);
  CHECK(api->status == 401);

  TestSandbox dc(Flavor::DataCenter);
  auto dc_page = dc.anonymous()->Get("/confluence/pages/viewpage.action?pageId=65601");
  REQUIRE(dc_page);
  CHECK(dc_page->status == 200);
  CHECK(dc_page->body.find("Fault Reviews") != std::string::npos);
  auto dc_api = dc.anonymous()->Get("/confluence/rest/api/content/65601");
  REQUIRE(dc_api);
  CHECK(dc_api->status == 401);
}

TEST_CASE("A seed with mode extend adds to the built-in seed", "[server][seed]") {
  sandbox::ServerOptions options;
  options.seed = nlohmann::json{{"mode", "extend"},
                                {"users", {{{"name", "frank"}, {"key", "JIRAUSER30000"}, {"accountId", "5b10a2844c20165700ede300"},
                                            {"displayName", "Frank"}, {"emailAddress", "frank@example.com"}}}}};
  TestSandbox sb(Flavor::DataCenter, options);
  CHECK(sb.call("GET", "/rest/api/2/user/search?username=frank").second.size() == 1);
  CHECK(sb.call("GET", "/rest/api/2/user/search?username=alice").second.size() == 1);
  CHECK(sb.call("GET", "/rest/api/2/project/FAULT").first == 200);
}
