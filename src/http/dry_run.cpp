#include "faultline/http/dry_run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace faultline::http {
namespace {

// True when the body holds bytes a terminal should not receive (an uploaded image): control
// characters other than tab and line ends.
bool is_binary(const std::string& body) {
  return std::any_of(body.begin(), body.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
  });
}

// The body as the person reading a dry run wants it: JSON pretty-printed, binary data (an
// attachment upload) as its size, anything else as is.
std::string printable_body(const std::string& body) {
  if (is_binary(body)) return "(" + std::to_string(body.size()) + " bytes with binary data, not shown)";
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (body[first] != '{' && body[first] != '[')) {
    return body;
  }
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return body;
  }
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

DryRunTransport::DryRunTransport(std::unique_ptr<Transport> inner, std::ostream& out, const Redactor& redactor)
    : m_inner(std::move(inner)), m_out(out), m_redactor(redactor) {}

Response DryRunTransport::print_write(const Request& request) {
  std::string text = std::string("[dry-run] would send ") + to_string(request.method) + " " + request.url + "\n";
  for (const auto& [name, value] : request.headers) {
    text += "  " + name + ": " + value + "\n";
  }
  if (!request.body.empty()) {
    std::string body = printable_body(request.body);
    std::size_t start = 0;
    while (start <= body.size()) {
      const std::size_t end = body.find('\n', start);
      const std::size_t stop = end == std::string::npos ? body.size() : end;
      text += "  " + body.substr(start, stop - start) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  const std::string masked = m_redactor.mask(text);
  {
    const std::lock_guard lock(m_mutex);
    m_out << masked << std::flush;
    ++m_writes;
  }
  Response response;
  response.status = request.method == Method::Post ? 201 : 200;
  response.body = "{}";
  response.headers = {{"Content-Type", "application/json"}, {std::string(k_dry_run_header), "1"}};
  return response;
}

std::size_t DryRunTransport::writes_printed() const {
  const std::lock_guard lock(m_mutex);
  return m_writes;
}

Outcome DryRunTransport::send(const Request& request) {
  if (!request.is_write()) {
    return m_inner->send(request);
  }
  return print_write(request);
}

std::vector<Outcome> DryRunTransport::send_all(std::span<const Request> requests) {
  std::vector<Request> reads;
  for (const Request& request : requests) {
    if (!request.is_write()) {
      reads.push_back(request);
    }
  }
  std::vector<Outcome> read_outcomes = reads.empty() ? std::vector<Outcome>{} : m_inner->send_all(reads);
  std::vector<Outcome> outcomes;
  outcomes.reserve(requests.size());
  std::size_t next_read = 0;
  for (const Request& request : requests) {
    if (request.is_write()) {
      outcomes.emplace_back(print_write(request));
    } else if (next_read < read_outcomes.size()) {
      outcomes.push_back(std::move(read_outcomes[next_read++]));
    } else {
      outcomes.emplace_back(std::unexpected(TransportError{TransportErrorKind::Other, "no answer"}));
    }
  }
  return outcomes;
}

}  // namespace faultline::http
