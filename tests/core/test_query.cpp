#include <catch2/catch.hpp>

#include <string>

#include "faultline/core/query.hpp"

using namespace faultline::core;

namespace {

// Whether a JQL literal is one well-formed string: starts and ends with a quote, no raw
// quote, control character or illegal escape in between (per Jira's decoder rules).
bool is_single_jql_literal(const std::string& q) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    const auto c = static_cast<unsigned char>(q[i]);
    if (c == '"' || c < 0x20 || c == 0x7F) return false;
    if (c == '\\') {
      if (i + 2 >= q.size()) return false;  // would escape the closing quote
      const char next = q[++i];
      if (next == 'u') {
        if (i + 4 >= q.size()) return false;
        i += 4;
      } else if (std::string_view("\"'\\tnr ").find(next) == std::string_view::npos) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

TEST_CASE("jql_quote wraps and escapes the way Jira's encoder does", "[query]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"", R"("")"},
      {"checkout", R"("checkout")"},
      {"two words", R"("two words")"},
      {R"(say "hi")", R"("say \"hi\"")"},
      {R"(C:\temp\)", R"("C:\\temp\\")"},
      {"\\", R"("\\")"},
      {"\\\"", R"("\\\"")"},
      {"a\tb", R"("a\tb")"},
      {"a\nb", R"("a\nb")"},
      {"a\r\nb", R"("a\r\nb")"},
      {"it's", R"("it's")"},
      {std::string("a\0b", 3), R"("a\u0000b")"},
      {"\x01\x08\x0b\x0c\x0e\x1f", R"("\u0001\u0008\u000b\u000c\u000e\u001f")"},
      {"\x7f", R"("\u007f")"},
      {"\xc2\x80\xc2\x9f", R"("\u0080\u009f")"},
      {"\xc2\xa0", "\"\xc2\xa0\""},                      // U+00A0 is not escaped
      {"\xef\xb7\x90\xef\xb7\xaf", R"("\ufdd0\ufdef")"},  // U+FDD0, U+FDEF
      {"\xef\xb7\xb0", "\"\xef\xb7\xb0\""},              // U+FDF0 is fine
      {"\xef\xbf\xbe\xef\xbf\xbf", R"("\ufffe\uffff")"},
      {"故障 ñ 🚒", "\"故障 ñ 🚒\""},
      {"\xff", "\"\xef\xbf\xbd\""},                   // invalid byte -> U+FFFD
      {"a\xe6\x95", "\"a\xef\xbf\xbd\xef\xbf\xbd\""},  // truncated sequence
      {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},  // a surrogate
      {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},  // overlong "/"
      {"12345", R"("12345")"},
      {"AND", R"("AND")"},
      {"empty", R"("empty")"},
      {"null", R"("null")"},
      {"[x]+.,;?|*/%^$#@", R"("[x]+.,;?|*/%^$#@")"},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    const std::string quoted = jql_quote(row.input);
    CHECK(quoted == row.expected);
    CHECK(is_single_jql_literal(quoted));
  }
}

TEST_CASE("jql_quote keeps hostile values inside one literal", "[query]") {
  const std::string hostile[] = {
      R"(x" OR project = SECRET OR summary ~ ")",
      R"(x\" OR project = SECRET OR summary ~ \")",
      "x\\",
      "x\\\\\\",
      "x\" ORDER BY created\n--",
      "x\nproject = SECRET",
      "\") OR (\"",
      "'single' OR ''=''",
      "\\u0022 OR 1=1",
  };
  for (const auto& value : hostile) {
    INFO(value);
    const std::string quoted = jql_quote(value);
    CHECK(is_single_jql_literal(quoted));
  }
  CHECK(jql_quote(R"(x" OR project = SECRET OR summary ~ ")") ==
        R"("x\" OR project = SECRET OR summary ~ \"")");
  CHECK(jql_quote("x\\") == R"("x\\")");
  CHECK(jql_quote("\\u0022") == R"("\\u0022")");
}

TEST_CASE("jql_list quotes each value", "[query]") {
  CHECK(jql_list({}) == "()");
  CHECK(jql_list({"P1"}) == R"(("P1"))");
  CHECK(jql_list({"P1", "P2", "a\"b"}) == R"(("P1", "P2", "a\"b"))");
  CHECK(jql_list({"x\", \"y"}) == R"(("x\", \"y"))");
}

TEST_CASE("jql_and joins non-empty clauses, parenthesised", "[query]") {
  CHECK(jql_and({}).empty());
  CHECK(jql_and({"", ""}).empty());
  CHECK(jql_and({"project = \"FAULT\""}) == "project = \"FAULT\"");
  CHECK(jql_and({"a = 1 OR b = 2", "", "c = 3"}) == "(a = 1 OR b = 2) AND (c = 3)");
}

TEST_CASE("cql_quote escapes quotes and backslashes and drops control characters", "[query]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"", R"("")"},
      {"Fault review FAULT-12", R"("Fault review FAULT-12")"},
      {R"(a "b" c)", R"("a \"b\" c")"},
      {R"(x" OR space = "SECRET)", R"("x\" OR space = \"SECRET")"},
      {"x\\", R"("x\\")"},
      {"a\x01\x1b[31mb\x7f", R"("a[31mb")"},
      {"a\tb\nc\rd", R"("a b c d")"},
      {std::string("a\0b", 3), R"("ab")"},
      {"\xc2\x85", R"("")"},
      {"复盘: 支付", "\"复盘: 支付\""},
      {"\xfe", "\"\xef\xbf\xbd\""},
      {"and", R"("and")"},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(cql_quote(row.input) == row.expected);
  }
  CHECK(cql_list({"a", "b\"c"}) == R"(("a", "b\"c"))");
}
