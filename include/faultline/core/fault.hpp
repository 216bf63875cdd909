// The fault model: one fault issue's facts, its JSON data model (the one --json prints and
// templates render), and its mapping onto Jira (custom fields, the `faultline` entity
// property, label markers). Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/time.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// One rollback recorded against a fault (usually by `faultline rollback` in CI).
struct RollbackRecord {
  std::string service;
  std::string from_version;
  std::string to_version;
  std::string provider;     // github | gitlab | jenkins | "" (by hand)
  std::string repository;
  std::string commit;
  std::string run_id;
  std::string run_attempt;
  std::string run_url;
  std::string actor;
  std::string environment;
  std::optional<TimePoint> recorded_at;
};

// One fault issue. Strings are "" and times nullopt when unknown.
struct Fault {
  std::string key;              // "FAULT-12"
  std::string id;               // Jira issue id
  std::string summary;
  std::string description;      // plain text (ADF bodies are flattened when read)
  std::string status;           // workflow status name
  std::string status_category;  // new | indeterminate | done
  std::string level;            // P1..P4
  std::string type;
  std::string source;           // customer | internal | monitoring | ci
  std::string team;
  std::string service;
  std::string business_unit;
  std::string coordinator;
  std::string handler;          // assignee: account id (Cloud) or user name (Data Center)
  std::string handler_display;  // assignee display name
  std::string dedupe_key;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> detected_at;
  std::optional<TimePoint> recovered_at;
  std::optional<TimePoint> reviewed_at;
  std::optional<TimePoint> last_update_at;
  std::optional<TimePoint> review_deadline;
  std::string impact;
  std::string data_repair;      // needed | not-needed | done | ""
  std::string cause;
  std::optional<TimePoint> eta;
  std::string progress_status;  // investigating | identified | monitoring | ""
  std::string how;              // rollback | config | restart | scale | other | ""
  std::string rollback_to;
  std::string review_page_id;
  std::string review_page_url;
  std::optional<TimePoint> review_scheduled_at;  // the review meeting (`review schedule`)
  std::string review_late_reason;  // why the meeting is past the review deadline (--late)
  std::vector<RollbackRecord> rollbacks;
  std::vector<std::string> labels;
  std::optional<TimePoint> created;
  std::optional<TimePoint> updated;
};

// The names of the facts a FieldBinding may map ("level", "started_at", ...): every Fault
// member from `level` to `review_late_reason` above, except handler/handler_display (the
// assignee is a native field). `rollbacks` is never bound: it always lives in the property.
std::vector<std::string_view> fault_fact_names();

// The fact a config name stands for: the short names the config loader accepts
// ("review_page", "last_update", "rollback") map to review_page_id, last_update_at and
// rollback_to; other names come back unchanged. Bindings may use either form.
std::string_view canonical_fact_name(std::string_view fact);

// Whether `fact` (or its short config name) is one of fault_fact_names().
bool is_fault_fact(std::string_view fact);

// The fault's JSON data model, shared by --json and templates. Keys (all always present):
//   key, id, summary, description, status, status_category, level, type, source, team,
//   service, business_unit, coordinator, handler, handler_display, dedupe_key, impact,
//   data_repair, cause, progress_status, how, rollback_to, review_page_id, review_page_url,
//   review_late_reason -> strings ("" when unknown);
//   started_at, detected_at, recovered_at, reviewed_at, last_update_at, review_deadline, eta,
//   review_scheduled_at, created, updated -> ISO 8601 with the offset of `zone` ("2026-11-25T10:00:00+08:00"),
//     null when absent;
//   time_to_recover -> "1h 20m" (recovered_at - started_at, format_age) or null;
//   time_to_recover_minutes -> integer minutes or null;
//   labels -> array of strings;
//   rollbacks -> array of {service, from_version, to_version, provider, repository, commit,
//     run_id, run_attempt, run_url, actor, environment, recorded_at (ISO or null)}.
nlohmann::json fault_to_json(const Fault& fault, const date::time_zone* zone);

// How a user field is addressed when written: Data Center {"name":...}, Cloud {"accountId":...}.
enum class UserIdKind { Name, AccountId };

// One fact mapped onto a Jira field. schema_type says the value shape written:
//   "option"   {"value": v}                  (single select / radio)
//   "options"  [{"value": v}]                (multi select / checkboxes)
//   "string"   "v"                           (text, url; times as Jira datetimes)
//   "datetime" "2026-11-25T10:00:00.000+0800" (date-time picker; time facts only)
//   "date"     "2026-11-25"                  (date picker, the day in the zone; time facts)
//   "number"   42 / 3.5                      (text facts holding a number; others left out)
//   "array"    ["v"]                         (labels-type field)
//   "user"     {"name": v} / {"accountId": v} (user picker, per FaultSchema::user_id_kind)
struct FieldBinding {
  std::string fact;         // a name from fault_fact_names()
  std::string field_id;     // "customfield_10010"
  std::string schema_type;
};

// Where a project keeps the fault facts: bound fields, and the property for the rest.
struct FaultSchema {
  std::vector<FieldBinding> bindings;
  std::string property_key = "faultline";
  UserIdKind user_id_kind = UserIdKind::Name;
};

// The version of the property's layout, stored as "schema" inside it.
inline constexpr int k_fault_property_schema = 1;

// The Jira `fields` object for the bound facts: {"customfield_10010": {"value": "P1"}, ...}.
// Facts with no value are left out (so a partial update never clears a field), as are
// bindings with an unknown schema_type or fact. Times use Jira's datetime format in `zone`.
nlohmann::json fault_fields_json(const Fault& fault, const FaultSchema& schema, const date::time_zone* zone);

// The entity property value (`schema.property_key`): {"schema": 1, <fact>: value, ...} for
// every fact with a value that fault_fields_json does not write (unbound, or of a shape its
// field cannot hold, e.g. words for a "number" field), plus "rollbacks" (always here).
// Times as UTC ISO ("2026-11-25T02:00:00Z") so the property never depends on a zone.
nlohmann::json fault_property_json(const Fault& fault, const FaultSchema& schema);

// The labels the issue should carry: `fault.labels` with stale per-fact markers replaced by
// the current ones — "fault", "fault-level-p1", "fault-source-ci", "fault-type-<slug>",
// "fault-dedupe-<16 hex>". A family whose fact is empty keeps whatever markers it had.
// Order: existing labels first (deduplicated), then new markers.
std::vector<std::string> fault_labels(const Fault& fault);

// Reads a fault from Jira's issue JSON ({"id","key","fields":{...},"properties":{...}};
// Cloud descriptions may be ADF, Data Center ones wiki text). The property is read first
// ("properties.<property_key>", or its {"key","value"} form), then the bound fields, which
// win when present and not null. Level, source and type still empty come from faultline's
// labels (fault-level-p2, fault-source-customer, fault-type-code-defect -> "Code Defect"), and
// the level last from Jira's priority (P1..P4, or Highest P1, High P2, Medium P3, Low and
// Lowest P4): a fault opened by hand in Jira reads sensibly. Missing keys leave facts empty; date-only values are read
// as 00:00 in `zone` (UTC when null). Error (Failed) names the JSON path of a value of the
// wrong shape: "fields.customfield_10010: not a Jira datetime".
Result<Fault> fault_from_issue(const nlohmann::json& issue_json, const FaultSchema& schema,
                               const date::time_zone* zone = nullptr);

// One rollback record as JSON (the element shape of fault_to_json's "rollbacks"); times in
// `zone`, or UTC ISO when `zone` is null.
nlohmann::json rollback_to_json(const RollbackRecord& record, const date::time_zone* zone);

}  // namespace faultline::core
