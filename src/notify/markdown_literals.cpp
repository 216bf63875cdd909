#include "faultline/notify/markdown_literals.hpp"

namespace faultline::notify {

namespace {

// Escaped wherever they are: code spans, emphasis and strike-through, links and images, tags
// and mentions (<at id=all>, <font>, <@id>, <!channel>, autolinks), entities, and the escape
// character itself (a value ending in "\" must not escape the template's next character).
constexpr std::string_view k_escaped_anywhere = "\\`*_~[]<>&";

constexpr std::string_view k_zero_width_space = "\u200B";

bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

bool ends_marker(std::string_view text, std::size_t pos) {
  return pos >= text.size() || text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n';
}

// The line from `pos` holds only `marker` and blanks ("---", "= = =").
bool only_marker_to_line_end(std::string_view text, std::size_t pos, char marker) {
  for (; pos < text.size() && text[pos] != '\n'; ++pos)
    if (text[pos] != marker && text[pos] != ' ' && text[pos] != '\t') return false;
  return true;
}

// The position of the character that makes the line starting at `pos` (blanks skipped) a
// heading, list item, setext underline or rule, or npos.
std::size_t block_marker_at(std::string_view text, std::size_t pos) {
  const char c = text[pos];
  if (c == '#') {
    std::size_t end = pos;
    while (end < text.size() && text[end] == '#' && end - pos < 7) ++end;
    return end - pos <= 6 && ends_marker(text, end) ? pos : std::string_view::npos;
  }
  if (c == '-' || c == '+' || c == '=') {
    if (c != '=' && ends_marker(text, pos + 1)) return pos;
    if (c != '+' && only_marker_to_line_end(text, pos, c)) return pos;
    return std::string_view::npos;
  }
  std::size_t end = pos;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9' && end - pos < 10) ++end;
  if (end > pos && end < text.size() && (text[end] == '.' || text[end] == ')') && ends_marker(text, end + 1))
    return end;
  return std::string_view::npos;
}

// Newlines normalised to LF, other control characters dropped.
std::string without_control_characters(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
      continue;
    }
    const auto code = static_cast<unsigned char>(c);
    if ((code < 0x20 && c != '\n' && c != '\t') || code == 0x7F) continue;
    out += c;
  }
  return out;
}

// The index just past the first unescaped `needle` at or after `from`, scanning escapes in
// pairs; npos when there is none before the end of the line.
std::size_t find_unescaped_on_line(std::string_view text, std::size_t from, char needle) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\n') return std::string_view::npos;
    if (is_escape_at(text, i)) {
      ++i;
      continue;
    }
    if (text[i] == needle) return i;
  }
  return std::string_view::npos;
}

void append_literal(std::string& out, char c, LiteralStyle style) {
  switch (style) {
    case LiteralStyle::NumericEntity:
      out += "&#" + std::to_string(static_cast<unsigned char>(c)) + ";";
      return;
    case LiteralStyle::ZeroWidthFence:
      out += k_zero_width_space;
      out += c;
      out += k_zero_width_space;
      return;
  }
}

}  // namespace

std::string escape_markdown_text(std::string_view value) {
  const std::string text = without_control_characters(value);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (line_start && c != ' ' && c != '\t') {
      line_start = false;
      if (const std::size_t marker = block_marker_at(text, i); marker != std::string_view::npos) {
        out.append(text, i, marker - i);
        out += '\\';
        out += text[marker];
        i = marker;
        continue;
      }
    }
    if (c == '\n') line_start = true;
    if (k_escaped_anywhere.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::size_t find_unescaped_bold(std::string_view line, std::size_t from) {
  for (std::size_t i = from; i + 1 < line.size(); ++i) {
    if (is_escape_at(line, i)) {
      ++i;
      continue;
    }
    if (line[i] == '*' && line[i + 1] == '*') return i;
  }
  return std::string_view::npos;
}

bool is_escape_at(std::string_view markdown, std::size_t pos) {
  return pos + 1 < markdown.size() && markdown[pos] == '\\' && is_ascii_punctuation(markdown[pos + 1]);
}

std::string markdown_to_plain(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size());
  for (std::size_t i = 0; i < markdown.size(); ++i) {
    if (is_escape_at(markdown, i)) ++i;
    out += markdown[i];
  }
  return out;
}

std::optional<MarkdownLink> markdown_link_at(std::string_view markdown, std::size_t pos) {
  if (pos >= markdown.size() || markdown[pos] != '[') return std::nullopt;
  const std::size_t close = find_unescaped_on_line(markdown, pos + 1, ']');
  if (close == std::string_view::npos || close == pos + 1) return std::nullopt;
  if (close + 1 >= markdown.size() || markdown[close + 1] != '(') return std::nullopt;

  MarkdownLink link;
  int depth = 0;
  for (std::size_t i = close + 2; i < markdown.size(); ++i) {
    const char c = markdown[i];
    if (is_escape_at(markdown, i)) {
      link.url += markdown[++i];
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return std::nullopt;
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) {
      if (link.url.empty()) return std::nullopt;
      link.text = markdown.substr(pos + 1, close - pos - 1);
      link.end = i + 1;
      return link;
    }
    link.url += c;
  }
  return std::nullopt;
}

std::string link_destination(std::string_view url) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (const char c : url) {
    const auto code = static_cast<unsigned char>(c);
    if (code <= 0x20 || code == 0x7F || std::string_view("\"<>()|\\`").find(c) != std::string_view::npos) {
      out += '%';
      out += k_hex[code >> 4U];
      out += k_hex[code & 0x0FU];
    } else {
      out += c;
    }
  }
  return out;
}

std::string markdown_with_literals(std::string_view markdown, LiteralStyle style) {
  std::string out;
  out.reserve(markdown.size() + markdown.size() / 4);
  std::size_t i = 0;
  while (i < markdown.size()) {
    if (is_escape_at(markdown, i)) {
      append_literal(out, markdown[i + 1], style);
      i += 2;
      continue;
    }
    if (markdown[i] == '[') {
      if (const auto link = markdown_link_at(markdown, i)) {
        out += "[" + markdown_with_literals(link->text, style) + "](" + link_destination(link->url) + ")";
        i = link->end;
        continue;
      }
    }
    out += markdown[i];
    ++i;
  }
  return out;
}

}  // namespace faultline::notify
