// Jira error bodies -> faultline::Error.
#include "faultline/jira/errors.hpp"

#include <string>

#include "json_access.hpp"

namespace faultline::jira {
namespace {

constexpr std::size_t k_raw_limit = 300;

std::string html_title(std::string_view body) { return faultline::html_title(body, k_raw_limit); }

void add_message(std::vector<std::string>& messages, const nlohmann::json& value) {
  if (value.is_string() && !value.get<std::string>().empty()) messages.push_back(value.get<std::string>());
}

}  // namespace

std::vector<std::string> ApiErrorBody::details() const {
  std::vector<std::string> out = messages;
  for (const auto& [field, message] : field_errors) out.push_back(field + ": " + message);
  if (out.empty() && !raw.empty()) out.push_back(raw);
  return out;
}

ApiErrorBody parse_error_body(std::string_view body) {
  ApiErrorBody out;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    for (const auto& m : detail::array(json, "errorMessages")) add_message(out.messages, m);
    const auto& errors = detail::member(json, "errors");
    if (errors.is_object()) {
      for (const auto& [field, message] : errors.items()) {
        if (message.is_string()) out.field_errors[field] = message.get<std::string>();
      }
    } else if (errors.is_array()) {
      // Confluence v2 shape: [{"status":..,"code":..,"title":..,"detail":..}].
      for (const auto& e : errors) {
        add_message(out.messages, detail::member(e, "title"));
        add_message(out.messages, detail::member(e, "detail"));
      }
    }
    add_message(out.messages, detail::member(json, "message"));
    add_message(out.messages, detail::member(json, "errorMessage"));
    // A Jira ErrorCollection, even an empty one, says all there is to say.
    if (!out.messages.empty() || !out.field_errors.empty() || json.contains("errorMessages") ||
        json.contains("errors")) {
      return out;
    }
  }
  auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return out;
  if (body[first] == '<') {
    auto title = html_title(body);
    out.raw = title.empty() ? "an HTML page of " + std::to_string(body.size()) + " bytes"
                            : "an HTML page titled \"" + title + "\"";
    return out;
  }
  out.raw = one_line(body, k_raw_limit);
  return out;
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

Error api_error(std::string_view product, http::Method method, std::string_view path,
                const http::Response& response) {
  auto parsed = parse_error_body(response.body);
  Error error;
  error.kind = kind_for_status(response.status);
  error.http_status = response.status;
  error.details = parsed.details();
  std::string status = std::to_string(response.status);
  if (auto reason = status_reason(response.status); !reason.empty()) status += " " + std::string(reason);
  error.message = std::string(product) + " answered " + status + " to " + http::to_string(method) + " " +
                  std::string(path);
  if (error.details.empty()) {
    error.message += " (empty body)";
  } else {
    error.message += ": " + detail::join(error.details, "; ");
  }
  switch (response.status) {
    case 401:
      error.hint = "Check the user and token: Cloud takes an e-mail address with an API token (Basic), "
                   "Data Center a personal access token (Bearer) or a user name with a password.";
      break;
    case 403:
      error.hint = "The credentials were accepted but lack permission for this operation (or Basic "
                   "authentication is disabled on this server).";
      break;
    case 429:
      if (auto after = response.header("Retry-After")) {
        error.hint = "Rate limited; the server asked to retry after " + *after + " s.";
      } else {
        error.hint = "Rate limited; retry later.";
      }
      break;
    default: break;
  }
  return error;
}

Error element_error(int status, const nlohmann::json& error_collection, std::string_view what) {
  auto parsed = parse_error_body(error_collection.dump());
  Error error;
  error.kind = status ? kind_for_status(status) : ErrorKind::Failed;
  error.http_status = status;
  error.details = parsed.details();
  error.message = std::string(what) + " failed";
  if (status) error.message += " (" + std::to_string(status) + ")";
  if (!error.details.empty()) error.message += ": " + detail::join(error.details, "; ");
  return error;
}

}  // namespace faultline::jira
