// Text at the edge: the first byte that is not UTF-8 text (invalid UTF-8 or NUL) found with
// its line and column, and the usage errors that name a file or an argument.
#include <catch2/catch.hpp>

#include "faultline/core/text_input.hpp"

using namespace faultline;
using namespace faultline::core;

TEST_CASE("find_text_flaw accepts UTF-8 text, a BOM and a genuine U+FFFD", "[text_input]") {
  CHECK_FALSE(find_text_flaw(""));
  CHECK_FALSE(find_text_flaw("plain ASCII\r\nwith\ttabs\n"));
  CHECK_FALSE(find_text_flaw("\xEF\xBB\xBF故障 P1：数据库 🔥 \xEF\xBF\xBD"));
}

TEST_CASE("find_text_flaw finds the first bad byte with its line and column in characters", "[text_input]") {
  struct Case {
    std::string text;
    TextFlaw::Kind kind;
    std::size_t offset, line, column;
    unsigned char byte;
  };
  const std::vector<Case> cases = {
      {"abc\xff", TextFlaw::Kind::InvalidUtf8, 3, 1, 4, 0xff},
      {"one\ntwo\n故障\xc3(", TextFlaw::Kind::InvalidUtf8, 14, 3, 3, 0xc3},     // truncated sequence
      {"\xc0\xaf", TextFlaw::Kind::InvalidUtf8, 0, 1, 1, 0xc0},                // overlong '/'
      {"x\xed\xa0\x80", TextFlaw::Kind::InvalidUtf8, 1, 1, 2, 0xed},           // a surrogate
      {"\xf4\x90\x80\x80", TextFlaw::Kind::InvalidUtf8, 0, 1, 1, 0xf4},        // above U+10FFFF
      {std::string("ab\ncd\0ef", 8), TextFlaw::Kind::Nul, 5, 2, 3, 0x00},
      {std::string("\0\xff", 2), TextFlaw::Kind::Nul, 0, 1, 1, 0x00},          // the first one wins
  };
  for (const auto& c : cases) {
    INFO(c.offset);
    const auto flaw = find_text_flaw(c.text);
    REQUIRE(flaw);
    CHECK(flaw->kind == c.kind);
    CHECK(flaw->offset == c.offset);
    CHECK(flaw->line == c.line);
    CHECK(flaw->column == c.column);
    CHECK(flaw->byte == c.byte);
  }
}

TEST_CASE("check_text_file names the source, line and column, and refuses NUL rather than dropping it",
          "[text_input]") {
  CHECK(check_text_file("fine\n", "notes.md", ErrorKind::Usage));
  const auto invalid = check_text_file("line one\nlatin-1 caf\xe9\n", "notes.md", ErrorKind::Usage);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().kind == ErrorKind::Usage);
  CHECK(invalid.error().message == "notes.md:2:12: byte 0xe9 is not valid UTF-8; faultline reads text as UTF-8");
  CHECK_THAT(invalid.error().hint, Catch::Contains("UTF-8"));

  const auto nul = check_text_file(std::string("a\0b", 3), "stdin", ErrorKind::Config);
  REQUIRE_FALSE(nul);
  CHECK(nul.error().kind == ErrorKind::Config);
  CHECK(nul.error().message == "stdin:1:2: a NUL byte (0x00) is not text; faultline refuses it rather than drop it");
}

TEST_CASE("check_argument_text names the argument, its option and the byte", "[text_input]") {
  CHECK(check_argument_text("DB down", 3, "--title"));
  const auto named = check_argument_text("DB \xff down", 3, "--title");
  REQUIRE_FALSE(named);
  CHECK(named.error().kind == ErrorKind::Usage);
  CHECK(named.error().message ==
        "argument 3 (--title) is not valid UTF-8 (byte 0xff at offset 3); faultline needs UTF-8 text");
  const auto unnamed = check_argument_text("\x80", 4, "");
  REQUIRE_FALSE(unnamed);
  CHECK(unnamed.error().message == "argument 4 is not valid UTF-8 (byte 0x80 at offset 0); faultline needs UTF-8 text");
}
