// The sandbox's SMTP capture: a plain-text SMTP listener on 127.0.0.1 that accepts every
// message and records it, so the demo and the tests can see the e-mails faultline sends (the
// review-meeting invitations). Written from RFC 5321 (SMTP), RFC 4954 (AUTH), RFC 4616
// (PLAIN) and the LOGIN mechanism's draft; no TLS (faultline sends plain SMTP to loopback only).
//
// Spoken: 220 greeting; EHLO (250: AUTH PLAIN LOGIN, 8BITMIME, SIZE; no PIPELINING, no
// STARTTLS) and HELO; AUTH PLAIN and AUTH LOGIN (any credentials are taken; the password is
// neither recorded nor logged); MAIL FROM (SIZE= checked), RCPT TO (at least one before DATA),
// DATA (dot-unstuffed up to the final "."), RSET, NOOP, QUIT. Bad commands get 500, bad
// arguments 501, commands out of sequence 503, known but unoffered ones (STARTTLS, VRFY,
// ...) 502; an overlong command line 500, a message over the size limit 552; a conversation
// silent past the idle timeout is closed with 421. One thread accepts; each conversation runs
// on its own thread.
//
// Record, as GET /_sandbox/mail serves it (control.cpp):
//   {"id": N, "from": "a@x", "to": ["b@y", ...], "data": "message text, CRLF lines",
//    "at": ms since the epoch on the sandbox clock, "auth_user": "name" | null}
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

// How the capture listens and what it accepts.
struct SmtpCaptureOptions {
  int port = 0;                                           // on 127.0.0.1; 0 = any free port
  std::size_t max_message_bytes = 10 * 1024 * 1024;       // larger messages are refused with 552
  std::size_t max_line_bytes = 16 * 1024;                 // longer command lines get 500
  std::size_t max_recipients = 100;                       // more RCPT TO get 452
  std::size_t max_sessions = 64;                          // more conversations at once get 421
  std::chrono::milliseconds idle_timeout{60000};          // silence that ends a conversation (421)
  std::function<std::chrono::system_clock::time_point()> clock;  // the sandbox clock; empty = system clock
};

// One message as a conversation delivered it.
struct CapturedMail {
  std::string from;                     // MAIL FROM address without <> ("" for the null sender)
  std::vector<std::string> to;          // RCPT TO addresses without <>, in order
  std::string data;                     // the message, dot-unstuffed, CRLF line ends, no final "."
  std::optional<std::string> auth_user; // the user name of a successful AUTH, if any
};

// One SMTP conversation's state machine, without sockets: each line received goes in, the
// reply to send comes out. SmtpCapture runs one per connection; tests may drive one directly.
class SmtpConversation {
public:
  // Records a finished message; returns its id.
  using Deliver = std::function<std::int64_t(CapturedMail)>;

  SmtpConversation(SmtpCaptureOptions options, Deliver deliver);

  // The 220 greeting, with CRLF.
  std::string greeting() const;
  // Handles one received line (without its line end); returns the reply with CRLF, or ""
  // when none is due (a line of message text).
  std::string on_line(std::string_view line);
  // Handles a line longer than line_limit(), whose bytes were dropped: 500 for a command or
  // an AUTH response (which ends the AUTH); inside DATA the message becomes too large (552 at
  // its final ".").
  std::string on_overlong_line();
  // The longest line accepted now: the command line limit, or inside DATA the message limit.
  std::size_t line_limit() const;
  // True once QUIT has been answered.
  bool closed() const { return m_state == State::Closed; }

private:
  enum class State { Command, AuthPlain, AuthLoginUser, AuthLoginPassword, Data, Closed };

  std::string on_command(std::string_view line);
  std::string on_hello(std::string_view verb, std::string_view argument);
  std::string on_auth(std::string_view argument);
  std::string on_auth_response(std::string_view line);
  std::string on_mail(std::string_view argument);
  std::string on_rcpt(std::string_view argument);
  std::string on_data(std::string_view argument);
  std::string on_data_line(std::string_view line);
  void reset_transaction();

  SmtpCaptureOptions m_options;
  Deliver m_deliver;
  State m_state = State::Command;
  bool m_greeted = false;                     // EHLO or HELO seen
  std::optional<std::string> m_auth_user;     // after a successful AUTH
  std::string m_pending_user;                 // AUTH LOGIN: the user name, until the password
  std::optional<std::string> m_from;          // MAIL FROM of the open transaction
  std::vector<std::string> m_to;
  std::string m_data;
  bool m_oversize = false;                    // the message passed max_message_bytes
};

// The SMTP listener and the messages it recorded. start() and stop() from one thread; the
// record accessors from any.
class SmtpCapture {
public:
  explicit SmtpCapture(SmtpCaptureOptions options = {});
  ~SmtpCapture();
  SmtpCapture(const SmtpCapture&) = delete;
  SmtpCapture& operator=(const SmtpCapture&) = delete;

  // Binds 127.0.0.1:port and starts accepting. Error: the port could not be bound.
  std::expected<void, std::string> start();
  // Closes the listener and ends every conversation (421); the records stay. Safe to call twice.
  void stop();
  // The bound port (after start()).
  int port() const { return m_port; }
  // "smtp://127.0.0.1:PORT".
  std::string url() const;
  // The recorded messages, oldest first (see the header comment for the shape).
  nlohmann::json mails() const;
  // Forgets the recorded messages; ids keep counting.
  void clear();
  // Records one message stamped with the clock; returns its id.
  std::int64_t record(CapturedMail mail);

private:
  // A conversation's thread; `done` is set when it has finished and may be joined.
  struct Session {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  void accept_connections();
  void converse(int fd);
  // Joins the finished conversations (all of them with Reap::All, waiting for each).
  enum class Reap { Finished, All };
  void reap_sessions(Reap which);

  SmtpCaptureOptions m_options;
  int m_listen_fd = -1;
  int m_wake_read = -1;   // readable once stop() has begun: wakes every poll
  int m_wake_write = -1;
  int m_port = 0;
  std::thread m_acceptor;
  std::list<Session> m_sessions;  // touched by the accepting thread, and by stop() after it ended

  mutable std::mutex m_mutex;     // guards the records
  std::vector<nlohmann::json> m_mails;
  std::int64_t m_next_id = 1;
};

}  // namespace sandbox
