#include "faultline/http/logging.hpp"

#include <string>

namespace faultline::http {
namespace {

using std::chrono::milliseconds;

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
}

// "↻ retry GET URL in 500 ms (attempt 1 failed: HTTP 503)\n", masked.
std::string retry_line(const RetryEvent& event, const Redactor& redactor) {
  return redactor.mask(std::string("↻ retry ") + to_string(event.request.method) + " " + event.request.url + " in " +
                       std::to_string(event.delay.count()) + " ms (attempt " + std::to_string(event.attempt) +
                       " failed: " + event.reason + ")\n");
}

}  // namespace

LoggingTransport::LoggingTransport(std::unique_ptr<Transport> inner, std::ostream& out,
                                   const Redactor& redactor, LogLevel level)
    : m_inner(std::move(inner)), m_out(out), m_redactor(redactor), m_level(level) {}

void LoggingTransport::log_request(const Request& request) {
  std::string text = std::string("→ ") + to_string(request.method) + " " + request.url + "\n";
  if (m_level == LogLevel::WithHeaders) {
    for (const auto& [name, value] : request.headers) {
      text += "  > " + name + ": " + value + "\n";
    }
  }
  const std::string masked = m_redactor.mask(text);
  const std::lock_guard lock(m_mutex);
  m_out << masked << std::flush;
}

void LoggingTransport::log_outcome(const Request& request, const Outcome& outcome, milliseconds elapsed) {
  const std::string target = std::string(to_string(request.method)) + " " + request.url;
  std::string text;
  if (outcome) {
    const milliseconds shown = outcome->elapsed.count() > 0 ? outcome->elapsed : elapsed;
    text = "← " + std::to_string(outcome->status) + " " + target + " (" + std::to_string(shown.count()) +
           " ms)\n";
    if (m_level == LogLevel::WithHeaders) {
      for (const auto& [name, value] : outcome->headers) {
        text += "  < " + name + ": " + value + "\n";
      }
    }
  } else {
    text = std::string("← failed (") + to_string(outcome.error().kind) + ") " + target + " (" +
           std::to_string(elapsed.count()) + " ms): " + outcome.error().message + "\n";
  }
  const std::string masked = m_redactor.mask(text);
  const std::lock_guard lock(m_mutex);
  m_out << masked << std::flush;
}

Outcome LoggingTransport::send(const Request& request) {
  log_request(request);
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome = m_inner->send(request);
  log_outcome(request, outcome, since(start));
  return outcome;
}

std::vector<Outcome> LoggingTransport::send_all(std::span<const Request> requests) {
  for (const Request& request : requests) {
    log_request(request);
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<Outcome> outcomes = m_inner->send_all(requests);
  const milliseconds elapsed = since(start);
  for (std::size_t i = 0; i < outcomes.size() && i < requests.size(); ++i) {
    log_outcome(requests[i], outcomes[i], elapsed);
  }
  return outcomes;
}

RetryObserver LoggingTransport::retry_observer() {
  return [this](const RetryEvent& event) {
    const std::string line = retry_line(event, m_redactor);
    const std::lock_guard lock(m_mutex);
    m_out << line << std::flush;
  };
}

RetryObserver retry_log_observer(std::ostream& out, const Redactor& redactor) {
  return [&out, &redactor](const RetryEvent& event) { out << retry_line(event, redactor) << std::flush; };
}

}  // namespace faultline::http
