#include "faultline/util/strings.hpp"

#include <algorithm>

namespace faultline {

namespace {

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower_char);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower_char(x) == lower_char(y); });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view trim_line_ends(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::string one_line(std::string_view text, std::size_t limit) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= limit) break;
  }
  return out;
}

std::string shorten_for_message(std::string_view text, std::size_t max_chars) {
  // A UTF-8 character starts at every byte that is not a continuation byte (10xxxxxx).
  const auto starts_character = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  std::size_t characters = 0;
  std::size_t cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!starts_character(text[i])) continue;
    if (characters == max_chars) cut = i;
    ++characters;
  }
  std::string out;
  out.reserve(std::min(cut, text.size()) + 32);
  for (char c : text.substr(0, cut)) out += c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
  if (characters > max_chars) out += "\u2026 (" + std::to_string(characters) + " characters)";
  return out;
}

std::string html_title(std::string_view body, std::size_t limit) {
  const std::string lowered = lower(body);
  const auto open = lowered.find("<title");
  if (open == std::string::npos) return {};
  const auto start = lowered.find('>', open);
  const auto close = lowered.find("</title>", open);
  if (start == std::string::npos || close == std::string::npos || close < start) return {};
  return one_line(body.substr(start + 1, close - start - 1), limit);
}

}  // namespace faultline
