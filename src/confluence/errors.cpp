// Confluence error bodies -> faultline::Error.
#include "errors.hpp"

#include <nlohmann/json.hpp>

#include "faultline/util/strings.hpp"

namespace faultline::confluence::detail {
namespace {

constexpr std::size_t k_raw_limit = 300;

void add(std::vector<std::string>& out, const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
    out.push_back(j[key].get<std::string>());
  }
}

std::string_view reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

std::vector<std::string> error_messages(std::string_view body) {
  std::vector<std::string> out;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    if (json.contains("errors") && json["errors"].is_array()) {
      for (const auto& e : json["errors"]) {
        add(out, e, "title");
        add(out, e, "detail");
        add(out, e, "message");
      }
    }
    if (json.contains("errorMessages") && json["errorMessages"].is_array()) {
      for (const auto& m : json["errorMessages"]) {
        if (m.is_string()) out.push_back(m.get<std::string>());
      }
    }
    add(out, json, "message");
    if (out.empty()) add(out, json, "reason");
    if (json.contains("data") && json["data"].is_object() && json["data"].contains("errors") &&
        json["data"]["errors"].is_array()) {
      for (const auto& e : json["data"]["errors"]) {
        if (e.is_object() && e.contains("message") && e["message"].is_object()) add(out, e["message"], "translation");
      }
    }
    if (!out.empty()) return out;
  }
  auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return out;
  if (body[first] == '<') {
    if (auto title = html_title(body, k_raw_limit); !title.empty()) {
      out.push_back("an HTML page titled \"" + title + "\"");
    } else {
      out.push_back("an HTML page of " + std::to_string(body.size()) + " bytes");
    }
    return out;
  }
  out.push_back(one_line(body, k_raw_limit));
  return out;
}

ErrorKind kind_for_status(int status) {
  if (status == 401 || status == 403) return ErrorKind::Auth;
  if (status == 404) return ErrorKind::NotFound;
  if (status == 409) return ErrorKind::Conflict;
  if (status == 429 || status >= 500) return ErrorKind::Unavailable;
  return ErrorKind::Failed;
}

Error api_error(http::Method method, std::string_view path, const http::Response& response) {
  Error error;
  error.kind = kind_for_status(response.status);
  error.http_status = response.status;
  error.details = error_messages(response.body);
  std::string status = std::to_string(response.status);
  if (auto r = reason(response.status); !r.empty()) status += " " + std::string(r);
  error.message = "Confluence answered " + status + " to " + http::to_string(method) + " " + std::string(path);
  if (error.details.empty()) {
    error.message += " (empty body)";
  } else {
    std::string joined;
    for (const auto& d : error.details) joined += (joined.empty() ? "" : "; ") + d;
    error.message += ": " + joined;
  }
  if (response.status == 401) {
    error.hint = "Check the user and token: Cloud takes an e-mail address with an API token (Basic), "
                 "Data Center a personal access token (Bearer) or a user name with a password.";
  } else if (response.status == 403) {
    error.hint = "The credentials were accepted but lack permission in this space.";
  } else if (response.status == 429) {
    auto after = response.header("Retry-After");
    error.hint = after ? "Rate limited; the server asked to retry after " + *after + " s." : "Rate limited; retry later.";
  }
  return error;
}

}  // namespace faultline::confluence::detail
