// The names of a fault's response room ("room" = a group on the team's chat platform): its
// group name, its one-line topic and the dedupe key that lets a second create find the group
// the first made. Pure: the rules of each platform, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace faultline::core {

// The longest group name each platform takes, in characters (code points): Slack 80 (channel
// names), WeCom 50 (appchat name), Feishu 60 and DingTalk 20 (neither documents a limit for
// these APIs that we could find: Feishu's is a safe guess, DingTalk's is what DingTalk
// International documents for its group create).
inline constexpr std::size_t k_slack_name_chars = 80;
inline constexpr std::size_t k_wecom_name_chars = 50;
inline constexpr std::size_t k_feishu_name_chars = 60;
inline constexpr std::size_t k_dingtalk_name_chars = 20;

// The longest topic, in characters: Slack's setTopic refuses more than 250 (too_long). The
// other platforms get the same bound (Feishu's description documents none).
inline constexpr std::size_t k_room_topic_chars = 250;

// The group name for a fault on `platform` ("slack" | "feishu" | "dingtalk" | "wecom"; any
// other name gets Slack's rules, the strictest) from `pattern` ([rooms] name): {key} is the
// fault key, {slug} the title, {level} the level; any other {x} is kept as written (then
// cleaned like the rest). A pattern without {key} gets "-{key}" appended: two faults never
// share a name (Slack finds an existing room by its name).
// Slack: lower-case a-z, 0-9, '-' and '_' only; every other character (CJK and emoji too:
// nothing is transliterated) becomes '-', runs of '-' collapse, '-' is trimmed from both ends,
// at most 80 characters.
// Feishu, DingTalk, WeCom: Unicode is kept (a CJK title stays CJK); line breaks and tabs
// become spaces, control and invisible formatting characters (bidi marks and overrides,
// zero-width characters) are dropped, invalid UTF-8 bytes are dropped, whitespace collapses,
// and the name is cut on a character boundary to the platform's limit (k_*_name_chars).
// Separators left at either end by a cut ("-", "_", ":", "|", spaces) are trimmed.
// Too long a name loses the end of the slug first, so the key is never cut off; when even an
// empty slug does not fit, the name is "fault-<key>" (or the key alone, cut only if the key
// itself is longer than the limit). Never empty: "fault-<key>", or "fault" without a key.
std::string room_name(std::string_view platform, std::string_view pattern, std::string_view key,
                      std::string_view title, std::string_view level);

// `text` as a room topic: one line (line breaks and tabs become spaces, control and invisible
// formatting characters and invalid UTF-8 bytes dropped, whitespace collapsed, trimmed), cut
// on a character boundary to k_room_topic_chars characters, the last one "…" when cut.
// `platform` is accepted for when the platforms' limits differ; today they do not.
std::string room_topic(std::string_view platform, std::string_view text);

// The room's dedupe key, stable per site and fault: "fl" + 16 lower-case hex digits of the
// FNV-1a 64 hash of site_url + '\n' + fault_key (18 characters of [0-9a-f] after "fl"). Valid
// as a WeCom chatid (at most 32 of [0-9a-zA-Z]) and as a Feishu or DingTalk `uuid`.
std::string room_dedupe_key(std::string_view site_url, std::string_view fault_key);

// The number of characters (code points) of `text`; an invalid byte counts as one.
std::size_t count_code_points(std::string_view text);

}  // namespace faultline::core
