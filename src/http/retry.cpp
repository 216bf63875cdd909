#include "faultline/http/retry.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <thread>

namespace faultline::http {
namespace {

using std::chrono::milliseconds;

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7).
std::optional<SystemTimePoint> parse_imf_fixdate(std::string_view text) {
  constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Www, DD Mon YYYY HH:MM:SS GMT" is exactly 29 characters.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text[25] != ' ' ||
      text.substr(26) != "GMT") {
    return std::nullopt;
  }
  const auto day = parse_int(text.substr(5, 2));
  const auto month_it = std::find(k_months.begin(), k_months.end(), text.substr(8, 3));
  const auto year = parse_int(text.substr(12, 4));
  const auto hour = parse_int(text.substr(17, 2));
  const auto minute = parse_int(text.substr(20, 2));
  const auto second = parse_int(text.substr(23, 2));
  if (!day || month_it == k_months.end() || !year || !hour || !minute || !second || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const auto month = static_cast<unsigned>(month_it - k_months.begin() + 1);
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{*second};
}

milliseconds uniform(milliseconds low, milliseconds high, Rng& rng) {
  std::uniform_int_distribution<milliseconds::rep> distribution(low.count(), high.count());
  return milliseconds{distribution(rng)};
}

// Full jitter: uniform in [0, min(max_delay, base_delay * 2^(attempt-1))].
milliseconds backoff(const RetryPolicy& policy, int attempt, Rng& rng) {
  milliseconds cap = std::max(policy.base_delay, milliseconds{0});
  for (int i = 1; i < attempt && cap < policy.max_delay; ++i) {
    cap *= 2;
  }
  cap = std::min(cap, policy.max_delay);
  return uniform(milliseconds{0}, std::max(cap, milliseconds{0}), rng);
}

// Whether the request may go again, given whether it provably never reached the server.
bool may_resend(const RetryPolicy& policy, const Request& request, bool undelivered) {
  return request.is_retry_safe() ||
         (undelivered && policy.undelivered_writes == UndeliveredWrites::Retry);
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, SystemTimePoint now) {
  value = trim(value);
  if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Values beyond a day are as good as "never"; clamp before converting.
    if (value.size() > 6) {
      return milliseconds{std::chrono::hours{24 * 365}};
    }
    return milliseconds{std::chrono::seconds{*parse_int(value)}};
  }
  const auto date = parse_imf_fixdate(value);
  if (!date) {
    return std::nullopt;
  }
  if (*date <= now) {
    return milliseconds{0};
  }
  return std::chrono::ceil<milliseconds>(*date - now);
}

std::optional<milliseconds> retry_delay(const RetryPolicy& policy, int attempt, const Request& request,
                                        const Outcome& outcome, SystemTimePoint now, Rng& rng) {
  if (attempt >= policy.max_attempts) {
    return std::nullopt;
  }
  if (outcome) {
    const int status = outcome->status;
    if (status != 429 && status != 502 && status != 503 && status != 504) {
      return std::nullopt;
    }
    if (!may_resend(policy, request, status == 429)) {
      return std::nullopt;
    }
    if (status == 429 || status == 503) {
      if (const auto header = outcome->header("Retry-After")) {
        if (const auto wait = parse_retry_after(*header, now)) {
          if (*wait > policy.max_retry_after) {
            return std::nullopt;
          }
          return *wait + uniform(milliseconds{0}, std::max(policy.base_delay, milliseconds{0}), rng);
        }
      }
    }
    return backoff(policy, attempt, rng);
  }
  switch (outcome.error().kind) {
    case TransportErrorKind::Resolve:
    case TransportErrorKind::Connect:
      if (!may_resend(policy, request, true)) return std::nullopt;
      return backoff(policy, attempt, rng);
    case TransportErrorKind::Timeout:
    case TransportErrorKind::Send:
    case TransportErrorKind::Receive:
      if (!may_resend(policy, request, false)) return std::nullopt;
      return backoff(policy, attempt, rng);
    case TransportErrorKind::Tls:
    case TransportErrorKind::Aborted:
    case TransportErrorKind::Other:
      break;
  }
  return std::nullopt;
}

std::string retry_reason(const Outcome& outcome) {
  if (outcome) {
    std::string reason = "HTTP " + std::to_string(outcome->status);
    if (const auto after = outcome->header("Retry-After")) {
      reason += " (Retry-After: " + std::string(trim(*after)) + ")";
    }
    return reason;
  }
  return std::string(to_string(outcome.error().kind)) + ": " + outcome.error().message;
}

RetryingTransport::RetryingTransport(std::unique_ptr<Transport> inner, RetryPolicy policy, Sleeper sleeper,
                                     SystemClock clock, std::uint64_t seed, RetryObserver observer)
    : m_inner(std::move(inner)),
      m_policy(policy),
      m_sleeper(std::move(sleeper)),
      m_clock(std::move(clock)),
      m_rng(seed),
      m_observer(std::move(observer)) {}

std::optional<milliseconds> RetryingTransport::next_delay(int attempt, const Request& request,
                                                          const Outcome& outcome) {
  const SystemTimePoint now = m_clock ? m_clock() : std::chrono::system_clock::now();
  std::optional<milliseconds> delay;
  {
    const std::lock_guard lock(m_rng_mutex);
    delay = retry_delay(m_policy, attempt, request, outcome, now, m_rng);
  }
  if (delay && m_observer) {
    m_observer(RetryEvent{request, attempt, *delay, retry_reason(outcome)});
  }
  return delay;
}

Outcome RetryingTransport::send(const Request& request) {
  for (int attempt = 1;; ++attempt) {
    Outcome outcome = m_inner->send(request);
    const auto delay = next_delay(attempt, request, outcome);
    if (!delay) {
      return outcome;
    }
    if (m_sleeper) {
      m_sleeper(*delay);
    }
  }
}

std::vector<Outcome> RetryingTransport::send_all(std::span<const Request> requests) {
  std::vector<Outcome> outcomes = m_inner->send_all(requests);
  std::vector<std::size_t> pending(requests.size());
  for (std::size_t i = 0; i < pending.size(); ++i) {
    pending[i] = i;
  }
  for (int attempt = 1; !pending.empty(); ++attempt) {
    std::vector<std::size_t> again;
    milliseconds longest{0};
    for (std::size_t index : pending) {
      if (const auto delay = next_delay(attempt, requests[index], outcomes[index])) {
        again.push_back(index);
        longest = std::max(longest, *delay);
      }
    }
    if (again.empty()) {
      break;
    }
    if (m_sleeper) {
      m_sleeper(longest);
    }
    std::vector<Request> batch;
    batch.reserve(again.size());
    for (std::size_t index : again) {
      batch.push_back(requests[index]);
    }
    std::vector<Outcome> results = m_inner->send_all(batch);
    for (std::size_t k = 0; k < again.size() && k < results.size(); ++k) {
      outcomes[again[k]] = std::move(results[k]);
    }
    pending = std::move(again);
  }
  return outcomes;
}

void sleep_for(milliseconds delay) { std::this_thread::sleep_for(delay); }

}  // namespace faultline::http
