// The SMTP capture: the conversation state machine (RFC 5321, RFC 4954) and the loopback
// listener that runs one per connection.
#include "smtp_capture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "hooks_crypto.hpp"
#include "service.hpp"

namespace sandbox {

namespace smtp_wire {
namespace {

constexpr std::string_view k_server_name = "127.0.0.1";
constexpr std::string_view k_ask_username = "VXNlcm5hbWU6";  // base64 "Username:"
constexpr std::string_view k_ask_password = "UGFzc3dvcmQ6";  // base64 "Password:"
// Commands SMTP knows that the capture does not offer: 502, not 500.
constexpr std::array<std::string_view, 7> k_unoffered = {"STARTTLS", "VRFY", "EXPN", "HELP", "TURN", "ETRN", "BDAT"};

// "CODE text" with CRLF.
std::string reply(int code, std::string_view text) { return fmt::format("{} {}\r\n", code, text); }

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && upper_ascii(text.substr(0, prefix.size())) == prefix;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Overwrites a string that held a secret before it is freed.
void wipe(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

// The base64 of an AUTH exchange; "=" stands for an empty initial response (RFC 4954).
std::optional<std::string> decode_auth_response(std::string_view text) {
  if (text == "=") return std::string();
  return base64_decode(text);
}

// The authentication identity of a PLAIN response "authzid NUL authcid NUL password"; nothing
// when it does not have that form.
std::optional<std::string> plain_user(std::string_view response) {
  const auto first = response.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = response.find('\0', first + 1);
  if (second == std::string_view::npos || response.find('\0', second + 1) != std::string_view::npos) return std::nullopt;
  std::string user(response.substr(first + 1, second - first - 1));
  if (user.empty()) return std::nullopt;
  return user;
}

// "FROM:<address> PARAMS" / "TO:<address> PARAMS" split up.
struct MailPath {
  std::string address;
  std::string_view parameters;
};

std::optional<MailPath> parse_path(std::string_view argument, std::string_view keyword) {
  if (!starts_with_nocase(argument, keyword)) return std::nullopt;
  argument = trim_spaces(argument.substr(keyword.size()));
  if (!argument.starts_with('<')) return std::nullopt;
  const auto close = argument.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  return MailPath{std::string(argument.substr(1, close - 1)), trim_spaces(argument.substr(close + 1))};
}

// The value of the ESMTP parameter NAME (upper case) in "A=1 NAME=2", if present.
std::optional<std::string_view> esmtp_parameter(std::string_view parameters, std::string_view name) {
  while (!parameters.empty()) {
    const auto space = parameters.find(' ');
    const std::string_view item = parameters.substr(0, space);
    parameters = space == std::string_view::npos ? std::string_view() : trim_spaces(parameters.substr(space + 1));
    const auto equals = item.find('=');
    if (upper_ascii(item.substr(0, equals)) == name)
      return equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// Sends all of `text`; false when the peer is gone or stopped reading (send timeout).
bool send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Why LineReader::next returned.
enum class ReadOutcome { Line, Overlong, Closed, Idle, Stopping };

// Reads LF-terminated lines (a CR before the LF is dropped) from a socket, waiting at most the
// idle timeout for each chunk and waking when the wake descriptor becomes readable.
class LineReader {
public:
  LineReader(int fd, int wake_fd, std::chrono::milliseconds idle) : m_fd(fd), m_wake_fd(wake_fd), m_idle(idle) {}

  // The next line into `line`; Overlong when it was longer than `limit` (its bytes are dropped).
  ReadOutcome next(std::string& line, std::size_t limit) {
    for (;;) {
      const auto end = m_buffer.find('\n', m_scanned);
      if (end != std::string::npos) {
        const bool overlong = m_overlong || end > limit + 1;
        if (!overlong) line.assign(m_buffer, 0, end > 0 && m_buffer[end - 1] == '\r' ? end - 1 : end);
        m_buffer.erase(0, end + 1);
        m_scanned = 0;
        m_overlong = false;
        return overlong ? ReadOutcome::Overlong : ReadOutcome::Line;
      }
      if (m_buffer.size() > limit + 1) {
        m_overlong = true;  // drop what came so far; keep a CR that a LF may follow
        const bool cr = m_buffer.back() == '\r';
        m_buffer.assign(cr ? "\r" : "");
      }
      m_scanned = m_buffer.size();
      if (const auto waited = wait(); waited != ReadOutcome::Line) return waited;
      char chunk[16 * 1024];
      const ssize_t received = ::recv(m_fd, chunk, sizeof chunk, 0);
      if (received < 0 && errno == EINTR) continue;
      if (received <= 0) return ReadOutcome::Closed;
      m_buffer.append(chunk, static_cast<std::size_t>(received));
    }
  }

private:
  // Line when the socket is readable, else why not.
  ReadOutcome wait() const {
    for (;;) {
      pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_wake_fd, POLLIN, 0}};
      const int ready = ::poll(fds, 2, static_cast<int>(m_idle.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return ReadOutcome::Closed;
      if (ready == 0) return ReadOutcome::Idle;
      if (fds[1].revents != 0) return ReadOutcome::Stopping;
      return ReadOutcome::Line;
    }
  }

  int m_fd;
  int m_wake_fd;
  std::chrono::milliseconds m_idle;
  std::string m_buffer;
  std::size_t m_scanned = 0;  // bytes of m_buffer known to hold no LF
  bool m_overlong = false;    // dropping the rest of an overlong line
};

}  // namespace
}  // namespace smtp_wire

using smtp_wire::reply;

// ------------------------------------------------------------------------------ conversation

SmtpConversation::SmtpConversation(SmtpCaptureOptions options, Deliver deliver)
    : m_options(std::move(options)), m_deliver(std::move(deliver)) {}

std::string SmtpConversation::greeting() const {
  return reply(220, fmt::format("{} faultline-sandbox ESMTP capture ready", smtp_wire::k_server_name));
}

std::size_t SmtpConversation::line_limit() const {
  if (m_state == State::Data && !m_oversize) return m_options.max_message_bytes - m_data.size() + 1;
  return m_options.max_line_bytes;
}

std::string SmtpConversation::on_line(std::string_view line) {
  switch (m_state) {
    case State::Data: return on_data_line(line);
    case State::AuthPlain:
    case State::AuthLoginUser:
    case State::AuthLoginPassword: return on_auth_response(line);
    case State::Closed: return {};
    case State::Command: break;
  }
  return on_command(line);
}

std::string SmtpConversation::on_overlong_line() {
  switch (m_state) {
    case State::Data:
      m_oversize = true;
      m_data.clear();
      m_data.shrink_to_fit();
      return {};
    case State::AuthPlain:
    case State::AuthLoginUser:
    case State::AuthLoginPassword:
      m_state = State::Command;
      m_pending_user.clear();
      return reply(500, "5.5.6 Authentication exchange line is too long");
    case State::Closed: return {};
    case State::Command: break;
  }
  return reply(500, "5.5.2 Line too long");
}

std::string SmtpConversation::on_command(std::string_view line) {
  const auto space = line.find(' ');
  const std::string verb = smtp_wire::upper_ascii(line.substr(0, space));
  const std::string_view argument = space == std::string_view::npos ? std::string_view() : smtp_wire::trim_spaces(line.substr(space + 1));
  if (verb == "EHLO" || verb == "HELO") return on_hello(verb, argument);
  if (verb == "AUTH") return on_auth(argument);
  if (verb == "MAIL") return on_mail(argument);
  if (verb == "RCPT") return on_rcpt(argument);
  if (verb == "DATA") return on_data(argument);
  if (verb == "RSET") {
    reset_transaction();
    return reply(250, "2.0.0 Ok");
  }
  if (verb == "NOOP") return reply(250, "2.0.0 Ok");
  if (verb == "QUIT") {
    m_state = State::Closed;
    return reply(221, "2.0.0 Bye");
  }
  if (std::find(smtp_wire::k_unoffered.begin(), smtp_wire::k_unoffered.end(), verb) != smtp_wire::k_unoffered.end())
    return reply(502, "5.5.1 Command not implemented");
  return reply(500, "5.5.2 Command not recognized");
}

std::string SmtpConversation::on_hello(std::string_view verb, std::string_view argument) {
  if (argument.empty()) return reply(501, fmt::format("5.5.4 Syntax: {} hostname", verb));
  reset_transaction();
  m_greeted = true;
  if (verb == "HELO") return reply(250, smtp_wire::k_server_name);
  return fmt::format("250-{} Hello\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE {}\r\n", smtp_wire::k_server_name,
                     m_options.max_message_bytes);
}

std::string SmtpConversation::on_auth(std::string_view argument) {
  if (!m_greeted) return reply(503, "5.5.1 Send EHLO first");
  if (m_auth_user) return reply(503, "5.5.1 Already authenticated");
  if (m_from) return reply(503, "5.5.1 AUTH not allowed during a mail transaction");
  const auto space = argument.find(' ');
  const std::string mechanism = smtp_wire::upper_ascii(argument.substr(0, space));
  const std::string_view initial = space == std::string_view::npos ? std::string_view() : smtp_wire::trim_spaces(argument.substr(space + 1));
  if (mechanism.empty()) return reply(501, "5.5.4 Syntax: AUTH mechanism [initial-response]");
  if (mechanism == "PLAIN") {
    m_state = State::AuthPlain;
    return initial.empty() ? reply(334, "") : on_auth_response(initial);
  }
  if (mechanism == "LOGIN") {
    m_state = State::AuthLoginUser;
    return initial.empty() ? reply(334, smtp_wire::k_ask_username) : on_auth_response(initial);
  }
  return reply(504, "5.5.4 Unrecognized authentication type");
}

std::string SmtpConversation::on_auth_response(std::string_view line) {
  const State step = m_state;
  m_state = State::Command;
  if (line == "*") {
    m_pending_user.clear();
    return reply(501, "5.7.0 Authentication cancelled");
  }
  auto decoded = smtp_wire::decode_auth_response(line);
  if (!decoded) {
    m_pending_user.clear();
    return reply(501, "5.5.2 Cannot decode the response");
  }
  if (step == State::AuthLoginUser) {
    m_pending_user = std::move(*decoded);
    m_state = State::AuthLoginPassword;
    return reply(334, smtp_wire::k_ask_password);
  }
  // Any password is taken; it is wiped, never kept.
  std::optional<std::string> user = step == State::AuthPlain ? smtp_wire::plain_user(*decoded) : std::optional(m_pending_user);
  smtp_wire::wipe(*decoded);
  m_pending_user.clear();
  if (!user) return reply(501, "5.5.2 Cannot decode the response");
  m_auth_user = std::move(user);
  return reply(235, "2.7.0 Authentication successful");
}

std::string SmtpConversation::on_mail(std::string_view argument) {
  if (!m_greeted) return reply(503, "5.5.1 Send EHLO or HELO first");
  if (m_from) return reply(503, "5.5.1 Nested MAIL command");
  auto path = smtp_wire::parse_path(argument, "FROM:");
  if (!path) return reply(501, "5.5.4 Syntax: MAIL FROM:<address>");
  if (auto size_text = smtp_wire::esmtp_parameter(path->parameters, "SIZE")) {
    const auto size = smtp_wire::parse_decimal(*size_text);
    if (!size) return reply(501, "5.5.4 Syntax: SIZE=octets");
    if (*size > m_options.max_message_bytes) return reply(552, "5.3.4 Message size exceeds fixed maximum message size");
  }
  m_from = std::move(path->address);
  return reply(250, "2.1.0 Ok");
}

std::string SmtpConversation::on_rcpt(std::string_view argument) {
  if (!m_from) return reply(503, "5.5.1 Need MAIL before RCPT");
  auto path = smtp_wire::parse_path(argument, "TO:");
  if (!path || path->address.empty()) return reply(501, "5.5.4 Syntax: RCPT TO:<address>");
  if (m_to.size() >= m_options.max_recipients) return reply(452, "4.5.3 Too many recipients");
  m_to.push_back(std::move(path->address));
  return reply(250, "2.1.5 Ok");
}

std::string SmtpConversation::on_data(std::string_view argument) {
  if (!argument.empty()) return reply(501, "5.5.4 Syntax: DATA");
  if (!m_from) return reply(503, "5.5.1 Need MAIL before DATA");
  if (m_to.empty()) return reply(503, "5.5.1 Need RCPT before DATA");
  m_state = State::Data;
  m_data.clear();
  m_oversize = false;
  return reply(354, "End data with <CR><LF>.<CR><LF>");
}

std::string SmtpConversation::on_data_line(std::string_view line) {
  if (line == ".") {
    m_state = State::Command;
    std::string answer;
    if (m_oversize) {
      answer = reply(552, "5.3.4 Message size exceeds fixed maximum message size");
    } else {
      const std::int64_t id = m_deliver ? m_deliver(CapturedMail{*m_from, m_to, std::move(m_data), m_auth_user}) : 0;
      answer = reply(250, fmt::format("2.0.0 Ok: queued as {}", id));
    }
    reset_transaction();
    return answer;
  }
  if (line.starts_with('.')) line.remove_prefix(1);  // dot-unstuffing (RFC 5321 4.5.2)
  if (m_oversize) return {};
  if (m_data.size() + line.size() + 2 > m_options.max_message_bytes) {
    on_overlong_line();
    return {};
  }
  m_data.append(line).append("\r\n");
  return {};
}

void SmtpConversation::reset_transaction() {
  m_from.reset();
  m_to.clear();
  m_data.clear();
  m_oversize = false;
}

// ---------------------------------------------------------------------------------- listener

SmtpCapture::SmtpCapture(SmtpCaptureOptions options) : m_options(std::move(options)) {}

SmtpCapture::~SmtpCapture() { stop(); }

std::string SmtpCapture::url() const { return fmt::format("smtp://{}:{}", smtp_wire::k_server_name, m_port); }

std::expected<void, std::string> SmtpCapture::start() {
  if (m_listen_fd >= 0) return {};
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0) return std::unexpected(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  m_wake_read = wake[0];
  m_wake_write = wake[1];
  auto fail = [this](std::string what) {
    const int error = errno;
    for (int* fd : {&m_listen_fd, &m_wake_read, &m_wake_write}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
    return std::unexpected(fmt::format("{}: {}", what, std::strerror(error)));
  };
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0) return fail("cannot create the SMTP socket");
  const int yes = 1;
  ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(m_options.port));
  socklen_t length = sizeof address;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail(fmt::format("cannot bind the SMTP capture to {}:{}", smtp_wire::k_server_name, m_options.port));
  if (::listen(m_listen_fd, 128) != 0 || ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return fail("cannot listen for SMTP");
  m_port = ntohs(address.sin_port);
  m_acceptor = std::thread([this] { accept_connections(); });
  return {};
}

void SmtpCapture::stop() {
  if (m_listen_fd < 0) return;
  const char byte = 1;
  while (::write(m_wake_write, &byte, 1) < 0 && errno == EINTR) {
  }
  if (m_acceptor.joinable()) m_acceptor.join();
  reap_sessions(Reap::All);
  for (int* fd : {&m_listen_fd, &m_wake_read, &m_wake_write}) {
    ::close(*fd);
    *fd = -1;
  }
}

void SmtpCapture::accept_connections() {
  for (;;) {
    pollfd fds[2] = {{m_listen_fd, POLLIN, 0}, {m_wake_read, POLLIN, 0}};
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || fds[1].revents != 0) return;
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EINTR && errno != ECONNABORTED) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    const int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    // A peer that stops reading must not hold a conversation (and stop()) forever.
    const auto idle_us = std::chrono::duration_cast<std::chrono::microseconds>(m_options.idle_timeout).count();
    timeval send_timeout{static_cast<time_t>(idle_us / 1000000), static_cast<suseconds_t>(idle_us % 1000000)};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    reap_sessions(Reap::Finished);
    if (m_sessions.size() >= m_options.max_sessions) {
      smtp_wire::send_all(fd, reply(421, "4.7.0 Too many connections, try again later"));
      ::close(fd);
      continue;
    }
    Session& session = m_sessions.emplace_back();
    session.thread = std::thread([this, fd, &session] {
      converse(fd);
      ::close(fd);
      session.done = true;
    });
  }
}

void SmtpCapture::converse(int fd) {
  SmtpConversation conversation(m_options, [this](CapturedMail mail) { return record(std::move(mail)); });
  smtp_wire::LineReader reader(fd, m_wake_read, m_options.idle_timeout);
  if (!smtp_wire::send_all(fd, conversation.greeting())) return;
  std::string line;
  while (!conversation.closed()) {
    std::string answer;
    switch (reader.next(line, conversation.line_limit())) {
      case smtp_wire::ReadOutcome::Line: answer = conversation.on_line(line); break;
      case smtp_wire::ReadOutcome::Overlong: answer = conversation.on_overlong_line(); break;
      case smtp_wire::ReadOutcome::Idle:
        smtp_wire::send_all(fd, reply(421, "4.4.2 Idle timeout, closing connection"));
        return;
      case smtp_wire::ReadOutcome::Stopping:
        smtp_wire::send_all(fd, reply(421, "4.3.2 Service shutting down"));
        return;
      case smtp_wire::ReadOutcome::Closed: return;
    }
    if (!answer.empty() && !smtp_wire::send_all(fd, answer)) return;
  }
}

void SmtpCapture::reap_sessions(Reap which) {
  for (auto it = m_sessions.begin(); it != m_sessions.end();) {
    if (which == Reap::All || it->done) {
      if (it->thread.joinable()) it->thread.join();
      it = m_sessions.erase(it);
    } else {
      ++it;
    }
  }
}

// ----------------------------------------------------------------------------------- records

std::int64_t SmtpCapture::record(CapturedMail mail) {
  const auto at = m_options.clock ? m_options.clock() : std::chrono::system_clock::now();
  std::lock_guard lock(m_mutex);
  const std::int64_t id = m_next_id++;
  m_mails.push_back({{"id", id},
                     {"from", std::move(mail.from)},
                     {"to", std::move(mail.to)},
                     {"data", std::move(mail.data)},
                     {"at", epoch_ms(at)},
                     {"auth_user", mail.auth_user ? nlohmann::json(*mail.auth_user) : nlohmann::json(nullptr)}});
  return id;
}

nlohmann::json SmtpCapture::mails() const {
  std::lock_guard lock(m_mutex);
  return nlohmann::json(m_mails);
}

void SmtpCapture::clear() {
  std::lock_guard lock(m_mutex);
  m_mails.clear();
}

}  // namespace sandbox
