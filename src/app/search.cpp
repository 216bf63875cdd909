// `faultline search` (Jira and Confluence at once, merged per fault) and the "seen before"
// lookup of `faultline open`. See app/search.hpp for what is sent.
#include "faultline/app/search.hpp"

#include <algorithm>
#include <future>
#include <map>

#include <fmt/format.h>

#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/text.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// The facts a search result shows or is filtered on.
std::vector<std::string> search_facts() { return {"level", "team", "service", "started_at", "review_page_url"}; }

Result<FaultSearchRequest> checked_search_request(FaultSearchRequest request) {
  if (core::lucene_phrase(request.text) == "\"\"")
    return fail(ErrorKind::Usage, "the search text is empty",
                "give the words to look for: faultline search \"connection pool\"");
  if (!request.level.empty()) {
    FAULTLINE_TRY(level, normalize_level(request.level, "--level"));
    request.level = *level;
  }
  if (request.status != "open" && request.status != "closed" && request.status != "all")
    return fail(ErrorKind::Usage, fmt::format("--status '{}' is not a search status", request.status),
                "use open, closed or all");
  if (request.limit < 1) return fail(ErrorKind::Usage, "--limit must be at least 1");
  return request;
}

bool has_fault_filter(const FaultSearchRequest& request) {
  return !request.level.empty() || !request.team.empty() || !request.service.empty() || !request.since.empty() ||
         request.status != "all";
}

// "(a) OR (b)", or the one that is not empty.
std::string jql_either(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return "(" + a + ") OR (" + b + ")";
}

// The JQL name of a field: cf[10013] for customfield_10013, else the id itself.
std::string jql_field_name(std::string_view field_id) {
  constexpr std::string_view prefix = "customfield_";
  if (field_id.starts_with(prefix)) return "cf[" + std::string(field_id.substr(prefix.size())) + "]";
  return std::string(field_id);
}

// The clause matching `value` in the field `fact` is bound to: `= "v"` for select and labels
// fields, `~` with the value as a phrase for text fields (JQL has no `=` on text fields); ""
// when `value` is empty or the fact is unbound or bound to a field of another shape.
std::string bound_field_clause(const core::FaultSchema& schema, std::string_view fact, std::string_view value) {
  const auto bound = std::ranges::find(schema.bindings, fact, &core::FieldBinding::fact);
  if (value.empty() || bound == schema.bindings.end()) return "";
  const auto field = jql_field_name(bound->field_id);
  const auto& shape = bound->schema_type;
  if (shape == "option" || shape == "options") return field + " = " + core::jql_quote(value);
  if (shape == "array")
    return field + " = " + core::jql_quote(core::is_valid_label(value) ? std::string(value) : core::label_slug(value));
  if (shape == "string") return field + " ~ " + core::jql_quote(core::lucene_phrase(value));
  return "";
}

// The clauses the filters add to every fault read (empty ones are skipped by jql_and).
Result<std::vector<std::string>> fault_filter_clauses(const FaultSearchRequest& request,
                                                      const core::FaultSchema& schema, core::TimePoint now,
                                                      const date::time_zone* zone) {
  std::vector<std::string> clauses;
  if (!request.level.empty())
    clauses.push_back("labels = " + core::jql_quote(core::prefixed_label(core::k_level_label_prefix, request.level)));
  if (request.status == "open") clauses.push_back("statusCategory != " + core::jql_quote("Done"));
  if (request.status == "closed") clauses.push_back("statusCategory = " + core::jql_quote("Done"));
  if (!request.since.empty()) {
    auto since = core::parse_time(request.since, now, zone);
    if (!since)
      return std::unexpected(Error{ErrorKind::Usage, "--since: " + since.error().message, since.error().hint, 0, {}});
    clauses.push_back("created >= " + core::jql_quote(core::format_minutes(*since, zone)));
  }
  clauses.push_back(bound_field_clause(schema, "team", request.team));
  clauses.push_back(bound_field_clause(schema, "service", request.service));
  return clauses;
}

// Faults matching the filters and action sub-tasks (of any fault) whose text holds `text`
// (as one literal phrase).
std::string text_search_jql(const config::JiraSettings& jira, std::string_view text,
                            const std::vector<std::string>& filters) {
  std::vector<std::string> faults = {"issuetype = " + core::jql_quote(jira.fault_type)};
  faults.insert(faults.end(), filters.begin(), filters.end());
  const auto actions = core::jql_and({"issuetype = " + core::jql_quote(jira.subtask_type),
                                      "labels = " + core::jql_quote(core::k_action_label)});
  const auto project = "project = " + core::jql_quote(jira.project);
  const auto matches = "text ~ " + core::jql_quote(core::lucene_phrase(text));
  return core::jql_and({project, matches, jql_either(core::jql_and(faults), actions)});
}

// Review (and report) pages of `space` whose text holds `text` (as one literal phrase):
// siteSearch on Cloud, text on Data Center.
std::string review_pages_cql(confluence::Flavor flavor, std::string_view space, std::string_view text,
                             core::ReportPages reports) {
  const std::string review(core::k_review_page_label);
  const std::string labels = reports == core::ReportPages::Keep
                                 ? "label in " + core::cql_list({review, std::string(core::k_report_page_label)})
                                 : "label = " + core::cql_quote(review);
  const char* text_field = flavor == confluence::Flavor::Cloud ? "siteSearch" : "text";
  return "type = page AND space = " + core::cql_quote(space) + " AND " + labels + " AND " + text_field + " ~ " +
         core::cql_quote(core::lucene_phrase(text));
}

// A rich-text value as plain text: ADF (Cloud) or wiki markup (Data Center).
std::string issue_plain_text(const nlohmann::json& value) {
  if (value.is_object()) return core::adf_to_text(value);
  if (value.is_string()) return core::wiki_to_text(value.get<std::string>());
  return "";
}

// Summary, description and comments of an issue read with those fields.
std::vector<core::TextField> issue_text_fields(const jira::Issue& issue) {
  std::vector<core::TextField> fields = {{"summary", issue.summary()}};
  if (auto d = issue.fields.find("description"); d != issue.fields.end())
    fields.push_back({"description", issue_plain_text(*d)});
  const auto comment = issue.fields.find("comment");
  if (comment != issue.fields.end() && comment->is_object() && comment->contains("comments")) {
    for (const auto& c : (*comment)["comments"])
      if (c.is_object() && c.contains("body")) fields.push_back({"comment", issue_plain_text(c["body"])});
  }
  return fields;
}

// fields.parent.key, or "".
std::string parent_key_of(const jira::Issue& issue) {
  const auto parent = issue.fields.find("parent");
  if (parent == issue.fields.end() || !parent->is_object()) return "";
  return parent->value("key", "");
}

// What the Jira side found: its hits in Jira's order, and the faults read so far by key.
struct JiraSide {
  std::vector<core::JiraHit> hits;
  std::map<std::string, core::Fault> faults;
};

Result<JiraSide> search_jira_text(FaultRepository& repository, const std::string& jql, const std::string& text,
                                  int limit) {
  jira::SearchRequest request;
  request.jql = jql;
  request.fields = {"description", "comment", "parent"};
  request.limit = limit;
  request.page_size = std::min(limit, 100);
  FAULTLINE_TRY(found, repository.search_issues(std::move(request), search_facts()));
  JiraSide side;
  for (auto& issue : *found) {
    core::JiraHit hit{issue.issue.key, parent_key_of(issue.issue),
                      core::find_excerpt(issue_text_fields(issue.issue), text)};
    if (hit.fault_key.empty()) {
      hit.fault_key = hit.key;
      side.faults.emplace(hit.key, std::move(issue.fault));
    }
    side.hits.push_back(std::move(hit));
  }
  return side;
}

Result<std::vector<core::PageHit>> search_pages(confluence::Client& client, const std::string& cql, int limit) {
  FAULTLINE_TRY(hits, client.site_search(cql, limit));
  std::vector<core::PageHit> pages;
  for (auto& hit : *hits)
    pages.push_back({std::move(hit.title), std::move(hit.web_url), std::move(hit.excerpt), std::move(hit.labels)});
  return pages;
}

// The Confluence client, or null when [confluence] url is not set (review pages are then not
// searched, and a warning says so). Error: the client's other errors.
Result<confluence::Client*> review_pages_client(Services& services, const config::Config& config) {
  if (!config.confluence.url.empty()) return services.confluence();
  services.diagnostics().warn("Confluence is not configured ([confluence] url): review pages were not searched");
  return nullptr;
}

// The faults `keys` name that pass the filters, 100 keys a search.
Result<std::vector<core::Fault>> read_faults_by_key(FaultRepository& repository, const std::vector<std::string>& keys,
                                                    const std::vector<std::string>& filters) {
  std::vector<core::Fault> faults;
  constexpr std::size_t k_chunk = 100;
  for (std::size_t i = 0; i < keys.size(); i += k_chunk) {
    const std::vector<std::string> part(keys.begin() + static_cast<std::ptrdiff_t>(i),
                                        keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), i + k_chunk)));
    std::vector<std::string> clauses = {repository.fault_scope_jql(), "key in " + core::jql_list(part)};
    clauses.insert(clauses.end(), filters.begin(), filters.end());
    FAULTLINE_TRY(read, repository.search(core::jql_and(clauses), 0));
    faults.insert(faults.end(), std::make_move_iterator(read->begin()), std::make_move_iterator(read->end()));
  }
  return faults;
}

// Reads the faults that action hits and review pages name and `jira` has not read. Jira
// refuses `key in` with a key that does not exist (a fault deleted after its review page was
// published): then the review pages' faults are left out with a warning and the parents of
// the action hits are read alone.
Result<void> read_named_faults(Services& services, FaultRepository& repository, std::string_view project,
                               const std::vector<std::string>& filters, JiraSide& jira,
                               const std::vector<core::PageHit>& pages) {
  const auto keys = core::fault_keys_to_read(jira.hits, pages, project, jira.faults);
  auto read = read_faults_by_key(repository, keys, filters);
  if (!read && read.error().http_status == 400) {
    services.diagnostics().warn(fmt::format(
        "Jira did not read the faults named by review pages ({}): {}; those pages are left out", join(keys, ", "),
        read.error().message));
    read = read_faults_by_key(repository, core::fault_keys_to_read(jira.hits, {}, project, jira.faults), filters);
  }
  if (!read) return std::unexpected(read.error());
  for (auto& fault : *read) jira.faults.emplace(fault.key, std::move(fault));
  return {};
}

// Keeps the faults of the team and service asked for (exact, case-insensitive).
void keep_team_and_service(std::map<std::string, core::Fault>& faults, const FaultSearchRequest& request) {
  std::erase_if(faults, [&](const auto& entry) {
    const auto& fault = entry.second;
    return (!request.team.empty() && !iequals(fault.team, request.team)) ||
           (!request.service.empty() && !iequals(fault.service, request.service));
  });
}

core::ReportPages reports_for(const FaultSearchRequest& request) {
  return has_fault_filter(request) ? core::ReportPages::Drop : core::ReportPages::Keep;
}

// What one search asks: the JQL and the CQL ("" = Confluence not searched), the text the
// excerpts are cut around, and how many hits to ask each source for.
struct SearchPlan {
  std::string jql;
  std::string cql;
  std::string text;
  int limit = 50;
};

struct BothSources {
  JiraSide jira;
  std::vector<core::PageHit> pages;
};

// Jira on a second thread and Confluence on this one, at the same time. Each client is used by
// one thread only; the transport under both is thread-safe (curl, retries, the log and the dry
// run each lock what they share). Error: either source's (Jira's first).
Result<BothSources> search_both(FaultRepository& repository, confluence::Client* confluence, const SearchPlan& plan) {
  auto jira = std::async(std::launch::async,
                         [&] { return search_jira_text(repository, plan.jql, plan.text, plan.limit); });
  Result<std::vector<core::PageHit>> pages = std::vector<core::PageHit>{};
  if (confluence != nullptr) pages = search_pages(*confluence, plan.cql, plan.limit);
  auto jira_side = jira.get();
  if (!jira_side) return std::unexpected(jira_side.error());
  if (!pages) return std::unexpected(pages.error());
  return BothSources{std::move(*jira_side), std::move(*pages)};
}

FaultSearchResult ranked_result(std::vector<core::SearchItem> items, std::size_t limit, const jira::Client& client,
                                const date::time_zone* zone) {
  core::rank_search_items(items);
  if (items.size() > limit) items.resize(limit);
  FaultSearchResult result;
  result.zone = zone;
  result.json = nlohmann::json::array();
  for (auto& item : items) {
    if (item.type == core::SearchItemType::Fault) item.url = client.browse_url(item.fault.key);
    result.json.push_back(core::search_item_to_json(item, zone));
  }
  result.items = std::move(items);
  return result;
}

}  // namespace

Result<FaultSearchResult> search_faults(Services& services, const FaultSearchRequest& given) {
  FAULTLINE_TRY(request, checked_search_request(given));
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto& config = *session->config;
  FAULTLINE_TRY(confluence, review_pages_client(services, config));
  FAULTLINE_TRY(filters, fault_filter_clauses(*request, session->repository->schema(), services.clock().now(),
                                              session->zone));
  SearchPlan plan{text_search_jql(config.jira, request->text, *filters), "", request->text, request->limit};
  if (*confluence != nullptr)
    plan.cql = review_pages_cql((*confluence)->flavor(), config.confluence.space, request->text, reports_for(*request));
  FAULTLINE_TRY(found, search_both(*session->repository, *confluence, plan));
  auto& [jira, pages] = *found;
  FAULTLINE_TRY(named, read_named_faults(services, *session->repository, config.jira.project, *filters, jira, pages));
  keep_team_and_service(jira.faults, *request);
  auto items = core::merge_search_hits(jira.hits, pages, jira.faults, config.jira.project, reports_for(*request));
  const auto limit = static_cast<std::size_t>(request->limit);
  auto result = ranked_result(std::move(items), limit, *session->jira, session->zone);
  result.pages_searched = *confluence != nullptr;
  return result;
}

Result<SimilarFaults> find_similar_faults(FaultSession& session, const core::Fault& opened, std::size_t limit) {
  std::vector<std::string> title_words;
  for (const auto& word : core::significant_words(opened.summary, 3))
    title_words.push_back("summary ~ " + core::jql_quote(core::lucene_phrase(word)));
  const auto match = jql_either(bound_field_clause(session.repository->schema(), "service", opened.service),
                                core::jql_and(title_words));
  SimilarFaults similar;
  if (match.empty() || limit == 0) return similar;
  const auto others = "key != " + core::jql_quote(opened.key);
  const auto jql = core::jql_and({session.repository->fault_scope_jql(), others, match}) + " ORDER BY created DESC";
  FAULTLINE_TRY(faults, session.repository->search(jql, static_cast<int>(limit)));
  for (auto& fault : *faults) {
    if (fault.key == opened.key) continue;
    const auto url = session.jira->browse_url(fault.key);
    similar.json.push_back(core::fault_entry_json(fault, url, fault.review_page_url, session.zone));
    similar.faults.push_back(std::move(fault));
  }
  return similar;
}

}  // namespace faultline::app
