// Finding past faults: `faultline search TEXT` across fault tickets (JQL) and review and report
// pages (CQL), and the "seen before" lookup `faultline open` runs after creating a fault.
//
// search: Jira and Confluence are asked at the same time (the Jira text search on a second
// thread; the transport stack is thread-safe). Jira: faults and their action sub-tasks whose
// text matches, the filters applying to faults; an action counts for its parent. Confluence:
// pages of the configured space labelled fault-review (and fault-report when no filter is
// set), `siteSearch ~` on Cloud and `text ~` on Data Center. The searched text is one literal
// phrase (core::lucene_phrase) in both queries. Faults named by an action or a review page
// and not read yet are then read with `key in (...)` and the same filters. Team and service
// are matched in JQL on the field [jira.fields] binds them to, and always checked exactly
// (case-insensitively) after reading, which is the only check when they are unbound.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/fault_session.hpp"
#include "faultline/core/search.hpp"

namespace faultline::app {

class Services;

struct FaultSearchRequest {
  std::string text;             // searched as one phrase; must hold a non-blank character
  std::string since;            // faults created at or after (parse_time forms); "" = any time
  std::string level;            // P1..P4; "" = any
  std::string team;             // "" = any
  std::string service;          // "" = any
  std::string status = "all";   // open | closed | all
  int limit = 50;               // at most this many items (and hits asked of each source)
};

struct FaultSearchResult {
  std::vector<core::SearchItem> items;  // ranked (core::rank_search_items), at most limit
  const date::time_zone* zone = nullptr;
  bool pages_searched = false;          // false when Confluence is not configured
  nlohmann::json json;                  // [core::search_item_to_json ...]
};

// Searches both sources and merges the hits (core::merge_search_hits). Report pages are items
// of their own only when no filter (level, team, service, since, status other than all) is
// set. Without [confluence] url only Jira is searched (a warning says so). Error: Usage for
// blank text, a bad level, status or --since; either source's error otherwise.
Result<FaultSearchResult> search_faults(Services& services, const FaultSearchRequest& request);

struct SimilarFaults {
  std::vector<core::Fault> faults;  // newest first
  // [core::fault_entry_json ...] with the browse URL and the saved review page URL.
  nlohmann::json json = nlohmann::json::array();
};

// Up to `limit` past faults like `opened` (not itself), newest first, in one search: the same
// service (on its bound field; not searchable when service is unbound) or a title holding the
// first three significant words of its title (core::significant_words, each a literal
// phrase). No request when there is nothing to match on. Error: the search failed.
Result<SimilarFaults> find_similar_faults(FaultSession& session, const core::Fault& opened, std::size_t limit = 3);

}  // namespace faultline::app
