// Jira's error answers turned into faultline::Error, with the server's own words kept.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"
#include "faultline/util/error.hpp"

namespace faultline::jira {

// What an error body said. Jira answers {"errorMessages":[..],"errors":{field: msg}}; some
// paths (auth, proxies) answer {"message":..} / {"errorMessage":..}, plain text or HTML.
struct ApiErrorBody {
  std::vector<std::string> messages;                // errorMessages, message, errorMessage
  std::map<std::string, std::string> field_errors;  // errors: field id -> message
  std::string raw;  // when the body was not Jira JSON: its first 300 bytes, one line; HTML
                    // becomes its <title>

  // messages, then "field: message" for each field error, then raw (when nothing else).
  std::vector<std::string> details() const;
};

// Parses any error body; never fails (an empty body gives an empty ApiErrorBody).
ApiErrorBody parse_error_body(std::string_view body);

// The ErrorKind an HTTP status maps to: 401/403 Auth, 404 NotFound, 409 Conflict,
// 429 and 5xx Unavailable, other 4xx Failed.
ErrorKind kind_for_status(int status);

// "Bad Request", "Not Found", ... ("" for codes it does not know).
std::string_view status_reason(int status);

// An Error for a non-2xx answer: "Jira answered 400 Bad Request to POST /rest/api/3/issue:
// <server messages>", details = the server's messages, http_status set, a hint for 401/403/429.
// `product` is "Jira" or "Confluence"; `path` must not contain secrets.
Error api_error(std::string_view product, http::Method method, std::string_view path,
                const http::Response& response);

// An Error for an ErrorCollection inside a 2xx answer (bulk create's elementErrors).
Error element_error(int status, const nlohmann::json& error_collection, std::string_view what);

}  // namespace faultline::jira
