// A subset of Confluence Query Language (CQL), parsed and evaluated for real against the
// sandbox's content. Anything outside the subset is a parse error, never a silent mismatch.
//
// Fields: space (also space.key), type, label, title, text, siteSearch, ancestor, parent, id,
// creator, created, lastmodified. text and siteSearch search title, body and labels alike; their
// values (and title ~'s) are Lucene query text (see text_query.hpp), matched word by word with
// a crude English stemmer. Operators: = != ~ !~ in, not in, < <= > >=  (per field, as CQL allows).
// Values: "double" or 'single' quoted strings with \" \' \\ escapes, unquoted words, lists in
// parentheses, and the functions now("-4w"), currentUser(), startOfDay(), startOfWeek(),
// startOfMonth(), startOfYear(). Combinators: AND, OR, NOT, parentheses.
// ORDER BY created|lastmodified|title|id [asc|desc][, ...].
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text_query.hpp"

namespace sandbox {

// The searchable facts of one piece of content.
struct CqlDoc {
  std::string id;                     // content id
  std::string type;                   // "page", "blogpost", "attachment", ...
  std::string space_key;              // "OPS"
  std::string title;                  // current title
  std::string text;                   // searchable text: title, body text, labels
  std::string body;                   // the body's text alone (relevance and excerpts)
  std::vector<std::string> labels;    // label names (lower case)
  std::vector<std::string> ancestors; // ids from the root down to the parent
  std::int64_t created_ms = 0;        // creation time, milliseconds since the epoch (UTC)
  std::int64_t modified_ms = 0;       // last modification time, milliseconds since the epoch
  std::vector<std::string> creator;   // every identifier of the creator: accountId, name, key
};

// Facts about the request a query is evaluated in.
struct CqlContext {
  std::int64_t now_ms = 0;                  // the sandbox clock
  std::vector<std::string> current_user;    // identifiers of the caller, for currentUser()
};

// One value of a clause: a literal or a function call.
struct CqlValue {
  enum class Kind { Literal, Function };
  Kind kind = Kind::Literal;  // which of the two
  std::string text;           // the literal's text, or the function's name (lower case)
  std::vector<std::string> args;  // function arguments (string literals)
};

// A node of the parsed query: a clause or a combination of nodes.
struct CqlNode {
  enum class Kind { Clause, And, Or, Not };
  Kind kind = Kind::Clause;      // clause or combinator
  std::string field;             // clause: canonical field name ("space", "title", ...)
  std::string op;                // clause: "=", "!=", "~", "!~", "in", "not in", "<", ...
  std::vector<CqlValue> values;  // clause: one value, or the list for in / not in
  std::vector<CqlNode> children; // And/Or: two or more; Not: one
};

// One ORDER BY key.
struct CqlOrder {
  std::string field;      // "created", "lastmodified", "title" or "id"
  bool descending = false; // true for desc
};

// A parsed query.
struct CqlQuery {
  CqlNode root;                 // the condition
  std::vector<CqlOrder> order;  // ORDER BY keys, possibly none

  // True when `doc` satisfies the condition. Evaluation cannot fail: every value was
  // validated at parse time.
  bool matches(const CqlDoc& doc, const CqlContext& context) const;
  // Sorts `docs` by the ORDER BY keys (then by numeric id); stable.
  void sort(std::vector<const CqlDoc*>& docs) const;
  // The terms and phrases of the positive text clauses (text ~, siteSearch ~, title ~; none
  // under NOT or !~): what relevance counts and excerpts highlight.
  std::vector<TextUnit> search_units() const;
};

// Parses `cql`. The error is a human-readable reason naming the offending token and position,
// meant for Confluence's "Could not parse cql" 400 answer.
std::expected<CqlQuery, std::string> parse_cql(std::string_view cql);

// Relevance of `doc` for `units`: each match in the title counts 4, each in the body 1; 0 for
// no units.
double cql_relevance(const std::vector<TextUnit>& units, const CqlDoc& doc);

// Byte ranges [first, second) of the words of `text` that `units` match (each word of a matched
// phrase), in text order and not overlapping.
std::vector<std::pair<std::size_t, std::size_t>> cql_match_ranges(std::string_view text, const std::vector<TextUnit>& units);

// Parses a CQL date value ("yyyy-MM-dd", "yyyy/MM/dd", optionally followed by " HH:mm") into
// milliseconds since the epoch, UTC. Nothing when malformed.
std::expected<std::int64_t, std::string> parse_cql_date(std::string_view text);

}  // namespace sandbox
