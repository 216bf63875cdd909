// `review init` and `review render`: the review file from Jira, the report from the file.
#include "faultline/app/review_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "faultline/app/action_repository.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/review.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/files.hpp"

namespace faultline::app {

namespace {

// One table cell of generated Markdown: pipes escaped, on one line.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string timeline_markdown(const std::vector<core::TimelineEntry>& timeline, const date::time_zone* zone) {
  if (timeline.empty()) return {};
  std::string out = "| Time | Event | By |\n| --- | --- | --- |\n";
  for (const auto& entry : timeline) {
    const std::string iso = core::format_iso(entry.at, zone);  // 2026-11-25T10:00:00+08:00
    const std::string when = iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
    out += "| " + when + " | " + cell(entry.text) + " | " + cell(entry.author) + " |\n";
  }
  return out;
}

std::string resolution_markdown(const core::Fault& fault) {
  std::string out;
  if (!fault.how.empty()) out += "Recovered by " + fault.how;
  if (!fault.rollback_to.empty()) out += (out.empty() ? "Rolled back" : "") + std::string(" to ") + fault.rollback_to;
  if (!out.empty()) out += ".\n";
  for (const auto& rollback : fault.rollbacks) {
    std::string line = "- Rollback of " + (rollback.service.empty() ? std::string("the service") : rollback.service);
    if (!rollback.from_version.empty()) line += " from " + rollback.from_version;
    if (!rollback.to_version.empty()) line += " to " + rollback.to_version;
    if (!rollback.run_url.empty()) line += " (" + rollback.run_url + ")";
    out += (out.empty() || out.back() == '\n' ? "" : "\n") + line + "\n";
  }
  return out;
}

// The fault's action sub-tasks as [[action]] tables with their key and id, read through the
// parent (not by search, which lags behind writes on Cloud).
Result<std::vector<core::ReviewAction>> existing_actions(FaultSession& session, const core::Fault& fault) {
  ActionRepository repository(*session.jira, *session.config);
  FAULTLINE_TRY(existing, repository.list(fault.key));
  std::vector<core::ReviewAction> actions;
  for (const auto& found : *existing) {
    const auto& action = found.action;
    core::ReviewAction out;
    out.key = action.key;
    out.id = action.id.empty() ? core::derive_action_id(action.summary) : action.id;
    out.summary = action.summary;
    out.owner = person_name(*session.config, action.owner, action.owner);
    if (out.owner.empty()) out.owner = action.owner_display;
    if (action.due) {
      out.due = action.due;
      out.due_text = core::format_date(*action.due);
    }
    if (auto kind = core::parse_action_kind(action.kind)) out.kind = *kind;
    actions.push_back(std::move(out));
  }
  return actions;
}

// The review document for `record`: facts, participants, actions and the sections.
core::ReviewDoc scaffold_doc(const FaultRecord& record, const config::Config& config,
                             std::vector<core::ReviewAction> actions, const date::time_zone* zone) {
  const auto& fault = record.fault;
  core::ReviewDoc doc;
  doc.level = fault.level;
  doc.type = fault.type;
  doc.source = fault.source;
  doc.team = fault.team;
  doc.business_unit = fault.business_unit;
  const auto& coordinator = fault.coordinator.empty() ? config.team.coordinator : fault.coordinator;
  doc.owner = person_name(config, coordinator, coordinator);
  for (const auto& who : {person_name(config, fault.handler, fault.handler), doc.owner})
    if (!who.empty() && std::find(doc.participants.begin(), doc.participants.end(), who) == doc.participants.end())
      doc.participants.push_back(who);
  doc.started_at = fault.started_at;
  doc.detected_at = fault.detected_at;
  doc.recovered_at = fault.recovered_at;
  doc.impact = fault.impact;
  doc.actions = std::move(actions);
  const auto timeline = record_timeline(record);
  for (const auto& title : core::default_review_sections()) {
    core::ReviewSection section{title, "", 0};
    if (title == "Summary") section.markdown = fault.description.empty() ? fault.summary : fault.description;
    else if (title == "Timeline") section.markdown = timeline_markdown(timeline, zone);
    else if (title == "Root cause") section.markdown = fault.cause;
    else if (title == "Resolution") section.markdown = resolution_markdown(fault);
    doc.sections.push_back(std::move(section));
  }
  return doc;
}

// The report rows of the file's actions, with the sub-task found by key or stable id (read
// through the parent, not by search, which lags behind writes on Cloud).
Result<std::vector<report::ActionRow>> action_rows(FaultSession& session, const core::Fault& fault,
                                                   const core::ReviewDoc& review) {
  ActionRepository repository(*session.jira, *session.config);
  FAULTLINE_TRY(existing, repository.list(fault.key));
  std::map<std::string, core::Action> by_key, by_id;
  for (const auto& found : *existing) {
    const auto& action = found.action;
    by_key[action.key] = action;
    if (!action.id.empty()) by_id[action.id] = action;
  }
  std::vector<report::ActionRow> rows;
  for (const auto& action : review.actions) {
    report::ActionRow row{action, "", "", "", ""};
    const core::Action* found = nullptr;
    if (!action.key.empty()) {
      if (auto it = by_key.find(action.key); it != by_key.end()) found = &it->second;
    } else if (auto it = by_id.find(action.id); it != by_id.end()) {
      found = &it->second;
    }
    row.key = found ? found->key : action.key;
    if (!row.key.empty()) row.url = session.jira->browse_url(row.key);
    if (found) {
      row.owner_display = found->owner_display;
      row.status = found->status;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<ReviewScaffold> scaffold_review(Services& services, const std::string& key) {
  FAULTLINE_TRY(session, open_fault_session(services));
  FAULTLINE_TRY(record, session->repository->get_record(key));
  FAULTLINE_TRY(actions, existing_actions(*session, record->fault));
  const auto count = actions->size();
  const auto doc = scaffold_doc(*record, *session->config, std::move(*actions), session->zone);
  return ReviewScaffold{record->fault.key, core::write_review(doc, session->zone), count};
}

Result<std::string> render_review(Services& services, const RenderRequest& request) {
  auto text = read_file(request.file);
  if (!text) {
    auto error = text.error();
    if (error.kind == ErrorKind::NotFound) {
      error.message = "no review file " + request.file;
      error.hint = "create one with: faultline review init KEY -o " + request.file;
    }
    return std::unexpected(error);
  }
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto* zone = session->zone;
  const auto now = services.clock().now();
  const auto parsed = core::parse_review(*text, request.file, core::local_date(now, zone), zone);
  if (!parsed.problems.empty()) {
    return std::unexpected(
        core::review_problems_error(request.file, parsed.problems, " in the review file", "fix them and run again"));
  }

  FAULTLINE_TRY(record, session->repository->get_record(request.key));
  const auto timeline = record_timeline(*record);
  FAULTLINE_TRY(rows, action_rows(*session, record->fault, parsed.doc));
  std::optional<report::PageInfo> page;
  const auto& fault = record->fault;
  if (!fault.review_page_url.empty() || !fault.review_page_id.empty())
    page = report::PageInfo{fault.review_page_id, fault.review_page_url, 0};
  const auto data = report::report_data(fault, parsed.doc, timeline, *rows, zone, session->jira->base_url(), page, now);
  if (request.data_only) return data.dump(2) + "\n";
  return report::render_report(data, request.template_name, request.format, session->config->team.template_dir);
}

}  // namespace faultline::app
