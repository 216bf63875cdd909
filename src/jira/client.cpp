// Construction, authentication and the request plumbing shared by every resource file.
#include "faultline/jira/client.hpp"

#include <algorithm>
#include <utility>

#include "faultline/core/text.hpp"
#include "faultline/jira/errors.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

constexpr std::string_view k_cloud_root = "/rest/api/3";
constexpr std::string_view k_datacenter_root = "/rest/api/2";

// The host part of a URL ("https://a.b:8080/x" -> "a.b"), lower case.
std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  auto end = url.find_first_of("/:?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  auto at = url.find('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  return detail::lower(url);
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(Flavor flavor) {
  return flavor == Flavor::Cloud ? "cloud" : "datacenter";
}

const char* to_string(BoardType type) {
  return type == BoardType::Scrum ? "scrum" : "kanban";
}

std::size_t BulkCreateResult::created() const {
  std::size_t n = 0;
  for (const auto& item : items) n += item.has_value() ? 1 : 0;
  return n;
}

std::size_t BulkCreateResult::failed() const {
  return items.size() - created();
}

std::string Issue::summary() const {
  return detail::text(fields, "summary");
}

std::string Issue::status() const {
  return detail::text(detail::member(fields, "status"), "name");
}

std::string Issue::status_category() const {
  return detail::text(detail::member(detail::member(fields, "status"), "statusCategory"), "key");
}

Result<Flavor> detect_flavor(http::Transport& transport, const Connection& connection) {
  auto host = host_of(connection.base_url);
  if (ends_with(host, ".atlassian.net") || host == "api.atlassian.com") return Flavor::Cloud;
  // The flavor is unknown yet: Auto means Bearer without a user, Basic with one.
  Client probe(transport, connection, connection.user.empty() ? Flavor::DataCenter : Flavor::Cloud);
  FAULTLINE_TRY(reply, probe.call(http::Method::Get, "/rest/api/2/serverInfo"));
  if (!reply->body.is_object()) {
    return fail(ErrorKind::Failed, "Jira's serverInfo at " + connection.base_url + " did not answer a JSON object",
                "Check jira.url: it should be the site's base URL, without /rest/...");
  }
  return detail::text(reply->body, "deploymentType") == "Cloud" ? Flavor::Cloud : Flavor::DataCenter;
}

namespace {

std::vector<std::string> error_details(std::string_view body) { return parse_error_body(body).details(); }

}  // namespace

Client::Client(http::Transport& transport, Connection connection, Flavor flavor)
    : m_transport(transport),
      m_flavor(flavor),
      m_api(std::move(connection), flavor == Flavor::DataCenter, k_jira_product, &error_details) {}

std::string_view Client::api_root() const {
  return m_flavor == Flavor::Cloud ? k_cloud_root : k_datacenter_root;
}

std::string Client::browse_url(std::string_view key) const {
  return m_api.base_url() + "/browse/" + std::string(key);
}

nlohmann::json Client::user_json(const UserRef& user) const {
  return nlohmann::json{{m_flavor == Flavor::Cloud ? "accountId" : "name", user.id}};
}

nlohmann::json Client::rich_text(std::string_view markdown) const {
  if (m_flavor == Flavor::Cloud) return core::markdown_to_adf(markdown);
  return core::markdown_to_wiki(markdown);
}

http::Request Client::make_request(http::Method method, std::string_view path, const http::QueryParams& query,
                                   const nlohmann::json* body, http::RetrySafety retry) const {
  return m_api.request(method, path, query, body, retry);
}

Result<Client::Reply> Client::to_reply(http::Method method, std::string_view path, const http::Outcome& outcome) const {
  return m_api.reply(method, path, outcome);
}

Result<Client::Reply> Client::call(http::Method method, std::string_view path, const http::QueryParams& query,
                                   const nlohmann::json* body, http::RetrySafety retry) {
  auto request = make_request(method, path, query, body, retry);
  auto outcome = m_transport.send(request);
  return to_reply(method, path, outcome);
}

User parse_user(const nlohmann::json& json) {
  User user;
  user.account_id = detail::text(json, "accountId");
  user.name = detail::text(json, "name");
  user.key = detail::text(json, "key");
  user.display_name = detail::text(json, "displayName");
  user.email = detail::text(json, "emailAddress");
  user.active = detail::flag(json, "active", true);
  user.time_zone = detail::text(json, "timeZone");
  return user;
}

ChangeHistory parse_history(const nlohmann::json& json) {
  ChangeHistory history;
  history.id = detail::text(json, "id");
  history.author = parse_user(detail::member(json, "author"));
  history.created = detail::text(json, "created");
  for (const auto& item : detail::array(json, "items")) {
    history.items.push_back(ChangeItem{detail::text(item, "field"), detail::text(item, "fieldId"),
                                       detail::text(item, "from"), detail::text(item, "fromString"),
                                       detail::text(item, "to"), detail::text(item, "toString")});
  }
  return history;
}

Issue parse_issue(nlohmann::json&& json) {
  nlohmann::json fields;
  nlohmann::json properties;
  if (json.is_object()) {
    if (auto it = json.find("fields"); it != json.end() && it->is_object()) fields = std::move(*it);
    if (auto it = json.find("properties"); it != json.end() && it->is_object()) properties = std::move(*it);
  }
  Issue issue = parse_issue(std::as_const(json));
  if (fields.is_object()) issue.fields = std::move(fields);
  if (properties.is_object()) issue.properties = std::move(properties);
  return issue;
}

Issue parse_issue(const nlohmann::json& json) {
  Issue issue;
  issue.id = detail::text(json, "id");
  issue.key = detail::text(json, "key");
  issue.self = detail::text(json, "self");
  if (const auto& fields = detail::member(json, "fields"); fields.is_object()) issue.fields = fields;
  if (const auto& properties = detail::member(json, "properties"); properties.is_object()) {
    issue.properties = properties;
  }
  // expand=changelog answers newest first (Cloud) or oldest first (DC); keep oldest first.
  const auto& histories = detail::array(detail::member(json, "changelog"), "histories");
  for (const auto& h : histories) issue.changelog.push_back(parse_history(h));
  if (issue.changelog.size() > 1 && issue.changelog.front().created > issue.changelog.back().created) {
    std::reverse(issue.changelog.begin(), issue.changelog.end());
  }
  return issue;
}

}  // namespace faultline::jira

namespace faultline::jira {

Result<core::TimePoint> parse_datetime(std::string_view text) {
  // Only absolute datetimes with an offset: "now" or "-15m" are not Jira values.
  auto t = text.find('T');
  bool has_offset = !text.empty() && (text.back() == 'Z' || (t != std::string_view::npos &&
                                                             text.find_first_of("+-", t) != std::string_view::npos));
  if (t == std::string_view::npos || !has_offset) {
    return fail(ErrorKind::Usage, "'" + std::string(text) + "' is not a Jira datetime (2026-11-25T10:00:00.000+0800)");
  }
  FAULTLINE_TRY(utc, core::find_zone("UTC"));
  return core::parse_time(text, core::TimePoint{}, *utc);
}

}  // namespace faultline::jira
