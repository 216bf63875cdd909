// Internal to the JQL evaluator: the syntax tree parse() builds and matches()/compare() walk,
// plus the text and time helpers both halves share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jql.hpp"
#include "text_query.hpp"

namespace sandbox::jql {

// Milliseconds since the Unix epoch, UTC.
using Millis = std::int64_t;

// The field families the evaluator knows.
enum class FieldKind {
  Project, Key, IssueType, Status, StatusCategory, Labels, Parent, User, Priority, Summary,
  Description, Comment, Text, Created, Updated, Resolved, Due, Resolution, FixVersion, Component,
  Sprint, Watcher, IssueLinkType, Custom
};

// A field as written in the query, resolved to where it lives in the issue JSON.
struct FieldRef {
  FieldKind kind = FieldKind::Custom;
  std::string display;     // the name as written, for messages
  std::string json_name;   // key under "fields" ("assignee", "customfield_10010"); empty = custom by name
  std::string lower_name;  // lower-cased custom field name, looked up in EvalContext when json_name is empty
};

// Clause operators.
enum class Op { Eq, NotEq, Gt, Ge, Lt, Le, Contains, NotContains, In, NotIn, Is, IsNot };

// Jira's spelling of an operator ("!=", "not in"), for messages and the parse structure.
std::string_view op_name(Op op);

// A calendar period such as "-4w 2d"; every component carries its sign.
struct Period {
  int years = 0;    // y
  int months = 0;   // M
  int weeks = 0;    // w
  int days = 0;     // d
  int hours = 0;    // h
  int minutes = 0;  // m
};

// What a date operand is anchored to.
enum class DateAnchor {
  Absolute, Relative, Now, StartOfDay, EndOfDay, StartOfWeek, EndOfWeek, StartOfMonth, EndOfMonth,
  StartOfYear, EndOfYear
};

// A date operand; resolved against EvalContext (clock, zone) at evaluation time.
struct DateSpec {
  DateAnchor anchor = DateAnchor::Absolute;
  std::int64_t local_minutes = 0;   // Absolute: local wall time in minutes since 1970-01-01 00:00
  Period offset;                    // Relative and functions: the increment
  bool shift_own_unit = false;      // functions: increment in the function's unit shifts the period
};

// A ~ / !~ query, read at parse time (Lucene syntax, see text_query.hpp) and analysed as the
// Jira index is: stop words dropped from terms, kept as position gaps ("") inside phrases (a
// phrase of nothing but stop words matches nothing).
struct TextQuery {
  std::vector<TextUnit> units;  // every positive unit must occur, no negated one may
};

// One operand: a literal, EMPTY, a function result or a parenthesised list.
struct Operand {
  // Which form the operand has.
  enum class Kind { Literal, Empty, CurrentUser, Date, SubTaskTypes, StandardTypes, Sprints, List };
  Kind kind = Kind::Literal;
  std::string text;               // Literal: the decoded value; functions: "name()"
  std::string raw;                // the source characters (a literal's quotes kept, a list's parentheses)
  std::vector<std::string> args;  // functions: the arguments as written (decoded)
  std::optional<double> number;   // Literal: the value read as a number, if it is one
  std::optional<DateSpec> date;   // Literal read as a date or period; Date: the function
  std::vector<Operand> items;     // List: the members
  TextQuery text_query;           // Literal under ~ / !~
};

// One `field op operand` clause.
struct Clause {
  FieldRef field;   // the left-hand side
  Op op = Op::Eq;   // the operator
  Operand operand;  // the right-hand side
};

// A node of the WHERE tree.
struct Node {
  // And/Or hold two or more children, Not one, Leaf a clause.
  enum class Kind { And, Or, Not, Leaf };
  Kind kind = Kind::Leaf;
  std::vector<Node> children;  // And, Or, Not
  Clause clause;               // Leaf
};

// One ORDER BY term.
struct SortKey {
  FieldRef field;           // what to sort by
  bool descending = false;  // DESC
  bool explicit_direction = false;  // ASC or DESC was written
};

// A parsed query.
struct Query {
  std::optional<Node> where;     // absent for an empty query or ORDER BY only
  std::vector<SortKey> order_by; // empty = numeric id descending
};

// ASCII-lower-cases s.
std::string to_lower(std::string_view s);

// Case-insensitive (ASCII) equality.
bool iequals(std::string_view a, std::string_view b);

// Case-insensitive (ASCII) three-way comparison.
int icompare(std::string_view a, std::string_view b);

// True for a non-empty string of ASCII digits.
bool all_digits(std::string_view s);

// Reads the value of a ~ clause into the units the evaluator matches (see TextQuery).
TextQuery make_text_query(std::string_view text);

// Parses "yyyy-MM-ddTHH:mm:ss[.SSS](Z|+hhmm|+hh:mm)" (Jira date-time) to UTC milliseconds.
std::optional<Millis> parse_datetime(std::string_view s);

// Parses "yyyy-MM-dd" to the local days since 1970-01-01.
std::optional<std::int64_t> parse_date_only(std::string_view s);

// Local days since the epoch at 00:00 in zone (nullptr = UTC), as UTC milliseconds.
Millis local_day_start(std::int64_t local_days, const date::time_zone* zone);

// Resolves a date operand to UTC milliseconds.
Millis resolve_date(const DateSpec& spec, const EvalContext& ctx);

}  // namespace sandbox::jql
