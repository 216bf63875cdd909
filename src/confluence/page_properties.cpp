// Page content properties on both flavors.
#include "faultline/confluence/page_properties.hpp"

#include "faultline/util/json_access.hpp"

namespace faultline::confluence {

namespace {

PageProperty property_of(const nlohmann::json& json) {
  PageProperty property;
  property.id = json_access::text(json, "id");
  property.key = json_access::text(json, "key");
  property.value = json_access::member(json, "value");
  property.version = json_access::number(json_access::member(json, "version"), "number");
  return property;
}

std::string pages_path(std::string_view page_id) { return "/api/v2/pages/" + http::url_encode(page_id) + "/properties"; }
std::string content_path(std::string_view page_id) {
  return "/rest/api/content/" + http::url_encode(page_id) + "/property";
}

}  // namespace

Result<std::optional<PageProperty>> page_property(Client& client, std::string_view page_id, std::string_view key) {
  if (client.flavor() == Flavor::Cloud) {
    FAULTLINE_TRY(reply, client.call(http::Method::Get, pages_path(page_id), {{"key", std::string(key)}}));
    for (const auto& item : json_access::array(reply->body, "results"))
      if (json_access::text(item, "key") == key) return std::optional<PageProperty>(property_of(item));
    return std::optional<PageProperty>();
  }
  auto reply = client.call(http::Method::Get, content_path(page_id) + "/" + http::url_encode(key));
  if (!reply && reply.error().kind == ErrorKind::NotFound) return std::optional<PageProperty>();
  if (!reply) return std::unexpected(reply.error());
  return std::optional<PageProperty>(property_of(reply->body));
}

Result<PageProperty> put_page_property(Client& client, std::string_view page_id, std::string_view key,
                                       const nlohmann::json& value, const std::optional<PageProperty>& current) {
  nlohmann::json body{{"key", std::string(key)}, {"value", value}};
  const bool cloud = client.flavor() == Flavor::Cloud;
  if (!current) {
    // A create is not retried blindly: a second POST of the same key is refused, and the
    // next run reads the property that the first one made.
    const std::string path = cloud ? pages_path(page_id) : content_path(page_id);
    FAULTLINE_TRY(reply, client.call(http::Method::Post, path, {}, &body, http::RetrySafety::Unsafe));
    return property_of(reply->body);
  }
  body["version"] = {{"number", current->version + 1}};
  const std::string path = cloud ? pages_path(page_id) + "/" + http::url_encode(current->id)
                                 : content_path(page_id) + "/" + http::url_encode(key);
  FAULTLINE_TRY(reply, client.call(http::Method::Put, path, {}, &body));
  return property_of(reply->body);
}

}  // namespace faultline::confluence
