// `faultline show KEY`: a fault's facts, status, times, timeline (changelog, comments,
// rollbacks), review actions, review link and deadline. --json prints the fault model plus
// "url", "timeline", "actions" and "review_state".
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct ShowOptions {
  std::string key;
};

std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : ""; }

Result<ExitCode> run_show(const ShowOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto record = session->repository->get_record(options.key);
  if (!record) return std::unexpected(record.error());
  const auto& fault = record->fault;
  const auto* zone = session->zone;

  nlohmann::json issue_json{{"id", record->issue.id}, {"key", record->issue.key}, {"fields", record->issue.fields}};
  auto histories = nlohmann::json::array();
  for (const auto& h : record->issue.changelog) {
    auto items = nlohmann::json::array();
    for (const auto& i : h.items)
      items.push_back({{"field", i.field}, {"fieldId", i.field_id}, {"from", i.from}, {"fromString", i.from_string},
                       {"to", i.to}, {"toString", i.to_string}});
    histories.push_back({{"id", h.id},
                         {"created", h.created},
                         {"author", {{"displayName", h.author.display_name}, {"name", h.author.name}}},
                         {"items", items}});
  }
  issue_json["changelog"] = {{"histories", histories}};
  std::vector<core::CommentLike> comments;
  for (const auto& c : record->comments) {
    auto at = jira::parse_datetime(c.created);
    if (!at) continue;
    comments.push_back({*at, c.author.display_name.empty() ? c.author.ref().id : c.author.display_name, c.text});
  }
  const auto timeline = core::build_timeline(issue_json, comments, fault.rollbacks);

  jira::SearchRequest actions_request;
  actions_request.jql = core::jql_and({"parent = " + core::jql_quote(fault.key),
                                       "labels = " + core::jql_quote(core::k_action_label)}) + " ORDER BY duedate ASC";
  actions_request.fields = {"summary", "status", "assignee", "duedate"};
  auto actions = session->jira->search(actions_request);
  if (!actions) return std::unexpected(actions.error());
  auto actions_json = nlohmann::json::array();
  for (const auto& a : *actions) {
    const auto& assignee = a.fields.value("assignee", nlohmann::json());
    actions_json.push_back({{"key", a.key},
                            {"summary", a.summary()},
                            {"status", a.status()},
                            {"status_category", a.status_category()},
                            {"owner", assignee.is_object() ? text_of(assignee.value("displayName", nlohmann::json())) : ""},
                            {"due", text_of(a.fields.value("duedate", nlohmann::json()))},
                            {"url", session->jira->browse_url(a.key)}});
  }

  const auto now = ctx.clock().now();
  std::string review_state = "not_due";
  if (fault.review_deadline)
    review_state = core::to_string(core::review_state(fault.recovered_at, fault.reviewed_at, *fault.review_deadline, now));

  const auto url = session->jira->browse_url(fault.key);
  if (ctx.options.json) {
    auto out = core::fault_to_json(fault, zone);
    out["url"] = url;
    out["timeline"] = core::timeline_to_json(timeline, zone);
    out["actions"] = actions_json;
    out["review_state"] = review_state;
    print_json(ctx.out(), out);
    return ExitCode::Ok;
  }
  const bool color = ctx.color();
  auto& out = ctx.out();
  auto time_text = [&](const std::optional<core::TimePoint>& t) { return t ? core::format_iso(*t, zone) : std::string("-"); };
  out << paint(fmt::format("{} [{}] {}", fault.key, fault.level.empty() ? "?" : fault.level, fault.summary), Color::Bold, color)
      << "\n" << url << "\n\n";
  Table facts({"FACT", "VALUE"});
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) facts.add_row({name, value});
  };
  add("status", fault.status);
  add("type", fault.type);
  add("source", fault.source);
  add("team", fault.team);
  add("service", fault.service);
  add("business unit", fault.business_unit);
  add("coordinator", fault.coordinator);
  add("handler", fault.handler_display.empty() ? fault.handler : fault.handler_display);
  add("started", fault.started_at ? time_text(fault.started_at) : "");
  add("detected", fault.detected_at ? time_text(fault.detected_at) : "");
  add("last update", fault.last_update_at ? time_text(fault.last_update_at) : "");
  add("progress", fault.progress_status);
  add("cause", fault.cause);
  add("eta", fault.eta ? time_text(fault.eta) : "");
  add("recovered", fault.recovered_at ? time_text(fault.recovered_at) : "");
  add("how", fault.how);
  add("rollback to", fault.rollback_to);
  add("impact", fault.impact);
  add("data repair", fault.data_repair);
  add("review due", fault.review_deadline ? time_text(fault.review_deadline) + " (" + review_state + ")" : "");
  add("review", fault.review_page_url);
  add("dedupe key", fault.dedupe_key);
  facts.print(out, ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  out << "\n" << paint("Timeline", Color::Bold, color) << "\n";
  Table events({"AT", "KIND", "WHO", "WHAT"});
  for (const auto& e : timeline) {
    auto text = e.text;
    if (auto nl = text.find('\n'); nl != std::string::npos) text = text.substr(0, nl) + " ...";
    events.add_row({core::format_iso(e.at, zone), e.kind, e.author, text});
  }
  events.print(out, ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  if (!actions_json.empty()) {
    out << "\n" << paint("Actions", Color::Bold, color) << "\n";
    Table table({"KEY", "STATUS", "OWNER", "DUE", "SUMMARY"});
    for (const auto& a : actions_json)
      table.add_row({a["key"], a["status"], a["owner"], a["due"], a["summary"]});
    table.print(out, ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  }
  return ExitCode::Ok;
}

}  // namespace

void register_show(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Show a fault: facts, times, timeline, actions, review");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  set_examples(*cmd, {"faultline show FAULT-12", "faultline show FAULT-12 --json | jq .timeline"});
  cmd->callback([options, &ctx] { finish(ctx, run_show(*options, ctx)); });
}

}  // namespace faultline::cli
