// Search results: Jira and Confluence hits merged into one item per fault, ranked, as JSON.
#include <algorithm>
#include <limits>

#include "faultline/core/labels.hpp"
#include "faultline/core/search.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

bool page_has_label(const std::vector<std::string>& labels, std::string_view wanted) {
  return std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return iequals(l, wanted); });
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Builds the items of one merge: a map from fault key to its item, and the report items.
class SearchMerge {
public:
  SearchMerge(const std::map<std::string, Fault>& faults, std::string_view project)
      : m_faults(faults), m_project(project) {}

  void add_jira_hit(const JiraHit& hit, std::size_t rank) {
    auto* item = item_for(hit.fault_key);
    if (item == nullptr) return;
    if (!item->jira_rank || rank < *item->jira_rank) item->jira_rank = rank;
    const bool own = hit.key == hit.fault_key;
    if (!own) item->actions.push_back(hit.key);
    if (hit.excerpt.text.empty()) return;
    // The fault's own text wins over an action's.
    if (item->excerpt.empty() || (own && item->matched_field == "action")) {
      item->excerpt = hit.excerpt.text;
      item->matched_field = own ? hit.excerpt.field : "action";
    }
  }

  void add_page_hit(const PageHit& page, std::size_t rank, ReportPages reports) {
    if (page_has_label(page.labels, k_review_page_label)) {
      auto* item = item_for(review_page_fault_key(page.labels, m_project));
      if (item == nullptr || item->confluence_rank) return;
      item->confluence_rank = rank;
      item->review_url = page.url;
      if (!page.excerpt.empty()) {
        item->excerpt = page.excerpt;
        item->matched_field = "review";
      }
    } else if (page_has_label(page.labels, k_report_page_label) && reports == ReportPages::Keep) {
      SearchItem item;
      item.type = SearchItemType::Report;
      item.title = page.title;
      item.url = page.url;
      item.excerpt = page.excerpt;
      item.matched_field = "report";
      item.confluence_rank = rank;
      m_reports.push_back(std::move(item));
    }
  }

  std::vector<SearchItem> items() && {
    std::vector<SearchItem> out;
    for (auto& [key, item] : m_items) out.push_back(std::move(item));
    out.insert(out.end(), std::make_move_iterator(m_reports.begin()), std::make_move_iterator(m_reports.end()));
    return out;
  }

private:
  // The item of fault `key`, made on first use; null when the fault was not read.
  SearchItem* item_for(const std::string& key) {
    if (auto it = m_items.find(key); it != m_items.end()) return &it->second;
    auto fault = m_faults.find(key);
    if (key.empty() || fault == m_faults.end()) return nullptr;
    SearchItem item;
    item.fault = fault->second;
    if (item.fault.level.empty()) item.fault.level = level_from_labels(item.fault.labels);
    item.title = item.fault.summary;
    item.review_url = item.fault.review_page_url;
    return &m_items.emplace(key, std::move(item)).first->second;
  }

  const std::map<std::string, Fault>& m_faults;
  std::string_view m_project;
  std::map<std::string, SearchItem> m_items;
  std::vector<SearchItem> m_reports;
};

bool found_in_both(const SearchItem& item) { return item.jira_rank && item.confluence_rank; }

std::size_t best_rank(const SearchItem& item) {
  constexpr auto none = std::numeric_limits<std::size_t>::max();
  return std::min(item.jira_rank.value_or(none), item.confluence_rank.value_or(none));
}

nlohmann::json search_time_or_null(const std::optional<TimePoint>& t, const date::time_zone* zone) {
  if (!t) return nullptr;
  return zone != nullptr ? format_iso(*t, zone) : format_utc(*t);
}

}  // namespace

std::string review_page_fault_key(const std::vector<std::string>& labels, std::string_view project) {
  for (const auto& label : labels) {
    if (label.size() <= project.size() + 1 || label[project.size()] != '-') continue;
    if (!iequals(std::string_view(label).substr(0, project.size()), project)) continue;
    const auto number = std::string_view(label).substr(project.size() + 1);
    if (all_digits(number)) return std::string(project) + "-" + std::string(number);
  }
  return "";
}

std::string level_from_labels(const std::vector<std::string>& labels) {
  for (const auto& label : labels) {
    if (label.size() == k_level_label_prefix.size() + 2 && label.starts_with(k_level_label_prefix)) {
      std::string level = label.substr(k_level_label_prefix.size());
      level[0] = 'P';
      if (level[1] >= '1' && level[1] <= '4') return level;
    }
  }
  return "";
}

std::vector<std::string> fault_keys_to_read(const std::vector<JiraHit>& jira, const std::vector<PageHit>& pages,
                                            std::string_view project, const std::map<std::string, Fault>& known) {
  std::vector<std::string> keys;
  const auto add = [&](const std::string& key) {
    if (!key.empty() && !known.contains(key) && std::find(keys.begin(), keys.end(), key) == keys.end())
      keys.push_back(key);
  };
  for (const auto& hit : jira) add(hit.fault_key);
  for (const auto& page : pages) {
    if (page_has_label(page.labels, k_review_page_label)) add(review_page_fault_key(page.labels, project));
  }
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) { return key_less(a, b); });
  return keys;
}

const char* to_string(SearchItemType type) { return type == SearchItemType::Fault ? "fault" : "report"; }

std::vector<SearchItem> merge_search_hits(const std::vector<JiraHit>& jira, const std::vector<PageHit>& pages,
                                          const std::map<std::string, Fault>& faults, std::string_view project,
                                          ReportPages reports) {
  SearchMerge merge(faults, project);
  for (std::size_t i = 0; i < jira.size(); ++i) merge.add_jira_hit(jira[i], i);
  for (std::size_t i = 0; i < pages.size(); ++i) merge.add_page_hit(pages[i], i, reports);
  return std::move(merge).items();
}

std::optional<TimePoint> fault_date(const Fault& fault) { return fault.started_at ? fault.started_at : fault.created; }

std::string fault_day(const Fault& fault, const date::time_zone* zone) {
  const auto when = fault_date(fault);
  return when ? format_date(local_date(*when, zone)) : "";
}

void rank_search_items(std::vector<SearchItem>& items) {
  std::stable_sort(items.begin(), items.end(), [](const SearchItem& a, const SearchItem& b) {
    if (found_in_both(a) != found_in_both(b)) return found_in_both(a);
    if (best_rank(a) != best_rank(b)) return best_rank(a) < best_rank(b);
    const auto date_a = fault_date(a.fault);
    const auto date_b = fault_date(b.fault);
    if (date_a.has_value() != date_b.has_value()) return date_a.has_value();
    if (date_a && *date_a != *date_b) return *date_a > *date_b;
    return key_less(a.fault.key, b.fault.key);
  });
}

nlohmann::json fault_entry_json(const Fault& fault, std::string_view url, std::string_view review_url,
                                const date::time_zone* zone) {
  return {{"key", fault.key},
          {"title", fault.summary},
          {"level", fault.level.empty() ? level_from_labels(fault.labels) : fault.level},
          {"status", fault.status},
          {"status_category", fault.status_category},
          {"team", fault.team},
          {"service", fault.service},
          {"date", search_time_or_null(fault_date(fault), zone)},
          {"url", url},
          {"review_url", review_url}};
}

nlohmann::json search_item_to_json(const SearchItem& item, const date::time_zone* zone) {
  auto json = fault_entry_json(item.fault, item.url, item.review_url, zone);
  json["type"] = to_string(item.type);
  json["title"] = item.title;
  json["excerpt"] = item.excerpt;
  json["matched_field"] = item.matched_field;
  json["actions"] = item.actions;
  auto found_in = nlohmann::json::array();
  if (item.jira_rank) found_in.push_back("jira");
  if (item.confluence_rank) found_in.push_back("confluence");
  json["found_in"] = std::move(found_in);
  return json;
}

}  // namespace faultline::core
