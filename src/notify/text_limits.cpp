#include "faultline/notify/text_limits.hpp"

#include <algorithm>

namespace faultline::notify {

namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

}  // namespace

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (max_bytes >= text.size()) return text.size();
  std::size_t cut = max_bytes;
  // A UTF-8 sequence has at most three continuation bytes: back off over them.
  std::size_t steps = 0;
  while (cut > 0 && steps < 3 && is_continuation_byte(text[cut])) {
    --cut;
    ++steps;
  }
  // More than three continuation bytes in a row is not UTF-8: any cut is as good as another.
  if (is_continuation_byte(text[cut]) && steps == 3) return max_bytes;
  return cut;
}

std::vector<std::string> split_utf8(std::string_view text, std::size_t max_bytes) {
  max_bytes = std::max<std::size_t>(max_bytes, 4);
  std::vector<std::string> parts;
  while (!text.empty()) {
    if (text.size() <= max_bytes) {
      parts.emplace_back(text);
      break;
    }
    std::size_t cut = 0;
    const auto newline = text.substr(0, max_bytes).rfind('\n');
    if (newline != std::string_view::npos) {
      cut = newline + 1;
    } else {
      cut = utf8_prefix_length(text, max_bytes);
      if (cut == 0) cut = max_bytes;
    }
    parts.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  return parts;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes, std::string_view suffix) {
  if (text.size() <= max_bytes) return std::string(text);
  if (suffix.size() >= max_bytes) return std::string(suffix.substr(0, utf8_prefix_length(suffix, max_bytes)));
  std::string out(text.substr(0, utf8_prefix_length(text, max_bytes - suffix.size())));
  out += suffix;
  return out;
}

}  // namespace faultline::notify
