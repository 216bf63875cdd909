#include "faultline/app/operations.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/core/labels.hpp"

namespace faultline::app {

std::string op_key(std::initializer_list<std::string_view> parts) {
  std::string joined;
  bool first = true;
  for (auto part : parts) {
    if (!first) joined += '\x1f';
    joined += part;
    first = false;
  }
  return core::hex16(core::fnv1a_64(joined));
}

std::string op_marker(std::string_view key) { return fmt::format("faultline op {}", key); }

const char* to_string(OpStatus status) {
  switch (status) {
    case OpStatus::Done: return "done";
    case OpStatus::Skipped: return "skipped";
    case OpStatus::Failed: return "failed";
    case OpStatus::Warned: return "warning";
  }
  return "failed";
}

Result<void> OperationList::run() {
  for (; m_next < m_ops.size(); ++m_next) {
    const auto& op = m_ops[m_next];
    auto outcome = op.run();
    if (!outcome && outcome.error().kind == ErrorKind::Workflow) {
      const auto& error = outcome.error();
      std::string text = error.message;
      if (!error.details.empty()) text += " " + fmt::format("{}", fmt::join(error.details, ", "));
      if (!error.hint.empty()) text += "; " + error.hint;
      m_results.push_back({op.name, op.key, OpStatus::Warned, std::move(text)});
      continue;
    }
    if (!outcome) {
      m_results.push_back({op.name, op.key, OpStatus::Failed, outcome.error().message});
      return std::unexpected(outcome.error());
    }
    m_results.push_back({op.name, op.key, *outcome, {}});
  }
  return {};
}

nlohmann::json OperationList::to_json() const {
  auto list = nlohmann::json::array();
  for (const auto& r : m_results) {
    nlohmann::json item{{"op", r.name}, {"key", r.key}, {"status", to_string(r.status)}};
    if (!r.error.empty()) item["error"] = r.error;
    list.push_back(std::move(item));
  }
  return list;
}

std::vector<std::string> OperationList::warnings() const {
  std::vector<std::string> out;
  for (const auto& r : m_results)
    if (r.status == OpStatus::Warned) out.push_back(r.error);
  return out;
}

Result<OpStatus> ensure_comment(jira::Client& client, std::string_view issue_key, std::string_view key,
                                std::string_view markdown, std::string* found_created) {
  const auto marker = op_marker(key);
  FAULTLINE_TRY(comments, client.comments(issue_key));
  for (const auto& comment : *comments) {
    if (comment.text.find(marker) != std::string::npos) {
      if (found_created != nullptr) *found_created = comment.created;
      return OpStatus::Skipped;
    }
  }
  auto added = client.add_comment(issue_key, fmt::format("{}\n\n{}", markdown, marker));
  if (!added) return std::unexpected(added.error());
  if (found_created != nullptr) *found_created = added->created;
  return OpStatus::Done;
}

PropertySentLog::PropertySentLog(jira::Client& client, std::string issue_key)
    : m_client(client), m_issue_key(std::move(issue_key)) {
  auto value = m_client.property(m_issue_key, k_notified_property);
  if (value && value->is_object()) {
    m_value = std::move(*value);
  } else if (!value && value.error().kind != ErrorKind::NotFound) {
    m_load_warning = "could not read the sent-notification record: " + value.error().message;
    m_load_error = value.error();
  }
}

Result<void> PropertySentLog::store(nlohmann::json next) {
  if (m_load_error) {
    auto error = *m_load_error;
    error.message = fmt::format("the sent-notification record of {} could not be read ({})", m_issue_key,
                                m_load_error->message);
    return std::unexpected(std::move(error));
  }
  FAULTLINE_TRY(written, m_client.set_property(m_issue_key, k_notified_property, next));
  m_value = std::move(next);
  return {};
}

}  // namespace faultline::app
