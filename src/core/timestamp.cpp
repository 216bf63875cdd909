#include "faultline/core/timestamp.hpp"

#include <fmt/format.h>

namespace faultline::core {

namespace {

// Reads exactly `count` digits at `pos`, advancing it.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  const auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = digits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = digits(text, pos, 2);
  if (!day) return std::nullopt;
  if (!expect(text, pos, 'T') && !expect(text, pos, 't')) return std::nullopt;
  const auto hour = digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = digits(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  const auto second = digits(text, pos, 2);
  if (!second) return std::nullopt;
  int millis = 0;
  if (expect(text, pos, '.')) {
    std::size_t count = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (count < 3) millis = millis * 10 + (text[pos] - '0');
      ++count;
      ++pos;
    }
    if (count == 0) return std::nullopt;
    for (std::size_t i = count; i < 3; ++i) millis *= 10;
  }
  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    offset_minutes = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto off_hours = digits(text, pos, 2);
    if (!off_hours) return std::nullopt;
    expect(text, pos, ':');
    const auto off_minutes = digits(text, pos, 2);
    if (!off_minutes || *off_hours > 23 || *off_minutes > 59) return std::nullopt;
    offset_minutes = sign * (*off_hours * 60 + *off_minutes);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const int whole_second = *second == 60 ? 59 : *second;  // a leap second reads as :59
  TimePoint t = date::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                std::chrono::seconds{whole_second} + std::chrono::milliseconds{millis};
  t -= std::chrono::minutes{offset_minutes};
  return t;
}

std::string format_utc(TimePoint t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::milliseconds> tod{t - day};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                                tod.hours().count(), tod.minutes().count(), tod.seconds().count());
  if (tod.subseconds().count() != 0) out += fmt::format(".{:03}", tod.subseconds().count());
  out += "Z";
  return out;
}

bool is_go_zero_time(TimePoint t) {
  const date::year_month_day ymd{date::floor<date::days>(t)};
  return ymd.year() == date::year{1};
}

}  // namespace faultline::core
