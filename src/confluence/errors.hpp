// Confluence error bodies -> faultline::Error (private to the confluence module).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faultline/http/rest.hpp"
#include "faultline/util/error.hpp"

namespace faultline::confluence::detail {

// The messages of an error body: v1 {"statusCode":..,"message":..}, v2 {"errors":[{"title",
// "detail"}]}, Jira-style errorMessages; otherwise the first 300 bytes on one line (an HTML
// page becomes its title). Empty for an empty body.
std::vector<std::string> error_messages(std::string_view body);

// How Confluence is named in errors and what it suggests (see http::RestProduct).
extern const http::RestProduct k_confluence_product;

}  // namespace faultline::confluence::detail
