// Jira's error answers turned into faultline::Error, with the server's own words kept.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/rest.hpp"
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

// How Jira is named in errors and what it suggests (see http::RestProduct).
extern const http::RestProduct k_jira_product;

// An Error for a non-2xx answer of Jira: http::api_error with the details of
// parse_error_body: "Jira answered 400 Bad Request to POST /rest/api/3/issue: <server
// messages>". `path` must not contain secrets.
Error api_error(http::Method method, std::string_view path, const http::Response& response);

// An Error for an ErrorCollection inside a 2xx answer (bulk create's elementErrors), its
// details shortened as api_error shortens them.
Error element_error(int status, const nlohmann::json& error_collection, std::string_view what);

}  // namespace faultline::jira
