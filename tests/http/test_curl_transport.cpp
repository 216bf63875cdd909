#include <catch2/catch.hpp>

#include <cstdlib>

#include "faultline/http/curl_transport.hpp"
#include "faultline/http/url.hpp"
#include "loopback_server.hpp"

using namespace faultline::http;
using faultline::test::LoopbackRequest;
using faultline::test::LoopbackResponse;
using faultline::test::LoopbackServer;
using std::chrono::milliseconds;

namespace {

// The tests talk to 127.0.0.1 only; keep a proxy from the environment out of the way.
std::unique_ptr<Transport> loopback_transport(CurlOptions options = {}) {
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  return make_curl_transport(std::move(options));
}

Request get(std::string url) {
  Request request;
  request.url = std::move(url);
  return request;
}

}  // namespace

TEST_CASE("CurlTransport returns status, headers and body, and sends the User-Agent", "[curl]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackResponse response;
    response.status = request.target == "/rest/api/2/serverInfo?x=1" ? 200 : 500;
    response.headers = {{"Content-Type", "application/json"}, {"X-Custom", "  spaced  "}};
    response.body = R"({"deploymentType":"Server"})";
    return response;
  });
  auto transport = loopback_transport();
  Request request = get(server.base_url() + "/rest/api/2/serverInfo?x=1");
  request.headers = {{"Accept", "application/json"}, {"Authorization", "Bearer abc"}};
  const auto outcome = transport->send(request);
  REQUIRE(outcome);
  CHECK(outcome->status == 200);
  CHECK(outcome->body == R"({"deploymentType":"Server"})");
  CHECK(outcome->header("content-type") == std::optional<std::string>("application/json"));
  CHECK(outcome->header("X-Custom") == std::optional<std::string>("spaced"));
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].header("User-Agent") == user_agent());
  CHECK(seen[0].header("Accept") == "application/json");
  CHECK(seen[0].header("Authorization") == "Bearer abc");
  CHECK(seen[0].header("Expect").empty());
}

TEST_CASE("CurlTransport sends each method with its body", "[curl]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackResponse response;
    response.status = request.method == "POST" ? 201 : (request.method == "DELETE" ? 204 : 200);
    response.body = request.method == "DELETE" ? "" : request.method + ":" + request.body;
    return response;
  });
  auto transport = loopback_transport();
  const std::string big(200000, 'x');
  const std::vector<std::pair<Method, std::string>> cases = {
      {Method::Post, R"({"fields":{}})"}, {Method::Put, "put body"}, {Method::Patch, big}, {Method::Put, ""}};
  for (const auto& [method, body] : cases) {
    Request request = get(server.base_url() + "/thing");
    request.method = method;
    request.body = body;
    request.headers = {{"Content-Type", "application/json"}};
    const auto outcome = transport->send(request);
    REQUIRE(outcome);
    CHECK(outcome->status == (method == Method::Post ? 201 : 200));
    CHECK(outcome->body == std::string(to_string(method)) + ":" + body);
  }
  Request remove = get(server.base_url() + "/thing");
  remove.method = Method::Delete;
  const auto outcome = transport->send(remove);
  REQUIRE(outcome);
  CHECK(outcome->status == 204);
  CHECK(outcome->body.empty());
  const auto seen = server.requests();
  REQUIRE(seen.size() == 5);
  CHECK(seen[0].header("Content-Type") == "application/json");
  CHECK(seen[3].header("Content-Length") == "0");
  CHECK(seen[4].method == "DELETE");
}

TEST_CASE("CurlTransport reports HTTP errors and redirects as answers", "[curl]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackResponse response;
    if (request.target == "/moved") {
      response.status = 302;
      response.headers = {{"Location", "/elsewhere"}};
    } else {
      response.status = 404;
      response.body = R"({"errorMessages":["Issue does not exist"]})";
    }
    return response;
  });
  auto transport = loopback_transport();
  const auto missing = transport->send(get(server.base_url() + "/rest/api/2/issue/NOPE-1"));
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK_FALSE(missing->ok());
  const auto moved = transport->send(get(server.base_url() + "/moved"));
  REQUIRE(moved);
  CHECK(moved->status == 302);
  CHECK(moved->header("Location") == std::optional<std::string>("/elsewhere"));
  CHECK(server.requests().size() == 2);  // the redirect was not followed
}

TEST_CASE("CurlTransport reuses the connection between requests", "[curl]") {
  LoopbackServer server([](const LoopbackRequest&) { return LoopbackResponse{200, {}, "ok", {}, false}; });
  auto transport = loopback_transport();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(transport->send(get(server.base_url() + "/" + std::to_string(i))));
  }
  CHECK(server.requests().size() == 3);
  CHECK(server.connections() == 1);
}

TEST_CASE("CurlTransport times out a slow answer with TransportErrorKind::Timeout", "[curl]") {
  LoopbackServer server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.delay = milliseconds{20000};
    return response;
  });
  auto transport = loopback_transport();
  Request request = get(server.base_url() + "/slow");
  request.timeout = milliseconds{200};
  const auto outcome = transport->send(request);
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == TransportErrorKind::Timeout);

  // The transport-wide total timeout applies when the request sets none.
  CurlOptions options;
  options.total_timeout = milliseconds{200};
  auto short_transport = loopback_transport(options);
  const auto also = short_transport->send(get(server.base_url() + "/slow"));
  REQUIRE_FALSE(also);
  CHECK(also.error().kind == TransportErrorKind::Timeout);
}

TEST_CASE("CurlTransport reports a refused connection as Connect, without path or query", "[curl]") {
  auto transport = loopback_transport();
  const int port = faultline::test::unused_loopback_port();
  const auto outcome =
      transport->send(get("http://127.0.0.1:" + std::to_string(port) + "/services/T1/B2/hooksecret?key=querysecret"));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == TransportErrorKind::Connect);
  CHECK_THAT(outcome.error().message, Catch::Contains("127.0.0.1"));
  CHECK_THAT(outcome.error().message, !Catch::Contains("hooksecret"));
  CHECK_THAT(outcome.error().message, !Catch::Contains("querysecret"));
}

TEST_CASE("CurlTransport reports a dropped connection as Receive", "[curl]") {
  LoopbackServer server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.drop = true;
    return response;
  });
  auto transport = loopback_transport();
  const auto outcome = transport->send(get(server.base_url() + "/drop"));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == TransportErrorKind::Receive);
}

TEST_CASE("CurlTransport refuses URLs that are not http or https", "[curl]") {
  auto transport = loopback_transport();
  const auto outcome = transport->send(get("file:///etc/passwd"));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == TransportErrorKind::Other);
}

TEST_CASE("CurlTransport::send_all runs requests concurrently and keeps their order", "[curl]") {
  // The first requests answer last, so completion order is the reverse of request order.
  LoopbackServer server([](const LoopbackRequest& request) {
    const int index = std::stoi(request.target.substr(1));
    LoopbackResponse response;
    response.body = "answer " + std::to_string(index);
    response.delay = milliseconds{(6 - index) * 60};
    return response;
  });
  CurlOptions options;
  options.max_concurrency = 3;
  auto transport = loopback_transport(options);
  std::vector<Request> requests;
  for (int i = 0; i < 6; ++i) requests.push_back(get(server.base_url() + "/" + std::to_string(i)));
  requests.push_back(get("http://127.0.0.1:" + std::to_string(faultline::test::unused_loopback_port()) + "/x"));
  const auto outcomes = transport->send_all(requests);
  REQUIRE(outcomes.size() == 7);
  for (int i = 0; i < 6; ++i) {
    REQUIRE(outcomes[static_cast<std::size_t>(i)]);
    CHECK(outcomes[static_cast<std::size_t>(i)]->body == "answer " + std::to_string(i));
  }
  REQUIRE_FALSE(outcomes[6]);
  CHECK(outcomes[6].error().kind == TransportErrorKind::Connect);
  CHECK(server.max_in_flight() >= 2);
  CHECK(server.max_in_flight() <= 3);
}

TEST_CASE("CurlTransport is usable from several threads at once", "[curl]") {
  LoopbackServer server([](const LoopbackRequest& request) { return LoopbackResponse{200, {}, request.target, {}, false}; });
  auto transport = loopback_transport();
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(4);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const auto outcome = transport->send(get(server.base_url() + "/t" + std::to_string(t)));
        if (outcome) bodies[t] += outcome->body;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < 4; ++t) {
    std::string expected;
    for (int i = 0; i < 10; ++i) expected += "/t" + std::to_string(t);
    CHECK(bodies[t] == expected);
  }
  CHECK(server.requests().size() == 40);
}

TEST_CASE("CurlTransport reports a failed TLS handshake as Tls", "[curl]") {
  // The loopback server speaks plain HTTP, so a TLS client hello gets no TLS answer.
  LoopbackServer server([](const LoopbackRequest&) { return LoopbackResponse{}; });
  const std::string https_url = "https" + server.base_url().substr(4) + "/";
  CurlOptions options;
  options.connect_timeout = milliseconds{3000};
  auto transport = loopback_transport(options);
  const auto outcome = transport->send(get(https_url));
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == TransportErrorKind::Tls);

  options.ca_bundle = "/nonexistent/faultline-ca.pem";
  auto with_bundle = loopback_transport(options);
  const auto bad_bundle = with_bundle->send(get(https_url));
  REQUIRE_FALSE(bad_bundle);
  CHECK(bad_bundle.error().kind == TransportErrorKind::Tls);
}
