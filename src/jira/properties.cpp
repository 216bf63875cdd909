// Issue entity properties.
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<Upsert> Client::set_property(std::string_view key, std::string_view property, const nlohmann::json& value) {
  auto reply = call(http::Method::Put,
                    std::string(api_root()) + "/issue/" + http::url_encode(key) + "/properties/" +
                        http::url_encode(property),
                    {}, &value);
  if (!reply) return std::unexpected(reply.error());
  return reply->status == 201 ? Upsert::Created : Upsert::Updated;
}

Result<nlohmann::json> Client::property(std::string_view key, std::string_view property) {
  FAULTLINE_TRY(reply,
                call(http::Method::Get, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/properties/" +
                                            http::url_encode(property)));
  return detail::member(reply->body, "value");
}

Result<void> Client::delete_property(std::string_view key, std::string_view property) {
  auto reply = call(http::Method::Delete,
                    std::string(api_root()) + "/issue/" + http::url_encode(key) + "/properties/" +
                        http::url_encode(property));
  if (!reply && reply.error().kind != ErrorKind::NotFound) return std::unexpected(reply.error());
  return {};
}

Result<std::vector<std::string>> Client::property_keys(std::string_view key) {
  FAULTLINE_TRY(reply,
                call(http::Method::Get, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/properties"));
  std::vector<std::string> out;
  for (const auto& k : detail::array(reply->body, "keys")) out.push_back(detail::text(k, "key"));
  return out;
}

}  // namespace faultline::jira
