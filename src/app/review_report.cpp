// `review init` and `review render`: the review file from Jira, the report from the file.
#include "faultline/app/review_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "faultline/app/action_repository.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/review_owners.hpp"
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

// What both ways of rendering start from: the request and the parsed, valid review file.
struct RenderInput {
  const RenderRequest& request;
  const core::ReviewDoc& doc;
  const config::Config& config;
  const date::time_zone* zone;
  core::TimePoint now;
};

// The report (or its data, with --data) from the template data.
Result<std::string> render_from_data(const nlohmann::json& data, const RenderInput& input) {
  if (input.request.data_only) return data.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return report::render_report(data, input.request.template_name, input.request.format, input.config.team.template_dir);
}

// Whether Jira could not be used at all (transport failures and 5xx/429 after the retries):
// render then goes on from the file alone.
bool out_of_reach(const Error& error) { return error.kind == ErrorKind::Unavailable; }

// The report from Jira: the fault, its timeline and sub-tasks, every owner checked the way
// publish checks them. Error: Usage listing the owners Jira does not know; Jira's error.
Result<std::string> render_with_jira(Services& services, const RenderInput& input) {
  FAULTLINE_TRY(session, open_fault_session(services));
  FAULTLINE_TRY(record, session->repository->get_record(input.request.key));
  ActionRepository owners_lookup(*session->jira, *session->config);
  FAULTLINE_TRY(owners, check_review_owners(owners_lookup, input.doc, input.request.file));
  if (!owners->problems.empty()) {
    return std::unexpected(core::review_problems_error(input.request.file, std::move(owners->problems),
                                                       " in the review file", "fix them and run again"));
  }
  const auto timeline = record_timeline(*record);
  FAULTLINE_TRY(rows, action_rows(*session, record->fault, input.doc));
  std::optional<report::PageInfo> page;
  const auto& fault = record->fault;
  if (!fault.review_page_url.empty() || !fault.review_page_id.empty())
    page = report::PageInfo{fault.review_page_id, fault.review_page_url, 0};
  return render_from_data(report::report_data(fault, input.doc, timeline, *rows, input.zone, session->jira->base_url(),
                                              page, input.now),
                          input);
}

// The fault as the review file states it (with the key asked for): what a render without
// Jira knows of it.
core::Fault fault_from_review(const std::string& key, const core::ReviewDoc& doc) {
  core::Fault fault;
  fault.key = key;
  fault.level = doc.level;
  fault.type = doc.type;
  fault.source = doc.source;
  fault.team = doc.team;
  fault.business_unit = doc.business_unit;
  fault.impact = doc.impact;
  fault.started_at = doc.started_at;
  fault.detected_at = doc.detected_at;
  fault.recovered_at = doc.recovered_at;
  return fault;
}

// The report from the file alone, after the warning that says why and what is missing.
Result<std::string> render_without_jira(Services& services, const RenderInput& input, std::string_view reason) {
  services.diagnostics().warn(fmt::format(
      "owners not checked: {}; the report is rendered from the review file alone (no fault title, timeline or "
      "sub-task status from Jira)",
      reason));
  std::vector<report::ActionRow> rows;
  for (const auto& action : input.doc.actions) rows.push_back({action, action.key, "", "", ""});
  return render_from_data(report::report_data(fault_from_review(input.request.key, input.doc), input.doc, {}, rows,
                                              input.zone, "", std::nullopt, input.now),
                          input);
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
  FAULTLINE_TRY(config, services.config());
  FAULTLINE_TRY(zone, services.zone());
  const auto now = services.clock().now();
  const auto parsed = core::parse_review(*text, request.file, core::local_date(now, *zone), *zone);
  if (!parsed.problems.empty()) {
    return std::unexpected(
        core::review_problems_error(request.file, parsed.problems, " in the review file", "fix them and run again"));
  }
  const RenderInput input{request, parsed.doc, **config, *zone, now};
  if (request.offline) return render_without_jira(services, input, "--offline");
  // No Jira configured (url or credentials missing) or none answering: render anyway.
  if (auto jira = services.jira(); !jira) {
    if (jira.error().kind != ErrorKind::Config && !out_of_reach(jira.error())) return std::unexpected(jira.error());
    return render_without_jira(services, input, "no Jira to ask (" + jira.error().message + ")");
  }
  auto rendered = render_with_jira(services, input);
  if (!rendered && out_of_reach(rendered.error()))
    return render_without_jira(services, input, "Jira could not be reached: " + rendered.error().message);
  return rendered;
}

}  // namespace faultline::app
