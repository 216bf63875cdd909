// Jira error bodies -> faultline::Error.
#include "faultline/jira/errors.hpp"

#include <string>

#include "json_access.hpp"

namespace faultline::jira {
namespace {

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
  out.raw = http::describe_body(body);
  return out;
}

const http::RestProduct k_jira_product{
    "Jira",
    "The credentials were accepted but lack permission for this operation (or Basic authentication is disabled "
    "on this server).",
    "Check jira.url, the network and any proxy; the request was not answered.",
    "Check jira.url: a proxy or login page may be answering instead of Jira."};

Error api_error(http::Method method, std::string_view path, const http::Response& response) {
  return http::api_error(k_jira_product, method, path, response, parse_error_body(response.body).details());
}

Error element_error(int status, const nlohmann::json& error_collection, std::string_view what) {
  auto parsed = parse_error_body(error_collection.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  Error error;
  error.kind = status ? http::kind_for_status(status) : ErrorKind::Failed;
  error.http_status = status;
  error.details = http::shorten_details(parsed.details());
  error.message = std::string(what) + " failed";
  if (status) error.message += " (" + std::to_string(status) + ")";
  if (!error.details.empty()) error.message += ": " + detail::join(error.details, "; ");
  return error;
}

}  // namespace faultline::jira
