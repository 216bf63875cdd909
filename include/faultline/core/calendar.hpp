// iCalendar (RFC 5545) meeting objects for iTIP (RFC 5546) invitations by e-mail: the fault
// review meeting as one VEVENT, in UTC, with the TEXT escaping and line folding the format
// requires. Pure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

// Someone on the invitation: written as CN=<name> and mailto:<email> (a bare address).
struct CalendarPerson {
  std::string name;
  std::string email;
};

// What the calendar object asks of its receivers (the iTIP METHOD).
enum class CalendarMethod { Request, Cancel };

// One meeting and the version of it being sent.
struct CalendarEvent {
  CalendarMethod method = CalendarMethod::Request;
  std::string uid;                                // stable per fault (review_event_uid)
  int sequence = 0;                               // 0 first, +1 for each reschedule or the cancel
  std::chrono::system_clock::time_point stamp;   // DTSTAMP: when this version was made
  std::chrono::system_clock::time_point start;   // DTSTART
  std::chrono::minutes duration{60};             // written as DTEND (UTC), not DURATION
  std::string summary;                            // "Fault review: FAULT-42 Checkout returns 502"
  std::string description;                        // multi-line plain text
  std::string location;                           // a URL or a room name; empty: no LOCATION
  std::string url;                                // the fault's link; empty: no URL property
  CalendarPerson organizer;
  std::vector<CalendarPerson> attendees;
};

// The meeting UID of a fault's review: "<slug of fault_key>-review-<16 hex of FNV-1a 64 of
// site_url + '\n' + fault_key>@<domain>", the same for a fault on every run and machine and
// different across sites. domain = the domain of `organizer_email` (a bare address or
// "Name <addr>"), lower-cased, or "faultline.invalid" when it has none (or an unusable one).
// A key without ASCII letters or digits has the slug "fault".
std::string review_event_uid(std::string_view site_url, std::string_view fault_key,
                             std::string_view organizer_email);

// RFC 5545 §3.3.11 TEXT escaping: '\' ';' ',' get a backslash, a line break (CRLF or LF) becomes
// "\n"; every other control character (a lone CR, NUL, DEL, ...) is removed, a tab becomes a
// space, and invalid UTF-8 bytes become U+FFFD.
std::string escape_ical_text(std::string_view text);

// §3.1 folding of one content line (given without its line end; any CR or LF in it is
// dropped): physical lines of at most 75 octets, each continuation line starting with one
// space, never splitting a UTF-8 sequence; every physical line ends with CRLF.
std::string fold_ical_line(std::string_view line);

// The attendees write_icalendar writes, in order: those with an address (surrounding
// whitespace and control characters removed), each address once (compared case-insensitively;
// a later duplicate only fills in a missing name). The invitation mail goes to exactly these.
std::vector<CalendarPerson> invited_attendees(const CalendarEvent& event);

// The whole VCALENDAR object (PRODID with faultline's version, VERSION:2.0, CALSCALE:GREGORIAN,
// METHOD) holding one VEVENT: UID, SEQUENCE, DTSTAMP, DTSTART, DTEND (all UTC, second
// precision), SUMMARY, DESCRIPTION (when not empty), LOCATION and URL (when not empty),
// ORGANIZER (when it has an address), one ATTENDEE per invited_attendees entry (REQ-PARTICIPANT,
// NEEDS-ACTION, RSVP=TRUE), STATUS CONFIRMED or CANCELLED, TRANSP:OPAQUE, and for a REQUEST a
// display VALARM 15 minutes before. A duration of zero or less writes no DTEND (the event then
// ends when it starts, §3.6.1); a negative sequence is written as 0. CN values holding ':' ';'
// ',' are quoted and lose any '"'; control characters are removed from every value. Every line
// folded, CRLF line ends.
std::string write_icalendar(const CalendarEvent& event);

}  // namespace faultline::core
