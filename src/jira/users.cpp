// The caller and user search (accountId on Cloud, user name on Data Center).
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<User> Client::myself() {
  FAULTLINE_TRY(reply, call(http::Method::Get, std::string(api_root()) + "/myself"));
  auto user = parse_user(reply->body);
  if (user.account_id.empty() && user.name.empty()) {
    return fail(ErrorKind::Auth, "Jira's /myself answer named no user; the credentials were not accepted",
                "Check jira.user and the token.");
  }
  return user;
}

Result<std::vector<User>> Client::search_users(std::string_view query, int max_results) {
  // Cloud rejects username in GDPR strict mode; Data Center has no query parameter.
  http::QueryParams params{{m_flavor == Flavor::Cloud ? "query" : "username", std::string(query)},
                           {"maxResults", std::to_string(max_results)}};
  FAULTLINE_TRY(reply, call(http::Method::Get, std::string(api_root()) + "/user/search", params));
  std::vector<User> out;
  if (reply->body.is_array()) {
    for (const auto& u : reply->body) out.push_back(parse_user(u));
  }
  return out;
}

}  // namespace faultline::jira
