// The /_sandbox/ control API: request log, fault injection, clock, reset and seeds.
#include <catch2/catch.hpp>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;
using sandbox::testing::fault_input;

namespace {

std::vector<int> statuses(const TestSandbox& sb, const std::string& path, int count) {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(sb.call("GET", path).first);
  return out;
}

}  // namespace

TEST_CASE("A status fault with every N fails every Nth matching request", "[control][faults]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, _] = sb.call("POST", "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"every", 3}});
  REQUIRE(status == 201);
  CHECK(statuses(sb, "/rest/api/2/myself", 6) == std::vector<int>{200, 200, 503, 200, 200, 503});
  CHECK(sb.call("DELETE", "/_sandbox/faults").first == 204);
  CHECK(statuses(sb, "/rest/api/2/myself", 3) == std::vector<int>{200, 200, 200});
}

TEST_CASE("A probability fault with a seed repeats the same pattern", "[control][faults]") {
  TestSandbox sb(Flavor::DataCenter);
  nlohmann::json rule = {{"kind", "status"}, {"status", 500}, {"probability", 0.5}, {"seed", 42}};
  REQUIRE(sb.call("POST", "/_sandbox/faults", rule).first == 201);
  auto first = statuses(sb, "/rest/api/2/serverInfo", 40);
  REQUIRE(sb.call("DELETE", "/_sandbox/faults").first == 204);
  REQUIRE(sb.call("POST", "/_sandbox/faults", rule).first == 201);
  auto second = statuses(sb, "/rest/api/2/serverInfo", 40);
  CHECK(first == second);
  const auto failures = std::count(first.begin(), first.end(), 500);
  CHECK(failures > 0);
  CHECK(failures < 40);
}

TEST_CASE("A fault with a path pattern, a method and a count hits only those requests", "[control][faults]") {
  TestSandbox sb(Flavor::Cloud);
  REQUIRE(sb.call("POST", "/_sandbox/faults",
                  {{"kind", "status"}, {"status", 429}, {"retry_after", "2"}, {"path", "/issue$"}, {"method", "POST"}, {"count", 2}})
              .first == 201);
  CHECK(sb.call("GET", "/rest/api/3/myself").first == 200);
  auto c = sb.client();
  auto limited = c->Post("/rest/api/3/issue", fault_input("x").dump(), "application/json");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(limited->get_header_value("Retry-After") == "2");
  CHECK(sb.call("POST", "/rest/api/3/issue", fault_input("x")).first == 429);
  CHECK(sb.call("POST", "/rest/api/3/issue", fault_input("x")).first == 201);
}

TEST_CASE("A reset fault drops the connection without an answer", "[control][faults]") {
  TestSandbox sb(Flavor::DataCenter);
  REQUIRE(sb.call("POST", "/_sandbox/faults", {{"kind", "reset"}, {"count", 1}}).first == 201);
  auto c = sb.client();
  auto res = c->Get("/rest/api/2/myself");
  CHECK_FALSE(res);
  CHECK(sb.call("GET", "/rest/api/2/myself").first == 200);
}

TEST_CASE("A hang fault holds the request until the client gives up", "[control][faults]") {
  TestSandbox sb(Flavor::DataCenter);
  REQUIRE(sb.call("POST", "/_sandbox/faults", {{"kind", "hang"}, {"latency_ms", 3000}, {"count", 1}}).first == 201);
  auto c = sb.client();
  c->set_read_timeout(0, 300000);
  auto res = c->Get("/rest/api/2/myself");
  CHECK_FALSE(res);
}

TEST_CASE("The request log records method, path, query, body and status", "[control][log]") {
  TestSandbox sb(Flavor::Cloud);
  REQUIRE(sb.call("DELETE", "/_sandbox/requests").first == 204);
  auto [cs, _] = sb.call("POST", "/rest/api/3/issue", fault_input("logged"));
  REQUIRE(cs == 201);
  sb.call("GET", "/rest/api/3/issue/FAULT-1?fields=summary");
  auto [status, log] = sb.call("GET", "/_sandbox/requests");
  REQUIRE(status == 200);
  REQUIRE(log["requests"].size() == 2);
  const auto& first = log["requests"][0];
  CHECK(first["method"] == "POST");
  CHECK(first["path"] == "/rest/api/3/issue");
  CHECK(nlohmann::json::parse(first["body"].get<std::string>())["fields"]["summary"] == "logged");
  CHECK(first["status"] == 201);
  CHECK(first["headers"]["authorization"] == "Basic ***");
  CHECK(log["requests"][1]["query"]["fields"] == "summary");
  const auto next = log["next"].get<std::size_t>();
  sb.call("GET", "/rest/api/3/myself");
  auto [s2, since] = sb.call("GET", "/_sandbox/requests?since=" + std::to_string(next));
  REQUIRE(since["requests"].size() == 1);
  CHECK(since["requests"][0]["path"] == "/rest/api/3/myself");
}

TEST_CASE("The clock offset moves the sandbox's time forward", "[control][clock]") {
  TestSandbox sb(Flavor::DataCenter);
  auto before = sb.call("POST", "/rest/api/2/issue", fault_input("before")).second["key"].get<std::string>();
  REQUIRE(sb.call("PUT", "/_sandbox/clock", {{"offset_ms", 10LL * 24 * 3600 * 1000}}).first == 200);
  auto after = sb.call("POST", "/rest/api/2/issue", fault_input("after")).second["key"].get<std::string>();
  auto created = [&](const std::string& key) {
    return sb.call("GET", "/rest/api/2/issue/" + key + "?fields=created").second["fields"]["created"].get<std::string>();
  };
  // Ten days apart: the dates differ (string order of Jira dates is time order in UTC).
  CHECK(created(before).substr(0, 10) != created(after).substr(0, 10));
  CHECK(created(before) < created(after));
  CHECK(sb.call("GET", "/_sandbox/clock").second["offset_ms"] == 10LL * 24 * 3600 * 1000);
}

TEST_CASE("Reset returns to the seed; seed replace and extend change it", "[control][seed]") {
  TestSandbox sb(Flavor::DataCenter);
  auto key = sb.call("POST", "/rest/api/2/issue", fault_input("gone after reset")).second["key"].get<std::string>();
  REQUIRE(sb.call("POST", "/_sandbox/reset").first == 200);
  CHECK(sb.call("GET", "/rest/api/2/issue/" + key).first == 404);

  nlohmann::json extra = {{"mode", "extend"},
                          {"users", {{{"name", "erin"}, {"key", "JIRAUSER20000"}, {"accountId", "5b10a2844c20165700ede21f"},
                                      {"displayName", "Erin"}, {"emailAddress", "erin@example.com"}}}},
                          {"jira", {{"issues", {{{"key", "FAULT-500"}, {"status", "Handling"},
                                                 {"fields", {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Fault"}}},
                                                             {"summary", "seeded"}}}}}}}}};
  REQUIRE(sb.call("POST", "/_sandbox/seed", extra).first == 200);
  auto [gs, seeded] = sb.call("GET", "/rest/api/2/issue/FAULT-500");
  REQUIRE(gs == 200);
  CHECK(seeded["fields"]["status"]["name"] == "Handling");
  CHECK(sb.call("GET", "/rest/api/2/user/search?username=erin").second.size() == 1);
  CHECK(sb.call("POST", "/rest/api/2/issue", fault_input("next")).second["key"] == "FAULT-501");
  // Reset goes back to the extended seed.
  REQUIRE(sb.call("POST", "/_sandbox/reset").first == 200);
  CHECK(sb.call("GET", "/rest/api/2/issue/FAULT-500").first == 200);
  CHECK(sb.call("GET", "/rest/api/2/issue/FAULT-501").first == 404);
}

TEST_CASE("The state snapshot holds every service's data", "[control][state]") {
  TestSandbox sb(Flavor::Cloud);
  sb.call("POST", "/rest/api/3/issue", fault_input("in the snapshot"));
  auto [status, state] = sb.call("GET", "/_sandbox/state");
  REQUIRE(status == 200);
  CHECK(state["flavor"] == "cloud");
  REQUIRE(state["services"]["jira"]["issues"].size() == 1);
  CHECK(state["services"]["jira"]["issues"][0]["issue"]["fields"]["summary"] == "in the snapshot");
}
