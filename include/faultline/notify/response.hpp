// What a platform's answer means. WeCom, DingTalk and Feishu answer HTTP 200 even when they
// reject a message; the verdict is in the body's errcode / code.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "faultline/http/transport.hpp"
#include "faultline/notify/channel_kind.hpp"

namespace faultline::notify {

enum class DeliveryStatus {
  Delivered,   // the platform accepted the message (Teams: queued, 202)
  Failed,      // rejected for good: sending the same again will fail again
  RetryLater,  // rate limited, busy or unreachable: the same message may be sent again later
};

// "delivered" | "failed" | "retry_later".
const char* to_string(DeliveryStatus status);

struct Delivery {
  DeliveryStatus status = DeliveryStatus::Failed;
  std::string reason;  // empty when delivered; the platform's code and words, or the HTTP status
  std::string hint;    // what to do, when known ("check the robot's signing secret")
  std::optional<std::chrono::milliseconds> retry_after;  // when the platform said how long
};

// Interprets the outcome of sending one message to a `kind` channel. Transport failures, HTTP
// 429 and 5xx are RetryLater; WeCom errcode -1/45009, DingTalk 130101 and Feishu 11232 too;
// any other non-zero errcode/code is Failed. Slack: 200 is success. Teams: any 2xx (202).
// Generic: 2xx, 409 (still in flight) is RetryLater; 422 is Failed (the Notifier reads a 422
// to the re-send of a pending message as delivered before). A dry-run answer (X-Faultline-Dry-Run)
// counts as delivered.
Delivery interpret_response(ChannelKind kind, const http::Outcome& outcome);

}  // namespace faultline::notify
