#include "faultline/http/transport.hpp"

#include <algorithm>

namespace faultline::http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

const char* to_string(Method method) {
  switch (method) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Delete: return "DELETE";
    case Method::Patch: return "PATCH";
  }
  return "GET";
}

bool Request::is_retry_safe() const {
  switch (retry) {
    case RetrySafety::Safe:
    case RetrySafety::ReadOnly: return true;
    case RetrySafety::Unsafe: return false;
    case RetrySafety::ByMethod: break;
  }
  return method == Method::Get || method == Method::Put || method == Method::Delete;
}

std::optional<std::string> Response::header(std::string_view name) const {
  const auto it = std::find_if(headers.begin(), headers.end(),
                               [&](const auto& header) { return equals_ignoring_case(header.first, name); });
  if (it == headers.end()) {
    return std::nullopt;
  }
  return it->second;
}

const char* to_string(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::Resolve: return "resolve";
    case TransportErrorKind::Connect: return "connect";
    case TransportErrorKind::Tls: return "tls";
    case TransportErrorKind::Timeout: return "timeout";
    case TransportErrorKind::Send: return "send";
    case TransportErrorKind::Receive: return "receive";
    case TransportErrorKind::Aborted: return "aborted";
    case TransportErrorKind::Other: return "other";
  }
  return "other";
}

std::vector<Outcome> Transport::send_all(std::span<const Request> requests) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(requests.size());
  for (const Request& request : requests) {
    outcomes.push_back(send(request));
  }
  return outcomes;
}

}  // namespace faultline::http
