// The parsed form of faultline's Markdown subset: a small owned tree that the ADF, wiki and
// storage renderers walk. cmark-gfm is used only behind parse_markdown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

// The kinds of node the renderers handle; anything else cmark knows is mapped onto these.
enum class MdKind {
  Document,
  Paragraph,
  Heading,     // level
  List,        // ordered, start, tight
  Item,
  CodeBlock,   // literal, info (first word of the fence info)
  HtmlBlock,   // literal: raw HTML, to be shown as text
  BlockQuote,
  Rule,
  Table,
  TableRow,    // header
  TableCell,
  Text,        // literal
  SoftBreak,
  LineBreak,
  Code,        // literal
  HtmlInline,  // literal: raw HTML, to be shown as text
  Emph,
  Strong,
  Strike,
  Link,        // url
  Image,       // url; children are the alt text
};

// One node of the tree.
struct MdNode {
  MdKind kind = MdKind::Document;
  std::string literal;  // Text, Code, CodeBlock, HtmlBlock, HtmlInline
  std::string url;      // Link, Image
  std::string info;     // CodeBlock: the language, "" when none
  int level = 0;        // Heading: 1-6
  bool ordered = false; // List
  int start = 1;        // List: the first number of an ordered list
  bool tight = true;    // List: items are not separated by blank lines
  bool header = false;  // TableRow: the header row
  std::vector<MdNode> children;
};

// Parses CommonMark + GFM tables and strikethrough. Raw HTML is kept as HtmlBlock /
// HtmlInline literals (never interpreted). Never fails: any input is some Markdown.
MdNode parse_markdown(std::string_view markdown);

// The plain text under a node (literals concatenated, breaks as spaces), e.g. an image's alt.
std::string md_plain_text(const MdNode& node);

// Whether `url` may become a link: http, https or mailto (scheme case-insensitive).
bool is_safe_link(std::string_view url);

// `url` with spaces, control bytes and the characters " < > [ ] { } | \ ^ ` percent-encoded,
// so it can sit in an attribute or a wiki link without ending it. Existing %XX stay as they are.
std::string encode_link_url(std::string_view url);

}  // namespace faultline::core
