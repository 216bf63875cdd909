// The JSON request plumbing and error wording the Jira and Confluence clients share.
#include "faultline/http/rest.hpp"

#include <nlohmann/json.hpp>

#include "faultline/util/strings.hpp"

namespace faultline::http {

std::string authorization_for(const RestConnection& connection, bool data_center) {
  AuthScheme scheme = connection.auth;
  if (scheme == AuthScheme::Auto) scheme = data_center && connection.user.empty() ? AuthScheme::Bearer : AuthScheme::Basic;
  if (scheme == AuthScheme::Bearer) return bearer_authorization(connection.token);
  return basic_authorization(connection.user, connection.token);
}

ErrorKind kind_for_status(int status) {
  if (status == 401 || status == 403) return ErrorKind::Auth;
  if (status == 404) return ErrorKind::NotFound;
  if (status == 409) return ErrorKind::Conflict;
  if (status == 429 || status >= 500) return ErrorKind::Unavailable;
  return ErrorKind::Failed;
}

std::string_view status_reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string describe_body(std::string_view body, std::size_t limit) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  if (body[first] == '<') {
    const auto title = html_title(body, limit);
    return title.empty() ? "an HTML page of " + std::to_string(body.size()) + " bytes"
                         : "an HTML page titled \"" + title + "\"";
  }
  return one_line(body, limit);
}

std::vector<std::string> shorten_details(std::vector<std::string> details) {
  const std::size_t total = details.size();
  if (total > k_max_error_details) details.resize(k_max_error_details);
  for (auto& detail : details) detail = shorten_for_message(detail, k_max_error_detail_chars);
  if (total > k_max_error_details) details.push_back("... and " + std::to_string(total - k_max_error_details) + " more");
  return details;
}

Error api_error(const RestProduct& product, Method method, std::string_view path, const Response& response,
                std::vector<std::string> details) {
  Error error;
  error.kind = kind_for_status(response.status);
  error.http_status = response.status;
  error.details = shorten_details(std::move(details));
  std::string status = std::to_string(response.status);
  if (const auto reason = status_reason(response.status); !reason.empty()) status += " " + std::string(reason);
  error.message = std::string(product.name) + " answered " + status + " to " + to_string(method) + " " +
                  shorten_for_message(path, k_max_error_detail_chars);
  error.message += error.details.empty() ? std::string(" (empty body)") : ": " + join(error.details, "; ");
  switch (response.status) {
    case 401:
      error.hint = "Check the user and token: Cloud takes an e-mail address with an API token (Basic), "
                   "Data Center a personal access token (Bearer) or a user name with a password.";
      break;
    case 403: error.hint = std::string(product.forbidden_hint); break;
    case 429:
      if (const auto after = response.header("Retry-After")) {
        error.hint = "Rate limited; the server asked to retry after " + *after + " s.";
      } else {
        error.hint = "Rate limited; retry later.";
      }
      break;
    default: break;
  }
  return error;
}

RestEndpoint::RestEndpoint(RestConnection connection, bool data_center, RestProduct product, ErrorDetails details)
    : m_connection(std::move(connection)), m_product(product), m_details(details) {
  m_connection.base_url = trim_base_url(m_connection.base_url);
  m_authorization = authorization_for(m_connection, data_center);
  m_redactor.add_secret(m_connection.token);
}

Request RestEndpoint::request(Method method, std::string_view path, const QueryParams& query,
                              const nlohmann::json* body, RetrySafety retry) const {
  return request_url(method, build_url(m_connection.base_url, path, query), body, retry);
}

Request RestEndpoint::request_url(Method method, std::string url, const nlohmann::json* body, RetrySafety retry) const {
  Request request;
  request.method = method;
  request.url = std::move(url);
  request.retry = retry;
  request.headers.emplace_back("Authorization", m_authorization);
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", user_agent());
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    // Text that is not UTF-8 goes out replaced (U+FFFD), never as an exception mid-command.
    request.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return request;
}

Request RestEndpoint::request_raw(Method method, std::string url, RawBody body, RetrySafety retry) const {
  Request request = request_url(method, std::move(url), nullptr, retry);
  request.headers.emplace_back("Content-Type", std::move(body.content_type));
  request.body = std::move(body.data);
  return request;
}

Result<JsonReply> RestEndpoint::reply(Method method, std::string_view path, const Outcome& outcome) const {
  if (!outcome) {
    Error error{ErrorKind::Unavailable,
                "Could not reach " + std::string(m_product.name) + " for " + to_string(method) + " " + std::string(path) +
                    " at " + m_connection.base_url + ": " + outcome.error().message,
                std::string(m_product.unreachable_hint), 0, {}};
    return std::unexpected(masked(std::move(error)));
  }
  const auto& response = *outcome;
  if (!response.ok()) {
    return std::unexpected(masked(api_error(m_product, method, path, response, m_details(response.body))));
  }
  JsonReply reply;
  reply.status = response.status;
  if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) return reply;
  reply.body = nlohmann::json::parse(response.body, nullptr, false);
  if (reply.body.is_discarded()) {
    Error error{ErrorKind::Failed,
                std::string(m_product.name) + " answered " + std::to_string(response.status) + " to " +
                    to_string(method) + " " + std::string(path) + " with a body that is not JSON: " +
                    describe_body(response.body),
                std::string(m_product.not_json_hint), response.status, {}};
    return std::unexpected(masked(std::move(error)));
  }
  return reply;
}

}  // namespace faultline::http
