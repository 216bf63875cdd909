#include <catch2/catch.hpp>

#include <string>

#include "faultline/core/markdown_tree.hpp"

using namespace faultline::core;

TEST_CASE("is_safe_link allows only http, https and mailto", "[text][markdown]") {
  for (const char* url : {"http://e.com", "https://e.com/a?b", "HTTPS://E.COM", "mailto:a@b.c", "MailTo:x@y"}) {
    INFO(url);
    CHECK(is_safe_link(url));
  }
  for (const char* url : {"", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "data:text/html,x",
                          "vbscript:x", "file:///etc/passwd", "/relative", "e.com", "https:", "https://",
                          "http:/e.com", "mailto:", "ftp://e.com"}) {
    INFO(url);
    CHECK_FALSE(is_safe_link(url));
  }
}

TEST_CASE("encode_link_url percent-encodes what could end an attribute or a wiki link", "[text][markdown]") {
  CHECK(encode_link_url("https://e.com/a?b=1&c=%20") == "https://e.com/a?b=1&c=%20");
  CHECK(encode_link_url("https://e.com/a b") == "https://e.com/a%20b");
  CHECK(encode_link_url("https://e.com/\"<>[]{}|\\^`") == "https://e.com/%22%3C%3E%5B%5D%7B%7D%7C%5C%5E%60");
  CHECK(encode_link_url("https://e.com/\x01\x7f") == "https://e.com/%01%7F");
  CHECK(encode_link_url("https://e.com/故") == "https://e.com/故");
}

TEST_CASE("parse_markdown builds the tree the renderers walk", "[text][markdown]") {
  const MdNode root = parse_markdown("# T\n\n- a\n\n| h |\n|---|\n| c |\n\n~~s~~ <b>\n");
  REQUIRE(root.kind == MdKind::Document);
  REQUIRE(root.children.size() == 4);
  CHECK(root.children[0].kind == MdKind::Heading);
  CHECK(root.children[0].level == 1);
  CHECK(root.children[1].kind == MdKind::List);
  CHECK_FALSE(root.children[1].ordered);
  const MdNode& table = root.children[2];
  REQUIRE(table.kind == MdKind::Table);
  REQUIRE(table.children.size() == 2);
  CHECK(table.children[0].header);
  CHECK_FALSE(table.children[1].header);
  CHECK(table.children[1].children.at(0).kind == MdKind::TableCell);
  const MdNode& para = root.children[3];
  CHECK(para.children.at(0).kind == MdKind::Strike);
  CHECK(para.children.back().kind == MdKind::HtmlInline);
  CHECK(para.children.back().literal == "<b>");
  CHECK(md_plain_text(para) == "s <b>");
  CHECK(parse_markdown("").children.empty());
}

TEST_CASE("deeply nested input is flattened to text, not a deep recursion", "[text][markdown]") {
  const std::string quotes = std::string(20000, '>') + " deep";
  std::string lists;
  for (int i = 0; i < 3000; ++i) lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- x\n";
  const std::string emphasis = std::string(5000, '*') + "e" + std::string(5000, '*');
  const std::string links = std::string(5000, '[') + "l" + std::string(5000, ']') + "(https://e.com)";
  for (const std::string& markdown : {quotes, lists, emphasis, links}) {
    const MdNode root = parse_markdown(markdown);
    CHECK(root.kind == MdKind::Document);
  }
  const MdNode root = parse_markdown(quotes);
  CHECK(md_plain_text(root).find("deep") != std::string::npos);
}
