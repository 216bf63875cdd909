// Fuzz target: JQL and CQL quoting (core::jql_quote, core::cql_quote, core::lucene_phrase).
// Property: the quoted value, read back by the independent readers below (written from the
// query languages' rules, not from query.cpp), is exactly the literal the header promises:
//   jql_quote(x)  -> x, each invalid UTF-8 byte as U+FFFD;
//   cql_quote(x)  -> the same, tab/CR/LF as spaces, other control characters dropped;
//   lucene_phrase(x) -> the words of x (runs of spaces and controls as one space, ends
//                       trimmed), still a valid literal once jql_quote'd or cql_quote'd.
// A reader refuses anything a server's lexer would refuse: an unquoted end, an unknown escape,
// a raw character the language requires to be escaped, text after the closing quote.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/core/query.hpp"

namespace {

constexpr char32_t k_replacement = 0xFFFD;

// One code point of well-formed UTF-8 at `pos` (Unicode Table 3-7), advancing `pos`; an
// ill-formed byte gives U+FFFD and advances one byte.
char32_t decode(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  const std::size_t left = s.size() - pos;
  const auto in = [](unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; };
  if (b0 <= 0x7F) {
    ++pos;
    return b0;
  }
  if (in(b0, 0xC2, 0xDF) && left >= 2 && in(byte(pos + 1), 0x80, 0xBF)) {
    const char32_t cp = ((b0 & 0x1Fu) << 6) | (byte(pos + 1) & 0x3Fu);
    pos += 2;
    return cp;
  }
  if (in(b0, 0xE0, 0xEF) && left >= 3) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    if (in(byte(pos + 1), lo, hi) && in(byte(pos + 2), 0x80, 0xBF)) {
      const char32_t cp = ((b0 & 0x0Fu) << 12) | ((byte(pos + 1) & 0x3Fu) << 6) | (byte(pos + 2) & 0x3Fu);
      pos += 3;
      return cp;
    }
  }
  if (in(b0, 0xF0, 0xF4) && left >= 4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (in(byte(pos + 1), lo, hi) && in(byte(pos + 2), 0x80, 0xBF) && in(byte(pos + 3), 0x80, 0xBF)) {
      const char32_t cp = ((b0 & 0x07u) << 18) | ((byte(pos + 1) & 0x3Fu) << 12) | ((byte(pos + 2) & 0x3Fu) << 6) |
                          (byte(pos + 3) & 0x3Fu);
      pos += 4;
      return cp;
    }
  }
  ++pos;
  return k_replacement;
}

std::u32string decode_all(std::string_view s) {
  std::u32string out;
  for (std::size_t pos = 0; pos < s.size();) out.push_back(decode(s, pos));
  return out;
}

bool is_c0_c1(char32_t c) { return c <= 0x1F || (c >= 0x7F && c <= 0x9F); }

// Jira's JQL lexer: a quoted string may not hold control characters or the noncharacters
// U+FDD0..U+FDEF, U+FFFE, U+FFFF raw; escapes are \t \n \r \" \' \\ \<space> and \uXXXX.
bool jql_raw_forbidden(char32_t c) {
  return is_c0_c1(c) || (c >= 0xFDD0 && c <= 0xFDEF) || c == 0xFFFE || c == 0xFFFF;
}

// CQL (Confluence's lexer is JQL's): the same escapes; control characters never raw.
bool cql_raw_forbidden(char32_t c) { return is_c0_c1(c); }

std::optional<int> hex_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return std::nullopt;
}

// The value of one double-quoted literal spanning all of `quoted`, or nullopt when the
// language would refuse it.
std::optional<std::u32string> read_literal(std::string_view quoted, bool (*raw_forbidden)(char32_t)) {
  const std::u32string in = decode_all(quoted);
  if (in.size() < 2 || in.front() != U'"' || in.back() != U'"') return std::nullopt;
  std::u32string out;
  for (std::size_t i = 1; i + 1 < in.size(); ++i) {
    const char32_t c = in[i];
    if (c == U'"') return std::nullopt;  // a quote inside must be escaped
    if (c != U'\\') {
      if (raw_forbidden(c)) return std::nullopt;
      out.push_back(c);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;  // the backslash would escape the closing quote
    const char32_t e = in[++i];
    switch (e) {
      case U't': out.push_back(U'\t'); break;
      case U'n': out.push_back(U'\n'); break;
      case U'r': out.push_back(U'\r'); break;
      case U'"':
      case U'\'':
      case U'\\':
      case U' ': out.push_back(e); break;
      case U'u': {
        if (i + 5 >= in.size()) return std::nullopt;
        char32_t value = 0;
        for (int k = 0; k < 4; ++k) {
          const auto digit = hex_value(in[++i]);
          if (!digit) return std::nullopt;
          value = value * 16 + static_cast<char32_t>(*digit);
        }
        if (value >= 0xD800 && value <= 0xDFFF) return std::nullopt;  // no lone surrogates
        out.push_back(value);
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

[[noreturn]] void differs(const char* what, std::string_view input, std::string_view quoted) {
  std::fprintf(stderr, "%s: input %zu bytes, quoted as [%.*s]\n", what, input.size(), static_cast<int>(quoted.size()),
               quoted.data());
  std::abort();
}

// What cql_quote promises to keep: tab/CR/LF as spaces, other controls dropped.
std::u32string cql_expected(const std::u32string& literal) {
  std::u32string out;
  for (char32_t c : literal) {
    if (c == U'\t' || c == U'\n' || c == U'\r') {
      out.push_back(U' ');
    } else if (!is_c0_c1(c)) {
      out.push_back(c);
    }
  }
  return out;
}

// What lucene_phrase promises: words separated by single spaces, ends trimmed, quoted, with
// \ and " escaped by a backslash.
std::u32string phrase_expected(const std::u32string& literal) {
  std::u32string words;
  bool gap = false;
  for (char32_t c : literal) {
    if (c == U' ' || is_c0_c1(c)) {
      gap = !words.empty();
      continue;
    }
    if (gap) words.push_back(U' ');
    gap = false;
    if (c == U'"' || c == U'\\') words.push_back(U'\\');
    words.push_back(c);
  }
  return U"\"" + words + U"\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline::core;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::u32string literal = decode_all(input);

  const std::string jql = jql_quote(input);
  const auto jql_read = read_literal(jql, jql_raw_forbidden);
  if (!jql_read) differs("jql_quote gave a literal JQL refuses", input, jql);
  if (*jql_read != literal) differs("jql_quote's literal reads back as other text", input, jql);

  const std::string cql = cql_quote(input);
  const auto cql_read = read_literal(cql, cql_raw_forbidden);
  if (!cql_read) differs("cql_quote gave a literal CQL refuses", input, cql);
  if (*cql_read != cql_expected(literal)) differs("cql_quote's literal reads back as other text", input, cql);

  const std::string phrase = lucene_phrase(input);
  if (decode_all(phrase) != phrase_expected(literal)) differs("lucene_phrase is not the words of its input", input, phrase);
  const auto phrase_in_jql = read_literal(jql_quote(phrase), jql_raw_forbidden);
  if (!phrase_in_jql || *phrase_in_jql != decode_all(phrase)) differs("a phrase does not survive jql_quote", input, phrase);
  const auto phrase_in_cql = read_literal(cql_quote(phrase), cql_raw_forbidden);
  if (!phrase_in_cql || *phrase_in_cql != decode_all(phrase)) differs("a phrase does not survive cql_quote", input, phrase);
  return 0;
}
