// Project versions (release-frequency data).
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<std::vector<Version>> Client::project_versions(std::string_view project) {
  auto reply =
      call(http::Method::Get, std::string(api_root()) + "/project/" + http::url_encode(project) + "/versions");
  if (!reply) return std::unexpected(reply.error());
  std::vector<Version> out;
  if (!reply->body.is_array()) return out;
  for (const auto& v : reply->body) {
    // releaseDate is ISO; userReleaseDate is the instance's display format and is ignored.
    out.push_back(Version{detail::text(v, "id"), detail::text(v, "name"), detail::text(v, "description"),
                          detail::flag(v, "released", false), detail::flag(v, "archived", false),
                          detail::text(v, "releaseDate"), detail::text(v, "startDate")});
  }
  return out;
}

}  // namespace faultline::jira
