// Search text helpers: excerpts cut around a match, the significant words of a title.
#include <algorithm>
#include <array>

#include "faultline/core/search.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

bool is_search_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The runs of word bytes of `text`, lower-cased (ASCII), in order.
std::vector<std::string> search_words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_search_word_byte(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && is_search_word_byte(text[i])) ++i;
    if (i > start) words.push_back(lower(text.substr(start, i - start)));
  }
  return words;
}

// Where `needle` (lower-cased) first occurs in `haystack_lower`, and its length.
struct MatchSpan {
  std::size_t begin = 0;
  std::size_t length = 0;
};

std::optional<MatchSpan> first_match(std::string_view haystack_lower, std::string_view query) {
  const std::string whole = one_line(lower(query), query.size());
  if (!whole.empty()) {
    if (const auto at = haystack_lower.find(whole); at != std::string_view::npos) return MatchSpan{at, whole.size()};
  }
  for (const auto& word : search_words_of(query)) {
    if (word.size() < 2) continue;
    if (const auto at = haystack_lower.find(word); at != std::string_view::npos) return MatchSpan{at, word.size()};
  }
  return std::nullopt;
}

// Moves `pos` back to the start of the code point it is in.
std::size_t code_point_start(std::string_view text, std::size_t pos) {
  while (pos > 0 && pos < text.size() && is_utf8_continuation(text[pos])) --pos;
  return pos;
}

// The window of about `width` bytes of `text` centred on `match`, at code point boundaries,
// starting after a space when one is near.
std::string window_around(std::string_view text, MatchSpan match, std::size_t width) {
  const std::size_t room = width > match.length ? width - match.length : 0;
  std::size_t begin = match.begin > room / 2 ? match.begin - room / 2 : 0;
  std::size_t end = std::min(text.size(), begin + std::max(width, match.length));
  if (end == text.size() && end - begin < width) begin = end > width ? end - width : 0;
  begin = code_point_start(text, begin);
  end = code_point_start(text, end);
  if (begin > 0) {
    const auto space = text.find(' ', begin);
    if (space != std::string_view::npos && space < match.begin && space - begin < 16) begin = space + 1;
  }
  std::string out = begin > 0 ? "…" : "";
  out += text.substr(begin, end - begin);
  if (end < text.size()) out += "…";
  return out;
}

// Lower-case English words too common to say two titles are alike.
constexpr std::array<std::string_view, 24> k_common_words = {
    "and", "the", "for", "with", "from", "not", "are", "was", "were", "has", "have", "had",
    "but", "its", "this", "that", "into", "after", "before", "when", "while", "all", "any", "some"};

bool is_significant_word(const std::string& word) {
  const bool has_digit = std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (word.size() < 3 && !has_digit) return false;
  return std::find(k_common_words.begin(), k_common_words.end(), word) == k_common_words.end();
}

}  // namespace

std::optional<std::string> cut_excerpt(std::string_view text, std::string_view query, std::size_t width) {
  const std::string flat = one_line(text, text.size());
  const auto match = first_match(lower(flat), query);
  if (!match) return std::nullopt;
  return window_around(flat, *match, width);
}

Excerpt find_excerpt(const std::vector<TextField>& fields, std::string_view query, std::size_t width) {
  for (const auto& field : fields) {
    if (auto excerpt = cut_excerpt(field.text, query, width)) return Excerpt{field.name, std::move(*excerpt)};
  }
  return {};
}

std::vector<std::string> significant_words(std::string_view title, std::size_t max_words) {
  std::vector<std::string> kept;
  for (auto& word : search_words_of(title)) {
    if (kept.size() >= max_words) break;
    if (is_significant_word(word) && std::find(kept.begin(), kept.end(), word) == kept.end()) kept.push_back(word);
  }
  return kept;
}

}  // namespace faultline::core
