// Long reads for tracking: every page of a JQL search, with progress reported through the
// diagnostics sink, and concurrent page fetches where the API allows it. Data Center's search
// pages by startAt and returns the total, so once the first page is in, the remaining pages
// are fetched together (Transport::send_all, at most http.concurrency at once). Cloud's
// search/jql pages by nextPageToken, which each page gives for the next one only, so Cloud
// pages are fetched one after another.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/app/fault_repository.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

class Services;

// Every issue `request` selects (request.limit respected), each key once (a page that
// shifted under a concurrent edit can repeat an issue). Data Center: the first page, then the
// other startAt pages concurrently in batches of http.concurrency pages, progress of `what`
// after each batch. Cloud: nextPageToken pages one after another (a token seen twice is an
// Error). Error: the search failed (Jira's words).
Result<std::vector<jira::Issue>> search_all_pages(Services& services, jira::Client& client,
                                                  const jira::SearchRequest& request, std::string_view what);

// How read_actions reads.
struct ActionReadOptions {
  // The caller sorts the actions itself (assign_lanes does): Data Center may read in
  // key-ordered slices, which it must past 10,000 issues.
  bool any_order = false;
  // Progress (actions read so far, and how many the search matched when known); may be empty
  // (a read inside a wave must not print from two threads).
  std::function<void(std::size_t read, std::optional<std::size_t> total)> on_progress;
};

// The actions `query` selects (query.parents chunked), read with jira::read_all (exactly
// core::action_fields(); the action property inline on Cloud, not at all on Data Center) and
// core::action_from_issue, each key once, in the JQL's order unless options.any_order.
// Thread-safe with respect to other reads (it only uses `client` and `transport`). Error:
// the search failed or an issue was unreadable.
Result<std::vector<core::Action>> read_actions(jira::Client& client, http::Transport& transport,
                                               const core::ActionQuery& query, const ActionReadOptions& options = {});

// read_actions through the services' transport, with progress as "actions".
Result<std::vector<core::Action>> search_actions(Services& services, jira::Client& client, const core::ActionQuery& query,
                                                 bool any_order = false);

// The team of each parent fault key (faults read through `repository`, in chunks of 100 keys).
// Error: the search failed.
Result<std::map<std::string, std::string>> fault_teams(FaultRepository& repository, const std::set<std::string>& keys);

// Keeps the actions whose parent fault belongs to `team` (case-insensitive). Parents in
// `known` (fault key -> team, e.g. the open faults already read) are not read again; the
// others are read with fault_teams. All when `team` is empty. (Filtering after the search,
// rather than `parent in (<the team's faults>)`, keeps actions of closed faults without
// listing every fault the team ever had.)
Result<std::vector<core::Action>> filter_actions_by_team(FaultRepository& repository, std::vector<core::Action> actions,
                                                         std::string_view team,
                                                         const std::map<std::string, std::string>& known = {});

}  // namespace faultline::app
