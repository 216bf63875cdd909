#include "faultline/notify/response.hpp"

#include <nlohmann/json.hpp>

#include "faultline/http/dry_run.hpp"

namespace faultline::notify {

namespace {

using json = nlohmann::json;

Delivery delivered() { return Delivery{DeliveryStatus::Delivered, {}, {}, std::nullopt}; }

Delivery failed(std::string reason, std::string hint = {}) {
  return Delivery{DeliveryStatus::Failed, std::move(reason), std::move(hint), std::nullopt};
}

Delivery retry_later(std::string reason, std::string hint = {},
                     std::optional<std::chrono::milliseconds> after = std::nullopt) {
  return Delivery{DeliveryStatus::RetryLater, std::move(reason), std::move(hint), after};
}

// The first 200 bytes of an answer, for a reason line.
std::string excerpt(std::string_view body) {
  std::string text(body.substr(0, 200));
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  if (body.size() > 200) text += "...";
  return text;
}

std::optional<std::chrono::milliseconds> retry_after_of(const http::Response& response) {
  const auto value = response.header("Retry-After");
  if (!value) return std::nullopt;
  try {
    return std::chrono::seconds(std::stoll(*value));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<long long> integer_field(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

std::string string_field(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<json> parse_object(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

Delivery interpret_wecom(const http::Response& response) {
  const auto body = parse_object(response.body);
  const auto code = body ? integer_field(*body, "errcode") : std::nullopt;
  if (!code) return failed("WeCom answered without an errcode: " + excerpt(response.body));
  if (*code == 0) return delivered();
  const std::string reason = "WeCom errcode " + std::to_string(*code) + ": " + string_field(*body, "errmsg");
  switch (*code) {
    case -1: return retry_later(reason, "WeCom is busy; send again later");
    case 45009:
      return retry_later(reason, "the robot's limit of 20 messages per minute was exceeded; send again after a minute",
                         std::chrono::seconds(60));
    case 93000:
      return failed(reason, "the webhook URL is wrong or the robot was deleted; set the whole URL with ?key=...");
    case 45002: return failed(reason, "the message is over WeCom's size limit");
    default: return failed(reason);
  }
}

Delivery interpret_dingtalk(const http::Response& response) {
  const auto body = parse_object(response.body);
  const auto code = body ? integer_field(*body, "errcode") : std::nullopt;
  if (!code) return failed("DingTalk answered without an errcode: " + excerpt(response.body));
  if (*code == 0) return delivered();
  const std::string reason = "DingTalk errcode " + std::to_string(*code) + ": " + string_field(*body, "errmsg");
  switch (*code) {
    case 130101:
      return retry_later(reason, "the robot's limit of 20 messages per minute was exceeded; it is throttled for 10 minutes",
                         std::chrono::minutes(10));
    case 310000:
      return failed(reason, "the robot's security check failed: check its keywords, signing secret, IP allowlist and this machine's clock");
    case 300001: return failed(reason, "the access_token is wrong or the robot was deleted");
    case 460101: return failed(reason, "the message is over DingTalk's 20000-byte limit");
    case 90030: return failed(reason, "the organisation's webhook quota is used up");
    default: return failed(reason);
  }
}

Delivery interpret_feishu(const http::Response& response) {
  const auto body = parse_object(response.body);
  std::optional<long long> code;
  std::string words;
  if (body) {
    code = integer_field(*body, "code");
    words = string_field(*body, "msg");
    if (!code) {
      code = integer_field(*body, "StatusCode");
      words = string_field(*body, "StatusMessage");
    }
  }
  if (!code) return failed("Feishu answered without a code: " + excerpt(response.body));
  if (*code == 0) return delivered();
  const std::string reason = "Feishu code " + std::to_string(*code) + ": " + words;
  switch (*code) {
    case 11232: return retry_later(reason, "Feishu throttled the bot; send again later (avoid :00 and :30)");
    case 19021: return failed(reason, "check the bot's signing secret and this machine's clock");
    case 19022: return failed(reason, "this machine's address is not in the bot's IP allowlist");
    case 19024: return failed(reason, "the message lacks one of the bot's keywords");
    case 19001: return failed(reason, "the hook URL is wrong or the bot was removed");
    case 9499: return failed(reason, "the message body was refused as malformed");
    default: return failed(reason);
  }
}

Delivery interpret_http(std::string_view platform, const http::Response& response) {
  std::string reason = std::string(platform) + " answered HTTP " + std::to_string(response.status);
  if (!response.body.empty()) reason += ": " + excerpt(response.body);
  if (response.status == 429)
    return retry_later(reason, "rate limited; send again later", retry_after_of(response));
  if (response.status >= 500) return retry_later(reason, {}, retry_after_of(response));
  return failed(reason);
}

}  // namespace

const char* to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::Delivered: return "delivered";
    case DeliveryStatus::Failed: return "failed";
    case DeliveryStatus::RetryLater: return "retry_later";
  }
  return "failed";
}

Delivery interpret_response(ChannelKind kind, const http::Outcome& outcome) {
  if (!outcome) {
    return retry_later(std::string("could not reach the webhook (") + http::to_string(outcome.error().kind) +
                       "): " + outcome.error().message);
  }
  const http::Response& response = *outcome;
  if (response.header(http::k_dry_run_header)) return delivered();
  const std::string platform = to_string(kind);
  switch (kind) {
    case ChannelKind::WeCom:
      return response.status == 200 ? interpret_wecom(response) : interpret_http("WeCom", response);
    case ChannelKind::DingTalk:
      return response.status == 200 ? interpret_dingtalk(response) : interpret_http("DingTalk", response);
    case ChannelKind::Feishu:
      return response.status == 200 ? interpret_feishu(response) : interpret_http("Feishu", response);
    case ChannelKind::Slack: {
      if (response.status == 200) return delivered();
      Delivery result = interpret_http("Slack", response);
      if (response.body.find("no_service") != std::string::npos)
        result.hint = "the webhook was disabled or removed; configure a new URL";
      else if (response.body.find("channel_is_archived") != std::string::npos)
        result.hint = "the webhook's channel is archived";
      else if (response.body.find("invalid_payload") != std::string::npos)
        result.hint = "Slack refused the message body";
      return result;
    }
    case ChannelKind::Teams:
      return response.ok() ? delivered() : interpret_http("Teams", response);
    case ChannelKind::Generic: {
      if (response.ok()) return delivered();
      if (response.status == 409)
        return retry_later("webhook answered HTTP 409: the same Idempotency-Key is still being processed");
      Delivery result = interpret_http("webhook", response);
      if (response.status == 422)
        result.hint = "the receiver saw this Idempotency-Key with a different payload";
      return result;
    }
    case ChannelKind::Email: break;
  }
  return interpret_http(platform, response);
}

}  // namespace faultline::notify
