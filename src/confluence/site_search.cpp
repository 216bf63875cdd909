// Site search through REST v1 /search on both flavors (v2 has no search): hits with a plain-text
// excerpt and the page labels, in Confluence's relevance order.
#include <algorithm>

#include "excerpt.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"
#include "paging.hpp"

namespace faultline::confluence {
namespace {

using json_access::array;
using json_access::member;
using json_access::text;

// metadata.labels is a page of labels {"results":[{"prefix","name"}...]}.
std::vector<std::string> label_names(const nlohmann::json& content) {
  std::vector<std::string> names;
  for (const auto& label : array(member(member(content, "metadata"), "labels"), "results")) {
    if (auto name = text(label, "name"); !name.empty()) names.push_back(std::move(name));
  }
  return names;
}

// "/spaces/OPS" (Cloud) or "/display/OPS" (Data Center) -> "OPS".
std::string space_key_from_display_url(std::string_view url) {
  for (std::string_view prefix : {"/spaces/", "/display/"}) {
    if (url.starts_with(prefix)) {
      url.remove_prefix(prefix.size());
      return std::string(url.substr(0, url.find_first_of("/?#")));
    }
  }
  return {};
}

}  // namespace

Result<std::vector<SearchHit>> Client::site_search(std::string_view cql, int limit) {
  std::vector<SearchHit> out;
  if (limit <= 0) return out;
  const std::string path = "/rest/api/search";
  // Both flavors document excerpt=highlight (Cloud: highlight|indexed|none|*_unescaped; DC:
  // highlight|indexed|none) and content expansions on search results, so one query fits both.
  const http::QueryParams query{{"cql", std::string(cql)},
                                {"limit", std::to_string(std::min(limit, 100))},
                                {"excerpt", "highlight"},
                                {"expand", "content.space,content.metadata.labels"}};
  std::string url = http::build_url(m_api.base_url(), path, query);
  for (int pages = 0; pages < 1000 && !url.empty(); ++pages) {
    FAULTLINE_TRY(reply, send_url(http::Method::Get, path, url, nullptr, http::RetrySafety::ByMethod));
    const auto& body = reply->body;
    const auto& results = array(body, "results");
    const auto& links = member(body, "_links");
    for (const auto& r : results) {
      const auto& content = member(r, "content");
      SearchHit hit;
      hit.id = text(content, "id");
      hit.type = content.is_object() ? text(content, "type") : text(r, "entityType");
      // The result's own title carries highlight markers; the content's is clean.
      hit.title = text(content, "title");
      if (hit.title.empty()) hit.title = detail::plain_excerpt(text(r, "title"));
      hit.space_key = text(member(content, "space"), "key");
      if (hit.space_key.empty()) {
        hit.space_key = space_key_from_display_url(text(member(r, "resultGlobalContainer"), "displayUrl"));
      }
      std::string link = text(member(content, "_links"), "webui");
      if (link.empty()) link = text(r, "url");
      hit.web_url = absolute(link, links);
      hit.excerpt = detail::plain_excerpt(text(r, "excerpt"));
      hit.labels = label_names(content);
      out.push_back(std::move(hit));
      if (static_cast<int>(out.size()) >= limit) return out;
    }
    if (results.empty()) break;
    url = detail::next_page_url(m_api.base_url(), path, query, text(links, "next"));
  }
  return out;
}

}  // namespace faultline::confluence
