// Markdown -> Confluence storage format (XHTML), and the escaping every text goes through.
#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "faultline/core/markdown_tree.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

// Whether XML 1.0 allows the code point (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF
// are not allowed).
bool xml_allowed(char32_t cp) {
  if (cp < 0x20) return cp == U'\t' || cp == U'\n' || cp == U'\r';
  return cp != 0xFFFE && cp != 0xFFFF;
}

// Text fit for XML character data or CDATA, without entity escaping.
std::string xml_clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (xml_allowed(cp)) append_utf8(out, cp);
  }
  return out;
}

// A CDATA section holding `text`; any "]]>" is split across two sections.
std::string cdata(std::string_view text) {
  const std::string clean = xml_clean(text);
  std::string out = "<![CDATA[";
  std::size_t start = 0;
  while (true) {
    const auto end = clean.find("]]>", start);
    if (end == std::string::npos) {
      out.append(clean, start);
      break;
    }
    out.append(clean, start, end - start);
    out += "]]]]><![CDATA[>";
    start = end + 3;
  }
  out += "]]>";
  return out;
}

// A code-block language kept to the characters a language name uses.
std::string language_name(std::string_view info) {
  std::string out;
  for (const char c : info) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '#' || c == '.') {
      out.push_back(c);
    }
  }
  return out;
}

class StorageWriter {
public:
  std::string take() { return std::move(m_out); }

  void block(const MdNode& node) {
    switch (node.kind) {
      case MdKind::Document:
        for (const auto& child : node.children) block(child);
        break;
      case MdKind::Paragraph:
        m_out += "<p>";
        inlines(node);
        m_out += "</p>";
        break;
      case MdKind::Heading: {
        const int level = std::clamp(node.level, 1, 6);
        m_out += fmt::format("<h{}>", level);
        inlines(node);
        m_out += fmt::format("</h{}>", level);
        break;
      }
      case MdKind::List:
        list(node);
        break;
      case MdKind::CodeBlock:
        code_block(node);
        break;
      case MdKind::HtmlBlock:
        m_out += "<p>";
        text_with_breaks(trim_line_ends(node.literal));
        m_out += "</p>";
        break;
      case MdKind::BlockQuote:
        m_out += "<blockquote>";
        for (const auto& child : node.children) block(child);
        m_out += "</blockquote>";
        break;
      case MdKind::Rule:
        m_out += "<hr/>";
        break;
      case MdKind::Table:
        table(node);
        break;
      default:
        // Inline content where a block was expected: give it a paragraph.
        m_out += "<p>";
        inline_node(node);
        m_out += "</p>";
        break;
    }
  }

private:
  void inlines(const MdNode& node) {
    for (const auto& child : node.children) inline_node(child);
  }

  void text_with_breaks(std::string_view text) {
    std::size_t start = 0;
    while (true) {
      const auto end = text.find('\n', start);
      m_out += escape_storage(text.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) break;
      m_out += "<br/>";
      start = end + 1;
    }
  }

  void wrapped(const char* tag, const MdNode& node) {
    m_out += fmt::format("<{}>", tag);
    inlines(node);
    m_out += fmt::format("</{}>", tag);
  }

  void inline_node(const MdNode& node) {
    switch (node.kind) {
      case MdKind::Text:
      case MdKind::HtmlInline:
        m_out += escape_storage(node.literal);
        break;
      case MdKind::SoftBreak:
        m_out += " ";
        break;
      case MdKind::LineBreak:
        m_out += "<br/>";
        break;
      case MdKind::Code:
        m_out += "<code>" + escape_storage(node.literal) + "</code>";
        break;
      case MdKind::Emph: wrapped("em", node); break;
      case MdKind::Strong: wrapped("strong", node); break;
      case MdKind::Strike: wrapped("s", node); break;
      case MdKind::Link:
      case MdKind::Image: {
        const bool safe = is_safe_link(node.url);
        if (!safe && md_plain_text(node) == node.url) {
          m_out += escape_storage("<" + node.url + ">");  // an autolink kept as typed
          break;
        }
        if (safe) m_out += "<a href=\"" + escape_storage(encode_link_url(node.url)) + "\">";
        if (node.children.empty()) {
          m_out += escape_storage(node.url);
        } else if (node.kind == MdKind::Image) {
          m_out += escape_storage(md_plain_text(node));
        } else {
          inlines(node);
        }
        if (safe) m_out += "</a>";
        break;
      }
      default:
        // A block where inline content was expected (does not happen with cmark's trees).
        inlines(node);
        break;
    }
  }

  void list(const MdNode& node) {
    const char* tag = node.ordered ? "ol" : "ul";
    if (node.ordered && node.start != 1) {
      m_out += fmt::format("<ol start=\"{}\">", node.start);
    } else {
      m_out += fmt::format("<{}>", tag);
    }
    for (const auto& item : node.children) {
      m_out += "<li>";
      for (const auto& child : item.children) {
        if (node.tight && child.kind == MdKind::Paragraph) {
          inlines(child);
        } else {
          block(child);
        }
      }
      m_out += "</li>";
    }
    m_out += fmt::format("</{}>", tag);
  }

  void code_block(const MdNode& node) {
    m_out += "<ac:structured-macro ac:name=\"code\">";
    const std::string language = language_name(node.info);
    if (!language.empty()) {
      m_out += "<ac:parameter ac:name=\"language\">" + escape_storage(language) + "</ac:parameter>";
    }
    m_out += "<ac:plain-text-body>" + cdata(trim_line_ends(node.literal)) + "</ac:plain-text-body>";
    m_out += "</ac:structured-macro>";
  }

  void table(const MdNode& node) {
    m_out += "<table><tbody>";
    for (const auto& row : node.children) {
      m_out += "<tr>";
      const char* tag = row.header ? "th" : "td";
      for (const auto& cell : row.children) wrapped(tag, cell);
      m_out += "</tr>";
    }
    m_out += "</tbody></table>";
  }

  std::string m_out;
};

}  // namespace

std::string escape_storage(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    switch (cp) {
      case U'&': out += "&amp;"; break;
      case U'<': out += "&lt;"; break;
      case U'>': out += "&gt;"; break;
      case U'"': out += "&quot;"; break;
      case U'\'': out += "&#39;"; break;
      default:
        if (xml_allowed(cp)) append_utf8(out, cp);
    }
  }
  return out;
}

std::string markdown_to_storage(std::string_view markdown) {
  StorageWriter writer;
  writer.block(parse_markdown(markdown));
  return writer.take();
}

}  // namespace faultline::core
