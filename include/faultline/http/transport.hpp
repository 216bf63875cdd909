// The one seam between faultline and the network. Every byte to Jira, Confluence or a chat
// webhook goes through a Transport. The curl implementation is the only code that includes
// curl; tests use a fake transport with fixtures; decorators add retries and logging.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::http {

enum class Method { Get, Post, Put, Delete, Patch };

// "GET", "POST", ...
const char* to_string(Method method);

// Whether a request may be sent again after a failure whose outcome is unknown.
// GET, PUT and DELETE are idempotent by HTTP's definition; a POST is retried only when the
// caller marks it Safe because it carries its own dedupe key (a remote link's globalId...).
// ReadOnly marks a POST that only reads (Jira Cloud's JQL search): safe to send again, and not
// a write, so --dry-run sends it like a GET.
enum class RetrySafety { ByMethod, Safe, Unsafe, ReadOnly };

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::Get;
  std::string url;  // absolute, query included and already encoded
  Headers headers;
  std::string body;
  RetrySafety retry = RetrySafety::ByMethod;
  std::chrono::milliseconds timeout{0};  // total time for this request; 0 = transport default

  // True when the request changes something on the server (anything but GET).
  bool is_write() const { return method != Method::Get && retry != RetrySafety::ReadOnly; }
  // True when sending it twice is harmless (see RetrySafety).
  bool is_retry_safe() const;
};

struct Response {
  int status = 0;
  Headers headers;  // names as received; look up with header()
  std::string body;
  std::chrono::milliseconds elapsed{0};

  // First header with this name, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

// Why the transport could not get an HTTP answer at all (as opposed to an HTTP error status).
enum class TransportErrorKind { Resolve, Connect, Tls, Timeout, Send, Receive, Aborted, Other };

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::Other;
  std::string message;  // already masked
};

const char* to_string(TransportErrorKind kind);

using Outcome = std::expected<Response, TransportError>;

class Transport {
public:
  virtual ~Transport() = default;
  // Sends one request and waits for the answer. Never throws for network trouble: a failure
  // to talk is a TransportError, an HTTP error status is a Response.
  virtual Outcome send(const Request& request) = 0;
  // Sends independent requests concurrently where the implementation can; the answers come
  // back in the order of the requests. The default sends them one after another.
  virtual std::vector<Outcome> send_all(std::span<const Request> requests);
};

}  // namespace faultline::http
