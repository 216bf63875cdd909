// Small crypto and encoding helpers the sandbox's webhook and Confluence emulations share:
// HMAC-SHA256 (OpenSSL), base64, hex and ISO time stamps.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sandbox {

// HMAC-SHA256 of `message` under `key`, as raw bytes (32 of them).
std::string hmac_sha256(std::string_view key, std::string_view message);

// Standard base64 (with padding) of raw bytes.
std::string base64_encode(std::string_view bytes);

// Decodes standard base64 (padding required); nothing when the text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// Lower-case hexadecimal of raw bytes.
std::string hex_encode(std::string_view bytes);

// Compares two strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// ISO-8601 UTC with milliseconds: "2026-11-25T15:08:10.123Z".
std::string iso_utc_millis(std::chrono::system_clock::time_point at);

}  // namespace sandbox
