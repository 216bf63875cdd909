// Saved filters: the three lanes of `setup board`.
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

Filter parse_filter(const nlohmann::json& json) {
  const auto& owner = detail::member(json, "owner");
  std::string owner_id = detail::text(owner, "accountId");
  if (owner_id.empty()) owner_id = detail::text(owner, "name");
  return Filter{detail::text(json, "id"), detail::text(json, "name"), detail::text(json, "jql"),
                detail::text(json, "viewUrl"), owner_id};
}

nlohmann::json filter_body(const FilterInput& input) {
  nlohmann::json body{{"name", input.name}, {"jql", input.jql}};
  if (!input.description.empty()) body["description"] = input.description;
  return body;
}

}  // namespace

Result<Filter> Client::create_filter(const FilterInput& input) {
  auto body = filter_body(input);
  body["favourite"] = true;
  // Filter names are unique per owner, so a repeat fails instead of duplicating.
  auto reply = call(http::Method::Post, std::string(api_root()) + "/filter", {}, &body, http::RetrySafety::Safe);
  if (!reply) return std::unexpected(reply.error());
  return parse_filter(reply->body);
}

Result<Filter> Client::update_filter(std::string_view id, const FilterInput& input) {
  auto body = filter_body(input);
  auto reply = call(http::Method::Put, std::string(api_root()) + "/filter/" + http::url_encode(id), {}, &body);
  if (!reply) return std::unexpected(reply.error());
  return parse_filter(reply->body);
}

Result<std::optional<Filter>> Client::find_my_filter(std::string_view name) {
  auto reply = m_flavor == Flavor::Cloud
                   ? call(http::Method::Get, std::string(api_root()) + "/filter/my", {{"includeFavourites", "true"}})
                   : call(http::Method::Get, std::string(api_root()) + "/filter/favourite");
  if (!reply) return std::unexpected(reply.error());
  if (!reply->body.is_array()) return std::optional<Filter>{};
  for (const auto& f : reply->body) {
    if (detail::text(f, "name") == name) return std::optional<Filter>{parse_filter(f)};
  }
  return std::optional<Filter>{};
}

}  // namespace faultline::jira
