#include <catch2/catch.hpp>

#include <algorithm>

#include "fake_transport.hpp"
#include "faultline/http/retry.hpp"

using namespace faultline::http;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// Wed, 25 Nov 2026 15:00:00 GMT
SystemTimePoint fixed_now() {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 25} + hours{15};
}

Request make_request(Method method, RetrySafety retry = RetrySafety::ByMethod) {
  Request request;
  request.method = method;
  request.url = "https://jira.example.com/rest/api/2/issue";
  request.retry = retry;
  return request;
}

Outcome status(int code, Headers headers = {}) {
  Response response;
  response.status = code;
  response.headers = std::move(headers);
  return response;
}

Outcome failure(TransportErrorKind kind) { return std::unexpected(TransportError{kind, "boom"}); }

}  // namespace

TEST_CASE("parse_retry_after reads delta-seconds and IMF-fixdate", "[retry]") {
  const auto now = fixed_now();
  CHECK(parse_retry_after("120", now) == milliseconds{120000});
  CHECK(parse_retry_after(" 5 ", now) == milliseconds{5000});
  CHECK(parse_retry_after("0", now) == milliseconds{0});
  CHECK(parse_retry_after("Wed, 25 Nov 2026 15:00:30 GMT", now) == milliseconds{30000});
  CHECK(parse_retry_after("Wed, 25 Nov 2026 14:00:00 GMT", now) == milliseconds{0});
  CHECK(parse_retry_after("Thu, 26 Nov 2026 15:00:00 GMT", now) == milliseconds{86400000});
  CHECK(parse_retry_after("99999999999", now) >= milliseconds{std::chrono::hours{24}});
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("-5", now));
  CHECK_FALSE(parse_retry_after("1.5", now));
  CHECK_FALSE(parse_retry_after("Wed, 31 Feb 2026 15:00:30 GMT", now));
  CHECK_FALSE(parse_retry_after("Wed, 25 Foo 2026 15:00:30 GMT", now));
  CHECK_FALSE(parse_retry_after("Wed, 25 Nov 2026 15:00:30 UTC", now));
  CHECK_FALSE(parse_retry_after("2026-11-25T15:00:30Z", now));
}

TEST_CASE("retry_delay honours Retry-After on 429 and 503, plus bounded jitter", "[retry]") {
  const RetryPolicy policy;
  Rng rng(42);
  const auto get = make_request(Method::Get);
  const auto now = fixed_now();
  for (int i = 0; i < 200; ++i) {
    const auto seconds_form = retry_delay(policy, 1, get, status(429, {{"Retry-After", "7"}}), now, rng);
    REQUIRE(seconds_form);
    CHECK(*seconds_form >= milliseconds{7000});
    CHECK(*seconds_form <= milliseconds{7000} + policy.base_delay);
    const auto date_form =
        retry_delay(policy, 2, get, status(503, {{"retry-after", "Wed, 25 Nov 2026 15:00:30 GMT"}}), now, rng);
    REQUIRE(date_form);
    CHECK(*date_form >= milliseconds{30000});
    CHECK(*date_form <= milliseconds{30000} + policy.base_delay);
  }
}

TEST_CASE("retry_delay gives up when Retry-After exceeds max_retry_after", "[retry]") {
  RetryPolicy policy;
  policy.max_retry_after = seconds{60};
  Rng rng(1);
  const auto get = make_request(Method::Get);
  CHECK_FALSE(retry_delay(policy, 1, get, status(429, {{"Retry-After", "61"}}), fixed_now(), rng));
  CHECK(retry_delay(policy, 1, get, status(429, {{"Retry-After", "60"}}), fixed_now(), rng));
}

TEST_CASE("retry_delay ignores Retry-After on 502 and 504 and backs off instead", "[retry]") {
  const RetryPolicy policy;
  Rng rng(7);
  const auto get = make_request(Method::Get);
  for (int code : {502, 504}) {
    const auto delay = retry_delay(policy, 1, get, status(code, {{"Retry-After", "60"}}), fixed_now(), rng);
    REQUIRE(delay);
    CHECK(*delay <= policy.base_delay);
  }
}

TEST_CASE("retry_delay backs off exponentially with full jitter, capped at max_delay", "[retry]") {
  RetryPolicy policy;
  policy.max_attempts = 100;
  policy.base_delay = milliseconds{100};
  policy.max_delay = milliseconds{1000};
  Rng rng(2026);
  const auto get = make_request(Method::Get);
  // attempt -> cap: 1 -> 100, 2 -> 200, 3 -> 400, 4 -> 800, 5 and later -> 1000
  const std::vector<std::pair<int, milliseconds>> caps = {
      {1, milliseconds{100}}, {2, milliseconds{200}}, {3, milliseconds{400}}, {4, milliseconds{800}},
      {5, milliseconds{1000}}, {60, milliseconds{1000}}};
  for (const auto& [attempt, cap] : caps) {
    milliseconds low = cap;
    milliseconds high{0};
    for (int i = 0; i < 2000; ++i) {
      const Outcome outcome = i % 2 == 0 ? status(503) : failure(TransportErrorKind::Timeout);
      const auto delay = retry_delay(policy, attempt, get, outcome, fixed_now(), rng);
      REQUIRE(delay);
      low = std::min(low, *delay);
      high = std::max(high, *delay);
    }
    INFO("attempt " << attempt);
    CHECK(low >= milliseconds{0});
    CHECK(high <= cap);
    // Full jitter spreads over the whole range.
    CHECK(low.count() <= cap.count() / 10);
    CHECK(high.count() >= cap.count() * 9 / 10);
  }
}

TEST_CASE("retry_delay stops after max_attempts", "[retry]") {
  RetryPolicy policy;
  policy.max_attempts = 3;
  Rng rng(3);
  const auto get = make_request(Method::Get);
  CHECK(retry_delay(policy, 1, get, status(503), fixed_now(), rng));
  CHECK(retry_delay(policy, 2, get, status(503), fixed_now(), rng));
  CHECK_FALSE(retry_delay(policy, 3, get, status(503), fixed_now(), rng));
  CHECK_FALSE(retry_delay(policy, 4, get, failure(TransportErrorKind::Connect), fixed_now(), rng));
}

TEST_CASE("retry_delay retries only retryable answers and failures", "[retry]") {
  const RetryPolicy policy;
  Rng rng(4);
  const auto get = make_request(Method::Get);
  for (int code : {200, 201, 204, 302, 400, 401, 403, 404, 409, 500, 501}) {
    INFO("status " << code);
    CHECK_FALSE(retry_delay(policy, 1, get, status(code), fixed_now(), rng));
  }
  for (int code : {429, 502, 503, 504}) {
    INFO("status " << code);
    CHECK(retry_delay(policy, 1, get, status(code), fixed_now(), rng));
  }
  using K = TransportErrorKind;
  for (K kind : {K::Resolve, K::Connect, K::Timeout, K::Send, K::Receive}) {
    INFO("failure " << to_string(kind));
    CHECK(retry_delay(policy, 1, get, failure(kind), fixed_now(), rng));
  }
  for (K kind : {K::Tls, K::Aborted, K::Other}) {
    INFO("failure " << to_string(kind));
    CHECK_FALSE(retry_delay(policy, 1, get, failure(kind), fixed_now(), rng));
  }
}

TEST_CASE("retry_delay retries GET, PUT, DELETE and Safe writes; a plain POST only when undelivered",
          "[retry]") {
  RetryPolicy policy;
  Rng rng(5);
  const auto now = fixed_now();
  using K = TransportErrorKind;
  for (Method method : {Method::Get, Method::Put, Method::Delete}) {
    INFO(to_string(method));
    CHECK(retry_delay(policy, 1, make_request(method), status(503), now, rng));
    CHECK(retry_delay(policy, 1, make_request(method), failure(K::Timeout), now, rng));
  }
  for (Method method : {Method::Post, Method::Patch}) {
    INFO(to_string(method));
    const auto plain = make_request(method);
    const auto safe = make_request(method, RetrySafety::Safe);
    CHECK_FALSE(retry_delay(policy, 1, plain, status(503), now, rng));
    CHECK_FALSE(retry_delay(policy, 1, plain, status(502), now, rng));
    CHECK_FALSE(retry_delay(policy, 1, plain, status(504), now, rng));
    CHECK_FALSE(retry_delay(policy, 1, plain, failure(K::Timeout), now, rng));
    CHECK_FALSE(retry_delay(policy, 1, plain, failure(K::Receive), now, rng));
    CHECK_FALSE(retry_delay(policy, 1, plain, failure(K::Send), now, rng));
    // Provably not delivered: refused connection, unknown host, rate-limited.
    CHECK(retry_delay(policy, 1, plain, failure(K::Connect), now, rng));
    CHECK(retry_delay(policy, 1, plain, failure(K::Resolve), now, rng));
    CHECK(retry_delay(policy, 1, plain, status(429), now, rng));
    CHECK(retry_delay(policy, 1, safe, status(503), now, rng));
    CHECK(retry_delay(policy, 1, safe, failure(K::Timeout), now, rng));
  }
  policy.undelivered_writes = UndeliveredWrites::DontRetry;
  const auto plain_post = make_request(Method::Post);
  CHECK_FALSE(retry_delay(policy, 1, plain_post, failure(K::Connect), now, rng));
  CHECK_FALSE(retry_delay(policy, 1, plain_post, status(429), now, rng));
  CHECK(retry_delay(policy, 1, make_request(Method::Post, RetrySafety::Safe), status(429), now, rng));
  CHECK_FALSE(retry_delay(policy, 1, make_request(Method::Get, RetrySafety::Unsafe), status(503), now, rng));
}

namespace {

struct Harness {
  faultline::test::ScriptedTransport* fake = nullptr;
  std::vector<milliseconds> sleeps;
  std::vector<std::string> events;
  std::unique_ptr<RetryingTransport> transport;

  explicit Harness(RetryPolicy policy = {}, std::uint64_t seed = 99) {
    auto inner = std::make_unique<faultline::test::ScriptedTransport>();
    fake = inner.get();
    transport = std::make_unique<RetryingTransport>(
        std::move(inner), policy, [this](milliseconds delay) { sleeps.push_back(delay); }, [] { return fixed_now(); },
        seed, [this](const RetryEvent& event) {
          events.push_back(std::to_string(event.attempt) + " " + event.reason + " " + event.request.url);
        });
  }
};

}  // namespace

TEST_CASE("RetryingTransport resends until success and records the sleeps", "[retry]") {
  Harness h;
  h.fake->then_status(503);
  h.fake->then_error(TransportErrorKind::Connect, "refused");
  h.fake->then_status(200, {}, "ok");
  const auto outcome = h.transport->send(make_request(Method::Get));
  REQUIRE(outcome);
  CHECK(outcome->body == "ok");
  CHECK(h.fake->sent().size() == 3);
  REQUIRE(h.sleeps.size() == 2);
  CHECK(h.sleeps[0] <= milliseconds{500});
  CHECK(h.sleeps[1] <= milliseconds{1000});
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0] == "1 HTTP 503 https://jira.example.com/rest/api/2/issue");
  CHECK(h.events[1] == "2 connect: refused https://jira.example.com/rest/api/2/issue");
}

TEST_CASE("RetryingTransport returns the last outcome after max_attempts", "[retry]") {
  RetryPolicy policy;
  policy.max_attempts = 4;
  Harness h(policy);
  for (int i = 0; i < 4; ++i) h.fake->then_status(503, {}, "attempt " + std::to_string(i + 1));
  h.fake->then_status(200);  // never reached
  const auto outcome = h.transport->send(make_request(Method::Put));
  REQUIRE(outcome);
  CHECK(outcome->status == 503);
  CHECK(outcome->body == "attempt 4");
  CHECK(h.fake->sent().size() == 4);
  CHECK(h.sleeps.size() == 3);
  CHECK(h.fake->remaining() == 1);
}

TEST_CASE("RetryingTransport sends a plain POST once on 503 or a timeout", "[retry]") {
  Harness h;
  h.fake->then_status(503);
  h.fake->then_error(TransportErrorKind::Timeout);
  auto post = make_request(Method::Post);
  CHECK(h.transport->send(post)->status == 503);
  CHECK(h.transport->send(post).error().kind == TransportErrorKind::Timeout);
  CHECK(h.fake->sent().size() == 2);
  CHECK(h.sleeps.empty());
}

TEST_CASE("RetryingTransport waits for an HTTP-date Retry-After relative to its clock", "[retry]") {
  Harness h;
  h.fake->then_status(429, {{"Retry-After", "Wed, 25 Nov 2026 15:00:10 GMT"}});
  h.fake->then_status(201);
  const auto outcome = h.transport->send(make_request(Method::Post, RetrySafety::Safe));
  CHECK(outcome->status == 201);
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] >= milliseconds{10000});
  CHECK(h.sleeps[0] <= milliseconds{10500});
}

TEST_CASE("RetryingTransport returns a 429 whose Retry-After is too long without sleeping", "[retry]") {
  Harness h;
  h.fake->then_status(429, {{"Retry-After", "3600"}});
  CHECK(h.transport->send(make_request(Method::Get))->status == 429);
  CHECK(h.sleeps.empty());
}

TEST_CASE("RetryingTransport jitter is reproducible from the seed", "[retry]") {
  const auto run = [](std::uint64_t seed) {
    Harness h({}, seed);
    for (int i = 0; i < 4; ++i) h.fake->then_status(502);
    h.fake->then_status(200);
    (void)h.transport->send(make_request(Method::Get));
    return h.sleeps;
  };
  CHECK(run(11) == run(11));
  CHECK(run(11) != run(12));
}

TEST_CASE("RetryingTransport::send_all resends only the failed requests, in rounds", "[retry]") {
  Harness h;
  // Round 1: three requests.
  h.fake->then_status(200, {}, "a");
  h.fake->then_status(503, {{"Retry-After", "2"}});
  h.fake->then_error(TransportErrorKind::Receive);
  // Round 2: the second and third again.
  h.fake->then_status(200, {}, "b");
  h.fake->then_status(200, {}, "c");
  std::vector<Request> requests = {make_request(Method::Get), make_request(Method::Get), make_request(Method::Get)};
  requests[0].url += "/A";
  requests[1].url += "/B";
  requests[2].url += "/C";
  const auto outcomes = h.transport->send_all(requests);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0]->body == "a");
  CHECK(outcomes[1]->body == "b");
  CHECK(outcomes[2]->body == "c");
  CHECK(h.fake->batches() == 2);
  REQUIRE(h.fake->sent().size() == 5);
  CHECK(h.fake->sent()[3].url.ends_with("/B"));
  CHECK(h.fake->sent()[4].url.ends_with("/C"));
  // One sleep for the round: the longest delay, here the Retry-After of 2 s.
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] >= milliseconds{2000});
  CHECK(h.sleeps[0] <= milliseconds{2500});
}
