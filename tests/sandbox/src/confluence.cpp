// Confluence REST routes and the JSON shapes of each API generation and flavor, written from
// reference/jira-confluence.md part 2 and Atlassian's OpenAPI descriptions in specs/.
// Attachments, search and the HTML view live in confluence_attachments.cpp,
// confluence_search.cpp and confluence_view.cpp (see confluence_service.hpp).
#include "confluence.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "confluence_service.hpp"
#include "hooks_crypto.hpp"
#include "xhtml.hpp"

namespace sandbox {

namespace conf {

namespace {

constexpr std::string_view k_cursor_tag = "sandbox-offset:";

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto end = s.find(',', i);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(i, end - i);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    i = end + 1;
  }
  return out;
}

}  // namespace

std::string iso(std::int64_t ms) {
  return iso_utc_millis(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

std::string url_encode(std::string_view s, bool plus_for_space) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += k_hex[b >> 4];
      out += k_hex[b & 0x0F];
    }
  }
  return out;
}

// All values of a query parameter, repeated and comma-separated forms alike.
std::vector<std::string> param_list(const SbRequest& r, const std::string& name) {
  std::vector<std::string> out;
  auto [lo, hi] = r.query.equal_range(name);
  for (auto it = lo; it != hi; ++it) {
    for (auto& v : split_commas(it->second)) out.push_back(v);
  }
  return out;
}

std::optional<SbResponse> ConfluenceService::handle(const SbRequest& request) {
  const std::string context = cloud() ? "/wiki" : "/confluence";
  if (request.path != context && !request.path.starts_with(context + "/")) return std::nullopt;
  try {
    return route(request, request.path.substr(context.size()));
  } catch (const json::exception&) {
    // A field of the wrong JSON type somewhere in the body: Confluence answers 400, in its own
    // words (the JSON library's message never reaches the client).
    Failure f{400, "Invalid request body: a value has the wrong JSON type for this operation."};
    return request.path.starts_with(context + "/api/v2") ? v2_error(f) : v1_error(f);
  }
}

// Dispatches a request below the context path.
SbResponse ConfluenceService::route(const SbRequest& request, const std::string& rest) {
  // What tells the flavors apart: Cloud's system info (v1, Cloud only) and Data Center's
  // server information (not on Cloud); each flavor answers 404 for the other's.
  if (request.method == "GET" && rest == "/rest/api/settings/systemInfo") {
    if (!cloud()) return v1_error({404, "No resource at " + request.path});
    return SbResponse::json(200, json{{"cloudId", "5a8c3ba8-0f6c-4b1e-9b3c-sandbox00001"},
                                      {"commitHash", "sandbox"},
                                      {"baseUrl", "/wiki"},
                                      {"edition", "standard"},
                                      {"siteTitle", "faultline sandbox"},
                                      {"defaultLocale", "en_US"}});
  }
  if (request.method == "GET" && rest == "/rest/api/server-information") {
    if (cloud()) return v1_error({404, "No resource at " + request.path});
    return SbResponse::json(200, json{{"baseUrl", "/confluence"},
                                      {"version", "10.0.3"},
                                      {"buildNumber", 9012},
                                      {"marketplaceBuildNumber", 9012},
                                      {"buildDate", "2025-06-01T00:00:00.000Z"}});
  }
  if (rest.starts_with("/rest/api/") || rest == "/rest/api") return v1(request, split_path(rest.substr(9)));
  if (cloud() && (rest.starts_with("/api/v2/") || rest == "/api/v2")) return v2(request, split_path(rest.substr(7)));
  auto segments = split_path(rest);
  if (segments.size() >= 2 && segments[0] == "download" && segments[1] == "attachments") {
    return request.method == "GET" ? attachment_download(request, segments)
                                   : v1_error({405, "Method " + request.method + " is not allowed on " + request.path});
  }
  if (cloud() && segments.size() >= 4 && segments[0] == "spaces" && segments[2] == "pages" && request.method == "GET") {
    return html_view(segments[3]);
  }
  if (!cloud() && rest == "/pages/viewpage.action" && request.method == "GET") {
    return html_view(request.param("pageId").value_or(""));
  }
  return v1_error({404, "No resource at " + request.path});
}

// ---- errors -----------------------------------------------------------------------------

SbResponse ConfluenceService::v1_error(const Failure& f) const {
  std::string reason;
  std::string exception;
  switch (f.status) {
    case 400: reason = "Bad Request"; exception = "BadRequestException"; break;
    case 403: reason = "Forbidden"; exception = "PermissionException"; break;
    case 404: reason = "Not Found"; exception = "NotFoundException"; break;
    case 405: reason = "Method Not Allowed"; exception = "MethodNotAllowedException"; break;
    case 409: reason = "Conflict"; exception = "ConflictException"; break;
    case 413: reason = "Request Entity Too Large"; exception = "BadRequestException"; break;
    default: reason = "Error"; exception = "ServiceException";
  }
  json body{{"statusCode", f.status},
            {"data", {{"authorized", f.status != 403}, {"valid", f.status != 400},
                      {"errors", json::array()}, {"successful", false}}},
            {"message", cloud() ? "com.atlassian.confluence.api.service.exceptions." + exception + ": " + f.message
                                : f.message}};
  if (!cloud()) body["reason"] = reason;
  return SbResponse::json(f.status, body);
}

SbResponse ConfluenceService::v2_error(const Failure& f) {
  std::string code;
  switch (f.status) {
    case 400: code = "BAD_REQUEST"; break;
    case 403: code = "FORBIDDEN"; break;
    case 404: code = "NOT_FOUND"; break;
    case 405: code = "METHOD_NOT_ALLOWED"; break;
    case 409: code = "CONFLICT"; break;
    default: code = "INTERNAL_SERVER_ERROR";
  }
  json body{{"errors", json::array({json{{"status", f.status}, {"code", code}, {"title", f.message}, {"detail", nullptr}}})}};
  return SbResponse::json(f.status, body);
}

std::expected<std::size_t, Failure> ConfluenceService::number_param(const SbRequest& r, const std::string& name,
                                                                     std::size_t fallback) {
  auto v = r.param(name);
  if (!v) return fallback;
  if (v->empty() || v->size() > 9 || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::unexpected(Failure{400, "Invalid value for " + name + ": " + *v});
  }
  return static_cast<std::size_t>(std::stoul(*v));
}

std::string ConfluenceService::next_link(const SbRequest& r, const std::string& path, const std::string& key,
                                         const std::string& value, std::size_t limit) {
  std::string out = path + "?";
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!first) out += '&';
    first = false;
    out += url_encode(k, false) + "=" + url_encode(v, false);
  };
  for (const auto& [k, v] : r.query) {
    if (k == "start" || k == "cursor" || k == "limit") continue;
    add(k, v);
  }
  add("limit", std::to_string(limit));
  add(key, value);
  return out;
}

std::string ConfluenceService::make_cursor(std::size_t offset) {
  return base64_encode(std::string(k_cursor_tag) + std::to_string(offset));
}

std::expected<Window, Failure> ConfluenceService::window(const SbRequest& r, std::size_t max_limit,
                                                        std::size_t default_limit) {
  Window w;
  auto limit = number_param(r, "limit", default_limit);
  if (!limit) return std::unexpected(limit.error());
  w.limit = std::clamp<std::size_t>(*limit, 1, max_limit);
  if (auto cursor = r.param("cursor"); cursor && !cursor->empty()) {
    auto decoded = base64_decode(*cursor);
    if (!decoded || !decoded->starts_with(k_cursor_tag)) {
      return std::unexpected(Failure{400, "Invalid cursor: " + *cursor});
    }
    std::string digits = decoded->substr(k_cursor_tag.size());
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::unexpected(Failure{400, "Invalid cursor: " + *cursor});
    }
    w.start = std::stoul(digits);
    return w;
  }
  auto start = number_param(r, "start", 0);
  if (!start) return std::unexpected(start.error());
  w.start = *start;
  return w;
}

// ---- rendering --------------------------------------------------------------------------

json ConfluenceService::user_json(const json& user) const {
  if (!user.is_object()) return json{{"type", "anonymous"}, {"displayName", "Anonymous"}};
  if (cloud()) {
    return json{{"type", "known"},
                {"accountId", user.value("accountId", "")},
                {"accountType", "atlassian"},
                {"email", user.value("emailAddress", "")},
                {"publicName", user.value("displayName", "")},
                {"displayName", user.value("displayName", "")}};
  }
  return json{{"type", "known"},
              {"username", user.value("name", "")},
              {"userKey", user.value("key", "")},
              {"displayName", user.value("displayName", "")}};
}

std::string ConfluenceService::webui(const ConfPage& p) const {
  if (cloud()) return "/spaces/" + p.space_key + "/pages/" + p.id + "/" + url_encode(p.current().title, true);
  return "/pages/viewpage.action?pageId=" + p.id;
}

json ConfluenceService::space_v1(const SbRequest& r, const ConfSpace& s) const {
  bool numeric = !s.id.empty() && s.id.size() < 18 &&
                 std::all_of(s.id.begin(), s.id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  json j{{"id", numeric ? json(std::stoll(s.id)) : json(s.id)},
         {"key", s.key},
         {"name", s.name},
         {"type", "global"},
         {"status", "current"},
         {"_links", {{"webui", cloud() ? "/spaces/" + s.key : "/display/" + s.key},
                     {"self", base(r) + "/rest/api/space/" + s.key}}},
         {"_expandable", {{"description", ""}, {"metadata", ""}, {"icon", ""}}}};
  if (!s.homepage_id.empty()) j["_expandable"]["homepage"] = "/rest/api/content/" + s.homepage_id;
  return j;
}

json ConfluenceService::space_v2(const SbRequest& r, const ConfSpace& s) const {
  json j{{"id", s.id},
         {"key", s.key},
         {"name", s.name},
         {"type", "global"},
         {"status", "current"},
         {"authorId", ""},
         {"createdAt", iso(0)},
         {"_links", {{"webui", "/spaces/" + s.key}, {"base", base(r)}}}};
  // The v2 description types homepageId as a string (never null): left out when unset.
  if (!s.homepage_id.empty()) j["homepageId"] = s.homepage_id;
  return j;
}

json ConfluenceService::version_v1(const SbRequest& r, const ConfPage& p, const ConfVersion& v) const {
  return json{{"by", user_json(v.by)},
              {"when", iso(v.when_ms)},
              {"message", v.message},
              {"number", v.number},
              {"minorEdit", v.minor_edit},
              {"_links", {{"self", base(r) + "/rest/api/content/" + p.id + "/version/" + std::to_string(v.number)}}}};
}

json ConfluenceService::label_v1(const ConfLabel& l) const {
  return json{{"prefix", l.prefix}, {"name", l.name}, {"id", l.id}, {"label", l.name}};
}

json ConfluenceService::labels_v1(const SbRequest& r, const ConfPage& p) const {
  json results = json::array();
  for (const auto& l : p.labels) results.push_back(label_v1(l));
  return json{{"results", results},
              {"start", 0},
              {"limit", 200},
              {"size", results.size()},
              {"_links", {{"self", base(r) + "/rest/api/content/" + p.id + "/label"}, {"base", base(r)}, {"context", context()}}}};
}

// A v1 Content object for a page with the given expansions.
json ConfluenceService::content_v1(const SbRequest& r, const ConfPage& p, const std::set<std::string>& expand, bool top_level) const {
  const ConfVersion& cur = p.current();
  json j{{"id", p.id}, {"type", "page"}, {"status", p.status}, {"title", cur.title}};
  json expandable = json::object();
  const ConfSpace* space = m_store.space_by_key(p.space_key);
  if (expand.contains("space") && space != nullptr) j["space"] = space_v1(r, *space);
  else expandable["space"] = "/rest/api/space/" + p.space_key;
  if (expand.contains("version")) j["version"] = version_v1(r, p, cur);
  else expandable["version"] = "";
  if (expand.contains("history")) {
    j["history"] = json{{"latest", true}, {"createdBy", user_json(p.creator)}, {"createdDate", iso(p.created_ms)}};
  } else {
    expandable["history"] = "/rest/api/content/" + p.id + "/history";
  }
  if (expand.contains("body.storage") || expand.contains("body")) {
    json body{{"_expandable", {{"editor", ""}, {"view", ""}, {"export_view", ""}, {"styled_view", ""}}}};
    if (expand.contains("body.storage")) {
      body["storage"] = json{{"value", cur.body}, {"representation", "storage"},
                             {"_expandable", {{"content", "/rest/api/content/" + p.id}}}};
    } else {
      body["_expandable"]["storage"] = "";
    }
    j["body"] = body;
  } else {
    expandable["body"] = "";
  }
  if (expand.contains("ancestors")) {
    json list = json::array();
    for (const ConfPage* a : m_store.ancestors(p)) list.push_back(content_v1(r, *a, {}, false));
    j["ancestors"] = list;
  } else {
    expandable["ancestors"] = "";
  }
  if (expand.contains("metadata.labels")) {
    json labels = json::array();
    for (const auto& l : p.labels) labels.push_back(label_v1(l));
    j["metadata"] = json{{"labels", {{"results", labels}, {"start", 0}, {"limit", 200}, {"size", labels.size()}}}};
  } else {
    expandable["metadata"] = "";
  }
  expandable["children"] = "/rest/api/content/" + p.id + "/child";
  expandable["descendants"] = "/rest/api/content/" + p.id + "/descendant";
  expandable["restrictions"] = "/rest/api/content/" + p.id + "/restriction/byOperation";
  expandable["container"] = "/rest/api/space/" + p.space_key;
  j["_expandable"] = expandable;
  json links{{"webui", webui(p)},
             {"edit", "/pages/resumedraft.action?draftId=" + p.id},
             {"tinyui", "/pages/viewpage.action?pageId=" + p.id},
             {"self", base(r) + "/rest/api/content/" + p.id}};
  if (top_level) {
    links["base"] = base(r);
    links["context"] = context();
  }
  j["_links"] = links;
  return j;
}

json ConfluenceService::page_v2(const ConfPage& p, const ConfVersion& v, bool with_body) const {
  const ConfSpace* space = m_store.space_by_key(p.space_key);
  json j{{"id", p.id},
         {"status", p.status},
         {"title", v.title},
         {"spaceId", space != nullptr ? space->id : ""},
         {"authorId", account_id(p.creator)},
         {"ownerId", account_id(p.creator)},
         {"lastOwnerId", nullptr},
         {"createdAt", iso(p.created_ms)},
         {"version", {{"createdAt", iso(v.when_ms)}, {"message", v.message}, {"number", v.number},
                      {"minorEdit", v.minor_edit}, {"authorId", account_id(v.by)}}},
         {"body", json::object()},
         {"_links", {{"webui", webui(p)}, {"editui", "/pages/resumedraft.action?draftId=" + p.id},
                     {"tinyui", "/pages/viewpage.action?pageId=" + p.id}}}};
  // parentId / parentType are strings in the v2 description (never null): left out at the root.
  if (!p.parent_id.empty()) {
    j["parentId"] = p.parent_id;
    j["parentType"] = "page";
  }
  if (with_body) j["body"]["storage"] = json{{"representation", "storage"}, {"value", v.body}};
  return j;
}

// ---- v1 ---------------------------------------------------------------------------------

std::set<std::string> ConfluenceService::expand_of(const SbRequest& r, std::set<std::string> defaults) const {
  auto v = r.param("expand");
  if (!v) return defaults;
  std::set<std::string> out;
  for (auto& e : split_commas(*v)) out.insert(e);
  return out;
}

SbResponse ConfluenceService::v1(const SbRequest& r, const std::vector<std::string>& s) {
  const auto& m = r.method;
  auto not_allowed = [&] { return v1_error({405, "Method " + m + " is not allowed on " + r.path}); };
  if (s.empty()) return v1_error({404, "No resource at " + r.path});
  if (s[0] == "user" && s.size() == 2 && s[1] == "current") {
    if (m != "GET") return not_allowed();
    return SbResponse::json(200, user_json(r.user));
  }
  if (s[0] == "search" && s.size() == 1) return m == "GET" ? cql_search(r, false) : not_allowed();
  if (s[0] == "space") {
    if (s.size() == 1) return m == "GET" ? space_list_v1(r) : not_allowed();
    if (s.size() == 2) {
      if (m != "GET") return not_allowed();
      const ConfSpace* space = m_store.space_by_key(s[1]);
      if (space == nullptr) return v1_error({404, "No space with key : " + s[1]});
      json j = space_v1(r, *space);
      j["_links"]["base"] = base(r);
      j["_links"]["context"] = context();
      return SbResponse::json(200, j);
    }
    return v1_error({404, "No resource at " + r.path});
  }
  if (s[0] != "content") return v1_error({404, "No resource at " + r.path});
  if (s.size() == 1) {
    if (m == "GET") return content_list(r);
    if (m == "POST") return content_create(r);
    return not_allowed();
  }
  if (s[1] == "search" && s.size() == 2) return m == "GET" ? cql_search(r, true) : not_allowed();
  const std::string& id = s[1];
  if (s.size() == 2) {
    if (m == "GET") return content_get(r, id);
    if (m == "PUT") return content_update(r, id);
    if (m == "DELETE") {
      auto done = m_store.delete_page(id, r.param("status").value_or("") == "trashed");
      if (!done) return v1_error({done.error().status, done.error().message});
      return SbResponse::no_content();
    }
    return not_allowed();
  }
  const ConfPage* page = m_store.page(id);
  if (page == nullptr || page->status == "trashed") return v1_error({404, "No content with id " + id + " found"});
  if (s.size() == 4 && s[2] == "child" && s[3] == "page") {
    if (m != "GET") return not_allowed();
    return list_v1(r, m_store.children(id), expand_of(r, {}));
  }
  if (s.size() >= 4 && s[2] == "child" && s[3] == "attachment") return attachment_route_v1(r, *page, s);
  if (s[2] == "property") return properties_v1(r, *page, s);
  if (s[2] == "label" && s.size() == 3) {
    if (m == "GET") return SbResponse::json(200, labels_v1(r, *page));
    if (m == "POST") return labels_add(r, id);
    if (m == "DELETE") {
      auto name = r.param("name");
      if (!name || name->empty()) return v1_error({400, "The name query parameter is required"});
      return label_remove(id, *name);
    }
    return not_allowed();
  }
  if (s[2] == "label" && s.size() == 4) {
    if (m != "DELETE") return not_allowed();
    return label_remove(id, s[3]);
  }
  if (s[2] == "version" && s.size() == 3) {
    if (m != "GET") return not_allowed();
    json results = json::array();
    for (auto it = page->versions.rbegin(); it != page->versions.rend(); ++it) results.push_back(version_v1(r, *page, *it));
    return SbResponse::json(200, json{{"results", results}, {"start", 0}, {"limit", 200}, {"size", results.size()},
                                      {"_links", {{"base", base(r)}, {"context", context()}}}});
  }
  if (s[2] == "version" && s.size() == 4) {
    if (m != "GET") return not_allowed();
    for (const auto& v : page->versions) {
      if (std::to_string(v.number) == s[3]) {
        json j = version_v1(r, *page, v);
        j["content"] = json{{"id", page->id}, {"type", "page"}, {"title", v.title},
                            {"body", {{"storage", {{"value", v.body}, {"representation", "storage"}}}}}};
        return SbResponse::json(200, j);
      }
    }
    return v1_error({404, "No version " + s[3] + " of content " + id});
  }
  return v1_error({404, "No resource at " + r.path});
}

SbResponse ConfluenceService::space_list_v1(const SbRequest& r) const {
  auto keys = param_list(r, "spaceKey");
  json results = json::array();
  for (const auto& sp : m_store.spaces()) {
    if (!keys.empty() && std::find(keys.begin(), keys.end(), sp.key) == keys.end()) continue;
    results.push_back(space_v1(r, sp));
  }
  return SbResponse::json(200, json{{"results", results}, {"start", 0}, {"limit", 500}, {"size", results.size()},
                                    {"_links", {{"base", base(r)}, {"context", context()}}}});
}

SbResponse ConfluenceService::list_v1(const SbRequest& r, const std::vector<const ConfPage*>& all, const std::set<std::string>& expand) const {
  auto w = window(r, k_v1_max_limit);
  if (!w) return v1_error(w.error());
  json results = json::array();
  for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) {
    results.push_back(content_v1(r, *all[i], expand, false));
  }
  json links{{"base", base(r)}, {"context", context()}, {"self", base(r) + relative(r)}};
  if (w->start + w->limit < all.size()) {
    links["next"] = next_link(r, relative(r), "start", std::to_string(w->start + w->limit), w->limit);
  }
  return SbResponse::json(200, json{{"results", results}, {"start", w->start}, {"limit", w->limit},
                                    {"size", results.size()}, {"_links", links}});
}

SbResponse ConfluenceService::content_list(const SbRequest& r) const {
  std::string type = r.param("type").value_or("page");
  std::string status = r.param("status").value_or("current");
  auto space_key = r.param("spaceKey");
  auto title = r.param("title");
  std::vector<const ConfPage*> found;
  if (type == "page") {
    for (const ConfPage* p : m_store.pages()) {
      if (space_key && p->space_key != *space_key) continue;
      if (title && p->current().title != *title) continue;
      if (status != "any" && p->status != status) continue;
      found.push_back(p);
    }
  } else if (type != "blogpost") {
    return v1_error({400, "Unsupported content type: " + type});
  }
  return list_v1(r, found, expand_of(r, {}));
}

SbResponse ConfluenceService::content_get(const SbRequest& r, const std::string& id) const {
  if (auto [page, attachment] = m_store.find_attachment(id); attachment != nullptr && (id.starts_with("att") || !cloud())) {
    json j = attachment_v1(r, *page, *attachment);
    j["_links"]["base"] = base(r);
    j["_links"]["context"] = context();
    return SbResponse::json(200, j);
  }
  const ConfPage* p = m_store.page(id);
  std::string status = r.param("status").value_or("current");
  // status=historical asks for an earlier version of a current page (with `version`).
  bool visible = p != nullptr && (p->status == status || status == "any" ||
                                  (p->status == "draft" && status == "current") ||
                                  (status == "historical" && p->status == "current" && r.param("version")));
  if (!visible) return v1_error({404, "No content with id " + id + " found"});
  if (auto version = r.param("version")) {
    for (const auto& v : p->versions) {
      if (std::to_string(v.number) == *version) {
        ConfPage copy = *p;
        copy.versions.resize(static_cast<std::size_t>(v.number));
        return SbResponse::json(200, content_v1(r, copy, expand_of(r, {"space", "history", "version"}), true));
      }
    }
    return v1_error({404, "No version " + *version + " of content " + id});
  }
  return SbResponse::json(200, content_v1(r, *p, expand_of(r, {"space", "history", "version"}), true));
}

std::expected<std::string, Failure> ConfluenceService::storage_value_v1(const json& body) {
  if (!body.contains("body")) return std::string();
  const json& b = body["body"];
  if (!b.is_object()) return std::unexpected(Failure{400, "body must be an object"});
  if (!b.contains("storage")) {
    std::string other = b.empty() ? std::string("none") : b.begin().key();
    return std::unexpected(Failure{400, "Unsupported body representation '" + other + "' (the sandbox stores storage format only)"});
  }
  const json& st = b["storage"];
  if (!st.is_object() || !st.contains("value") || !st["value"].is_string()) {
    return std::unexpected(Failure{400, "body.storage.value must be a string"});
  }
  std::string rep = st.value("representation", "storage");
  if (rep != "storage") return std::unexpected(Failure{400, "Unsupported representation '" + rep + "'"});
  return st["value"].get<std::string>();
}

std::vector<ConfLabel> ConfluenceService::labels_from(const json& list) {
  std::vector<ConfLabel> out;
  auto one = [&](const json& l) {
    if (l.is_object()) out.push_back(ConfLabel{"", l.value("prefix", "global"), l.value("name", "")});
  };
  if (list.is_array()) {
    for (const auto& l : list) one(l);
  } else {
    one(list);
  }
  return out;
}

SbResponse ConfluenceService::content_create(const SbRequest& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v1_error({400, "Could not parse the request body as JSON"});
  std::string type = body.value("type", "");
  if (type != "page") return v1_error({400, type.empty() ? "Content type is required" : "Unsupported content type: " + type});
  if (!body.contains("space") || !body["space"].is_object() || !body["space"].contains("key")) {
    return v1_error({400, "Space key is required"});
  }
  ConfNewPage input;
  input.space_key = body["space"].value("key", "");
  input.title = body.value("title", "");
  input.status = body.value("status", "current");
  if (body.contains("ancestors") && body["ancestors"].is_array() && !body["ancestors"].empty()) {
    input.parent_id = id_text(body["ancestors"].back().value("id", json()));
  }
  auto value = storage_value_v1(body);
  if (!value) return v1_error(value.error());
  input.body = *value;
  if (body.contains("metadata") && body["metadata"].is_object() && body["metadata"].contains("labels")) {
    input.labels = labels_from(body["metadata"]["labels"]);
  }
  if (input.status == "current" && m_store.space_by_key(input.space_key) == nullptr) {
    // Confluence answers a missing space on create with 400 in v1 (404 is v2's).
    return v1_error({400, "No space with key : " + input.space_key});
  }
  auto created = m_store.create_page(input, r.user, epoch_ms(r.now));
  if (!created) return v1_error({created.error().status, created.error().message});
  return SbResponse::json(200, content_v1(r, **created, {"space", "history", "version", "ancestors", "body.storage"}, true));
}

SbResponse ConfluenceService::content_update(const SbRequest& r, const std::string& id) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v1_error({400, "Could not parse the request body as JSON"});
  if (m_store.page(id) == nullptr) return v1_error({404, "No content with id " + id + " found"});
  if (body.contains("id") && id_text(body["id"]) != id) return v1_error({400, "Content id in the body does not match the path"});
  if (body.value("type", "") != "page") return v1_error({400, "Content type is required and must be page"});
  if (!body.contains("version") || !body["version"].is_object() || !body["version"].contains("number") ||
      !body["version"]["number"].is_number_integer()) {
    return v1_error({400, "Version number is required to update content"});
  }
  ConfPageUpdate input;
  input.title = body.value("title", "");
  input.version_number = body["version"]["number"].get<int>();
  input.message = body["version"].value("message", "");
  input.minor_edit = body["version"].value("minorEdit", false);
  if (body.contains("body")) {
    auto value = storage_value_v1(body);
    if (!value) return v1_error(value.error());
    input.body = *value;
  }
  if (body.contains("ancestors") && body["ancestors"].is_array() && !body["ancestors"].empty()) {
    input.parent_id = id_text(body["ancestors"].back().value("id", json()));
  }
  if (body.contains("status") && body["status"].is_string()) input.status = body["status"].get<std::string>();
  auto updated = m_store.update_page(id, input, r.user, epoch_ms(r.now));
  if (!updated) return v1_error({updated.error().status, updated.error().message});
  return SbResponse::json(200, content_v1(r, **updated, {"space", "history", "version", "ancestors", "body.storage"}, true));
}

SbResponse ConfluenceService::labels_add(const SbRequest& r, const std::string& id) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || (!body.is_array() && !body.is_object())) {
    return v1_error({400, "Body must be a label or a list of labels"});
  }
  auto labels = labels_from(body);
  if (labels.empty()) return v1_error({400, "No labels given"});
  auto added = m_store.add_labels(id, labels);
  if (!added) return v1_error({added.error().status, added.error().message});
  return SbResponse::json(200, labels_v1(r, **added));
}

SbResponse ConfluenceService::label_remove(const std::string& id, const std::string& name) {
  auto removed = m_store.remove_label(id, name);
  if (!removed) return v1_error({removed.error().status, removed.error().message});
  return SbResponse::no_content();
}

// ---- v2 ---------------------------------------------------------------------------------

// A v2 list answer with cursor paging: body _links.next and the Link header.
SbResponse ConfluenceService::list_v2(const SbRequest& r, json items, const Window& w, std::size_t total) const {
  json links{{"base", base(r)}};
  std::string next;
  if (w.start + w.limit < total) {
    next = next_link(r, r.path, "cursor", make_cursor(w.start + w.limit), w.limit);
    links["next"] = next;
  }
  SbResponse res = SbResponse::json(200, json{{"results", std::move(items)}, {"_links", links}});
  if (!next.empty()) res.headers["Link"] = "<" + next + ">; rel=\"next\", <" + base(r) + ">; rel=\"base\"";
  return res;
}

SbResponse ConfluenceService::v2(const SbRequest& r, const std::vector<std::string>& s) {
  const auto& m = r.method;
  auto not_allowed = [&] { return v2_error({405, "Method " + m + " is not allowed on " + r.path}); };
  if (s.empty()) return v2_error({404, "No resource at " + r.path});
  if (s[0] == "spaces") {
    if (s.size() == 1) return m == "GET" ? spaces_v2(r) : not_allowed();
    const ConfSpace* space = m_store.space_by_id(s[1]);
    if (space == nullptr) return v2_error({404, "No space with id " + s[1]});
    if (s.size() == 2) return m == "GET" ? SbResponse::json(200, space_v2(r, *space)) : not_allowed();
    if (s.size() == 3 && s[2] == "pages") return m == "GET" ? pages_list_v2(r, space->key) : not_allowed();
    return v2_error({404, "No resource at " + r.path});
  }
  if (s[0] == "attachments" && s.size() == 2) return m == "GET" ? attachment_get_v2(r, s[1]) : not_allowed();
  if (s[0] != "pages") return v2_error({404, "No resource at " + r.path});
  if (s.size() == 1) {
    if (m == "GET") return pages_list_v2(r, "");
    if (m == "POST") return page_create_v2(r);
    return not_allowed();
  }
  const std::string& id = s[1];
  const ConfPage* page = m_store.page(id);
  if (s.size() == 2) {
    if (m == "GET") return page_get_v2(r, id);
    if (m == "PUT") return page_update_v2(r, id);
    if (m == "DELETE") {
      auto done = m_store.delete_page(id, r.param("purge").value_or("") == "true");
      if (!done) return v2_error({done.error().status, done.error().message});
      return SbResponse::no_content();
    }
    return not_allowed();
  }
  if (page == nullptr || page->status == "trashed") return v2_error({404, "No page with id " + id});
  if (s.size() >= 3 && s[2] == "properties") return properties_v2(r, *page, s);
  if (s.size() != 3) return v2_error({404, "No resource at " + r.path});
  if (s[2] == "title") return m == "PUT" ? page_title_v2(r, id) : not_allowed();
  if (m != "GET") return not_allowed();
  if (s[2] == "attachments") return attachments_list_v2(r, *page);
  auto w = window(r, k_v2_max_limit);
  if (!w) return v2_error(w.error());
  if (s[2] == "children") {
    auto kids = m_store.children(id);
    json items = json::array();
    for (std::size_t i = w->start; i < kids.size() && i < w->start + w->limit; ++i) {
      const ConfSpace* space = m_store.space_by_key(kids[i]->space_key);
      items.push_back(json{{"id", kids[i]->id}, {"status", kids[i]->status}, {"title", kids[i]->current().title},
                           {"spaceId", space != nullptr ? space->id : ""}, {"childPosition", i}});
    }
    return list_v2(r, items, *w, kids.size());
  }
  if (s[2] == "labels") {
    auto prefix = r.param("prefix");
    std::vector<const ConfLabel*> all;
    for (const auto& l : page->labels) {
      if (!prefix || l.prefix == *prefix) all.push_back(&l);
    }
    json items = json::array();
    for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) {
      items.push_back(json{{"id", all[i]->id}, {"name", all[i]->name}, {"prefix", all[i]->prefix}});
    }
    return list_v2(r, items, *w, all.size());
  }
  if (s[2] == "ancestors") {
    // Top-to-bottom; with more than `limit` ancestors, the nearest `limit` ones (the caller
    // asks again from the first one returned), and no cursor.
    auto chain = m_store.ancestors(*page);
    std::size_t from = chain.size() > w->limit ? chain.size() - w->limit : 0;
    json items = json::array();
    for (std::size_t i = from; i < chain.size(); ++i) items.push_back(json{{"id", chain[i]->id}, {"type", "page"}});
    return SbResponse::json(200, json{{"results", items}, {"_links", {{"base", base(r)}}}});
  }
  if (s[2] == "versions") {
    json items = json::array();
    std::size_t total = page->versions.size();
    for (std::size_t i = w->start; i < total && i < w->start + w->limit; ++i) {
      const ConfVersion& v = page->versions[total - 1 - i];
      items.push_back(json{{"createdAt", iso(v.when_ms)}, {"message", v.message}, {"number", v.number},
                           {"minorEdit", v.minor_edit}, {"authorId", account_id(v.by)}});
    }
    return list_v2(r, items, *w, total);
  }
  return v2_error({404, "No resource at " + r.path});
}

SbResponse ConfluenceService::spaces_v2(const SbRequest& r) const {
  auto w = window(r, k_v2_max_limit);
  if (!w) return v2_error(w.error());
  auto keys = param_list(r, "keys");
  auto ids = param_list(r, "ids");
  std::vector<const ConfSpace*> all;
  for (const auto& sp : m_store.spaces()) {
    if (!keys.empty() && std::find(keys.begin(), keys.end(), sp.key) == keys.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), sp.id) == ids.end()) continue;
    all.push_back(&sp);
  }
  json items = json::array();
  for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) items.push_back(space_v2(r, *all[i]));
  return list_v2(r, items, *w, all.size());
}

std::expected<bool, Failure> ConfluenceService::body_format(const SbRequest& r) const {
  auto f = r.param("body-format");
  if (!f || f->empty()) return false;
  if (*f == "storage") return true;
  return std::unexpected(Failure{400, "body-format " + *f + " is not supported by the sandbox (use storage)"});
}

SbResponse ConfluenceService::pages_list_v2(const SbRequest& r, const std::string& only_space) const {
  auto w = window(r, k_v2_max_limit);
  if (!w) return v2_error(w.error());
  auto with_body = body_format(r);
  if (!with_body) return v2_error(with_body.error());
  auto space_ids = param_list(r, "space-id");
  auto ids = param_list(r, "id");
  auto statuses = param_list(r, "status");
  if (statuses.empty()) statuses = {"current"};
  auto title = r.param("title");
  std::vector<const ConfPage*> all;
  for (const ConfPage* p : m_store.pages()) {
    const ConfSpace* space = m_store.space_by_key(p->space_key);
    std::string space_id = space != nullptr ? space->id : "";
    if (!only_space.empty() && p->space_key != only_space) continue;
    if (!space_ids.empty() && std::find(space_ids.begin(), space_ids.end(), space_id) == space_ids.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), p->id) == ids.end()) continue;
    if (std::find(statuses.begin(), statuses.end(), p->status) == statuses.end()) continue;
    if (title && p->current().title != *title) continue;
    all.push_back(p);
  }
  if (auto sort = r.param("sort"); sort && !sort->empty()) {
    std::string key = *sort;
    bool desc = key.starts_with("-");
    if (desc) key = key.substr(1);
    if (key != "id" && key != "title" && key != "created-date" && key != "modified-date") {
      return v2_error({400, "Unsupported sort " + *sort});
    }
    std::stable_sort(all.begin(), all.end(), [&](const ConfPage* a, const ConfPage* b) {
      bool less = false;
      bool greater = false;
      if (key == "title") {
        less = a->current().title < b->current().title;
        greater = b->current().title < a->current().title;
      } else if (key == "created-date") {
        less = a->created_ms < b->created_ms;
        greater = b->created_ms < a->created_ms;
      } else if (key == "modified-date") {
        less = a->current().when_ms < b->current().when_ms;
        greater = b->current().when_ms < a->current().when_ms;
      } else {
        less = std::stoll(a->id) < std::stoll(b->id);
        greater = std::stoll(b->id) < std::stoll(a->id);
      }
      return desc ? greater : less;
    });
  }
  json items = json::array();
  for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) {
    items.push_back(page_v2(*all[i], all[i]->current(), *with_body));
  }
  return list_v2(r, items, *w, all.size());
}

SbResponse ConfluenceService::page_get_v2(const SbRequest& r, const std::string& id) const {
  const ConfPage* p = m_store.page(id);
  if (p == nullptr || p->status == "trashed") return v2_error({404, "No page with id " + id});
  auto with_body = body_format(r);
  if (!with_body) return v2_error(with_body.error());
  const ConfVersion* v = &p->current();
  if (auto n = r.param("version")) {
    auto it = std::find_if(p->versions.begin(), p->versions.end(),
                           [&](const ConfVersion& x) { return std::to_string(x.number) == *n; });
    if (it == p->versions.end()) return v2_error({404, "No version " + *n + " of page " + id});
    v = &*it;
  }
  json j = page_v2(*p, *v, *with_body);
  if (r.param("include-labels").value_or("") == "true") {
    json labels = json::array();
    for (const auto& l : p->labels) labels.push_back(json{{"id", l.id}, {"name", l.name}, {"prefix", l.prefix}});
    j["labels"] = json{{"results", labels}, {"meta", {{"hasMore", false}, {"cursor", ""}}}, {"_links", json::object()}};
  }
  j["_links"]["base"] = base(r);
  return SbResponse::json(200, j);
}

std::expected<std::string, Failure> ConfluenceService::storage_value_v2(const json& body) {
  if (!body.contains("body") || !body["body"].is_object()) return std::unexpected(Failure{400, "body is required"});
  json b = body["body"];
  if (b.contains("storage") && b["storage"].is_object()) b = b["storage"];
  std::string rep = b.value("representation", "");
  if (rep != "storage") {
    return std::unexpected(Failure{400, "body representation '" + rep + "' is not supported by the sandbox (use storage)"});
  }
  if (!b.contains("value") || !b["value"].is_string()) return std::unexpected(Failure{400, "body.value must be a string"});
  return b["value"].get<std::string>();
}

SbResponse ConfluenceService::page_create_v2(const SbRequest& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v2_error({400, "Could not parse the request body as JSON"});
  std::string space_id = id_text(body.value("spaceId", json()));
  if (space_id.empty()) return v2_error({400, "spaceId is required"});
  const ConfSpace* space = m_store.space_by_id(space_id);
  if (space == nullptr) return v2_error({404, "No space with id " + space_id});
  ConfNewPage input;
  input.space_key = space->key;
  input.title = body.value("title", "");
  input.status = body.value("status", "current");
  input.parent_id = id_text(body.value("parentId", json()));
  if (input.parent_id.empty() && r.param("root-level").value_or("") != "true") input.parent_id = space->homepage_id;
  auto value = storage_value_v2(body);
  if (!value) return v2_error(value.error());
  input.body = *value;
  auto created = m_store.create_page(input, r.user, epoch_ms(r.now));
  if (!created) return v2_error({created.error().status, created.error().message});
  json j = page_v2(**created, (*created)->current(), true);
  j["_links"]["base"] = base(r);
  return SbResponse::json(200, j);
}

SbResponse ConfluenceService::page_update_v2(const SbRequest& r, const std::string& id) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v2_error({400, "Could not parse the request body as JSON"});
  const ConfPage* p = m_store.page(id);
  if (p == nullptr) return v2_error({404, "No page with id " + id});
  if (id_text(body.value("id", json())) != id) return v2_error({400, "id is required and must match the path"});
  if (!body.contains("status") || !body["status"].is_string()) return v2_error({400, "status is required"});
  if (!body.contains("title") || !body["title"].is_string()) return v2_error({400, "title is required"});
  if (!body.contains("version") || !body["version"].is_object() || !body["version"].contains("number") ||
      !body["version"]["number"].is_number_integer()) {
    return v2_error({400, "version.number is required"});
  }
  auto value = storage_value_v2(body);
  if (!value) return v2_error(value.error());
  ConfPageUpdate input;
  input.title = body["title"].get<std::string>();
  input.body = *value;
  input.version_number = body["version"]["number"].get<int>();
  input.message = body["version"].value("message", "");
  input.minor_edit = body["version"].value("minorEdit", false);
  input.status = body["status"].get<std::string>();
  if (body.contains("spaceId")) {
    const ConfSpace* space = m_store.space_by_key(p->space_key);
    if (space != nullptr && id_text(body["spaceId"]) != space->id) return v2_error({400, "A page cannot be moved to another space"});
  }
  if (body.contains("parentId") && !body["parentId"].is_null()) input.parent_id = id_text(body["parentId"]);
  auto updated = m_store.update_page(id, input, r.user, epoch_ms(r.now));
  if (!updated) return v2_error({updated.error().status, updated.error().message});
  json j = page_v2(**updated, (*updated)->current(), true);
  j["_links"]["base"] = base(r);
  return SbResponse::json(200, j);
}

SbResponse ConfluenceService::page_title_v2(const SbRequest& r, const std::string& id) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v2_error({400, "Could not parse the request body as JSON"});
  const ConfPage* p = m_store.page(id);
  if (p == nullptr || p->status == "trashed") return v2_error({404, "No page with id " + id});
  if (!body.contains("status") || !body["status"].is_string()) return v2_error({400, "status is required"});
  const std::string status = body["status"].get<std::string>();
  if (status != "current" && status != "draft") return v2_error({400, "status must be current or draft"});
  if (!body.contains("title") || !body["title"].is_string() || body["title"].get<std::string>().empty())
    return v2_error({400, "title is required"});
  ConfPageUpdate input;
  input.title = body["title"].get<std::string>();
  input.version_number = p->current().number + 1;
  input.status = status;
  auto updated = m_store.update_page(id, input, r.user, epoch_ms(r.now));
  if (!updated) return v2_error({updated.error().status, updated.error().message});
  json j = page_v2(**updated, (*updated)->current(), false);
  j["_links"]["base"] = base(r);
  return SbResponse::json(200, j);
}

}  // namespace conf

std::unique_ptr<Service> make_confluence_service(Flavor flavor) { return std::make_unique<conf::ConfluenceService>(flavor); }

}  // namespace sandbox
