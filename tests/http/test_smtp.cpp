// http::send_smtp against a loopback SMTP server written for the test: the envelope (MAIL
// FROM, one RCPT TO each), the message as sent in DATA, the login, refused recipients,
// STARTTLS being required, timeouts, and that the password never shows in an error.
#include <catch2/catch.hpp>

#include <chrono>

#include "faultline/http/smtp.hpp"
#include "loopback_server.hpp"
#include "test_smtp_server.hpp"

using faultline::ErrorKind;
using faultline::http::PlainSmtp;
using faultline::http::send_smtp;
using faultline::http::SmtpMail;
using faultline::http::SmtpOptions;
using faultline::test::SmtpLoopbackServer;
using faultline::test::SmtpServerScript;

namespace {

constexpr const char* k_password = "s3cret-Passw0rd-XYZ";

SmtpOptions loopback_options() {
  SmtpOptions options;
  options.plain = PlainSmtp::LoopbackOnly;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.total_timeout = std::chrono::milliseconds(5000);
  return options;
}

SmtpMail mail_to(const std::string& url) {
  SmtpMail mail;
  mail.url = url;
  mail.mail_from = "faultline@example.com";
  mail.recipients = {"oncall@example.com", "sre@example.com"};
  mail.message =
      "From: faultline@example.com\r\nTo: oncall@example.com, sre@example.com\r\nSubject: FAULT-12 opened\r\n\r\n"
      "Checkout is down.\r\n.A line starting with a dot\r\n";
  return mail;
}

void check_no_password(const faultline::Error& error) {
  CHECK(error.message.find(k_password) == std::string::npos);
  CHECK(error.hint.find(k_password) == std::string::npos);
  for (const auto& detail : error.details) CHECK(detail.find(k_password) == std::string::npos);
}

}  // namespace

TEST_CASE("send_smtp sends the envelope and the message unchanged, then quits", "[http][smtp]") {
  SmtpLoopbackServer server;
  const auto mail = mail_to(server.url());
  auto sent = send_smtp(mail, loopback_options());
  INFO((sent ? std::string() : sent.error().message));
  REQUIRE(sent.has_value());
  const auto sessions = server.sessions();
  REQUIRE(sessions.size() == 1);
  const auto& session = sessions[0];
  CHECK(session.helo.rfind("EHLO ", 0) == 0);
  CHECK(session.auth_lines.empty());  // no user name: no login
  CHECK(session.mail_from == "faultline@example.com");
  CHECK(session.recipients == std::vector<std::string>{"oncall@example.com", "sre@example.com"});
  CHECK(session.data == mail.message);  // dot-stuffed by curl, unstuffed by the server
  CHECK(session.quit);
}

TEST_CASE("send_smtp logs in with the user name and password when set", "[http][smtp]") {
  SmtpLoopbackServer server;
  auto mail = mail_to(server.url());
  mail.username = "bot";
  mail.password = k_password;
  REQUIRE(send_smtp(mail, loopback_options()).has_value());
  const auto session = server.sessions().at(0);
  REQUIRE_FALSE(session.auth_lines.empty());
  CHECK(session.auth_lines[0].rfind("AUTH ", 0) == 0);
  CHECK(session.recipients.size() == 2);
}

TEST_CASE("a refused login is an Auth error that never shows the password", "[http][smtp]") {
  SmtpServerScript script;
  script.accept_login = false;
  SmtpLoopbackServer server(script);
  auto mail = mail_to(server.url());
  mail.username = "bot";
  mail.password = k_password;
  auto sent = send_smtp(mail, loopback_options());
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().kind == ErrorKind::Auth);
  CHECK(sent.error().message.find("127.0.0.1") != std::string::npos);
  CHECK_FALSE(sent.error().hint.empty());
  check_no_password(sent.error());
  CHECK(server.sessions().at(0).recipients.empty());  // nothing sent after the refusal
}

TEST_CASE("a refused recipient does not stop the others; all refused is an error", "[http][smtp]") {
  SmtpServerScript script;
  script.refuse_rcpt = {"sre@example.com"};
  SmtpLoopbackServer server(script);
  auto mail = mail_to(server.url());
  REQUIRE(send_smtp(mail, loopback_options()).has_value());
  CHECK(server.sessions().at(0).recipients == std::vector<std::string>{"oncall@example.com"});
  CHECK_FALSE(server.sessions().at(0).data.empty());

  mail.recipients = {"sre@example.com"};
  auto sent = send_smtp(mail, loopback_options());
  REQUIRE_FALSE(sent.has_value());
  INFO(sent.error().message);
  CHECK(sent.error().kind == ErrorKind::Failed);
  CHECK(sent.error().message.find("550") != std::string::npos);
}

TEST_CASE("smtp:// requires STARTTLS unless plain loopback is allowed", "[http][smtp]") {
  SmtpLoopbackServer server;  // offers no STARTTLS
  auto mail = mail_to(server.url());
  mail.username = "bot";
  mail.password = k_password;
  SmtpOptions strict = loopback_options();
  strict.plain = PlainSmtp::Refuse;
  auto sent = send_smtp(mail, strict);
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().hint.find("STARTTLS") != std::string::npos);
  check_no_password(sent.error());
  // The login never went out in clear text.
  for (const auto& session : server.sessions()) CHECK(session.auth_lines.empty());
}

TEST_CASE("a silent SMTP server times out as Unavailable; a closed port is Unavailable", "[http][smtp]") {
  SmtpServerScript script;
  script.silent = true;
  SmtpLoopbackServer server(script);
  auto options = loopback_options();
  options.total_timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  auto sent = send_smtp(mail_to(server.url()), options);
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().kind == ErrorKind::Unavailable);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // bounded, not the default 30 s

  auto closed = mail_to("smtp://127.0.0.1:" + std::to_string(faultline::test::unused_loopback_port()));
  closed.password = k_password;
  closed.username = "bot";
  auto refused = send_smtp(closed, loopback_options());
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::Unavailable);
  check_no_password(refused.error());
}

TEST_CASE("send_smtp refuses bad URLs and addresses before connecting", "[http][smtp]") {
  auto mail = mail_to("https://mail.example.com");
  auto sent = send_smtp(mail, loopback_options());
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().kind == ErrorKind::Config);
  mail = mail_to("smtp://127.0.0.1:1");
  mail.recipients = {"a@example.com\r\nRCPT TO:<evil@example.com>"};
  sent = send_smtp(mail, loopback_options());
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().kind == ErrorKind::Config);
  mail.recipients.clear();
  CHECK(send_smtp(mail, loopback_options()).error().kind == ErrorKind::Config);
}

TEST_CASE("is_loopback_url accepts only loopback hosts", "[http][smtp]") {
  using faultline::http::is_loopback_url;
  CHECK(is_loopback_url("smtp://127.0.0.1:2525"));
  CHECK(is_loopback_url("smtp://127.1.2.3"));
  CHECK(is_loopback_url("smtp://LOCALHOST:25/"));
  CHECK(is_loopback_url("smtp://[::1]:25"));
  CHECK(is_loopback_url("smtp://user:pw@127.0.0.1:25"));
  CHECK_FALSE(is_loopback_url("smtp://mail.example.com:587"));
  CHECK_FALSE(is_loopback_url("smtp://127.0.0.1.example.com"));
  CHECK_FALSE(is_loopback_url("smtp://localhost@mail.example.com"));
}
