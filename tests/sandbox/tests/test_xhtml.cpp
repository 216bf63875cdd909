// Storage-format well-formedness: what Confluence stores and what it rejects with 400.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "xhtml.hpp"

using sandbox::check_storage_xhtml;

TEST_CASE("xhtml checker accepts well-formed storage bodies", "[sandbox][xhtml]") {
  const char* valid[] = {
      "",
      "plain text only",
      "<p>Fault review reports.</p>",
      "<p>a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;</p>",
      "<p>&nbsp;&mdash;&ndash;&hellip;&copy;&eacute;&rarr;</p>",
      "<p>&#160;&#x2014;&#X1F600;</p>",
      "<p>line<br/>break<br />again</p><hr/>",
      "<p>x > y is fine in text</p>",
      "<table><tbody><tr><th>Key</th></tr><tr><td><p>FAULT-1</p></td></tr></tbody></table>",
      "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash</ac:parameter>"
      "<ac:plain-text-body><![CDATA[if [ a < b ] && c; then echo \"<x>\"; fi]]></ac:plain-text-body></ac:structured-macro>",
      "<ac:link><ri:page ri:content-title=\"Fault Reviews\" ri:space-key=\"OPS\"/></ac:link>",
      "<ac:image ac:width=\"600\"><ri:attachment ri:filename=\"graph.png\"/></ac:image>",
      "<p title='single quoted'>x</p>",
      "<p class=\"a\"   id = \"b\">spaces around =</p>",
      "<!-- a comment --><p>after</p>",
      "<time datetime=\"2026-11-25\" />",
      "<p>caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x94\xA5</p>",
      "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status>"
      "<ac:task-body>Do X</ac:task-body></ac:task></ac:task-list>",
      "<ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b]]></ac:plain-text-body>",
      "<a href=\"https://x.example/?a=1&amp;b=2\">link</a>",
      "<p xml:lang=\"en\">lang</p>",
  };
  for (const char* body : valid) {
    INFO(body);
    auto result = check_storage_xhtml(body);
    std::string problem = result ? std::string() : result.error().describe();
    CHECK(problem.empty());
  }
}

TEST_CASE("xhtml checker rejects malformed storage bodies with a reason", "[sandbox][xhtml]") {
  struct Case {
    const char* body;
    const char* reason_part;
  };
  const Case invalid[] = {
      {"<p>unclosed", "unclosed element <p>"},
      {"<p><strong>x</p></strong>", "does not match"},
      {"</p>", "no matching start tag"},
      {"<p>a < b</p>", "raw '<'"},
      {"<p>fish & chips</p>", "raw '&'"},
      {"<p>&bogus;</p>", "unknown entity"},
      {"<p>&#0;</p>", "not a legal XML character"},
      {"<p>&#xD800;</p>", "not a legal XML character"},
      {"<p>&#12a;</p>", "invalid character reference"},
      {"<p>&;</p>", "empty entity"},
      {"<p class=x>y</p>", "must be quoted"},
      {"<p class>y</p>", "has no value"},
      {"<p a=\"1\" a=\"2\">y</p>", "duplicate attribute"},
      {"<p a=\"1\"b=\"2\">y</p>", "whitespace required"},
      {"<p title=\"a<b\">y</p>", "raw '<' in the value"},
      {"<p title=\"a&b\">y</p>", "raw '&'"},
      {"<p title=\"open", "unterminated value"},
      {"<p>line<br>break</p>", "must be self-closed"},
      {"<img src=\"x.png\">", "must be self-closed"},
      {"<foo:bar>x</foo:bar>", "namespace prefix 'foo'"},
      {"<ac:>x</ac:>", "malformed qualified name"},
      {"<![CDATA[never closed", "unterminated CDATA"},
      {"<!-- never closed", "unterminated comment"},
      {"<!-- a -- b -->", "'--' is not allowed"},
      {"<!DOCTYPE html><p/>", "DOCTYPE"},
      {"<?xml version=\"1.0\"?><p/>", "processing instructions"},
      {"<p>text ]]> here</p>", "']]>'"},
      {"<p>bad \x01 control</p>", "not allowed in XML"},
      {"<p>bad \xC3 utf8</p>", "UTF-8"},
      {"<p>overlong \xC0\xAF</p>", "UTF-8"},
      {"<p", "unterminated start tag"},
      {"<p/ >", "expected '>'"},
      {"<>", "raw '<'"},
  };
  for (const auto& c : invalid) {
    INFO(c.body);
    auto result = check_storage_xhtml(c.body);
    REQUIRE_FALSE(result.has_value());
    INFO(result.error().describe());
    CHECK(result.error().message.find(c.reason_part) != std::string::npos);
  }
}

TEST_CASE("xhtml errors carry the line and column of the problem", "[sandbox][xhtml]") {
  auto result = check_storage_xhtml("<p>ok</p>\n<p>a &x b</p>");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().line == 2);
  CHECK(result.error().column == 6);
  CHECK(result.error().describe().find("(line 2, column 6)") != std::string::npos);
}

TEST_CASE("xhtml helpers escape and extract text", "[sandbox][xhtml]") {
  CHECK(sandbox::xhtml_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
  CHECK(sandbox::is_known_entity("mdash"));
  CHECK_FALSE(sandbox::is_known_entity("mdashx"));
  CHECK_FALSE(sandbox::is_known_entity("amp lt"));
  std::string text = sandbox::xhtml_text_content("<p>Checkout &amp; cart</p><ac:plain-text-body><![CDATA[kubectl rollout]]></ac:plain-text-body>");
  CHECK(text.find("Checkout & cart") != std::string::npos);
  CHECK(text.find("kubectl rollout") != std::string::npos);
}

TEST_CASE("xhtml checker survives random and truncated input", "[sandbox][xhtml]") {
  std::mt19937 rng(20261125);
  const std::string alphabet = "<>/&;#x=\"' abp:ac![]CDATA-?\n\xC3\xA9";
  const std::string sample =
      "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[a<b]]></ac:plain-text-body>"
      "</ac:structured-macro><p title=\"t\">x&amp;y&#160;<br/></p><!-- c -->";
  for (std::size_t cut = 0; cut <= sample.size(); ++cut) {
    auto result = check_storage_xhtml(sample.substr(0, cut));
    CHECK((result.has_value() || !result.error().message.empty()));
  }
  CHECK(check_storage_xhtml(sample).has_value());
  for (int i = 0; i < 2000; ++i) {
    std::string input;
    std::size_t length = rng() % 40;
    for (std::size_t k = 0; k < length; ++k) input += alphabet[rng() % alphabet.size()];
    auto result = check_storage_xhtml(input);
    if (!result) {
      CHECK(result.error().line >= 1);
      CHECK(result.error().column >= 1);
    }
  }
}
