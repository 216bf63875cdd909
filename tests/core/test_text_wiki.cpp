#include <catch2/catch.hpp>

#include <string>

#include "faultline/core/text.hpp"

using namespace faultline::core;

TEST_CASE("markdown_to_wiki renders each construct", "[text][wiki]") {
  struct Row {
    const char* markdown;
    const char* expected;
  };
  const Row rows[] = {
      {"", ""},
      {"hello", "hello"},
      {"one\n\ntwo", "one\n\ntwo"},
      {"soft\nbreak", "soft break"},
      {"hard  \nbreak", "hard\nbreak"},
      {"# H1", "h1. H1"},
      {"###### H6 *em*", "h6. H6 _em_"},
      {"**bold** *it* ~~gone~~ `mono`", "*bold* _it_ -gone- {{mono}}"},
      {"***both***", "_*both*_"},
      {"*a **b** _c_*", "_a *b* c_"},
      {"[site](https://example.com/a?b=1)", "[site|https://example.com/a?b=1]"},
      {"<https://example.com>", "[https://example.com]"},
      {"[mail](mailto:oncall@example.com)", "[mail|mailto:oncall@example.com]"},
      {"[**b**](https://x.io)", "[*b*|https://x.io]"},
      {"[x](<https://x.io/a b|c]>)", "[x|https://x.io/a%20b%7Cc%5D]"},
      {"![diagram](https://x.io/d.png)", "[diagram|https://x.io/d.png]"},
      {"- a\n- b", "* a\n* b"},
      {"1. a\n2. b", "# a\n# b"},
      {"- a\n  - b\n    - c", "* a\n** b\n*** c"},
      {"1. a\n   - b\n     1. c", "# a\n#* b\n#*# c"},
      {"- **a**\n- `b`", "* *a*\n* {{b}}"},
      {"```python\nprint(1)\n```", "{code:python}\nprint(1)\n{code}"},
      {"```\nraw *text* [x]\n```", "{code}\nraw *text* [x]\n{code}"},
      {"> quoted", "bq. quoted"},
      {"> one\n>\n> two", "{quote}\none\n\ntwo\n{quote}"},
      {"---", "----"},
      {"| h1 | h2 |\n|---|---|\n| a | *b* |", "||h1||h2||\n|a|_b_|"},
      {"| h |\n|---|\n| a \\| b |", "||h||\n|a \\| b|"},
      {"| h | i |\n|---|---|\n| x |", "||h||i||\n|x| |"},
      {"a\n\n- b\n\nc", "a\n\n* b\n\nc"},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    CHECK(markdown_to_wiki(row.markdown) == row.expected);
  }
}

TEST_CASE("markdown_to_wiki escapes wiki markup typed as text", "[text][wiki]") {
  struct Row {
    std::string markdown;
    std::string expected;
  };
  const Row rows[] = {
      {"{code}", "\\{code\\}"},
      {"[evil|http://x]", "\\[evil\\|http://x\\]"},
      {"{{", "\\{\\{"},
      {"!image.png!", "\\!image.png\\!"},
      {"a-b+c^d~e", "a\\-b\\+c\\^d\\~e"},
      {"\\*not bold\\*", "\\*not bold\\*"},
      {"\\_x\\_ and \\# and \\|", "\\_x\\_ and \\# and \\|"},
      {"??cite??", "\\?\\?cite\\?\\?"},
      {"h1. not a heading", "\\h1. not a heading"},
      {"h6. also not", "\\h6. also not"},
      {"h7. fine", "h7. fine"},
      {"bq. not a quote", "\\bq. not a quote"},
      {"line\\\nh2. after break", "line\n\\h2. after break"},
      {"say h1. mid-line", "say h1. mid\\-line"},
      {"back\\\\slash", "back&#92;slash"},
      {"<b>html</b>", "<b>html</b>"},
      {"<ac:structured-macro ac:name=\"html\">", "<ac:structured\\-macro ac:name=\"html\">"},
      {"&amp; stays", "& stays"},
      {"ctrl \x01\x1b[0m", "ctrl \\[0m"},
      {"bad \xff", "bad \xef\xbf\xbd"},
      {"[x](javascript:alert(1))", "x"},
      {"<javascript:alert(1)>", "<javascript:alert(1)>"},
      {"`{{x}} {code}`", "{{\\{\\{x\\}\\} \\{code\\}}}"},
      {"```\n{code}\n```", "{noformat}\n{code}\n{noformat}"},
      {"```\n{CODE:java}\n```", "{noformat}\n{CODE:java}\n{noformat}"},
      {"```\n{code} {noformat}\n```", "{code}\n{\u200Bcode} {\u200Bnoformat}\n{code}"},
      {"```x}{y\ncode\n```", "{code:xy}\ncode\n{code}"},
      {"- h1. item", "* h1. item"},
      {"| {code} | [x\\|y] |\n|---|---|\n| !a! | - |", "||\\{code\\}||\\[x\\|y\\]||\n|\\!a\\!|\\-|"},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    CHECK(markdown_to_wiki(row.markdown) == row.expected);
  }
}

TEST_CASE("wiki_to_text strips markup and undoes escapes", "[text][wiki]") {
  struct Row {
    const char* wiki;
    const char* expected;
  };
  const Row rows[] = {
      {"", ""},
      {"plain", "plain"},
      {"h1. Title", "Title"},
      {"bq. quoted", "quoted"},
      {"*bold* _it_ -gone- +under+ ^sup^ ~sub~ ??cite??", "bold it gone under sup sub cite"},
      {"a - b and well-known * x", "a - b and well-known * x"},
      {"{{mono}}", "mono"},
      {"[label|https://x.io]", "label"},
      {"[https://x.io]", "https://x.io"},
      {"[~jdoe] please", "jdoe please"},
      {"see !screen.png! here", "see  here"},
      {"* a\n* b\n** c\n# d", "- a\n- b\n  - c\n- d"},
      {"||h1||h2||\n|a|b|", "h1 | h2\na | b"},
      {"{code:java}\nint *x* = [1];\n{code}", "int *x* = [1];"},
      {"before\n{noformat}\n{code} raw\n{noformat}\nafter", "before\n{code} raw\nafter"},
      {"{quote}\nq\n{quote}", "q"},
      {"{color:red}alert{color}", "alert"},
      {"\\{code\\} \\[x\\|y\\] \\*z\\* \\!i\\!", "{code} [x|y] *z* !i!"},
      {"\\h1. literal", "h1. literal"},
      {"one\\\\two", "one\ntwo"},
      {"back&#92;slash", "back\\slash"},
      {"----", "----"},
  };
  for (const auto& row : rows) {
    INFO(row.wiki);
    CHECK(wiki_to_text(row.wiki) == row.expected);
  }
}

TEST_CASE("hostile text survives markdown_to_wiki then wiki_to_text unchanged", "[text][wiki]") {
  // Markdown-escaped input whose text is the hostile string itself.
  struct Row {
    const char* markdown;
    const char* text;
  };
  const Row rows[] = {
      {"\\{code\\}", "{code}"},
      {"\\[evil|http://x\\]", "[evil|http://x]"},
      {"{{ and }}", "{{ and }}"},
      {"!image.png!", "!image.png!"},
      {"h1. heading?", "h1. heading?"},
      {"bq. quote", "bq. quote"},
      {"a\\*b\\* \\_c\\_ -d- +e+ ^f^ \\~g\\~ ??h??", "a*b* _c_ -d- +e+ ^f^ ~g~ ??h??"},
      {"~~gone~~ ~g~", "gone g"},
      {"C:\\\\temp\\\\", "C:\\temp\\"},
      {"&#92; typed", "\\ typed"},
      {"#hashtag | pipe", "#hashtag | pipe"},
      {"故障 🚒 ñ", "故障 🚒 ñ"},
  };
  for (const auto& row : rows) {
    INFO(row.markdown);
    const std::string wiki = markdown_to_wiki(row.markdown);
    INFO(wiki);
    CHECK(wiki_to_text(wiki) == row.text);
  }
}

TEST_CASE("wiki_to_text reads a whole converted document", "[text][wiki]") {
  const std::string wiki = markdown_to_wiki(
      "# Impact\n\nOrders **failed** for [10m](https://grafana.example.com/d/x).\n\n"
      "- db `pool`\n- cache\n\n```sql\nSELECT * FROM t WHERE a = '[x]';\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |");
  CHECK(wiki_to_text(wiki) ==
        "Impact\n\nOrders failed for 10m.\n\n- db pool\n- cache\n\nSELECT * FROM t WHERE a = '[x]';\n\na | b\n1 | 2");
}
