#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "faultline/core/text.hpp"

using namespace faultline::core;

namespace {

// A small checker for generated storage format: every tag known and balanced, void elements
// self-closed, attributes quoted, text free of raw < > and bare &, CDATA closed, and the
// only macro the code macro. Returns "" when the markup is well-formed, else the problem.
std::string storage_problem(const std::string& xml) {
  const std::set<std::string> tags = {"p",  "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
                                      "blockquote", "hr", "table", "tbody", "tr", "th", "td",
                                      "strong", "em", "s", "code", "a", "br", "ac:structured-macro",
                                      "ac:parameter", "ac:plain-text-body"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < xml.size()) {
    const char c = xml[i];
    if (c == '>') return "raw > in text at " + std::to_string(i);
    if (c == '&') {
      const auto semi = xml.find(';', i);
      if (semi == std::string::npos) return "bare &";
      const std::string entity = xml.substr(i, semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&#39;") {
        return "unknown entity " + entity;
      }
      i = semi + 1;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    if (xml.compare(i, 9, "<![CDATA[") == 0) {
      if (open.empty() || open.back() != "ac:plain-text-body") return "CDATA outside a plain-text body";
      const auto end = xml.find("]]>", i + 9);
      if (end == std::string::npos) return "unclosed CDATA";
      i = end + 3;
      continue;
    }
    const auto end = xml.find('>', i);
    if (end == std::string::npos) return "unclosed tag";
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    const bool closing = !tag.empty() && tag.front() == '/';
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (closing) tag.erase(0, 1);
    if (self_closing) tag.pop_back();
    const auto space = tag.find(' ');
    const std::string name = tag.substr(0, space);
    if (!tags.count(name)) return "unexpected tag <" + name + ">";
    if (tag.find('<') != std::string::npos) return "< inside a tag";
    if (space != std::string::npos) {
      // Attributes: name="value" pairs.
      std::string attrs = tag.substr(space);
      std::size_t a = 0;
      while (a < attrs.size()) {
        if (attrs[a] == ' ') {
          ++a;
          continue;
        }
        const auto eq = attrs.find("=\"", a);
        if (eq == std::string::npos) return "unquoted attribute in <" + tag + ">";
        const auto close = attrs.find('"', eq + 2);
        if (close == std::string::npos) return "unterminated attribute in <" + tag + ">";
        a = close + 1;
      }
      if (name == "ac:structured-macro" && tag != "ac:structured-macro ac:name=\"code\"") {
        return "unexpected macro <" + tag + ">";
      }
    }
    const bool is_void = name == "br" || name == "hr";
    if (is_void != self_closing) return "void/self-closed mismatch for <" + name + ">";
    if (self_closing) continue;
    if (closing) {
      if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
      open.pop_back();
    } else {
      open.push_back(name);
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

}  // namespace

TEST_CASE("the storage checker itself rejects broken markup", "[text][storage]") {
  CHECK(storage_problem("<p>x</p>").empty());
  CHECK_FALSE(storage_problem("<p>x").empty());
  CHECK_FALSE(storage_problem("<p><em>x</p></em>").empty());
  CHECK_FALSE(storage_problem("<p>a < b</p>").empty());
  CHECK_FALSE(storage_problem("<p>a & b</p>").empty());
  CHECK_FALSE(storage_problem("<br>").empty());
  CHECK_FALSE(storage_problem("<script>x</script>").empty());
  CHECK_FALSE(storage_problem("<ac:structured-macro ac:name=\"html\"></ac:structured-macro>").empty());
}

TEST_CASE("escape_storage escapes markup characters and drops what XML forbids", "[text][storage]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"", ""},
      {"plain text", "plain text"},
      {"a & b < c > d \" e ' f", "a &amp; b &lt; c &gt; d &quot; e &#39; f"},
      {"&amp;", "&amp;amp;"},
      {"<ac:structured-macro ac:name=\"html\">", "&lt;ac:structured-macro ac:name=&quot;html&quot;&gt;"},
      {"]]>", "]]&gt;"},
      {"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
      {std::string("a\0b\x01\x08\x0b\x0c\x1b\x1f", 10), "ab"},
      {"\x7f", "\x7f"},
      {"\xef\xbf\xbe\xef\xbf\xbfx", "x"},
      {"bad \xff\xfe byte", "bad \xef\xbf\xbd\xef\xbf\xbd byte"},
      {"故障 ñ 🚒", "故障 ñ 🚒"},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(escape_storage(row.input) == row.expected);
  }
}

TEST_CASE("markdown_to_storage renders each construct", "[text][storage]") {
  struct Row {
    const char* markdown;
    const char* expected;
  };
  const Row rows[] = {
      {"", ""},
      {"hello", "<p>hello</p>"},
      {"one\n\ntwo", "<p>one</p><p>two</p>"},
      {"soft\nbreak", "<p>soft break</p>"},
      {"hard  \nbreak", "<p>hard<br/>break</p>"},
      {"hard\\\nbreak", "<p>hard<br/>break</p>"},
      {"# H1", "<h1>H1</h1>"},
      {"### H3 *em*", "<h3>H3 <em>em</em></h3>"},
      {"###### H6", "<h6>H6</h6>"},
      {"Setext\n======", "<h1>Setext</h1>"},
      {"**strong** *em* _em_ ~~strike~~ `code`",
       "<p><strong>strong</strong> <em>em</em> <em>em</em> <s>strike</s> <code>code</code></p>"},
      {"***both***", "<p><em><strong>both</strong></em></p>"},
      {"[site](https://example.com/a?b=1&c=2)", "<p><a href=\"https://example.com/a?b=1&amp;c=2\">site</a></p>"},
      {"[mail](mailto:oncall@example.com)", "<p><a href=\"mailto:oncall@example.com\">mail</a></p>"},
      {"[plain](http://example.com)", "<p><a href=\"http://example.com\">plain</a></p>"},
      {"<https://example.com>", "<p><a href=\"https://example.com\">https://example.com</a></p>"},
      {"[**bold** link](https://x.io)", "<p><a href=\"https://x.io\"><strong>bold</strong> link</a></p>"},
      {"![diagram](https://x.io/d.png)", "<p><a href=\"https://x.io/d.png\">diagram</a></p>"},
      {"- a\n- b", "<ul><li>a</li><li>b</li></ul>"},
      {"1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"},
      {"3. c\n4. d", "<ol start=\"3\"><li>c</li><li>d</li></ol>"},
      {"- a\n  - b\n    - c", "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"},
      {"- a\n\n- b", "<ul><li><p>a</p></li><li><p>b</p></li></ul>"},
      {"- a\n  1. b", "<ul><li>a<ol><li>b</li></ol></li></ul>"},
      {"```\nx\n```",
       "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>"
       "</ac:structured-macro>"},
      {"```bash\necho \"$HOME\" <&>\n```",
       "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash</ac:parameter>"
       "<ac:plain-text-body><![CDATA[echo \"$HOME\" <&>]]></ac:plain-text-body></ac:structured-macro>"},
      {"    indented\n    code",
       "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[indented\ncode]]>"
       "</ac:plain-text-body></ac:structured-macro>"},
      {"```\n```", "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[]]></ac:plain-text-body>"
                   "</ac:structured-macro>"},
      {"> quoted\n> text", "<blockquote><p>quoted text</p></blockquote>"},
      {"> outer\n>> inner", "<blockquote><p>outer</p><blockquote><p>inner</p></blockquote></blockquote>"},
      {"---", "<hr/>"},
      {"a\n\n***\n\nb", "<p>a</p><hr/><p>b</p>"},
      {"| h1 | h2 |\n|---|---|\n| a | *b* |",
       "<table><tbody><tr><th>h1</th><th>h2</th></tr><tr><td>a</td><td><em>b</em></td></tr></tbody></table>"},
      {"| h |\n|---|\n| a \\| b |", "<table><tbody><tr><th>h</th></tr><tr><td>a | b</td></tr></tbody></table>"},
      {"| h | i |\n|---|---|\n| only |", "<table><tbody><tr><th>h</th><th>i</th></tr><tr><td>only</td><td></td></tr></tbody></table>"},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    const std::string storage = markdown_to_storage(row.markdown);
    CHECK(storage == row.expected);
    CHECK(storage_problem(storage).empty());
  }
}

TEST_CASE("markdown_to_storage keeps hostile text as escaped text", "[text][storage]") {
  struct Row {
    std::string markdown;
    std::string expected;
  };
  const Row rows[] = {
      {"<ac:structured-macro ac:name=\"html\"><ac:plain-text-body><![CDATA[<script>x</script>]]></ac:plain-text-body></ac:structured-macro>",
       "<p>&lt;ac:structured-macro ac:name=&quot;html&quot;&gt;&lt;ac:plain-text-body&gt;&lt;![CDATA[&lt;script&gt;"
       "x&lt;/script&gt;]]&gt;&lt;/ac:plain-text-body&gt;&lt;/ac:structured-macro&gt;</p>"},
      {"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
      {"<div>\nblock\n</div>", "<p>&lt;div&gt;<br/>block<br/>&lt;/div&gt;</p>"},
      {"text <b onclick=\"x\">bold</b> end", "<p>text &lt;b onclick=&quot;x&quot;&gt;bold&lt;/b&gt; end</p>"},
      {"ends with ]]> here", "<p>ends with ]]&gt; here</p>"},
      {"{{ {code} [evil|http://x] !image.png!", "<p>{{ {code} [evil|http://x] !image.png!</p>"},
      {"&amp; and &lt; and &#60;", "<p>&amp; and &lt; and &lt;</p>"},
      {"\\&amp; literal", "<p>&amp;amp; literal</p>"},
      {"ctrl \x01 and \x1b[31m red", "<p>ctrl  and [31m red</p>"},
      {"bad \xff byte", "<p>bad \xef\xbf\xbd byte</p>"},
      {"[click](javascript:alert(1))", "<p>click</p>"},
      {"[click](JavaScript:alert(1))", "<p>click</p>"},
      {"[data](data:text/html;base64,PHNjcmlwdD4=)", "<p>data</p>"},
      {"[rel](/relative/path)", "<p>rel</p>"},
      {"[x](https://e.com/\"><script>)", "<p><a href=\"https://e.com/%22%3E%3Cscript%3E\">x</a></p>"},
      {"<ac:link>", "<p>&lt;ac:link&gt;</p>"},
      {"<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"},
      {"[x](<https://e.com/a\"b>)", "<p><a href=\"https://e.com/a%22b\">x</a></p>"},
      {"![x](javascript:alert(1))", "<p>x</p>"},
      {"`<ac:x>`", "<p><code>&lt;ac:x&gt;</code></p>"},
      {"```x\"><ac:y>\ncode\n```",
       "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">xacy</ac:parameter>"
       "<ac:plain-text-body><![CDATA[code]]></ac:plain-text-body></ac:structured-macro>"},
      {"```\na ]]> b ]]>\n```",
       "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[a ]]]]><![CDATA[> b ]]]]><![CDATA[>]]>"
       "</ac:plain-text-body></ac:structured-macro>"},
      {"```\nctrl\x01\x1b x\n```",
       "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[ctrl x]]></ac:plain-text-body>"
       "</ac:structured-macro>"},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    const std::string storage = markdown_to_storage(row.markdown);
    CHECK(storage == row.expected);
    CHECK(storage_problem(storage).empty());
  }
}

TEST_CASE("markdown_to_storage output is well-formed for a mixed hostile document", "[text][storage]") {
  const std::string markdown =
      "# Review <ac:link>\n\n"
      "Impact: **50% of <b>orders</b>** failed & ~~recovered~~ at `10:00 <x>`.\n\n"
      "- [ ] <ac:task>\n- item with [link](https://e.com/?a=<b>&c=\"d\")\n  > nested quote\n\n"
      "| col <i> | ]]> |\n|---|---|\n| `]]>` | \x01\xff |\n\n"
      "<ac:structured-macro ac:name=\"html\">\n<ac:plain-text-body><![CDATA[<iframe>]]></ac:plain-text-body>\n"
      "</ac:structured-macro>\n\n"
      "```html\n<ac:structured-macro ac:name=\"html\">]]></ac:structured-macro>\n```\n";
  const std::string storage = markdown_to_storage(markdown);
  INFO(storage);
  CHECK(storage_problem(storage).empty());
  // The code block keeps its text verbatim inside CDATA; everywhere else, no markup from input.
  const auto cdata = storage.find("<![CDATA[");
  REQUIRE(cdata != std::string::npos);
  CHECK(storage.substr(cdata).starts_with(
      "<![CDATA[<ac:structured-macro ac:name=\"html\">]]]]><![CDATA[></ac:structured-macro>]]>"));
  const std::string markup = storage.substr(0, cdata);
  CHECK(markup.find("<ac:link") == std::string::npos);
  CHECK(markup.find("<ac:task") == std::string::npos);
  CHECK(markup.find("ac:name=\"html\"") == std::string::npos);
  CHECK(markup.find("<b>") == std::string::npos);
  CHECK(markup.find("<i>") == std::string::npos);
  CHECK(markup.find("<iframe") == std::string::npos);
  CHECK(markup.find("&lt;ac:link&gt;") != std::string::npos);
}

TEST_CASE("markdown_to_storage stays well-formed for random mixes of hostile fragments", "[text][storage]") {
  const std::vector<std::string> fragments = {
      "<ac:structured-macro ac:name=\"html\">", "</p>", "<br>", "]]>", "<![CDATA[", "&amp;", "&", "<", ">",
      "\"", "'", "{{", "{code}", "[evil|http://x]", "!image.png!", "\x01", "\x1b", "\xff", "\xef\xbf\xbe",
      "*", "**", "_", "~~", "`", "```", "\n", "\n\n", "# ", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| ",
      "[x](javascript:alert(1))", "[y](https://e.com/\"<>)", "<https://e.com>", "    ", "\\", "text", "故障"};
  std::mt19937 random(12345);
  std::uniform_int_distribution<std::size_t> pick(0, fragments.size() - 1);
  std::uniform_int_distribution<int> length(1, 40);
  for (int round = 0; round < 500; ++round) {
    std::string markdown;
    const int count = length(random);
    for (int i = 0; i < count; ++i) markdown += fragments[pick(random)];
    const std::string storage = markdown_to_storage(markdown);
    INFO(markdown);
    INFO(storage);
    REQUIRE(storage_problem(storage) == "");
  }
}

TEST_CASE("markdown_to_storage handles deeply nested input", "[text][storage]") {
  std::string lists;
  for (int i = 0; i < 500; ++i) lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- item\n";
  for (const std::string& markdown : {std::string(5000, '>') + " deep", lists,
                                      std::string(3000, '*') + "deep" + std::string(3000, '*')}) {
    const std::string storage = markdown_to_storage(markdown);
    CHECK(storage_problem(storage).empty());
    CHECK((storage.find("deep") != std::string::npos || storage.find("item") != std::string::npos));
    CHECK_NOTHROW(markdown_to_adf(markdown));
    CHECK_NOTHROW(wiki_to_text(markdown_to_wiki(markdown)));
  }
}
