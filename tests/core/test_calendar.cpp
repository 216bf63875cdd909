#include <catch2/catch.hpp>

#include <map>

#include "faultline/core/calendar.hpp"
#include "faultline/core/utf8.hpp"

using namespace faultline::core;

namespace {

using SysClock = std::chrono::system_clock;

// 2026-12-04 07:00:00 UTC.
const SysClock::time_point k_calendar_start =
    std::chrono::sys_days{std::chrono::year{2026} / 12 / 4} + std::chrono::hours(7);
const SysClock::time_point k_calendar_stamp =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(15) +
    std::chrono::minutes(16) + std::chrono::seconds(13);

CalendarEvent calendar_event() {
  CalendarEvent event;
  event.uid = review_event_uid("https://jira.example.com", "FAULT-42", "faultline@example.com");
  event.sequence = 0;
  event.stamp = k_calendar_stamp;
  event.start = k_calendar_start;
  event.duration = std::chrono::minutes(90);
  event.summary = "Fault review: FAULT-42 Checkout returns 502";
  event.description = "Fault: FAULT-42\nLevel: P2\nhttps://jira.example.com/browse/FAULT-42";
  event.location = "https://meet.example.com/fault-42";
  event.url = "https://jira.example.com/browse/FAULT-42";
  event.organizer = {"faultline", "faultline@example.com"};
  event.attendees = {{"alice", "alice@example.com"}, {"Bob", "bob@example.com"}};
  return event;
}

// One content line after unfolding: NAME;PARAM=...:VALUE.
struct ContentLine {
  std::string name;
  std::map<std::string, std::string> params;  // values as written (quotes kept)
  std::string value;                           // as written (still escaped)
};

// The physical lines of `text`, split at CRLF (the last CRLF ends the last line).
std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// Unfolds (CRLF + one space or tab continues the previous line) and splits each line into
// name, parameters and value; a ':' or ';' inside a quoted parameter value does not count.
std::vector<ContentLine> parse_ical(const std::string& text) {
  std::vector<std::string> logical;
  for (const auto& line : physical_lines(text)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !logical.empty()) logical.back() += line.substr(1);
    else logical.push_back(line);
  }
  std::vector<ContentLine> out;
  for (const auto& line : logical) {
    ContentLine parsed;
    std::size_t i = 0;
    while (i < line.size() && line[i] != ';' && line[i] != ':') parsed.name += line[i++];
    while (i < line.size() && line[i] == ';') {
      ++i;
      std::string key;
      while (i < line.size() && line[i] != '=') key += line[i++];
      ++i;  // '='
      std::string value;
      bool quoted = false;
      while (i < line.size() && (quoted || (line[i] != ';' && line[i] != ':'))) {
        if (line[i] == '"') quoted = !quoted;
        value += line[i++];
      }
      parsed.params[key] = value;
    }
    if (i < line.size()) parsed.value = line.substr(i + 1);  // after ':'
    out.push_back(parsed);
  }
  return out;
}

// The reverse of escape_ical_text.
std::string unescape_ical_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char next = text[++i];
    out += (next == 'n' || next == 'N') ? '\n' : next;
  }
  return out;
}

std::vector<ContentLine> with_name(const std::vector<ContentLine>& lines, std::string_view name) {
  std::vector<ContentLine> out;
  for (const auto& line : lines)
    if (line.name == name) out.push_back(line);
  return out;
}

// The value of the only `name` line inside the VEVENT (outside VALARM), or "<missing>".
std::string event_value(const std::vector<ContentLine>& lines, std::string_view name) {
  std::string found = "<missing>";
  int depth_alarm = 0;
  int count = 0;
  for (const auto& line : lines) {
    if (line.name == "BEGIN" && line.value == "VALARM") ++depth_alarm;
    if (line.name == "END" && line.value == "VALARM") --depth_alarm;
    if (depth_alarm == 0 && line.name == name) {
      found = line.value;
      ++count;
    }
  }
  return count > 1 ? "<repeated>" : found;
}

int count_exact_lines(const std::string& text, std::string_view wanted) {
  int count = 0;
  for (const auto& line : physical_lines(text)) count += line == wanted ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("escape_ical_text escapes backslash, semicolon, comma and line breaks", "[calendar]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"plain text", "plain text"},
      {"a,b;c\\d", "a\\,b\\;c\\\\d"},
      {"line one\nline two", "line one\\nline two"},
      {"windows\r\nline", "windows\\nline"},
      {"lone\rcr", "lonecr"},
      {"tab\there", "tab here"},
      {std::string("nul\0byte\x01\x7f", 10), "nulbyte"},
      {"colon: and \"quotes\" stay", "colon: and \"quotes\" stay"},
      {"故障复盘，结账；失败", "故障复盘，结账；失败"},  // full-width punctuation is not ASCII
      {"\\n is not a newline", "\\\\n is not a newline"},
      {"", ""},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(escape_ical_text(row.input) == row.expected);
  }
  CHECK(escape_ical_text("bad \xff byte") == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("escaped text reads back as written, with CRLF read as LF", "[calendar]") {
  const std::string texts[] = {
      "a,b;c\\d", "multi\nline\n\ntext", "trailing backslash\\", "\\;\\,\\n", "END:VEVENT\nBEGIN:VALARM",
      "日本語, 🚀; done",
  };
  for (const auto& text : texts) {
    INFO(text);
    const std::string escaped = escape_ical_text(text);
    CHECK(escaped.find('\n') == std::string::npos);
    CHECK(unescape_ical_text(escaped) == text);
  }
  CHECK(unescape_ical_text(escape_ical_text("one\r\ntwo")) == "one\ntwo");
}

TEST_CASE("fold_ical_line cuts at 75 octets with a space on each continuation line", "[calendar]") {
  CHECK(fold_ical_line("SUMMARY:short") == "SUMMARY:short\r\n");
  CHECK(fold_ical_line("") == "\r\n");
  const std::string exact(75, 'a');
  CHECK(fold_ical_line(exact) == exact + "\r\n");
  const std::string longer(76, 'a');
  CHECK(fold_ical_line(longer) == exact + "\r\n a\r\n");
  // 75 + 74 + 74 + 1 octets: the continuation lines carry 74 octets after their space.
  const std::string many(224, 'b');
  CHECK(fold_ical_line(many) ==
        std::string(75, 'b') + "\r\n " + std::string(74, 'b') + "\r\n " + std::string(74, 'b') + "\r\n b\r\n");
  // A line break inside the input cannot end the line early.
  CHECK(fold_ical_line("A:x\r\nEND:VEVENT") == "A:xEND:VEVENT\r\n");
}

TEST_CASE("fold_ical_line never splits a UTF-8 sequence", "[calendar]") {
  // 74 ASCII octets, then a 4-octet emoji: it does not fit in the first line and moves whole.
  const std::string line = std::string(74, 'x') + "🚀" + "y";
  const std::string folded = fold_ical_line(line);
  CHECK(folded == std::string(74, 'x') + "\r\n 🚀y\r\n");
  for (std::size_t offset = 0; offset < 4; ++offset) {
    const std::string text = std::string(offset, 'x') + [] {
      std::string s;
      for (int i = 0; i < 60; ++i) s += i % 2 == 0 ? "故" : "🚀";
      return s;
    }();
    const std::string result = fold_ical_line(text);
    for (const auto& physical : physical_lines(result)) {
      CHECK(physical.size() <= 75);
      CHECK(sanitize_utf8(physical) == physical);
    }
    std::string unfolded;
    for (const auto& physical : physical_lines(result)) unfolded += physical.empty() || unfolded.empty() ? physical : physical.substr(1);
    CHECK(unfolded == text);
  }
}

TEST_CASE("review_event_uid is stable per fault and site and differs across them", "[calendar]") {
  const std::string uid = review_event_uid("https://jira.example.com", "FAULT-42", "faultline@example.com");
  CHECK(uid.starts_with("fault-42-review-"));
  CHECK(uid.ends_with("@example.com"));
  CHECK(uid.size() == std::string("fault-42-review-").size() + 16 + std::string("@example.com").size());
  CHECK(uid == review_event_uid("https://jira.example.com", "FAULT-42", "faultline@example.com"));
  CHECK(uid != review_event_uid("https://jira.example.com", "FAULT-43", "faultline@example.com"));
  CHECK(uid != review_event_uid("https://jira.other.example", "FAULT-42", "faultline@example.com"));
  // The hash part does not depend on the organizer, only the domain does.
  const std::string other_domain = review_event_uid("https://jira.example.com", "FAULT-42", "Ops <ops@Example.ORG>");
  CHECK(other_domain.ends_with("@example.org"));
  CHECK(other_domain.substr(0, 32) == uid.substr(0, 32));
  CHECK(review_event_uid("https://jira.example.com", "FAULT-42", "").ends_with("@faultline.invalid"));
  CHECK(review_event_uid("https://jira.example.com", "FAULT-42", "no-at-sign").ends_with("@faultline.invalid"));
  CHECK(review_event_uid("https://jira.example.com", "FAULT-42", "x@bad domain;").ends_with("@faultline.invalid"));
  CHECK(review_event_uid("https://jira.example.com", "故障", "x@example.com").starts_with("fault-review-"));
}

TEST_CASE("write_icalendar writes a REQUEST with every iTIP-required property", "[calendar]") {
  const std::string text = write_icalendar(calendar_event());
  const auto lines = parse_ical(text);
  REQUIRE(lines.size() > 10);
  CHECK(lines.front().name == "BEGIN");
  CHECK(lines.front().value == "VCALENDAR");
  CHECK(lines.back().name == "END");
  CHECK(lines.back().value == "VCALENDAR");
  CHECK(event_value(lines, "VERSION") == "2.0");
  CHECK(event_value(lines, "PRODID").starts_with("-//faultline//faultline "));
  CHECK(event_value(lines, "PRODID").ends_with("//EN"));
  CHECK(event_value(lines, "CALSCALE") == "GREGORIAN");
  CHECK(event_value(lines, "METHOD") == "REQUEST");
  CHECK(event_value(lines, "UID") == calendar_event().uid);
  CHECK(event_value(lines, "SEQUENCE") == "0");
  CHECK(event_value(lines, "DTSTAMP") == "20261125T151613Z");
  CHECK(event_value(lines, "DTSTART") == "20261204T070000Z");
  CHECK(event_value(lines, "DTEND") == "20261204T083000Z");
  CHECK(with_name(lines, "DURATION").empty());
  CHECK(event_value(lines, "SUMMARY") == "Fault review: FAULT-42 Checkout returns 502");
  CHECK(unescape_ical_text(event_value(lines, "DESCRIPTION")) == calendar_event().description);
  CHECK(event_value(lines, "LOCATION") == "https://meet.example.com/fault-42");
  CHECK(event_value(lines, "URL") == "https://jira.example.com/browse/FAULT-42");
  CHECK(event_value(lines, "STATUS") == "CONFIRMED");
  CHECK(event_value(lines, "TRANSP") == "OPAQUE");

  const auto organizer = with_name(lines, "ORGANIZER");
  REQUIRE(organizer.size() == 1);
  CHECK(organizer[0].params.at("CN") == "faultline");
  CHECK(organizer[0].value == "mailto:faultline@example.com");

  const auto attendees = with_name(lines, "ATTENDEE");
  REQUIRE(attendees.size() == 2);
  CHECK(attendees[0].value == "mailto:alice@example.com");
  CHECK(attendees[0].params.at("CN") == "alice");
  CHECK(attendees[1].params.at("CN") == "Bob");
  for (const auto& attendee : attendees) {
    CHECK(attendee.params.at("ROLE") == "REQ-PARTICIPANT");
    CHECK(attendee.params.at("PARTSTAT") == "NEEDS-ACTION");
    CHECK(attendee.params.at("RSVP") == "TRUE");
  }

  // The alarm: 15 minutes before, shown on screen.
  CHECK(count_exact_lines(text, "BEGIN:VALARM") == 1);
  CHECK(count_exact_lines(text, "ACTION:DISPLAY") == 1);
  CHECK(count_exact_lines(text, "TRIGGER:-PT15M") == 1);
  CHECK(count_exact_lines(text, "END:VALARM") == 1);
  // VALARM sits inside VEVENT.
  CHECK(text.find("BEGIN:VALARM") > text.find("BEGIN:VEVENT"));
  CHECK(text.find("END:VALARM") < text.find("END:VEVENT"));
}

TEST_CASE("write_icalendar uses CRLF line ends only and lines of at most 75 octets", "[calendar]") {
  CalendarEvent event = calendar_event();
  std::string cjk;
  for (int i = 0; i < 40; ++i) cjk += "结账服务故障😀";
  event.summary = "Fault review: FAULT-42 " + cjk;
  event.description = cjk + "\n" + cjk + "\r\n" + std::string(300, 'z');
  event.location = "会议室 " + cjk;
  event.attendees.push_back({"张三" + cjk, "zhang@example.com"});
  const std::string text = write_icalendar(event);
  REQUIRE(text.ends_with("\r\n"));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') CHECK((i > 0 && text[i - 1] == '\r'));
    if (text[i] == '\r') CHECK((i + 1 < text.size() && text[i + 1] == '\n'));
  }
  for (const auto& line : physical_lines(text)) {
    INFO(line);
    CHECK(line.size() <= 75);
    CHECK(sanitize_utf8(line) == line);  // no UTF-8 sequence split across lines
  }
  const auto lines = parse_ical(text);
  CHECK(unescape_ical_text(event_value(lines, "SUMMARY")) == event.summary);
  CHECK(unescape_ical_text(event_value(lines, "DESCRIPTION")) == cjk + "\n" + cjk + "\n" + std::string(300, 'z'));
  CHECK(unescape_ical_text(event_value(lines, "LOCATION")) == event.location);
  CHECK(with_name(lines, "ATTENDEE").back().params.at("CN") == "张三" + cjk);
}

TEST_CASE("a CANCEL keeps the UID, carries its sequence and has no alarm", "[calendar]") {
  CalendarEvent event = calendar_event();
  event.method = CalendarMethod::Cancel;
  event.sequence = 3;
  const std::string text = write_icalendar(event);
  const auto lines = parse_ical(text);
  CHECK(event_value(lines, "METHOD") == "CANCEL");
  CHECK(event_value(lines, "STATUS") == "CANCELLED");
  CHECK(event_value(lines, "SEQUENCE") == "3");
  CHECK(event_value(lines, "UID") == calendar_event().uid);
  CHECK(text.find("VALARM") == std::string::npos);
  CHECK(text.find("TRIGGER") == std::string::npos);
  // What RFC 5546 wants in a CANCEL.
  for (const char* name : {"ORGANIZER", "ATTENDEE", "DTSTAMP", "SEQUENCE", "UID", "STATUS"}) {
    INFO(name);
    CHECK_FALSE(with_name(lines, name).empty());
  }
  CHECK(with_name(lines, "ATTENDEE").size() == 2);

  event.method = CalendarMethod::Request;
  event.sequence = 2;
  const auto request = parse_ical(write_icalendar(event));
  CHECK(event_value(request, "SEQUENCE") == "2");
  CHECK(event_value(request, "STATUS") == "CONFIRMED");
  event.sequence = -5;
  CHECK(event_value(parse_ical(write_icalendar(event)), "SEQUENCE") == "0");
}

TEST_CASE("DTEND is start plus duration, in UTC, to the second", "[calendar]") {
  CalendarEvent event = calendar_event();
  event.start = k_calendar_start + std::chrono::milliseconds(59'999);  // sub-second part dropped
  event.duration = std::chrono::minutes(60 * 24 + 5);                // across midnight
  auto lines = parse_ical(write_icalendar(event));
  CHECK(event_value(lines, "DTSTART") == "20261204T070059Z");
  CHECK(event_value(lines, "DTEND") == "20261205T070559Z");
  event.start = std::chrono::sys_days{std::chrono::year{2026} / 12 / 31} + std::chrono::hours(23) + std::chrono::minutes(30);
  event.duration = std::chrono::minutes(60);
  lines = parse_ical(write_icalendar(event));
  CHECK(event_value(lines, "DTEND") == "20270101T003000Z");
  // No positive duration: no DTEND (the event ends when it starts), never one before DTSTART.
  event.duration = std::chrono::minutes(0);
  CHECK(with_name(parse_ical(write_icalendar(event)), "DTEND").empty());
  event.duration = std::chrono::minutes(-30);
  CHECK(with_name(parse_ical(write_icalendar(event)), "DTEND").empty());
}

TEST_CASE("empty location and url write no LOCATION and no URL", "[calendar]") {
  CalendarEvent event = calendar_event();
  event.location = "  ";
  event.url.clear();
  event.description.clear();
  const auto lines = parse_ical(write_icalendar(event));
  CHECK(with_name(lines, "LOCATION").empty());
  CHECK(with_name(lines, "URL").empty());
  CHECK(with_name(lines, "DESCRIPTION").size() == 1);  // only the alarm's
  CHECK(event_value(lines, "SUMMARY") == calendar_event().summary);
}

TEST_CASE("attendees without an address are left out and each address appears once", "[calendar]") {
  CalendarEvent event = calendar_event();
  event.attendees = {{"alice", "alice@example.com"},
                     {"nobody", ""},
                     {"blank", "   "},
                     {"", "Carol@Example.com"},
                     {"ALICE again", "ALICE@example.com"},
                     {"Carol", "carol@example.com"}};
  const auto invited = invited_attendees(event);
  REQUIRE(invited.size() == 2);
  CHECK(invited[0].name == "alice");
  CHECK(invited[0].email == "alice@example.com");
  CHECK(invited[1].name == "Carol");  // filled in from the later duplicate
  CHECK(invited[1].email == "Carol@Example.com");
  const auto attendees = with_name(parse_ical(write_icalendar(event)), "ATTENDEE");
  REQUIRE(attendees.size() == 2);
  CHECK(attendees[0].value == "mailto:alice@example.com");
  CHECK(attendees[1].value == "mailto:Carol@Example.com");
  CHECK(attendees[1].params.at("CN") == "Carol");
  // No name: no CN parameter at all.
  event.attendees = {{"", "dave@example.com"}};
  const auto unnamed = with_name(parse_ical(write_icalendar(event)), "ATTENDEE");
  REQUIRE(unnamed.size() == 1);
  CHECK(unnamed[0].params.count("CN") == 0);
}

TEST_CASE("a hostile title, description or name cannot break the object's structure", "[calendar]") {
  CalendarEvent event = calendar_event();
  event.summary = "Fault review: \"quoted\"; semi, comma\r\nEND:VEVENT\r\nBEGIN:VEVENT";
  event.description = "line\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCALENDAR\n\\n\x01\x1b[31m";
  event.location = "Room;ATTENDEE:mailto:evil@example.com";
  event.url = "https://x.example/\r\nATTENDEE:mailto:evil@example.com";
  event.organizer = {"Ops: \"Team\"; on-call, 24/7", "ops@example.com"};
  event.attendees = {{"Mallory\r\nATTENDEE:mailto:evil@example.com", "mallory@example.com\r\nX: y"},
                     {"Eve \"the\" \xff", "eve@example.com"}};
  const std::string text = write_icalendar(event);
  for (const char* line : {"BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VALARM", "END:VALARM"}) {
    INFO(line);
    CHECK(count_exact_lines(text, line) == 1);
  }
  int begins = 0;
  int ends = 0;
  for (const auto& physical : physical_lines(text)) {
    begins += physical.starts_with("BEGIN:") ? 1 : 0;
    ends += physical.starts_with("END:") ? 1 : 0;
    CHECK(physical.find('\x1b') == std::string::npos);
    CHECK(physical.find('\x01') == std::string::npos);
  }
  CHECK(begins == 3);
  CHECK(ends == 3);

  const auto lines = parse_ical(text);
  CHECK(unescape_ical_text(event_value(lines, "SUMMARY")) == "Fault review: \"quoted\"; semi, comma\nEND:VEVENT\nBEGIN:VEVENT");
  CHECK(unescape_ical_text(event_value(lines, "DESCRIPTION")) == "line\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCALENDAR\n\\n[31m");
  CHECK(unescape_ical_text(event_value(lines, "LOCATION")) == "Room;ATTENDEE:mailto:evil@example.com");
  CHECK(event_value(lines, "URL") == "https://x.example/ATTENDEE:mailto:evil@example.com");
  const auto organizer = with_name(lines, "ORGANIZER");
  REQUIRE(organizer.size() == 1);
  CHECK(organizer[0].params.at("CN") == "\"Ops: Team; on-call, 24/7\"");
  CHECK(organizer[0].value == "mailto:ops@example.com");
  const auto attendees = with_name(lines, "ATTENDEE");
  REQUIRE(attendees.size() == 2);
  CHECK(attendees[0].params.at("CN") == "\"MalloryATTENDEE:mailto:evil@example.com\"");
  CHECK(attendees[0].value == "mailto:mallory@example.comX: y");
  CHECK(attendees[1].params.at("CN") == "Eve the \xEF\xBF\xBD");
  for (const auto& attendee : attendees) CHECK(attendee.params.at("RSVP") == "TRUE");
}
