// Streaming reads of issue pages: a search answer (Cloud search/jql, Data Center /search) or a
// Cloud bulk fetch answer is parsed event by event (nlohmann's SAX interface) without a
// document tree for the page; each issue is handed over as soon as its object closes, with
// only the fields asked for built as JSON (a few small values per issue), its properties and
// its changelog. A 5 MB page therefore costs its bytes plus one issue at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/jira/types.hpp"
#include "faultline/util/error.hpp"

namespace faultline::jira {

// Which parts of each issue a streamed page keeps.
struct IssueFilter {
  // Field ids kept (others are skipped without being built); empty = every field sent.
  std::vector<std::string> fields;
  bool keep_properties = true;
  bool keep_changelog = true;
  // Members read inside kept fields, as dotted paths from the field ("parent.key",
  // "status.statusCategory.key"): a field named in one keeps only those members and what
  // leads to them; a field named in none is kept whole. Empty: every kept field whole.
  std::vector<std::string> members;
};

// The filter for a request's `fields` list: exactly those ids, or every field when the list is
// empty or holds a pattern ("*navigable", "*all", "-description").
IssueFilter issue_filter_for(const std::vector<std::string>& fields);
// The filter for a search: its `fields` (as above) and its `kept_members`.
IssueFilter search_filter(const SearchRequest& request);

// What a streamed page said besides its issues.
struct PageInfo {
  std::optional<std::string> next_page_token;  // Cloud search/jql
  std::optional<int> total;                    // Data Center search
  int start_at = 0;
  int max_results = 0;
  bool is_last = false;  // as sent ("isLast"); false when absent
  std::size_t issues = 0;  // issue objects handed to `each`
  std::size_t with_properties = 0;  // of them, those whose object held a "properties" member
};

// Parses `body` (a JSON object with an "issues" array of issue objects, plus page keys) and
// calls `each` with every issue, in order. Issues read as parse_issue reads them (id, key,
// self, fields, properties, changelog oldest first). Error: Failed when `body` is not JSON
// (nothing is handed over after the error point).
Result<PageInfo> stream_issues(std::string_view body, const IssueFilter& filter,
                               const std::function<void(Issue&&)>& each);

// One issue object (GET /issue/{key}'s answer) read the same way: the fields `filter` keeps,
// its properties and changelog. Error: Failed when `body` is not JSON or not an object.
Result<Issue> stream_issue(std::string_view body, const IssueFilter& filter);

// The same, collected into a SearchPage (is_last as sent).
Result<SearchPage> parse_search_page(std::string_view body, const IssueFilter& filter = {});

}  // namespace faultline::jira
