// JQL tokenizer and recursive-descent parser, written from Atlassian's documented JQL grammar
// (reference/jira-confluence.md section 6). Errors use Jira's wording where it is known.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jql_ast.hpp"
#include "service.hpp"

namespace sandbox::jql {
namespace {

// An error raised while parsing; parse() turns it into the returned message.
struct JqlError {
  std::string message;  // Jira-worded message
};

// Token types.
enum class Tok { Word, String, LParen, RParen, Comma, LBracket, RBracket, Op, Not, And, Or, End };

// One token: its type, decoded text and where it starts.
struct Token {
  Tok type = Tok::End;
  std::string text;        // decoded value (Word, String) or operator spelling (Op)
  std::string_view raw;    // the source characters
  std::size_t pos = 0;     // byte offset in the query
};

// Words Jira reserves; they must be quoted to be used as values or field names.
constexpr std::array<std::string_view, 211> k_reserved_words = {
    "abort", "access", "add", "after", "alias", "all", "alter", "and", "any", "as", "asc", "audit",
    "avg", "before", "begin", "between", "boolean", "break", "by", "byte", "catch", "cf",
    "changed", "char", "character", "check", "checkpoint", "collate", "collation", "column",
    "commit", "connect", "continue", "count", "create", "current", "date", "decimal", "declare",
    "decrement", "default", "defaults", "define", "delete", "delimiter", "desc", "difference",
    "distinct", "divide", "do", "double", "drop", "else", "empty", "encoding", "end", "equals",
    "escape", "exclusive", "exec", "execute", "exists", "explain", "false", "fetch", "file",
    "field", "first", "float", "for", "from", "function", "go", "goto", "grant", "greater",
    "group", "having", "identified", "if", "immediate", "in", "increment", "index", "initial",
    "inner", "inout", "input", "insert", "int", "integer", "intersect", "intersection", "into",
    "is", "isempty", "isnull", "join", "last", "left", "less", "like", "limit", "lock", "long",
    "max", "min", "minus", "mode", "modify", "modulo", "more", "multiply", "next", "noaudit",
    "not", "notin", "nowait", "null", "number", "object", "of", "on", "option", "or", "order",
    "outer", "output", "power", "previous", "prior", "privileges", "public", "raise", "raw",
    "remainder", "rename", "resource", "return", "returns", "revoke", "right", "row", "rowid",
    "rownum", "rows", "select", "session", "set", "share", "size", "sqrt", "start", "strict",
    "string", "subtract", "sum", "synonym", "table", "then", "to", "trans", "transaction",
    "trigger", "true", "uid", "union", "unique", "update", "user", "validate", "values", "view",
    "was", "when", "whenever", "where", "while", "with"};

// True if the lower-cased word is reserved.
bool is_reserved(std::string_view lower) {
  return std::find(k_reserved_words.begin(), k_reserved_words.end(), lower) != k_reserved_words.end();
}

// Characters that end an unquoted word.
bool is_delimiter(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case '"': case '\'': case '(': case ')': case '[': case ']': case ',':
    case '=': case '!': case '<': case '>': case '~': case '&': case '|':
      return true;
    default:
      return false;
  }
}


// Splits the query into tokens, decoding quoted strings and escapes.
class Lexer {
public:
  // Prepares to tokenize src.
  explicit Lexer(std::string_view src) : m_src(src) {}

  // Tokenizes the whole query; the last token is End.
  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      if (m_pos >= m_src.size()) {
        out.push_back(Token{Tok::End, "", m_src.substr(m_pos), m_pos});
        return out;
      }
      out.push_back(next());
    }
  }

  // "(line L, character C)" for a byte offset.
  static std::string where(std::string_view src, std::size_t pos) {
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < pos && i < src.size(); ++i) {
      if (src[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return "(line " + std::to_string(line) + ", character " + std::to_string(pos - line_start + 1) + ")";
  }

private:
  void skip_space() {
    while (m_pos < m_src.size() &&
           (m_src[m_pos] == ' ' || m_src[m_pos] == '\t' || m_src[m_pos] == '\n' ||
            m_src[m_pos] == '\r' || m_src[m_pos] == '\f' || m_src[m_pos] == '\v')) {
      ++m_pos;
    }
  }

  [[noreturn]] void fail(const std::string& what, std::size_t pos) const {
    throw JqlError{"Error in the JQL Query: " + what + " " + where(m_src, pos)};
  }

  Token make(Tok type, std::size_t start, std::size_t len, std::string text) {
    m_pos = start + len;
    return Token{type, std::move(text), m_src.substr(start, len), start};
  }

  Token next() {
    std::size_t start = m_pos;
    char c = m_src[m_pos];
    char d = m_pos + 1 < m_src.size() ? m_src[m_pos + 1] : '\0';
    switch (c) {
      case '(': return make(Tok::LParen, start, 1, "(");
      case ')': return make(Tok::RParen, start, 1, ")");
      case '[': return make(Tok::LBracket, start, 1, "[");
      case ']': return make(Tok::RBracket, start, 1, "]");
      case ',': return make(Tok::Comma, start, 1, ",");
      case '=': return make(Tok::Op, start, 1, "=");
      case '~': return make(Tok::Op, start, 1, "~");
      case '!':
        if (d == '=') return make(Tok::Op, start, 2, "!=");
        if (d == '~') return make(Tok::Op, start, 2, "!~");
        return make(Tok::Not, start, 1, "!");
      case '<':
        if (d == '=') return make(Tok::Op, start, 2, "<=");
        return make(Tok::Op, start, 1, "<");
      case '>':
        if (d == '=') return make(Tok::Op, start, 2, ">=");
        return make(Tok::Op, start, 1, ">");
      case '&': return make(Tok::And, start, d == '&' ? 2 : 1, "&&");
      case '|': return make(Tok::Or, start, d == '|' ? 2 : 1, "||");
      case '"':
      case '\'':
        return quoted(c);
      default:
        return word();
    }
  }

  // Decodes the escape at m_pos (the backslash) into out.
  void escape(std::string& out) {
    std::size_t at = m_pos;
    if (m_pos + 1 >= m_src.size()) fail("Illegal escape sequence '\\' at the end of the query.", at);
    char e = m_src[m_pos + 1];
    m_pos += 2;
    switch (e) {
      case '"': out += '"'; return;
      case '\'': out += '\''; return;
      case '\\': out += '\\'; return;
      case ' ': out += ' '; return;
      case 't': out += '\t'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 'u': {
        if (m_pos + 4 > m_src.size()) fail("Illegal Unicode escape '\\u' (expecting four hex digits).", at);
        unsigned cp = 0;
        auto hex = m_src.substr(m_pos, 4);
        auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + 4, cp, 16);
        if (ec != std::errc{} || ptr != hex.data() + 4) {
          fail("Illegal Unicode escape '\\u" + std::string(hex) + "'.", at);
        }
        m_pos += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && m_pos + 6 <= m_src.size() && m_src[m_pos] == '\\' &&
            m_src[m_pos + 1] == 'u') {
          unsigned low = 0;
          auto lo = m_src.substr(m_pos + 2, 4);
          auto [lptr, lec] = std::from_chars(lo.data(), lo.data() + 4, low, 16);
          if (lec == std::errc{} && lptr == lo.data() + 4 && low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            m_pos += 6;
          }
        }
        append_utf8(out, cp);
        return;
      }
      default:
        fail("Illegal escape sequence '\\" + std::string(1, e) + "'.", at);
    }
  }

  Token quoted(char quote) {
    std::size_t start = m_pos++;
    std::string text;
    while (true) {
      if (m_pos >= m_src.size()) {
        fail("The quoted string '" + text + "' has not been completed.", start);
      }
      char c = m_src[m_pos];
      if (c == quote) {
        ++m_pos;
        break;
      }
      if (c == '\\') {
        escape(text);
      } else {
        text += c;
        ++m_pos;
      }
    }
    return Token{Tok::String, std::move(text), m_src.substr(start, m_pos - start), start};
  }

  Token word() {
    std::size_t start = m_pos;
    std::string text;
    while (m_pos < m_src.size() && !is_delimiter(m_src[m_pos])) {
      if (m_src[m_pos] == '\\') {
        escape(text);
      } else {
        text += m_src[m_pos++];
      }
    }
    return Token{Tok::Word, std::move(text), m_src.substr(start, m_pos - start), start};
  }

  std::string_view m_src;
  std::size_t m_pos = 0;
};

// A built-in field name and its family.
struct BuiltinField {
  std::string_view name;      // lower-cased clause name
  FieldKind kind;             // family
  std::string_view json_name; // key under "fields"
};

constexpr std::array<BuiltinField, 33> k_builtin_fields = {{
    {"project", FieldKind::Project, "project"},
    {"key", FieldKind::Key, ""},
    {"issuekey", FieldKind::Key, ""},
    {"id", FieldKind::Key, ""},
    {"issuetype", FieldKind::IssueType, "issuetype"},
    {"type", FieldKind::IssueType, "issuetype"},
    {"status", FieldKind::Status, "status"},
    {"statuscategory", FieldKind::StatusCategory, "status"},
    {"labels", FieldKind::Labels, "labels"},
    {"parent", FieldKind::Parent, "parent"},
    {"assignee", FieldKind::User, "assignee"},
    {"reporter", FieldKind::User, "reporter"},
    {"priority", FieldKind::Priority, "priority"},
    {"summary", FieldKind::Summary, "summary"},
    {"description", FieldKind::Description, "description"},
    {"environment", FieldKind::Description, "environment"},
    {"comment", FieldKind::Comment, "comment"},
    {"text", FieldKind::Text, ""},
    {"created", FieldKind::Created, "created"},
    {"createddate", FieldKind::Created, "created"},
    {"updated", FieldKind::Updated, "updated"},
    {"updateddate", FieldKind::Updated, "updated"},
    {"resolutiondate", FieldKind::Resolved, "resolutiondate"},
    {"resolved", FieldKind::Resolved, "resolutiondate"},
    {"duedate", FieldKind::Due, "duedate"},
    {"due", FieldKind::Due, "duedate"},
    {"resolution", FieldKind::Resolution, "resolution"},
    {"fixversion", FieldKind::FixVersion, "fixVersions"},
    {"component", FieldKind::Component, "components"},
    {"sprint", FieldKind::Sprint, ""},
    {"watcher", FieldKind::Watcher, ""},
    {"watchers", FieldKind::Watcher, ""},
    {"issuelinktype", FieldKind::IssueLinkType, ""},
}};

// True for families whose values are instants.
bool is_date_kind(FieldKind k) {
  return k == FieldKind::Created || k == FieldKind::Updated || k == FieldKind::Resolved || k == FieldKind::Due;
}

// True for families searched with ~.
bool is_text_kind(FieldKind k) {
  return k == FieldKind::Summary || k == FieldKind::Description || k == FieldKind::Comment ||
         k == FieldKind::Text;
}


// True if op applies to a field of family k.
bool op_allowed(FieldKind k, Op op) {
  bool ordering = op == Op::Gt || op == Op::Ge || op == Op::Lt || op == Op::Le;
  bool text = op == Op::Contains || op == Op::NotContains;
  if (k == FieldKind::Custom) return true;
  if (is_text_kind(k)) return text || op == Op::Is || op == Op::IsNot;
  if (text) return false;
  if (ordering) return is_date_kind(k) || k == FieldKind::Key;
  return true;
}

// Parses digits [from, to) as a non-negative int.
std::optional<int> read_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parses "yyyy-MM-dd", "yyyy/MM/dd" with an optional " HH:mm" into local minutes.
std::optional<std::int64_t> parse_date_literal(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) -> std::optional<int> {
    std::size_t start = i;
    while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') ++i;
    if (i - start < min) return std::nullopt;
    return read_int(s.substr(start, i - start));
  };
  auto y = digits(4, 4);
  if (!y || i >= s.size() || (s[i] != '-' && s[i] != '/')) return std::nullopt;
  char sep = s[i++];
  auto mo = digits(1, 2);
  if (!mo || i >= s.size() || s[i] != sep) return std::nullopt;
  ++i;
  auto d = digits(1, 2);
  if (!d) return std::nullopt;
  int hh = 0;
  int mm = 0;
  if (i < s.size()) {
    if (s[i] != ' ') return std::nullopt;
    while (i < s.size() && s[i] == ' ') ++i;
    auto h = digits(1, 2);
    if (!h || i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    auto m = digits(2, 2);
    if (!m || i != s.size() || *h > 23 || *m > 59) return std::nullopt;
    hh = *h;
    mm = *m;
  }
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                           date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t days = date::local_days{ymd}.time_since_epoch().count();
  return days * 1440 + hh * 60 + mm;
}

// A parsed period and whether it was a bare number (unit left to the caller).
struct ParsedPeriod {
  Period period;          // the components, signed
  bool unitless = false;  // a bare number such as -1
  int count = 0;          // the bare number
};

// Largest count accepted in one period component (keeps calendar arithmetic in range).
constexpr int k_max_period_count = 1'000'000;

// Parses "-4w 2d", "+7d", "2w", "-30m" (and, if allow_unitless, a bare "-1").
std::optional<ParsedPeriod> parse_period(std::string_view s, bool allow_unitless) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  int sign = 1;
  if (s.front() == '-' || s.front() == '+') {
    sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  ParsedPeriod out;
  bool any = false;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    auto n = read_int(s.substr(start, i - start));
    if (!n || *n > k_max_period_count) return std::nullopt;
    if (i == s.size()) {
      if (any || !allow_unitless) return std::nullopt;
      out.unitless = true;
      out.count = sign * *n;
      return out;
    }
    int v = sign * *n;
    switch (s[i]) {
      case 'y': out.period.years += v; break;
      case 'M': out.period.months += v; break;
      case 'w': out.period.weeks += v; break;
      case 'd': out.period.days += v; break;
      case 'h': out.period.hours += v; break;
      case 'm': out.period.minutes += v; break;
      default: return std::nullopt;
    }
    ++i;
    any = true;
    while (i < s.size() && s[i] == ' ') ++i;
  }
  return any ? std::optional<ParsedPeriod>(out) : std::nullopt;
}

// A known JQL function.
struct FunctionInfo {
  std::string_view name;    // lower-cased name
  std::string_view display; // Jira's spelling
  Operand::Kind kind;       // what it yields
  DateAnchor anchor;        // for date functions
  int max_args;             // 0 or 1
  char unit;                // the period unit for date functions ('d', 'w', 'M', 'y'; 0 = none)
};

constexpr std::array<FunctionInfo, 15> k_functions = {{
    {"now", "now", Operand::Kind::Date, DateAnchor::Now, 0, 0},
    {"startofday", "startOfDay", Operand::Kind::Date, DateAnchor::StartOfDay, 1, 'd'},
    {"endofday", "endOfDay", Operand::Kind::Date, DateAnchor::EndOfDay, 1, 'd'},
    {"startofweek", "startOfWeek", Operand::Kind::Date, DateAnchor::StartOfWeek, 1, 'w'},
    {"endofweek", "endOfWeek", Operand::Kind::Date, DateAnchor::EndOfWeek, 1, 'w'},
    {"startofmonth", "startOfMonth", Operand::Kind::Date, DateAnchor::StartOfMonth, 1, 'M'},
    {"endofmonth", "endOfMonth", Operand::Kind::Date, DateAnchor::EndOfMonth, 1, 'M'},
    {"startofyear", "startOfYear", Operand::Kind::Date, DateAnchor::StartOfYear, 1, 'y'},
    {"endofyear", "endOfYear", Operand::Kind::Date, DateAnchor::EndOfYear, 1, 'y'},
    {"currentuser", "currentUser", Operand::Kind::CurrentUser, DateAnchor::Now, 0, 0},
    {"subtaskissuetypes", "subTaskIssueTypes", Operand::Kind::SubTaskTypes, DateAnchor::Now, 0, 0},
    {"standardissuetypes", "standardIssueTypes", Operand::Kind::StandardTypes, DateAnchor::Now, 0, 0},
    {"opensprints", "openSprints", Operand::Kind::Sprints, DateAnchor::Now, 0, 0},
    {"closedsprints", "closedSprints", Operand::Kind::Sprints, DateAnchor::Now, 0, 0},
    {"futuresprints", "futureSprints", Operand::Kind::Sprints, DateAnchor::Now, 0, 0},
}};

// True if p only has components in the given unit.
bool only_unit(const Period& p, char unit) {
  int other = 0;
  int own = 0;
  auto add = [&](char u, int v) { (u == unit ? own : other) += v != 0 ? 1 : 0; };
  add('y', p.years);
  add('M', p.months);
  add('w', p.weeks);
  add('d', p.days);
  add('h', p.hours);
  add('m', p.minutes);
  return other == 0;
}

// Puts n units of the given kind into p.
void set_unit(Period& p, char unit, int n) {
  switch (unit) {
    case 'y': p.years = n; break;
    case 'M': p.months = n; break;
    case 'w': p.weeks = n; break;
    case 'd': p.days = n; break;
    default: break;
  }
}

// Deepest NOT / parenthesis nesting accepted (guards the recursion).
constexpr int k_max_depth = 200;

// The recursive-descent parser over the token list.
class Parser {
public:
  // Tokenizes src; ctx (may be null) validates custom field names.
  Parser(std::string_view src, const EvalContext* ctx) : m_src(src), m_ctx(ctx) {
    m_tokens = Lexer(src).run();
  }

  // query := [or_expr] [ORDER BY sort (',' sort)*] END
  Query parse_query() {
    Query q;
    if (peek().type != Tok::End && !is_keyword(peek(), "order")) q.where = parse_or();
    if (is_keyword(peek(), "order")) {
      next();
      if (!is_keyword(peek(), "by")) fail_expecting("'by'");
      next();
      while (true) {
        SortKey key;
        std::size_t at = peek().pos;
        key.field = parse_field();
        if (key.field.kind == FieldKind::Description || key.field.kind == FieldKind::Comment ||
            key.field.kind == FieldKind::Text) {
          throw JqlError{"Error in the JQL Query: Field '" + key.field.display +
                         "' does not support sorting. " + Lexer::where(m_src, at)};
        }
        if (is_keyword(peek(), "asc")) {
          key.explicit_direction = true;
          next();
        } else if (is_keyword(peek(), "desc")) {
          key.descending = true;
          key.explicit_direction = true;
          next();
        }
        q.order_by.push_back(std::move(key));
        if (peek().type != Tok::Comma) break;
        next();
      }
      if (peek().type != Tok::End) fail_expecting("either 'ASC', 'DESC' or ','");
    }
    if (peek().type != Tok::End) fail_expecting("either 'OR' or 'AND'");
    return q;
  }

private:
  const Token& peek(std::size_t ahead = 0) const {
    std::size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
    return m_tokens[i];
  }
  const Token& next() {
    const Token& t = m_tokens[m_pos];
    if (m_pos + 1 < m_tokens.size()) ++m_pos;
    return t;
  }
  static bool is_keyword(const Token& t, std::string_view lower_word) {
    return t.type == Tok::Word && iequals(t.text, lower_word);
  }

  // "'x'" or "the end of the query" for messages.
  static std::string describe(const Token& t) {
    if (t.type == Tok::End) return "the end of the query";
    return "'" + std::string(t.raw) + "'";
  }

  [[noreturn]] void fail_expecting(const std::string& what) const {
    throw JqlError{"Error in the JQL Query: Expecting " + what + " but got " + describe(peek()) + ". " +
                   Lexer::where(m_src, peek().pos)};
  }
  [[noreturn]] void fail_at(const std::string& what, std::size_t pos) const {
    throw JqlError{"Error in the JQL Query: " + what + " " + Lexer::where(m_src, pos)};
  }
  [[noreturn]] void fail_reserved(const Token& t) const {
    fail_at("'" + t.text + "' is a reserved JQL word. You must surround it in quotation marks to use it in a query.",
            t.pos);
  }

  Node parse_or() {
    Node first = parse_and();
    if (!(peek().type == Tok::Or || is_keyword(peek(), "or"))) return first;
    Node n;
    n.kind = Node::Kind::Or;
    n.children.push_back(std::move(first));
    while (peek().type == Tok::Or || is_keyword(peek(), "or")) {
      next();
      n.children.push_back(parse_and());
    }
    return n;
  }

  Node parse_and() {
    Node first = parse_not();
    if (!(peek().type == Tok::And || is_keyword(peek(), "and"))) return first;
    Node n;
    n.kind = Node::Kind::And;
    n.children.push_back(std::move(first));
    while (peek().type == Tok::And || is_keyword(peek(), "and")) {
      next();
      n.children.push_back(parse_not());
    }
    return n;
  }

  Node parse_not() {
    if (++m_depth > k_max_depth) fail_at("The query is nested too deeply.", peek().pos);
    Node n = parse_not_inner();
    --m_depth;
    return n;
  }

  Node parse_not_inner() {
    if (peek().type == Tok::Not || is_keyword(peek(), "not")) {
      next();
      Node n;
      n.kind = Node::Kind::Not;
      n.children.push_back(parse_not());
      return n;
    }
    if (peek().type == Tok::LParen) {
      next();
      Node inner = parse_or();
      if (peek().type != Tok::RParen) fail_expecting("')'");
      next();
      return inner;
    }
    Node n;
    n.kind = Node::Kind::Leaf;
    n.clause = parse_clause();
    return n;
  }

  // field := WORD | STRING | cf '[' digits ']'
  FieldRef parse_field() {
    const Token& t = peek();
    FieldRef f;
    if (t.type == Tok::Word && iequals(t.text, "cf") && peek(1).type == Tok::LBracket) {
      next();
      next();
      const Token& id = peek();
      if (id.type != Tok::Word || !all_digits(id.text) || id.text.size() > 18) fail_expecting("a custom field id");
      std::string digits = id.text;
      next();
      if (peek().type != Tok::RBracket) fail_expecting("']'");
      next();
      f.kind = FieldKind::Custom;
      f.display = "cf[" + digits + "]";
      f.json_name = "customfield_" + digits;
      if (m_ctx && !m_ctx->custom_field_ids_by_name.empty()) {
        bool known = std::any_of(m_ctx->custom_field_ids_by_name.begin(), m_ctx->custom_field_ids_by_name.end(),
                                 [&](const auto& kv) { return kv.second == f.json_name; });
        if (!known) throw unknown_field(f.display);
      }
      return f;
    }
    if (t.type != Tok::Word && t.type != Tok::String) fail_expecting("a field name");
    std::string lower = to_lower(t.text);
    if (t.type == Tok::Word && is_reserved(lower)) fail_reserved(t);
    f.display = t.text;
    next();
    for (const auto& b : k_builtin_fields) {
      if (b.name == lower) {
        f.kind = b.kind;
        f.json_name = b.json_name;
        return f;
      }
    }
    if (lower.empty()) throw unknown_field(f.display);
    f.kind = FieldKind::Custom;
    f.lower_name = lower;
    if (m_ctx) {
      auto it = m_ctx->custom_field_ids_by_name.find(lower);
      if (it == m_ctx->custom_field_ids_by_name.end()) throw unknown_field(f.display);
      f.json_name = it->second;
    }
    return f;
  }

  static JqlError unknown_field(const std::string& name) {
    return JqlError{"Field '" + name + "' does not exist or you do not have permission to view it."};
  }

  Op parse_operator() {
    const Token& t = peek();
    if (t.type == Tok::Op) {
      next();
      if (t.text == "=") return Op::Eq;
      if (t.text == "!=") return Op::NotEq;
      if (t.text == ">") return Op::Gt;
      if (t.text == ">=") return Op::Ge;
      if (t.text == "<") return Op::Lt;
      if (t.text == "<=") return Op::Le;
      if (t.text == "~") return Op::Contains;
      return Op::NotContains;
    }
    if (is_keyword(t, "in")) {
      next();
      return Op::In;
    }
    if (is_keyword(t, "not")) {
      next();
      if (!is_keyword(peek(), "in")) fail_expecting("'IN'");
      next();
      return Op::NotIn;
    }
    if (is_keyword(t, "is")) {
      next();
      if (is_keyword(peek(), "not")) {
        next();
        return Op::IsNot;
      }
      return Op::Is;
    }
    if (is_keyword(t, "was") || is_keyword(t, "changed")) {
      fail_at("The history operator '" + to_lower(t.text) + "' is not supported by the sandbox.", t.pos);
    }
    throw JqlError{"Error in the JQL Query: Expecting operator but got " + describe(t) +
                   ". Valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and "
                   "'IS NOT'. " + Lexer::where(m_src, t.pos)};
  }

  // value := WORD | STRING | EMPTY | NULL | function
  Operand parse_single() {
    const Token& t = peek();
    if (t.type == Tok::Word && peek(1).type == Tok::LParen) return parse_function();
    if (t.type == Tok::Word) {
      std::string lower = to_lower(t.text);
      if (lower == "empty" || lower == "null") {
        next();
        Operand o;
        o.kind = Operand::Kind::Empty;
        return o;
      }
      if (is_reserved(lower)) fail_reserved(t);
    } else if (t.type != Tok::String) {
      fail_expecting("either a value, list or function");
    }
    Operand o;
    o.kind = Operand::Kind::Literal;
    o.text = t.text;
    o.raw = std::string(t.raw);
    next();
    double num = 0;
    auto [ptr, ec] = std::from_chars(o.text.data(), o.text.data() + o.text.size(), num);
    if (!o.text.empty() && ec == std::errc{} && ptr == o.text.data() + o.text.size()) o.number = num;
    if (auto p = parse_period(o.text, false)) {
      DateSpec d;
      d.anchor = DateAnchor::Relative;
      d.offset = p->period;
      o.date = d;
    } else if (auto lm = parse_date_literal(o.text)) {
      DateSpec d;
      d.anchor = DateAnchor::Absolute;
      d.local_minutes = *lm;
      o.date = d;
    }
    return o;
  }

  Operand parse_function() {
    const Token& name = next();
    std::size_t at = name.pos;
    next();  // '('
    std::vector<std::string> args;
    std::string arg_text;
    if (peek().type != Tok::RParen) {
      while (true) {
        const Token& a = peek();
        if (a.type != Tok::Word && a.type != Tok::String) fail_expecting("a function argument");
        args.push_back(a.text);
        if (!arg_text.empty()) arg_text += ", ";
        arg_text += a.raw;
        next();
        if (peek().type == Tok::Comma) {
          next();
          continue;
        }
        break;
      }
    }
    if (peek().type != Tok::RParen) fail_expecting("')'");
    next();
    std::string lower = to_lower(name.text);
    const FunctionInfo* info = nullptr;
    for (const auto& f : k_functions) {
      if (f.name == lower) info = &f;
    }
    if (!info) fail_at("Unable to find JQL function '" + name.text + "(" + arg_text + ")'.", at);
    if (static_cast<int>(args.size()) > info->max_args) {
      std::string expected = info->max_args == 0 ? "'0'" : "between '0' and '" + std::to_string(info->max_args) + "'";
      fail_at("Function '" + std::string(info->display) + "' expected " + expected + " arguments but got '" +
                  std::to_string(args.size()) + "'.",
              at);
    }
    Operand o;
    o.kind = info->kind;
    o.text = std::string(info->display) + "()";
    o.args = args;
    o.raw = std::string(info->display) + "(" + arg_text + ")";
    if (info->kind == Operand::Kind::Date) {
      DateSpec d;
      d.anchor = info->anchor;
      if (!args.empty()) {
        auto p = parse_period(args[0], true);
        if (!p) {
          fail_at("Duration for function '" + std::string(info->display) +
                      "' should have the format (+/-)n(yMwdhm), e.g -1M for one month earlier. Got '" + args[0] + "'.",
                  at);
        }
        if (p->unitless) {
          set_unit(d.offset, info->unit, p->count);
          d.shift_own_unit = true;
        } else {
          d.offset = p->period;
          d.shift_own_unit = only_unit(p->period, info->unit);
        }
      }
      o.date = d;
    }
    return o;
  }

  // operand := value | '(' value (',' value)* ')' | list function
  Operand parse_operand(Op op) {
    if (op == Op::Is || op == Op::IsNot) {
      const Token& t = peek();
      if (!is_keyword(t, "empty") && !is_keyword(t, "null")) fail_expecting("'EMPTY'");
      next();
      Operand o;
      o.kind = Operand::Kind::Empty;
      return o;
    }
    if (op == Op::In || op == Op::NotIn) {
      if (peek().type == Tok::LParen) {
        const std::size_t open_at = peek().pos;
        next();
        Operand list;
        list.kind = Operand::Kind::List;
        while (true) {
          list.items.push_back(parse_single());
          if (peek().type == Tok::Comma) {
            next();
            continue;
          }
          break;
        }
        if (peek().type != Tok::RParen) fail_expecting("')'");
        list.raw = std::string(m_src.substr(open_at, peek().pos + 1 - open_at));
        next();
        return list;
      }
      if (peek().type == Tok::Word && peek(1).type == Tok::LParen) {
        Operand f = parse_function();
        if (f.kind == Operand::Kind::SubTaskTypes || f.kind == Operand::Kind::StandardTypes ||
            f.kind == Operand::Kind::Sprints)
          return f;
        Operand list;
        list.kind = Operand::Kind::List;
        list.raw = f.raw;
        list.items.push_back(std::move(f));
        return list;
      }
      fail_expecting("'('");
    }
    if (peek().type == Tok::LParen) {
      fail_at("The operator '" + std::string(op_name(op)) + "' does not support the list value.", peek().pos);
    }
    return parse_single();
  }

  // Checks one operand (not a list) against the clause's field and operator.
  void check_value(const FieldRef& f, Op op, Operand& o, std::size_t at) {
    FieldKind k = f.kind;
    bool ordering = op == Op::Gt || op == Op::Ge || op == Op::Lt || op == Op::Le;
    if (o.kind == Operand::Kind::Empty) {
      if (ordering || op == Op::Contains || op == Op::NotContains) {
        fail_at("The operator '" + std::string(op_name(op)) + "' does not support searching for EMPTY values.", at);
      }
      return;
    }
    if (o.kind == Operand::Kind::Date) {
      if (!is_date_kind(k) && k != FieldKind::Custom) {
        fail_at("A value provided by the function '" + o.text.substr(0, o.text.size() - 2) +
                    "' is invalid for the field '" + f.display + "'.",
                at);
      }
      if (op == Op::Contains || op == Op::NotContains) {
        fail_at("The operator '" + std::string(op_name(op)) + "' does not support functions.", at);
      }
      return;
    }
    if (o.kind == Operand::Kind::CurrentUser) {
      if (k != FieldKind::User && k != FieldKind::Watcher && k != FieldKind::Custom) {
        fail_at("A value provided by the function 'currentUser' is invalid for the field '" + f.display + "'.", at);
      }
      if (ordering || op == Op::Contains || op == Op::NotContains) {
        fail_at("The operator '" + std::string(op_name(op)) + "' is not supported by the function 'currentUser'.", at);
      }
      return;
    }
    if (o.kind == Operand::Kind::Sprints) {
      const std::string fn = o.text.substr(0, o.text.size() - 2);
      if (k != FieldKind::Sprint) {
        fail_at("A value provided by the function '" + fn + "' is invalid for the field '" + f.display + "'.", at);
      }
      if (op != Op::In && op != Op::NotIn) {
        fail_at("The operator '" + std::string(op_name(op)) + "' is not supported by the function '" + fn + "'.", at);
      }
      return;
    }
    if (o.kind == Operand::Kind::SubTaskTypes || o.kind == Operand::Kind::StandardTypes) {
      std::string fn = o.kind == Operand::Kind::SubTaskTypes ? "subTaskIssueTypes" : "standardIssueTypes";
      if (k != FieldKind::IssueType) {
        fail_at("A value provided by the function '" + fn + "' is invalid for the field '" + f.display + "'.", at);
      }
      if (op != Op::In && op != Op::NotIn) {
        fail_at("The operator '" + std::string(op_name(op)) + "' is not supported by the function '" + fn + "'.", at);
      }
      return;
    }
    // A literal.
    if (op == Op::Contains || op == Op::NotContains) {
      o.text_query = make_text_query(o.text);
      for (const auto& unit : o.text_query.units) {
        if (!unit.phrase && (unit.words.front().front() == '*' || unit.words.front().front() == '?')) {
          fail_at("The text query '" + o.text + "' for field '" + f.display +
                      "' is not allowed to start with a wildcard.",
                  at);
        }
      }
      const bool searches = std::any_of(o.text_query.units.begin(), o.text_query.units.end(),
                                        [](const TextUnit& u) { return !u.negated; });
      if (!searches) {
        fail_at("The text query '" + o.text + "' for field '" + f.display + "' has no words to search for.", at);
      }
      return;
    }
    if (is_date_kind(k) && !o.date) {
      fail_at("Date value '" + o.text + "' for field '" + f.display +
                  "' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
                  "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
              at);
    }
    if (k == FieldKind::Key) {
      bool numeric = all_digits(o.text);
      auto dash = o.text.rfind('-');
      bool key_like = dash != std::string::npos && dash > 0 && all_digits(std::string_view(o.text).substr(dash + 1));
      if (!numeric && !key_like) {
        fail_at("The issue key '" + o.text + "' for field '" + f.display + "' is invalid.", at);
      }
    }
    if (k == FieldKind::Resolution && iequals(o.text, "unresolved")) {
      o = Operand{};
      o.kind = Operand::Kind::Empty;
    }
  }

  Clause parse_clause() {
    Clause c;
    c.field = parse_field();
    std::size_t op_at = peek().pos;
    c.op = parse_operator();
    if (!op_allowed(c.field.kind, c.op)) {
      fail_at("The operator '" + std::string(op_name(c.op)) + "' is not supported by the '" + c.field.display +
                  "' field.",
              op_at);
    }
    std::size_t at = peek().pos;
    c.operand = parse_operand(c.op);
    if (c.operand.kind == Operand::Kind::List) {
      for (auto& item : c.operand.items) {
        if (item.kind == Operand::Kind::SubTaskTypes || item.kind == Operand::Kind::StandardTypes ||
            item.kind == Operand::Kind::Sprints) {
          fail_at("The function '" + item.text + "' cannot be used inside a list.", at);
        }
        check_value(c.field, c.op, item, at);
      }
    } else {
      check_value(c.field, c.op, c.operand, at);
    }
    return c;
  }

  std::string_view m_src;
  const EvalContext* m_ctx = nullptr;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  int m_depth = 0;  // current NOT / parenthesis nesting
};

// Shared body of both parse() overloads.
std::expected<std::shared_ptr<const Query>, std::string> parse_with(std::string_view jql, const EvalContext* ctx) {
  try {
    Parser p(jql, ctx);
    return std::make_shared<const Query>(p.parse_query());
  } catch (const JqlError& e) {
    return std::unexpected(e.message);
  }
}

}  // namespace

std::string_view op_name(Op op) {
  switch (op) {
    case Op::Eq: return "=";
    case Op::NotEq: return "!=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Contains: return "~";
    case Op::NotContains: return "!~";
    case Op::In: return "in";
    case Op::NotIn: return "not in";
    case Op::Is: return "is";
    case Op::IsNot: return "is not";
  }
  return "?";
}

std::expected<std::shared_ptr<const Query>, std::string> parse(std::string_view jql) {
  return parse_with(jql, nullptr);
}

std::expected<std::shared_ptr<const Query>, std::string> parse(std::string_view jql, const EvalContext& ctx) {
  return parse_with(jql, &ctx);
}

}  // namespace sandbox::jql
