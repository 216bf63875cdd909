#include <catch2/catch.hpp>

#include <sstream>

#include "fake_transport.hpp"
#include "faultline/http/dry_run.hpp"
#include "faultline/http/url.hpp"

using namespace faultline::http;

namespace {

constexpr const char* k_token = "ATATT3xFfGF0T5JNjB";

struct DryRunHarness {
  faultline::Redactor redactor;
  std::ostringstream out;
  faultline::test::ScriptedTransport* fake = nullptr;
  std::unique_ptr<DryRunTransport> transport;

  DryRunHarness() {
    redactor.add_secret(k_token);
    auto inner = std::make_unique<faultline::test::ScriptedTransport>();
    fake = inner.get();
    transport = std::make_unique<DryRunTransport>(std::move(inner), out, redactor);
  }
};

Request write(Method method, std::string url, std::string body = {}) {
  Request request;
  request.method = method;
  request.url = std::move(url);
  request.body = std::move(body);
  request.headers = {{"Authorization", bearer_authorization(k_token)}, {"Content-Type", "application/json"}};
  return request;
}

}  // namespace

TEST_CASE("DryRunTransport passes reads through", "[dry-run]") {
  DryRunHarness h;
  h.fake->then_status(200, {}, R"({"key":"FAULT-1"})");
  Request get;
  get.url = "https://jira.example.com/rest/api/2/issue/FAULT-1";
  const auto outcome = h.transport->send(get);
  CHECK(outcome->body == R"({"key":"FAULT-1"})");
  CHECK(h.fake->sent().size() == 1);
  CHECK(h.out.str().empty());
}

TEST_CASE("DryRunTransport prints a write, masks it, and does not send it", "[dry-run]") {
  DryRunHarness h;
  const auto outcome = h.transport->send(write(Method::Post, "https://jira.example.com/rest/api/2/issue",
                                               R"({"fields":{"summary":"db down","labels":["fault"]}})"));
  CHECK(h.fake->sent().empty());
  REQUIRE(outcome);
  CHECK(outcome->status == 201);
  // A create gets a placeholder answer, so the steps that need the new key go on.
  CHECK(outcome->body == R"({"id":"<new issue 1>","key":"<new issue 1>","self":"<new issue 1>"})");
  CHECK(outcome->header("X-Faultline-Dry-Run") == std::optional<std::string>("1"));
  CHECK(outcome->header("Content-Type") == std::optional<std::string>("application/json"));
  const std::string text = h.out.str();
  CHECK_THAT(text, Catch::Contains("POST https://jira.example.com/rest/api/2/issue\n"));
  CHECK_THAT(text, Catch::Contains("  Authorization: ***\n"));
  CHECK_THAT(text, Catch::Contains("  Content-Type: application/json\n"));
  // Pretty-printed JSON, indented under the request.
  CHECK_THAT(text, Catch::Contains("  {\n    \"fields\": {\n"));
  CHECK_THAT(text, Catch::Contains("\"summary\": \"db down\""));
  CHECK_THAT(text, !Catch::Contains(k_token));
}

TEST_CASE("DryRunTransport answers PUT, PATCH and DELETE with 200 and masks webhook keys", "[dry-run]") {
  DryRunHarness h;
  CHECK(h.transport->send(write(Method::Put, "https://x/rest/api/2/issue/FAULT-1", "{}"))->status == 200);
  CHECK(h.transport->send(write(Method::Patch, "https://x/p", "not json {"))->status == 200);
  CHECK(h.transport->send(write(Method::Delete, "https://x/rest/api/2/issue/FAULT-2"))->status == 200);
  CHECK(h.transport->send(write(Method::Post, "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789&timestamp=1&sign=c2lnbmF0dXJl",
                                R"({"msgtype":"text"})"))
            ->status == 201);
  CHECK(h.fake->sent().empty());
  const std::string text = h.out.str();
  CHECK_THAT(text, Catch::Contains("PUT https://x/rest/api/2/issue/FAULT-1\n"));
  CHECK_THAT(text, Catch::Contains("  not json {\n"));
  CHECK_THAT(text, Catch::Contains("DELETE https://x/rest/api/2/issue/FAULT-2\n"));
  CHECK_THAT(text, Catch::Contains("POST https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=***\n"));
  CHECK_THAT(text, !Catch::Contains("abcdef0123456789"));
  CHECK_THAT(text, !Catch::Contains("c2lnbmF0dXJl"));
}

TEST_CASE("DryRunTransport::send_all sends the reads and keeps the order", "[dry-run]") {
  DryRunHarness h;
  h.fake->then_status(200, {}, "read 1");
  h.fake->then_status(200, {}, "read 2");
  std::vector<Request> requests = {Request{}, write(Method::Post, "https://x/w"), Request{}};
  requests[0].url = "https://x/r1";
  requests[2].url = "https://x/r2";
  const auto outcomes = h.transport->send_all(requests);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0]->body == "read 1");
  CHECK(outcomes[1]->status == 201);
  CHECK(outcomes[2]->body == "read 2");
  REQUIRE(h.fake->sent().size() == 2);
  CHECK(h.fake->sent()[1].url == "https://x/r2");
}

TEST_CASE("DryRunTransport sends a POST that only reads (Cloud's JQL search)", "[dry-run]") {
  DryRunHarness h;
  h.fake->then_status(200, {}, R"({"issues":[]})");
  auto search = write(Method::Post, "https://acme.atlassian.net/rest/api/3/search/jql", R"({"jql":"project = FAULT"})");
  search.retry = RetrySafety::ReadOnly;
  const auto outcome = h.transport->send(search);
  REQUIRE(outcome);
  CHECK(outcome->body == R"({"issues":[]})");
  CHECK(h.fake->sent().size() == 1);
  CHECK(h.out.str().empty());
}

TEST_CASE("DryRunTransport shows an upload's binary body as its size", "[dry-run]") {
  DryRunHarness h;
  const std::string body = std::string("--b\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n", 35) + std::string(3, '\0') + "\r\n--b--";
  h.transport->send(write(Method::Post, "https://wiki.example.com/rest/api/content/1/child/attachment", body));
  CHECK(h.fake->sent().empty());
  CHECK(h.out.str().find("bytes with binary data, not shown") != std::string::npos);
  CHECK(h.out.str().find("PNG") == std::string::npos);
}

TEST_CASE("DryRunTransport answers creates with marked placeholders; other writes with {}", "[dry-run]") {
  DryRunHarness h;
  auto bulk = h.transport->send(write(Method::Post, "https://jira.example.com/rest/api/2/issue/bulk",
                                      R"({"issueUpdates":[{"fields":{"parent":{"key":"FAULT-1"}}},{"fields":{"parent":{"key":"FAULT-1"}}}]})"));
  REQUIRE(bulk);
  const auto issues = nlohmann::json::parse(bulk->body)["issues"];
  REQUIRE(issues.size() == 2);
  CHECK(issues[0]["key"] == "<new sub-task 1>");
  CHECK(issues[1]["key"] == "<new sub-task 2>");
  auto page = h.transport->send(write(Method::Post, "https://example.atlassian.net/wiki/api/v2/pages",
                                      R"({"spaceId":"98304","title":"FAULT-1: x — Fault review","status":"current"})"));
  const auto created = nlohmann::json::parse(page->body);
  CHECK(created["id"] == "<new page 1>");
  CHECK(created["title"] == "FAULT-1: x — Fault review");
  CHECK(created["version"]["number"] == 1);
  auto update = h.transport->send(write(Method::Put, "https://wiki.example.com/confluence/rest/api/content/77",
                                        R"({"title":"T","version":{"number":5}})"));
  CHECK(nlohmann::json::parse(update->body)["version"]["number"] == 5);
  CHECK(nlohmann::json::parse(update->body)["id"] == "77");
  auto property = h.transport->send(write(Method::Put, "https://jira.example.com/rest/api/2/issue/FAULT-1/properties/x", "{}"));
  CHECK(property->body == "{}");
  CHECK(h.fake->sent().empty());
}
