// CQL subset: tokenizer, recursive-descent parser with per-field validation, and evaluator.
#include "cql.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <optional>

#include "text_query.hpp"

namespace sandbox {

namespace {

constexpr std::int64_t k_ms_per_minute = 60'000;
constexpr std::int64_t k_ms_per_hour = 60 * k_ms_per_minute;
constexpr std::int64_t k_ms_per_day = 24 * k_ms_per_hour;

// Words CQL reserves: they must be quoted to be used as values.
constexpr std::array<std::string_view, 41> k_reserved = {
    "after", "and", "as", "avg", "before", "begin", "by", "commit", "contains", "count",
    "distinct", "else", "empty", "end", "explain", "from", "having", "if", "in", "inner",
    "insert", "into", "is", "isnull", "left", "like", "limit", "max", "min", "not", "null", "or",
    "order", "outer", "right", "select", "sum", "then", "was", "where", "update"};

// Content types CQL knows, and the ones the sandbox can search (it stores no blog posts, so
// those simply match nothing; searching the others would silently miss results).
constexpr std::array<std::string_view, 6> k_types = {"page", "blogpost", "comment", "attachment", "space", "user"};
constexpr std::array<std::string_view, 2> k_searchable_types = {"page", "blogpost"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

struct Token {
  enum class Kind { Word, String, Op, LParen, RParen, Comma, End };
  Kind kind = Kind::End;
  std::string text;     // word, unescaped string, or operator
  std::size_t pos = 0;  // offset in the query, for messages
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::expected<std::vector<Token>, std::string> tokenize(std::string_view q) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < q.size()) {
    char c = q[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen : Token::Kind::Comma;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '"' || c == '\'') {
      t.kind = Token::Kind::String;
      ++i;
      bool closed = false;
      while (i < q.size()) {
        char d = q[i];
        if (d == '\\') {
          if (i + 1 >= q.size()) return std::unexpected("dangling backslash at position " + std::to_string(i));
          char e = q[i + 1];
          if (e == '"' || e == '\'' || e == '\\') {
            t.text += e;
          } else {
            // Keep other escapes (e.g. \\- inside text searches) literally for the text matcher.
            t.text += '\\';
            t.text += e;
          }
          i += 2;
        } else if (d == c) {
          closed = true;
          ++i;
          break;
        } else {
          t.text += d;
          ++i;
        }
      }
      if (!closed) return std::unexpected("unterminated string starting at position " + std::to_string(t.pos));
    } else if (c == '=' || c == '~') {
      t.kind = Token::Kind::Op;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '!' || c == '<' || c == '>') {
      t.kind = Token::Kind::Op;
      if (i + 1 < q.size() && (q[i + 1] == '=' || (c == '!' && q[i + 1] == '~'))) {
        t.text = std::string(q.substr(i, 2));
        i += 2;
      } else if (c == '!') {
        return std::unexpected("unexpected '!' at position " + std::to_string(i));
      } else {
        t.text = std::string(1, c);
        ++i;
      }
    } else if (is_word_char(c)) {
      t.kind = Token::Kind::Word;
      while (i < q.size() && is_word_char(q[i])) t.text += q[i++];
    } else {
      return std::unexpected("reserved character '" + std::string(1, c) + "' at position " + std::to_string(i) +
                             " must be inside a quoted string");
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.pos = q.size();
  out.push_back(end);
  return out;
}

enum class FieldKind { Space, Type, Label, Title, Text, Id, Creator, Date };

struct FieldInfo {
  std::string_view name;  // canonical name
  FieldKind kind;
};

std::optional<FieldInfo> field_info(std::string_view raw) {
  std::string f = lower(raw);
  if (f == "space" || f == "space.key") return FieldInfo{"space", FieldKind::Space};
  if (f == "type") return FieldInfo{"type", FieldKind::Type};
  if (f == "label") return FieldInfo{"label", FieldKind::Label};
  if (f == "title") return FieldInfo{"title", FieldKind::Title};
  if (f == "text") return FieldInfo{"text", FieldKind::Text};
  if (f == "sitesearch") return FieldInfo{"siteSearch", FieldKind::Text};
  if (f == "ancestor") return FieldInfo{"ancestor", FieldKind::Id};
  if (f == "parent") return FieldInfo{"parent", FieldKind::Id};
  if (f == "id" || f == "content") return FieldInfo{"id", FieldKind::Id};
  if (f == "creator") return FieldInfo{"creator", FieldKind::Creator};
  if (f == "created") return FieldInfo{"created", FieldKind::Date};
  if (f == "lastmodified") return FieldInfo{"lastmodified", FieldKind::Date};
  return std::nullopt;
}

bool op_allowed(FieldKind kind, const std::string& op) {
  bool equality = op == "=" || op == "!=" || op == "in" || op == "not in";
  switch (kind) {
    case FieldKind::Space:
    case FieldKind::Type:
    case FieldKind::Label:
    case FieldKind::Id:
    case FieldKind::Creator: return equality;
    case FieldKind::Title: return equality || op == "~" || op == "!~";
    case FieldKind::Text: return op == "~" || op == "!~";
    case FieldKind::Date: return op == "=" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  }
  return false;
}

// Parses a relative offset like "-4w", "+1d", "2h"; milliseconds or months.
struct Offset {
  std::int64_t ms = 0;
  int months = 0;
};

std::optional<Offset> parse_offset(std::string_view s) {
  Offset off;
  if (s.empty()) return off;
  std::size_t i = 0;
  int sign = 1;
  if (s[0] == '-' || s[0] == '+') {
    sign = s[0] == '-' ? -1 : 1;
    ++i;
  }
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  std::int64_t n = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    n = n * 10 + (s[i] - '0');
    if (n > 1'000'000) return std::nullopt;
    ++i;
  }
  if (i + 1 != s.size()) return std::nullopt;
  switch (s[i]) {
    case 'y': off.months = static_cast<int>(sign * n * 12); break;
    case 'M': off.months = static_cast<int>(sign * n); break;
    case 'w': off.ms = sign * n * 7 * k_ms_per_day; break;
    case 'd': off.ms = sign * n * k_ms_per_day; break;
    case 'h': off.ms = sign * n * k_ms_per_hour; break;
    case 'm': off.ms = sign * n * k_ms_per_minute; break;
    default: return std::nullopt;
  }
  return off;
}

std::int64_t apply_offset(std::int64_t ms, const Offset& off) {
  using namespace std::chrono;
  if (off.months != 0) {
    sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
    auto rest = ms - duration_cast<milliseconds>(day.time_since_epoch()).count();
    year_month_day ymd(day);
    ymd += months(off.months);
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
    ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count() + rest;
  }
  return ms + off.ms;
}

// A date value resolved against the clock: [start, start + width).
struct Instant {
  std::int64_t start = 0;
  std::int64_t width = 1;
};

constexpr std::array<std::string_view, 5> k_date_functions = {"now", "startofday", "startofweek", "startofmonth",
                                                               "startofyear"};

Instant resolve_date(const CqlValue& v, std::int64_t now_ms) {
  using namespace std::chrono;
  if (v.kind == CqlValue::Kind::Literal) {
    auto ms = parse_cql_date(v.text);
    bool has_time = v.text.find(':') != std::string::npos;
    return {ms.value_or(0), has_time ? k_ms_per_minute : k_ms_per_day};
  }
  Offset off = v.args.empty() ? Offset{} : parse_offset(v.args[0]).value_or(Offset{});
  std::int64_t base = now_ms;
  sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(now_ms)));
  if (v.text == "startofday") {
    base = duration_cast<milliseconds>(day.time_since_epoch()).count();
  } else if (v.text == "startofweek") {
    weekday wd(day);
    sys_days start = day - days(wd.c_encoding());  // weeks start on Sunday
    base = duration_cast<milliseconds>(start.time_since_epoch()).count();
  } else if (v.text == "startofmonth") {
    year_month_day ymd(day);
    base = duration_cast<milliseconds>(sys_days(ymd.year() / ymd.month() / 1).time_since_epoch()).count();
  } else if (v.text == "startofyear") {
    year_month_day ymd(day);
    base = duration_cast<milliseconds>(sys_days(ymd.year() / January / 1).time_since_epoch()).count();
  }
  return {apply_offset(base, off), 1};
}

// A crude stemmer standing in for Confluence's analyser: drops common English endings.
std::string stem(std::string w) {
  for (std::string_view suffix : {"ing", "es", "ed", "s"}) {
    if (w.size() > suffix.size() + 2 && w.ends_with(suffix)) {
      w.erase(w.size() - suffix.size());  // erase, not resize: g++ 12 misreads resize at -O2
      break;
    }
  }
  return w;
}

bool wildcard_match(std::string_view pattern, std::string_view word) {
  if (pattern.empty()) return word.empty();
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= word.size(); ++i) {
      if (wildcard_match(pattern.substr(1), word.substr(i))) return true;
    }
    return false;
  }
  if (word.empty()) return false;
  if (pattern[0] == '?' || pattern[0] == word[0]) return wildcard_match(pattern.substr(1), word.substr(1));
  return false;
}

// A word of searched text as the index holds it: lower-cased and stemmed, with where it is.
struct IndexedWord {
  std::string word;     // lower-cased
  std::string stemmed;  // stem(word)
  std::size_t offset;   // byte offset in the text
  std::size_t length;   // byte length in the text
};

std::vector<IndexedWord> index_words(std::string_view text) {
  std::vector<IndexedWord> out;
  for (auto& w : text_words_of(text)) {
    std::string stemmed = stem(w.word);
    out.push_back(IndexedWord{std::move(w.word), std::move(stemmed), w.offset, w.length});
  }
  return out;
}

// True when query word `q` (lower-cased, maybe with wildcards) matches the indexed word.
bool word_matches(const std::string& q, const IndexedWord& w) {
  if (q.find_first_of("*?") != std::string::npos) return wildcard_match(q, w.word);
  return w.word == q || w.stemmed == stem(q);
}

// Calls fn(first, count) for each place in `words` where `unit` matches: one word for a term,
// consecutive words for a phrase. Returns the number of places.
template <class Fn>
std::size_t for_each_hit(const TextUnit& unit, const std::vector<IndexedWord>& words, Fn&& fn) {
  std::size_t hits = 0;
  const std::size_t n = unit.words.size();
  if (n == 0) return 0;  // a phrase of no words matches nothing
  for (std::size_t start = 0; start + n <= words.size(); ++start) {
    bool all = true;
    for (std::size_t k = 0; k < n && all; ++k) all = word_matches(unit.words[k], words[start + k]);
    if (all) {
      ++hits;
      fn(start, n);
    }
  }
  return hits;
}

std::size_t hit_count(const TextUnit& unit, const std::vector<IndexedWord>& words) {
  return for_each_hit(unit, words, [](std::size_t, std::size_t) {});
}

bool has_positive_unit(const std::vector<TextUnit>& units) {
  return std::any_of(units.begin(), units.end(), [](const TextUnit& u) { return !u.negated; });
}

// True when every positive unit of `query` occurs in `haystack` and no negated one does.
bool text_contains(std::string_view haystack, std::string_view query) {
  auto units = parse_text_query(query);
  if (!has_positive_unit(units)) return false;
  auto words = index_words(haystack);
  return std::all_of(units.begin(), units.end(), [&](const TextUnit& u) { return (hit_count(u, words) > 0) != u.negated; });
}

class Parser {
public:
  explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

  std::expected<CqlQuery, std::string> parse() {
    CqlQuery q;
    if (peek().kind == Token::Kind::End) return std::unexpected(std::string("empty query"));
    if (is_word("order")) return std::unexpected(std::string("ORDER BY needs a condition before it"));
    auto root = parse_or();
    if (!root) return std::unexpected(root.error());
    q.root = std::move(*root);
    if (is_word("order")) {
      next();
      if (!is_word("by")) return std::unexpected(error_here("expected BY after ORDER"));
      next();
      while (true) {
        const Token& f = peek();
        if (f.kind != Token::Kind::Word) return std::unexpected(error_here("expected a field to order by"));
        std::string name = lower(f.text);
        if (name != "created" && name != "lastmodified" && name != "title" && name != "id") {
          return std::unexpected("cannot order by '" + f.text + "' (supported: created, lastmodified, title, id)");
        }
        next();
        CqlOrder order{name, false};
        if (is_word("asc") || is_word("desc")) {
          order.descending = lower(peek().text) == "desc";
          next();
        }
        q.order.push_back(order);
        if (peek().kind != Token::Kind::Comma) break;
        next();
      }
    }
    if (peek().kind != Token::Kind::End) return std::unexpected(error_here("unexpected token"));
    return q;
  }

private:
  const Token& peek(std::size_t ahead = 0) const {
    std::size_t i = std::min(m_index + ahead, m_tokens.size() - 1);
    return m_tokens[i];
  }
  void next() {
    if (m_index + 1 < m_tokens.size()) ++m_index;
  }
  bool is_word(std::string_view w, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Word && iequals(peek(ahead).text, w);
  }
  std::string error_here(std::string_view what) const {
    const Token& t = peek();
    std::string shown = t.kind == Token::Kind::End ? "end of query" : "'" + t.text + "'";
    return std::string(what) + ": " + shown + " at position " + std::to_string(t.pos);
  }

  std::expected<CqlNode, std::string> parse_or() {
    auto first = parse_and();
    if (!first) return first;
    if (!is_word("or")) return first;
    CqlNode node;
    node.kind = CqlNode::Kind::Or;
    node.children.push_back(std::move(*first));
    while (is_word("or")) {
      next();
      auto more = parse_and();
      if (!more) return more;
      node.children.push_back(std::move(*more));
    }
    return node;
  }

  std::expected<CqlNode, std::string> parse_and() {
    auto first = parse_not();
    if (!first) return first;
    if (!is_word("and")) return first;
    CqlNode node;
    node.kind = CqlNode::Kind::And;
    node.children.push_back(std::move(*first));
    while (is_word("and")) {
      next();
      auto more = parse_not();
      if (!more) return more;
      node.children.push_back(std::move(*more));
    }
    return node;
  }

  std::expected<CqlNode, std::string> parse_not() {
    if (is_word("not")) {
      next();
      auto inner = parse_not();
      if (!inner) return inner;
      CqlNode node;
      node.kind = CqlNode::Kind::Not;
      node.children.push_back(std::move(*inner));
      return node;
    }
    if (peek().kind == Token::Kind::LParen) {
      next();
      auto inner = parse_or();
      if (!inner) return inner;
      if (peek().kind != Token::Kind::RParen) return std::unexpected(error_here("expected ')'"));
      next();
      return inner;
    }
    return parse_clause();
  }

  std::expected<CqlValue, std::string> parse_value() {
    const Token& t = peek();
    CqlValue v;
    if (t.kind == Token::Kind::String) {
      v.text = t.text;
      next();
      return v;
    }
    if (t.kind != Token::Kind::Word) return std::unexpected(error_here("expected a value"));
    if (peek(1).kind == Token::Kind::LParen) {
      v.kind = CqlValue::Kind::Function;
      v.text = lower(t.text);
      next();
      next();
      while (peek().kind != Token::Kind::RParen) {
        if (peek().kind != Token::Kind::String) {
          return std::unexpected(error_here("function arguments must be quoted strings"));
        }
        v.args.push_back(peek().text);
        next();
        if (peek().kind == Token::Kind::Comma) next();
        else if (peek().kind != Token::Kind::RParen) return std::unexpected(error_here("expected ',' or ')'"));
      }
      next();
      return v;
    }
    std::string w = lower(t.text);
    if (std::find(k_reserved.begin(), k_reserved.end(), w) != k_reserved.end()) {
      return std::unexpected("reserved word '" + t.text + "' at position " + std::to_string(t.pos) +
                             " must be quoted to be used as a value");
    }
    v.text = t.text;
    next();
    return v;
  }

  std::expected<void, std::string> validate(FieldKind kind, const std::string& field, const CqlValue& v) const {
    if (v.kind == CqlValue::Kind::Function) {
      bool date_fn = std::find(k_date_functions.begin(), k_date_functions.end(), v.text) != k_date_functions.end();
      if (kind == FieldKind::Date && date_fn) {
        if (v.args.size() > 1) return std::unexpected(v.text + "() takes at most one argument");
        if (!v.args.empty() && !parse_offset(v.args[0])) {
          return std::unexpected("invalid date offset \"" + v.args[0] + "\" in " + v.text +
                                 "() (expected e.g. \"-4w\", \"+1d\", \"-2h\")");
        }
        return {};
      }
      if (kind == FieldKind::Creator && v.text == "currentuser" && v.args.empty()) return {};
      return std::unexpected("function " + v.text + "() is not supported for field '" + field + "'");
    }
    switch (kind) {
      case FieldKind::Type:
        if (std::find(k_types.begin(), k_types.end(), lower(v.text)) == k_types.end()) {
          return std::unexpected("unknown content type '" + v.text + "'");
        }
        if (std::find(k_searchable_types.begin(), k_searchable_types.end(), lower(v.text)) == k_searchable_types.end()) {
          return std::unexpected("searching content of type '" + v.text + "' is not supported by the sandbox");
        }
        return {};
      case FieldKind::Id:
        if (v.text.empty() || !std::all_of(v.text.begin(), v.text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
          return std::unexpected("'" + v.text + "' is not a valid content id for field '" + field + "'");
        }
        return {};
      case FieldKind::Date:
        if (auto d = parse_cql_date(v.text); !d) return std::unexpected(d.error());
        return {};
      case FieldKind::Text:
      case FieldKind::Title:
        if (!has_positive_unit(parse_text_query(v.text)) && (field == "text" || field == "siteSearch")) {
          return std::unexpected(std::string("text search needs at least one word"));
        }
        return {};
      default: return {};
    }
  }

  std::expected<CqlNode, std::string> parse_clause() {
    const Token& f = peek();
    if (f.kind != Token::Kind::Word) return std::unexpected(error_here("expected a field name"));
    auto info = field_info(f.text);
    if (!info) {
      return std::unexpected("field '" + f.text + "' at position " + std::to_string(f.pos) +
                             " is not supported (supported: space, type, label, title, text, siteSearch, ancestor, parent, "
                             "id, creator, created, lastmodified)");
    }
    next();
    CqlNode node;
    node.field = std::string(info->name);
    const Token& o = peek();
    if (o.kind == Token::Kind::Op) {
      node.op = o.text;
      next();
    } else if (is_word("in")) {
      node.op = "in";
      next();
    } else if (is_word("not") && is_word("in", 1)) {
      node.op = "not in";
      next();
      next();
    } else {
      return std::unexpected(error_here("expected an operator after '" + node.field + "'"));
    }
    if (!op_allowed(info->kind, node.op)) {
      return std::unexpected("operator '" + node.op + "' is not supported for field '" + node.field + "'");
    }
    if (node.op == "in" || node.op == "not in") {
      if (peek().kind != Token::Kind::LParen) return std::unexpected(error_here("expected '(' after " + node.op));
      next();
      while (true) {
        auto v = parse_value();
        if (!v) return std::unexpected(v.error());
        node.values.push_back(std::move(*v));
        if (peek().kind == Token::Kind::Comma) {
          next();
          continue;
        }
        if (peek().kind == Token::Kind::RParen) {
          next();
          break;
        }
        return std::unexpected(error_here("expected ',' or ')' in list"));
      }
    } else {
      auto v = parse_value();
      if (!v) return std::unexpected(v.error());
      node.values.push_back(std::move(*v));
    }
    for (const auto& v : node.values) {
      if (auto ok = validate(info->kind, node.field, v); !ok) return std::unexpected(ok.error());
    }
    return node;
  }

  std::vector<Token> m_tokens;  // tokens ending with End
  std::size_t m_index = 0;      // current token
};

bool eval_clause(const CqlNode& n, const CqlDoc& doc, const CqlContext& ctx) {
  const std::string& op = n.op;
  bool negative = op == "!=" || op == "not in" || op == "!~";
  // One value against the document, positive sense.
  auto one = [&](const CqlValue& v) -> bool {
    if (n.field == "space") return iequals(doc.space_key, v.text);
    if (n.field == "type") return iequals(doc.type, v.text);
    if (n.field == "label") {
      std::string want = lower(v.text);
      return std::any_of(doc.labels.begin(), doc.labels.end(), [&](const std::string& l) { return lower(l) == want; });
    }
    if (n.field == "title") {
      if (op == "~" || op == "!~") return text_contains(doc.title, v.text);
      return iequals(doc.title, v.text);
    }
    if (n.field == "text" || n.field == "siteSearch") return text_contains(doc.text, v.text);
    if (n.field == "id") return doc.id == v.text;
    if (n.field == "ancestor") return std::find(doc.ancestors.begin(), doc.ancestors.end(), v.text) != doc.ancestors.end();
    if (n.field == "parent") return !doc.ancestors.empty() && doc.ancestors.back() == v.text;
    if (n.field == "creator") {
      const std::vector<std::string> wanted =
          v.kind == CqlValue::Kind::Function ? ctx.current_user : std::vector<std::string>{v.text};
      return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
        return !w.empty() && std::find(doc.creator.begin(), doc.creator.end(), w) != doc.creator.end();
      });
    }
    return false;
  };
  if (n.field == "created" || n.field == "lastmodified") {
    std::int64_t t = n.field == "created" ? doc.created_ms : doc.modified_ms;
    Instant at = resolve_date(n.values.front(), ctx.now_ms);
    if (op == "=") return t >= at.start && t < at.start + at.width;
    if (op == "!=") return !(t >= at.start && t < at.start + at.width);
    if (op == "<") return t < at.start;
    if (op == "<=") return t < at.start + at.width;
    if (op == ">") return t >= at.start + at.width;
    if (op == ">=") return t >= at.start;
    return false;
  }
  bool any = std::any_of(n.values.begin(), n.values.end(), one);
  return negative ? !any : any;
}

bool eval(const CqlNode& n, const CqlDoc& doc, const CqlContext& ctx) {
  switch (n.kind) {
    case CqlNode::Kind::Clause: return eval_clause(n, doc, ctx);
    case CqlNode::Kind::And:
      return std::all_of(n.children.begin(), n.children.end(), [&](const CqlNode& c) { return eval(c, doc, ctx); });
    case CqlNode::Kind::Or:
      return std::any_of(n.children.begin(), n.children.end(), [&](const CqlNode& c) { return eval(c, doc, ctx); });
    case CqlNode::Kind::Not: return !eval(n.children.front(), doc, ctx);
  }
  return false;
}

// Numeric comparison of decimal ids (shorter is smaller), falling back to text.
bool id_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace

std::expected<std::int64_t, std::string> parse_cql_date(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] {
    return std::unexpected("invalid date \"" + std::string(text) +
                           "\" (expected \"yyyy-MM-dd\", \"yyyy/MM/dd\", optionally with \" HH:mm\", or now(\"-4w\"))");
  };
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > text.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() != 10 && text.size() != 16) return bad();
  char sep = text[4];
  if ((sep != '-' && sep != '/') || text[7] != sep) return bad();
  auto y = digits(0, 4);
  auto m = digits(5, 2);
  auto d = digits(8, 2);
  if (!y || !m || !d) return bad();
  year_month_day ymd{year(*y), month(static_cast<unsigned>(*m)), day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return bad();
  std::int64_t ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count();
  if (text.size() == 16) {
    if (text[10] != ' ' || text[13] != ':') return bad();
    auto hh = digits(11, 2);
    auto mm = digits(14, 2);
    if (!hh || !mm || *hh > 23 || *mm > 59) return bad();
    ms += *hh * k_ms_per_hour + *mm * k_ms_per_minute;
  }
  return ms;
}

std::expected<CqlQuery, std::string> parse_cql(std::string_view cql) {
  auto tokens = tokenize(cql);
  if (!tokens) return std::unexpected(tokens.error());
  Parser parser(std::move(*tokens));
  return parser.parse();
}

bool CqlQuery::matches(const CqlDoc& doc, const CqlContext& context) const { return eval(root, doc, context); }

namespace {

// Collects the units of the positive text clauses below `n`; `negated` tells whether an odd
// number of NOTs is above it.
void collect_search_units(const CqlNode& n, bool negated, std::vector<TextUnit>& out) {
  if (n.kind == CqlNode::Kind::Not) {
    collect_search_units(n.children.front(), !negated, out);
    return;
  }
  if (n.kind != CqlNode::Kind::Clause) {
    for (const auto& c : n.children) collect_search_units(c, negated, out);
    return;
  }
  bool text_field = n.field == "text" || n.field == "siteSearch" || n.field == "title";
  if (!text_field || negated || n.op != "~") return;
  for (const auto& v : n.values) {
    for (auto& u : parse_text_query(v.text)) {
      if (!u.negated) out.push_back(std::move(u));
    }
  }
}

}  // namespace

std::vector<TextUnit> CqlQuery::search_units() const {
  std::vector<TextUnit> out;
  collect_search_units(root, false, out);
  return out;
}

double cql_relevance(const std::vector<TextUnit>& units, const CqlDoc& doc) {
  if (units.empty()) return 0.0;
  auto title = index_words(doc.title);
  auto body = index_words(doc.body);
  double score = 0.0;
  for (const auto& u : units) score += 4.0 * static_cast<double>(hit_count(u, title)) + static_cast<double>(hit_count(u, body));
  return score;
}

std::vector<std::pair<std::size_t, std::size_t>> cql_match_ranges(std::string_view text, const std::vector<TextUnit>& units) {
  auto words = index_words(text);
  std::vector<char> hit(words.size(), 0);
  for (const auto& u : units) {
    for_each_hit(u, words, [&](std::size_t first, std::size_t count) {
      for (std::size_t k = first; k < first + count; ++k) hit[k] = 1;
    });
  }
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (hit[k] != 0) out.emplace_back(words[k].offset, words[k].offset + words[k].length);
  }
  return out;
}

void CqlQuery::sort(std::vector<const CqlDoc*>& docs) const {
  std::stable_sort(docs.begin(), docs.end(), [this](const CqlDoc* a, const CqlDoc* b) {
    for (const auto& key : order) {
      int cmp = 0;
      if (key.field == "created") {
        cmp = a->created_ms < b->created_ms ? -1 : a->created_ms > b->created_ms ? 1 : 0;
      } else if (key.field == "lastmodified") {
        cmp = a->modified_ms < b->modified_ms ? -1 : a->modified_ms > b->modified_ms ? 1 : 0;
      } else if (key.field == "title") {
        std::string ta = lower(a->title);
        std::string tb = lower(b->title);
        cmp = ta < tb ? -1 : ta > tb ? 1 : 0;
      } else {
        cmp = id_less(a->id, b->id) ? -1 : id_less(b->id, a->id) ? 1 : 0;
      }
      if (cmp != 0) return key.descending ? cmp > 0 : cmp < 0;
    }
    return id_less(a->id, b->id);
  });
}

}  // namespace sandbox
