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

}  // namespace faultline::core
