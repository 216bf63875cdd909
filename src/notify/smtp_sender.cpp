// The e-mail channel's sender: the envelope becomes an http::SmtpMail for http::send_smtp.
#include "faultline/notify/smtp_sender.hpp"

#include <chrono>
#include <utility>

namespace faultline::notify {

namespace {

http::SmtpOptions options_for(int timeout_seconds, std::string ca_bundle) {
  http::SmtpOptions options;
  if (timeout_seconds > 0) options.total_timeout = std::chrono::seconds(timeout_seconds);
  options.ca_bundle = std::move(ca_bundle);
  return options;
}

}  // namespace

CurlMailSender::CurlMailSender(int timeout_seconds, std::string ca_bundle)
    : m_options(options_for(timeout_seconds, std::move(ca_bundle))) {}

CurlMailSender::CurlMailSender(http::SmtpOptions options) : m_options(std::move(options)) {}

Result<void> CurlMailSender::send(const MailEnvelope& envelope) {
  http::SmtpMail mail{envelope.smtp_url, envelope.username,   envelope.password,
                      envelope.mail_from, envelope.recipients, envelope.message};
  return http::send_smtp(mail, m_options);
}

}  // namespace faultline::notify
