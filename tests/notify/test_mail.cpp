#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <sstream>

#include "faultline/notify/mail.hpp"
#include "faultline/notify/markdown_literals.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;

namespace {

const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1764083773));  // 2025-11-25 15:16:13 UTC

config::Channel mail_channel() {
  config::Channel channel;
  channel.name = "mail";
  channel.kind = "email";
  channel.smtp_url = "smtp://mail.example.com:587";
  channel.smtp_user = "bot";
  channel.smtp_password = "hunter2-secret";
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

std::string header_of(const std::string& text, const std::string& name) {
  const auto at = text.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "<missing>";
  const auto start = at + 4 + name.size();
  return text.substr(start, text.find("\r\n", start) - start);
}

std::string decode_body(const std::string& text) {
  const auto start = text.find("\r\n\r\n") + 4;
  std::string encoded;
  for (char c : text.substr(start))
    if (c != '\r' && c != '\n') encoded += c;
  std::string decoded(encoded.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()),
                                     static_cast<int>(encoded.size()));
  decoded.resize(static_cast<std::size_t>(length));
  while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();  // padding
  return decoded;
}

}  // namespace

TEST_CASE("build_mail writes an RFC 5322 message with CRLF lines and a stable Message-ID") {
  ResolvedMentions mentions;
  mentions.mentions = {Mention{"dave", "Dave <dave@example.com>"}, Mention{"x", "oncall@example.com"}};
  const auto envelope = build_mail(mail_channel(), mail_message(), mentions, k_now);
  REQUIRE(envelope.has_value());
  CHECK(envelope->mail_from == "faultline@example.com");
  CHECK(envelope->recipients == std::vector<std::string>{"oncall@example.com", "sre@example.com", "dave@example.com"});
  const std::string& text = envelope->message;
  CHECK(text.starts_with("From: Faultline <faultline@example.com>\r\n"));
  CHECK(header_of(text, "To") == "oncall@example.com, SRE <sre@example.com>");
  CHECK(header_of(text, "Cc") == "dave@example.com");
  CHECK(header_of(text, "Date") == "Tue, 25 Nov 2025 15:16:13 +0000");
  CHECK(header_of(text, "Content-Type") == "text/plain; charset=UTF-8");
  CHECK(header_of(text, "MIME-Version") == "1.0");
  const std::string id = header_of(text, "Message-ID");
  CHECK(id == mail_message_id("FAULT-12:fault.opened", "mail", "faultline@example.com"));
  CHECK(id.ends_with("@example.com>"));
  // The same logical message gets the same id; another one a different id.
  const auto again = build_mail(mail_channel(), mail_message(), mentions, k_now + std::chrono::hours(1));
  CHECK(header_of(again->message, "Message-ID") == id);
  Message other = mail_message();
  other.dedupe_key = "FAULT-13:fault.opened";
  CHECK(header_of(build_mail(mail_channel(), other, {}, k_now)->message, "Message-ID") != id);
  // No bare LF anywhere.
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') CHECK((i > 0 && text[i - 1] == '\r'));
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(decode_body(text) == "- Service: checkout\r\n- 影响：5%\r\n\r\nFAULT-12: https://jira.example.com/browse/FAULT-12\r\n");
}

TEST_CASE("a mail shows template values as written, without their Markdown escapes") {
  Message message = mail_message();
  message.title = "[P2] FAULT-12 opened: " + escape_markdown_text("<at id=all></at> a_b");
  message.markdown_body = "- **Service:** " + escape_markdown_text("[x](y) C:\\tmp");
  const auto envelope = build_mail(mail_channel(), message, {}, k_now);
  REQUIRE(envelope.has_value());
  CHECK(header_of(envelope->message, "Subject") == "[P2] FAULT-12 opened: <at id=all></at> a_b");
  CHECK(decode_body(envelope->message).starts_with("- **Service:** [x](y) C:\\tmp\r\n"));
}

TEST_CASE("a non-ASCII subject is RFC 2047 encoded in words of at most 75 characters") {
  const auto envelope = build_mail(mail_channel(), mail_message(), {}, k_now);
  REQUIRE(envelope.has_value());
  const auto at = envelope->message.find("Subject: ");
  const auto end = envelope->message.find("\r\nDate: ");
  const std::string subject = envelope->message.substr(at + 9, end - at - 9);
  CHECK(subject.starts_with("=?UTF-8?B?"));
  CHECK(encode_header_value("plain ascii") == "plain ascii");
  const std::string long_subject = encode_header_value(std::string(40, 'a') + std::string(20, 'x') + "故障故障故障故障故障故障故障故障");
  std::size_t start = 0;
  int words = 0;
  while (start < long_subject.size()) {
    auto stop = long_subject.find("\r\n ", start);
    const std::string word = long_subject.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    CHECK(word.size() <= 75);
    CHECK(word.starts_with("=?UTF-8?B?"));
    CHECK(word.ends_with("?="));
    ++words;
    if (stop == std::string::npos) break;
    start = stop + 3;
  }
  CHECK(words >= 2);
}

TEST_CASE("build_mail refuses a channel without sender or recipients") {
  auto channel = mail_channel();
  channel.to.clear();
  const auto envelope = build_mail(channel, mail_message(), {}, k_now);
  REQUIRE_FALSE(envelope.has_value());
  CHECK(envelope.error().kind == ErrorKind::Config);
  CHECK(envelope.error().message.find("mail") != std::string::npos);
}

TEST_CASE("header values never carry a line break") {
  Message message = mail_message();
  message.title = "evil\r\nBcc: victim@example.com";
  const auto envelope = build_mail(mail_channel(), message, {}, k_now);
  REQUIRE(envelope.has_value());
  CHECK(envelope->message.find("\r\nBcc:") == std::string::npos);
}

TEST_CASE("the dry-run mail sender prints the mail without the password") {
  std::ostringstream out;
  Redactor redactor;
  DryRunMailSender sender(out, redactor);
  auto envelope = build_mail(mail_channel(), mail_message(), {}, k_now);
  REQUIRE(envelope.has_value());
  envelope->message += "leaked hunter2-secret\r\n";
  REQUIRE(sender.send(*envelope).has_value());
  CHECK(out.str().find("RCPT TO:<sre@example.com>") != std::string::npos);
  CHECK(out.str().find("hunter2-secret") == std::string::npos);
}
