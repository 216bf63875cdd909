// Long reads: every issue a JQL search selects, with as few sequential round trips as the
// flavor allows, parsed as a stream (issue_stream.hpp) and handed over batch by batch.
//
// Data Center (GET /rest/api/2/search, startAt/total): the first page asks for a large
// maxResults and pages by what the server granted (jira.search.views.default.max, often 1000);
// once the total is known every other page goes out together (Transport::send_all). Paging
// past the search window (startAt + maxResults > 10,000 fails on Data Center) is avoided by
// reading in key-ordered slices ("key > last" + ORDER BY key) when the order does not matter.
// Search has no `properties` parameter on Data Center: when properties are asked for, each
// issue's property GETs go out in the same batches as the next pages.
//
// Cloud (POST /rest/api/3/search/jql, nextPageToken): the ids only (up to 5000 a page), then
// the issues by POST /rest/api/3/issue/bulkfetch (at most 100 ids, the fields and up to 5
// properties) concurrently; the next ids page travels in the same batch as the bulk fetches
// of the page before it.
//
// The request graph of a read of N issues (C = http.concurrency, P = granted page size):
//   Data Center: 1 + ceil((N/P - 1) / C) sequential waves (plus one per extra 10,000-slice);
//   Cloud: ceil(N / 5000) + ceil(100-id fetches / C) at most.
#pragma once

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "faultline/http/transport.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/jira/types.hpp"
#include "faultline/util/error.hpp"

namespace faultline::jira {

// Maximum ids in one POST /rest/api/3/issue/bulkfetch (documented: up to 100 issues).
inline constexpr std::size_t k_bulk_fetch_limit = 100;
// Maximum property keys in one bulk fetch (documented: 5).
inline constexpr std::size_t k_bulk_fetch_property_limit = 5;
// Maximum ids per Cloud search/jql page when no fields are asked for (documented: 5000).
inline constexpr int k_cloud_id_page = 5000;
// Data Center's search window: startAt + maxResults beyond it fails (jira.search.max... 10,000).
inline constexpr int k_datacenter_window = 10000;
// maxResults asked of Data Center; it grants at most jira.search.views.default.max.
inline constexpr int k_datacenter_page = 1000;

// How read_all fetches.
struct ReadPlan {
  int datacenter_page = k_datacenter_page;
  int datacenter_window = k_datacenter_window;
  int cloud_id_page = k_cloud_id_page;
  // Cloud, without request.limit: a page with the fields goes out beside the first ids page,
  // asking for this many (the server grants what it grants; 0 = none). When it holds every
  // issue the read is one round trip; otherwise only the ids it did not hold are read: by
  // searches over id ranges of as many as it held, when that is more than bulk_fetch_limit
  // (what the server grants, side by side), else by bulk fetches.
  int cloud_first_page = k_cloud_id_page;
  std::size_t bulk_fetch_limit = k_bulk_fetch_limit;
  // The caller sorts the issues itself: the JQL's ORDER BY is replaced by ORDER BY key ASC.
  // Data Center may then read in key-ordered slices (needed past the search window); on
  // Cloud each page of ids is then about one id range (the range searches of read_all).
  bool any_order = false;
  // Data Center: read request.properties per issue (GET /issue/{key}/properties/{p}) for the
  // issues `wants_property` accepts (all when empty), concurrently with the next pages.
  bool datacenter_properties = true;
  std::function<bool(const Issue&)> wants_property;
};

// Every issue `request` selects (request.fields exactly: "*navigable" is never added here;
// request.limit, expand, properties and reconcile_issue_ids honoured; request.on_progress
// called after each batch), handed to `each` batch by batch, in JQL order within the read
// (Cloud: bulk fetch and range answers are put back in search order, except an issue a range
// left out, which comes with the next batch; with any_order: key order).
// An issue that moved between pages under a concurrent edit may come twice: callers that
// care keep each key once. `transport` must be the one `client` sends through. Error: the
// search, a bulk fetch or `each` failed (a property that cannot be read is left out).
Result<void> read_all(Client& client, http::Transport& transport, const SearchRequest& request,
                      const std::function<Result<void>(std::vector<Issue>& batch)>& each, const ReadPlan& plan = {});

// The same, collected.
Result<std::vector<Issue>> read_all(Client& client, http::Transport& transport, const SearchRequest& request,
                                    const ReadPlan& plan = {});

// The later pages of a Data Center read once the first page said `total` and granted `step`
// issues a page: {startAt, maxResults} of every page after the first inside `window`
// (startAt + maxResults <= window; the last one may be short), and whether issues remain
// beyond the window (a next, key-ordered slice is needed).
struct DatacenterPages {
  struct Page {
    int start_at = 0;
    int max_results = 0;
    bool operator==(const Page&) const = default;
  };
  std::vector<Page> pages;
  bool beyond_window = false;
};
DatacenterPages datacenter_pages(int total, int step, int window = k_datacenter_window);

// `jql` without its ORDER BY clause (case-insensitive, outside quotes).
std::string jql_without_order(std::string_view jql);

// Cloud: POST /rest/api/3/issue/bulkfetch {issueIdsOrKeys (<= 100), fields, properties (<= 5),
// expand}, for send_all batches (issues.cpp). The answer {"issues":[...],"issueErrors":[...]}
// lists the issues in ascending id order, not in the order asked.
http::Request bulk_fetch_request(const Client& client, const std::vector<std::string>& ids,
                                 const std::vector<std::string>& fields, const std::vector<std::string>& properties,
                                 const std::vector<std::string>& expand = {});

// Splits `ids` into bulk fetch batches of at most `limit` (k_bulk_fetch_limit).
std::vector<std::vector<std::string>> bulk_fetch_batches(const std::vector<std::string>& ids,
                                                         std::size_t limit = k_bulk_fetch_limit);
// `ids` (numeric issue ids) as id ranges of at most `size` of them each, lowest first: what a
// range search over a server that grants `size` issues per page reads in one page. Empty when
// an id is not a positive number (then bulk fetches read them).
std::vector<std::pair<long long, long long>> id_ranges(const std::vector<std::string>& ids, std::size_t size);

}  // namespace faultline::jira
