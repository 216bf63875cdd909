#include <catch2/catch.hpp>

#include "faultline/notify/text_limits.hpp"

using namespace faultline::notify;

namespace {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

}  // namespace

TEST_CASE("split_utf8 keeps every part within the limit, whole code points, and the original text") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "第" + std::to_string(i) + "行：故障恢复 ✅ 🚑 détails\n";
  text += std::string(5000, 'x') + "故障" + "\n";  // one line longer than any limit
  for (std::size_t limit : {std::size_t{64}, std::size_t{100}, std::size_t{4096}, std::size_t{4097}}) {
    const auto parts = split_utf8(text, limit);
    REQUIRE(parts.size() > 1);
    std::string joined;
    for (const auto& part : parts) {
      CHECK(part.size() <= limit);
      CHECK(!part.empty());
      CHECK(is_valid_utf8(part));
      joined += part;
    }
    CHECK(joined == text);
  }
}

TEST_CASE("split_utf8 cuts after a newline when one fits") {
  const auto parts = split_utf8("aaaa\nbbbb\ncccc\n", 11);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0] == "aaaa\nbbbb\n");
  CHECK(parts[1] == "cccc\n");
}

TEST_CASE("split_utf8 never cuts inside a four-byte sequence in a line without newlines") {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "🚑";  // 4 bytes each
  const auto parts = split_utf8("a" + text, 10);
  for (const auto& part : parts) {
    CHECK(part.size() <= 10);
    CHECK(is_valid_utf8(part));
  }
}

TEST_CASE("split_utf8 of short and empty text") {
  CHECK(split_utf8("", 10).empty());
  CHECK(split_utf8("short", 10) == std::vector<std::string>{"short"});
}

TEST_CASE("truncate_utf8 leaves room for the suffix and keeps code points whole") {
  const std::string text = "故障故障故障故障";  // 24 bytes
  CHECK(truncate_utf8(text, 100, "…") == text);
  const auto cut = truncate_utf8(text, 10, "…");  // "…" is 3 bytes: 7 left, 2 characters
  CHECK(cut == "故障…");
  CHECK(cut.size() <= 10);
  CHECK(utf8_prefix_length(text, 4) == 3);
}
