// Markdown -> Jira wiki markup, and wiki markup -> plain text.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "faultline/core/markdown_tree.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

// Characters with a meaning in wiki markup; a backslash before one shows it literally.
constexpr std::string_view k_wiki_specials = "*_-+^~{}[]|!#?";
// A literal backslash: "\\" would be a forced line break.
constexpr std::string_view k_wiki_backslash = "&#92;";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Text with every wiki special character escaped; control characters (other than tab)
// dropped, newlines become spaces (a block's line structure is the writer's job).
std::string escape_wiki(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (cp == U'\\') {
      out += k_wiki_backslash;
    } else if (cp < 0x80 && k_wiki_specials.find(static_cast<char>(cp)) != std::string_view::npos) {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == U'\n' || cp == U'\r') {
      out.push_back(' ');
    } else if ((cp < 0x20 && cp != U'\t') || cp == 0x7F) {
      // dropped
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

// Escapes a leading "h1." .. "h6." or "bq." on each line of `text`, which would otherwise
// turn the line into a heading or a quote.
std::string escape_line_starts(std::string text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (line_start) {
      const std::string_view rest = std::string_view(text).substr(i);
      const bool heading = rest.size() >= 3 && rest[0] == 'h' && rest[1] >= '1' && rest[1] <= '6' && rest[2] == '.';
      if (heading || rest.starts_with("bq.")) out.push_back('\\');
    }
    out.push_back(text[i]);
    line_start = text[i] == '\n';
  }
  return out;
}

// A code-block language kept to the characters a language name uses.
std::string wiki_language_name(std::string_view info) {
  std::string out;
  for (const char c : info) {
    if (is_alnum(c) || c == '-' || c == '_' || c == '+' || c == '#' || c == '.') out.push_back(c);
  }
  return out;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

// Where inline content is written: table cells cannot hold line breaks.
enum class InlineContext { Block, TableCell };

class WikiWriter {
public:
  // Blocks, separated by blank lines.
  std::string blocks(const MdNode& node) {
    std::vector<std::string> parts;
    for (const auto& child : node.children) {
      std::string part = block(child);
      if (!part.empty()) parts.push_back(std::move(part));
    }
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += "\n\n";
      out += parts[i];
    }
    return out;
  }

private:
  std::string m_open_effects;  // markers of the effects being written, innermost last

  std::string block(const MdNode& node) {
    switch (node.kind) {
      case MdKind::Document:
        return blocks(node);
      case MdKind::Paragraph:
        return paragraph(node);
      case MdKind::Heading:
        return fmt::format("h{}. ", std::clamp(node.level, 1, 6)) + inlines(node, InlineContext::TableCell);
      case MdKind::List:
        return list(node, "");
      case MdKind::CodeBlock:
        return code_block(node);
      case MdKind::HtmlBlock: {
        const std::string literal(trim_line_ends(node.literal));
        std::string out;
        std::size_t start = 0;
        while (true) {
          const auto end = literal.find('\n', start);
          out += escape_wiki(std::string_view(literal).substr(start, end == std::string::npos ? end : end - start));
          if (end == std::string::npos) break;
          out += "\n";
          start = end + 1;
        }
        return escape_line_starts(std::move(out));
      }
      case MdKind::BlockQuote: {
        if (node.children.size() == 1 && node.children.front().kind == MdKind::Paragraph) {
          const std::string body = paragraph(node.children.front());
          if (body.find('\n') == std::string::npos) return "bq. " + body;
        }
        return "{quote}\n" + blocks(node) + "\n{quote}";
      }
      case MdKind::Rule:
        return "----";
      case MdKind::Table:
        return table(node);
      default:
        return escape_line_starts(inline_node(node, InlineContext::Block));
    }
  }

  std::string paragraph(const MdNode& node) {
    return escape_line_starts(inlines(node, InlineContext::Block));
  }

  std::string inlines(const MdNode& node, InlineContext context) {
    std::string out;
    for (const auto& child : node.children) out += inline_node(child, context);
    return out;
  }

  std::string inline_node(const MdNode& node, InlineContext context) {
    switch (node.kind) {
      case MdKind::Text:
      case MdKind::HtmlInline:
        return escape_wiki(node.literal);
      case MdKind::SoftBreak:
        return " ";
      case MdKind::LineBreak:
        return context == InlineContext::TableCell ? " " : "\n";
      case MdKind::Code:
        return node.literal.empty() ? std::string() : "{{" + escape_wiki(node.literal) + "}}";
      case MdKind::Emph:
        return effect('_', node, context);
      case MdKind::Strong:
        return effect('*', node, context);
      case MdKind::Strike:
        return effect('-', node, context);
      case MdKind::Link:
      case MdKind::Image: {
        std::string text = node.kind == MdKind::Image ? escape_wiki(md_plain_text(node))
                                                      : inlines(node, InlineContext::TableCell);
        if (!is_safe_link(node.url)) {
          if (md_plain_text(node) == node.url) return escape_wiki("<" + node.url + ">");  // autolink as typed
          return text.empty() ? escape_wiki(node.url) : text;
        }
        const std::string url = encode_link_url(node.url);
        if (text.empty() || md_plain_text(node) == node.url) return "[" + url + "]";
        return "[" + text + "|" + url + "]";
      }
      default:
        return inlines(node, context);
    }
  }

  // `node`'s content between two `marker`s; an effect already open is not opened again,
  // since wiki markup cannot nest an effect in itself.
  std::string effect(char marker, const MdNode& node, InlineContext context) {
    if (m_open_effects.find(marker) != std::string::npos) return inlines(node, context);
    m_open_effects.push_back(marker);
    const std::string body = inlines(node, context);
    m_open_effects.pop_back();
    if (body.empty()) return body;
    return std::string(1, marker) + body + std::string(1, marker);
  }

  // One list; `prefix` holds the markers of the enclosing lists ("*", "#*", ...).
  std::string list(const MdNode& node, const std::string& prefix) {
    const std::string marker = prefix + (node.ordered ? "#" : "*");
    std::vector<std::string> lines;
    for (const auto& item : node.children) {
      bool first = true;
      for (const auto& child : item.children) {
        if (child.kind == MdKind::List) {
          lines.push_back(list(child, marker));
          if (first) {
            // An item that starts with a nested list still needs its own (empty) line.
            lines.insert(lines.end() - 1, marker + " ");
            first = false;
          }
          continue;
        }
        std::string text = child.kind == MdKind::Paragraph ? inlines(child, InlineContext::Block) : block(child);
        if (first) {
          lines.push_back(marker + " " + text);
          first = false;
        } else {
          lines.push_back(escape_line_starts(std::move(text)));
        }
      }
      if (first) lines.push_back(marker + " ");
    }
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out += "\n";
      out += lines[i];
    }
    return out;
  }

  std::string code_block(const MdNode& node) {
    const std::string body(trim_line_ends(node.literal));
    std::string clean;
    std::size_t pos = 0;
    while (pos < body.size()) {
      const char32_t cp = next_code_point(body, pos);
      if (cp >= 0x20 || cp == U'\t' || cp == U'\n') append_utf8(clean, cp);
    }
    const bool has_code_tag = contains_ci(clean, "{code");
    const bool has_noformat_tag = contains_ci(clean, "{noformat");
    if (has_code_tag && has_noformat_tag) {
      // Neither macro can hold this text unchanged: break the tags with a zero-width space.
      std::string broken;
      for (std::size_t i = 0; i < clean.size(); ++i) {
        broken.push_back(clean[i]);
        if (clean[i] == '{') broken += "\u200B";
      }
      clean = std::move(broken);
    }
    if (has_code_tag && !has_noformat_tag) return "{noformat}\n" + clean + "\n{noformat}";
    const std::string language = wiki_language_name(node.info);
    return (language.empty() ? std::string("{code}") : "{code:" + language + "}") + "\n" + clean + "\n{code}";
  }

  std::string table(const MdNode& node) {
    std::string out;
    for (const auto& row : node.children) {
      if (!out.empty()) out += "\n";
      const std::string separator = row.header ? "||" : "|";
      out += separator;
      for (const auto& cell : row.children) {
        std::string text = inlines(cell, InlineContext::TableCell);
        out += (text.empty() ? std::string(" ") : text) + separator;
      }
    }
    return out;
  }
};

// ---- wiki -> text ---------------------------------------------------------------------------

// One character of wiki text after escapes are resolved; `literal` when it came from an
// escape and so carries no markup meaning.
struct WikiChar {
  char c;
  bool literal;
};

using WikiLine = std::vector<WikiChar>;

// Resolves \X escapes and &#NN; references into characters; "\\" becomes a line break.
std::vector<WikiChar> tokenize(std::string_view text) {
  std::vector<WikiChar> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      out.push_back({next == '\\' ? '\n' : next, true});
      continue;
    }
    if (c == '&' && i + 2 < text.size() && text[i + 1] == '#') {
      std::size_t j = i + 2;
      unsigned value = 0;
      while (j < text.size() && j < i + 9 && std::isdigit(static_cast<unsigned char>(text[j]))) {
        value = value * 10 + static_cast<unsigned>(text[j] - '0');
        ++j;
      }
      if (j > i + 2 && j < text.size() && text[j] == ';' && value > 0) {
        std::string encoded;
        append_utf8(encoded, value);
        for (const char e : encoded) out.push_back({e, true});
        i = j;
        continue;
      }
    }
    out.push_back({c, false});
  }
  return out;
}

bool is_markup(const WikiChar& w, char c) { return !w.literal && w.c == c; }

// Whether an effect marker at `i` can open: at a word start, followed by a non-space.
bool can_open(const WikiLine& line, std::size_t i) {
  if (i + 1 >= line.size() || is_space(line[i + 1].c)) return false;
  return i == 0 || !is_alnum(line[i - 1].c);
}

// Whether an effect marker at `i` can close: after a non-space, at a word end.
bool can_close(const WikiLine& line, std::size_t i) {
  if (i == 0 || is_space(line[i - 1].c)) return false;
  return i + 1 >= line.size() || !is_alnum(line[i + 1].c);
}

std::string inline_text(const WikiLine& line);

// The text of `[...]` between `open` and `close`: the label, or the target when there is none.
std::string link_text(const WikiLine& line, std::size_t open, std::size_t close) {
  WikiLine label;
  WikiLine target;
  bool in_target = false;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (!in_target && is_markup(line[i], '|')) {
      in_target = true;
      continue;
    }
    (in_target ? target : label).push_back(line[i]);
  }
  if (!in_target) {
    if (!label.empty() && is_markup(label.front(), '~')) label.erase(label.begin());  // [~user]
    return inline_text(label);
  }
  return label.empty() ? inline_text(target) : inline_text(label);
}

std::string inline_text(const WikiLine& line) {
  constexpr std::string_view k_effects = "*_-+^~";
  std::vector<bool> dropped(line.size(), false);
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (dropped[i]) continue;
    const WikiChar& w = line[i];
    if (w.literal) {
      out.push_back(w.c);
      continue;
    }
    // {{mono}} markers and {macro:params} tags disappear.
    if (w.c == '{' && i + 1 < line.size() && is_markup(line[i + 1], '{')) {
      ++i;
      continue;
    }
    if (w.c == '}' && i + 1 < line.size() && is_markup(line[i + 1], '}')) {
      ++i;
      continue;
    }
    if (w.c == '{') {
      std::size_t j = i + 1;
      while (j < line.size() && !line[j].literal && (is_alnum(line[j].c) || line[j].c == ':' ||
                                                      line[j].c == '=' || line[j].c == '#' ||
                                                      line[j].c == '|')) {
        ++j;
      }
      if (j > i + 1 && j < line.size() && is_markup(line[j], '}')) {
        i = j;
        continue;
      }
    }
    if (w.c == '[') {
      std::size_t j = i + 1;
      while (j < line.size() && !is_markup(line[j], ']')) ++j;
      if (j < line.size()) {
        out += link_text(line, i, j);
        i = j;
        continue;
      }
    }
    if (w.c == '!') {
      std::size_t j = i + 1;
      while (j < line.size() && !is_markup(line[j], '!') && !is_space(line[j].c)) ++j;
      if (j < line.size() && j > i + 1 && is_markup(line[j], '!')) {
        i = j;  // an image
        continue;
      }
    }
    if (w.c == '?' && i + 1 < line.size() && is_markup(line[i + 1], '?')) {
      ++i;  // ??citation??
      continue;
    }
    if (k_effects.find(w.c) != std::string_view::npos && can_open(line, i)) {
      std::size_t j = i + 1;
      while (j < line.size() && !(is_markup(line[j], w.c) && can_close(line, j))) ++j;
      if (j < line.size()) {
        dropped[j] = true;
        continue;
      }
    }
    out.push_back(w.c);
  }
  return out;
}

// The plain text of one line of (non-code) wiki markup.
std::string line_text(WikiLine line) {
  auto starts_with = [&line](std::string_view prefix) {
    if (line.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (line[i].literal || line[i].c != prefix[i]) return false;
    }
    return true;
  };
  auto drop_prefix = [&line](std::size_t count) {
    line.erase(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(std::min(count, line.size())));
    while (!line.empty() && line.front().c == ' ' && !line.front().literal) line.erase(line.begin());
  };
  for (char level = '1'; level <= '6'; ++level) {
    if (starts_with(std::string{'h', level, '.', ' '})) {
      drop_prefix(3);
      return inline_text(line);
    }
  }
  if (starts_with("bq. ")) {
    drop_prefix(3);
    return inline_text(line);
  }
  if (starts_with("----")) return "----";
  std::size_t depth = 0;
  while (depth < line.size() && !line[depth].literal && (line[depth].c == '*' || line[depth].c == '#')) ++depth;
  if (depth == 0 && starts_with("- ")) depth = 1;
  if (depth > 0 && depth < line.size() && line[depth].c == ' ' && !line[depth].literal) {
    drop_prefix(depth);
    return std::string((depth - 1) * 2, ' ') + "- " + inline_text(line);
  }
  if (!line.empty() && is_markup(line.front(), '|')) {
    std::vector<std::string> cells;
    WikiLine cell;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (is_markup(line[i], '|')) {
        if (!cell.empty()) cells.push_back(inline_text(cell));
        cell.clear();
        if (i + 1 < line.size() && is_markup(line[i + 1], '|')) ++i;
        continue;
      }
      cell.push_back(line[i]);
    }
    if (!cell.empty()) cells.push_back(inline_text(cell));
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += " | ";
      std::string trimmed = cells[i];
      while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
      while (!trimmed.empty() && trimmed.front() == ' ') trimmed.erase(trimmed.begin());
      out += trimmed;
    }
    return out;
  }
  return inline_text(line);
}

// Plain text of wiki markup outside {code} / {noformat} blocks.
std::string markup_text(std::string_view text) {
  const std::vector<WikiChar> chars = tokenize(text);
  std::string out;
  WikiLine line;
  for (const auto& w : chars) {
    if (w.c == '\n' && !w.literal) {
      // A line that held only markup ("{quote}", "{panel}") leaves no line behind.
      const bool had_content = !line.empty();
      std::string plain = line_text(std::move(line));
      if (!had_content || !plain.empty()) out += plain + "\n";
      line.clear();
      continue;
    }
    if (w.c == '\r' && !w.literal) continue;
    line.push_back(w);
  }
  const bool had_content = !line.empty();
  const std::string plain = line_text(std::move(line));
  if (had_content && plain.empty() && !out.empty() && out.back() == '\n') {
    out.pop_back();  // a closing "{quote}" line leaves no line behind
  }
  out += plain;
  return out;
}

// Finds the opening tag of a verbatim block ("{code}", "{code:java}", "{noformat}") at or
// after `from`. Returns the tag start, sets `tag_end` and `name`.
std::size_t find_verbatim_open(std::string_view text, std::size_t from, std::size_t& tag_end, std::string& name) {
  for (std::size_t i = text.find('{', from); i != std::string_view::npos; i = text.find('{', i + 1)) {
    if (i > 0 && (text[i - 1] == '\\' || text[i - 1] == '{')) continue;  // escaped, or {{mono}}
    for (const char* candidate : {"code", "noformat"}) {
      const std::string_view tag = candidate;
      if (!text.substr(i + 1).starts_with(tag)) continue;
      const std::size_t after = i + 1 + tag.size();
      if (after >= text.size() || (text[after] != '}' && text[after] != ':')) continue;
      const auto close = text.find('}', after);
      if (close == std::string_view::npos || text.substr(close).starts_with("}}")) continue;
      tag_end = close + 1;
      name = std::string(tag);
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string markdown_to_wiki(std::string_view markdown) {
  WikiWriter writer;
  return writer.blocks(parse_markdown(markdown));
}

std::string wiki_to_text(std::string_view wiki) {
  std::string out;
  std::size_t pos = 0;
  while (pos < wiki.size()) {
    std::size_t tag_end = 0;
    std::string name;
    const auto open = find_verbatim_open(wiki, pos, tag_end, name);
    if (open == std::string_view::npos) {
      out += markup_text(wiki.substr(pos));
      break;
    }
    out += markup_text(wiki.substr(pos, open - pos));
    const std::string closing = "{" + name + "}";
    auto close = wiki.find(closing, tag_end);
    std::string_view body = wiki.substr(tag_end, close == std::string_view::npos ? close : close - tag_end);
    if (body.starts_with("\n")) body.remove_prefix(1);
    if (body.ends_with("\n")) body.remove_suffix(1);
    out += body;
    pos = close == std::string_view::npos ? wiki.size() : close + closing.size();
  }
  return out;
}

}  // namespace faultline::core
