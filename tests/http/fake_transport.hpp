// A scripted Transport for decorator tests: answers with queued outcomes, records requests.
#pragma once

#include <deque>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "faultline/http/transport.hpp"

namespace faultline::test {

class ScriptedTransport final : public http::Transport {
public:
  // Queues the next outcome to return.
  void then(http::Outcome outcome) { m_script.push_back(std::move(outcome)); }
  // Queues an HTTP answer.
  void then_status(int status, http::Headers headers = {}, std::string body = {}) {
    http::Response response;
    response.status = status;
    response.headers = std::move(headers);
    response.body = std::move(body);
    then(std::move(response));
  }
  // Queues a transport failure.
  void then_error(http::TransportErrorKind kind, std::string message = "failed") {
    then(std::unexpected(http::TransportError{kind, std::move(message)}));
  }

  http::Outcome send(const http::Request& request) override {
    m_sent.push_back(request);
    if (m_script.empty()) throw std::logic_error("ScriptedTransport: no outcome left for " + request.url);
    http::Outcome outcome = std::move(m_script.front());
    m_script.pop_front();
    return outcome;
  }

  std::vector<http::Outcome> send_all(std::span<const http::Request> requests) override {
    ++m_batches;
    return Transport::send_all(requests);
  }

  const std::vector<http::Request>& sent() const { return m_sent; }
  std::size_t remaining() const { return m_script.size(); }
  int batches() const { return m_batches; }

private:
  std::deque<http::Outcome> m_script;
  std::vector<http::Request> m_sent;
  int m_batches = 0;
};

}  // namespace faultline::test
