#include "faultline/core/query.hpp"

#include <fmt/format.h>

#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

// The code points Jira's JqlStringSupportImpl writes as \uXXXX.
bool jql_needs_unicode_escape(char32_t cp) {
  return cp <= 0x08 || cp == 0x0B || cp == 0x0C || (cp >= 0x0E && cp <= 0x1F) ||
         (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || cp == 0xFFFE || cp == 0xFFFF;
}

bool is_control(char32_t cp) { return cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F); }

template <class Quote>
std::string quoted_list(const std::vector<std::string>& values, Quote quote) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(values[i]);
  }
  out += ")";
  return out;
}

}  // namespace

std::string jql_quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < value.size()) {
    const char32_t cp = next_code_point(value, pos);
    switch (cp) {
      case U'"': out += "\\\""; break;
      case U'\\': out += "\\\\"; break;
      case U'\t': out += "\\t"; break;
      case U'\n': out += "\\n"; break;
      case U'\r': out += "\\r"; break;
      default:
        if (jql_needs_unicode_escape(cp)) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else {
          append_utf8(out, cp);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string jql_list(const std::vector<std::string>& values) {
  return quoted_list(values, [](const std::string& v) { return jql_quote(v); });
}

std::string jql_and(const std::vector<std::string>& clauses) {
  std::vector<const std::string*> kept;
  for (const auto& clause : clauses) {
    if (!clause.empty()) kept.push_back(&clause);
  }
  if (kept.size() == 1) return *kept.front();
  std::string out;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += " AND ";
    out += "(" + *kept[i] + ")";
  }
  return out;
}

std::string cql_quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < value.size()) {
    const char32_t cp = next_code_point(value, pos);
    if (cp == U'"' || cp == U'\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == U'\t' || cp == U'\n' || cp == U'\r') {
      out.push_back(' ');
    } else if (!is_control(cp)) {
      append_utf8(out, cp);
    }
  }
  out.push_back('"');
  return out;
}

std::string cql_list(const std::vector<std::string>& values) {
  return quoted_list(values, [](const std::string& v) { return cql_quote(v); });
}

std::string lucene_phrase(std::string_view text) {
  std::string out = "\"";
  bool gap = false;  // a run of whitespace or control characters waits to become one space
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (cp == U' ' || is_control(cp)) {
      gap = out.size() > 1;
      continue;
    }
    if (gap) out.push_back(' ');
    gap = false;
    if (cp == U'"' || cp == U'\\') out.push_back('\\');
    append_utf8(out, cp);
  }
  out.push_back('"');
  return out;
}

}  // namespace faultline::core
