#include "faultline/core/room_names.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "faultline/core/labels.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

enum class RoomNameRules { Slack, Unicode };

struct RoomNameLimits {
  RoomNameRules rules = RoomNameRules::Slack;
  std::size_t max_chars = k_slack_name_chars;
};

RoomNameLimits room_name_limits(std::string_view platform) {
  if (platform == "wecom") return {RoomNameRules::Unicode, k_wecom_name_chars};
  if (platform == "feishu") return {RoomNameRules::Unicode, k_feishu_name_chars};
  if (platform == "dingtalk") return {RoomNameRules::Unicode, k_dingtalk_name_chars};
  return {RoomNameRules::Slack, k_slack_name_chars};
}

// Characters that show nothing but change how text around them is shown or read: bidi marks,
// embeddings, overrides and isolates, zero-width spaces and joiners, word joiner and invisible
// operators, the byte order mark, the Mongolian vowel separator.
bool room_is_invisible(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C || cp == 0x180E ||
         cp == 0x00AD;
}

bool room_is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool room_is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x85 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Decodes the code point at `pos`; nullopt for an invalid byte (which it skips).
std::optional<char32_t> room_next_valid(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  const char32_t cp = next_code_point(text, pos);
  if (cp == k_replacement_char && pos - start == 1) return std::nullopt;
  return cp;
}

// Text on one line with Unicode kept: spaces of any kind become one ' ', control and
// invisible formatting characters and invalid bytes are dropped. Not trimmed.
std::string room_unicode_clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto cp = room_next_valid(text, pos);
    if (!cp) continue;
    if (room_is_space(*cp)) {
      pending_space = true;
      continue;
    }
    if (room_is_control(*cp) || room_is_invisible(*cp)) continue;
    if (pending_space) out += ' ';
    pending_space = false;
    append_utf8(out, *cp);
  }
  if (pending_space) out += ' ';
  return out;
}

// Slack's alphabet: a-z 0-9 '-' '_'; upper case is lowered, everything else becomes '-',
// runs of '-' collapse. Not trimmed.
std::string room_slack_clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = next_code_point(text, pos);
    char mapped = '-';
    if (cp >= 'A' && cp <= 'Z') mapped = static_cast<char>(cp - 'A' + 'a');
    else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_') mapped = static_cast<char>(cp);
    else if (room_is_invisible(cp) && pos - start > 1) continue;  // shows nothing: no dash either
    if (mapped == '-' && !out.empty() && out.back() == '-') continue;
    out += mapped;
  }
  return out;
}

std::string room_clean(RoomNameRules rules, std::string_view text) {
  return rules == RoomNameRules::Slack ? room_slack_clean(text) : room_unicode_clean(text);
}

// What a cut may leave at either end of a name.
bool room_is_edge_separator(char c) {
  return c == ' ' || c == '-' || c == '_' || c == ':' || c == '|' || c == '/' || c == ',' || c == ';';
}

std::string room_trim_separators(std::string text) {
  std::size_t begin = 0;
  while (begin < text.size() && room_is_edge_separator(text[begin])) ++begin;
  std::size_t end = text.size();
  while (end > begin && room_is_edge_separator(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

// The first `count` code points of `text`.
std::string room_first_code_points(std::string_view text, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t n = 0; n < count && pos < text.size(); ++n) next_code_point(text, pos);
  return std::string(text.substr(0, pos));
}

enum class RoomNamePart { Literal, Key, Slug, Level };

struct RoomNameSegment {
  RoomNamePart part = RoomNamePart::Literal;
  std::string text;  // the literal's text
};

// The pattern as literals and placeholders; an unknown or unclosed {x} is literal text.
std::vector<RoomNameSegment> room_parse_pattern(std::string_view pattern) {
  std::vector<RoomNameSegment> segments;
  std::string literal;
  bool has_key = false;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    if (pattern[pos] == '{') {
      const auto close = pattern.find('}', pos);
      if (close != std::string_view::npos) {
        const std::string_view name = pattern.substr(pos + 1, close - pos - 1);
        std::optional<RoomNamePart> part;
        if (name == "key") part = RoomNamePart::Key;
        else if (name == "slug") part = RoomNamePart::Slug;
        else if (name == "level") part = RoomNamePart::Level;
        if (part) {
          if (!literal.empty()) segments.push_back({RoomNamePart::Literal, std::move(literal)});
          literal.clear();
          segments.push_back({*part, {}});
          has_key = has_key || *part == RoomNamePart::Key;
          pos = close + 1;
          continue;
        }
      }
    }
    literal += pattern[pos];
    ++pos;
  }
  if (!literal.empty()) segments.push_back({RoomNamePart::Literal, std::move(literal)});
  if (!has_key) {
    segments.push_back({RoomNamePart::Literal, "-"});
    segments.push_back({RoomNamePart::Key, {}});
  }
  return segments;
}

// Builds names from one pattern with the slug cut to any length.
class RoomNameBuilder {
public:
  RoomNameBuilder(RoomNameRules rules, std::vector<RoomNameSegment> segments, std::string key, std::string slug,
              std::string level)
      : m_rules(rules), m_segments(std::move(segments)), m_key(std::move(key)), m_slug(std::move(slug)),
        m_level(std::move(level)) {
    for (auto& segment : m_segments) segment.text = room_clean(m_rules, segment.text);
  }

  std::size_t slug_chars() const { return count_code_points(m_slug); }

  // The name with the slug cut to `slug_chars` characters (separators at its cut end dropped).
  std::string build(std::size_t slug_chars) const {
    const std::string slug = room_trim_separators(room_first_code_points(m_slug, slug_chars));
    std::string out;
    for (const auto& segment : m_segments) {
      switch (segment.part) {
        case RoomNamePart::Literal: out += segment.text; break;
        case RoomNamePart::Key: out += m_key; break;
        case RoomNamePart::Slug: out += slug; break;
        case RoomNamePart::Level: out += m_level; break;
      }
    }
    // Joining may put two separators or spaces side by side: clean the whole once more.
    return room_trim_separators(room_clean(m_rules, out));
  }

private:
  RoomNameRules m_rules;
  std::vector<RoomNameSegment> m_segments;
  std::string m_key;
  std::string m_slug;
  std::string m_level;
};

// "fault-<key>" when it fits, else the key (cut when the key alone is too long); "fault"
// without a key.
std::string room_fallback_name(RoomNameRules rules, const std::string& key, std::size_t max_chars) {
  if (key.empty()) return "fault";
  std::string name = room_trim_separators(room_clean(rules, "fault-" + key));
  if (count_code_points(name) <= max_chars) return name;
  return room_trim_separators(room_first_code_points(key, max_chars));
}

}  // namespace

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    next_code_point(text, pos);
    ++count;
  }
  return count;
}

std::string room_name(std::string_view platform, std::string_view pattern, std::string_view key,
                      std::string_view title, std::string_view level) {
  const RoomNameLimits limits = room_name_limits(platform);
  const std::string clean_key = room_trim_separators(room_clean(limits.rules, key));
  const RoomNameBuilder builder(limits.rules, room_parse_pattern(pattern), clean_key,
                            room_trim_separators(room_clean(limits.rules, title)),
                            room_trim_separators(room_clean(limits.rules, level)));
  // Beyond max_chars characters of slug nothing fits, so a 10 KB title costs no more than that.
  std::size_t slug_chars = std::min(builder.slug_chars(), limits.max_chars);
  while (true) {
    std::string name = builder.build(slug_chars);
    if (count_code_points(name) <= limits.max_chars) {
      if (name.empty() || (!clean_key.empty() && name.find(clean_key) == std::string::npos))
        return room_fallback_name(limits.rules, clean_key, limits.max_chars);
      return name;
    }
    if (slug_chars == 0) return room_fallback_name(limits.rules, clean_key, limits.max_chars);
    --slug_chars;
  }
}

std::string room_topic(std::string_view /*platform*/, std::string_view text) {
  std::string line = room_unicode_clean(text);
  const auto begin = line.find_first_not_of(' ');
  if (begin == std::string::npos) return {};
  line = line.substr(begin, line.find_last_not_of(' ') - begin + 1);
  if (count_code_points(line) <= k_room_topic_chars) return line;
  std::string cut = room_first_code_points(line, k_room_topic_chars - 1);
  while (!cut.empty() && cut.back() == ' ') cut.pop_back();
  return cut + "…";
}

std::string room_dedupe_key(std::string_view site_url, std::string_view fault_key) {
  std::string input;
  input.reserve(site_url.size() + 1 + fault_key.size());
  input.append(site_url).append(1, '\n').append(fault_key);
  return "fl" + hex16(fnv1a_64(input));
}

}  // namespace faultline::core
