// E-mail notifications: the RFC 5322 message (pure) and the MailSender seam that sends it.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/config/config.hpp"
#include "faultline/notify/mentions.hpp"
#include "faultline/notify/message.hpp"
#include "faultline/util/error.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::notify {

// One mail to hand to an SMTP server.
struct MailEnvelope {
  std::string smtp_url;  // smtp://host:587 (STARTTLS required) or smtps://host:465
  std::string username;
  std::string password;                 // secret
  std::string mail_from;                // bare address for MAIL FROM
  std::vector<std::string> recipients;  // bare addresses, one RCPT TO each
  std::string message;                  // the complete RFC 5322 message, CRLF line endings
};

// Sends mail. Implementations: CurlMailSender (smtp_sender.hpp), DryRunMailSender, fakes.
class MailSender {
public:
  virtual ~MailSender() = default;
  // Sends one mail. Error Unavailable when the server could not be reached or refused for a
  // passing reason, Auth when the login was refused, Failed otherwise; never holds the
  // password.
  virtual Result<void> send(const MailEnvelope& envelope) = 0;
};

// Prints the mail it would send (envelope without the password, then the message) to `out`,
// masked by `redactor`, and sends nothing: for --dry-run.
class DryRunMailSender final : public MailSender {
public:
  // `out` and `redactor` must outlive the sender.
  DryRunMailSender(std::ostream& out, const Redactor& redactor);
  // Prints; never fails.
  Result<void> send(const MailEnvelope& envelope) override;

private:
  std::ostream& m_out;
  const Redactor& m_redactor;
};

// The address inside "Name <addr>", or the trimmed text when there are no angle brackets.
std::string mail_address(std::string_view mailbox);

// An RFC 2047 "=?UTF-8?B?...?=" encoding of a header value when it is not plain printable
// ASCII (split into encoded words of at most 75 characters, folded with CRLF SP); otherwise
// the value unchanged.
std::string encode_header_value(std::string_view value);

// `text` with every line ending as CRLF (bare CR dropped).
std::string crlf_lines(std::string_view text);

// base64 in lines of 76 characters, each ending with CRLF (RFC 2045 §6.8).
std::string mime_base64_lines(std::string_view data);

// "Wed, 25 Nov 2026 15:16:13 +0000" (RFC 5322 date, UTC).
std::string rfc5322_date(std::chrono::system_clock::time_point time);

// The Message-ID for `dedupe_key` on `channel`: "<faultline.<32 hex of sha256>@<domain of
// from>>", the same on every re-send so receivers and people can recognise a repeat.
std::string mail_message_id(std::string_view dedupe_key, std::string_view channel,
                            std::string_view from);

// The mail for `message` on an e-mail `channel`: From, To (channel.to), Cc (mentioned people's
// addresses), Subject (the title as text, RFC 2047 when not ASCII), Date, Message-ID,
// MIME-Version, Content-Type text/plain; charset=UTF-8, base64 body (the Markdown body with its
// values' escapes removed, so they read as written, then the link), CRLF
// line endings. Recipients are To plus Cc. Error (Config) when from or to is missing.
Result<MailEnvelope> build_mail(const config::Channel& channel, const Message& message,
                                const ResolvedMentions& mentions,
                                std::chrono::system_clock::time_point now);

}  // namespace faultline::notify
