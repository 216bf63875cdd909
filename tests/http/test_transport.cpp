#include <catch2/catch.hpp>

#include "fake_transport.hpp"
#include "faultline/http/transport.hpp"

using namespace faultline::http;

TEST_CASE("Response::header matches names case-insensitively and returns the first", "[transport]") {
  Response response;
  response.headers = {{"Content-Type", "application/json"}, {"retry-after", "5"}, {"Retry-After", "9"}};
  CHECK(response.header("content-type") == std::optional<std::string>("application/json"));
  CHECK(response.header("RETRY-AFTER") == std::optional<std::string>("5"));
  CHECK_FALSE(response.header("Location").has_value());
  CHECK_FALSE(response.header("Content-Typ").has_value());
}

TEST_CASE("Request::is_retry_safe follows the method unless marked", "[transport]") {
  const auto safe = [](Method method, RetrySafety retry) {
    Request request;
    request.method = method;
    request.retry = retry;
    return request.is_retry_safe();
  };
  CHECK(safe(Method::Get, RetrySafety::ByMethod));
  CHECK(safe(Method::Put, RetrySafety::ByMethod));
  CHECK(safe(Method::Delete, RetrySafety::ByMethod));
  CHECK_FALSE(safe(Method::Post, RetrySafety::ByMethod));
  CHECK_FALSE(safe(Method::Patch, RetrySafety::ByMethod));
  CHECK(safe(Method::Post, RetrySafety::Safe));
  CHECK_FALSE(safe(Method::Put, RetrySafety::Unsafe));
  CHECK_FALSE(safe(Method::Get, RetrySafety::Unsafe));
}

TEST_CASE("to_string names methods and transport errors", "[transport]") {
  CHECK(std::string(to_string(Method::Get)) == "GET");
  CHECK(std::string(to_string(Method::Post)) == "POST");
  CHECK(std::string(to_string(Method::Put)) == "PUT");
  CHECK(std::string(to_string(Method::Delete)) == "DELETE");
  CHECK(std::string(to_string(Method::Patch)) == "PATCH");
  CHECK(std::string(to_string(TransportErrorKind::Timeout)) == "timeout");
  CHECK(std::string(to_string(TransportErrorKind::Connect)) == "connect");
  CHECK(std::string(to_string(TransportErrorKind::Resolve)) == "resolve");
  CHECK(std::string(to_string(TransportErrorKind::Tls)) == "tls");
}

TEST_CASE("Transport::send_all by default sends in order and keeps the order", "[transport]") {
  faultline::test::ScriptedTransport fake;
  fake.then_status(200, {}, "first");
  fake.then_error(TransportErrorKind::Connect);
  fake.then_status(404, {}, "third");
  std::vector<Request> requests(3);
  requests[0].url = "https://x/1";
  requests[1].url = "https://x/2";
  requests[2].url = "https://x/3";
  Transport& transport = fake;
  const auto outcomes = transport.Transport::send_all(requests);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0]->body == "first");
  CHECK(outcomes[1].error().kind == TransportErrorKind::Connect);
  CHECK(outcomes[2]->status == 404);
  REQUIRE(fake.sent().size() == 3);
  CHECK(fake.sent()[2].url == "https://x/3");
}
