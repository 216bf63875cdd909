// The libcurl SMTP MailSender. Curl stays inside src/notify/smtp_sender.cpp.
#pragma once

#include <string>

#include "faultline/notify/mail.hpp"

namespace faultline::notify {

// Sends over SMTP with STARTTLS required (smtp://) or implicit TLS (smtps://), peer and host
// verified, login with the envelope's user name and password when set, one RCPT TO per
// recipient (refused recipients do not stop the others).
class CurlMailSender final : public MailSender {
public:
  // `timeout_seconds` bounds the whole transfer; `ca_bundle` is a PEM file ("" = system CAs).
  CurlMailSender(int timeout_seconds, std::string ca_bundle);
  // Error Config for a URL that is not smtp:// or smtps://, Auth when the login is refused,
  // Unavailable when the server cannot be reached, Failed for any other refusal; the message
  // names curl's reason, never the password.
  Result<void> send(const MailEnvelope& envelope) override;

private:
  int m_timeout_seconds;
  std::string m_ca_bundle;
};

}  // namespace faultline::notify
