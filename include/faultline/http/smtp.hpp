// Sending one e-mail over SMTP with libcurl (smtp:// with STARTTLS required, or smtps://):
// the mail counterpart of Transport. Curl stays inside src/http/; notify's e-mail channel
// builds the message and hands it here.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/util/error.hpp"

namespace faultline::http {

// One mail: the SMTP envelope and the finished RFC 5322 message.
struct SmtpMail {
  std::string url;       // smtp://host:587 (STARTTLS required) or smtps://host:465
  std::string username;  // login; empty = no AUTH
  std::string password;  // secret: never appears in an error
  std::string mail_from;                // bare address for MAIL FROM
  std::vector<std::string> recipients;  // bare addresses, one RCPT TO each
  std::string message;                  // the complete message, CRLF line endings
};

// Whether smtp:// may go without STARTTLS.
enum class PlainSmtp {
  Refuse,         // STARTTLS is required (the default: the password never goes out in clear)
  LoopbackOnly,   // allowed to 127.0.0.0/8, ::1 and localhost only (local relays, tests)
};

struct SmtpOptions {
  std::chrono::milliseconds connect_timeout{10000};  // TCP + TLS handshake
  std::chrono::milliseconds total_timeout{30000};    // the whole conversation
  std::string ca_bundle;                             // PEM file of trusted CAs; "" = system store
  PlainSmtp plain = PlainSmtp::Refuse;
};

// Whether `url`'s host is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(std::string_view url);

// Sends `mail`: TLS peer and host always verified, login when a user name is set, one RCPT TO
// per recipient (a refused recipient does not stop the others; all refused is an error).
// Error: Config for a URL that is not smtp:// or smtps://, plain smtp:// that `options` do
// not allow, no recipients or an address with a line break; Auth when the login is refused;
// Unavailable when the server cannot be reached or the time runs out; Failed for any other
// refusal. The message names curl's reason and the server's host, never the password.
Result<void> send_smtp(const SmtpMail& mail, const SmtpOptions& options);

}  // namespace faultline::http
