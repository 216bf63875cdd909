// Construction, authentication, the request plumbing and spaces.
#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"

#include <utility>

#include "errors.hpp"

namespace faultline::confluence {
namespace {

using json_access::text;

}  // namespace

const char* to_string(Flavor flavor) {
  return flavor == Flavor::Cloud ? "cloud" : "datacenter";
}

Flavor guess_flavor(std::string_view base_url) {
  auto scheme = base_url.find("://");
  if (scheme != std::string_view::npos) base_url.remove_prefix(scheme + 3);
  auto end = base_url.find_first_of("/:?#");
  auto host = lower(base_url.substr(0, end));
  const std::string_view suffix = ".atlassian.net";
  bool cloud = host == "api.atlassian.com" ||
               (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
  return cloud ? Flavor::Cloud : Flavor::DataCenter;
}

Result<Flavor> detect_flavor(http::Transport& transport, const Connection& connection) {
  if (guess_flavor(connection.base_url) == Flavor::Cloud) return Flavor::Cloud;
  // Auto authentication: Bearer without a user (a Data Center PAT), Basic with one.
  Client probe(transport, connection, connection.user.empty() ? Flavor::DataCenter : Flavor::Cloud);
  auto cloud = probe.call(http::Method::Get, "/rest/api/settings/systemInfo");
  if (cloud && cloud->body.is_object() && cloud->body.contains("cloudId")) return Flavor::Cloud;
  if (!cloud && cloud.error().kind == ErrorKind::Auth) return std::unexpected(cloud.error());
  if (!cloud && cloud.error().kind == ErrorKind::Unavailable) return std::unexpected(cloud.error());
  auto server = probe.call(http::Method::Get, "/rest/api/server-information");
  if (server && server->body.is_object()) return Flavor::DataCenter;
  if (!server && server.error().kind == ErrorKind::Auth) return std::unexpected(server.error());
  // Data Center before 8.x has no server-information, and no systemInfo either.
  if (!server && server.error().kind == ErrorKind::NotFound) return Flavor::DataCenter;
  return fail(ErrorKind::Failed,
              "cannot tell whether Confluence at " + connection.base_url + " is Cloud or Data Center: neither "
              "rest/api/settings/systemInfo nor rest/api/server-information answered",
              "check confluence.url (Cloud: https://SITE.atlassian.net/wiki; Data Center: the base URL with its "
              "context path), or set [confluence] flavor = \"cloud\" or \"datacenter\"");
}

Client::Client(http::Transport& transport, Connection connection, Flavor flavor)
    : m_transport(transport),
      m_flavor(flavor),
      m_api(std::move(connection), flavor == Flavor::DataCenter, detail::k_confluence_product, &detail::error_messages) {}

Result<Client::Reply> Client::send_url(http::Method method, std::string_view path_for_errors, const std::string& url,
                                       const nlohmann::json* body, http::RetrySafety retry) {
  return m_api.reply(method, path_for_errors, m_transport.send(m_api.request_url(method, url, body, retry)));
}

Result<Client::Reply> Client::call(http::Method method, std::string_view path, const http::QueryParams& query,
                                   const nlohmann::json* body, http::RetrySafety retry) {
  return send_url(method, path, http::build_url(m_api.base_url(), path, query), body, retry);
}

Result<Space> Client::find_space(std::string_view space_key) {
  if (auto it = m_spaces_by_key.find(std::string(space_key)); it != m_spaces_by_key.end()) return it->second;
  Space space;
  if (m_flavor == Flavor::Cloud) {
    auto reply = call(http::Method::Get, "/api/v2/spaces", {{"keys", std::string(space_key)}});
    if (!reply) return std::unexpected(reply.error());
    const auto& results = reply->body.is_object() && reply->body.contains("results") ? reply->body["results"]
                                                                                      : nlohmann::json::array();
    if (!results.is_array() || results.empty()) {
      return fail(ErrorKind::NotFound, "Confluence has no space with key '" + std::string(space_key) + "' visible to this user",
                  "Check [confluence] space (keys are case-sensitive) and the user's space permissions.");
    }
    space = Space{text(results[0], "id"), text(results[0], "key"), text(results[0], "name")};
  } else {
    FAULTLINE_TRY(reply, call(http::Method::Get, "/rest/api/space/" + http::url_encode(space_key)));
    space = Space{text(reply->body, "id"), text(reply->body, "key"), text(reply->body, "name")};
  }
  if (space.key.empty()) space.key = std::string(space_key);
  m_spaces_by_key[std::string(space_key)] = space;
  return space;
}

Result<std::string> Client::space_key_for_id(const std::string& space_id) {
  for (const auto& [key, space] : m_spaces_by_key) {
    if (space.id == space_id) return key;
  }
  FAULTLINE_TRY(reply, call(http::Method::Get, "/api/v2/spaces/" + http::url_encode(space_id)));
  Space space{text(reply->body, "id"), text(reply->body, "key"), text(reply->body, "name")};
  if (space.id.empty()) space.id = space_id;
  m_spaces_by_key[space.key] = space;
  return space.key;
}

}  // namespace faultline::confluence
