// Long reads for tracking: every page of a JQL search, with progress reported through the
// diagnostics sink, and concurrent page fetches where the API allows it. Data Center's search
// pages by startAt and returns the total, so once the first page is in, the remaining pages
// are fetched together (Transport::send_all, at most http.concurrency at once). Cloud's
// search/jql pages by nextPageToken, which each page gives for the next one only, so Cloud
// pages are fetched one after another.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/app/fault_repository.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/tracking.hpp"
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

// The actions `query` selects (query.parents chunked), read with core::action_from_issue,
// each key once, in the JQL's order; progress as "actions". Error: the search failed or an
// issue was unreadable.
Result<std::vector<core::Action>> search_actions(Services& services, jira::Client& client, const core::ActionQuery& query);

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
