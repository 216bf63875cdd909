// Idempotent writes for fault use-cases. Every write is a named operation with a stable key,
// run in order by an OperationList, so a re-run after a failure at any step repeats nothing
// already done (and a later change can queue the list and replay it offline). Comments carry
// a marker line with their operation key; notifications go through notify::Notifier with a
// SentLog kept in a Jira issue property.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/jira/client.hpp"
#include "faultline/notify/sent_log.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

// A stable operation key: 16 hex digits of FNV-1a over the parts joined by '\x1f'.
std::string op_key(std::initializer_list<std::string_view> parts);

// The marker line a comment written by operation `key` ends with: "faultline op <key>".
std::string op_marker(std::string_view key);

// What an operation did.
enum class OpStatus {
  Done,     // it wrote something
  Skipped,  // it was already done (found its marker, status, record ...)
  Failed,   // it did not complete (the list stops there)
  Warned,   // it could not be done, and the list went on (a workflow step the site lacks)
};

// "done" | "skipped" | "failed" | "warning".
const char* to_string(OpStatus status);

// One named write with its stable key. `run` returns Done or Skipped, or the error that
// stops the list; a value of Failed records a failure that does not stop it. An error of
// kind Workflow (the site's workflow has no status or transition for the step) does not stop
// it either: it is recorded as Warned with its text, and the list goes on.
struct Operation {
  std::string name;  // "create", "comment", "transition", "save", "watch", "notify" ...
  std::string key;   // stable across re-runs of the same logical write
  std::function<Result<OpStatus>()> run;
};

// The outcome of one operation, for --json ("operations": [...]).
struct OpResult {
  std::string name;
  std::string key;
  OpStatus status = OpStatus::Done;
  std::string error;
};

// Runs operations in order and stops at the first failure.
class OperationList {
public:
  // Adds an operation to run later, in order.
  void add(Operation op) { m_ops.push_back(std::move(op)); }
  // Runs every operation not yet done, in order; returns the first error (that operation
  // and the later ones stay pending: run() again retries from it).
  Result<void> run();
  // What ran so far.
  const std::vector<OpResult>& results() const { return m_results; }
  // The results as JSON: [{"op","key","status","error"?}].
  nlohmann::json to_json() const;
  // The texts of the Warned steps ("message — hint"), in order.
  std::vector<std::string> warnings() const;

private:
  std::vector<Operation> m_ops;
  std::size_t m_next = 0;
  std::vector<OpResult> m_results;
};

// Adds `markdown` + a blank line + op_marker(key) as a comment on `issue_key`, unless a
// comment already carries the marker. Returns Skipped when found. `found_created` receives
// the Jira created time of the comment found or posted (may be null). Error: Jira's words.
Result<OpStatus> ensure_comment(jira::Client& client, std::string_view issue_key, std::string_view key,
                                std::string_view markdown, std::string* found_created = nullptr);

// The property that records which notifications reached which channel.
inline constexpr std::string_view k_notified_property = "faultline.notified";

// A SentLog kept in the issue property faultline.notified (format in notify/sent_log.hpp).
// Read once at construction; each change writes the whole property back. When the read
// failed (other than "no such property") every write is refused: a record written from an
// unknown state would drop what other runs recorded, and the message is not sent.
class PropertySentLog final : public notify::SentLog {
public:
  PropertySentLog(jira::Client& client, std::string issue_key);
  // The warning from reading the property at construction ("" when fine or absent).
  const std::string& load_warning() const { return m_load_warning; }

protected:
  const nlohmann::json& value() const override { return m_value; }
  // Writes the property; an error means the record was not kept.
  Result<void> store(nlohmann::json next) override;

private:
  jira::Client& m_client;
  std::string m_issue_key;
  nlohmann::json m_value = nlohmann::json::object();
  std::string m_load_warning;
  std::optional<Error> m_load_error;
};

}  // namespace faultline::app
