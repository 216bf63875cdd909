// The SMTP capture: conversations over real loopback sockets to an in-process sandbox (and to
// a bare capture for the limits), and what /_sandbox/mail serves.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hooks_crypto.hpp"
#include "smtp_capture.hpp"
#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;

namespace {

constexpr const char* k_password = "Pa55-never-kept";

// A line-at-a-time SMTP client over a loopback socket; every read gives up after 5 s.
class SmtpTestClient {
public:
  explicit SmtpTestClient(int port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect to the SMTP capture");
    greeting = reply();
  }
  ~SmtpTestClient() { ::close(m_fd); }
  SmtpTestClient(const SmtpTestClient&) = delete;
  SmtpTestClient& operator=(const SmtpTestClient&) = delete;

  // Sends `text` as it is.
  void send_raw(std::string_view text) {
    while (!text.empty()) {
      const ssize_t sent = ::send(m_fd, text.data(), text.size(), MSG_NOSIGNAL);
      if (sent <= 0) throw std::runtime_error("send failed");
      text.remove_prefix(static_cast<std::size_t>(sent));
    }
  }
  // Sends one line with CRLF and returns the whole reply.
  std::string command(std::string_view line) {
    send_raw(std::string(line) + "\r\n");
    return reply();
  }
  // The next reply: lines up to the one whose code is followed by a space; "" when the
  // connection closed or nothing came within 5 s.
  std::string reply() {
    std::string out;
    for (;;) {
      const auto end = m_buffer.find("\r\n");
      if (end != std::string::npos) {
        const std::string line = m_buffer.substr(0, end + 2);
        m_buffer.erase(0, end + 2);
        out += line;
        if (line.size() < 4 || line[3] != '-') return out;
        continue;
      }
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return out;
      char chunk[4096];
      const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
      if (n <= 0) return out;
      m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  std::string greeting;

private:
  int m_fd = -1;
  std::string m_buffer;
};

// The three-digit code a reply starts with (0 for no reply).
int code(const std::string& reply) { return reply.size() >= 3 ? std::stoi(reply.substr(0, 3)) : 0; }

int smtp_port(TestSandbox& sb) {
  auto url = sb.server().smtp_url();
  REQUIRE(url);
  return std::stoi(url->substr(url->rfind(':') + 1));
}

nlohmann::json mails(const TestSandbox& sb) {
  auto [status, body] = sb.call("GET", "/_sandbox/mail");
  REQUIRE(status == 200);
  return body;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// EHLO, MAIL FROM and one RCPT TO, each answered 250.
void open_transaction(SmtpTestClient& client, const std::string& from, const std::string& to) {
  REQUIRE(code(client.command("EHLO client.test")) == 250);
  REQUIRE(code(client.command("MAIL FROM:<" + from + ">")) == 250);
  REQUIRE(code(client.command("RCPT TO:<" + to + ">")) == 250);
}

}  // namespace

TEST_CASE("A conversation with AUTH LOGIN and two recipients is recorded, dot-unstuffed", "[smtp]") {
  TestSandbox sb(Flavor::Cloud);
  SmtpTestClient client(smtp_port(sb));
  CHECK(code(client.greeting) == 220);
  const std::string ehlo = client.command("EHLO faultline.test");
  CHECK(code(ehlo) == 250);
  CHECK(ehlo.find("AUTH PLAIN LOGIN") != std::string::npos);
  CHECK(ehlo.find("8BITMIME") != std::string::npos);
  CHECK(ehlo.find("SIZE 10485760") != std::string::npos);
  CHECK(ehlo.find("STARTTLS") == std::string::npos);
  CHECK(ehlo.find("PIPELINING") == std::string::npos);
  CHECK(client.command("AUTH LOGIN") == "334 VXNlcm5hbWU6\r\n");
  CHECK(client.command(sandbox::base64_encode("oncall@example.com")) == "334 UGFzc3dvcmQ6\r\n");
  CHECK(code(client.command(sandbox::base64_encode(k_password))) == 235);
  CHECK(code(client.command("MAIL FROM:<faultline@example.com> SIZE=120 BODY=8BITMIME")) == 250);
  CHECK(code(client.command("RCPT TO:<alice@example.com>")) == 250);
  CHECK(code(client.command("RCPT TO:<bob@example.com>")) == 250);
  CHECK(code(client.command("DATA")) == 354);
  client.send_raw("Subject: Review FAULT-1\r\n\r\n..leading dot\r\n.\r\n");
  const std::string queued = client.reply();
  CHECK(code(queued) == 250);
  CHECK(code(client.command("QUIT")) == 221);

  const auto body = mails(sb);
  CHECK(body["smtp_url"] == *sb.server().smtp_url());
  CHECK(body["smtp_url"].get<std::string>().starts_with("smtp://127.0.0.1:"));
  REQUIRE(body["mails"].size() == 1);
  CHECK(body["total"] == 1);
  const auto& mail = body["mails"][0];
  CHECK(mail["from"] == "faultline@example.com");
  CHECK(mail["to"] == nlohmann::json::array({"alice@example.com", "bob@example.com"}));
  CHECK(mail["data"] == "Subject: Review FAULT-1\r\n\r\n.leading dot\r\n");
  CHECK(mail["auth_user"] == "oncall@example.com");
  CHECK(queued.find("queued as " + std::to_string(mail["id"].get<std::int64_t>())) != std::string::npos);
  CHECK(std::llabs(mail["at"].get<std::int64_t>() - now_ms()) < 60000);
}

TEST_CASE("The password of AUTH PLAIN or LOGIN appears nowhere in what the sandbox serves", "[smtp]") {
  TestSandbox sb(Flavor::DataCenter);
  const int port = smtp_port(sb);
  {
    SmtpTestClient plain(port);
    REQUIRE(code(plain.command("EHLO a.test")) == 250);
    const std::string credentials = std::string("\0mailer\0", 8) + k_password;
    CHECK(code(plain.command("AUTH PLAIN " + sandbox::base64_encode(credentials))) == 235);
    REQUIRE(code(plain.command("MAIL FROM:<a@example.com>")) == 250);
    REQUIRE(code(plain.command("RCPT TO:<b@example.com>")) == 250);
    REQUIRE(code(plain.command("DATA")) == 354);
    CHECK(code(plain.command("Subject: plain\r\n.")) == 250);
  }
  {
    SmtpTestClient login(port);
    REQUIRE(code(login.command("EHLO b.test")) == 250);
    CHECK(code(login.command("AUTH LOGIN " + sandbox::base64_encode("mailer"))) == 334);
    CHECK(code(login.command(sandbox::base64_encode(k_password))) == 235);
    CHECK(code(login.command("AUTH LOGIN")) == 503);  // once per conversation
    REQUIRE(code(login.command("MAIL FROM:<a@example.com>")) == 250);
    REQUIRE(code(login.command("RCPT TO:<b@example.com>")) == 250);
    REQUIRE(code(login.command("DATA")) == 354);
    CHECK(code(login.command("Subject: login\r\n.")) == 250);
  }
  const auto body = mails(sb);
  REQUIRE(body["mails"].size() == 2);
  for (const auto& mail : body["mails"]) CHECK(mail["auth_user"] == "mailer");
  const std::string served = body.dump() + sb.call("GET", "/_sandbox/state").second.dump() +
                             sb.call("GET", "/_sandbox/requests").second.dump();
  CHECK(served.find(k_password) == std::string::npos);
  CHECK(served.find(sandbox::base64_encode(k_password)) == std::string::npos);
}

TEST_CASE("A message sent without AUTH is recorded with no auth user", "[smtp]") {
  TestSandbox sb(Flavor::Cloud);
  SmtpTestClient client(smtp_port(sb));
  CHECK(code(client.command("HELO old.test")) == 250);
  REQUIRE(code(client.command("MAIL FROM:<>")) == 250);  // the null sender
  REQUIRE(code(client.command("RCPT TO:<b@example.com>")) == 250);
  REQUIRE(code(client.command("DATA")) == 354);
  CHECK(code(client.command("no headers\r\n.")) == 250);
  const auto mail = mails(sb)["mails"].at(0);
  CHECK(mail["from"] == "");
  CHECK(mail["auth_user"].is_null());
  CHECK(mail["data"] == "no headers\r\n");
}

TEST_CASE("RCPT before MAIL and DATA before RCPT are out of sequence (503)", "[smtp]") {
  TestSandbox sb(Flavor::Cloud);
  SmtpTestClient client(smtp_port(sb));
  CHECK(code(client.command("MAIL FROM:<a@example.com>")) == 503);  // before EHLO
  REQUIRE(code(client.command("EHLO c.test")) == 250);
  CHECK(code(client.command("RCPT TO:<b@example.com>")) == 503);
  CHECK(code(client.command("DATA")) == 503);
  REQUIRE(code(client.command("MAIL FROM:<a@example.com>")) == 250);
  CHECK(code(client.command("MAIL FROM:<a@example.com>")) == 503);
  CHECK(code(client.command("DATA")) == 503);
  CHECK(code(client.command("RCPT TO:b@example.com")) == 501);
  CHECK(code(client.command("RSET")) == 250);
  CHECK(code(client.command("RCPT TO:<b@example.com>")) == 503);  // RSET ended the transaction
  CHECK(code(client.command("NOOP")) == 250);
  CHECK(code(client.command("EHLO")) == 501);
  CHECK(code(client.command("FROB")) == 500);
  CHECK(code(client.command("STARTTLS")) == 502);
  CHECK(code(client.command("AUTH CRAM-MD5")) == 504);
  CHECK(code(client.command("QUIT")) == 221);
  CHECK(mails(sb)["mails"].empty());
}

TEST_CASE("Two conversations at once are both recorded", "[smtp]") {
  TestSandbox sb(Flavor::Cloud);
  const int port = smtp_port(sb);
  SmtpTestClient first(port);
  SmtpTestClient second(port);
  open_transaction(first, "one@example.com", "x@example.com");
  open_transaction(second, "two@example.com", "y@example.com");
  REQUIRE(code(first.command("DATA")) == 354);
  REQUIRE(code(second.command("DATA")) == 354);
  first.send_raw("Subject: one\r\n");
  second.send_raw("Subject: two\r\n");
  CHECK(code(second.command(".")) == 250);
  CHECK(code(first.command(".")) == 250);
  const auto recorded = mails(sb)["mails"];
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0]["from"] == "two@example.com");
  CHECK(recorded[0]["data"] == "Subject: two\r\n");
  CHECK(recorded[1]["from"] == "one@example.com");
  CHECK(recorded[1]["to"] == nlohmann::json::array({"x@example.com"}));
  CHECK(recorded[0]["id"] != recorded[1]["id"]);
}

TEST_CASE("DELETE /_sandbox/mail and /_sandbox/reset clear the captured mail", "[smtp]") {
  TestSandbox sb(Flavor::DataCenter);
  auto send_one = [&] {
    SmtpTestClient client(smtp_port(sb));
    open_transaction(client, "a@example.com", "b@example.com");
    REQUIRE(code(client.command("DATA")) == 354);
    REQUIRE(code(client.command("hello\r\n.")) == 250);
  };
  send_one();
  REQUIRE(mails(sb)["mails"].size() == 1);
  CHECK(sb.call("DELETE", "/_sandbox/mail").first == 204);
  CHECK(mails(sb)["mails"].empty());
  CHECK(mails(sb)["total"] == 0);
  send_one();
  REQUIRE(mails(sb)["mails"].size() == 1);
  CHECK(mails(sb)["mails"][0]["id"] == 2);  // ids keep counting
  REQUIRE(sb.call("POST", "/_sandbox/reset").first == 200);
  CHECK(mails(sb)["mails"].empty());
  CHECK(sb.call("POST", "/_sandbox/mail").first == 405);
}

TEST_CASE("A mail is stamped with the sandbox clock", "[smtp]") {
  TestSandbox sb(Flavor::Cloud);
  constexpr std::int64_t k_day_ms = 24 * 3600 * 1000;
  REQUIRE(sb.call("PUT", "/_sandbox/clock", {{"offset_ms", k_day_ms}}).first == 200);
  SmtpTestClient client(smtp_port(sb));
  open_transaction(client, "a@example.com", "b@example.com");
  REQUIRE(code(client.command("DATA")) == 354);
  REQUIRE(code(client.command("later\r\n.")) == 250);
  const auto at = mails(sb)["mails"].at(0)["at"].get<std::int64_t>();
  CHECK(std::llabs(at - (now_ms() + k_day_ms)) < 60000);
}

TEST_CASE("Without the SMTP capture /_sandbox/mail has no smtp_url and no mails", "[smtp]") {
  sandbox::ServerOptions options;
  options.smtp = false;
  TestSandbox sb(Flavor::Cloud, options);
  CHECK_FALSE(sb.server().smtp_url());
  const auto body = mails(sb);
  CHECK(body["smtp_url"].is_null());
  CHECK(body["mails"].empty());
}

TEST_CASE("The capture refuses a message over its size limit (552) and an overlong line (500)", "[smtp]") {
  sandbox::SmtpCaptureOptions options;
  options.max_message_bytes = 64;
  options.max_line_bytes = 40;
  sandbox::SmtpCapture capture(options);
  REQUIRE(capture.start());
  SmtpTestClient client(capture.port());
  REQUIRE(code(client.command("EHLO d.test")) == 250);
  CHECK(code(client.command("MAIL FROM:<a@example.com> SIZE=65")) == 552);
  CHECK(code(client.command("NOOP " + std::string(60, 'x'))) == 500);
  CHECK(code(client.command("NOOP")) == 250);  // the conversation goes on
  REQUIRE(code(client.command("MAIL FROM:<a@example.com>")) == 250);
  REQUIRE(code(client.command("RCPT TO:<b@example.com>")) == 250);
  REQUIRE(code(client.command("DATA")) == 354);
  client.send_raw(std::string(50, 'y') + "\r\n" + std::string(50, 'z') + "\r\n");
  CHECK(code(client.command(".")) == 552);
  REQUIRE(code(client.command("MAIL FROM:<a@example.com>")) == 250);  // a new transaction
  REQUIRE(code(client.command("RCPT TO:<b@example.com>")) == 250);
  REQUIRE(code(client.command("DATA")) == 354);
  CHECK(code(client.command(std::string(200, 'w') + "\r\n.")) == 552);  // one line past the limit
  REQUIRE(code(client.command("MAIL FROM:<a@example.com>")) == 250);
  REQUIRE(code(client.command("RCPT TO:<b@example.com>")) == 250);
  REQUIRE(code(client.command("DATA")) == 354);
  CHECK(code(client.command(std::string(60, 'v') + "\r\n.")) == 250);  // just fits: 60 + CRLF
  REQUIRE(capture.mails().size() == 1);
  CHECK(capture.mails()[0]["data"] == std::string(60, 'v') + "\r\n");
}

TEST_CASE("The capture closes a silent conversation with 421, and every one on stop", "[smtp]") {
  sandbox::SmtpCaptureOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  sandbox::SmtpCapture capture(options);
  REQUIRE(capture.start());
  SmtpTestClient idle(capture.port());
  CHECK(code(idle.reply()) == 421);

  options.idle_timeout = std::chrono::seconds(60);
  sandbox::SmtpCapture lasting(options);
  REQUIRE(lasting.start());
  SmtpTestClient open(lasting.port());
  REQUIRE(code(open.command("EHLO e.test")) == 250);
  const auto before = std::chrono::steady_clock::now();
  lasting.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(5));
  CHECK(code(open.reply()) == 421);
}
