// The e-mail channel's CurlMailSender end to end against the loopback SMTP server: the mail
// build_mail makes arrives with its envelope (MAIL FROM, To + Cc as RCPT TO), headers (From,
// To, Subject RFC 2047-encoded UTF-8, Content-Type) and base64 body; a refused login or a
// server without STARTTLS is an error that never holds the password.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <chrono>

#include "faultline/notify/mail.hpp"
#include "faultline/notify/smtp_sender.hpp"
#include "http/test_smtp_server.hpp"

using namespace faultline;
using namespace faultline::notify;
using faultline::test::SmtpLoopbackServer;
using faultline::test::SmtpServerScript;

namespace {

constexpr const char* k_password = "mail-Passw0rd-QQQQ";
const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1764083773));

config::Channel mail_channel(const std::string& url) {
  config::Channel channel;
  channel.name = "mail";
  channel.kind = "email";
  channel.smtp_url = url;
  channel.smtp_user = "bot";
  channel.smtp_password = k_password;
  channel.from = "Faultline <faultline@example.com>";
  channel.to = {"oncall@example.com", "SRE <sre@example.com>"};
  return channel;
}

Message mail_message() {
  Message message;
  message.event = "fault.opened";
  message.title = "[P2] FAULT-12 opened: 结账失败";
  message.markdown_body = "- Service: checkout\n- 影响：5%";
  message.link_url = "https://jira.example.com/browse/FAULT-12";
  message.link_title = "FAULT-12";
  message.dedupe_key = "FAULT-12:fault.opened";
  return message;
}

std::string base64_decode(const std::string& encoded_text) {
  std::string encoded;
  for (char c : encoded_text)
    if (c != '\r' && c != '\n' && c != ' ') encoded += c;
  std::string decoded(encoded.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  decoded.resize(static_cast<std::size_t>(std::max(length, 0)));
  const auto pad = std::count(encoded.end() - std::min<std::ptrdiff_t>(2, static_cast<std::ptrdiff_t>(encoded.size())),
                              encoded.end(), '=');
  decoded.resize(decoded.size() - static_cast<std::size_t>(pad));
  return decoded;
}

// The header `name` of `message`, unfolded (CRLF + space continuations joined).
std::string header_of(const std::string& message, const std::string& name) {
  const std::string head = "\r\n" + message.substr(0, message.find("\r\n\r\n") + 2);
  const auto at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "<missing>";
  std::string value;
  std::size_t pos = at + 4 + name.size();
  for (;;) {
    const auto end = head.find("\r\n", pos);
    value += head.substr(pos, end - pos);
    if (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) {
      pos = end + 3;
      continue;
    }
    return value;
  }
}

// "=?UTF-8?B?...?= =?UTF-8?B?...?=" -> the UTF-8 text.
std::string decode_encoded_words(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto start = pos + 10;
    const auto end = value.find("?=", start);
    out += base64_decode(value.substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

http::SmtpOptions loopback_options() {
  http::SmtpOptions options;
  options.plain = http::PlainSmtp::LoopbackOnly;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.total_timeout = std::chrono::milliseconds(5000);
  return options;
}

}  // namespace

TEST_CASE("the e-mail channel's mail reaches the SMTP server with its envelope, headers and body", "[notify][smtp]") {
  SmtpLoopbackServer server;
  ResolvedMentions mentions;
  mentions.mentions = {Mention{"dave", "Dave <dave@example.com>"}};
  auto envelope = build_mail(mail_channel(server.url()), mail_message(), mentions, k_now);
  REQUIRE(envelope.has_value());
  envelope->username = "bot";
  envelope->password = k_password;

  CurlMailSender sender(loopback_options());
  auto sent = sender.send(*envelope);
  INFO((sent ? std::string() : sent.error().message));
  REQUIRE(sent.has_value());

  const auto session = server.sessions().at(0);
  CHECK(session.mail_from == "faultline@example.com");
  CHECK(session.recipients == std::vector<std::string>{"oncall@example.com", "sre@example.com", "dave@example.com"});
  CHECK_FALSE(session.auth_lines.empty());
  const std::string& data = session.data;
  CHECK(header_of(data, "From") == "Faultline <faultline@example.com>");
  CHECK(header_of(data, "To") == "oncall@example.com, SRE <sre@example.com>");
  CHECK(header_of(data, "Cc") == "dave@example.com");
  CHECK(header_of(data, "Content-Type") == "text/plain; charset=UTF-8");
  CHECK(header_of(data, "Content-Transfer-Encoding") == "base64");
  const std::string subject = header_of(data, "Subject");
  CHECK(subject.rfind("=?UTF-8?B?", 0) == 0);
  for (char c : subject) CHECK(static_cast<unsigned char>(c) < 0x80);  // 7-bit on the wire
  CHECK(decode_encoded_words(subject) == "[P2] FAULT-12 opened: 结账失败");
  const std::string body = base64_decode(data.substr(data.find("\r\n\r\n") + 4));
  CHECK(body == "- Service: checkout\r\n- 影响：5%\r\n\r\nFAULT-12: https://jira.example.com/browse/FAULT-12\r\n");
  CHECK(data.find(k_password) == std::string::npos);
}

TEST_CASE("the e-mail sender reports a refused login and a server without STARTTLS without the password",
          "[notify][smtp]") {
  SmtpServerScript script;
  script.accept_login = false;
  SmtpLoopbackServer server(script);
  auto envelope = build_mail(mail_channel(server.url()), mail_message(), {}, k_now);
  REQUIRE(envelope.has_value());
  envelope->username = "bot";
  envelope->password = k_password;
  CurlMailSender sender(loopback_options());
  auto refused = sender.send(*envelope);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::Auth);
  CHECK(refused.error().message.find(k_password) == std::string::npos);
  CHECK(refused.error().hint.find(k_password) == std::string::npos);

  // The default sender insists on STARTTLS: the loopback server offers none, so no login
  // goes out in clear text and the error says why.
  CurlMailSender strict(5, "");
  auto no_tls = strict.send(*envelope);
  REQUIRE_FALSE(no_tls.has_value());
  CHECK(no_tls.error().hint.find("STARTTLS") != std::string::npos);
  CHECK(no_tls.error().message.find(k_password) == std::string::npos);
  const auto sessions = server.sessions(2);
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[1].auth_lines.empty());
  CHECK(sessions[1].recipients.empty());
}
