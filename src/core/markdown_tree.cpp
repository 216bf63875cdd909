#include "faultline/core/markdown_tree.hpp"
#include "faultline/util/strings.hpp"

#include <cctype>
#include <cstring>
#include <memory>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

namespace faultline::core {

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

std::string literal_of(cmark_node* node) {
  const char* text = cmark_node_get_literal(node);
  return text ? std::string(text) : std::string();
}

// The first word of a fence info string ("python {.x}" -> "python").
std::string fence_language(cmark_node* node) {
  const char* info = cmark_node_get_fence_info(node);
  std::string out;
  if (!info) return out;
  for (const char* c = info; *c && !std::isspace(static_cast<unsigned char>(*c)); ++c) out.push_back(*c);
  return out;
}

// Nesting deeper than this (">>>>>>...", "- - - - ...") is flattened to text, so that the
// recursive renderers have a bounded stack whatever the input.
constexpr int k_max_depth = 64;

struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

// The text of a whole subtree, walked without recursion; blocks and breaks become spaces.
std::string subtree_text(cmark_node* node) {
  std::string out;
  auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out += " ";
  };
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(node));
  for (cmark_event_type event = cmark_iter_next(iter.get()); event != CMARK_EVENT_DONE;
       event = cmark_iter_next(iter.get())) {
    if (event != CMARK_EVENT_ENTER) continue;
    cmark_node* current = cmark_iter_get_node(iter.get());
    const cmark_node_type type = cmark_node_get_type(current);
    if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK ||
        (type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) {
      space();
    }
    if (const char* literal = cmark_node_get_literal(current)) out += literal;
  }
  return out;
}

MdNode convert(cmark_node* node, int depth);

void convert_children(cmark_node* node, MdNode& into, int depth) {
  if (depth >= k_max_depth) {
    MdNode text;
    text.kind = MdKind::Text;
    text.literal = subtree_text(node);
    if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE || into.kind == MdKind::Paragraph ||
        into.kind == MdKind::Heading || into.kind == MdKind::TableCell) {
      into.children.push_back(std::move(text));
    } else {
      MdNode paragraph;
      paragraph.kind = MdKind::Paragraph;
      paragraph.children.push_back(std::move(text));
      into.children.push_back(std::move(paragraph));
    }
    return;
  }
  for (cmark_node* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
    MdNode converted = convert(child, depth + 1);
    if (converted.kind == MdKind::Document) {
      // An unknown container: its children take its place.
      for (auto& grandchild : converted.children) into.children.push_back(std::move(grandchild));
    } else {
      into.children.push_back(std::move(converted));
    }
  }
}

// Nodes of the table and strikethrough extensions, by their type names.
bool convert_extension(cmark_node* node, MdNode& out, int depth) {
  const char* name = cmark_node_get_type_string(node);
  if (!name) return false;
  if (std::strcmp(name, "table") == 0) {
    out.kind = MdKind::Table;
  } else if (std::strcmp(name, "table_row") == 0) {
    out.kind = MdKind::TableRow;
    out.header = cmark_gfm_extensions_get_table_row_is_header(node) != 0;
  } else if (std::strcmp(name, "table_header") == 0) {
    out.kind = MdKind::TableRow;
    out.header = true;
  } else if (std::strcmp(name, "table_cell") == 0) {
    out.kind = MdKind::TableCell;
  } else if (std::strcmp(name, "strikethrough") == 0) {
    out.kind = MdKind::Strike;
  } else {
    return false;
  }
  convert_children(node, out, depth);
  return true;
}

MdNode convert(cmark_node* node, int depth) {
  MdNode out;
  switch (cmark_node_get_type(node)) {
    case CMARK_NODE_DOCUMENT: out.kind = MdKind::Document; break;
    case CMARK_NODE_BLOCK_QUOTE: out.kind = MdKind::BlockQuote; break;
    case CMARK_NODE_LIST:
      out.kind = MdKind::List;
      out.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
      out.start = out.ordered ? cmark_node_get_list_start(node) : 1;
      out.tight = cmark_node_get_list_tight(node) != 0;
      break;
    case CMARK_NODE_ITEM: out.kind = MdKind::Item; break;
    case CMARK_NODE_CODE_BLOCK:
      out.kind = MdKind::CodeBlock;
      out.literal = literal_of(node);
      out.info = fence_language(node);
      return out;
    case CMARK_NODE_HTML_BLOCK:
      out.kind = MdKind::HtmlBlock;
      out.literal = literal_of(node);
      return out;
    case CMARK_NODE_PARAGRAPH: out.kind = MdKind::Paragraph; break;
    case CMARK_NODE_HEADING:
      out.kind = MdKind::Heading;
      out.level = cmark_node_get_heading_level(node);
      break;
    case CMARK_NODE_THEMATIC_BREAK: out.kind = MdKind::Rule; return out;
    case CMARK_NODE_TEXT:
      out.kind = MdKind::Text;
      out.literal = literal_of(node);
      return out;
    case CMARK_NODE_SOFTBREAK: out.kind = MdKind::SoftBreak; return out;
    case CMARK_NODE_LINEBREAK: out.kind = MdKind::LineBreak; return out;
    case CMARK_NODE_CODE:
      out.kind = MdKind::Code;
      out.literal = literal_of(node);
      return out;
    case CMARK_NODE_HTML_INLINE:
      out.kind = MdKind::HtmlInline;
      out.literal = literal_of(node);
      return out;
    case CMARK_NODE_EMPH: out.kind = MdKind::Emph; break;
    case CMARK_NODE_STRONG: out.kind = MdKind::Strong; break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE: {
      out.kind = cmark_node_get_type(node) == CMARK_NODE_LINK ? MdKind::Link : MdKind::Image;
      const char* url = cmark_node_get_url(node);
      out.url = url ? url : "";
      break;
    }
    default:
      if (convert_extension(node, out, depth)) return out;
      // Anything else (custom blocks, footnotes) shows its literal text, or its children.
      if (!cmark_node_first_child(node)) {
        out.kind = MdKind::Text;
        out.literal = literal_of(node);
        return out;
      }
      out.kind = MdKind::Document;  // spliced into the parent by convert_children
      break;
  }
  convert_children(node, out, depth);
  return out;
}

}  // namespace

MdNode parse_markdown(std::string_view markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  // CMARK_OPT_UNSAFE stays off; raw HTML is kept as literals that the renderers escape.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(options));
  for (const char* name : {"table", "strikethrough"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> root(cmark_parser_finish(parser.get()));
  if (!root) return MdNode{};
  return convert(root.get(), 0);
}

std::string md_plain_text(const MdNode& node) {
  switch (node.kind) {
    case MdKind::Text:
    case MdKind::Code:
    case MdKind::HtmlInline:
      return node.literal;
    case MdKind::SoftBreak:
    case MdKind::LineBreak:
      return " ";
    default: {
      std::string out;
      for (const auto& child : node.children) out += md_plain_text(child);
      return out;
    }
  }
}

bool is_safe_link(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string scheme = lower(url.substr(0, colon));
  if (scheme == "mailto") return colon + 1 < url.size();
  return (scheme == "http" || scheme == "https") && url.substr(colon + 1).starts_with("//") &&
         url.size() > colon + 3;
}

std::string encode_link_url(std::string_view url) {
  constexpr std::string_view k_encoded = "\"<>[]{}|\\^`";
  constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || k_encoded.find(c) != std::string_view::npos) {
      out.push_back('%');
      out.push_back(k_hex[u >> 4]);
      out.push_back(k_hex[u & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace faultline::core
