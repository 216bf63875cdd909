// JQL evaluation over stored issues: clause matching, text search, date resolution and ORDER BY.
// Works on the issue JSON in place (pointers and string_views, no copies per issue).
#include "jql.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jql_ast.hpp"

namespace sandbox::jql {

using nlohmann::json;

namespace {

constexpr Millis k_ms_per_day = 86'400'000;

// English stop words the Jira text index drops.
constexpr std::array<std::string_view, 33> k_stop_words = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with"};

char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_word_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80;
}

bool is_stop_word(std::string_view w) {
  return std::find(k_stop_words.begin(), k_stop_words.end(), w) != k_stop_words.end();
}

// Floor division for negative epoch values.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// UTC milliseconds to local wall-clock milliseconds in zone.
Millis to_local(Millis utc, const date::time_zone* zone) {
  if (!zone) return utc;
  date::sys_time<std::chrono::milliseconds> st{std::chrono::milliseconds{utc}};
  return zone->to_local(st).time_since_epoch().count();
}

// Local wall-clock milliseconds in zone to UTC (earliest instant on overlaps and gaps).
Millis from_local(Millis local, const date::time_zone* zone) {
  if (!zone) return local;
  date::local_time<std::chrono::milliseconds> lt{std::chrono::milliseconds{local}};
  return zone->to_sys(lt, date::choose::earliest).time_since_epoch().count();
}

// Adds months to local days, clamping the day of month.
std::int64_t add_months(std::int64_t local_days, int months) {
  if (months == 0) return local_days;
  date::year_month_day ymd{date::sys_days{date::days{local_days}}};
  date::year_month ym = date::year_month{ymd.year(), ymd.month()} + date::months{months};
  date::day last = (ym / date::last).day();
  date::year_month_day out{ym.year(), ym.month(), std::min(ymd.day(), last)};
  return date::sys_days{out}.time_since_epoch().count();
}

// Adds a period: years, months, weeks and days on the local calendar, hours and minutes as time.
Millis add_period(Millis utc, const Period& p, const date::time_zone* zone) {
  if (p.years != 0 || p.months != 0 || p.weeks != 0 || p.days != 0) {
    Millis local = to_local(utc, zone);
    std::int64_t day = floor_div(local, k_ms_per_day);
    Millis tod = local - day * k_ms_per_day;
    day = add_months(day, p.years * 12 + p.months);
    day += static_cast<std::int64_t>(p.weeks) * 7 + p.days;
    utc = from_local(day * k_ms_per_day + tod, zone);
  }
  return utc + (static_cast<Millis>(p.hours) * 60 + p.minutes) * 60'000;
}

// Parses exactly n digits at s[i], advancing i.
bool digits(std::string_view s, std::size_t& i, std::size_t n, int& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (std::size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

// Days since 1970-01-01 for a valid y-m-d.
std::optional<std::int64_t> civil_days(int y, int m, int d) {
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

// Numeric id of an issue ("10001" or 10001); 0 when absent.
std::int64_t issue_id(const json& issue) {
  auto it = issue.find("id");
  if (it == issue.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  return 0;
}

// obj[key] or nullptr.
const json* member(const json* obj, std::string_view key) {
  if (!obj || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

// The string at obj[key], or empty.
std::string_view member_string(const json* obj, std::string_view key) {
  const json* v = member(obj, key);
  return v && v->is_string() ? std::string_view(v->get_ref<const std::string&>()) : std::string_view{};
}

// Absent, null, "", [] or {}.
bool is_empty_json(const json* v) {
  if (!v || v->is_null()) return true;
  if (v->is_string()) return v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return v->empty();
  return false;
}

// "PROJ-12" -> ("PROJ", 12).
bool split_key(std::string_view key, std::string_view& project, std::int64_t& number) {
  auto dash = key.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  auto tail = key.substr(dash + 1);
  if (!all_digits(tail)) return false;
  auto [ptr, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), number);
  if (ec != std::errc{} || ptr != tail.data() + tail.size()) return false;
  project = key.substr(0, dash);
  return true;
}

// Reads a whole string as a number.
std::optional<double> as_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// True if c (the sign of a three-way comparison) satisfies op.
bool op_holds(Op op, std::int64_t c) {
  switch (op) {
    case Op::Gt: return c > 0;
    case Op::Ge: return c >= 0;
    case Op::Lt: return c < 0;
    case Op::Le: return c <= 0;
    default: return c == 0;
  }
}

template <class T>
int sign_of(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Glob match of a lower-cased word against a term with * and ?.
bool wildcard_match(std::string_view term, std::string_view word) {
  std::size_t t = 0;
  std::size_t w = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (w < word.size()) {
    if (t < term.size() && (term[t] == '?' || term[t] == word[w])) {
      ++t;
      ++w;
    } else if (t < term.size() && term[t] == '*') {
      star = t++;
      mark = w;
    } else if (star != std::string_view::npos) {
      t = star + 1;
      w = ++mark;
    } else {
      return false;
    }
  }
  while (t < term.size() && term[t] == '*') ++t;
  return t == term.size();
}

// Calls fn(word) for each lower-cased non-stop word of text; stops when fn returns true.
template <class Fn>
bool for_each_word(std::string_view text, std::string& buf, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_char(text[i])) ++i;
    buf.clear();
    while (i < text.size() && is_word_char(text[i])) buf += lower_char(text[i++]);
    if (!buf.empty() && !is_stop_word(buf) && fn(std::string_view(buf))) return true;
  }
  return false;
}

// Collects the searchable strings of a value: plain strings, ADF "text" nodes, option values.
void collect_field_text(const json& v, std::vector<std::string_view>& out) {
  if (v.is_string()) {
    out.emplace_back(v.get_ref<const std::string&>());
  } else if (v.is_array()) {
    for (const auto& e : v) collect_field_text(e, out);
  } else if (v.is_object()) {
    if (const json* t = member(&v, "text"); t && t->is_string()) out.emplace_back(t->get_ref<const std::string&>());
    if (const json* t = member(&v, "value"); t && t->is_string()) out.emplace_back(t->get_ref<const std::string&>());
    if (const json* c = member(&v, "content"); c && c->is_array()) {
      for (const auto& e : *c) collect_field_text(e, out);
    }
  }
}

// One issue under evaluation, with the per-call context.
struct IssueView {
  const json& issue;        // the whole issue
  const json* fields;       // issue["fields"] or nullptr
  const EvalContext& ctx;   // clock, zone, user, field names
};

// The JSON value of a field (not for Key, Text, Comment).
const json* field_value(const FieldRef& f, const IssueView& x) {
  if (f.kind == FieldKind::StatusCategory) return member(member(x.fields, "status"), "statusCategory");
  if (!f.json_name.empty()) return member(x.fields, f.json_name);
  if (f.kind != FieldKind::Custom) return nullptr;
  auto it = x.ctx.custom_field_ids_by_name.find(f.lower_name);
  if (it == x.ctx.custom_field_ids_by_name.end()) return nullptr;
  return member(x.fields, it->second);
}

// The searchable strings of a text field (or a custom field under ~).
void text_pieces(const FieldRef& f, const IssueView& x, std::vector<std::string_view>& out) {
  auto add_comments = [&] {
    const json* comments = member(member(x.fields, "comment"), "comments");
    if (comments && comments->is_array()) {
      for (const auto& c : *comments) {
        if (const json* body = member(&c, "body")) collect_field_text(*body, out);
      }
    }
  };
  switch (f.kind) {
    case FieldKind::Comment:
      add_comments();
      return;
    case FieldKind::Text:
      for (const char* name : {"summary", "description", "environment"}) {
        if (const json* v = member(x.fields, name)) collect_field_text(*v, out);
      }
      add_comments();
      if (x.fields && x.fields->is_object()) {
        for (const auto& [name, v] : x.fields->items()) {
          bool adf = v.is_object() && member_string(&v, "type") == "doc";
          if (name.starts_with("customfield_") && (v.is_string() || adf)) {
            collect_field_text(v, out);
          }
        }
      }
      return;
    default:
      if (const json* v = field_value(f, x)) collect_field_text(*v, out);
      return;
  }
}

// The words of text in order, lower-cased, with "" standing for each stop word (the index
// drops them but keeps their positions, which phrases must respect).
void positional_words(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_char(text[i])) ++i;
    if (i >= text.size()) break;
    std::string w;
    while (i < text.size() && is_word_char(text[i])) w += lower_char(text[i++]);
    if (is_stop_word(w)) w.clear();
    out.push_back(std::move(w));
  }
}

// True when `phrase` (with "" gaps that match any word) occurs at consecutive positions of `words`.
bool phrase_occurs(const std::vector<std::string>& phrase, const std::vector<std::string>& words) {
  if (phrase.empty()) return false;  // a phrase of no words (only stop words or operators) matches nothing
  for (std::size_t start = 0; start + phrase.size() <= words.size(); ++start) {
    bool all = true;
    for (std::size_t k = 0; k < phrase.size() && all; ++k) all = phrase[k].empty() || phrase[k] == words[start + k];
    if (all) return true;
  }
  return false;
}

// True when every positive unit occurs in the pieces and no negated one does. A phrase must
// lie within one piece.
bool text_matches(const TextQuery& q, const std::vector<std::string_view>& pieces) {
  const auto& units = q.units;
  std::vector<char> found(units.size(), 0);
  const bool has_phrase = std::any_of(units.begin(), units.end(), [](const TextUnit& u) { return u.phrase; });
  const bool has_negated = std::any_of(units.begin(), units.end(), [](const TextUnit& u) { return u.negated; });
  std::size_t remaining = static_cast<std::size_t>(std::count_if(units.begin(), units.end(), [](const TextUnit& u) { return !u.phrase; }));
  std::string buf;
  std::vector<std::string> words;
  for (auto piece : pieces) {
    if (remaining > 0) {
      for_each_word(piece, buf, [&](std::string_view w) {
        for (std::size_t k = 0; k < units.size(); ++k) {
          if (!found[k] && !units[k].phrase && wildcard_match(units[k].words.front(), w)) {
            found[k] = 1;
            --remaining;
          }
        }
        return remaining == 0;
      });
    }
    if (has_phrase) {
      positional_words(piece, words);
      for (std::size_t k = 0; k < units.size(); ++k) {
        if (!found[k] && units[k].phrase && phrase_occurs(units[k].words, words)) found[k] = 1;
      }
    }
    if (!has_negated && remaining == 0 && std::all_of(found.begin(), found.end(), [](char f) { return f != 0; })) return true;
  }
  for (std::size_t k = 0; k < units.size(); ++k) {
    if ((found[k] != 0) == units[k].negated) return false;
  }
  return true;
}

// A stored date or date-time string as UTC milliseconds (a bare date is 00:00 in the zone).
std::optional<Millis> value_time(const json& v, const date::time_zone* zone) {
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_ref<const std::string&>();
  if (auto t = parse_datetime(s)) return t;
  if (auto d = parse_date_only(s)) return local_day_start(*d, zone);
  return std::nullopt;
}

// The strings a watcher or issueLinkType clause compares with (from the context's callbacks).
std::vector<std::string> related_names(const FieldRef& f, const IssueView& x) {
  const std::string id(member_string(&x.issue, "id"));
  if (f.kind == FieldKind::Watcher && x.ctx.watchers_of) return x.ctx.watchers_of(id);
  if (f.kind == FieldKind::IssueLinkType && x.ctx.link_types_of) return x.ctx.link_types_of(id);
  return {};
}

// True if the field holds nothing.
bool field_is_empty(const FieldRef& f, const IssueView& x) {
  switch (f.kind) {
    case FieldKind::Key:
      return false;
    case FieldKind::Sprint:
      return true;  // the sandbox keeps no sprints
    case FieldKind::Watcher:
    case FieldKind::IssueLinkType:
      return related_names(f, x).empty();
    case FieldKind::Comment:
    case FieldKind::Text: {
      std::vector<std::string_view> pieces;
      text_pieces(f, x, pieces);
      return std::all_of(pieces.begin(), pieces.end(), [](std::string_view p) { return p.empty(); });
    }
    default: {
      const json* v = field_value(f, x);
      if (v && v->is_array()) {
        return std::all_of(v->begin(), v->end(), [](const json& e) { return is_empty_json(&e); });
      }
      return is_empty_json(v);
    }
  }
}

// Calls fn on each member of an array value, or on the value itself; true if any fn is true.
template <class Fn>
bool any_item(const json* v, Fn&& fn) {
  if (!v || v->is_null()) return false;
  if (v->is_array()) {
    return std::any_of(v->begin(), v->end(), [&](const json& e) { return !e.is_null() && fn(e); });
  }
  return fn(*v);
}

// True if item (an object, string or number) equals want through one of the keys.
bool item_named(const json& item, std::span<const std::string_view> keys, std::string_view want) {
  if (item.is_string()) return iequals(item.get_ref<const std::string&>(), want);
  if (item.is_number_integer()) return std::to_string(item.get<std::int64_t>()) == want;
  if (!item.is_object()) return false;
  for (auto k : keys) {
    const json* v = member(&item, k);
    if (!v) continue;
    if (v->is_string() && iequals(v->get_ref<const std::string&>(), want)) return true;
    if (v->is_number_integer() && std::to_string(v->get<std::int64_t>()) == want) return true;
  }
  return false;
}

// The keys a value of a field family is matched by.
constexpr std::array<std::string_view, 3> k_project_keys = {"key", "name", "id"};
constexpr std::array<std::string_view, 2> k_named_keys = {"name", "id"};
constexpr std::array<std::string_view, 3> k_category_keys = {"name", "key", "id"};
constexpr std::array<std::string_view, 2> k_parent_keys = {"key", "id"};
constexpr std::array<std::string_view, 5> k_user_keys = {"name", "key", "accountId", "emailAddress", "displayName"};
constexpr std::array<std::string_view, 6> k_custom_keys = {"value", "name", "key", "id", "accountId", "emailAddress"};

std::span<const std::string_view> match_keys(FieldKind k) {
  switch (k) {
    case FieldKind::Project: return k_project_keys;
    case FieldKind::StatusCategory: return k_category_keys;
    case FieldKind::Parent: return k_parent_keys;
    case FieldKind::User: return k_user_keys;
    case FieldKind::Custom: return k_custom_keys;
    default: return k_named_keys;
  }
}

// True if the issue type is a sub-task type.
bool is_subtask_type(const IssueView& x) {
  const json* t = member(x.fields, "issuetype");
  if (const json* s = member(t, "subtask"); s && s->is_boolean() && s->get<bool>()) return true;
  std::string_view name = member_string(t, "name");
  return std::any_of(x.ctx.subtask_type_names.begin(), x.ctx.subtask_type_names.end(),
                     [&](const std::string& n) { return iequals(n, name); });
}

// The instant a date operand stands for, if it is one.
std::optional<Millis> operand_time(const Operand& alt, const EvalContext& ctx) {
  if (alt.date) return resolve_date(*alt.date, ctx);
  return std::nullopt;
}

// A custom field member against one operand.
bool custom_item_matches(const json& item, const Operand& alt, Op op, const IssueView& x,
                         std::optional<Millis> alt_time) {
  if (alt.kind == Operand::Kind::CurrentUser) {
    return !x.ctx.current_user.empty() && item_named(item, match_keys(FieldKind::User), x.ctx.current_user);
  }
  if (alt.kind == Operand::Kind::Date) {
    auto t = value_time(item, x.ctx.zone);
    return t && alt_time && op_holds(op, sign_of(*t, *alt_time));
  }
  if (item.is_number()) {
    return alt.number && op_holds(op, sign_of(item.get<double>(), *alt.number));
  }
  if (item.is_boolean()) {
    return op == Op::Eq && iequals(alt.text, item.get<bool>() ? "true" : "false");
  }
  if (item.is_string()) {
    std::string_view s = item.get_ref<const std::string&>();
    if (alt_time) {
      if (auto t = value_time(item, x.ctx.zone)) return op_holds(op, sign_of(*t, *alt_time));
    }
    if (alt.number) {
      if (auto n = as_number(s)) return op_holds(op, sign_of(*n, *alt.number));
    }
    return op == Op::Eq && iequals(s, alt.text);
  }
  if (item.is_object()) {
    if (const json* v = member(&item, "value"); v && v->is_number()) {
      return alt.number && op_holds(op, sign_of(v->get<double>(), *alt.number));
    }
    return op == Op::Eq && item_named(item, match_keys(FieldKind::Custom), alt.text);
  }
  return false;
}

// The issue's key or id against one operand.
bool key_matches(const Operand& alt, Op op, const IssueView& x) {
  if (all_digits(alt.text)) {
    std::int64_t want = 0;
    std::from_chars(alt.text.data(), alt.text.data() + alt.text.size(), want);
    return op_holds(op, sign_of(issue_id(x.issue), want));
  }
  std::string_view key = member_string(&x.issue, "key");
  if (op == Op::Eq) return iequals(key, alt.text);
  std::string_view kp;
  std::string_view wp;
  std::int64_t kn = 0;
  std::int64_t wn = 0;
  if (!split_key(key, kp, kn) || !split_key(alt.text, wp, wn) || !iequals(kp, wp)) return false;
  return op_holds(op, sign_of(kn, wn));
}

// True if the field matches one (non-EMPTY) operand under =, or an ordering operator.
bool alt_matches(const FieldRef& f, const Operand& alt, Op op, const IssueView& x) {
  switch (f.kind) {
    case FieldKind::Key:
      return key_matches(alt, op, x);
    case FieldKind::Created:
    case FieldKind::Updated:
    case FieldKind::Resolved:
    case FieldKind::Due: {
      const json* v = field_value(f, x);
      auto at = operand_time(alt, x.ctx);
      if (!v || !at) return false;
      auto t = value_time(*v, x.ctx.zone);
      return t && op_holds(op, sign_of(*t, *at));
    }
    case FieldKind::IssueType:
      if (alt.kind == Operand::Kind::SubTaskTypes) return is_subtask_type(x);
      if (alt.kind == Operand::Kind::StandardTypes) return !is_subtask_type(x);
      break;
    case FieldKind::Sprint:
      return false;
    case FieldKind::Watcher:
    case FieldKind::IssueLinkType: {
      std::string_view want = alt.text;
      if (alt.kind == Operand::Kind::CurrentUser) want = x.ctx.current_user;
      if (want.empty()) return false;
      const auto names = related_names(f, x);
      return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequals(n, want); });
    }
    case FieldKind::Custom: {
      auto at = alt.kind == Operand::Kind::Literal || alt.kind == Operand::Kind::Date ? operand_time(alt, x.ctx)
                                                                                       : std::nullopt;
      return any_item(field_value(f, x), [&](const json& item) { return custom_item_matches(item, alt, op, x, at); });
    }
    default:
      break;
  }
  std::string_view want = alt.text;
  if (alt.kind == Operand::Kind::CurrentUser) {
    if (x.ctx.current_user.empty()) return false;
    want = x.ctx.current_user;
  }
  auto keys = match_keys(f.kind);
  return any_item(field_value(f, x), [&](const json& item) { return item_named(item, keys, want); });
}

// True if any alternative of the operand matches (= / IN semantics, or an ordering operator).
bool any_alt(const Clause& c, Op op, const IssueView& x, bool empty) {
  auto one = [&](const Operand& alt) {
    if (alt.kind == Operand::Kind::Empty) return empty;
    return !empty && alt_matches(c.field, alt, op, x);
  };
  if (c.operand.kind == Operand::Kind::List) return std::any_of(c.operand.items.begin(), c.operand.items.end(), one);
  return one(c.operand);
}

bool eval_clause(const Clause& c, const IssueView& x) {
  switch (c.op) {
    case Op::Is:
      return field_is_empty(c.field, x);
    case Op::IsNot:
      return !field_is_empty(c.field, x);
    case Op::Contains:
    case Op::NotContains: {
      std::vector<std::string_view> pieces;
      text_pieces(c.field, x, pieces);
      bool has_text = std::any_of(pieces.begin(), pieces.end(), [](std::string_view p) { return !p.empty(); });
      if (!has_text) return false;
      return text_matches(c.operand.text_query, pieces) == (c.op == Op::Contains);
    }
    case Op::Eq:
    case Op::In:
      return any_alt(c, Op::Eq, x, field_is_empty(c.field, x));
    case Op::NotEq:
    case Op::NotIn: {
      bool empty = field_is_empty(c.field, x);
      return !empty && !any_alt(c, Op::Eq, x, empty);
    }
    case Op::Gt:
    case Op::Ge:
    case Op::Lt:
    case Op::Le: {
      bool empty = field_is_empty(c.field, x);
      return !empty && any_alt(c, c.op, x, empty);
    }
  }
  return false;
}

bool eval_node(const Node& n, const IssueView& x) {
  switch (n.kind) {
    case Node::Kind::And:
      return std::all_of(n.children.begin(), n.children.end(), [&](const Node& c) { return eval_node(c, x); });
    case Node::Kind::Or:
      return std::any_of(n.children.begin(), n.children.end(), [&](const Node& c) { return eval_node(c, x); });
    case Node::Kind::Not:
      return !eval_node(n.children.front(), x);
    case Node::Kind::Leaf:
      return eval_clause(n.clause, x);
  }
  return false;
}

// A value to sort by; Empty sorts greatest.
struct SortValue {
  // Kinds in their cross-kind order.
  enum class Kind { Number, Key, Text, Empty };
  Kind kind = Kind::Empty;
  double number = 0;      // Number, Key (the key's number)
  std::string_view text;  // Text, Key (the project part)
};

SortValue number_value(double v) {
  SortValue s;
  s.kind = SortValue::Kind::Number;
  s.number = v;
  return s;
}

SortValue text_value(std::string_view v) {
  SortValue s;
  if (v.empty()) return s;
  s.kind = SortValue::Kind::Text;
  s.text = v;
  return s;
}

SortValue key_value(std::string_view key) {
  SortValue s;
  std::string_view project;
  std::int64_t n = 0;
  if (!split_key(key, project, n)) return text_value(key);
  s.kind = SortValue::Kind::Key;
  s.text = project;
  s.number = static_cast<double>(n);
  return s;
}

// The sort value of one member of a custom field.
SortValue custom_sort_value(const json& v, const IssueView& x) {
  if (v.is_number()) return number_value(v.get<double>());
  if (v.is_boolean()) return number_value(v.get<bool>() ? 1 : 0);
  if (v.is_string()) {
    if (auto t = value_time(v, x.ctx.zone)) return number_value(static_cast<double>(*t));
    if (auto n = as_number(v.get_ref<const std::string&>())) return number_value(*n);
    return text_value(v.get_ref<const std::string&>());
  }
  if (v.is_object()) {
    for (auto k : {"value", "displayName", "name", "key", "id"}) {
      const json* m = member(&v, k);
      if (m && m->is_number()) return number_value(m->get<double>());
      if (m && m->is_string()) return text_value(m->get_ref<const std::string&>());
    }
  }
  return {};
}

SortValue sort_value(const FieldRef& f, const IssueView& x) {
  switch (f.kind) {
    case FieldKind::Key:
      return key_value(member_string(&x.issue, "key"));
    case FieldKind::Parent:
      return key_value(member_string(field_value(f, x), "key"));
    case FieldKind::Project: {
      const json* p = field_value(f, x);
      auto name = member_string(p, "name");
      return text_value(name.empty() ? member_string(p, "key") : name);
    }
    case FieldKind::Priority: {
      const json* p = field_value(f, x);
      if (auto n = as_number(member_string(p, "id"))) return number_value(-*n);
      return text_value(member_string(p, "name"));
    }
    case FieldKind::StatusCategory: {
      auto key = member_string(field_value(f, x), "key");
      if (key.empty()) return {};
      return number_value(key == "new" ? 1 : key == "indeterminate" ? 2 : key == "done" ? 3 : 0);
    }
    case FieldKind::User: {
      const json* u = field_value(f, x);
      for (auto k : {"displayName", "name", "accountId"}) {
        if (auto s = member_string(u, k); !s.empty()) return text_value(s);
      }
      return {};
    }
    case FieldKind::Labels: {
      const json* v = field_value(f, x);
      if (v && v->is_array() && !v->empty() && v->front().is_string()) {
        return text_value(v->front().get_ref<const std::string&>());
      }
      return {};
    }
    case FieldKind::Summary:
      return text_value(member_string(x.fields, "summary"));
    case FieldKind::Created:
    case FieldKind::Updated:
    case FieldKind::Resolved:
    case FieldKind::Due: {
      const json* v = field_value(f, x);
      if (!v) return {};
      auto t = value_time(*v, x.ctx.zone);
      return t ? number_value(static_cast<double>(*t)) : SortValue{};
    }
    case FieldKind::Custom: {
      const json* v = field_value(f, x);
      if (!v || v->is_null()) return {};
      if (v->is_array()) return v->empty() ? SortValue{} : custom_sort_value(v->front(), x);
      return custom_sort_value(*v, x);
    }
    default:
      return text_value(member_string(field_value(f, x), "name"));
  }
}

int compare_sort(const SortValue& a, const SortValue& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  switch (a.kind) {
    case SortValue::Kind::Number:
      return sign_of(a.number, b.number);
    case SortValue::Kind::Text:
      return icompare(a.text, b.text);
    case SortValue::Kind::Key:
      if (int c = icompare(a.text, b.text); c != 0) return c;
      return sign_of(a.number, b.number);
    case SortValue::Kind::Empty:
      return 0;
  }
  return 0;
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower_char(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  }
  return true;
}

int icompare(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto ca = static_cast<unsigned char>(lower_char(a[i]));
    auto cb = static_cast<unsigned char>(lower_char(b[i]));
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return sign_of(a.size(), b.size());
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

TextQuery make_text_query(std::string_view text) {
  TextQuery q;
  for (TextUnit& unit : parse_text_query(text)) {
    if (!unit.phrase) {
      if (is_stop_word(unit.words.front())) continue;
    } else {
      for (auto& w : unit.words) {
        if (is_stop_word(w)) w.clear();
      }
      while (!unit.words.empty() && unit.words.back().empty()) unit.words.pop_back();
      auto first = std::find_if(unit.words.begin(), unit.words.end(), [](const std::string& w) { return !w.empty(); });
      unit.words.erase(unit.words.begin(), first);
    }
    q.units.push_back(std::move(unit));
  }
  return q;
}

std::optional<Millis> parse_datetime(std::string_view s) {
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, mo) || i >= s.size() ||
      s[i++] != '-' || !digits(s, i, 2, d) || i >= s.size() || (s[i] != 'T' && s[i] != ' ')) {
    return std::nullopt;
  }
  ++i;
  if (!digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !digits(s, i, 2, mi)) return std::nullopt;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!digits(s, i, 2, sec)) return std::nullopt;
  }
  int ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int scale = 100;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  int offset_min = 0;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i++] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!digits(s, i, 2, oh)) return std::nullopt;
      if (i < s.size() && s[i] == ':') ++i;
      if (!digits(s, i, 2, om)) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  auto days = civil_days(y, mo, d);
  if (!days) return std::nullopt;
  return *days * k_ms_per_day + ((h * 60 + mi - offset_min) * 60 + sec) * Millis{1000} + ms;
}

std::optional<std::int64_t> parse_date_only(std::string_view s) {
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0;
  if (!digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, mo) || i >= s.size() ||
      s[i++] != '-' || !digits(s, i, 2, d) || i != s.size()) {
    return std::nullopt;
  }
  return civil_days(y, mo, d);
}

Millis local_day_start(std::int64_t local_days, const date::time_zone* zone) {
  return from_local(local_days * k_ms_per_day, zone);
}

Millis resolve_date(const DateSpec& spec, const EvalContext& ctx) {
  Millis now = std::chrono::floor<std::chrono::milliseconds>(ctx.now).time_since_epoch().count();
  const date::time_zone* zone = ctx.zone;
  switch (spec.anchor) {
    case DateAnchor::Absolute:
      return from_local(spec.local_minutes * 60'000, zone);
    case DateAnchor::Relative:
    case DateAnchor::Now:
      return add_period(now, spec.offset, zone);
    default:
      break;
  }
  std::int64_t day = floor_div(to_local(now, zone), k_ms_per_day);
  const Period& p = spec.offset;
  int shift = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
  bool want_start = true;
  switch (spec.anchor) {
    case DateAnchor::StartOfDay:
    case DateAnchor::EndOfDay:
      want_start = spec.anchor == DateAnchor::StartOfDay;
      shift = spec.shift_own_unit ? p.days : 0;
      start = day + shift;
      end = start + 1;
      break;
    case DateAnchor::StartOfWeek:
    case DateAnchor::EndOfWeek: {
      want_start = spec.anchor == DateAnchor::StartOfWeek;
      shift = spec.shift_own_unit ? p.weeks : 0;
      auto wd = date::weekday{date::sys_days{date::days{day}}}.c_encoding();  // 0 = Sunday
      start = day - wd + 7 * static_cast<std::int64_t>(shift);
      end = start + 7;
      break;
    }
    case DateAnchor::StartOfMonth:
    case DateAnchor::EndOfMonth: {
      want_start = spec.anchor == DateAnchor::StartOfMonth;
      shift = spec.shift_own_unit ? p.months : 0;
      date::year_month_day ymd{date::sys_days{date::days{day}}};
      date::year_month ym = date::year_month{ymd.year(), ymd.month()} + date::months{shift};
      start = date::sys_days{ym / 1}.time_since_epoch().count();
      end = date::sys_days{(ym + date::months{1}) / 1}.time_since_epoch().count();
      break;
    }
    default: {
      want_start = spec.anchor == DateAnchor::StartOfYear;
      shift = spec.shift_own_unit ? p.years : 0;
      date::year_month_day ymd{date::sys_days{date::days{day}}};
      date::year y = ymd.year() + date::years{shift};
      start = date::sys_days{y / 1 / 1}.time_since_epoch().count();
      end = date::sys_days{(y + date::years{1}) / 1 / 1}.time_since_epoch().count();
      break;
    }
  }
  Millis result = want_start ? from_local(start * k_ms_per_day, zone) : from_local(end * k_ms_per_day, zone) - 1;
  if (!spec.shift_own_unit) result = add_period(result, p, zone);
  return result;
}

bool matches(const Query& q, const json& issue, const EvalContext& ctx) {
  if (!q.where) return true;
  IssueView x{issue, member(&issue, "fields"), ctx};
  return eval_node(*q.where, x);
}

int compare(const Query& q, const json& a, const json& b, const EvalContext& ctx) {
  IssueView xa{a, member(&a, "fields"), ctx};
  IssueView xb{b, member(&b, "fields"), ctx};
  if (q.order_by.empty()) {
    return sign_of(issue_id(b), issue_id(a));
  }
  for (const auto& key : q.order_by) {
    int c = compare_sort(sort_value(key.field, xa), sort_value(key.field, xb));
    if (c != 0) return key.descending ? -c : c;
  }
  return sign_of(issue_id(a), issue_id(b));
}

bool is_bounded(const Query& q) { return q.where.has_value(); }

}  // namespace sandbox::jql
