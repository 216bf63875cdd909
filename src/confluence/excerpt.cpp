// Search excerpts as plain text: markers, tags, entities, whitespace.
#include "excerpt.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "faultline/core/utf8.hpp"

namespace faultline::confluence::detail {
namespace {

constexpr std::string_view k_highlight_start = "@@@hl@@@";
constexpr std::string_view k_highlight_end = "@@@endhl@@@";

// The named entities Confluence's excerpts use; others stay literal.
constexpr std::array<std::pair<std::string_view, char32_t>, 14> k_named_entities{{
    {"amp", U'&'},
    {"lt", U'<'},
    {"gt", U'>'},
    {"quot", U'"'},
    {"apos", U'\''},
    {"nbsp", U'\u00A0'},
    {"hellip", U'\u2026'},
    {"ndash", U'\u2013'},
    {"mdash", U'\u2014'},
    {"lsquo", U'\u2018'},
    {"rsquo", U'\u2019'},
    {"ldquo", U'\u201C'},
    {"rdquo", U'\u201D'},
    {"bull", U'\u2022'},
}};

std::string without(std::string_view text, std::string_view marker) {
  std::string out;
  std::size_t pos = 0;
  for (auto hit = text.find(marker); hit != std::string_view::npos; hit = text.find(marker, pos)) {
    out.append(text.substr(pos, hit - pos));
    pos = hit + marker.size();
  }
  out.append(text.substr(pos));
  return out;
}

// Inline elements: dropping them must not split the word they sit in.
constexpr std::array<std::string_view, 19> k_inline_tags{"a",    "abbr", "b",    "code", "del",   "em",  "font",
                                                         "i",    "ins",  "mark", "s",    "small", "span", "strike",
                                                         "strong", "sub", "sup",  "u",    "tt"};

// The lower-case element name of "<tag ...", "</tag" or "<ac:link ...".
std::string tag_name(std::string_view tag) {
  std::string name;
  for (std::size_t i = tag.size() > 1 && tag[1] == '/' ? 2 : 1; i < tag.size(); ++i) {
    const auto c = static_cast<unsigned char>(tag[i]);
    if (!std::isalnum(c) && c != ':' && c != '-') break;
    name += static_cast<char>(std::tolower(c));
  }
  return name;
}

bool is_inline(std::string_view name) {
  for (const auto tag : k_inline_tags) {
    if (tag == name) return true;
  }
  return false;
}

// Drops <tag ...>, </tag>, <!-- ... --> and <!...>/<?...?>; a '<' that starts none of them
// ("a < b") is text.
std::string without_tags(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    const char next = pos + 1 < text.size() ? text[pos + 1] : '\0';
    const bool letter = std::isalpha(static_cast<unsigned char>(next)) != 0;
    const bool tag = c == '<' && (letter || next == '/' || next == '!' || next == '?');
    if (!tag) {
      out += c;
      ++pos;
      continue;
    }
    const bool comment = text.substr(pos, 4) == "<!--";
    const auto end = comment ? text.find("-->", pos + 4) : text.find('>', pos);
    if (end == std::string_view::npos) break;  // a tag cut off by the excerpt's length
    // A block tag (<p>, <br>, <li>...) separates words; an inline one (<b>out</b>) does not.
    if (comment || !is_inline(tag_name(text.substr(pos, end - pos)))) out += ' ';
    pos = end + (comment ? 3 : 1);
  }
  return out;
}

// The code point of the entity body between '&' and ';' ("amp", "#39", "#x2019"), or 0.
char32_t entity_value(std::string_view name) {
  if (name.size() > 1 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const auto digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return 0;
    char32_t value = 0;
    for (char d : digits) {
      int v = -1;
      if (d >= '0' && d <= '9') v = d - '0';
      else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
      else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
      if (v < 0) return 0;
      value = value * (hex ? 16 : 10) + static_cast<char32_t>(v);
    }
    // &#0; and values past Unicode read as U+FFFD, as in HTML.
    return value == 0 || value > 0x10FFFF ? core::k_replacement_char : value;
  }
  for (const auto& [entity, value] : k_named_entities) {
    if (entity == name) return value;
  }
  return 0;
}

std::string decode_entities(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '&') {
      const auto semicolon = text.find(';', pos + 1);
      if (semicolon != std::string_view::npos && semicolon - pos <= 10) {
        if (const auto value = entity_value(text.substr(pos + 1, semicolon - pos - 1)); value != 0) {
          core::append_utf8(out, value);
          pos = semicolon + 1;
          continue;
        }
      }
    }
    out += text[pos++];
  }
  return out;
}

// Control characters could drive a terminal; whitespace of any kind becomes one space.
std::string collapsed(std::string_view text) {
  std::string out;
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = pos;
    const char32_t cp = core::next_code_point(text, pos);
    const bool space = cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == U'\f' || cp == U'\v' ||
                       cp == U'\u00A0';
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    if (pending_space) out += ' ';
    pending_space = false;
    if (cp == core::k_replacement_char) {
      core::append_utf8(out, cp);
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

}  // namespace

std::string plain_excerpt(std::string_view excerpt) {
  const auto unmarked = without(without(excerpt, k_highlight_start), k_highlight_end);
  return collapsed(decode_entities(without_tags(unmarked)));
}

}  // namespace faultline::confluence::detail
