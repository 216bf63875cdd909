// JQL search. Cloud: POST /rest/api/3/search/jql with nextPageToken (no total, lagging index,
// ids only unless fields are named). Data Center: GET /rest/api/2/search with startAt/total.
#include <algorithm>
#include <charconv>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "faultline/core/query.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/jira/issue_stream.hpp"
#include "faultline/jira/search.hpp"
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

// One page from its outcome, parsed as a stream (no document tree for the page); a non-2xx
// answer or no answer is the error call() would give.
Result<SearchPage> page_from(const Client& client, http::Method method, const std::string& path,
                             const http::Outcome& outcome, const IssueFilter& filter) {
  if (outcome && outcome->ok()) return parse_search_page(outcome->body, filter);
  FAULTLINE_TRY(reply, client.to_reply(method, path, outcome));
  return fail(ErrorKind::Failed, "Jira answered the search with HTTP " + std::to_string(reply->status));
}

// The body of a Cloud search/jql page (fields and properties as `fields` / the request say).
Result<nlohmann::json> cloud_body(const SearchRequest& request, std::string_view token, int max_results,
                                  const std::vector<std::string>* fields, bool with_properties) {
  nlohmann::json body{{"jql", request.jql}, {"maxResults", max_results}};
  if (fields) body["fields"] = *fields;
  if (!token.empty()) body["nextPageToken"] = std::string(token);
  if (!request.expand.empty() && fields) body["expand"] = detail::join(request.expand, ",");
  if (with_properties && !request.properties.empty()) body["properties"] = request.properties;
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
  return body;
}

}  // namespace

Result<SearchPage> Client::search_page(const SearchRequest& request, std::string_view page_token, int start_at) {
  if (request.jql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return fail(ErrorKind::Usage, "A Jira search needs a JQL query; it was empty",
                "Jira Cloud rejects unbounded searches: restrict it, e.g. project = KEY.");
  }
  if (m_flavor == Flavor::DataCenter) {
    const std::string path = std::string(api_root()) + "/search";
    const auto outcome = m_transport.send(make_request(http::Method::Get, path,
                                                       datacenter_params(request, start_at, page_size_of(request, 0)),
                                                       nullptr, http::RetrySafety::ByMethod));
    FAULTLINE_TRY(parsed, page_from(*this, http::Method::Get, path, outcome, search_filter(request)));
    auto page = std::move(*parsed);
    page.is_last = page.total ? page.start_at + static_cast<int>(page.issues.size()) >= *page.total
                              : page.issues.empty();
    return page;
  }
  const auto fields = fields_of(request);
  FAULTLINE_TRY(body, cloud_body(request, page_token, page_size_of(request, 0), &fields, true));
  // A search is a read: sending it twice is harmless.
  const std::string path = std::string(api_root()) + "/search/jql";
  const auto outcome = m_transport.send(make_request(http::Method::Post, path, {}, &*body, http::RetrySafety::ReadOnly));
  FAULTLINE_TRY(parsed, page_from(*this, http::Method::Post, path, outcome, search_filter(request)));
  auto page = std::move(*parsed);
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
    const auto filter = search_filter(request);
    for (const auto& outcome : outcomes) {
      FAULTLINE_TRY(parsed, page_from(*this, http::Method::Get, path, outcome, filter));
      auto page = std::move(*parsed);
      // A total that shrank under a concurrent edit must not overrun it.
      const auto room = static_cast<std::size_t>(std::max(0, total - static_cast<int>(sink.count())));
      if (page.issues.size() > room) page.issues.resize(room);
      if (auto taken = sink.take(std::move(page.issues)); !taken) return std::unexpected(taken.error());
    }
    if (request.on_progress) request.on_progress(sink.count(), matched);
  }
  return std::move(sink).issues();
}

// --- long reads (search.hpp) -------------------------------------------------------------------

DatacenterPages datacenter_pages(int total, int step, int window) {
  DatacenterPages out;
  if (step <= 0) return out;
  const int end = std::min(total, window);
  for (int start = step; start < end; start += step) out.pages.push_back({start, std::min(step, window - start)});
  out.beyond_window = total > window;
  return out;
}

std::string jql_without_order(std::string_view jql) {
  // The last " ORDER BY " outside quotes ends the query proper.
  std::optional<std::size_t> order;
  char quote = 0;
  for (std::size_t i = 0; i < jql.size(); ++i) {
    const char c = jql[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if ((i == 0 || jql[i - 1] == ' ' || jql[i - 1] == ')') && i + 5 <= jql.size() &&
        detail::iequals(jql.substr(i, 5), "order")) {
      std::size_t j = i + 5;
      while (j < jql.size() && jql[j] == ' ') ++j;
      if (j > i + 5 && j + 2 <= jql.size() && detail::iequals(jql.substr(j, 2), "by")) order = i;
    }
  }
  std::string_view head = order ? jql.substr(0, *order) : jql;
  while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
  return std::string(head);
}

std::vector<std::vector<std::string>> bulk_fetch_batches(const std::vector<std::string>& ids, std::size_t limit) {
  std::vector<std::vector<std::string>> batches;
  limit = std::max<std::size_t>(limit, 1);
  for (std::size_t i = 0; i < ids.size(); i += limit) {
    batches.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i),
                         ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + limit)));
  }
  return batches;
}

std::vector<std::pair<long long, long long>> id_ranges(const std::vector<std::string>& ids, std::size_t size) {
  std::vector<long long> numbers;
  numbers.reserve(ids.size());
  for (const auto& id : ids) {
    long long n = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (error != std::errc() || end != id.data() + id.size() || n <= 0) return {};
    numbers.push_back(n);
  }
  std::sort(numbers.begin(), numbers.end());
  std::vector<std::pair<long long, long long>> out;
  size = std::max<std::size_t>(size, 1);
  for (std::size_t i = 0; i < numbers.size(); i += size)
    out.emplace_back(numbers[i], numbers[std::min(numbers.size(), i + size) - 1]);
  return out;
}

namespace {

using Each = std::function<Result<void>(std::vector<Issue>&)>;

// Hands batches to `each` up to request.limit, counting them.
class BatchSink {
public:
  BatchSink(const SearchRequest& request, const Each& each) : m_request(request), m_each(each) {}
  Result<void> give(std::vector<Issue>&& batch) {
    if (m_request.limit > 0 && m_count + batch.size() > static_cast<std::size_t>(m_request.limit)) {
      batch.resize(static_cast<std::size_t>(m_request.limit) - m_count);
    }
    m_count += batch.size();
    if (batch.empty()) return {};
    return m_each(batch);
  }
  std::size_t count() const { return m_count; }
  // How many more may be taken (INT_MAX without a limit).
  int room() const {
    if (m_request.limit <= 0) return std::numeric_limits<int>::max();
    return std::max(0, m_request.limit - static_cast<int>(m_count));
  }

private:
  const SearchRequest& m_request;
  const Each& m_each;
  std::size_t m_count = 0;
};

// A page read as a stream, with what it said about itself.
struct StreamedPage {
  std::vector<Issue> issues;
  PageInfo info;
};

Result<StreamedPage> stream_page(const Client& client, http::Method method, const std::string& path,
                                 const http::Outcome& outcome, const IssueFilter& filter) {
  if (!outcome || !outcome->ok()) {
    FAULTLINE_TRY(reply, client.to_reply(method, path, outcome));
    return fail(ErrorKind::Failed, "Jira answered " + path + " with HTTP " + std::to_string(reply->status));
  }
  StreamedPage page;
  FAULTLINE_TRY(info, stream_issues(outcome->body, filter, [&page](Issue&& issue) { page.issues.push_back(std::move(issue)); }));
  page.info = *info;
  return page;
}

Result<void> read_datacenter(Client& client, http::Transport& transport, const SearchRequest& request,
                             BatchSink& sink, const ReadPlan& plan) {
  const std::string path = std::string(client.api_root()) + "/search";
  const auto filter = search_filter(request);
  const bool slicing = plan.any_order && request.limit <= 0;
  const std::string base = slicing ? jql_without_order(request.jql) : request.jql;
  const bool properties = plan.datacenter_properties && !request.properties.empty();
  const std::size_t per_round = request.concurrent_pages == 0 ? std::numeric_limits<std::size_t>::max()
                                                              : request.concurrent_pages;
  std::vector<Issue> held;  // read, waiting for their property GETs

  auto page_request = [&](const std::string& jql, int start_at, int max_results) {
    auto params = datacenter_params(request, start_at, max_results);
    params.front().second = jql;
    // Not in the 10.3 OpenAPI file: a server that ignores it is answered with GETs below.
    if (properties) params.emplace_back("properties", detail::join(request.properties, ","));
    return client.make_request(http::Method::Get, path, params, nullptr, http::RetrySafety::ByMethod);
  };
  // One round trip wave: `requests` (pages) and the property GETs of the held issues go out
  // together; the held issues are handed over, then each page to `on_page`, one at a time,
  // its body freed as soon as it is read (a page's text and its issues are never all held).
  using OnPage = std::function<Result<void>(StreamedPage&)>;
  auto round = [&](std::vector<http::Request> requests, const OnPage& on_page) -> Result<void> {
    const std::size_t page_count = requests.size();
    std::vector<std::pair<std::size_t, const std::string*>> asks;
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (plan.wants_property && !plan.wants_property(held[i])) continue;
      for (const auto& property : request.properties) {
        if (held[i].properties.is_object() && held[i].properties.contains(property)) continue;
        asks.emplace_back(i, &property);
        requests.push_back(client.make_request(
            http::Method::Get,
            std::string(client.api_root()) + "/issue/" + http::url_encode(held[i].key) + "/properties/" +
                http::url_encode(property),
            {}, nullptr, http::RetrySafety::ByMethod));
      }
    }
    if (requests.empty()) return {};
    auto outcomes = transport.send_all(requests);
    if (outcomes.size() != requests.size()) {
      return fail(ErrorKind::Failed, "The transport answered " + std::to_string(outcomes.size()) + " of " +
                                         std::to_string(requests.size()) + " requests");
    }
    for (std::size_t k = 0; k < asks.size(); ++k) {
      const auto& outcome = outcomes[page_count + k];
      if (!outcome || !outcome->ok()) continue;  // a property that cannot be read is left out
      auto body = nlohmann::json::parse(outcome->body, nullptr, false);
      if (!body.is_object() || !body.contains("value")) continue;
      auto& issue = held[asks[k].first];
      if (!issue.properties.is_object()) issue.properties = nlohmann::json::object();
      issue.properties[*asks[k].second] = std::move(body["value"]);
    }
    if (!held.empty()) {
      auto batch = std::move(held);
      held.clear();
      FAULTLINE_TRY(given, sink.give(std::move(batch)));
    }
    for (std::size_t i = 0; i < page_count; ++i) {
      FAULTLINE_TRY(page, stream_page(client, http::Method::Get, path, outcomes[i], filter));
      if (outcomes[i]) std::string().swap(outcomes[i]->body);
      FAULTLINE_TRY(done, on_page(*page));
    }
    return {};
  };
  // A page's issues: handed over, or held for their properties when the server left them out.
  auto take = [&](StreamedPage& page) -> Result<void> {
    if (properties && page.info.with_properties < page.issues.size()) {
      for (auto& issue : page.issues) held.push_back(std::move(issue));
      return {};
    }
    return sink.give(std::move(page.issues));
  };

  std::string after;
  std::size_t before = 0;  // read in the slices before this one
  for (;;) {
    std::string jql = request.jql;
    if (slicing) {
      jql = (after.empty() ? base : core::jql_and({base, "key > " + core::jql_quote(after)})) + " ORDER BY key ASC";
    }
    const int first_max = std::min(std::max(plan.datacenter_page, 1), std::max(sink.room(), 1));
    int step = 0;
    int matched = 0;
    std::string last_key;
    FAULTLINE_TRY(first, round({page_request(jql, 0, first_max)}, [&](StreamedPage& page) -> Result<void> {
      // The server may cap maxResults silently (jira.search.views.default.max): page by what it gave.
      step = static_cast<int>(page.issues.size());
      matched = page.info.total.value_or(step);
      if (step > 0) last_key = page.issues.back().key;
      return take(page);
    }));
    // A limit means one slice (no slicing): read up to it.
    const int wanted = request.limit > 0 ? std::min(matched, request.limit) : matched;
    if (request.on_progress) request.on_progress(before + static_cast<std::size_t>(step), static_cast<int>(before) + matched);
    const auto later = datacenter_pages(wanted, step, slicing ? plan.datacenter_window : std::numeric_limits<int>::max());
    std::size_t in_slice = static_cast<std::size_t>(step);
    for (std::size_t begin = 0; begin < later.pages.size(); begin += per_round) {
      const std::size_t end = std::min(later.pages.size(), begin + per_round);
      std::vector<http::Request> requests;
      for (std::size_t i = begin; i < end; ++i)
        requests.push_back(page_request(jql, later.pages[i].start_at, later.pages[i].max_results));
      FAULTLINE_TRY(pages, round(std::move(requests), [&](StreamedPage& p) -> Result<void> {
        if (!p.issues.empty()) last_key = p.issues.back().key;
        in_slice += p.issues.size();
        return take(p);
      }));
      if (request.on_progress) request.on_progress(before + in_slice, static_cast<int>(before) + matched);
    }
    if (!slicing || !later.beyond_window || step == 0 || last_key.empty() || sink.room() == 0) break;
    after = last_key;
    before += in_slice;
  }
  FAULTLINE_TRY(flushed, round({}, [](StreamedPage&) -> Result<void> { return {}; }));
  return {};
}

Result<void> read_cloud(Client& client, http::Transport& transport, const SearchRequest& request, BatchSink& sink,
                        const ReadPlan& plan) {
  const std::string search_path = std::string(client.api_root()) + "/search/jql";
  const std::string fetch_path = std::string(client.api_root()) + "/issue/bulkfetch";
  const auto fields = fields_of(request);
  const auto filter = search_filter(request);
  const IssueFilter ids_only{{"id"}, false, false, {}};
  // A caller that sorts the issues itself has them read in key order, which within a project is
  // the order of their ids: each page of ids is then about one id range (the range searches).
  SearchRequest key_ordered;
  if (plan.any_order) {
    key_ordered = request;
    key_ordered.jql = jql_without_order(request.jql) + " ORDER BY key ASC";
  }
  const SearchRequest& ordered = plan.any_order ? key_ordered : request;
  std::set<std::string> seen_tokens;
  std::size_t ids_read = 0;

  auto ids_request = [&](std::string_view token) -> Result<http::Request> {
    const int room = sink.room() == std::numeric_limits<int>::max()
                         ? plan.cloud_id_page
                         : std::max(1, std::min(plan.cloud_id_page, sink.room() - static_cast<int>(ids_read - sink.count())));
    FAULTLINE_TRY(body, cloud_body(ordered, token, room, nullptr, false));
    return client.make_request(http::Method::Post, search_path, {}, &*body, http::RetrySafety::ReadOnly);
  };

  FAULTLINE_TRY(first, ids_request({}));
  std::vector<http::Request> requests{std::move(*first)};
  // The first page with its fields, beside the first ids page: a read it holds whole ends
  // here; otherwise the ids it held are not fetched again.
  std::set<std::string> read_first;
  std::optional<std::vector<http::Outcome>> answered;  // the first round, already sent
  std::size_t granted = 0;  // issues the first page with fields held, when it did not hold all
  if (plan.cloud_first_page > 0 && request.limit <= 0) {
    FAULTLINE_TRY(body, cloud_body(ordered, {}, plan.cloud_first_page, &fields, true));
    requests.push_back(client.make_request(http::Method::Post, search_path, {}, &*body, http::RetrySafety::ReadOnly));
    auto outcomes = transport.send_all(requests);
    if (outcomes.size() != requests.size()) {
      return fail(ErrorKind::Failed, "The transport answered " + std::to_string(outcomes.size()) + " of " +
                                         std::to_string(requests.size()) + " requests");
    }
    FAULTLINE_TRY(page, stream_page(client, http::Method::Post, search_path, outcomes[1], filter));
    const bool whole = page->info.is_last || !page->info.next_page_token || page->issues.empty();
    granted = page->issues.size();
    for (const auto& issue : page->issues) read_first.insert(issue.id);
    FAULTLINE_TRY(given, sink.give(std::move(page->issues)));
    if (whole) return {};
    if (request.on_progress) request.on_progress(sink.count(), std::nullopt);
    requests.pop_back();
    outcomes.pop_back();
    answered = std::move(outcomes);
  }
  // A server that grants more issues per page with fields than a bulk fetch holds (the first
  // page says how many) is read in searches over id ranges of that many issues, side by side:
  // what it grants, concurrently, instead of bulk fetches of 100 or a chain of pages.
  const std::size_t slice = granted > plan.bulk_fetch_limit ? granted : 0;
  const std::string base_jql = jql_without_order(request.jql);
  bool ids_pending = true;  // requests.front() is an ids page
  std::vector<std::vector<std::string>> fetching;  // the id batches of the bulk fetches in `requests`
  std::vector<std::string> sliced;  // the ids the range searches in `requests` (after the bulk fetches) read
  std::size_t ranges = 0;           // how many range searches `requests` ends with
  while (!requests.empty()) {
    auto outcomes = answered ? std::move(*answered) : transport.send_all(requests);
    answered.reset();
    if (outcomes.size() != requests.size()) {
      return fail(ErrorKind::Failed, "The transport answered " + std::to_string(outcomes.size()) + " of " +
                                         std::to_string(requests.size()) + " requests");
    }
    std::vector<http::Request> next;
    std::vector<std::vector<std::string>> next_fetching;
    std::vector<http::Request> next_ranges;
    std::vector<std::string> next_sliced;
    std::size_t at = 0;
    if (ids_pending) {
      FAULTLINE_TRY(page, stream_page(client, http::Method::Post, search_path, outcomes[0], ids_only));
      at = 1;
      std::vector<std::string> ids;
      for (auto& issue : page->issues) {
        if (sink.room() != std::numeric_limits<int>::max() &&
            ids_read + ids.size() >= sink.count() + static_cast<std::size_t>(sink.room()))
          break;
        if (!issue.id.empty() && !read_first.contains(issue.id)) ids.push_back(std::move(issue.id));
      }
      ids_read += ids.size();
      const bool limit_reached = sink.room() != std::numeric_limits<int>::max() &&
                                 ids_read >= sink.count() + static_cast<std::size_t>(sink.room());
      const auto& token = page->info.next_page_token;
      const bool last = page->info.is_last || !token || page->issues.empty() || limit_reached;
      if (!last) {
        if (!seen_tokens.insert(*token).second) {
          return fail(ErrorKind::Failed,
                      "Jira Cloud returned the same nextPageToken twice for \"" + request.jql + "\" after " +
                          std::to_string(ids_read) + " issues; stopped instead of looping",
                      "Retry the command; if it persists, narrow the JQL.");
        }
        FAULTLINE_TRY(more, ids_request(*token));
        next.push_back(std::move(*more));
      }
      ids_pending = !last;
      const auto spans = slice > 0 ? id_ranges(ids, slice) : std::vector<std::pair<long long, long long>>{};
      if (!spans.empty()) {
        SearchRequest range = request;
        for (const auto& [low, high] : spans) {
          range.jql = core::jql_and({base_jql, fmt::format("id >= {} AND id <= {}", low, high)});
          FAULTLINE_TRY(body, cloud_body(range, {}, static_cast<int>(slice), &fields, true));
          next_ranges.push_back(
              client.make_request(http::Method::Post, search_path, {}, &*body, http::RetrySafety::ReadOnly));
        }
        next_sliced = std::move(ids);
      } else {
        for (auto& batch : bulk_fetch_batches(ids, plan.bulk_fetch_limit)) {
          next.push_back(bulk_fetch_request(client, batch, fields, request.properties, request.expand));
          next_fetching.push_back(std::move(batch));
        }
      }
    }
    // The bulk fetches of this round, put back in search order.
    for (std::size_t b = 0; b < fetching.size(); ++b) {
      std::map<std::string, Issue> by_id;
      FAULTLINE_TRY(info, [&]() -> Result<PageInfo> {
        const auto& outcome = outcomes[at + b];
        if (!outcome || !outcome->ok()) {
          FAULTLINE_TRY(reply, client.to_reply(http::Method::Post, fetch_path, outcome));
          return fail(ErrorKind::Failed, "Jira answered the bulk fetch with HTTP " + std::to_string(reply->status));
        }
        return stream_issues(outcome->body, filter, [&by_id](Issue&& issue) {
          std::string id = issue.id;
          by_id.emplace(std::move(id), std::move(issue));
        });
      }());
      if (outcomes[at + b]) std::string().swap(outcomes[at + b]->body);  // read: free it now
      std::vector<Issue> batch;
      batch.reserve(fetching[b].size());
      for (const auto& id : fetching[b]) {
        // An issue deleted or hidden since the search is left out.
        if (auto it = by_id.find(id); it != by_id.end()) batch.push_back(std::move(it->second));
      }
      FAULTLINE_TRY(given, sink.give(std::move(batch)));
    }
    // The range searches of this round: their issues in search order; one a range did not
    // hold (the server granted fewer this time) is bulk fetched in the next round.
    if (ranges > 0) {
      std::unordered_map<std::string, Issue> by_id;
      for (std::size_t r = 0; r < ranges; ++r) {
        auto& outcome = outcomes[at + fetching.size() + r];
        FAULTLINE_TRY(page, stream_page(client, http::Method::Post, search_path, outcome, filter));
        if (outcome) std::string().swap(outcome->body);  // read: free it now
        for (auto& issue : page->issues) {
          std::string id = issue.id;
          by_id.emplace(std::move(id), std::move(issue));
        }
      }
      std::vector<Issue> batch;
      std::vector<std::string> missing;
      batch.reserve(sliced.size());
      for (auto& id : sliced) {
        if (auto it = by_id.find(id); it != by_id.end()) batch.push_back(std::move(it->second));
        else missing.push_back(std::move(id));
      }
      FAULTLINE_TRY(given, sink.give(std::move(batch)));
      for (auto& more : bulk_fetch_batches(missing, plan.bulk_fetch_limit)) {
        next.push_back(bulk_fetch_request(client, more, fields, request.properties, request.expand));
        next_fetching.push_back(std::move(more));
      }
    }
    if (request.on_progress && (!fetching.empty() || ranges > 0)) request.on_progress(sink.count(), std::nullopt);
    ranges = next_ranges.size();
    for (auto& range : next_ranges) next.push_back(std::move(range));
    requests = std::move(next);
    fetching = std::move(next_fetching);
    sliced = std::move(next_sliced);
  }
  return {};
}

}  // namespace

Result<void> read_all(Client& client, http::Transport& transport, const SearchRequest& request, const Each& each,
                      const ReadPlan& plan) {
  if (request.jql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return fail(ErrorKind::Usage, "A Jira search needs a JQL query; it was empty",
                "Jira Cloud rejects unbounded searches: restrict it, e.g. project = KEY.");
  }
  BatchSink sink(request, each);
  return client.flavor() == Flavor::Cloud ? read_cloud(client, transport, request, sink, plan)
                                          : read_datacenter(client, transport, request, sink, plan);
}

Result<std::vector<Issue>> read_all(Client& client, http::Transport& transport, const SearchRequest& request,
                                    const ReadPlan& plan) {
  std::vector<Issue> issues;
  FAULTLINE_TRY(done, read_all(client, transport, request,
                               [&issues](std::vector<Issue>& batch) -> Result<void> {
                                 issues.insert(issues.end(), std::make_move_iterator(batch.begin()),
                                               std::make_move_iterator(batch.end()));
                                 return {};
                               },
                               plan));
  return issues;
}

}  // namespace faultline::jira
