// Storage format (XHTML) back to plain text and to Markdown.
#include "faultline/core/storage_text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <vector>

#include "faultline/core/utf8.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

// ---- a tolerant element tree -------------------------------------------------------------

struct Node {
  std::string tag;  // lower-case element name ("p", "ac:structured-macro"); "" for text
  std::map<std::string, std::string> attributes;
  std::string text;  // text nodes (decoded), CDATA included
  std::vector<Node> children;
};

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += text[i];
      continue;
    }
    const auto name = text.substr(i + 1, semi - i - 1);
    char32_t cp = 0;
    if (name == "amp") cp = U'&';
    else if (name == "lt") cp = U'<';
    else if (name == "gt") cp = U'>';
    else if (name == "quot") cp = U'"';
    else if (name == "apos") cp = U'\'';
    else if (name == "nbsp") cp = 0xA0;
    else if (name == "mdash") cp = 0x2014;
    else if (name == "ndash") cp = 0x2013;
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      try {
        cp = static_cast<char32_t>(std::stoul(std::string(name.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10));
      } catch (...) {
        cp = 0;
      }
    }
    if (cp == 0 || cp > 0x10FFFF) {
      out += text[i];
      continue;
    }
    append_utf8(out, cp);
    i = semi;
  }
  return out;
}

class TreeParser {
public:
  explicit TreeParser(std::string_view text) : m_text(text) {}

  Node parse() {
    Node root;
    std::vector<Node*> open{&root};
    while (m_pos < m_text.size()) {
      if (m_text.compare(m_pos, 9, "<![CDATA[") == 0) {
        const auto end = m_text.find("]]>", m_pos + 9);
        const auto stop = end == std::string_view::npos ? m_text.size() : end;
        open.back()->children.push_back(Node{"", {}, std::string(m_text.substr(m_pos + 9, stop - m_pos - 9)), {}});
        m_pos = end == std::string_view::npos ? m_text.size() : end + 3;
      } else if (m_text.compare(m_pos, 4, "<!--") == 0) {
        const auto end = m_text.find("-->", m_pos + 4);
        m_pos = end == std::string_view::npos ? m_text.size() : end + 3;
      } else if (m_text[m_pos] == '<' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '/') {
        const auto end = m_text.find('>', m_pos);
        const auto name = lower(trim(m_text.substr(m_pos + 2, (end == std::string_view::npos ? m_text.size() : end) - m_pos - 2)));
        m_pos = end == std::string_view::npos ? m_text.size() : end + 1;
        // Close up to the matching element; a stray closing tag is ignored.
        for (std::size_t depth = open.size(); depth > 1; --depth) {
          if (open[depth - 1]->tag == name) {
            open.resize(depth - 1);
            break;
          }
        }
      } else if (m_text[m_pos] == '<' && m_pos + 1 < m_text.size() &&
                 (std::isalpha(static_cast<unsigned char>(m_text[m_pos + 1])) != 0)) {
        bool self_closing = false;
        Node element = open_tag(self_closing);
        open.back()->children.push_back(std::move(element));
        if (!self_closing && !is_void(open.back()->children.back().tag)) open.push_back(&open.back()->children.back());
      } else {
        const auto next = m_text.find('<', m_pos + 1);
        const auto stop = next == std::string_view::npos ? m_text.size() : next;
        open.back()->children.push_back(Node{"", {}, decode_entities(m_text.substr(m_pos, stop - m_pos)), {}});
        m_pos = stop;
      }
    }
    return root;
  }

private:
  static bool is_void(const std::string& tag) { return tag == "br" || tag == "hr" || tag == "img" || tag == "col"; }

  Node open_tag(bool& self_closing) {
    Node element;
    std::size_t i = m_pos + 1;
    while (i < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[i])) && m_text[i] != '>' && m_text[i] != '/') ++i;
    element.tag = lower(m_text.substr(m_pos + 1, i - m_pos - 1));
    while (i < m_text.size() && m_text[i] != '>') {
      if (m_text[i] == '/') {
        self_closing = true;
        ++i;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(m_text[i]))) {
        ++i;
        continue;
      }
      const auto name_start = i;
      while (i < m_text.size() && m_text[i] != '=' && m_text[i] != '>' && !std::isspace(static_cast<unsigned char>(m_text[i]))) ++i;
      const auto name = lower(m_text.substr(name_start, i - name_start));
      std::string value;
      if (i < m_text.size() && m_text[i] == '=') {
        ++i;
        const char quote = i < m_text.size() ? m_text[i] : '\0';
        if (quote == '"' || quote == '\'') {
          const auto close = m_text.find(quote, i + 1);
          const auto stop = close == std::string_view::npos ? m_text.size() : close;
          value = decode_entities(m_text.substr(i + 1, stop - i - 1));
          i = stop + 1;
        }
      }
      if (!name.empty()) element.attributes[name] = value;
      self_closing = false;
    }
    m_pos = i < m_text.size() ? i + 1 : m_text.size();
    return element;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

void gather_text(const Node& node, std::string& out) {
  if (node.tag.empty()) out += node.text;
  if (node.tag == "br") out += ' ';
  for (const auto& child : node.children) gather_text(child, out);
}

// Whitespace runs as one space; trimmed, or (keep_edges) keeping a leading or trailing one,
// which separates inline elements.
std::string collapse(std::string_view text, bool keep_edges = false) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && (keep_edges || !out.empty())) out += ' ';
    space = false;
    out += c;
  }
  if (space && keep_edges) out += ' ';
  return out;
}

// ---- Markdown ----------------------------------------------------------------------------

bool is_block(const std::string& tag) {
  static const char* const k_blocks[] = {"p",  "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote",
                                         "pre", "table", "hr", "div", "ac:structured-macro", "ac:layout",
                                         "ac:layout-section", "ac:layout-cell", "ac:rich-text-body"};
  for (const char* block : k_blocks)
    if (tag == block) return true;
  return false;
}

// Text with the characters Markdown would read as syntax escaped.
std::string escape_markdown(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool word_before = i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1])) != 0;
    const bool word_after = i + 1 < text.size() && std::isalnum(static_cast<unsigned char>(text[i + 1])) != 0;
    switch (c) {
      case '\\': case '*': case '`': case '[': case ']': case '<': case '>': case '~': case '|':
        out += '\\';
        break;
      case '_':
        if (!(word_before && word_after)) out += '\\';
        break;
      default: break;
    }
    out += c;
  }
  return out;
}

// A line that Markdown would read as a block marker ("# x", "- x", "1. x") gets it escaped.
std::string escape_line_start(std::string text) {
  if (text.empty()) return text;
  const char c = text[0];
  if (c == '#' || c == '-' || c == '+' || c == '=') return "\\" + text;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits > 0 && digits < text.size() && (text[digits] == '.' || text[digits] == ')'))
    return text.substr(0, digits) + "\\" + text.substr(digits);
  return text;
}

class MarkdownWriter {
public:
  // `separator` between blocks: a blank line, or a line break inside a tight list item.
  std::string blocks(const Node& node, int depth = 0, const char* separator = "\n\n") {
    std::vector<std::string> parts;
    std::string run;  // inline content directly inside a block container
    auto flush = [&] {
      const auto text = std::string(trim(run));
      if (!text.empty()) parts.push_back(escape_line_start(text));
      run.clear();
    };
    for (const auto& child : node.children) {
      if (!child.tag.empty() && is_block(child.tag)) {
        flush();
        auto block = this->block(child, depth);
        if (!block.empty()) parts.push_back(std::move(block));
      } else {
        run += inline_text(child);
      }
    }
    flush();
    std::string out;
    for (const auto& part : parts) {
      if (!out.empty()) out += separator;
      out += part;
    }
    return out;
  }

private:
  std::string block(const Node& node, int depth) {
    const auto& tag = node.tag;
    if (tag == "p" || tag == "div") {
      if (tag == "div") return blocks(node, depth);
      return escape_line_start(std::string(trim(inlines(node))));
    }
    if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6')
      return std::string(static_cast<std::size_t>(tag[1] - '0'), '#') + " " + std::string(trim(inlines(node)));
    if (tag == "ul" || tag == "ol") return list(node, depth);
    if (tag == "blockquote") {
      std::string inner = blocks(node, depth);
      std::string out = "> ";
      for (const char c : inner) {
        out += c;
        if (c == '\n') out += "> ";
      }
      return out;
    }
    if (tag == "pre") {
      std::string text;
      gather_text(node, text);
      return fence(text, "");
    }
    if (tag == "hr") return "---";
    if (tag == "table") return table(node);
    if (tag == "ac:structured-macro") {
      const auto name = node.attributes.count("ac:name") ? node.attributes.at("ac:name") : std::string();
      if (name == "code" || name == "noformat") {
        std::string language, body;
        for (const auto& child : node.children) {
          if (child.tag == "ac:parameter" && child.attributes.count("ac:name") && child.attributes.at("ac:name") == "language")
            gather_text(child, language);
          if (child.tag == "ac:plain-text-body") gather_text(child, body);
        }
        return fence(body, std::string(trim(language)));
      }
      for (const auto& child : node.children)
        if (child.tag == "ac:rich-text-body") return blocks(child, depth);
      return {};  // a macro without text (status, jira issue, toc ...)
    }
    return blocks(node, depth);  // layouts and other containers
  }

  static std::string fence(std::string text, const std::string& language) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    std::string ticks = "```";
    while (text.find(ticks) != std::string::npos) ticks += '`';
    return ticks + language + "\n" + text + "\n" + ticks;
  }

  std::string list(const Node& node, int depth) {
    const bool ordered = node.tag == "ol";
    int number = 1;
    if (ordered && node.attributes.count("start")) {
      try {
        number = std::stoi(node.attributes.at("start"));
      } catch (...) {
        number = 1;
      }
    }
    std::string out;
    for (const auto& item : node.children) {
      if (item.tag != "li") continue;
      const std::string marker = ordered ? std::to_string(number++) + ". " : "- ";
      const std::string indent(marker.size(), ' ');
      // A tight item (no paragraphs of its own) keeps its nested list on the next line.
      const bool loose = std::any_of(item.children.begin(), item.children.end(), [](const Node& n) { return n.tag == "p"; });
      std::string body = blocks(item, depth + 1, loose ? "\n\n" : "\n");
      std::string lines;
      bool first = true;
      std::size_t start = 0;
      while (start <= body.size()) {
        const auto end = body.find('\n', start);
        const auto line = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (first) lines += marker + line;
        else lines += "\n" + (line.empty() ? std::string() : indent + line);
        first = false;
        if (end == std::string::npos) break;
        start = end + 1;
      }
      if (!out.empty()) out += "\n";
      out += lines;
    }
    return out;
  }

  std::string table(const Node& node) {
    std::vector<std::vector<std::string>> rows;
    std::vector<const Node*> row_nodes;
    // Rows may sit in thead/tbody/tfoot.
    for (const auto& child : node.children) {
      if (child.tag == "tr") row_nodes.push_back(&child);
      for (const auto& grand : child.children)
        if (grand.tag == "tr") row_nodes.push_back(&grand);
    }
    for (const auto* row : row_nodes) {
      std::vector<std::string> cells;
      for (const auto& cell : row->children)
        if (cell.tag == "td" || cell.tag == "th") cells.push_back(collapse(inlines(cell)));
      rows.push_back(std::move(cells));
    }
    if (rows.empty()) return {};
    std::size_t width = 0;
    for (const auto& row : rows) width = std::max(width, row.size());
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      out += "|";
      for (std::size_t c = 0; c < width; ++c) out += " " + (c < rows[r].size() ? rows[r][c] : std::string()) + " |";
      out += "\n";
      if (r == 0) {
        out += "|";
        for (std::size_t c = 0; c < width; ++c) out += " --- |";
        out += "\n";
      }
    }
    out.pop_back();
    return out;
  }

  std::string inlines(const Node& node) {
    std::string out;
    for (const auto& child : node.children) out += inline_text(child);
    return out;
  }

  std::string inline_text(const Node& node) {
    if (node.tag.empty()) return escape_markdown(collapse(node.text, true));
    const auto& tag = node.tag;
    if (tag == "br") return "\\\n";
    if (tag == "strong" || tag == "b") return wrap("**", inlines(node));
    if (tag == "em" || tag == "i") return wrap("*", inlines(node));
    if (tag == "s" || tag == "del" || tag == "strike") return wrap("~~", inlines(node));
    if (tag == "code") {
      std::string text;
      gather_text(node, text);
      const std::string ticks = text.find('`') == std::string::npos ? "`" : "``";
      const std::string pad = text.find('`') == std::string::npos ? "" : " ";
      return ticks + pad + text + pad + ticks;
    }
    if (tag == "a") {
      const auto href = node.attributes.count("href") ? node.attributes.at("href") : std::string();
      const auto text = inlines(node);
      if (href.empty()) return text;
      return "[" + (text.empty() ? escape_markdown(href) : text) + "](" + href + ")";
    }
    if (tag.starts_with("ac:") || tag.starts_with("ri:")) {
      if (tag == "ac:parameter") return {};
      return inlines(node);
    }
    return inlines(node);
  }

  // "**text**" with the spaces at the edges moved outside the markers (Markdown requires it).
  static std::string wrap(const std::string& marker, const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return text;
    const auto last = text.find_last_not_of(' ');
    return text.substr(0, first) + marker + text.substr(first, last - first + 1) + marker + text.substr(last + 1);
  }
};

}  // namespace

std::string storage_plain_text(std::string_view storage) {
  const Node root = TreeParser(storage).parse();
  std::string text;
  gather_text(root, text);
  return collapse(text);
}

std::string storage_to_markdown(std::string_view storage) {
  const Node root = TreeParser(storage).parse();
  return MarkdownWriter().blocks(root);
}

}  // namespace faultline::core
