// A Transport for client and command tests: register the calls a test expects (method + path,
// optionally query parameters and a body matcher) with canned answers from fixture files;
// every call is recorded; an unexpected call fails the test loudly; verify() fails for a
// registered call that was never made.
//
//   FakeTransport fake;
//   fake.on(http::Method::Get, "/rest/api/3/myself").reply(200, fixture("jira/cloud/myself.json"));
//   ... run the code ...
//   fake.verify();
#pragma once

#include <cctype>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"
#include "faultline/http/url.hpp"

namespace faultline::test {

// The text of tests/fixtures/<relative_path>; fails the test when it cannot be read.
inline std::string fixture(const std::string& relative_path) {
  const std::string path = std::string(FAULTLINE_TEST_FIXTURES) + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FAIL("fixture not found: " << path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The path of an absolute URL, without scheme, host and query ("/rest/api/3/myself").
inline std::string path_of(const std::string& url) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  auto end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The decoded query parameters of a URL, in order (a name may repeat).
inline std::vector<std::pair<std::string, std::string>> query_of(const std::string& url) {
  std::vector<std::pair<std::string, std::string>> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string query = url.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string::npos) query.resize(hash);
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string name = part.substr(0, eq);
      std::string value = eq == std::string::npos ? std::string() : part.substr(eq + 1);
      out.emplace_back(http::url_decode(name, http::PlusAsSpace::Yes), http::url_decode(value, http::PlusAsSpace::Yes));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

// The first value of query parameter `name` in `url`, or nullopt.
inline std::optional<std::string> query_param(const std::string& url, const std::string& name) {
  for (auto& [n, v] : query_of(url)) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// The first request header called `name` (case-insensitive), or nullopt.
inline std::optional<std::string> header_of(const http::Request& request, std::string_view name) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (const auto& [n, v] : request.headers) {
    if (lower(n) == lower(name)) return v;
  }
  return std::nullopt;
}

// One expected call and its canned answer.
class Stub {
public:
  Stub(http::Method method, std::string path) : m_method(method), m_path(std::move(path)) {}

  // Requires query parameter `name` to have exactly `value` (decoded).
  Stub& query(std::string name, std::string value) {
    m_query.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // Requires query parameter `name` to be absent.
  Stub& no_query(std::string name) {
    m_absent.push_back(std::move(name));
    return *this;
  }
  // Requires the request to satisfy `predicate` (for bodies and headers).
  Stub& when(std::function<bool(const http::Request&)> predicate) {
    m_predicates.push_back(std::move(predicate));
    return *this;
  }
  // Requires the JSON body to satisfy `predicate`.
  Stub& json_body(std::function<bool(const nlohmann::json&)> predicate) {
    return when([p = std::move(predicate)](const http::Request& r) {
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      return !j.is_discarded() && p(j);
    });
  }
  // The answer; `times` = how many calls it answers (and verify() expects).
  Stub& reply(int status, std::string body = {}, http::Headers headers = {}) {
    m_status = status;
    m_body = std::move(body);
    m_headers = std::move(headers);
    return *this;
  }
  Stub& times(int n) {
    m_times = n;
    return *this;
  }
  // Answers with a transport failure instead of a response.
  Stub& fail_transport(http::TransportErrorKind kind, std::string message) {
    m_transport_error = http::TransportError{kind, std::move(message)};
    return *this;
  }

  bool matches(const http::Request& request) const {
    if (m_used >= m_times) return false;
    if (request.method != m_method || path_of(request.url) != m_path) return false;
    auto params = query_of(request.url);
    for (const auto& [name, value] : m_query) {
      bool found = false;
      for (const auto& [n, v] : params) found = found || (n == name && v == value);
      if (!found) return false;
    }
    for (const auto& name : m_absent) {
      for (const auto& [n, v] : params) {
        if (n == name) return false;
      }
    }
    for (const auto& p : m_predicates) {
      if (!p(request)) return false;
    }
    return true;
  }

  http::Outcome answer() {
    ++m_used;
    if (m_transport_error) return std::unexpected(*m_transport_error);
    http::Response response;
    response.status = m_status;
    response.body = m_body;
    response.headers = m_headers;
    return response;
  }

  std::string describe() const {
    std::string out = std::string(http::to_string(m_method)) + " " + m_path;
    for (const auto& [n, v] : m_query) out += (out.find('?') == std::string::npos ? "?" : "&") + n + "=" + v;
    if (!m_predicates.empty()) out += " (+ body/header matcher)";
    return out;
  }
  int used() const { return m_used; }
  int expected_times() const { return m_times; }

private:
  http::Method m_method;
  std::string m_path;
  std::vector<std::pair<std::string, std::string>> m_query;
  std::vector<std::string> m_absent;
  std::vector<std::function<bool(const http::Request&)>> m_predicates;
  int m_status = 200;
  std::string m_body;
  http::Headers m_headers;
  std::optional<http::TransportError> m_transport_error;
  int m_times = 1;
  int m_used = 0;
};

class FakeTransport final : public http::Transport {
public:
  // Registers an expected call. Stubs are tried in registration order.
  Stub& on(http::Method method, std::string path) {
    m_stubs.emplace_back(method, std::move(path));
    return m_stubs.back();
  }

  // Safe from several threads (a use-case may ask Jira and Confluence at once): calls are
  // answered one at a time, in the order they arrive.
  http::Outcome send(const http::Request& request) override {
    const std::lock_guard lock(m_mutex);
    m_calls.push_back(request);
    for (auto& stub : m_stubs) {
      if (stub.matches(request)) return stub.answer();
    }
    std::string registered;
    for (const auto& stub : m_stubs) registered += "\n  " + stub.describe() + " (used " + std::to_string(stub.used()) + ")";
    m_unexpected.push_back(std::string(http::to_string(request.method)) + " " + request.url);
    FAIL_CHECK("unexpected " << http::to_string(request.method) << " " << request.url << "\nbody: " << request.body
                             << "\nregistered:" << registered);
    http::Response response;
    response.status = 599;
    response.body = R"({"errorMessages":["FakeTransport: unexpected call"]})";
    return response;
  }

  std::vector<http::Outcome> send_all(std::span<const http::Request> requests) override {
    {
      const std::lock_guard lock(m_mutex);
      m_batches.push_back(requests.size());
    }
    std::vector<http::Outcome> out;
    for (const auto& r : requests) out.push_back(send(r));
    return out;
  }

  // Fails the test for every registered call made fewer times than expected.
  void verify() const {
    for (const auto& stub : m_stubs) {
      if (stub.used() < stub.expected_times()) {
        FAIL_CHECK("expected call never made: " << stub.describe() << " (made " << stub.used() << " of "
                                                << stub.expected_times() << ")");
      }
    }
    CHECK(m_unexpected.empty());
  }

  const std::vector<http::Request>& calls() const { return m_calls; }
  // Sizes of the send_all batches, in order.
  const std::vector<std::size_t>& batches() const { return m_batches; }
  // The JSON body of call `index`.
  nlohmann::json body_json(std::size_t index) const { return nlohmann::json::parse(m_calls.at(index).body); }

private:
  std::deque<Stub> m_stubs;
  std::vector<http::Request> m_calls;
  std::vector<std::size_t> m_batches;
  std::vector<std::string> m_unexpected;
  std::mutex m_mutex;
};

}  // namespace faultline::test
