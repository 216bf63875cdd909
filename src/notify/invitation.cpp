#include "faultline/notify/invitation.hpp"

#include "faultline/core/utf8.hpp"
#include "faultline/notify/signing.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::notify {

namespace {

// Header lines are kept under this many characters where a list can be folded (RFC 5322 §2.1.1).
constexpr std::size_t k_invitation_header_width = 76;

// A header value on one line: line breaks become spaces (no header injection).
std::string invitation_single_line(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

// "a@x, b@y, ..." folded (CRLF SP) before an address that would make the line too long;
// `used` is how much of the first line the header name takes.
std::string invitation_address_list(const std::vector<core::CalendarPerson>& people, std::size_t used) {
  std::string out;
  std::size_t line = used;
  for (const auto& person : people) {
    if (!out.empty()) {
      out += ",";
      ++line;
      if (line + 1 + person.email.size() > k_invitation_header_width) {
        out += "\r\n";
        line = 0;
      }
      out += " ";
      ++line;
    }
    out += person.email;
    line += person.email.size();
  }
  return out;
}

// "Name" from "Name <addr>" or "\"Name\" <addr>"; empty when there is none.
std::string invitation_display_name(std::string_view mailbox) {
  const auto open = mailbox.rfind('<');
  if (open == std::string_view::npos) return {};
  std::string_view name = trim(mailbox.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return std::string(name);
}

// The event as sent: the channel's sender is the organizer when the caller named none.
core::CalendarEvent invitation_event(const config::Channel& channel, const core::CalendarEvent& event) {
  core::CalendarEvent sent = event;
  if (trim(sent.organizer.email).empty()) {
    sent.organizer.email = mail_address(channel.from);
    if (trim(sent.organizer.name).empty()) sent.organizer.name = invitation_display_name(channel.from);
  }
  return sent;
}

// The multipart boundary: a hash of both encoded parts. It holds '-', which base64 never
// does, so no line of a part can begin with it.
std::string invitation_boundary(std::string_view text_part, std::string_view calendar_part) {
  const std::string digest =
      hex_encode(sha256(std::string(text_part) + "\n" + std::string(calendar_part)));
  return "faultline-alt-" + digest.substr(0, 32);
}

}  // namespace

std::string invitation_message_id(const core::CalendarEvent& event, std::string_view from) {
  const char* method = event.method == core::CalendarMethod::Cancel ? "CANCEL" : "REQUEST";
  const std::string key = event.uid + "\n" + std::to_string(event.sequence) + "\n" + method;
  return mail_message_id(key, "invitation", from);
}

Result<MailEnvelope> build_invitation_mail(const config::Channel& channel, const core::CalendarEvent& event,
                                           std::string_view plain_text,
                                           std::chrono::system_clock::time_point now) {
  if (mail_address(channel.from).empty())
    return fail(ErrorKind::Config, "channel '" + channel.name + "': no sender (from) for the invitation e-mail",
                "set channels." + channel.name + ".from");
  const core::CalendarEvent sent = invitation_event(channel, event);
  const std::vector<core::CalendarPerson> attendees = core::invited_attendees(sent);
  if (attendees.empty())
    return fail(ErrorKind::Config, "the invitation has no attendee with an e-mail address",
                "add email = \"...\" to the participants' [people.NAME] tables");

  const bool cancel = sent.method == core::CalendarMethod::Cancel;
  MailEnvelope envelope;
  envelope.smtp_url = channel.smtp_url;
  envelope.username = channel.smtp_user;
  envelope.password = channel.smtp_password;
  envelope.mail_from = mail_address(channel.from);
  for (const auto& attendee : attendees) envelope.recipients.push_back(attendee.email);

  std::string text = crlf_lines(core::sanitize_utf8(plain_text));
  if (!text.ends_with("\r\n")) text += "\r\n";
  const std::string text_part = mime_base64_lines(text);
  const std::string calendar_part = mime_base64_lines(core::write_icalendar(sent));
  const std::string boundary = invitation_boundary(text_part, calendar_part);
  const std::string subject = (cancel ? "Cancelled: " : "") + invitation_single_line(sent.summary);

  std::string message;
  message += "From: " + invitation_single_line(channel.from) + "\r\n";
  message += "To: " + invitation_address_list(attendees, 4) + "\r\n";
  message += "Subject: " + encode_header_value(subject) + "\r\n";
  message += "Date: " + rfc5322_date(now) + "\r\n";
  message += "Message-ID: " + invitation_message_id(sent, channel.from) + "\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  message += "\r\n";
  message += "--" + boundary + "\r\n";
  message += "Content-Type: text/plain; charset=UTF-8\r\n";
  message += "Content-Transfer-Encoding: base64\r\n";
  message += "\r\n";
  message += text_part;
  message += "--" + boundary + "\r\n";
  message += std::string("Content-Type: text/calendar; method=") + (cancel ? "CANCEL" : "REQUEST") +
             "; charset=UTF-8\r\n";
  message += "Content-Transfer-Encoding: base64\r\n";
  message += "\r\n";
  message += calendar_part;
  message += "--" + boundary + "--\r\n";
  envelope.message = std::move(message);
  return envelope;
}

}  // namespace faultline::notify
