// Webhook signatures: DingTalk (URL), Feishu/Lark (body fields) and faultline's generic channel
// (header), plus the HMAC and encoding helpers they share (OpenSSL).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace faultline::notify {

// Raw HMAC-SHA256 of `data` keyed with `key` (32 bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);

// Raw SHA-256 digest (32 bytes).
std::string sha256(std::string_view data);

// Standard base64 with padding.
std::string base64_encode(std::string_view data);

// Lower-case hexadecimal.
std::string hex_encode(std::string_view data);

// DingTalk: base64(HMAC-SHA256(key = secret, msg = timestamp_ms + "\n" + secret)), not yet
// URL-encoded.
std::string dingtalk_sign(std::string_view secret, std::int64_t timestamp_ms);

// The webhook URL with "&timestamp=<ms>&sign=<url-encoded dingtalk_sign>" appended ("?" when
// the URL has no query yet).
std::string dingtalk_signed_url(std::string_view url, std::string_view secret,
                                std::int64_t timestamp_ms);

// Feishu/Lark: base64(HMAC-SHA256(key = timestamp_s + "\n" + secret, msg = "")).
std::string feishu_sign(std::string_view secret, std::int64_t timestamp_s);

// Generic channel: "sha256=" + hex(HMAC-SHA256(key = secret, msg = body)).
std::string generic_signature(std::string_view secret, std::string_view body);

}  // namespace faultline::notify
