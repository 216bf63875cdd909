#include "faultline/notify/mail.hpp"
#include "faultline/notify/markdown_literals.hpp"
#include "faultline/util/strings.hpp"

#include <ctime>

#include "faultline/notify/signing.hpp"
#include "faultline/notify/text_limits.hpp"

namespace faultline::notify {

namespace {

bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) return false;
  }
  return true;
}

// Header values never carry a line break (no header injection).
std::string single_line(std::string_view text) {
  std::string out;
  for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

std::string domain_of(std::string_view from) {
  const std::string address = mail_address(from);
  const auto at = address.rfind('@');
  if (at == std::string::npos || at + 1 == address.size()) return "faultline.invalid";
  return address.substr(at + 1);
}

}  // namespace

std::string crlf_lines(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += "\r\n";
    else out += c;
  }
  return out;
}

std::string mime_base64_lines(std::string_view data) {
  const std::string encoded = base64_encode(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

DryRunMailSender::DryRunMailSender(std::ostream& out, const Redactor& redactor)
    : m_out(out), m_redactor(redactor) {}

Result<void> DryRunMailSender::send(const MailEnvelope& envelope) {
  std::string text = "SMTP (not sent) MAIL FROM:<" + envelope.mail_from + ">";
  for (const auto& recipient : envelope.recipients) text += " RCPT TO:<" + recipient + ">";
  text += "\n" + envelope.message;
  if (!envelope.password.empty()) {
    Redactor redactor = m_redactor;
    redactor.add_secret(envelope.password);
    m_out << redactor.mask(text) << "\n";
  } else {
    m_out << m_redactor.mask(text) << "\n";
  }
  return {};
}

std::string mail_address(std::string_view mailbox) {
  const auto open = mailbox.rfind('<');
  const auto close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return std::string(trim(mailbox.substr(open + 1, close - open - 1)));
  return std::string(trim(mailbox));
}

std::string encode_header_value(std::string_view value) {
  if (is_plain_ascii(value)) return std::string(value);
  // "=?UTF-8?B?" + base64 + "?=" must stay within 75 characters: 45 bytes give 60 characters.
  constexpr std::size_t k_chunk_bytes = 45;
  std::string out;
  std::string_view rest = value;
  while (!rest.empty()) {
    std::size_t take = utf8_prefix_length(rest, k_chunk_bytes);
    if (take == 0) take = std::min(rest.size(), k_chunk_bytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(rest.substr(0, take)) + "?=";
    rest.remove_prefix(take);
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  constexpr const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", k_days[parts.tm_wday],
                parts.tm_mday, k_months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour,
                parts.tm_min, parts.tm_sec);
  return buffer;
}

std::string mail_message_id(std::string_view dedupe_key, std::string_view channel,
                            std::string_view from) {
  const std::string digest = hex_encode(sha256(std::string(dedupe_key) + "\n" + std::string(channel)));
  return "<faultline." + digest.substr(0, 32) + "@" + domain_of(from) + ">";
}

Result<MailEnvelope> build_mail(const config::Channel& channel, const Message& message,
                                const ResolvedMentions& mentions,
                                std::chrono::system_clock::time_point now) {
  if (mail_address(channel.from).empty())
    return fail(ErrorKind::Config, "channel '" + channel.name + "': no sender (from) for e-mail",
                "set channels." + channel.name + ".from");
  if (channel.to.empty())
    return fail(ErrorKind::Config, "channel '" + channel.name + "': no recipients (to) for e-mail",
                "set channels." + channel.name + ".to");

  MailEnvelope envelope;
  envelope.smtp_url = channel.smtp_url;
  envelope.username = channel.smtp_user;
  envelope.password = channel.smtp_password;
  envelope.mail_from = mail_address(channel.from);

  std::string to_header;
  for (const auto& to : channel.to) {
    const std::string address = mail_address(to);
    if (address.empty()) continue;
    envelope.recipients.push_back(address);
    to_header += (to_header.empty() ? "" : ", ") + single_line(to);
  }
  std::string cc_header;
  for (const auto& mention : mentions.mentions) {
    const std::string address = mail_address(mention.id);
    bool known = false;
    for (const auto& recipient : envelope.recipients) known = known || recipient == address;
    if (address.empty() || known) continue;
    envelope.recipients.push_back(address);
    cc_header += (cc_header.empty() ? "" : ", ") + single_line(address);
  }

  std::string body = markdown_to_plain(message.markdown_body);  // a value's text as written
  if (!message.link_url.empty()) {
    if (!body.empty()) body += "\n\n";
    body += message.link_title == message.link_url ? message.link_url
                                                    : message.link_title + ": " + message.link_url;
  }
  if (!mentions.unresolved.empty()) {
    body += "\n\nFor:";
    for (const auto& name : mentions.unresolved) body += " " + name;
  }
  body += "\n";

  std::string text;
  text += "From: " + single_line(channel.from) + "\r\n";
  text += "To: " + to_header + "\r\n";
  if (!cc_header.empty()) text += "Cc: " + cc_header + "\r\n";
  text += "Subject: " + encode_header_value(single_line(markdown_to_plain(message.title))) + "\r\n";
  text += "Date: " + rfc5322_date(now) + "\r\n";
  text += "Message-ID: " + mail_message_id(message.dedupe_key, channel.name, channel.from) + "\r\n";
  text += "X-Faultline-Event: " + single_line(message.event) + "\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=UTF-8\r\n";
  text += "Content-Transfer-Encoding: base64\r\n";
  text += "\r\n";
  text += mime_base64_lines(crlf_lines(body));
  envelope.message = std::move(text);
  return envelope;
}

}  // namespace faultline::notify
