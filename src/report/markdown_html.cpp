// Markdown -> HTML for the report's html format, walking core's Markdown tree.
#include "report/markdown_html.hpp"

#include <algorithm>

#include "faultline/core/markdown_tree.hpp"
#include "faultline/core/text.hpp"

namespace faultline::report {

namespace {

using core::MdKind;
using core::MdNode;

void render(const MdNode& node, std::string& out, bool in_header_row);

void children(const MdNode& node, std::string& out, bool in_header_row = false) {
  for (const auto& child : node.children) render(child, out, in_header_row);
}

void wrap(const char* tag, const MdNode& node, std::string& out) {
  out += "<";
  out += tag;
  out += ">";
  children(node, out);
  out += "</";
  out += tag;
  out += ">";
}

void render(const MdNode& node, std::string& out, bool in_header_row) {
  switch (node.kind) {
    case MdKind::Document: children(node, out); break;
    case MdKind::Paragraph: wrap("p", node, out); out += "\n"; break;
    case MdKind::Heading: {
      const std::string tag = "h" + std::to_string(std::clamp(node.level, 1, 6));
      wrap(tag.c_str(), node, out);
      out += "\n";
      break;
    }
    case MdKind::List:
      if (node.ordered) {
        out += node.start != 1 ? "<ol start=\"" + std::to_string(node.start) + "\">" : "<ol>";
        children(node, out);
        out += "</ol>\n";
      } else {
        out += "<ul>";
        children(node, out);
        out += "</ul>\n";
      }
      break;
    case MdKind::Item: wrap("li", node, out); break;
    case MdKind::CodeBlock:
      out += "<pre><code";
      if (!node.info.empty()) out += " class=\"language-" + core::escape_storage(node.info) + "\"";
      out += ">" + core::escape_storage(node.literal) + "</code></pre>\n";
      break;
    case MdKind::HtmlBlock: out += "<p>" + core::escape_storage(node.literal) + "</p>\n"; break;
    case MdKind::BlockQuote: wrap("blockquote", node, out); out += "\n"; break;
    case MdKind::Rule: out += "<hr/>\n"; break;
    case MdKind::Table: {
      out += "<table>";
      for (const auto& row : node.children) render(row, out, false);
      out += "</table>\n";
      break;
    }
    case MdKind::TableRow:
      out += "<tr>";
      children(node, out, node.header);
      out += "</tr>";
      break;
    case MdKind::TableCell: wrap(in_header_row ? "th" : "td", node, out); break;
    case MdKind::Text: out += core::escape_storage(node.literal); break;
    case MdKind::SoftBreak: out += "\n"; break;
    case MdKind::LineBreak: out += "<br/>"; break;
    case MdKind::Code: out += "<code>" + core::escape_storage(node.literal) + "</code>"; break;
    case MdKind::HtmlInline: out += core::escape_storage(node.literal); break;
    case MdKind::Emph: wrap("em", node, out); break;
    case MdKind::Strong: wrap("strong", node, out); break;
    case MdKind::Strike: wrap("del", node, out); break;
    case MdKind::Link:
      if (core::is_safe_link(node.url)) {
        out += "<a href=\"" + core::escape_storage(core::encode_link_url(node.url)) + "\">";
        children(node, out);
        out += "</a>";
      } else {
        children(node, out);
      }
      break;
    case MdKind::Image: out += core::escape_storage(core::md_plain_text(node)); break;
  }
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  std::string out;
  render(core::parse_markdown(markdown), out, false);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace faultline::report
