// Checks that a chat channel's settings have the shape its platform requires, without
// sending anything (used by `faultline doctor`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "faultline/config/config.hpp"

namespace faultline::notify {

// The channel kinds faultline can post to.
bool is_known_channel_kind(std::string_view kind);

// nullopt when the channel looks usable; otherwise what is wrong and how to fix it. Checks:
// an http(s) URL with a host; WeCom needs the `key` query parameter, DingTalk
// `access_token`; Feishu/Lark a hook token as the last path segment; e-mail an smtp(s)://
// URL, a sender and at least one recipient. Messages never contain the URL (it is a secret).
std::optional<std::string> check_channel(const config::Channel& channel);

}  // namespace faultline::notify
