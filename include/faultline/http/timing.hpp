// A Transport decorator that reports how long each request took and whether it failed (429,
// 5xx or no answer), for `faultline serve`'s metrics. Requests sent together are each given
// the batch's time divided among them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "faultline/http/transport.hpp"

namespace faultline::http {

using RequestTimer = std::function<void(std::chrono::microseconds took, bool failed)>;

class TimingTransport final : public Transport {
public:
  TimingTransport(std::unique_ptr<Transport> inner, RequestTimer timer)
      : m_inner(std::move(inner)), m_timer(std::move(timer)) {}

  Outcome send(const Request& request) override;
  std::vector<Outcome> send_all(std::span<const Request> requests) override;

private:
  std::unique_ptr<Transport> m_inner;
  RequestTimer m_timer;
};

}  // namespace faultline::http
