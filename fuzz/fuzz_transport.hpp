// The fake server of the response fuzz targets: every request is answered with the same
// status and body (the fuzz input), so a body that holds both an issue and a changelog page
// reaches both parsers. It checks what a hostile answer must never cause: a request to a host
// or path outside the configured base URL (the token goes with every request), a header or
// URL with a line break, and paging without end.
#pragma once

#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "faultline/http/transport.hpp"

namespace faultline::fuzz {

// The status of the fake answers, chosen by the selector byte: mostly 200, else an error
// status whose body goes through the error parsers.
inline int status_for(unsigned choice) {
  constexpr int statuses[8] = {200, 200, 200, 200, 400, 401, 404, 503};
  return statuses[choice % 8];
}

// Stops the run with a message: libFuzzer records the input as a crash.
[[noreturn]] inline void violated(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz property violated: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

class EchoTransport final : public http::Transport {
public:
  // More requests than any paging loop may make for one answer repeated forever (the
  // clients stop after 1000 pages).
  static constexpr int k_request_limit = 1100;

  EchoTransport(std::string base_url, int status, std::string_view body)
      : m_base_url(std::move(base_url)), m_status(status), m_body(body) {}

  http::Outcome send(const http::Request& request) override {
    if (++m_requests > k_request_limit) violated("more requests than any paging loop allows", request.url);
    if (request.url.size() <= m_base_url.size() || request.url.compare(0, m_base_url.size(), m_base_url) != 0 ||
        (request.url[m_base_url.size()] != '/' && request.url[m_base_url.size()] != '?')) {
      violated("request outside the configured base URL", request.url);
    }
    if (request.url.find_first_of("\r\n \t") != std::string::npos) violated("URL with whitespace", request.url);
    for (const auto& [name, value] : request.headers) {
      if ((name + value).find_first_of("\r\n") != std::string::npos) violated("header with a line break", name);
    }
    http::Response response;
    response.status = m_status;
    if (m_status == 503) response.headers.emplace_back("Retry-After", "1");
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = std::string(m_body);
    return response;
  }

  int requests() const { return m_requests; }

private:
  std::string m_base_url;
  int m_status;
  std::string_view m_body;
  int m_requests = 0;
};

}  // namespace faultline::fuzz
