// Watchers: the add body is a bare JSON string (accountId on Cloud, user name on DC).
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<void> Client::add_watcher(std::string_view key, const UserRef& user) {
  nlohmann::json body = user.id;
  auto reply = call(http::Method::Post, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/watchers",
                    {}, &body, http::RetrySafety::Safe);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<std::vector<User>> Client::watchers(std::string_view key) {
  FAULTLINE_TRY(reply,
                call(http::Method::Get, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/watchers"));
  std::vector<User> out;
  for (const auto& w : detail::array(reply->body, "watchers")) out.push_back(parse_user(w));
  return out;
}

}  // namespace faultline::jira
