// Tests of shorten_for_message: a value quoted in a message keeps its first characters on
// one line, is cut on a UTF-8 character boundary, and says how long it was.
#include <catch2/catch.hpp>

#include <string>

#include "faultline/util/strings.hpp"

using faultline::shorten_for_message;

TEST_CASE("shorten_for_message keeps a short value as it is", "[strings]") {
  CHECK(shorten_for_message("checkout", 60) == "checkout");
  CHECK(shorten_for_message(std::string(60, 'a'), 60) == std::string(60, 'a'));
  CHECK(shorten_for_message("", 60).empty());
}

TEST_CASE("shorten_for_message cuts a long value and says its length", "[strings]") {
  CHECK(shorten_for_message(std::string(61, 'a'), 60) == std::string(60, 'a') + "\u2026 (61 characters)");
  const auto huge = shorten_for_message(std::string(1048576, 'x'), 60);
  CHECK(huge == std::string(60, 'x') + "\u2026 (1048576 characters)");
}

TEST_CASE("shorten_for_message counts and cuts UTF-8 characters, not bytes", "[strings]") {
  std::string cjk;
  for (int i = 0; i < 10; ++i) cjk += "\u6545";  // 3 bytes each
  CHECK(shorten_for_message(cjk, 10) == cjk);
  CHECK(shorten_for_message(cjk, 4) == "\u6545\u6545\u6545\u6545\u2026 (10 characters)");
}

TEST_CASE("shorten_for_message keeps the value on one line", "[strings]") {
  CHECK(shorten_for_message("a\nb\r\nc\td", 60) == "a b  c d");
}
