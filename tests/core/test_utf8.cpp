#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "faultline/core/utf8.hpp"

using namespace faultline::core;

namespace {

std::vector<char32_t> decode(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t pos = 0;
  while (pos < text.size()) out.push_back(next_code_point(text, pos));
  return out;
}

}  // namespace

TEST_CASE("next_code_point decodes valid UTF-8 of every length", "[utf8]") {
  CHECK(decode("a") == std::vector<char32_t>{U'a'});
  CHECK(decode("\xc3\xb1") == std::vector<char32_t>{U'\u00f1'});
  CHECK(decode("\xe6\x95\x85") == std::vector<char32_t>{U'\u6545'});
  CHECK(decode("\xf0\x9f\x9a\x92") == std::vector<char32_t>{U'\U0001F692'});
  CHECK(decode(std::string_view("\0", 1)) == std::vector<char32_t>{U'\0'});
}

TEST_CASE("next_code_point reads each invalid byte as U+FFFD", "[utf8]") {
  const char32_t r = k_replacement_char;
  CHECK(decode("\xff") == std::vector<char32_t>{r});
  CHECK(decode("\x80x") == std::vector<char32_t>{r, U'x'});
  CHECK(decode("\xe6\x95") == std::vector<char32_t>{r, r});           // truncated
  CHECK(decode("\xe6x") == std::vector<char32_t>{r, U'x'});            // missing continuation
  CHECK(decode("\xc0\xaf") == std::vector<char32_t>{r, r});            // overlong
  CHECK(decode("\xed\xa0\x80") == std::vector<char32_t>{r, r, r});     // surrogate
  CHECK(decode("\xf4\x90\x80\x80") == std::vector<char32_t>{r, r, r, r});  // above U+10FFFF
}

TEST_CASE("append_utf8 and sanitize_utf8 round-trip valid text and repair invalid", "[utf8]") {
  std::string out;
  for (const char32_t cp : {U'a', U'\u00f1', U'\u6545', U'\U0001F692'}) append_utf8(out, cp);
  CHECK(out == "a\xc3\xb1\xe6\x95\x85\xf0\x9f\x9a\x92");
  std::string surrogate;
  append_utf8(surrogate, 0xD800);
  CHECK(surrogate == "\xef\xbf\xbd");
  CHECK(sanitize_utf8("plain 故障") == "plain 故障");
  CHECK(sanitize_utf8("a\xffz") == "a\xef\xbf\xbdz");
  CHECK(sanitize_utf8("") == "");
}
