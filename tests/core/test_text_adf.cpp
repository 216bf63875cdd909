#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <vector>
#include <string>

#include "faultline/core/text.hpp"

using namespace faultline::core;
using nlohmann::json;

namespace {

// Checks the ADF rules faultline relies on: known node types in allowed parents, non-empty
// text, known marks (code only beside link). Returns "" when valid, else the problem.
std::string adf_problem(const json& node, const std::string& parent) {
  const std::set<std::string> blocks = {"paragraph", "heading", "bulletList", "orderedList",
                                         "codeBlock", "blockquote", "rule", "table"};
  const std::set<std::string> inlines = {"text", "hardBreak"};
  if (!node.is_object() || !node.contains("type")) return "node without a type";
  const std::string type = node["type"];
  bool allowed = false;
  if (parent == "doc") allowed = blocks.count(type) > 0;
  if (parent == "paragraph" || parent == "heading") allowed = inlines.count(type) > 0;
  if (parent == "bulletList" || parent == "orderedList") allowed = type == "listItem";
  if (parent == "listItem") {
    allowed = type == "paragraph" || type == "bulletList" || type == "orderedList" || type == "codeBlock";
  }
  if (parent == "blockquote") {
    allowed = type == "paragraph" || type == "bulletList" || type == "orderedList" || type == "codeBlock";
  }
  if (parent == "codeBlock") allowed = type == "text" && !node.contains("marks");
  if (parent == "table") allowed = type == "tableRow";
  if (parent == "tableRow") allowed = type == "tableHeader" || type == "tableCell";
  if (parent == "tableHeader" || parent == "tableCell") allowed = type == "paragraph";
  if (parent.empty()) allowed = type == "doc";
  if (!allowed) return type + " inside " + (parent.empty() ? "(top)" : parent);
  if (type == "text") {
    if (!node["text"].is_string() || node["text"].get<std::string>().empty()) return "empty text";
    if (node.contains("marks")) {
      bool code = false;
      for (const auto& mark : node["marks"]) {
        const std::string m = mark["type"];
        if (m != "strong" && m != "em" && m != "strike" && m != "code" && m != "link") return "mark " + m;
        if (m == "code") code = true;
        if (m == "link" && !mark["attrs"]["href"].is_string()) return "link without href";
      }
      if (code) {
        for (const auto& mark : node["marks"]) {
          if (mark["type"] != "code" && mark["type"] != "link") return "code beside another mark";
        }
      }
    }
  }
  if (type == "listItem" && node["content"].front()["type"] != "paragraph") return "listItem not starting with a paragraph";
  if (type == "doc" && node["version"] != 1) return "doc version";
  if (node.contains("content")) {
    for (const auto& child : node["content"]) {
      std::string problem = adf_problem(child, type);
      if (!problem.empty()) return problem;
    }
  }
  return "";
}

json doc(json content) { return {{"type", "doc"}, {"version", 1}, {"content", std::move(content)}}; }
json text(const std::string& value) { return {{"type", "text"}, {"text", value}}; }
json text(const std::string& value, json marks) {
  return {{"type", "text"}, {"text", value}, {"marks", std::move(marks)}};
}
json para(json content) { return {{"type", "paragraph"}, {"content", std::move(content)}}; }
json item(json content) { return {{"type", "listItem"}, {"content", std::move(content)}}; }

}  // namespace

TEST_CASE("markdown_to_adf renders each construct", "[text][adf]") {
  struct Row {
    const char* markdown;
    json expected;
  };
  const Row rows[] = {
      {"", doc(json::array())},
      {"hello", doc({para({text("hello")})})},
      {"soft\nbreak", doc({para({text("soft break")})})},
      {"hard  \nbreak", doc({para({text("hard"), {{"type", "hardBreak"}}, text("break")})})},
      {"## Title", doc({{{"type", "heading"}, {"attrs", {{"level", 2}}}, {"content", {text("Title")}}}})},
      {"**b** *i* ~~s~~ `c`",
       doc({para({text("b", {{{"type", "strong"}}}), text(" "), text("i", {{{"type", "em"}}}), text(" "),
                  text("s", {{{"type", "strike"}}}), text(" "), text("c", {{{"type", "code"}}})})})},
      {"**a *b***", doc({para({text("a ", {{{"type", "strong"}}}),
                               text("b", {{{"type", "strong"}}, {{"type", "em"}}})})})},
      {"[x](https://e.com)",
       doc({para({text("x", {{{"type", "link"}, {"attrs", {{"href", "https://e.com"}}}}})})})},
      {"**[`x`](https://e.com)**",
       doc({para({text("x", {{{"type", "code"}}, {{"type", "link"}, {"attrs", {{"href", "https://e.com"}}}}})})})},
      {"- a\n- b", doc({{{"type", "bulletList"}, {"content", {item({para({text("a")})}), item({para({text("b")})})}}}})},
      {"1. a", doc({{{"type", "orderedList"}, {"content", {item({para({text("a")})})}}}})},
      {"5. a", doc({{{"type", "orderedList"}, {"attrs", {{"order", 5}}}, {"content", {item({para({text("a")})})}}}})},
      {"- a\n  - b",
       doc({{{"type", "bulletList"},
             {"content", {item({para({text("a")}),
                                {{"type", "bulletList"}, {"content", {item({para({text("b")})})}}}})}}}})},
      {"```go\nfmt.Println()\n```",
       doc({{{"type", "codeBlock"}, {"attrs", {{"language", "go"}}}, {"content", {text("fmt.Println()")}}}})},
      {"```\n```", doc({{{"type", "codeBlock"}, {"content", json::array()}}})},
      {"> q", doc({{{"type", "blockquote"}, {"content", {para({text("q")})}}}})},
      {"***", doc({{{"type", "rule"}}})},
      {"| h |\n|---|\n| c |",
       doc({{{"type", "table"},
             {"attrs", {{"isNumberColumnEnabled", false}, {"layout", "default"}}},
             {"content",
              {{{"type", "tableRow"},
                {"content", {{{"type", "tableHeader"}, {"attrs", json::object()}, {"content", {para({text("h")})}}}}}},
               {{"type", "tableRow"},
                {"content", {{{"type", "tableCell"}, {"attrs", json::object()}, {"content", {para({text("c")})}}}}}}}}}})},
      {"<b>raw</b>", doc({para({text("<b>raw</b>")})})},
      {"<div>\nx\n</div>", doc({para({text("<div>"), {{"type", "hardBreak"}}, text("x"), {{"type", "hardBreak"}},
                                       text("</div>")})})},
      {"a <span>b</span> c", doc({para({text("a <span>b</span> c")})})},
      {"[x](javascript:alert(1))", doc({para({text("x")})})},
      {"<javascript:alert(1)>", doc({para({text("<javascript:alert(1)>")})})},
      {"ctrl\x01\x1b!", doc({para({text("ctrl!")})})},
      {"bad\xff", doc({para({text("bad\xef\xbf\xbd")})})},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    const json adf = markdown_to_adf(row.markdown);
    CHECK(adf.dump() == row.expected.dump());
    CHECK(adf_problem(adf, "").empty());
  }
}

TEST_CASE("markdown_to_adf adapts blocks ADF does not allow where they appear", "[text][adf]") {
  const char* documents[] = {
      "> # heading in a quote",
      "- # heading in an item",
      "- > quote in an item",
      "- ---",
      "-\n- empty item first",
      "- ```\n  code first\n  ```",
      "> - list in quote\n>\n> ```\n> code\n> ```",
  };
  for (const char* markdown : documents) {
    INFO(markdown);
    const json adf = markdown_to_adf(markdown);
    INFO(adf.dump());
    CHECK(adf_problem(adf, "").empty());
  }
}

TEST_CASE("markdown_to_adf turns a table inside a quote into one paragraph per row", "[text][adf]") {
  const json adf = markdown_to_adf("> | a | *b* |\n> |---|---|\n> | 1 | 2 |");
  CHECK(adf == doc({{{"type", "blockquote"},
                     {"content", {para({text("a | "), text("b", {{{"type", "em"}}})}), para({text("1 | 2")})}}}}));
}

TEST_CASE("markdown_to_adf keeps hostile text literal", "[text][adf]") {
  const std::string markdown =
      "<ac:structured-macro ac:name=\"html\">\n\n]]> {{ {code} [evil|http://x] !image.png! &amp; \\&amp;\n\n"
      "| a <script> |\n|---|\n| \x01 |\n";
  const json adf = markdown_to_adf(markdown);
  INFO(adf.dump());
  CHECK(adf_problem(adf, "").empty());
  CHECK(adf["content"][0] == para({text("<ac:structured-macro ac:name=\"html\">")}));
  CHECK(adf["content"][1] == para({text("]]> {{ {code} [evil|http://x] !image.png! & &amp;")}));
  CHECK(adf["content"][2]["content"][0]["content"][0]["content"][0] == para({text("a <script>")}));
}

TEST_CASE("adf_to_text flattens documents to plain text", "[text][adf]") {
  struct Row {
    json adf;
    const char* expected;
  };
  const Row rows[] = {
      {doc(json::array()), ""},
      {doc({para({text("one")}), para({text("two")})}), "one\n\ntwo"},
      {doc({para({text("a"), {{"type", "hardBreak"}}, text("b")})}), "a\nb"},
      {doc({para({text("bold", {{{"type", "strong"}}}), text(" plain")})}), "bold plain"},
      {doc({para({text("ping "), {{"type", "mention"}, {"attrs", {{"id", "5dd6"}, {"text", "@Ann Lee"}}}},
                  text(" now")})}),
       "ping @Ann Lee now"},
      {doc({{{"type", "heading"}, {"attrs", {{"level", 1}}}, {"content", {text("Title")}}}, para({text("body")})}),
       "Title\n\nbody"},
      {doc({para({text("before")}),
            {{"type", "bulletList"}, {"content", {item({para({text("a")})}), item({para({text("b")})})}}},
            para({text("after")})}),
       "before\n\n- a\n- b\n\nafter"},
      {doc({{{"type", "orderedList"},
             {"content", {item({para({text("a")}),
                                {{"type", "bulletList"}, {"content", {item({para({text("b")})})}}}})}}}}),
       "- a\n  - b"},
      {doc({{{"type", "codeBlock"}, {"content", {text("x = 1\ny = 2")}}}}), "x = 1\ny = 2"},
      {doc({{{"type", "panel"}, {"content", {para({text("inside")})}}}}), "inside"},
      {doc({para({text("x")}), {{"type", "rule"}}, para({text("y")})}), "x\n\n----\n\ny"},
      {doc({para(json::array())}), ""},
      {json("not a document"), ""},
      {json::object(), ""},
  };
  for (const auto& row : rows) {
    INFO(row.adf.dump());
    CHECK(adf_to_text(row.adf) == row.expected);
  }
}

TEST_CASE("adf_to_text reads what markdown_to_adf writes", "[text][adf]") {
  CHECK(adf_to_text(markdown_to_adf("# Impact\n\nOrders **failed** for 10m.\n\n- db\n- cache")) ==
        "Impact\n\nOrders failed for 10m.\n\n- db\n- cache");
  CHECK(adf_to_text(markdown_to_adf("| a | b |\n|---|---|\n| 1 | 2 |")) == "a | b\n1 | 2");
}

TEST_CASE("markdown_to_adf stays valid for random mixes of hostile fragments", "[text][adf]") {
  const std::vector<std::string> fragments = {
      "<ac:structured-macro ac:name=\"html\">", "<br>", "]]>", "&amp;", "\x01", "\xff", "*", "**", "_", "~~",
      "`", "```", "\n", "\n\n", "# ", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| ", "[x](javascript:x)",
      "[y](https://e.com)", "<https://e.com>", "    ", "\\", "text", "---", "  \n", "<div>\n"};
  std::mt19937 random(54321);
  std::uniform_int_distribution<std::size_t> pick(0, fragments.size() - 1);
  std::uniform_int_distribution<int> length(1, 40);
  for (int round = 0; round < 500; ++round) {
    std::string markdown;
    const int count = length(random);
    for (int i = 0; i < count; ++i) markdown += fragments[pick(random)];
    const json adf = markdown_to_adf(markdown);
    INFO(markdown);
    INFO(adf.dump());
    REQUIRE(adf_problem(adf, "") == "");
    // The other converters take the same input without trouble.
    CHECK_NOTHROW(adf_to_text(adf));
    CHECK_NOTHROW(wiki_to_text(markdown_to_wiki(markdown)));
  }
}
