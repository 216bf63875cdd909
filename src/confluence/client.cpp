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
  auto host = ascii_lower(base_url.substr(0, end));
  const std::string_view suffix = ".atlassian.net";
  bool cloud = host == "api.atlassian.com" ||
               (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
  return cloud ? Flavor::Cloud : Flavor::DataCenter;
}

Client::Client(http::Transport& transport, Connection connection, Flavor flavor)
    : m_transport(transport), m_connection(std::move(connection)), m_flavor(flavor) {
  m_connection.base_url = http::trim_base_url(m_connection.base_url);
  AuthScheme scheme = m_connection.auth;
  if (scheme == AuthScheme::Auto) {
    scheme = (m_flavor == Flavor::DataCenter && m_connection.user.empty()) ? AuthScheme::Bearer : AuthScheme::Basic;
  }
  m_authorization = scheme == AuthScheme::Bearer ? http::bearer_authorization(m_connection.token)
                                                 : http::basic_authorization(m_connection.user, m_connection.token);
  m_redactor.add_secret(m_connection.token);
}

Error Client::masked(Error error) const {
  error.message = m_redactor.mask(error.message);
  error.hint = m_redactor.mask(error.hint);
  for (auto& d : error.details) d = m_redactor.mask(d);
  return error;
}

Result<Client::Reply> Client::send_url(http::Method method, std::string_view path_for_errors, const std::string& url,
                                       const nlohmann::json* body, http::RetrySafety retry) {
  http::Request request;
  request.method = method;
  request.url = url;
  request.retry = retry;
  request.headers.emplace_back("Authorization", m_authorization);
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", http::user_agent());
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  auto outcome = m_transport.send(request);
  if (!outcome) {
    Error error;
    error.kind = ErrorKind::Unavailable;
    error.message = "Could not reach Confluence for " + std::string(http::to_string(method)) + " " +
                    std::string(path_for_errors) + " at " + m_connection.base_url + ": " + outcome.error().message;
    error.hint = "Check confluence.url (Cloud ends in /wiki), the network and any proxy.";
    return std::unexpected(masked(std::move(error)));
  }
  if (!outcome->ok()) return std::unexpected(masked(detail::api_error(method, path_for_errors, *outcome)));
  Reply reply;
  reply.status = outcome->status;
  if (outcome->body.find_first_not_of(" \t\r\n") == std::string::npos) return reply;
  reply.body = nlohmann::json::parse(outcome->body, nullptr, false);
  if (reply.body.is_discarded()) {
    auto said = detail::error_messages(outcome->body);
    Error error;
    error.kind = ErrorKind::Failed;
    error.http_status = outcome->status;
    error.message = "Confluence answered " + std::to_string(outcome->status) + " to " + http::to_string(method) +
                    " " + std::string(path_for_errors) +
                    " with a body that is not JSON: " + (said.empty() ? std::string() : said.front());
    error.hint = "Check confluence.url: Cloud needs the /wiki suffix, Data Center its context path.";
    return std::unexpected(masked(std::move(error)));
  }
  return reply;
}

Result<Client::Reply> Client::call(http::Method method, std::string_view path, const http::QueryParams& query,
                                   const nlohmann::json* body, http::RetrySafety retry) {
  return send_url(method, path, http::build_url(m_connection.base_url, path, query), body, retry);
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
    auto reply = call(http::Method::Get, "/rest/api/space/" + http::url_encode(space_key));
    if (!reply) return std::unexpected(reply.error());
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
  auto reply = call(http::Method::Get, "/api/v2/spaces/" + http::url_encode(space_id));
  if (!reply) return std::unexpected(reply.error());
  Space space{text(reply->body, "id"), text(reply->body, "key"), text(reply->body, "name")};
  if (space.id.empty()) space.id = space_id;
  m_spaces_by_key[space.key] = space;
  return space.key;
}

}  // namespace faultline::confluence
