// The chat platforms (and e-mail) a channel can post to.
#pragma once

#include <optional>
#include <string_view>

namespace faultline::notify {

enum class ChannelKind { WeCom, DingTalk, Feishu, Slack, Teams, Generic, Email };

// The kind named in the config ("wecom", "dingtalk", "feishu" (Feishu or Lark), "slack", "teams",
// "generic", "email"); nullopt for any other name.
std::optional<ChannelKind> parse_channel_kind(std::string_view name);

// Whether the platform drops a repeated message that carries the same key, so that an
// unconfirmed delivery may safely be sent again: DingTalk (msgUuid) and generic
// (Idempotency-Key). Every other platform would post it twice.
bool deduplicates(ChannelKind kind);

// The config name of a kind: "wecom", "dingtalk", ...
const char* to_string(ChannelKind kind);

}  // namespace faultline::notify
