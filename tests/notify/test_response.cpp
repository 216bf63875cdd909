#include <catch2/catch.hpp>

#include "faultline/http/dry_run.hpp"
#include "faultline/notify/response.hpp"

using namespace faultline;
using namespace faultline::notify;

namespace {

http::Outcome answer(int status, std::string body, http::Headers headers = {}) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

struct Row {
  ChannelKind kind;
  int status;
  std::string body;
  DeliveryStatus expected;
  std::string reason_part;
};

}  // namespace

TEST_CASE("platform answers are interpreted by body code, not only by HTTP status") {
  const std::vector<Row> rows = {
      {ChannelKind::WeCom, 200, R"({"errcode":0,"errmsg":"ok"})", DeliveryStatus::Delivered, ""},
      {ChannelKind::WeCom, 200, R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [x]"})", DeliveryStatus::Failed, "93000"},
      {ChannelKind::WeCom, 200, R"({"errcode":45009,"errmsg":"api freq out of limit"})", DeliveryStatus::RetryLater, "45009"},
      {ChannelKind::WeCom, 200, R"({"errcode":-1,"errmsg":"system busy"})", DeliveryStatus::RetryLater, "-1"},
      {ChannelKind::WeCom, 200, R"({"errcode":40008,"errmsg":"invalid message type"})", DeliveryStatus::Failed, "40008"},
      {ChannelKind::WeCom, 200, "<html>", DeliveryStatus::Failed, "without an errcode"},
      {ChannelKind::WeCom, 502, "", DeliveryStatus::RetryLater, "HTTP 502"},
      {ChannelKind::DingTalk, 200, R"({"errcode":0,"errmsg":"ok"})", DeliveryStatus::Delivered, ""},
      {ChannelKind::DingTalk, 200, R"({"errcode":310000,"errmsg":"keywords not in content"})", DeliveryStatus::Failed, "keywords not in content"},
      {ChannelKind::DingTalk, 200, R"({"errcode":310000,"errmsg":"sign not match"})", DeliveryStatus::Failed, "310000"},
      {ChannelKind::DingTalk, 200, R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})", DeliveryStatus::RetryLater, "130101"},
      {ChannelKind::DingTalk, 200, R"({"errcode":300001,"errmsg":"token is not exist"})", DeliveryStatus::Failed, "300001"},
      {ChannelKind::DingTalk, 200, R"({"errcode":460101,"errmsg":"body too large"})", DeliveryStatus::Failed, "460101"},
      {ChannelKind::Feishu, 200, R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})", DeliveryStatus::Delivered, ""},
      {ChannelKind::Feishu, 200, R"({"Extra":null,"StatusCode":0,"StatusMessage":"success"})", DeliveryStatus::Delivered, ""},
      {ChannelKind::Feishu, 200, R"({"code":9499,"msg":"Bad Request","data":{}})", DeliveryStatus::Failed, "9499"},
      {ChannelKind::Feishu, 200, R"({"StatusCode":9499,"StatusMessage":"Bad Request"})", DeliveryStatus::Failed, "Bad Request"},
      {ChannelKind::Feishu, 200, R"({"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"})", DeliveryStatus::Failed, "19021"},
      {ChannelKind::Feishu, 200, R"({"code":11232,"msg":"frequency limited"})", DeliveryStatus::RetryLater, "11232"},
      {ChannelKind::Feishu, 200, R"({"data":{}})", DeliveryStatus::Failed, "without a code"},
      {ChannelKind::Slack, 200, "ok", DeliveryStatus::Delivered, ""},
      {ChannelKind::Slack, 400, "invalid_payload", DeliveryStatus::Failed, "invalid_payload"},
      {ChannelKind::Slack, 400, "no_text", DeliveryStatus::Failed, "no_text"},
      {ChannelKind::Slack, 410, "channel_is_archived", DeliveryStatus::Failed, "410"},
      {ChannelKind::Slack, 404, "no_service", DeliveryStatus::Failed, "no_service"},
      {ChannelKind::Slack, 500, "rollup_error", DeliveryStatus::RetryLater, "rollup_error"},
      {ChannelKind::Slack, 429, "", DeliveryStatus::RetryLater, "429"},
      {ChannelKind::Teams, 202, "", DeliveryStatus::Delivered, ""},
      {ChannelKind::Teams, 400, "bad", DeliveryStatus::Failed, "HTTP 400"},
      {ChannelKind::Generic, 204, "", DeliveryStatus::Delivered, ""},
      {ChannelKind::Generic, 409, "", DeliveryStatus::RetryLater, "409"},
      {ChannelKind::Generic, 422, "", DeliveryStatus::Failed, "422"},
      {ChannelKind::Generic, 503, "", DeliveryStatus::RetryLater, "503"},
  };
  for (const auto& row : rows) {
    INFO(to_string(row.kind) << " " << row.status << " " << row.body);
    const Delivery delivery = interpret_response(row.kind, answer(row.status, row.body));
    CHECK(delivery.status == row.expected);
    CHECK(delivery.reason.find(row.reason_part) != std::string::npos);
  }
}

TEST_CASE("rate-limit answers carry how long to wait") {
  CHECK(interpret_response(ChannelKind::Slack, answer(429, "", {{"Retry-After", "30"}})).retry_after ==
        std::chrono::milliseconds(30000));
  CHECK(interpret_response(ChannelKind::DingTalk, answer(200, R"({"errcode":130101,"errmsg":"send too fast"})"))
            .retry_after == std::chrono::minutes(10));
}

TEST_CASE("transport failures are retry-later, dry-run answers are delivered") {
  const http::Outcome down = std::unexpected(http::TransportError{http::TransportErrorKind::Connect, "refused"});
  const Delivery delivery = interpret_response(ChannelKind::WeCom, down);
  CHECK(delivery.status == DeliveryStatus::RetryLater);
  CHECK(delivery.reason.find("refused") != std::string::npos);
  CHECK(interpret_response(ChannelKind::WeCom, answer(201, "{}", {{std::string(http::k_dry_run_header), "1"}})).status ==
        DeliveryStatus::Delivered);
}
