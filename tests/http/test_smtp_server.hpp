// A tiny SMTP server on 127.0.0.1 for the SMTP tests: one thread, one conversation at a
// time, speaking just enough (EHLO/HELO, AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA, RSET,
// NOOP, QUIT) and recording what the client sent. Header-only; used by tests/http and
// tests/notify.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace faultline::test {

// What one SMTP conversation carried.
struct SmtpSession {
  std::string helo;                     // "EHLO x" / "HELO x" as sent
  std::vector<std::string> auth_lines;  // every line of the AUTH exchange (base64 as sent)
  std::string mail_from;                // the MAIL FROM address, without <>
  std::vector<std::string> recipients;  // accepted RCPT TO addresses, without <>
  std::string data;                     // the message, dot-unstuffed, without the final "."
  bool quit = false;
};

struct SmtpServerScript {
  bool advertise_auth = true;           // EHLO lists AUTH PLAIN LOGIN
  bool accept_login = true;             // false: 535 for every AUTH
  std::set<std::string> refuse_rcpt;    // answered 550
  bool silent = false;                  // accept the connection and never say anything
};

class SmtpLoopbackServer {
public:
  explicit SmtpLoopbackServer(SmtpServerScript script = {}) : m_script(std::move(script)) {
    m_listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_listen_fd < 0) throw std::runtime_error("socket() failed");
    const int yes = 1;
    ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listen_fd, 8) != 0 ||
        ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ::close(m_listen_fd);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~SmtpLoopbackServer() {
    m_stopping = true;
    ::shutdown(m_listen_fd, SHUT_RDWR);
    m_thread.join();
    ::close(m_listen_fd);
  }
  SmtpLoopbackServer(const SmtpLoopbackServer&) = delete;
  SmtpLoopbackServer& operator=(const SmtpLoopbackServer&) = delete;

  // "smtp://127.0.0.1:<port>"
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(m_port); }
  // The conversations so far, after waiting up to 2 s for at least `count` to have ended
  // (the client may return before the server has filed its conversation).
  std::vector<SmtpSession> sessions(std::size_t count = 1) const {
    std::unique_lock lock(m_mutex);
    m_filed.wait_for(lock, std::chrono::seconds(2), [&] { return m_sessions.size() >= count; });
    return m_sessions;
  }

private:
  // Waits up to 100 ms for `fd` to be readable; false when stopping.
  bool wait_readable(int fd) const {
    while (!m_stopping) {
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (ready > 0) return true;
      if (ready < 0) return false;
    }
    return false;
  }

  void serve() {
    while (!m_stopping) {
      if (!wait_readable(m_listen_fd)) return;
      const int fd = ::accept(m_listen_fd, nullptr, nullptr);
      if (fd < 0) return;
      if (m_script.silent) {
        while (wait_readable(fd)) {
          char buffer[512];
          if (::recv(fd, buffer, sizeof buffer, 0) <= 0) break;
        }
      } else {
        converse(fd);
      }
      ::close(fd);
    }
  }

  static void say(int fd, const std::string& text) { (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL); }

  // The next CRLF-terminated line (without CRLF); false at end of stream.
  bool read_line(int fd, std::string& buffer, std::string& line) const {
    for (;;) {
      const auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      if (!wait_readable(fd)) return false;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static std::string upper(std::string text) {
    for (char& c : text)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
  }

  static std::string address_of(const std::string& line) {
    const auto open = line.find('<');
    const auto close = line.find('>', open);
    return open == std::string::npos || close == std::string::npos ? std::string() : line.substr(open + 1, close - open - 1);
  }

  void converse(int fd) {
    SmtpSession session;
    std::string buffer, line;
    say(fd, "220 loopback ESMTP ready\r\n");
    while (read_line(fd, buffer, line)) {
      const std::string verb = upper(line.substr(0, line.find(' ')));
      if (verb == "EHLO") {
        session.helo = line;
        say(fd, std::string("250-loopback greets you\r\n") + (m_script.advertise_auth ? "250-AUTH PLAIN LOGIN\r\n" : "") +
                    "250 8BITMIME\r\n");
      } else if (verb == "HELO") {
        session.helo = line;
        say(fd, "250 loopback\r\n");
      } else if (verb == "AUTH") {
        session.auth_lines.push_back(line);
        const std::string mechanism = upper(line.size() > 5 ? line.substr(5, line.find(' ', 5) - 5) : "");
        const bool has_initial = line.find(' ', 5) != std::string::npos;
        const int more = mechanism == "LOGIN" ? (has_initial ? 1 : 2) : (has_initial ? 0 : 1);
        bool ok = true;
        for (int i = 0; i < more && ok; ++i) {
          say(fd, mechanism == "LOGIN" ? (i == more - 1 ? "334 UGFzc3dvcmQ6\r\n" : "334 VXNlcm5hbWU6\r\n") : "334 \r\n");
          ok = read_line(fd, buffer, line);
          if (ok) session.auth_lines.push_back(line);
        }
        if (!ok) break;
        say(fd, m_script.accept_login ? "235 2.7.0 Authentication successful\r\n"
                                      : "535 5.7.8 Authentication credentials invalid\r\n");
      } else if (verb == "MAIL") {
        session.mail_from = address_of(line);
        say(fd, "250 2.1.0 Ok\r\n");
      } else if (verb == "RCPT") {
        const auto address = address_of(line);
        if (m_script.refuse_rcpt.contains(address)) {
          say(fd, "550 5.1.1 No such user\r\n");
        } else {
          session.recipients.push_back(address);
          say(fd, "250 2.1.5 Ok\r\n");
        }
      } else if (verb == "DATA") {
        say(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
        std::string data;
        bool ended = false;
        while (read_line(fd, buffer, line)) {
          if (line == ".") {
            ended = true;
            break;
          }
          if (line.starts_with(".")) line.erase(0, 1);  // dot-unstuffing
          data += line + "\r\n";
        }
        if (!ended) break;
        session.data = data;
        say(fd, "250 2.0.0 Ok: queued\r\n");
      } else if (verb == "RSET" || verb == "NOOP") {
        say(fd, "250 2.0.0 Ok\r\n");
      } else if (verb == "QUIT") {
        session.quit = true;
        say(fd, "221 2.0.0 Bye\r\n");
        break;
      } else {
        say(fd, "502 5.5.2 Command not recognized\r\n");
      }
    }
    {
      std::lock_guard lock(m_mutex);
      m_sessions.push_back(std::move(session));
    }
    m_filed.notify_all();
  }

  SmtpServerScript m_script;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_filed;
  std::vector<SmtpSession> m_sessions;
  std::thread m_thread;
};

}  // namespace faultline::test
