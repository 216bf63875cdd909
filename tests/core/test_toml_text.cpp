// TOML quoting for the files faultline writes, and type names for the readers' messages.
#include <catch2/catch.hpp>

#include "faultline/core/toml_text.hpp"

using namespace faultline::core;

TEST_CASE("toml_quote escapes quotes, backslashes and control characters", "[core][toml]") {
  CHECK(toml_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(toml_quote("x\ny\x01") == "\"x\\ny\\u0001\"");
  CHECK(toml_quote("tab\there\x7f") == "\"tab\\there\\u007F\"");
}

TEST_CASE("toml_quote's output reads back as the same string", "[core][toml]") {
  const std::string hostile = "title \"quoted\" \\ back\r\nnext\x1b[31m ünïcode";
  const auto table = toml::parse("value = " + toml_quote(hostile));
  CHECK(table["value"].value<std::string>() == hostile);
}

TEST_CASE("toml_type_name names each kind of node", "[core][toml]") {
  const auto table = toml::parse(R"(s = "x"
i = 1
f = 1.5
b = true
a = [1]
t = {k = 1}
d = 2026-11-25
dt = 2026-11-25T10:00:00Z)");
  CHECK(std::string(toml_type_name(*table.get("s"))) == "a string");
  CHECK(std::string(toml_type_name(*table.get("i"))) == "an integer");
  CHECK(std::string(toml_type_name(*table.get("f"))) == "a number with a fraction");
  CHECK(std::string(toml_type_name(*table.get("b"))) == "a boolean");
  CHECK(std::string(toml_type_name(*table.get("a"))) == "an array");
  CHECK(std::string(toml_type_name(*table.get("t"))) == "a table");
  CHECK(std::string(toml_type_name(*table.get("d"))) == "a date");
  CHECK(std::string(toml_type_name(*table.get("dt"))) == "a date-time");
}
