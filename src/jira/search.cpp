// JQL search. Cloud: POST /rest/api/3/search/jql with nextPageToken (no total, lagging index,
// ids only unless fields are named). Data Center: GET /rest/api/2/search with startAt/total.
#include <algorithm>
#include <iterator>
#include <set>

#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

constexpr std::string_view k_default_fields = "*navigable";

std::vector<std::string> fields_of(const SearchRequest& request) {
  if (request.fields.empty()) return {std::string(k_default_fields)};
  return request.fields;
}

int page_size_of(const SearchRequest& request, std::size_t collected) {
  int size = request.page_size > 0 ? request.page_size : 100;
  if (request.limit > 0) size = std::min(size, request.limit - static_cast<int>(collected));
  return std::max(size, 1);
}

http::QueryParams datacenter_params(const SearchRequest& request, int start_at, int max_results) {
  http::QueryParams params{{"jql", request.jql},
                           {"startAt", std::to_string(start_at)},
                           {"maxResults", std::to_string(max_results)},
                           {"fields", detail::join(fields_of(request), ",")}};
  if (!request.expand.empty()) params.emplace_back("expand", detail::join(request.expand, ","));
  // Data Center's search has no properties parameter; read them with get_issue.
  return params;
}

// Takes the issues out of `body` (a reply thrown away after) instead of copying them.
SearchPage parse_page(nlohmann::json& body) {
  SearchPage page;
  if (body.is_object()) {
    if (auto issues = body.find("issues"); issues != body.end() && issues->is_array()) {
      page.issues.reserve(issues->size());
      for (auto& issue : *issues) page.issues.push_back(parse_issue(std::move(issue)));
    }
  }
  if (auto token = detail::text(body, "nextPageToken"); !token.empty()) page.next_page_token = token;
  if (detail::member(body, "total").is_number()) page.total = detail::number(body, "total");
  page.start_at = detail::number(body, "startAt", 0);
  page.max_results = detail::number(body, "maxResults", 0);
  page.is_last = detail::flag(body, "isLast", false);
  return page;
}

}  // namespace

Result<SearchPage> Client::search_page(const SearchRequest& request, std::string_view page_token, int start_at) {
  if (request.jql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return fail(ErrorKind::Usage, "A Jira search needs a JQL query; it was empty",
                "Jira Cloud rejects unbounded searches: restrict it, e.g. project = KEY.");
  }
  if (m_flavor == Flavor::DataCenter) {
    const std::string path = std::string(api_root()) + "/search";
    FAULTLINE_TRY(reply, call(http::Method::Get, path, datacenter_params(request, start_at, page_size_of(request, 0))));
    auto page = parse_page(reply->body);
    page.is_last = page.total ? page.start_at + static_cast<int>(page.issues.size()) >= *page.total
                              : page.issues.empty();
    return page;
  }
  nlohmann::json body{{"jql", request.jql},
                      {"maxResults", page_size_of(request, 0)},
                      {"fields", fields_of(request)}};
  if (!page_token.empty()) body["nextPageToken"] = std::string(page_token);
  if (!request.expand.empty()) body["expand"] = detail::join(request.expand, ",");
  if (!request.properties.empty()) body["properties"] = request.properties;
  if (!request.reconcile_issue_ids.empty()) {
    auto ids = nlohmann::json::array();
    for (const auto& id : request.reconcile_issue_ids) {
      if (ids.size() == k_reconcile_limit) break;
      try {
        ids.push_back(std::stoll(id));
      } catch (const std::exception&) {
        return fail(ErrorKind::Usage, "reconcileIssues takes numeric issue ids, not keys: '" + id + "'");
      }
    }
    body["reconcileIssues"] = std::move(ids);
  }
  // A search is a read: sending it twice is harmless.
  auto reply = call(http::Method::Post, std::string(api_root()) + "/search/jql", {}, &body, http::RetrySafety::ReadOnly);
  if (!reply) return std::unexpected(reply.error());
  auto page = parse_page(reply->body);
  if (!page.next_page_token) page.is_last = true;
  return page;
}

Result<std::vector<Issue>> Client::search(const SearchRequest& request) {
  return m_flavor == Flavor::Cloud ? search_cloud(request) : search_datacenter(request);
}

namespace {

// Where search results go: collected, or handed page by page to request.on_page; counts
// either way, for the limit and the progress line.
class PageSink {
public:
  explicit PageSink(const SearchRequest& request) : m_request(request) {}

  // Takes the issues of one page (or batch), up to the limit. Error: on_page's.
  Result<void> take(std::vector<Issue>&& page) {
    if (m_request.limit > 0 && m_count + page.size() > static_cast<std::size_t>(m_request.limit)) {
      page.resize(static_cast<std::size_t>(m_request.limit) - m_count);
    }
    m_count += page.size();
    if (m_request.on_page) return m_request.on_page(page);
    m_issues.insert(m_issues.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    return {};
  }
  std::size_t count() const { return m_count; }
  bool full() const { return m_request.limit > 0 && m_count >= static_cast<std::size_t>(m_request.limit); }
  std::vector<Issue> issues() && { return std::move(m_issues); }

private:
  const SearchRequest& m_request;
  std::vector<Issue> m_issues;
  std::size_t m_count = 0;
};

}  // namespace

Result<std::vector<Issue>> Client::search_cloud(const SearchRequest& request) {
  PageSink sink(request);
  std::set<std::string> seen_tokens;
  std::string token;
  for (;;) {
    SearchRequest page_request = request;
    page_request.page_size = page_size_of(request, sink.count());
    FAULTLINE_TRY(page, search_page(page_request, token, 0));
    const bool empty = page->issues.empty();
    if (auto taken = sink.take(std::move(page->issues)); !taken) return std::unexpected(taken.error());
    if (sink.full()) break;
    // The last page omits nextPageToken (it is not null); isLast may be missing too.
    if (page->is_last || !page->next_page_token || empty) break;
    if (request.on_progress) request.on_progress(sink.count(), std::nullopt);
    if (!seen_tokens.insert(*page->next_page_token).second) {
      return fail(ErrorKind::Failed,
                  "Jira Cloud returned the same nextPageToken twice for \"" + request.jql + "\" after " +
                      std::to_string(sink.count()) + " issues; stopped instead of looping",
                  "Retry the command; if it persists, narrow the JQL.");
    }
    token = *page->next_page_token;
  }
  return std::move(sink).issues();
}

Result<std::vector<Issue>> Client::search_datacenter(const SearchRequest& request) {
  auto first = search_page(request, {}, 0);
  if (!first) return std::unexpected(first.error());
  PageSink sink(request);
  // The server may cap maxResults silently (jira.search.views.default.max): page by what it gave.
  const int step = static_cast<int>(first->issues.size());
  const int matched = first->total.value_or(step);  // what Jira says the search matched
  const int total = request.limit > 0 ? std::min(matched, request.limit) : matched;  // what is read
  if (auto taken = sink.take(std::move(first->issues)); !taken) return std::unexpected(taken.error());
  if (request.on_progress && total > step) request.on_progress(sink.count(), matched);
  if (step == 0 || static_cast<int>(sink.count()) >= total) return std::move(sink).issues();

  const std::string path = std::string(api_root()) + "/search";
  std::vector<int> starts;
  for (int start = step; start < total; start += step) starts.push_back(start);
  const std::size_t batch = request.concurrent_pages == 0 ? starts.size() : request.concurrent_pages;
  for (std::size_t begin = 0; begin < starts.size(); begin += batch) {
    const std::size_t end = std::min(starts.size(), begin + batch);
    std::vector<http::Request> requests;
    for (std::size_t i = begin; i < end; ++i) {
      requests.push_back(make_request(http::Method::Get, path, datacenter_params(request, starts[i], step), nullptr,
                                      http::RetrySafety::ByMethod));
    }
    auto outcomes = m_transport.send_all(requests);
    if (outcomes.size() != requests.size()) {
      return fail(ErrorKind::Failed, "The transport answered " + std::to_string(outcomes.size()) + " of " +
                                         std::to_string(requests.size()) + " search pages");
    }
    for (const auto& outcome : outcomes) {
      FAULTLINE_TRY(reply, to_reply(http::Method::Get, path, outcome));
      auto page = parse_page(reply->body);
      // A total that shrank under a concurrent edit must not overrun it.
      const auto room = static_cast<std::size_t>(std::max(0, total - static_cast<int>(sink.count())));
      if (page.issues.size() > room) page.issues.resize(room);
      if (auto taken = sink.take(std::move(page.issues)); !taken) return std::unexpected(taken.error());
    }
    if (request.on_progress) request.on_progress(sink.count(), matched);
  }
  return std::move(sink).issues();
}

}  // namespace faultline::jira
