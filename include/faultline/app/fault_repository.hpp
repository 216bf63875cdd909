// Fault issues in Jira: the project's FaultSchema resolved once (config jira.fields names ->
// field ids and shapes), and the reads and writes every fault use-case shares — create with
// labels and the `faultline` property, find open faults by dedupe key, read one fault, save
// changed facts.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

// One fault as read for display: the facts, the raw issue (with changelog) and its comments.
struct FaultRecord {
  core::Fault fault;
  jira::Issue issue;
  std::vector<jira::Comment> comments;
};

// One issue a search found, with the fault read from it (an issue of another type, such as an
// action sub-task, reads as a fault whose facts are empty).
struct FoundIssue {
  core::Fault fault;
  jira::Issue issue;
};

// What create() made.
struct CreatedFault {
  std::string key;
  std::string id;
};

class FaultRepository {
public:
  // `client` and `config` must outlive the repository; `zone` is the team's time zone.
  FaultRepository(jira::Client& client, const config::Config& config, const date::time_zone* zone);

  // Resolves the schema (GET /field once). Error: the field list could not be read, or a
  // configured field name is unknown / ambiguous (Config, naming [jira.fields] <fact>).
  Result<void> load_schema();
  // The resolved schema (bindings empty before load_schema()).
  const core::FaultSchema& schema() const { return m_schema; }

  // Creates the fault issue: bound fields, summary, description (Markdown), labels and the
  // `faultline` property set at create time. Error: Jira's own words (Failed / Auth ...).
  Result<CreatedFault> create(const core::Fault& fault);

  // Open faults (status category not Done) of the configured project and type carrying the
  // dedupe label of `dedupe_key`, oldest first (created, then numeric id). `reconcile_ids`
  // are issue ids written moments ago (Cloud's lagging index). Error: the search failed.
  Result<std::vector<core::Fault>> find_open_by_dedupe(std::string_view dedupe_key,
                                                       const std::vector<std::string>& reconcile_ids = {});

  // Faults matching `jql` (already built with jql_quote), newest first. Error: search failed.
  Result<std::vector<core::Fault>> search(const std::string& jql, int limit);

  // Every fault `request.jql` selects, page by page: `each` gets a page's faults as soon as
  // it is read, so a long history is never held as JSON. Asks for the bound fields of
  // `facts` plus summary, status, created, updated and labels (request.fields is replaced),
  // and for the property only when one of `facts` is unbound (Data Center reads it per issue,
  // concurrently through the batch transport). Error: the search failed, or an issue holds a
  // value of the wrong shape (named with its key).
  Result<void> for_each_fault(jira::SearchRequest request, const std::vector<std::string>& facts,
                              const std::function<void(core::Fault&&)>& each);

  // The issues `request.jql` selects, in Jira's order, each with its fault read: asks for the
  // fields of for_each_fault plus request.fields (say "comment", "parent", "issuetype"), and
  // for the property (read afterwards on Data Center) of issues of the fault type only, when
  // one of `facts` is unbound. Error: the search failed, or a fault holds a value of the wrong
  // shape (named with its key).
  Result<std::vector<FoundIssue>> search_issues(jira::SearchRequest request, const std::vector<std::string>& facts);

  // Every fault `jql` selects, in no particular order (callers sort), read with
  // jira::read_all through the batch transport: Data Center pages of what the server grants,
  // fetched together (key-ordered slices past 10,000); Cloud ids, then bulk fetches. Asks for
  // fault_fields() without the description, and for the property only when one of `facts`
  // is not bound to a field (Cloud inline; Data Center inline when the server honours it,
  // else per issue in the same waves as the pages): with every fact the caller needs in a
  // field, a Data Center read is its search pages alone. Each batch is turned into faults as
  // it arrives. Without a batch transport: search(jql, 0). Safe to run in a wave next to
  // other reads (it only reads the schema). Error: the search failed, or an issue holds a
  // value of the wrong shape (named with its key).
  Result<std::vector<core::Fault>> read_all(const std::string& jql, const std::vector<std::string>& facts);

  // Whether one of `facts` (names as core::canonical_fact_name reads them) lives only in the
  // property: no field is bound to it.
  bool needs_property(const std::vector<std::string>& facts) const;

  // The fields a fault is read from: summary, description, status, assignee, labels, created,
  // updated and every bound field.
  std::vector<std::string> fault_fields() const;

  // One fault by key. Error: NotFound when the issue does not exist; Failed when it is not
  // a fault of the configured type or a field has the wrong shape.
  Result<core::Fault> get(std::string_view key);
  // One fault with its changelog and comments (for show). Error: as get().
  Result<FaultRecord> get_record(std::string_view key);

  // Writes the facts set in `changes` to their bound fields and the whole of `updated` to
  // the `faultline` property (it holds every unbound fact), plus its labels when they
  // differ from `current`'s. Error: Jira refused the edit or the property.
  Result<void> save(std::string_view key, const core::Fault& current, const core::Fault& changes,
                    const core::Fault& updated);

  // Lets search results that came without the `faultline` property (Data Center's
  // /rest/api/2/search has no `properties` parameter) get it in one concurrent batch through
  // `transport`.send_all instead of one request after another. `transport` must be the one
  // the client sends through and outlive the repository.
  void use_batch_transport(http::Transport& transport) { m_batch_transport = &transport; }

  // The JQL clause selecting this project's faults: project = "X" AND issuetype = "Fault".
  std::string fault_scope_jql() const;

  // The issue fields and rich-text fields for the facts set in `fault` (rich text for
  // textarea fields, so Cloud gets ADF).
  jira::IssueInput fields_input(const core::Fault& fault) const;

private:
  // The issue as fault_from_issue reads it, rich-text fields flattened to plain text (moved
  // out of `issue` when it is an rvalue).
  nlohmann::json issue_json(jira::Issue issue) const;
  // Reads the `faultline` property of search results that came without it (Data Center's
  // search does not return properties): together through the batch transport when set, else
  // one by one; a property that cannot be read is left out.
  void fill_properties(std::vector<jira::Issue>& issues);
  // The same for the issues in `missing`.
  void fill_missing_properties(const std::vector<jira::Issue*>& missing);
  // Adds to request.fields summary, status, created, updated, labels and the bound fields of
  // `facts`; sets request.properties to the property when one of them is unbound (returns
  // whether it did).
  bool ask_for_facts(jira::SearchRequest& request, const std::vector<std::string>& facts) const;
  // Reads the fault of `issue` (a copy of it when `issue` is an lvalue). Error: a value of the
  // wrong shape, named with the issue key.
  Result<core::Fault> read_fault(jira::Issue issue) const;

  jira::Client& m_client;
  const config::Config& m_config;
  const date::time_zone* m_zone;
  core::FaultSchema m_schema;
  std::vector<std::string> m_text_field_ids;  // textarea custom fields: written as rich text
  http::Transport* m_batch_transport = nullptr;  // fill_properties' send_all; null = one by one
};

// The timeline of a fault as read by get_record(): its changelog, comments and rollback
// records, oldest first (core::build_timeline). Comments whose time cannot be read are left out.
std::vector<core::TimelineEntry> record_timeline(const FaultRecord& record);

}  // namespace faultline::app
