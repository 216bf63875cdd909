// Confluence error bodies -> faultline::Error (private to the confluence module).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faultline/http/transport.hpp"
#include "faultline/util/error.hpp"

namespace faultline::confluence::detail {

// The messages of an error body: v1 {"statusCode":..,"message":..}, v2 {"errors":[{"title",
// "detail"}]}, Jira-style errorMessages; otherwise the first 300 bytes on one line (an HTML
// page becomes its title). Empty for an empty body.
std::vector<std::string> error_messages(std::string_view body);

// ErrorKind by status: 401/403 Auth, 404 NotFound, 409 Conflict, 429/5xx Unavailable, else Failed.
ErrorKind kind_for_status(int status);

// "Confluence answered 409 Conflict to PUT /api/v2/pages/1: <messages>".
Error api_error(http::Method method, std::string_view path, const http::Response& response);

}  // namespace faultline::confluence::detail
