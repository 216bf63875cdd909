// Retries, in one decorator with a pure, tested policy.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "faultline/http/transport.hpp"

namespace faultline::http {

using SystemTimePoint = std::chrono::system_clock::time_point;
using Rng = std::mt19937_64;

// What may be done with a write that is not retry-safe (a plain POST) when it provably did not
// reach the server: the name could not be resolved, the connection was refused, or the server
// answered 429 (rate limited before processing). Other failures of such a write are never
// retried, since the server may have acted on it.
enum class UndeliveredWrites { Retry, DontRetry };

struct RetryPolicy {
  int max_attempts = 5;                              // total attempts, the first included
  std::chrono::milliseconds base_delay{500};         // first backoff cap; doubles per attempt
  std::chrono::milliseconds max_delay{30000};        // cap of the exponential backoff
  std::chrono::milliseconds max_retry_after{120000};  // longer Retry-After values: give up
  UndeliveredWrites undelivered_writes = UndeliveredWrites::Retry;
};

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date (IMF-fixdate,
// "Sun, 06 Nov 1994 08:49:37 GMT"), relative to `now`. A date in the past gives 0.
// nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           SystemTimePoint now);

// Whether the outcome of attempt number `attempt` (1 = the first) should be retried, and after
// how long. 429 and 503 honour Retry-After (plus up to base_delay of jitter; a value above
// max_retry_after gives up); 429, 502, 503, 504 without it and the transport failures Resolve,
// Connect, Timeout, Send and Receive back off exponentially with full jitter, capped at
// max_delay. Writes that are not retry-safe are retried only as UndeliveredWrites allows.
// nullopt means: do not retry (success, a non-retryable answer, or attempts used up).
std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy, int attempt,
                                                     const Request& request,
                                                     const Outcome& outcome,
                                                     SystemTimePoint now, Rng& rng);

// A short reason for a retryable outcome, for logs: "HTTP 429", "timeout: ...".
std::string retry_reason(const Outcome& outcome);

// One retry about to happen, reported to RetryingTransport's observer.
struct RetryEvent {
  const Request& request;
  int attempt;  // the attempt that failed (1 = the first)
  std::chrono::milliseconds delay;
  std::string reason;  // retry_reason() of the failed outcome
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
using SystemClock = std::function<SystemTimePoint()>;
using RetryObserver = std::function<void(const RetryEvent&)>;

// Decorator that resends requests as retry_delay() says, sleeping through `sleeper` (tests
// record instead of sleeping). After the last attempt it returns the last outcome as is,
// so a caller sees the final 429/503 or TransportError.
class RetryingTransport final : public Transport {
public:
  // `clock` gives "now" for HTTP-date Retry-After values; `seed` seeds the jitter.
  RetryingTransport(std::unique_ptr<Transport> inner, RetryPolicy policy, Sleeper sleeper,
                    SystemClock clock, std::uint64_t seed, RetryObserver observer = {});

  Outcome send(const Request& request) override;
  // Sends all through the inner send_all, then resends the retryable ones together in rounds,
  // sleeping the longest delay of each round once.
  std::vector<Outcome> send_all(std::span<const Request> requests) override;

private:
  std::optional<std::chrono::milliseconds> next_delay(int attempt, const Request& request,
                                                      const Outcome& outcome);

  std::unique_ptr<Transport> m_inner;
  RetryPolicy m_policy;
  Sleeper m_sleeper;
  SystemClock m_clock;
  Rng m_rng;
  std::mutex m_rng_mutex;  // send() may run on several threads
  RetryObserver m_observer;
};

// Sleeps the calling thread (the Sleeper of the real application).
void sleep_for(std::chrono::milliseconds delay);

}  // namespace faultline::http
