// GET /serverInfo.
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<ServerInfo> Client::server_info() {
  FAULTLINE_TRY(reply, call(http::Method::Get, std::string(api_root()) + "/serverInfo"));
  return ServerInfo{detail::text(reply->body, "baseUrl"), detail::text(reply->body, "version"),
                    detail::text(reply->body, "deploymentType"), detail::text(reply->body, "serverTitle")};
}

}  // namespace faultline::jira
