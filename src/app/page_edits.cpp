// Version messages and authors of published pages.
#include "faultline/app/page_edits.hpp"

#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::app {

Result<PageVersionInfo> current_version(confluence::Client& client, const std::string& page_id) {
  PageVersionInfo info;
  if (client.flavor() == confluence::Flavor::Cloud) {
    FAULTLINE_TRY(reply, client.call(http::Method::Get, "/api/v2/pages/" + http::url_encode(page_id)));
    const auto& version = json_access::member(reply->body, "version");
    info.message = json_access::text(version, "message");
    info.author = info.author_id = json_access::text(version, "authorId");
  } else {
    FAULTLINE_TRY(reply, client.call(http::Method::Get, "/rest/api/content/" + http::url_encode(page_id),
                                     {{"expand", "version"}}));
    const auto& version = json_access::member(reply->body, "version");
    info.message = json_access::text(version, "message");
    const auto& by = json_access::member(version, "by");
    info.author_id = json_access::text(by, "username");
    info.author = json_access::text(by, "displayName");
    if (info.author.empty()) info.author = info.author_id;
  }
  return info;
}

std::string publish_message_hash(std::string_view message) {
  if (!message.starts_with(k_publish_message_prefix)) return {};
  return std::string(message.substr(k_publish_message_prefix.size()));
}

Result<std::string> current_user_id(confluence::Client& client) {
  FAULTLINE_TRY(reply, client.call(http::Method::Get, "/rest/api/user/current"));
  const std::string field = client.flavor() == confluence::Flavor::Cloud ? "accountId" : "username";
  return json_access::text(reply->body, field);
}

}  // namespace faultline::app
