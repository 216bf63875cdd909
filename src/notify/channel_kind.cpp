#include "faultline/notify/channel_kind.hpp"

namespace faultline::notify {

std::optional<ChannelKind> parse_channel_kind(std::string_view name) {
  if (name == "wecom") return ChannelKind::WeCom;
  if (name == "dingtalk") return ChannelKind::DingTalk;
  if (name == "feishu") return ChannelKind::Feishu;
  if (name == "slack") return ChannelKind::Slack;
  if (name == "teams") return ChannelKind::Teams;
  if (name == "generic") return ChannelKind::Generic;
  if (name == "email") return ChannelKind::Email;
  return std::nullopt;
}

bool deduplicates(ChannelKind kind) { return kind == ChannelKind::DingTalk || kind == ChannelKind::Generic; }

const char* to_string(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::WeCom: return "wecom";
    case ChannelKind::DingTalk: return "dingtalk";
    case ChannelKind::Feishu: return "feishu";
    case ChannelKind::Slack: return "slack";
    case ChannelKind::Teams: return "teams";
    case ChannelKind::Generic: return "generic";
    case ChannelKind::Email: return "email";
  }
  return "unknown";
}

}  // namespace faultline::notify
