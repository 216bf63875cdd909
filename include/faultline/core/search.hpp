// `faultline search`: what the two sources found — fault and action issues whose text matched
// (Jira), review and monthly report pages whose text matched (Confluence) — merged into one
// item per fault, ranked, each with a short excerpt of where the text matched; the JSON
// contract `search --json` prints; and the words `open` looks for among past fault titles.
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"

namespace faultline::core {

// The Confluence labels that mark a fault's review page and a monthly report page.
inline constexpr std::string_view k_review_page_label = "fault-review";
inline constexpr std::string_view k_report_page_label = "fault-report";

// The longest excerpt cut from a Jira field, in bytes before the "…" marks (whole UTF-8
// code points).
inline constexpr std::size_t k_excerpt_width = 160;

// One text field of an issue as plain text: name "summary", "description" or "comment".
struct TextField {
  std::string name;
  std::string text;
};

// Where the searched text was found in an issue, and the text around it.
struct Excerpt {
  std::string field;  // a TextField name; "" when no field holds the text
  std::string text;
};

// `text` (whitespace runs made single spaces) around the first case-insensitive (ASCII)
// occurrence of `query`, or else of the first of its words (runs of letters and digits of
// two bytes or more) that occurs: about `width` bytes with the match in the middle, cut at
// code point boundaries, "…" where text was cut off. nullopt when neither occurs.
std::optional<std::string> cut_excerpt(std::string_view text, std::string_view query,
                                       std::size_t width = k_excerpt_width);

// The excerpt of the first of `fields` (in order) that holds `query` (see cut_excerpt); an
// Excerpt with empty field and text when none does (Jira's analyzer matched a stem).
Excerpt find_excerpt(const std::vector<TextField>& fields, std::string_view query,
                     std::size_t width = k_excerpt_width);

// One issue Jira found, in Jira's order (its own relevance).
struct JiraHit {
  std::string key;        // the issue found
  std::string fault_key;  // the fault it counts for: `key` for a fault, the parent for an action
  Excerpt excerpt;
};

// One page Confluence found, in Confluence's order (its own relevance).
struct PageHit {
  std::string title;
  std::string url;
  std::string excerpt;  // Confluence's, plain text
  std::vector<std::string> labels;
};

// The fault a review page belongs to: the key its key label names (`review page labels` carry
// the fault key lower-cased), matched case-insensitively as <project>-<digits>: "fault-12" ->
// "FAULT-12" for project "FAULT". "" when no label is a key of the project.
std::string review_page_fault_key(const std::vector<std::string>& labels, std::string_view project);

// The level a fault's marker label names ("fault-level-p2" -> "P2"), "" when it has none.
std::string level_from_labels(const std::vector<std::string>& labels);

// The faults the hits name that are not in `known`: the parents of action hits and the faults
// of review pages. Sorted by key (key_less).
std::vector<std::string> fault_keys_to_read(const std::vector<JiraHit>& jira, const std::vector<PageHit>& pages,
                                            std::string_view project, const std::map<std::string, Fault>& known);

enum class SearchItemType { Fault, Report };
// "fault" | "report".
const char* to_string(SearchItemType type);

// One result: a fault, with whatever both sources found about it, or a report page.
struct SearchItem {
  SearchItemType type = SearchItemType::Fault;
  Fault fault;               // Fault: as read from Jira (level from its marker label when unset)
  std::string title;         // the fault's summary, or the report page's title
  std::string url;           // the report page; for a fault the caller sets the browse URL
  std::string review_url;    // the review page found, else the fault's saved review_page_url
  std::string excerpt;       // Confluence's excerpt, else the matching Jira field's
  std::string matched_field; // summary | description | comment | action | review | report | ""
  std::vector<std::string> actions;  // the action sub-tasks whose text matched
  std::optional<std::size_t> jira_rank;        // best position in Jira's answer (0 = first)
  std::optional<std::size_t> confluence_rank;  // position in Confluence's answer
};

// Whether report pages become items (they belong to no single fault, so fault filters such as
// --level or --since cannot apply to them).
enum class ReportPages { Keep, Drop };

// One item per fault of `faults` that a hit names: its own text, an action's text (counted
// for the parent) or its review page (tied by the key label); report pages become items of
// their own when `reports` is Keep. Hits naming a fault not in `faults` (filtered out, or
// unreadable) are dropped, as are pages that are neither a review with a key label nor a
// report. Items come in no particular order: see rank_search_items.
std::vector<SearchItem> merge_search_hits(const std::vector<JiraHit>& jira, const std::vector<PageHit>& pages,
                                          const std::map<std::string, Fault>& faults, std::string_view project,
                                          ReportPages reports);

// When a fault happened: started_at, else created (nullopt when neither is known).
std::optional<TimePoint> fault_date(const Fault& fault);

// The day of fault_date in `zone` ("2026-10-02"), "" when unknown: the DATE column.
std::string fault_day(const Fault& fault, const date::time_zone* zone);

// Ranks in place: items found by both sources first, then by the best position either source
// gave (its own relevance), then newest (fault_date; reports and unknown dates last), then key.
void rank_search_items(std::vector<SearchItem>& items);

// The fields every fault entry of the JSON contract carries:
//   {"key", "title", "level", "status", "status_category", "team", "service",
//    "date" (ISO 8601 in `zone` or null), "url", "review_url" ("" when none)}.
nlohmann::json fault_entry_json(const Fault& fault, std::string_view url, std::string_view review_url,
                                const date::time_zone* zone);

// One item of `search --json`: fault_entry_json plus
//   "type" ("fault" | "report"), "excerpt", "matched_field", "actions" ([keys]),
//   "found_in" (["jira"], ["confluence"] or both, in that order).
// A report has "key", "level", "status", "status_category", "team", "service" and
// "review_url" empty, "date" null, its page as "url".
nlohmann::json search_item_to_json(const SearchItem& item, const date::time_zone* zone);

// The words of a title that make a text match with past fault titles: runs of letters and
// digits (non-ASCII bytes count as letters), lower-cased, at least 3 bytes or holding a digit,
// common English words left out, each once, the first `max_words` of them.
std::vector<std::string> significant_words(std::string_view title, std::size_t max_words);

}  // namespace faultline::core
