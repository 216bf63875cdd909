#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <algorithm>

#include "faultline/core/calendar.hpp"
#include "faultline/notify/invitation.hpp"

using namespace faultline;
using namespace faultline::notify;

namespace {

const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1764083773));  // 2025-11-25 15:16:13 UTC

config::Channel invitation_channel() {
  config::Channel channel;
  channel.name = "mail";
  channel.kind = "email";
  channel.smtp_url = "smtp://mail.example.com:587";
  channel.smtp_user = "bot";
  channel.smtp_password = "hunter2-secret";
  channel.from = "Faultline <faultline@example.com>";
  channel.to = {"everyone@example.com"};  // not used by invitations: the attendees are
  return channel;
}

core::CalendarEvent invitation_event() {
  core::CalendarEvent event;
  event.uid = core::review_event_uid("https://jira.example.com", "FAULT-42", "faultline@example.com");
  event.stamp = k_now;
  event.start = k_now + std::chrono::hours(48);
  event.duration = std::chrono::minutes(60);
  event.summary = "Fault review: FAULT-42 Checkout returns 502";
  event.description = "Fault: FAULT-42\nWhere: https://meet.example.com/42";
  event.location = "https://meet.example.com/42";
  event.url = "https://jira.example.com/browse/FAULT-42";
  event.organizer = {"faultline", "faultline@example.com"};
  event.attendees = {{"alice", "alice@example.com"}, {"bob", "bob@example.com"}, {"nobody", ""},
                     {"ALICE", "Alice@Example.com"}};
  return event;
}

// The header block (up to the first empty line), unfolded.
std::string invitation_headers(const std::string& message) {
  std::string headers = message.substr(0, message.find("\r\n\r\n") + 2);
  std::string out;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (headers.compare(i, 3, "\r\n ") == 0) {
      ++i;  // drops the CRLF, keeps the space
      continue;
    }
    out += headers[i];
  }
  return out;
}

std::string header_value(const std::string& message, const std::string& name) {
  const std::string headers = "\r\n" + invitation_headers(message);
  const auto at = headers.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "<missing>";
  const auto start = at + 4 + name.size();
  return headers.substr(start, headers.find("\r\n", start) - start);
}

std::string base64_decode(const std::string& lines) {
  std::string encoded;
  for (const char c : lines)
    if (c != '\r' && c != '\n') encoded += c;
  std::string decoded(encoded.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()),
                                     static_cast<int>(encoded.size()));
  REQUIRE(length >= 0);
  decoded.resize(static_cast<std::size_t>(length));
  // EVP_DecodeBlock keeps the zero bytes the padding stands for.
  const auto padding = static_cast<std::size_t>(std::count(encoded.end() - std::min<std::ptrdiff_t>(2, std::ssize(encoded)), encoded.end(), '='));
  decoded.resize(decoded.size() - padding);
  return decoded;
}

struct MimePart {
  std::string headers;  // CRLF-separated, without the blank line
  std::string body;     // as sent (base64 lines)
};

// The parts between "--boundary" lines, and whether the closing "--boundary--" line ends the
// message.
std::vector<MimePart> mime_parts(const std::string& message, const std::string& boundary, bool& closed) {
  std::vector<MimePart> parts;
  const std::string delimiter = "\r\n--" + boundary;
  auto at = message.find(delimiter);
  closed = false;
  while (at != std::string::npos) {
    const auto line_end = message.find("\r\n", at + 2);
    if (message.compare(at + delimiter.size(), 2, "--") == 0) {
      closed = message.substr(at + delimiter.size()) == "--\r\n";
      break;
    }
    const auto next = message.find(delimiter, line_end);
    const std::string part = message.substr(line_end + 2, next == std::string::npos ? std::string::npos : next + 2 - (line_end + 2));
    const auto blank = part.find("\r\n\r\n");
    parts.push_back(MimePart{part.substr(0, blank), part.substr(blank + 4)});
    at = next;
  }
  return parts;
}

std::string boundary_of(const std::string& message) {
  const std::string type = header_value(message, "Content-Type");
  const auto at = type.find("boundary=\"");
  if (at == std::string::npos) return "<none>";
  const auto start = at + 10;
  return type.substr(start, type.find('"', start) - start);
}

}  // namespace

TEST_CASE("an invitation is a multipart/alternative mail with the plain text and the calendar") {
  const core::CalendarEvent event = invitation_event();
  const auto envelope = build_invitation_mail(invitation_channel(), event, "Review of FAULT-42\n\nBring the timeline.", k_now);
  REQUIRE(envelope.has_value());
  CHECK(envelope->smtp_url == "smtp://mail.example.com:587");
  CHECK(envelope->username == "bot");
  CHECK(envelope->password == "hunter2-secret");
  CHECK(envelope->mail_from == "faultline@example.com");
  CHECK(envelope->recipients == std::vector<std::string>{"alice@example.com", "bob@example.com"});

  const std::string& message = envelope->message;
  CHECK(message.starts_with("From: Faultline <faultline@example.com>\r\n"));
  CHECK(header_value(message, "To") == "alice@example.com, bob@example.com");
  CHECK(header_value(message, "Subject") == "Fault review: FAULT-42 Checkout returns 502");
  CHECK(header_value(message, "Date") == "Tue, 25 Nov 2025 15:16:13 +0000");
  CHECK(header_value(message, "MIME-Version") == "1.0");
  CHECK(header_value(message, "Message-ID") == invitation_message_id(event, "faultline@example.com"));
  CHECK(header_value(message, "Message-ID").ends_with("@example.com>"));
  CHECK(header_value(message, "Content-Type").starts_with("multipart/alternative; boundary=\"faultline-alt-"));
  CHECK(header_value(message, "Cc") == "<missing>");
  CHECK(message.find("everyone@example.com") == std::string::npos);
  CHECK(message.find("hunter2") == std::string::npos);
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') CHECK((i > 0 && message[i - 1] == '\r'));
    if (message[i] == '\r') CHECK((i + 1 < message.size() && message[i + 1] == '\n'));
  }

  const std::string boundary = boundary_of(message);
  bool closed = false;
  const auto parts = mime_parts(message, boundary, closed);
  REQUIRE(parts.size() == 2);
  CHECK(closed);
  CHECK(parts[0].headers == "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64");
  CHECK(base64_decode(parts[0].body) == "Review of FAULT-42\r\n\r\nBring the timeline.\r\n");
  CHECK(parts[1].headers ==
        "Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\nContent-Transfer-Encoding: base64");
  const std::string calendar = base64_decode(parts[1].body);
  CHECK(calendar == core::write_icalendar(event));
  CHECK(calendar.find("\r\nMETHOD:REQUEST\r\n") != std::string::npos);
  // The boundary occurs only on its delimiter lines: twice opening a part, once closing.
  std::size_t count = 0;
  for (auto at = message.find(boundary); at != std::string::npos; at = message.find(boundary, at + 1)) ++count;
  CHECK(count == 4);  // the header parameter + three delimiter lines
  for (const auto& part : parts) {
    for (std::size_t start = 0; start < part.body.size();) {
      const auto end = part.body.find("\r\n", start);
      CHECK(end - start <= 76);
      start = end + 2;
    }
  }
}

TEST_CASE("a cancellation says so in the subject and the calendar part's method") {
  core::CalendarEvent event = invitation_event();
  event.method = core::CalendarMethod::Cancel;
  event.sequence = 2;
  const auto envelope = build_invitation_mail(invitation_channel(), event, "Cancelled.", k_now);
  REQUIRE(envelope.has_value());
  CHECK(header_value(envelope->message, "Subject") == "Cancelled: Fault review: FAULT-42 Checkout returns 502");
  bool closed = false;
  const auto parts = mime_parts(envelope->message, boundary_of(envelope->message), closed);
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].headers.starts_with("Content-Type: text/calendar; method=CANCEL; charset=UTF-8\r\n"));
  const std::string calendar = base64_decode(parts[1].body);
  CHECK(calendar == core::write_icalendar(event));
  CHECK(calendar.find("\r\nMETHOD:CANCEL\r\n") != std::string::npos);
  CHECK(calendar.find("\r\nSTATUS:CANCELLED\r\n") != std::string::npos);
}

TEST_CASE("the invitation's Message-ID is stable per uid, sequence and method") {
  const core::CalendarEvent event = invitation_event();
  const auto channel = invitation_channel();
  const auto first = build_invitation_mail(channel, event, "text", k_now);
  REQUIRE(first.has_value());
  const std::string id = header_value(first->message, "Message-ID");
  CHECK(id.starts_with("<faultline."));

  // A re-send later, with another text and stamp: the same id.
  core::CalendarEvent resent = event;
  resent.stamp = k_now + std::chrono::minutes(5);
  const auto again = build_invitation_mail(channel, resent, "other text", k_now + std::chrono::minutes(5));
  CHECK(header_value(again->message, "Message-ID") == id);

  core::CalendarEvent rescheduled = event;
  rescheduled.sequence = 1;
  core::CalendarEvent cancelled = event;
  cancelled.method = core::CalendarMethod::Cancel;
  core::CalendarEvent other_fault = event;
  other_fault.uid = core::review_event_uid("https://jira.example.com", "FAULT-43", "faultline@example.com");
  const std::string ids[] = {
      id,
      header_value(build_invitation_mail(channel, rescheduled, "t", k_now)->message, "Message-ID"),
      header_value(build_invitation_mail(channel, cancelled, "t", k_now)->message, "Message-ID"),
      header_value(build_invitation_mail(channel, other_fault, "t", k_now)->message, "Message-ID"),
  };
  for (std::size_t i = 0; i < std::size(ids); ++i)
    for (std::size_t j = i + 1; j < std::size(ids); ++j) CHECK(ids[i] != ids[j]);
}

TEST_CASE("a non-ASCII summary is RFC 2047 encoded and the text part stays UTF-8") {
  core::CalendarEvent event = invitation_event();
  event.summary = "Fault review: FAULT-42 结账服务返回 502";
  const auto envelope = build_invitation_mail(invitation_channel(), event, "复盘会议\n", k_now);
  REQUIRE(envelope.has_value());
  const std::string subject = header_value(envelope->message, "Subject");
  CHECK(subject.starts_with("=?UTF-8?B?"));
  CHECK(subject.find("结账") == std::string::npos);
  bool closed = false;
  const auto parts = mime_parts(envelope->message, boundary_of(envelope->message), closed);
  REQUIRE(parts.size() == 2);
  CHECK(base64_decode(parts[0].body) == "复盘会议\r\n");
  CHECK(base64_decode(parts[1].body) == core::write_icalendar(event));
  // The raw message itself is 7-bit.
  for (const char c : envelope->message) CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("the channel's sender becomes the organizer when the event names none") {
  core::CalendarEvent event = invitation_event();
  event.organizer = {};
  const auto envelope = build_invitation_mail(invitation_channel(), event, "t", k_now);
  REQUIRE(envelope.has_value());
  bool closed = false;
  const auto parts = mime_parts(envelope->message, boundary_of(envelope->message), closed);
  REQUIRE(parts.size() == 2);
  const std::string calendar = base64_decode(parts[1].body);
  CHECK(calendar.find("\r\nORGANIZER;CN=Faultline:mailto:faultline@example.com\r\n") != std::string::npos);
  core::CalendarEvent filled = event;
  filled.organizer = {"Faultline", "faultline@example.com"};
  CHECK(calendar == core::write_icalendar(filled));
}

TEST_CASE("a header value from the event cannot add a header") {
  core::CalendarEvent event = invitation_event();
  event.summary = "evil\r\nBcc: victim@example.com";
  const auto envelope = build_invitation_mail(invitation_channel(), event, "t", k_now);
  REQUIRE(envelope.has_value());
  CHECK(envelope->message.find("\r\nBcc:") == std::string::npos);
  CHECK(header_value(envelope->message, "Subject") == "evil  Bcc: victim@example.com");
}

TEST_CASE("a long attendee list is folded in the To header") {
  core::CalendarEvent event = invitation_event();
  event.attendees.clear();
  for (int i = 0; i < 12; ++i)
    event.attendees.push_back({"", "participant-number-" + std::to_string(i) + "@example.com"});
  const auto envelope = build_invitation_mail(invitation_channel(), event, "t", k_now);
  REQUIRE(envelope.has_value());
  CHECK(envelope->recipients.size() == 12);
  const std::string headers = envelope->message.substr(0, envelope->message.find("\r\n\r\n"));
  for (std::size_t start = 0; start < headers.size();) {
    auto end = headers.find("\r\n", start);
    if (end == std::string::npos) end = headers.size();
    CHECK(end - start <= 78);
    start = end + 2;
  }
  std::string expected;
  for (int i = 0; i < 12; ++i)
    expected += (i == 0 ? "" : ", ") + std::string("participant-number-") + std::to_string(i) + "@example.com";
  CHECK(header_value(envelope->message, "To") == expected);
}

TEST_CASE("an invitation needs a sender and an attendee with an address") {
  auto channel = invitation_channel();
  channel.from.clear();
  const auto no_sender = build_invitation_mail(channel, invitation_event(), "t", k_now);
  REQUIRE_FALSE(no_sender.has_value());
  CHECK(no_sender.error().kind == ErrorKind::Config);
  CHECK(no_sender.error().message.find("'mail'") != std::string::npos);

  core::CalendarEvent event = invitation_event();
  event.attendees = {{"nobody", ""}, {"blank", "  "}};
  const auto no_attendee = build_invitation_mail(invitation_channel(), event, "t", k_now);
  REQUIRE_FALSE(no_attendee.has_value());
  CHECK(no_attendee.error().kind == ErrorKind::Config);
  CHECK(no_attendee.error().message.find("attendee") != std::string::npos);
  CHECK(no_attendee.error().message.find("hunter2") == std::string::npos);
}
