// Pages: find by space and title, get, create under a parent, update with version + 1.
#include <algorithm>

#include "errors.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::confluence {
namespace {

using json_access::text;

const nlohmann::json& at(const nlohmann::json& j, const char* key, const nlohmann::json& fallback) {
  return j.is_object() && j.contains(key) ? j[key] : fallback;
}

int version_number(const nlohmann::json& page) {
  const nlohmann::json none;
  const auto& number = at(at(page, "version", none), "number", none);
  return number.is_number_integer() ? number.get<int>() : 0;
}

// The label names of a v1 `metadata.labels` or a v2 `labels` list ({"results":[{"name"}]}),
// nullopt when the answer has none.
std::optional<std::vector<std::string>> label_names(const nlohmann::json& list) {
  if (!list.is_object() || !list.contains("results") || !list["results"].is_array()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& l : list["results"]) {
    if (l.is_object() && l.contains("name") && l["name"].is_string()) names.push_back(l["name"].get<std::string>());
  }
  return names;
}

std::string storage_value(const nlohmann::json& page) {
  const nlohmann::json none;
  return text(at(at(page, "body", none), "storage", none), "value");
}


// A stale version is 409 on Cloud v2 and DC, sometimes 400 "Version must be incremented".
Error as_conflict(Error error, const Page& current) {
  error.kind = ErrorKind::Conflict;
  error.message = "Confluence page " + current.id + " ('" + current.title + "') was changed by someone else after version " +
                  std::to_string(current.version) + " was read; nothing was overwritten. " + error.message;
  error.hint = "Re-run to read the newest version and publish again, or merge the other edit by hand.";
  return error;
}

}  // namespace

std::string Client::absolute(std::string_view link, const nlohmann::json& links) const {
  if (link.empty()) return {};
  if (link.starts_with("http://") || link.starts_with("https://")) return std::string(link);
  std::string base = text(links, "base");
  if (base.empty()) base = m_api.base_url();
  return base + std::string(link);
}

Page Client::parse_v2_page(const nlohmann::json& json, std::string_view space_key) const {
  const nlohmann::json none;
  Page page;
  page.id = text(json, "id");
  page.title = text(json, "title");
  page.space_key = std::string(space_key);
  page.version = version_number(json);
  page.body_storage = storage_value(json);
  page.parent_id = text(json, "parentId");
  const auto& links = at(json, "_links", none);
  page.web_url = absolute(text(links, "webui"), links);
  const auto& version = at(json, "version", none);
  if (version.is_object()) {
    page.has_version_info = true;
    page.version_message = text(version, "message");
    page.version_author = page.version_author_id = text(version, "authorId");
  }
  page.labels = label_names(at(json, "labels", none));
  return page;
}

Page Client::parse_v1_page(const nlohmann::json& json) const {
  const nlohmann::json none;
  Page page;
  page.id = text(json, "id");
  page.title = text(json, "title");
  page.space_key = text(at(json, "space", none), "key");
  page.version = version_number(json);
  page.body_storage = storage_value(json);
  const auto& ancestors = at(json, "ancestors", none);
  if (ancestors.is_array() && !ancestors.empty()) page.parent_id = text(ancestors.back(), "id");
  const auto& links = at(json, "_links", none);
  page.web_url = absolute(text(links, "webui"), links);
  const auto& version = at(json, "version", none);
  if (version.is_object()) {
    page.has_version_info = true;
    page.version_message = text(version, "message");
    const auto& by = at(version, "by", none);
    page.version_author_id = text(by, "username");
    page.version_author = text(by, "displayName");
    if (page.version_author.empty()) page.version_author = page.version_author_id;
  }
  page.labels = label_names(at(at(json, "metadata", none), "labels", none));
  return page;
}

Result<std::optional<Page>> Client::find_page(std::string_view space_key, std::string_view title) {
  if (m_flavor == Flavor::Cloud) {
    FAULTLINE_TRY(space, find_space(space_key));
    auto reply = call(http::Method::Get, "/api/v2/pages",
                      {{"space-id", space->id}, {"title", std::string(title)}, {"status", "current"},
                       {"body-format", "storage"}, {"limit", "5"}});
    if (!reply) return std::unexpected(reply.error());
    const nlohmann::json none;
    const auto& results = at(reply->body, "results", none);
    if (!results.is_array()) return std::optional<Page>{};
    for (const auto& r : results) {
      if (text(r, "title") == title) return std::optional<Page>{parse_v2_page(r, space->key)};
    }
    return std::optional<Page>{};
  }
  auto reply = call(http::Method::Get, "/rest/api/content",
                    {{"spaceKey", std::string(space_key)}, {"title", std::string(title)}, {"type", "page"},
                     {"status", "current"}, {"expand", "body.storage,version,ancestors,space,metadata.labels"}, {"limit", "5"}});
  if (!reply) return std::unexpected(reply.error());
  const nlohmann::json none;
  const auto& results = at(reply->body, "results", none);
  if (!results.is_array()) return std::optional<Page>{};
  for (const auto& r : results) {
    if (text(r, "title") == title) {
      auto page = parse_v1_page(r);
      if (page.space_key.empty()) page.space_key = std::string(space_key);
      return std::optional<Page>{std::move(page)};
    }
  }
  return std::optional<Page>{};
}

Result<Page> Client::get_page(std::string_view page_id, std::string_view space_key) {
  if (m_flavor == Flavor::Cloud) {
    auto reply = call(http::Method::Get, "/api/v2/pages/" + http::url_encode(page_id),
                      {{"body-format", "storage"}, {"include-labels", "true"}});
    if (!reply) return std::unexpected(reply.error());
    if (!space_key.empty()) return parse_v2_page(reply->body, space_key);
    FAULTLINE_TRY(key, space_key_for_id(text(reply->body, "spaceId")));
    return parse_v2_page(reply->body, *key);
  }
  auto reply = call(http::Method::Get, "/rest/api/content/" + http::url_encode(page_id),
                    {{"expand", "body.storage,version,ancestors,space,metadata.labels"}});
  if (!reply) return std::unexpected(reply.error());
  return parse_v1_page(reply->body);
}

Result<Page> Client::get_page_version(std::string_view page_id, int version, std::string_view space_key) {
  const std::string number = std::to_string(version);
  if (m_flavor == Flavor::Cloud) {
    FAULTLINE_TRY(reply, call(http::Method::Get, "/api/v2/pages/" + http::url_encode(page_id),
                              {{"version", number}, {"body-format", "storage"}}));
    return parse_v2_page(reply->body, space_key);
  }
  FAULTLINE_TRY(reply, call(http::Method::Get, "/rest/api/content/" + http::url_encode(page_id),
                            {{"status", "historical"}, {"version", number}, {"expand", "body.storage,version,space"}}));
  return parse_v1_page(reply->body);
}

Result<Page> Client::create_page(std::string_view space_key, std::string_view title, std::string_view parent_id,
                                 std::string_view body_storage, const std::vector<std::string>& labels) {
  if (m_flavor == Flavor::Cloud) {
    FAULTLINE_TRY(space, find_space(space_key));
    nlohmann::json body{{"spaceId", space->id},
                        {"status", "current"},
                        {"title", std::string(title)},
                        {"body", {{"representation", "storage"}, {"value", std::string(body_storage)}}}};
    if (!parent_id.empty()) body["parentId"] = std::string(parent_id);
    auto reply = call(http::Method::Post, "/api/v2/pages", {}, &body, http::RetrySafety::Unsafe);
    if (!reply) return std::unexpected(reply.error());
    auto page = parse_v2_page(reply->body, space->key);
    if (page.body_storage.empty()) page.body_storage = std::string(body_storage);
    page.labels = std::vector<std::string>{};  // v2 creates without labels
    return page;
  }
  nlohmann::json body{{"type", "page"},
                      {"title", std::string(title)},
                      {"space", {{"key", std::string(space_key)}}},
                      {"body", {{"storage", {{"value", std::string(body_storage)}, {"representation", "storage"}}}}}};
  if (!parent_id.empty()) body["ancestors"] = nlohmann::json::array({{{"id", std::string(parent_id)}}});
  if (!labels.empty()) {
    auto list = nlohmann::json::array();
    for (const auto& label : labels) list.push_back({{"prefix", "global"}, {"name", label}});
    body["metadata"] = {{"labels", list}};
  }
  auto reply = call(http::Method::Post, "/rest/api/content", {}, &body, http::RetrySafety::Unsafe);
  if (!reply) return std::unexpected(reply.error());
  auto page = parse_v1_page(reply->body);
  if (page.space_key.empty()) page.space_key = std::string(space_key);
  if (page.body_storage.empty()) page.body_storage = std::string(body_storage);
  if (page.parent_id.empty()) page.parent_id = std::string(parent_id);
  if (!page.labels) page.labels = labels;  // the create answer does not expand them
  return page;
}

Result<Page> Client::update_page(const Page& current, std::string_view title, std::string_view body_storage,
                                 std::string_view version_message) {
  const int next = current.version + 1;
  nlohmann::json version{{"number", next}};
  if (!version_message.empty()) version["message"] = std::string(version_message);
  std::string path;
  nlohmann::json body;
  if (m_flavor == Flavor::Cloud) {
    path = "/api/v2/pages/" + http::url_encode(current.id);
    body = {{"id", current.id},
            {"status", "current"},
            {"title", std::string(title)},
            {"body", {{"representation", "storage"}, {"value", std::string(body_storage)}}},
            {"version", version}};
  } else {
    path = "/rest/api/content/" + http::url_encode(current.id);
    body = {{"id", current.id},
            {"type", "page"},
            {"title", std::string(title)},
            {"body", {{"storage", {{"value", std::string(body_storage)}, {"representation", "storage"}}}}},
            {"version", version}};
  }
  // Safe to resend: a second PUT of the same version is refused with 409, never applied twice.
  auto reply = call(http::Method::Put, path, {}, &body, http::RetrySafety::Safe);
  if (!reply) {
    const auto& error = reply.error();
    bool stale = error.http_status == 409;
    if (error.http_status == 400) {
      for (const auto& d : error.details) stale = stale || lower(d).find("version") != std::string::npos;
    }
    if (stale) return std::unexpected(as_conflict(error, current));
    return std::unexpected(error);
  }
  auto page = m_flavor == Flavor::Cloud ? parse_v2_page(reply->body, current.space_key) : parse_v1_page(reply->body);
  if (page.id.empty()) page.id = current.id;
  if (page.space_key.empty()) page.space_key = current.space_key;
  if (page.version == 0) page.version = next;
  if (page.body_storage.empty()) page.body_storage = std::string(body_storage);
  if (page.parent_id.empty()) page.parent_id = current.parent_id;
  if (page.web_url.empty()) page.web_url = current.web_url;
  return page;
}

}  // namespace faultline::confluence
