// HTTP over libcurl (the SMTP sender in smtp.cpp is the only other file that uses curl).
#include "faultline/http/curl_transport.hpp"

#include "http/curl_handles.hpp"

#include <algorithm>
#include <array>
#include <mutex>

#include "faultline/http/url.hpp"

namespace faultline::http {
namespace {

using std::chrono::milliseconds;

using curl::EasyHandle;
using curl::HeaderList;
using curl::MultiHandle;
using curl::ShareHandle;

// curl_global_init / curl_global_cleanup, reference-counted by libcurl itself.
class GlobalInit {
public:
  GlobalInit() : m_code(curl_global_init(CURL_GLOBAL_DEFAULT)) {}
  ~GlobalInit() {
    if (m_code == CURLE_OK) curl_global_cleanup();
  }
  GlobalInit(const GlobalInit&) = delete;
  GlobalInit& operator=(const GlobalInit&) = delete;

private:
  CURLcode m_code;
};

// The mutexes a share handle needs when easy handles on several threads use it.
struct ShareLocks {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes;
};

void lock_share(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<ShareLocks*>(user)->mutexes.at(static_cast<std::size_t>(data)).lock();
}

void unlock_share(CURL*, curl_lock_data data, void* user) {
  static_cast<ShareLocks*>(user)->mutexes.at(static_cast<std::size_t>(data)).unlock();
}

// ---- error mapping ----------------------------------------------------------------------

TransportErrorKind error_kind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportErrorKind::Resolve;
    case CURLE_COULDNT_CONNECT:
      return TransportErrorKind::Connect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportErrorKind::Timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return TransportErrorKind::Tls;
    case CURLE_SEND_ERROR:
      return TransportErrorKind::Send;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      return TransportErrorKind::Receive;
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      return TransportErrorKind::Aborted;
    default:
      return TransportErrorKind::Other;
  }
}

// "https://host:port" of a URL: the only part of it an error message names, since paths
// (Slack, Feishu) and queries (WeCom, DingTalk) may carry secrets.
std::string origin_of(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t host_end = url.find_first_of("/?#", host_start);
  std::string origin(url.substr(0, host_end));
  // Drop user:password@ if someone put credentials into the URL.
  const std::size_t at = origin.find('@', host_start);
  if (at != std::string::npos) {
    origin.erase(host_start, at + 1 - host_start);
  }
  return origin;
}

// ---- one transfer ------------------------------------------------------------------------

struct Transfer {
  const Request* request = nullptr;
  EasyHandle easy;
  HeaderList headers;
  Response response;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->response.body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("HTTP/")) {
    // A new response starts (after a 100 Continue, or a proxy's CONNECT answer).
    transfer->response.headers.clear();
  } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos && colon > 0 &&
                                                       line.front() != ' ' && line.front() != '\t') {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    transfer->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

class CurlTransport final : public Transport {
public:
  explicit CurlTransport(CurlOptions options);
  ~CurlTransport() override = default;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Outcome send(const Request& request) override;
  std::vector<Outcome> send_all(std::span<const Request> requests) override;

private:
  EasyHandle take_handle();
  void give_back(EasyHandle easy);
  // Sets every option for one request; an error (a bad option, out of memory) is returned.
  std::optional<TransportError> prepare(Transfer& transfer);
  Outcome finish(Transfer& transfer, CURLcode code);

  GlobalInit m_global;  // first in, last out
  CurlOptions m_options;
  std::string m_user_agent;
  std::unique_ptr<ShareLocks> m_locks;
  ShareHandle m_share;
  std::mutex m_pool_mutex;
  std::vector<EasyHandle> m_idle;  // destroyed before the share they use
};

CurlTransport::CurlTransport(CurlOptions options)
    : m_options(std::move(options)),
      m_user_agent(user_agent()),
      m_locks(std::make_unique<ShareLocks>()),
      m_share(curl_share_init()) {
  m_options.max_concurrency = std::max(m_options.max_concurrency, 1);
  if (m_share) {
    curl_share_setopt(m_share.get(), CURLSHOPT_LOCKFUNC, lock_share);
    curl_share_setopt(m_share.get(), CURLSHOPT_UNLOCKFUNC, unlock_share);
    curl_share_setopt(m_share.get(), CURLSHOPT_USERDATA, m_locks.get());
    curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
}

EasyHandle CurlTransport::take_handle() {
  {
    const std::lock_guard lock(m_pool_mutex);
    if (!m_idle.empty()) {
      EasyHandle easy = std::move(m_idle.back());
      m_idle.pop_back();
      return easy;
    }
  }
  return EasyHandle(curl_easy_init());
}

void CurlTransport::give_back(EasyHandle easy) {
  if (!easy) return;
  // Forget pointers into the finished transfer (error buffer, header list, callbacks' data).
  curl_easy_reset(easy.get());
  const std::lock_guard lock(m_pool_mutex);
  m_idle.push_back(std::move(easy));
}

std::optional<TransportError> CurlTransport::prepare(Transfer& transfer) {
  const Request& request = *transfer.request;
  if (!transfer.easy) {
    return TransportError{TransportErrorKind::Other, "could not create a curl handle"};
  }
  CURL* easy = transfer.easy.get();
  // Clears the options of the previous request; live connections and caches stay.
  curl_easy_reset(easy);

  const milliseconds total = request.timeout.count() > 0 ? request.timeout : m_options.total_timeout;
  CURLcode code = CURLE_OK;
  const auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_ACCEPT_ENCODING, "");
  set(CURLOPT_USERAGENT, m_user_agent.c_str());
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_ERRORBUFFER, transfer.error_buffer.data());
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, &transfer);
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, &transfer);
  set(CURLOPT_PRIVATE, &transfer);
  if (m_share) set(CURLOPT_SHARE, m_share.get());
  if (!m_options.ca_bundle.empty()) set(CURLOPT_CAINFO, m_options.ca_bundle.c_str());

  switch (request.method) {
    case Method::Get:
      set(CURLOPT_HTTPGET, 1L);
      break;
    case Method::Post:
    case Method::Put:
    case Method::Patch:
    case Method::Delete:
      if (request.method != Method::Post) set(CURLOPT_CUSTOMREQUEST, to_string(request.method));
      // A DELETE without a body sends none; every other write sends its body (maybe empty).
      if (request.method != Method::Delete || !request.body.empty()) {
        set(CURLOPT_POSTFIELDS, request.body.data());
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      }
      break;
  }

  curl_slist* list = nullptr;
  const auto append = [&](const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) {
      code = CURLE_OUT_OF_MEMORY;
      return;
    }
    list = grown;
    if (!transfer.headers) transfer.headers.reset(list);  // the head never changes after that
  };
  for (const auto& [name, value] : request.headers) {
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  append("Expect:");  // no 100-continue round trip before bodies
  set(CURLOPT_HTTPHEADER, list);

  if (code != CURLE_OK) {
    return TransportError{TransportErrorKind::Other, std::string("could not set up the request to ") +
                                                         origin_of(request.url) + ": " +
                                                         curl_easy_strerror(code)};
  }
  return std::nullopt;
}

Outcome CurlTransport::finish(Transfer& transfer, CURLcode code) {
  CURL* easy = transfer.easy.get();
  curl_off_t total_us = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
  const auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::microseconds{total_us});
  if (code != CURLE_OK) {
    const std::string detail =
        transfer.error_buffer[0] != '\0' ? std::string(transfer.error_buffer.data()) : curl_easy_strerror(code);
    // The detail names hosts and ports, never paths or queries.
    return std::unexpected(TransportError{
        error_kind(code), to_string(transfer.request->method) + std::string(" ") +
                              origin_of(transfer.request->url) + ": " + detail});
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  transfer.response.elapsed = elapsed;
  return std::move(transfer.response);
}

Outcome CurlTransport::send(const Request& request) {
  Transfer transfer;
  transfer.request = &request;
  transfer.easy = take_handle();
  if (auto error = prepare(transfer)) {
    give_back(std::move(transfer.easy));
    return std::unexpected(std::move(*error));
  }
  const CURLcode code = curl_easy_perform(transfer.easy.get());
  Outcome outcome = finish(transfer, code);
  give_back(std::move(transfer.easy));
  return outcome;
}

std::vector<Outcome> CurlTransport::send_all(std::span<const Request> requests) {
  std::vector<std::optional<Outcome>> results(requests.size());
  MultiHandle multi(curl_multi_init());
  if (!multi) {
    return Transport::send_all(requests);
  }
  std::vector<std::unique_ptr<Transfer>> transfers(requests.size());
  std::size_t next = 0;
  std::size_t active = 0;
  const auto limit = static_cast<std::size_t>(m_options.max_concurrency);
  const auto fail_remaining = [&](const std::string& message) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!results[i]) results[i] = std::unexpected(TransportError{TransportErrorKind::Other, message});
      if (transfers[i] && transfers[i]->easy) {
        curl_multi_remove_handle(multi.get(), transfers[i]->easy.get());
        give_back(std::move(transfers[i]->easy));
      }
    }
  };

  while (next < requests.size() || active > 0) {
    while (active < limit && next < requests.size()) {
      auto transfer = std::make_unique<Transfer>();
      transfer->request = &requests[next];
      transfer->easy = take_handle();
      if (auto error = prepare(*transfer)) {
        results[next] = std::unexpected(std::move(*error));
        give_back(std::move(transfer->easy));
      } else if (curl_multi_add_handle(multi.get(), transfer->easy.get()) != CURLM_OK) {
        results[next] = std::unexpected(TransportError{TransportErrorKind::Other, "could not start a transfer"});
        give_back(std::move(transfer->easy));
      } else {
        ++active;
      }
      transfers[next] = std::move(transfer);
      ++next;
    }
    int running = 0;
    if (const CURLMcode mcode = curl_multi_perform(multi.get(), &running); mcode != CURLM_OK) {
      fail_remaining(std::string("curl multi: ") + curl_multi_strerror(mcode));
      break;
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(multi.get(), message->easy_handle);
      const auto index = static_cast<std::size_t>(transfer->request - requests.data());
      results[index] = finish(*transfer, code);
      give_back(std::move(transfer->easy));
      --active;
    }
    if (active > 0) {
      if (const CURLMcode mcode = curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr); mcode != CURLM_OK) {
        fail_remaining(std::string("curl multi: ") + curl_multi_strerror(mcode));
        break;
      }
    }
  }
  std::vector<Outcome> outcomes;
  outcomes.reserve(results.size());
  for (auto& result : results) {
    outcomes.push_back(result ? std::move(*result)
                              : Outcome(std::unexpected(TransportError{TransportErrorKind::Other, "no answer"})));
  }
  return outcomes;
}

}  // namespace

std::unique_ptr<Transport> make_curl_transport(CurlOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

}  // namespace faultline::http
