#include "faultline/http/counting.hpp"

#include <algorithm>

#include "faultline/util/waves.hpp"

namespace faultline::http {

RoundTripCountingTransport::RoundTripCountingTransport(Transport& inner, int concurrency)
    : m_inner(inner), m_concurrency(static_cast<std::size_t>(std::max(concurrency, 1))) {}

RoundTripCountingTransport::RoundTripCountingTransport(std::unique_ptr<Transport> inner, int concurrency)
    : m_owned(std::move(inner)), m_inner(*m_owned), m_concurrency(static_cast<std::size_t>(std::max(concurrency, 1))) {}

Outcome RoundTripCountingTransport::send(const Request& request) {
  util::count_round_trips(1);
  return m_inner.send(request);
}

std::vector<Outcome> RoundTripCountingTransport::send_all(std::span<const Request> requests) {
  if (!requests.empty()) util::count_round_trips((requests.size() + m_concurrency - 1) / m_concurrency);
  return m_inner.send_all(requests);
}

}  // namespace faultline::http
