// One e-mail over SMTP with libcurl: smtp:// with STARTTLS required (plain only to loopback
// when the options allow it), smtps:// with implicit TLS, timeouts and the CA bundle.
#include "faultline/http/smtp.hpp"
#include "faultline/util/strings.hpp"

#include "http/curl_handles.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace faultline::http {

namespace {

using curl::EasyHandle;
using StringList = curl::HeaderList;

// CURLOPT_MAIL_RCPT_ALLOWFAILS (7.69.0), spelled CURLOPT_MAIL_RCPT_ALLLOWFAILS before 8.2.0:
// named by its number so both spellings of the header build.
constexpr auto k_option_rcpt_allow_fails = static_cast<CURLoption>(CURLOPTTYPE_LONG + 290);

struct UploadSource {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  const std::size_t take = std::min(size * count, source->data.size() - source->offset);
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

// The host of "scheme://[user[:pass]@]host[:port][/...]", without brackets.
std::string host_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (rest.starts_with('[')) return std::string(rest.substr(1, rest.find(']') - 1));
  return std::string(rest.substr(0, rest.find(':')));
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

std::string without_secret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret)) text.replace(at, secret.size(), "***");
  return text;
}

}  // namespace

bool is_loopback_url(std::string_view url) {
  const std::string host = lower(host_of(url));
  const bool dotted_digits = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos &&
                             std::count(host.begin(), host.end(), '.') == 3;
  return host == "localhost" || host == "::1" || (dotted_digits && host.starts_with("127."));
}

Result<void> send_smtp(const SmtpMail& mail, const SmtpOptions& options) {
  const bool starttls = mail.url.starts_with("smtp://");
  if (!starttls && !mail.url.starts_with("smtps://"))
    return fail(ErrorKind::Config, "e-mail: the SMTP URL must start with smtp:// or smtps://",
                "smtps://host:465 for implicit TLS, smtp://host:587 for STARTTLS");
  const bool plain = starttls && options.plain == PlainSmtp::LoopbackOnly && is_loopback_url(mail.url);
  if (mail.recipients.empty()) return fail(ErrorKind::Config, "e-mail: no recipients");
  if (has_line_break(mail.mail_from) ||
      std::any_of(mail.recipients.begin(), mail.recipients.end(), [](const std::string& r) { return has_line_break(r); }))
    return fail(ErrorKind::Config, "e-mail: an address contains a line break");
  const std::string host = host_of(mail.url);

  EasyHandle handle(curl_easy_init());
  if (!handle) return fail(ErrorKind::Failed, "e-mail: cannot initialise libcurl");
  CURL* curl = handle.get();
  char error_buffer[CURL_ERROR_SIZE] = {};

  StringList recipients;
  for (const auto& recipient : mail.recipients) {
    curl_slist* appended = curl_slist_append(recipients.get(), ("<" + recipient + ">").c_str());
    if (!appended) return fail(ErrorKind::Failed, "e-mail: out of memory");
    if (!recipients) recipients.reset(appended);
  }
  const std::string mail_from = "<" + mail.mail_from + ">";
  UploadSource source{mail.message, 0};

  curl_easy_setopt(curl, CURLOPT_URL, mail.url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  // STARTTLS is mandatory on smtp://: with "try" the password could go out in clear text.
  if (starttls && !plain) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  if (!mail.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, mail.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, mail.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl, k_option_rcpt_allow_fails, 1L);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.message.size()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  if (options.total_timeout.count() > 0)
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));

  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) return {};
  const std::string reason = without_secret(error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code), mail.password);
  // A server that answered with a refusal: 5xx is permanent (Failed), 4xx passing.
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  ErrorKind kind = kind_of(code);
  if (code != CURLE_LOGIN_DENIED && response >= 500) kind = ErrorKind::Failed;
  if (code != CURLE_LOGIN_DENIED && response >= 400 && response < 500) kind = ErrorKind::Unavailable;
  std::string hint;
  if (code == CURLE_LOGIN_DENIED) hint = "check the channel's smtp_user and SMTP password";
  if (code == CURLE_USE_SSL_FAILED) hint = "the server does not offer STARTTLS; use smtps:// if it has implicit TLS";
  if (code == CURLE_OPERATION_TIMEDOUT) hint = "the SMTP server did not answer in time; check smtp_url and the network";
  if (kind == ErrorKind::Failed && response >= 500 && hint.empty())
    hint = "the SMTP server refused the mail; check the channel's from and to addresses";
  return fail(kind, without_secret(fmt::format("e-mail: SMTP send to {} failed: {}", host, reason), mail.password),
              hint);
}

}  // namespace faultline::http
