// Markdown -> Atlassian Document Format, and ADF -> plain text.
#include <algorithm>
#include <string>

#include "faultline/core/markdown_tree.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;

// Whether clean_text keeps line feeds (code blocks) or drops them (inline text).
enum class Newlines { Drop, Keep };

// Text with invalid UTF-8 replaced and control characters other than tab (and line feed,
// when kept) dropped.
std::string clean_text(std::string_view value, Newlines newlines = Newlines::Drop) {
  std::string out;
  out.reserve(value.size());
  std::size_t pos = 0;
  while (pos < value.size()) {
    const char32_t cp = next_code_point(value, pos);
    if (cp == U'\t' || (cp == U'\n' && newlines == Newlines::Keep) || (cp >= 0x20 && cp != 0x7F)) {
      append_utf8(out, cp);
    }
  }
  return out;
}

// Builds the inline content of one block: text nodes with marks, merged when adjacent
// nodes carry the same marks.
class InlineBuilder {
public:
  json take() { return std::move(m_content); }

  void node(const MdNode& n, const json& marks) {
    switch (n.kind) {
      case MdKind::Text:
      case MdKind::HtmlInline:
        text(n.literal, marks);
        break;
      case MdKind::SoftBreak:
        text(" ", marks);
        break;
      case MdKind::LineBreak:
        m_content.push_back({{"type", "hardBreak"}});
        break;
      case MdKind::Code: {
        // ADF allows only a link beside the code mark.
        json code_marks = json::array({{{"type", "code"}}});
        for (const auto& mark : marks) {
          if (mark["type"] == "link") code_marks.push_back(mark);
        }
        text(n.literal, code_marks);
        break;
      }
      case MdKind::Emph: children(n, with_mark(marks, {{"type", "em"}})); break;
      case MdKind::Strong: children(n, with_mark(marks, {{"type", "strong"}})); break;
      case MdKind::Strike: children(n, with_mark(marks, {{"type", "strike"}})); break;
      case MdKind::Link:
      case MdKind::Image: {
        if (!is_safe_link(n.url) && md_plain_text(n) == n.url) {
          text("<" + n.url + ">", marks);  // an autolink kept as typed
          break;
        }
        const json link_marks = is_safe_link(n.url)
            ? with_mark(marks, {{"type", "link"}, {"attrs", {{"href", encode_link_url(n.url)}}}})
            : marks;
        if (n.children.empty()) {
          text(n.url, link_marks);
        } else if (n.kind == MdKind::Image) {
          text(md_plain_text(n), link_marks);
        } else {
          children(n, link_marks);
        }
        break;
      }
      default:
        children(n, marks);
        break;
    }
  }

  void children(const MdNode& n, const json& marks) {
    for (const auto& child : n.children) node(child, marks);
  }

  // Text lines separated by hard breaks (for raw HTML blocks).
  void lines(std::string_view text_block) {
    std::size_t start = 0;
    while (true) {
      const auto end = text_block.find('\n', start);
      text(text_block.substr(start, end == std::string_view::npos ? end : end - start), json::array());
      if (end == std::string_view::npos) break;
      m_content.push_back({{"type", "hardBreak"}});
      start = end + 1;
    }
  }

private:
  static json with_mark(const json& marks, json mark) {
    json out = marks;
    for (const auto& existing : marks) {
      if (existing["type"] == mark["type"]) return out;
    }
    out.push_back(std::move(mark));
    return out;
  }

  void text(std::string_view value, const json& marks) {
    const std::string clean = clean_text(value);
    if (clean.empty()) return;  // ADF forbids empty text nodes
    if (!m_content.empty()) {
      json& last = m_content.back();
      if (last["type"] == "text" && last.value("marks", json::array()) == marks) {
        last["text"] = last["text"].get<std::string>() + clean;
        return;
      }
    }
    json node = {{"type", "text"}, {"text", clean}};
    if (!marks.empty()) node["marks"] = marks;
    m_content.push_back(std::move(node));
  }

  json m_content = json::array();
};

json inline_content(const MdNode& n) {
  InlineBuilder builder;
  builder.children(n, json::array());
  return builder.take();
}

json paragraph(json content) { return {{"type", "paragraph"}, {"content", std::move(content)}}; }

// Where a block sits: ADF allows only some blocks inside quotes and list items.
enum class BlockContext { Top, Quote, ListItem };

void append_block(json& out, const MdNode& n, BlockContext context);

json blocks(const MdNode& n, BlockContext context) {
  json out = json::array();
  for (const auto& child : n.children) append_block(out, child, context);
  return out;
}

json table(const MdNode& n) {
  json rows = json::array();
  for (const auto& row : n.children) {
    json cells = json::array();
    for (const auto& cell : row.children) {
      cells.push_back({{"type", row.header ? "tableHeader" : "tableCell"},
                       {"attrs", json::object()},
                       {"content", json::array({paragraph(inline_content(cell))})}});
    }
    rows.push_back({{"type", "tableRow"}, {"content", std::move(cells)}});
  }
  return {{"type", "table"},
          {"attrs", {{"isNumberColumnEnabled", false}, {"layout", "default"}}},
          {"content", std::move(rows)}};
}

json list(const MdNode& n) {
  json items = json::array();
  for (const auto& item : n.children) {
    json content = blocks(item, BlockContext::ListItem);
    if (content.empty() || content.front()["type"] != "paragraph") {
      content.insert(content.begin(), paragraph(json::array()));  // an item starts with a paragraph
    }
    items.push_back({{"type", "listItem"}, {"content", std::move(content)}});
  }
  json out = {{"type", n.ordered ? "orderedList" : "bulletList"}, {"content", std::move(items)}};
  if (n.ordered && n.start != 1) out["attrs"] = {{"order", n.start}};
  return out;
}

json code_block(const MdNode& n) {
  json code = {{"type", "codeBlock"}};
  if (!n.info.empty()) code["attrs"] = {{"language", clean_text(n.info)}};
  const std::string body = clean_text(trim_line_ends(n.literal), Newlines::Keep);
  code["content"] = body.empty() ? json::array() : json::array({{{"type", "text"}, {"text", body}}});
  return code;
}

// Appends the ADF for block `n` to `out`. Blocks ADF does not allow in `context` are
// adapted: headings become paragraphs, a quote in a list item gives its content, rules are left out,
// tables there become one paragraph per row.
void append_block(json& out, const MdNode& n, BlockContext context) {
  switch (n.kind) {
    case MdKind::Paragraph:
      out.push_back(paragraph(inline_content(n)));
      return;
    case MdKind::Heading:
      if (context != BlockContext::Top) {
        out.push_back(paragraph(inline_content(n)));
        return;
      }
      out.push_back({{"type", "heading"},
                     {"attrs", {{"level", std::clamp(n.level, 1, 6)}}},
                     {"content", inline_content(n)}});
      return;
    case MdKind::List:
      out.push_back(list(n));
      return;
    case MdKind::CodeBlock:
      out.push_back(code_block(n));
      return;
    case MdKind::HtmlBlock: {
      InlineBuilder builder;
      builder.lines(trim_line_ends(n.literal));
      out.push_back(paragraph(builder.take()));
      return;
    }
    case MdKind::BlockQuote:
      if (context == BlockContext::Top) {
        out.push_back({{"type", "blockquote"}, {"content", blocks(n, BlockContext::Quote)}});
      } else {
        for (const auto& child : n.children) append_block(out, child, context);
      }
      return;
    case MdKind::Rule:
      if (context == BlockContext::Top) out.push_back({{"type", "rule"}});
      return;
    case MdKind::Table:
      if (context == BlockContext::Top) {
        out.push_back(table(n));
      } else {
        // No tables here: one paragraph per row, cells separated by " | ".
        MdNode separator;
        separator.kind = MdKind::Text;
        separator.literal = " | ";
        for (const auto& row : n.children) {
          InlineBuilder builder;
          for (std::size_t i = 0; i < row.children.size(); ++i) {
            if (i > 0) builder.node(separator, json::array());
            builder.children(row.children[i], json::array());
          }
          out.push_back(paragraph(builder.take()));
        }
      }
      return;
    default: {
      InlineBuilder builder;
      builder.node(n, json::array());
      out.push_back(paragraph(builder.take()));
      return;
    }
  }
}

// Plain text of ADF nodes, appending to `out`.
class AdfText {
public:
  std::string take() {
    while (!m_out.empty() && m_out.back() == '\n') m_out.pop_back();
    return std::move(m_out);
  }

  void node(const json& n, int depth) {
    if (!n.is_object()) return;
    const std::string type = n.value("type", "");
    if (type == "text") {
      m_out += n.value("text", "");
    } else if (type == "hardBreak") {
      m_out += "\n";
    } else if (type == "mention" || type == "emoji" || type == "status" || type == "date" ||
               type == "inlineCard") {
      inline_atom(n);
    } else if (type == "bulletList" || type == "orderedList") {
      list(n, depth);
    } else if (type == "paragraph" || type == "heading" || type == "codeBlock") {
      start_block();
      children(n, depth);
      m_out += "\n";
    } else if (type == "rule") {
      start_block();
      m_out += "----\n";
    } else if (type == "table") {
      start_block();
      for (const auto& row : n.value("content", json::array())) table_row(row, depth);
    } else if (type == "tableRow") {
      start_block();
      table_row(n, depth);
    } else {
      children(n, depth);
    }
  }

  void children(const json& n, int depth) {
    const auto content = n.find("content");
    if (content == n.end() || !content->is_array()) return;
    for (const auto& child : *content) node(child, depth);
  }

private:
  // A blank line before each block, except at the start.
  void start_block() {
    if (m_out.empty() || m_in_item) {
      m_in_item = false;
      return;
    }
    if (m_out.back() != '\n') m_out += "\n";
    if (!m_tight && !(m_out.size() >= 2 && m_out[m_out.size() - 2] == '\n')) m_out += "\n";
  }

  // One table row on one line, cells separated by " | ".
  void table_row(const json& row, int depth) {
    bool first = true;
    for (const auto& cell : row.value("content", json::array())) {
      if (!first) m_out += " | ";
      first = false;
      AdfText inner;
      inner.children(cell, depth);
      std::string text = inner.take();
      std::replace(text.begin(), text.end(), '\n', ' ');
      m_out += text;
    }
    m_out += "\n";
  }

  void inline_atom(const json& n) {
    const auto attrs = n.value("attrs", json::object());
    for (const char* key : {"text", "shortName", "url"}) {
      if (attrs.contains(key) && attrs[key].is_string()) {
        m_out += attrs[key].get<std::string>();
        return;
      }
    }
  }

  void list(const json& n, int depth) {
    const bool outer_tight = m_tight;
    if (depth == 0) start_block();
    for (const auto& item : n.value("content", json::array())) {
      if (!m_out.empty() && m_out.back() != '\n') m_out += "\n";
      m_out += std::string(static_cast<std::size_t>(depth) * 2, ' ') + "- ";
      m_in_item = true;
      m_tight = true;
      children(item, depth + 1);
      m_in_item = false;
    }
    m_tight = outer_tight;
  }

  std::string m_out;
  bool m_in_item = false;  // the next block continues a list item's "- " line
  bool m_tight = false;    // blocks inside list items are not separated by blank lines
};

}  // namespace

nlohmann::json markdown_to_adf(std::string_view markdown) {
  const MdNode root = parse_markdown(markdown);
  return {{"type", "doc"}, {"version", 1}, {"content", blocks(root, BlockContext::Top)}};
}

std::string adf_to_text(const nlohmann::json& adf) {
  AdfText text;
  text.node(adf, 0);
  return text.take();
}

}  // namespace faultline::core
