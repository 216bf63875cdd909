#include "faultline/core/time.hpp"
#include "faultline/util/strings.hpp"

#include <cctype>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace faultline::core {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view k_time_forms =
    "expected ISO 8601 (2026-11-25T10:00:00+08:00, 2026-11-25T10:00:00.000+0800, "
    "2026-11-25T02:00:00Z, 2026-11-25T10:00 in the configured zone), a date (2026-11-25), "
    "\"now\", or an offset from now (-15m, -2h, +1d, -1w, -1h30m)";
constexpr std::string_view k_duration_forms =
    "expected a number with a unit s, m, h, d or w, e.g. 45s, 30m, 2h, 1d, 1h30m";
constexpr std::string_view k_date_forms =
    "expected YYYY-MM-DD (2026-12-01), today, tomorrow, yesterday, or days/weeks from today "
    "(+7d, +2w, -1d)";
constexpr std::size_t k_max_number_digits = 9;

// The input as shown inside an error message: quoted, control characters as '?'.
std::string quote_input(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? '?' : c);
  }
  out += "\"";
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text being parsed.
class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  bool done() const { return m_pos >= m_text.size(); }
  char peek() const { return done() ? '\0' : m_text[m_pos]; }
  void skip() { ++m_pos; }
  bool accept(char c) {
    if (peek() != c || done()) return false;
    ++m_pos;
    return true;
  }
  void skip_spaces() {
    while (!done() && peek() == ' ') ++m_pos;
  }
  // Exactly `count` digits as a number.
  std::optional<int> fixed_digits(std::size_t count) {
    if (m_pos + count > m_text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = m_text[m_pos + i];
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    m_pos += count;
    return value;
  }
  // One or more digits (at most k_max_number_digits) as a number.
  std::optional<long long> number() {
    std::size_t count = 0;
    long long value = 0;
    while (!done() && is_digit(peek())) {
      if (++count > k_max_number_digits) return std::nullopt;
      value = value * 10 + (peek() - '0');
      ++m_pos;
    }
    if (count == 0) return std::nullopt;
    return value;
  }
  // The digits of a fraction, as milliseconds (digits past the third are truncated).
  std::optional<int> fraction_ms() {
    std::size_t count = 0;
    int ms = 0;
    while (!done() && is_digit(peek())) {
      if (count < 3) ms = ms * 10 + (peek() - '0');
      ++count;
      ++m_pos;
    }
    if (count == 0) return std::nullopt;
    for (std::size_t i = count; i < 3; ++i) ms *= 10;
    return ms;
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

// The length of one unit letter, or nothing when `unit` is not one.
std::optional<milliseconds> unit_length(char unit) {
  switch (unit) {
    case 's': case 'S': return std::chrono::seconds{1};
    case 'm': case 'M': return std::chrono::minutes{1};
    case 'h': case 'H': return std::chrono::hours{1};
    case 'd': case 'D': return std::chrono::hours{24};
    case 'w': case 'W': return std::chrono::hours{24 * 7};
    default: return std::nullopt;
  }
}

// "1h30m", "1h 30m": groups of number + unit, each unit at most once and largest first.
std::optional<milliseconds> scan_duration(std::string_view text) {
  Scanner in(text);
  milliseconds total{0};
  std::optional<milliseconds> previous_unit;
  bool any = false;
  while (true) {
    in.skip_spaces();
    if (in.done()) break;
    const auto count = in.number();
    if (!count) return std::nullopt;
    const auto unit = unit_length(in.peek());
    if (!unit) return std::nullopt;
    in.skip();
    if (previous_unit && *unit >= *previous_unit) return std::nullopt;
    previous_unit = unit;
    total += *count * *unit;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

// "YYYY-MM-DD" at the scanner, validated as a calendar day.
std::optional<date::year_month_day> scan_date(Scanner& in) {
  const auto y = in.fixed_digits(4);
  if (!y || !in.accept('-')) return std::nullopt;
  const auto m = in.fixed_digits(2);
  if (!m || !in.accept('-')) return std::nullopt;
  const auto d = in.fixed_digits(2);
  if (!d) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// A local wall time in `zone` as an instant. A time skipped or repeated by a DST change is
// read with the offset in force before the change.
TimePoint local_to_sys(date::local_time<milliseconds> local, const date::time_zone* zone) {
  const auto info = zone->get_info(date::floor<std::chrono::seconds>(local));
  return TimePoint{local.time_since_epoch() - date::floor<milliseconds>(info.first.offset)};
}

// The offset after a time: Z, ±hh:mm, ±hhmm or ±hh. Nothing parsed -> nullopt in `offset`.
bool scan_offset(Scanner& in, std::optional<milliseconds>& offset) {
  if (in.accept('Z') || in.accept('z')) {
    offset = milliseconds{0};
    return true;
  }
  int sign = 0;
  if (in.accept('+')) {
    sign = 1;
  } else if (in.accept('-')) {
    sign = -1;
  } else {
    return true;  // no offset
  }
  const auto hours = in.fixed_digits(2);
  if (!hours || *hours > 23) return false;
  int minutes = 0;
  if (!in.done()) {
    in.accept(':');
    const auto mm = in.fixed_digits(2);
    if (!mm || *mm > 59) return false;
    minutes = *mm;
  }
  offset = sign * (std::chrono::hours{*hours} + std::chrono::minutes{minutes});
  return true;
}

std::optional<TimePoint> scan_iso(std::string_view text, const date::time_zone* zone) {
  Scanner in(text);
  const auto ymd = scan_date(in);
  if (!ymd) return std::nullopt;
  const auto day = date::local_days{*ymd};
  if (in.done()) return local_to_sys(date::local_time<milliseconds>{day}, zone);
  if (!in.accept('T') && !in.accept('t') && !in.accept(' ')) return std::nullopt;
  const auto hh = in.fixed_digits(2);
  if (!hh || *hh > 23 || !in.accept(':')) return std::nullopt;
  const auto mm = in.fixed_digits(2);
  if (!mm || *mm > 59) return std::nullopt;
  int ss = 0;
  int ms = 0;
  if (in.accept(':')) {
    const auto sec = in.fixed_digits(2);
    if (!sec || *sec > 59) return std::nullopt;
    ss = *sec;
    if (in.accept('.') || in.accept(',')) {
      const auto frac = in.fraction_ms();
      if (!frac) return std::nullopt;
      ms = *frac;
    }
  }
  std::optional<milliseconds> offset;
  if (!scan_offset(in, offset) || !in.done()) return std::nullopt;
  const auto local = date::local_time<milliseconds>{day} + std::chrono::hours{*hh} +
                     std::chrono::minutes{*mm} + std::chrono::seconds{ss} + milliseconds{ms};
  if (!offset) return local_to_sys(local, zone);
  return TimePoint{local.time_since_epoch() - *offset};
}

// "-15m", "+2h", "30s" (no sign = ago).
std::optional<TimePoint> scan_relative(std::string_view text, TimePoint now) {
  int sign = -1;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    sign = text.front() == '+' ? 1 : -1;
    text.remove_prefix(1);
  }
  if (text.empty() || !is_digit(text.front())) return std::nullopt;
  const auto span = scan_duration(text);
  if (!span) return std::nullopt;
  return now + sign * *span;
}

}  // namespace

TimePoint SystemClock::now() const {
  return date::floor<milliseconds>(std::chrono::system_clock::now());
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  if (name.empty()) {
    return fail(ErrorKind::Config, "empty time zone name",
                "use an IANA zone name such as \"Asia/Shanghai\" or \"UTC\"");
  }
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return fail(ErrorKind::Config, fmt::format("unknown time zone {}", quote_input(name)),
                "use an IANA zone name such as \"Asia/Shanghai\", \"Europe/Berlin\" or \"UTC\"");
  }
}

Result<TimePoint> parse_time(std::string_view text, TimePoint now, const date::time_zone* zone) {
  const auto body = trim(text);
  if (iequals(body, "now")) return now;
  if (auto relative = scan_relative(body, now)) return *relative;
  if (auto absolute = scan_iso(body, zone)) return *absolute;
  return fail(ErrorKind::Usage,
              fmt::format("cannot read {} as a time: {}", quote_input(text), k_time_forms));
}

Result<milliseconds> parse_duration(std::string_view text) {
  const auto body = trim(text);
  if (!body.empty() && is_digit(body.front())) {
    if (auto span = scan_duration(body)) return *span;
  }
  return fail(ErrorKind::Usage,
              fmt::format("cannot read {} as a duration: {}", quote_input(text), k_duration_forms));
}

Result<date::year_month_day> parse_date(std::string_view text, TimePoint now, const date::time_zone* zone) {
  const auto body = trim(text);
  const auto today = date::local_days{local_date(now, zone)};
  if (iequals(body, "today")) return date::year_month_day{today};
  if (iequals(body, "tomorrow")) return date::year_month_day{today + date::days{1}};
  if (iequals(body, "yesterday")) return date::year_month_day{today - date::days{1}};
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    const int sign = body.front() == '+' ? 1 : -1;
    Scanner in(body.substr(1));
    const auto count = in.number();
    const char unit = in.peek();
    if (count && !in.done()) {
      in.skip();
      if (in.done() && (unit == 'd' || unit == 'D' || unit == 'w' || unit == 'W')) {
        const long long days = *count * ((unit == 'w' || unit == 'W') ? 7 : 1);
        return date::year_month_day{today + date::days{sign * days}};
      }
    }
  } else {
    Scanner in(body);
    const auto ymd = scan_date(in);
    if (ymd && in.done()) return *ymd;
  }
  return fail(ErrorKind::Usage,
              fmt::format("cannot read {} as a date: {}", quote_input(text), k_date_forms));
}

std::string format_jira_datetime(TimePoint t, const date::time_zone* zone) {
  const date::zoned_time<milliseconds> zoned{zone, t};
  return date::format("%FT%T%z", zoned);
}

std::string format_iso(TimePoint t, const date::time_zone* zone) {
  const date::zoned_time<std::chrono::seconds> zoned{zone, date::floor<std::chrono::seconds>(t)};
  return date::format("%FT%T%Ez", zoned);
}

std::string format_minutes(TimePoint t, const date::time_zone* zone) {
  const auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%Y-%m-%d %H:%M", local.get_local_time());
}

std::string format_date(date::year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

date::year_month_day local_date(TimePoint t, const date::time_zone* zone) {
  const date::zoned_time<milliseconds> zoned{zone, t};
  return date::year_month_day{date::floor<date::days>(zoned.get_local_time())};
}

std::string format_age(milliseconds d) {
  std::string sign;
  if (d < milliseconds{0}) {
    sign = "-";
    d = -d;
  }
  const std::pair<long long, const char*> units[] = {
      {std::chrono::duration_cast<milliseconds>(std::chrono::hours{24}).count(), "d"},
      {std::chrono::duration_cast<milliseconds>(std::chrono::hours{1}).count(), "h"},
      {std::chrono::duration_cast<milliseconds>(std::chrono::minutes{1}).count(), "m"},
      {std::chrono::duration_cast<milliseconds>(std::chrono::seconds{1}).count(), "s"},
  };
  long long rest = d.count();
  for (std::size_t i = 0; i < std::size(units); ++i) {
    const long long big = rest / units[i].first;
    if (big == 0) continue;
    std::string out = sign + fmt::format("{}{}", big, units[i].second);
    if (i + 1 < std::size(units)) {
      const long long small = (rest % units[i].first) / units[i + 1].first;
      if (small != 0) out += fmt::format(" {}{}", small, units[i + 1].second);
    }
    return out;
  }
  return "0s";
}

}  // namespace faultline::core
