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

// The URL's path, without scheme, host and query.
std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  const auto end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The last path segment ("123" of .../pages/123).
std::string last_segment(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

nlohmann::json DryRunTransport::placeholder(const Request& request) {
  using nlohmann::json;
  const std::string path = path_of(request.url);
  const json body = request.body.empty() ? json() : json::parse(request.body, nullptr, false);
  const bool object = body.is_object();
  const std::lock_guard lock(m_mutex);
  auto issue = [&](const json& input) {
    const bool subtask = input.is_object() && input.contains("fields") && input["fields"].is_object() &&
                         input["fields"].contains("parent");
    const std::string name = subtask ? "<new sub-task " + std::to_string(++m_new_subtasks) + ">"
                                     : "<new issue " + std::to_string(++m_new_issues) + ">";
    return json{{"id", name}, {"key", name}, {"self", name}};
  };
  if (request.method == Method::Post && (path.ends_with("/rest/api/2/issue") || path.ends_with("/rest/api/3/issue")))
    return issue(body);
  if (request.method == Method::Post && path.ends_with("/issue/bulk")) {
    json issues = json::array();
    if (object && body.contains("issueUpdates") && body["issueUpdates"].is_array())
      for (const auto& input : body["issueUpdates"]) issues.push_back(issue(input));
    return json{{"issues", issues}, {"errors", json::array()}};
  }
  if (request.method == Method::Post && path.ends_with("/comment"))
    return json{{"id", "<new comment " + std::to_string(++m_new_comments) + ">"}};
  const bool v2_pages = path.ends_with("/api/v2/pages");
  const bool v1_content = path.ends_with("/rest/api/content");
  const std::string title = object ? body.value("title", "") : "";
  if (request.method == Method::Post && (v2_pages || v1_content)) {
    const std::string id = "<new page " + std::to_string(++m_new_pages) + ">";
    json page{{"id", id}, {"title", title}, {"status", "current"}, {"version", {{"number", 1}}}};
    if (v2_pages) {
      page["spaceId"] = object ? body.value("spaceId", "") : "";
      page["_links"] = {{"webui", "/pages/" + id}};
    } else {
      page["type"] = "page";
      if (object && body.contains("space")) page["space"] = body["space"];
      page["_links"] = {{"webui", "/pages/viewpage.action?pageId=" + id}};
    }
    return page;
  }
  const bool page_update = path.find("/api/v2/pages/") != std::string::npos || path.find("/rest/api/content/") != std::string::npos;
  if (request.method == Method::Put && page_update && object && body.contains("version")) {
    return json{{"id", last_segment(path)}, {"title", title}, {"status", "current"}, {"version", body["version"]}};
  }
  return json::object();
}

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
  response.body = placeholder(request).dump();
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
