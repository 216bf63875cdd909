// Per-platform message bodies (pure) and the HTTP requests that carry them (signed where the
// platform signs). Size limits are applied here: WeCom, DingTalk, Feishu and Slack split a long
// message into several, Teams truncates the body and points to the link.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/notify/channel_kind.hpp"
#include "faultline/notify/mentions.hpp"
#include "faultline/notify/message.hpp"

namespace faultline::notify {

// Size limits, in UTF-8 bytes (a byte limit also bounds a character limit). Defaults follow
// reference/chat-and-alerts.md; the platforms change them, so they are settable.
struct PlatformLimits {
  std::size_t wecom_markdown_bytes = 4096;   // markdown.content
  std::size_t wecom_text_bytes = 2048;       // text.content
  std::size_t dingtalk_text_bytes = 18000;   // markdown.text (the body must stay < 20000)
  std::size_t feishu_content_bytes = 18000;  // card markdown (the body must stay <= 20 KB)
  std::size_t slack_section_bytes = 3000;    // one section block's text
  std::size_t slack_blocks = 50;             // blocks per message
  std::size_t slack_text_bytes = 40000;      // text of one message
  std::size_t teams_payload_bytes = 28000;   // whole Workflows payload (28 KB)
};

// The JSON bodies that carry `message` to a `kind` channel, in sending order (more than one
// when the message is split). Mentions are written the platform's way: WeCom <@id> in
// markdown (plus a text message with mentioned_list/mentioned_mobile_list for @all or phone
// numbers), DingTalk at.atUserIds/atMobiles/isAtAll with @id in the text, Feishu <at id=...>
// in a card's lark_md, Slack <@U...> / <!channel>, Teams <at>name</at> with msteams.entities,
// generic a "mentions" array. A template value's escaped characters reach each platform as
// text (markdown_literals.hpp): Feishu lark_md as numeric references; WeCom (markdown and
// text), DingTalk, Teams and the Feishu header fenced by zero-width spaces; Slack with & < >
// escaped in verbatim sections; the DingTalk and generic titles unescaped; the generic body
// keeps the escaped Markdown. Signatures and timestamps are not in these bodies (see
// make_request). Not for ChannelKind::Email (see mail.hpp): gives no bodies.
std::vector<nlohmann::json> build_payloads(ChannelKind kind, const Message& message,
                                           const ResolvedMentions& mentions,
                                           const PlatformLimits& limits = {});

// The POST that sends `body` (part `part` of a message) to `channel`: DingTalk signs the URL and
// sets msgUuid (dedupe_key, plus "#<part>" after the first part) when a secret is set; Feishu
// puts timestamp and sign into the body; generic adds sent_at, X-Faultline-Event,
// Idempotency-Key (a quoted structured-field string) and X-Faultline-Signature when a secret is
// set. DingTalk and generic requests are retry-safe (they carry their own dedupe key).
// `now` signs; `sent_at` (UTC ISO, default `now`) is the generic payload's sent_at: the time
// the delivery's intent was recorded, so a resend of one notification is byte-identical.
http::Request make_request(ChannelKind kind, const config::Channel& channel,
                           const nlohmann::json& body, const Message& message, std::size_t part,
                           std::chrono::system_clock::time_point now,
                           std::string_view sent_at = {});

// Markdown to Slack mrkdwn: & < > escaped, **bold** -> *bold*, [text](url) -> <url|text>,
// "# Heading" -> *Heading*. An escaped character ("\*", a template value's) is only text.
std::string markdown_to_mrkdwn(std::string_view markdown);

}  // namespace faultline::notify
