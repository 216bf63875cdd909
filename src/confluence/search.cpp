// CQL search through REST v1 (v2 has no CQL), values quoted by core::cql_quote.
#include <algorithm>

#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/core/query.hpp"
#include "paging.hpp"

namespace faultline::confluence {
namespace {

using json_access::text;

}  // namespace

std::string page_search_cql(std::string_view space_key, std::string_view search_text,
                            const std::vector<std::string>& labels) {
  std::string cql = "type = page AND space = " + core::cql_quote(space_key);
  for (const auto& label : labels) cql += " AND label = " + core::cql_quote(label);
  if (!search_text.empty()) {
    auto quoted = core::cql_quote(search_text);
    cql += " AND (title ~ " + quoted + " OR text ~ " + quoted + ")";
  }
  return cql + " ORDER BY lastmodified DESC";
}

Result<std::vector<SearchHit>> Client::search(std::string_view cql, int limit) {
  std::vector<SearchHit> out;
  const std::string path = "/rest/api/content/search";
  const int page_size = std::clamp(limit, 1, 100);
  const http::QueryParams query{{"cql", std::string(cql)}, {"limit", std::to_string(page_size)}, {"expand", "space"}};
  std::string url = http::build_url(m_api.base_url(), path, query);
  for (int pages = 0; pages < 1000 && !url.empty(); ++pages) {
    FAULTLINE_TRY(reply, send_url(http::Method::Get, path, url, nullptr, http::RetrySafety::ByMethod));
    const auto& body = reply->body;
    if (!body.is_object() || !body.contains("results") || !body["results"].is_array()) break;
    nlohmann::json links = body.contains("_links") ? body["_links"] : nlohmann::json::object();
    for (const auto& r : body["results"]) {
      SearchHit hit;
      hit.id = text(r, "id");
      hit.type = text(r, "type");
      hit.title = text(r, "title");
      if (r.contains("space")) hit.space_key = text(r["space"], "key");
      if (r.contains("_links")) hit.web_url = absolute(text(r["_links"], "webui"), links);
      out.push_back(std::move(hit));
      if (static_cast<int>(out.size()) >= limit) return out;
    }
    if (body["results"].empty()) break;
    // Our own base and path with the link's query only: the token is never sent to a host the
    // answer names. (Appending the link to the base URL let a link such as ".evil.example/..."
    // change the host.)
    url = detail::next_page_url(m_api.base_url(), path, query, text(links, "next"));
  }
  return out;
}

}  // namespace faultline::confluence
