#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "faultline/notify/markdown_literals.hpp"

using namespace faultline::notify;

namespace {

struct EscapeRow {
  std::string value;
  std::string escaped;
};

const std::string k_zwsp = "\u200B";

}  // namespace

TEST_CASE("escape_markdown_text: inline syntax escaped anywhere, block markers only where a line starts") {
  const std::vector<EscapeRow> rows = {
      {"plain text 502", "plain text 502"},
      {"<at id=all></at>", "\\<at id=all\\>\\</at\\>"},
      {"<font color=\"warning\">x</font>", "\\<font color=\"warning\"\\>x\\</font\\>"},
      {"[click](https://evil.example)", "\\[click\\](https://evil.example)"},
      {"**bold** _it_ ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~"},
      {"`rm -rf`", "\\`rm -rf\\`"},
      {"AT&T C:\\tmp", "AT\\&T C:\\\\tmp"},
      {"@all <!channel>", "@all \\<!channel\\>"},
      {"# heading", "\\# heading"},
      {"issue #12", "issue #12"},
      {"#hashtag", "#hashtag"},
      {"- item", "\\- item"},
      {"+ item", "\\+ item"},
      {"a - b + c", "a - b + c"},
      {"-5 degrees", "-5 degrees"},
      {"---", "\\---"},
      {"===", "\\==="},
      {"1. first", "1\\. first"},
      {"2) second", "2\\) second"},
      {"1.4.2 released", "1.4.2 released"},
      {"line one\n  - two\n# three", "line one\n  \\- two\n\\# three"},
      {"a\r\nb\rc", "a\nb\nc"},
      {std::string("bell\a nul") + '\0' + "x\ty", "bell nulx\ty"},
  };
  for (const auto& row : rows) {
    INFO(row.value);
    CHECK(escape_markdown_text(row.value) == row.escaped);
  }
}

TEST_CASE("markdown_to_plain undoes escape_markdown_text and keeps the template's Markdown") {
  for (const std::string value : {"<at id=all></at>", "[click](https://evil.example)", "**bold**", "C:\\tmp\\*",
                                  "# not a heading", "1. not a list", "\\", "trailing \\"}) {
    INFO(value);
    CHECK(markdown_to_plain(escape_markdown_text(value)) == value);
  }
  CHECK(markdown_to_plain("**Level:** P2 \\_x\\_ [a](b)") == "**Level:** P2 _x_ [a](b)");
  CHECK(markdown_to_plain("\\a stays") == "\\a stays");  // only punctuation is escaped
}

TEST_CASE("markdown_link_at finds the template's links and never one opened or closed by an escape") {
  const auto link = markdown_link_at("see [FAULT\\_12](https://x/a\\_b?c=1\\&d=(2)) now", 4);
  REQUIRE(link.has_value());
  CHECK(link->text == "FAULT\\_12");
  CHECK(link->url == "https://x/a_b?c=1&d=(2)");
  CHECK(link->end == std::string("see [FAULT\\_12](https://x/a\\_b?c=1\\&d=(2))").size());

  CHECK_FALSE(markdown_link_at("\\[click\\](https://evil.example)", 1).has_value());
  CHECK_FALSE(markdown_link_at("[click\\](https://evil.example)", 0).has_value());
  CHECK_FALSE(markdown_link_at("[P2] FAULT-12", 0).has_value());
  CHECK_FALSE(markdown_link_at("[](https://x)", 0).has_value());
  CHECK_FALSE(markdown_link_at("[a]()", 0).has_value());
  CHECK_FALSE(markdown_link_at("[a](https://x y)", 0).has_value());
  CHECK_FALSE(markdown_link_at("[a\nb](https://x)", 0).has_value());
  CHECK_FALSE(markdown_link_at("[a](https://x", 0).has_value());
}

TEST_CASE("link_destination percent-encodes what would end or split a link") {
  CHECK(link_destination("https://x/a_b?c=1&d=2") == "https://x/a_b?c=1&d=2");
  CHECK(link_destination("https://x/p (1)|<b>\"`\\") == "https://x/p%20%281%29%7C%3Cb%3E%22%60%5C");
}

TEST_CASE("markdown_with_literals: escaped characters per style, the template's text and links as written") {
  const std::string markdown = "- **Service:** \\<at id=all\\> [FAULT\\_1](https://x/a\\_b) \\[c\\](u)";
  CHECK(markdown_with_literals(markdown, LiteralStyle::NumericEntity) ==
        "- **Service:** &#60;at id=all&#62; [FAULT&#95;1](https://x/a_b) &#91;c&#93;(u)");
  const auto fenced = [](char c) { return k_zwsp + c + k_zwsp; };
  CHECK(markdown_with_literals(markdown, LiteralStyle::ZeroWidthFence) ==
        "- **Service:** " + fenced('<') + "at id=all" + fenced('>') + " [FAULT" + fenced('_') +
            "1](https://x/a_b) " + fenced('[') + "c" + fenced(']') + "(u)");
  CHECK(markdown_with_literals("no escapes [a](b) <at id=ou_1></at>", LiteralStyle::NumericEntity) ==
        "no escapes [a](b) <at id=ou_1></at>");
}
