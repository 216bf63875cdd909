// A Transport decorator that counts round trips for util::DepthProbe: one per request sent
// alone, ceil(n / concurrency) per batch of n sent together. It sits next to the real
// transport (below retries, which are extra round trips on the wire too).
#pragma once

#include <memory>

#include "faultline/http/transport.hpp"

namespace faultline::http {

class RoundTripCountingTransport final : public Transport {
public:
  // `concurrency`: how many requests of a batch the inner transport has in flight at once.
  RoundTripCountingTransport(Transport& inner, int concurrency);
  explicit RoundTripCountingTransport(std::unique_ptr<Transport> inner, int concurrency);

  Outcome send(const Request& request) override;
  std::vector<Outcome> send_all(std::span<const Request> requests) override;

private:
  std::unique_ptr<Transport> m_owned;
  Transport& m_inner;
  std::size_t m_concurrency;
};

}  // namespace faultline::http
