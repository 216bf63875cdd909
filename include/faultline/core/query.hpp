// JQL and CQL building. Every value that reaches a query goes through jql_quote / cql_quote,
// so a hostile summary, label or title cannot change the query's meaning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

// A JQL string literal: wrapped in double quotes, with \ " and control characters escaped
// the way Jira's own encoder does (\\ \" \t \n \r, \uXXXX for other controls and the
// noncharacters U+FDD0-FDEF, U+FFFE-FFFF). Invalid UTF-8 bytes become U+FFFD.
std::string jql_quote(std::string_view value);

// "(" + quoted values joined by ", " + ")", for IN / NOT IN. An empty list gives "()",
// which Jira rejects: callers skip the clause instead.
std::string jql_list(const std::vector<std::string>& values);

// Joins JQL clauses with AND, each parenthesised when there are several; empty clauses are
// skipped; no clauses give "".
std::string jql_and(const std::vector<std::string>& clauses);

// A CQL string literal: double quotes, with \ and " escaped; tab, CR and LF become spaces,
// other control characters are dropped, invalid UTF-8 bytes become U+FFFD.
std::string cql_quote(std::string_view value);

// "(" + cql_quote'd values joined by ", " + ")", for CQL IN.
std::string cql_list(const std::vector<std::string>& values);

// User text as one literal Lucene phrase, the value of a `text ~` / `summary ~` (JQL) or
// `text ~` / `siteSearch ~` (CQL) clause: wrapped in double quotes, \ and " escaped with a
// backslash, whitespace and control characters made single spaces, ends trimmed, invalid
// UTF-8 bytes U+FFFD. Inside a phrase Lucene's operators (AND OR NOT + - * ? ~ : ^ ( ) [ ] { })
// are plain text, so the search finds the words as written and nothing else. The result is a
// value, not a clause: it still goes through jql_quote or cql_quote.
// lucene_phrase(R"(a" OR b \)") == R"("a\" OR b \\")"; "" (and blank text) gives "\"\"".
std::string lucene_phrase(std::string_view text);

}  // namespace faultline::core
