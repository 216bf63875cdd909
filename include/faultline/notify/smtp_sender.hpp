// The SMTP MailSender for e-mail channels: hands the built mail to http::send_smtp (curl
// stays in the http module).
#pragma once

#include <string>

#include "faultline/http/smtp.hpp"
#include "faultline/notify/mail.hpp"

namespace faultline::notify {

// Sends over SMTP with STARTTLS required (smtp://) or implicit TLS (smtps://), peer and host
// verified, login with the envelope's user name and password when set, one RCPT TO per
// recipient (refused recipients do not stop the others).
class CurlMailSender final : public MailSender {
public:
  // `timeout_seconds` bounds the whole transfer (0 = the default 30 s); `ca_bundle` is a
  // PEM file ("" = system CAs).
  CurlMailSender(int timeout_seconds, std::string ca_bundle);
  // Timeouts, CA bundle and whether plain smtp:// to a loopback relay is allowed.
  explicit CurlMailSender(http::SmtpOptions options);
  // Error Config for a URL that is not smtp:// or smtps://, Auth when the login is refused,
  // Unavailable when the server cannot be reached, Failed for any other refusal; the message
  // names curl's reason, never the password.
  Result<void> send(const MailEnvelope& envelope) override;

private:
  http::SmtpOptions m_options;
};

}  // namespace faultline::notify
