// The --verbose request log: a decorator that writes one line per request and one per answer.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>

#include "faultline/http/retry.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::http {

enum class LogLevel {
  Requests,  // "→ GET URL" and "← 200 GET URL (12 ms)"
  WithHeaders,  // the same plus request ("  > Name: value") and response ("  < Name: value") headers
};

// Logs each request before it is sent and its outcome after, every line masked by the
// Redactor (which must outlive this transport; secrets added to it later are honoured).
// Lines are whole even when send() is called from several threads.
class LoggingTransport final : public Transport {
public:
  LoggingTransport(std::unique_ptr<Transport> inner, std::ostream& out, const Redactor& redactor,
                   LogLevel level = LogLevel::Requests);

  // Logs the request, sends it through the inner transport, logs and returns its outcome.
  Outcome send(const Request& request) override;
  // Logs all requests, sends them through the inner send_all, logs the outcomes in order.
  std::vector<Outcome> send_all(std::span<const Request> requests) override;
  // A RetryingTransport observer writing retry_log_observer's line under this log's lock, so
  // that retry lines and request lines from several threads never interleave on the stream.
  // It must not outlive this transport.
  RetryObserver retry_observer();

private:
  void log_request(const Request& request);
  void log_outcome(const Request& request, const Outcome& outcome,
                   std::chrono::milliseconds elapsed);

  std::unique_ptr<Transport> m_inner;
  std::ostream& m_out;
  const Redactor& m_redactor;
  LogLevel m_level;
  std::mutex m_mutex;
};

// A RetryingTransport observer for --verbose: writes
// "↻ retry GET URL in 500 ms (attempt 1 failed: HTTP 503)" masked by the Redactor, which must
// outlive the observer.
RetryObserver retry_log_observer(std::ostream& out, const Redactor& redactor);

}  // namespace faultline::http
