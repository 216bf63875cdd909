#include "faultline/http/timing.hpp"

namespace faultline::http {

namespace {

bool failed(const Outcome& outcome) { return !outcome || outcome->status == 429 || outcome->status >= 500; }

}  // namespace

Outcome TimingTransport::send(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  auto outcome = m_inner->send(request);
  m_timer(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start),
          failed(outcome));
  return outcome;
}

std::vector<Outcome> TimingTransport::send_all(std::span<const Request> requests) {
  const auto start = std::chrono::steady_clock::now();
  auto outcomes = m_inner->send_all(requests);
  if (outcomes.empty()) return outcomes;
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  for (const auto& outcome : outcomes) m_timer(took / static_cast<long>(outcomes.size()), failed(outcome));
  return outcomes;
}

}  // namespace faultline::http
