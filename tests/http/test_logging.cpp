#include <catch2/catch.hpp>

#include <sstream>
#include <thread>
#include <vector>

#include "fake_transport.hpp"
#include "faultline/http/logging.hpp"
#include "faultline/http/url.hpp"

using namespace faultline::http;

namespace {

constexpr const char* k_token = "ATATT3xFfGF0T5JNjB";
constexpr const char* k_webhook_key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

faultline::Redactor make_redactor() {
  faultline::Redactor redactor;
  redactor.add_secret(k_token);
  redactor.add_secret(basic_authorization("oncall@example.com", k_token));
  return redactor;
}

Request jira_get() {
  Request request;
  request.url = "https://jira.example.com/rest/api/2/issue/FAULT-1";
  request.headers = {{"Authorization", basic_authorization("oncall@example.com", k_token)},
                     {"Accept", "application/json"}};
  return request;
}

}  // namespace

TEST_CASE("LoggingTransport logs method, URL, status and time, never the credentials", "[logging]") {
  const auto redactor = make_redactor();
  auto inner = std::make_unique<faultline::test::ScriptedTransport>();
  Response response;
  response.status = 200;
  response.elapsed = std::chrono::milliseconds{123};
  response.headers = {{"Content-Type", "application/json"}, {"Set-Cookie", "JSESSIONID=abcdef123456"}};
  inner->then(response);
  std::ostringstream out;
  LoggingTransport transport(std::move(inner), out, redactor, LogLevel::WithHeaders);

  const auto outcome = transport.send(jira_get());
  CHECK(outcome->status == 200);
  const std::string log = out.str();
  CHECK_THAT(log, Catch::Contains("→ GET https://jira.example.com/rest/api/2/issue/FAULT-1\n"));
  CHECK_THAT(log, Catch::Contains("← 200 GET https://jira.example.com/rest/api/2/issue/FAULT-1 (123 ms)\n"));
  CHECK_THAT(log, Catch::Contains("  > Authorization: ***\n"));
  CHECK_THAT(log, Catch::Contains("  > Accept: application/json\n"));
  CHECK_THAT(log, Catch::Contains("  < Content-Type: application/json\n"));
  CHECK_THAT(log, !Catch::Contains(k_token));
  CHECK_THAT(log, !Catch::Contains(basic_authorization("oncall@example.com", k_token).substr(6)));
  CHECK_THAT(log, !Catch::Contains("abcdef123456"));
}

TEST_CASE("LoggingTransport at Requests level leaves headers out", "[logging]") {
  const auto redactor = make_redactor();
  auto inner = std::make_unique<faultline::test::ScriptedTransport>();
  inner->then_status(404);
  std::ostringstream out;
  LoggingTransport transport(std::move(inner), out, redactor);
  CHECK(transport.send(jira_get())->status == 404);
  CHECK_THAT(out.str(), Catch::Contains("← 404 GET https://jira.example.com/rest/api/2/issue/FAULT-1 ("));
  CHECK_THAT(out.str(), !Catch::Contains("Authorization"));
  CHECK_THAT(out.str(), !Catch::Contains("Accept"));
}

TEST_CASE("LoggingTransport masks webhook keys in URLs and logs transport failures", "[logging]") {
  faultline::Redactor redactor;
  const std::string slack = "https://chat.example.invalid/hooks/fake-test-key";
  redactor.add_secret(slack);
  auto inner = std::make_unique<faultline::test::ScriptedTransport>();
  inner->then_error(TransportErrorKind::Timeout, "POST https://qyapi.weixin.qq.com: timed out");
  inner->then_status(200);
  std::ostringstream out;
  LoggingTransport transport(std::move(inner), out, redactor);

  Request wecom;
  wecom.method = Method::Post;
  wecom.url = std::string("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=") + k_webhook_key;
  CHECK(transport.send(wecom).error().kind == TransportErrorKind::Timeout);
  Request to_slack;
  to_slack.method = Method::Post;
  to_slack.url = slack;
  CHECK(transport.send(to_slack)->status == 200);

  const std::string log = out.str();
  CHECK_THAT(log, Catch::Contains("→ POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***\n"));
  CHECK_THAT(log, Catch::Contains("← failed (timeout) POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"));
  CHECK_THAT(log, Catch::Contains("→ POST https://chat.example.invalid/***\n"));
  CHECK_THAT(log, !Catch::Contains(k_webhook_key));
  CHECK_THAT(log, !Catch::Contains("fake-test-key"));
  CHECK_THAT(log, !Catch::Contains("/hooks/"));
}

TEST_CASE("LoggingTransport::send_all logs every request and answer in order", "[logging]") {
  faultline::Redactor redactor;
  auto inner = std::make_unique<faultline::test::ScriptedTransport>();
  inner->then_status(200);
  inner->then_status(201);
  std::ostringstream out;
  LoggingTransport transport(std::move(inner), out, redactor);
  std::vector<Request> requests(2);
  requests[0].url = "https://x/one";
  requests[1].url = "https://x/two";
  requests[1].method = Method::Put;
  const auto outcomes = transport.send_all(requests);
  REQUIRE(outcomes.size() == 2);
  const std::string log = out.str();
  const auto first = log.find("← 200 GET https://x/one");
  const auto second = log.find("← 201 PUT https://x/two");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(log.find("→ PUT https://x/two") < first);
}

TEST_CASE("retry_log_observer writes one masked line per retry", "[logging]") {
  faultline::Redactor redactor;
  std::ostringstream out;
  const auto observer = retry_log_observer(out, redactor);
  Request request;
  request.url = std::string("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=") + k_webhook_key;
  observer(RetryEvent{request, 2, std::chrono::milliseconds{750}, "HTTP 503"});
  CHECK(out.str() ==
        "↻ retry GET https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=*** in 750 ms (attempt 2 failed: HTTP 503)\n");
}

TEST_CASE("LoggingTransport::retry_observer writes the retry line under the log's lock, whole from many threads",
          "[logging]") {
  faultline::Redactor redactor;
  std::ostringstream out;
  LoggingTransport logging(std::make_unique<faultline::test::ScriptedTransport>(), out, redactor);
  const auto observer = logging.retry_observer();
  Request request;
  request.url = std::string("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=") + k_webhook_key;
  const std::string line =
      "↻ retry GET https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=*** in 750 ms (attempt 2 failed: HTTP 503)\n";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) observer(RetryEvent{request, 2, std::chrono::milliseconds{750}, "HTTP 503"});
    });
  }
  for (auto& thread : threads) thread.join();
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += line;
  CHECK(out.str() == expected);
}
