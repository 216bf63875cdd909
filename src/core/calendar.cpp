#include "faultline/core/calendar.hpp"

#include <cstdio>

#include "faultline/core/labels.hpp"
#include "faultline/core/utf8.hpp"
#include "faultline/util/build_info.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

constexpr std::size_t k_ical_line_octets = 75;
constexpr std::string_view k_ical_uid_fallback_domain = "faultline.invalid";
constexpr std::string_view k_ical_alarm_trigger = "-PT15M";

bool ical_is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

bool ical_is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

// Valid UTF-8 with every control character removed and a tab turned into a space: a value
// that can sit anywhere on a content line.
std::string ical_clean(std::string_view text) {
  std::string out;
  for (const char c : sanitize_utf8(text)) {
    if (c == '\t') out += ' ';
    else if (!ical_is_control(c)) out += c;
  }
  return out;
}

// The address inside "Name <addr>", or the text itself, cleaned and trimmed.
std::string ical_bare_address(std::string_view mailbox) {
  const auto open = mailbox.rfind('<');
  const auto close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    mailbox = mailbox.substr(open + 1, close - open - 1);
  return std::string(trim(ical_clean(mailbox)));
}

// The lower-cased domain of `address` when it is a plausible host name, else the fallback.
std::string ical_uid_domain(std::string_view organizer_email) {
  const std::string address = ical_bare_address(organizer_email);
  const auto at = address.rfind('@');
  if (at == std::string::npos || at + 1 == address.size()) return std::string(k_ical_uid_fallback_domain);
  const std::string domain = lower(std::string_view(address).substr(at + 1));
  for (const char c : domain) {
    const bool host_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!host_char) return std::string(k_ical_uid_fallback_domain);
  }
  return domain;
}

// A CN parameter value (§3.2): no control characters, no DQUOTE (a quoted string cannot hold
// one), and quoted when it holds ':' ';' or ','.
std::string ical_param_value(std::string_view text) {
  std::string value;
  for (const char c : ical_clean(text))
    if (c != '"') value += c;
  if (value.find_first_of(":;,") != std::string::npos) return "\"" + value + "\"";
  return value;
}

// "20261204T070000Z": UTC, second precision (§3.3.5 form #2).
std::string ical_utc(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto day = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{seconds - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

// "ORGANIZER;CN=...:mailto:..." / "ATTENDEE;CN=...;...:mailto:...".
std::string ical_person_line(std::string_view property, const CalendarPerson& person,
                             std::string_view parameters) {
  std::string line(property);
  const std::string name = ical_param_value(person.name);
  if (!name.empty()) line += ";CN=" + name;
  line += parameters;
  line += ":mailto:" + ical_bare_address(person.email);
  return line;
}

// Appends one folded content line.
void ical_add(std::string& out, std::string_view line) { out += fold_ical_line(line); }

void ical_add_text(std::string& out, std::string_view property, std::string_view value) {
  ical_add(out, std::string(property) + ":" + escape_ical_text(value));
}

void ical_write_alarm(std::string& out, const CalendarEvent& event) {
  ical_add(out, "BEGIN:VALARM");
  ical_add(out, "ACTION:DISPLAY");
  ical_add(out, "TRIGGER:" + std::string(k_ical_alarm_trigger));
  ical_add_text(out, "DESCRIPTION", trim(event.summary).empty() ? std::string_view("Fault review") : event.summary);
  ical_add(out, "END:VALARM");
}

void ical_write_event(std::string& out, const CalendarEvent& event) {
  const bool cancel = event.method == CalendarMethod::Cancel;
  ical_add(out, "BEGIN:VEVENT");
  ical_add_text(out, "UID", event.uid);
  ical_add(out, "SEQUENCE:" + std::to_string(event.sequence < 0 ? 0 : event.sequence));
  ical_add(out, "DTSTAMP:" + ical_utc(event.stamp));
  ical_add(out, "DTSTART:" + ical_utc(event.start));
  if (event.duration > std::chrono::minutes::zero()) ical_add(out, "DTEND:" + ical_utc(event.start + event.duration));
  ical_add_text(out, "SUMMARY", event.summary);
  if (!event.description.empty()) ical_add_text(out, "DESCRIPTION", event.description);
  if (!trim(event.location).empty()) ical_add_text(out, "LOCATION", trim(event.location));
  // URL is a URI value, not TEXT: no escaping, only nothing that could end the line.
  if (const std::string url(trim(ical_clean(event.url))); !url.empty()) ical_add(out, "URL:" + url);
  if (!ical_bare_address(event.organizer.email).empty()) ical_add(out, ical_person_line("ORGANIZER", event.organizer, ""));
  for (const auto& attendee : invited_attendees(event))
    ical_add(out, ical_person_line("ATTENDEE", attendee, ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"));
  ical_add(out, cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
  ical_add(out, "TRANSP:OPAQUE");
  if (!cancel) ical_write_alarm(out, event);
  ical_add(out, "END:VEVENT");
}

}  // namespace

std::string review_event_uid(std::string_view site_url, std::string_view fault_key,
                             std::string_view organizer_email) {
  std::string slug = label_slug(fault_key);
  if (slug.empty()) slug = "fault";
  const std::string identity = std::string(site_url) + "\n" + std::string(fault_key);
  return slug + "-review-" + hex16(fnv1a_64(identity)) + "@" + ical_uid_domain(organizer_email);
}

std::string escape_ical_text(std::string_view text) {
  const std::string valid = sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    if (c == '\r' && i + 1 < valid.size() && valid[i + 1] == '\n') continue;  // the LF follows
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += ' '; break;
      default:
        if (!ical_is_control(c)) out += c;
    }
  }
  return out;
}

std::string fold_ical_line(std::string_view line) {
  std::string text;
  for (const char c : line)
    if (c != '\r' && c != '\n') text += c;
  std::string out;
  std::string_view rest = text;
  std::size_t room = k_ical_line_octets;  // the first line; continuation lines lose one to the space
  while (true) {
    std::size_t cut = rest.size();
    if (cut > room) {
      cut = room;
      // Back off over at most three continuation bytes: the cut then starts a code point. More
      // than three in a row is not UTF-8, and any cut is as good as another.
      std::size_t steps = 0;
      while (cut > 0 && steps < 3 && ical_is_continuation(rest[cut])) {
        --cut;
        ++steps;
      }
      if (cut == 0 || (steps == 3 && ical_is_continuation(rest[cut]))) cut = room;
    }
    out.append(rest.substr(0, cut));
    out += "\r\n";
    rest.remove_prefix(cut);
    if (rest.empty()) break;
    out += ' ';
    room = k_ical_line_octets - 1;
  }
  return out;
}

std::vector<CalendarPerson> invited_attendees(const CalendarEvent& event) {
  std::vector<CalendarPerson> out;
  for (const auto& attendee : event.attendees) {
    const std::string address = ical_bare_address(attendee.email);
    if (address.empty()) continue;
    bool known = false;
    for (auto& invited : out) {
      if (!iequals(invited.email, address)) continue;
      known = true;
      if (trim(invited.name).empty()) invited.name = attendee.name;
      break;
    }
    if (!known) out.push_back(CalendarPerson{attendee.name, address});
  }
  return out;
}

std::string write_icalendar(const CalendarEvent& event) {
  const bool cancel = event.method == CalendarMethod::Cancel;
  std::string out;
  ical_add(out, "BEGIN:VCALENDAR");
  ical_add(out, "PRODID:-//faultline//faultline " + escape_ical_text(faultline::version()) + "//EN");
  ical_add(out, "VERSION:2.0");
  ical_add(out, "CALSCALE:GREGORIAN");
  ical_add(out, cancel ? "METHOD:CANCEL" : "METHOD:REQUEST");
  ical_write_event(out, event);
  ical_add(out, "END:VCALENDAR");
  return out;
}

}  // namespace faultline::core
