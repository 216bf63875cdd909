// The only notify file that includes curl.
#include "faultline/notify/smtp_sender.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace faultline::notify {

namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using StringList = std::unique_ptr<curl_slist, ListDeleter>;

// CURLOPT_MAIL_RCPT_ALLOWFAILS (7.69.0), spelled CURLOPT_MAIL_RCPT_ALLLOWFAILS before 8.2.0:
// named by its number so both spellings of the header build.
constexpr auto k_option_rcpt_allow_fails = static_cast<CURLoption>(CURLOPTTYPE_LONG + 290);

struct UploadSource {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  const std::size_t room = size * count;
  const std::size_t left = source->data.size() - source->offset;
  const std::size_t take = std::min(room, left);
  std::memcpy(buffer, source->data.data() + source->offset, take);
  source->offset += take;
  return take;
}

ErrorKind kind_of(CURLcode code) {
  switch (code) {
    case CURLE_LOGIN_DENIED: return ErrorKind::Auth;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return ErrorKind::Unavailable;
    default: return ErrorKind::Failed;
  }
}

}  // namespace

CurlMailSender::CurlMailSender(int timeout_seconds, std::string ca_bundle)
    : m_timeout_seconds(timeout_seconds), m_ca_bundle(std::move(ca_bundle)) {}

Result<void> CurlMailSender::send(const MailEnvelope& envelope) {
  const bool starttls = envelope.smtp_url.starts_with("smtp://");
  if (!starttls && !envelope.smtp_url.starts_with("smtps://"))
    return fail(ErrorKind::Config, "e-mail: the SMTP URL must start with smtp:// or smtps://");
  if (envelope.recipients.empty()) return fail(ErrorKind::Config, "e-mail: no recipients");

  EasyHandle handle(curl_easy_init());
  if (!handle) return fail(ErrorKind::Failed, "e-mail: cannot initialise libcurl");
  CURL* curl = handle.get();
  char error_buffer[CURL_ERROR_SIZE] = {};

  StringList recipients;
  for (const auto& recipient : envelope.recipients) {
    curl_slist* appended = curl_slist_append(recipients.get(), ("<" + recipient + ">").c_str());
    if (!appended) return fail(ErrorKind::Failed, "e-mail: out of memory");
    if (!recipients) recipients.reset(appended);
  }
  const std::string mail_from = "<" + envelope.mail_from + ">";
  UploadSource source{envelope.message, 0};

  curl_easy_setopt(curl, CURLOPT_URL, envelope.smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  // STARTTLS is mandatory on smtp://: with "try" the password could go out in clear text.
  if (starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, m_ca_bundle.c_str());
  if (!envelope.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, envelope.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, envelope.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl, k_option_rcpt_allow_fails, 1L);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (m_timeout_seconds > 0) curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(m_timeout_seconds));

  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) return {};
  std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (!envelope.password.empty()) {
    for (auto at = reason.find(envelope.password); at != std::string::npos; at = reason.find(envelope.password))
      reason.replace(at, envelope.password.size(), "***");
  }
  std::string hint;
  if (code == CURLE_LOGIN_DENIED) hint = "check the channel's smtp_user and SMTP password";
  if (code == CURLE_USE_SSL_FAILED) hint = "the server does not offer STARTTLS; use smtps:// if it has implicit TLS";
  return fail(kind_of(code), "e-mail: SMTP send failed: " + reason, hint);
}

}  // namespace faultline::notify
