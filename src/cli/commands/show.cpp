// `faultline show KEY`: a fault's facts, status, times, timeline (changelog, comments,
// rollbacks), review actions, review link and deadline. --json prints the fault model plus
// "url", "timeline", "actions" and "review_state".
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_repository.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/core/time.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct ShowOptions {
  std::string key;
};

Result<ExitCode> run_show(const ShowOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto record = session->repository->get_record(options.key);
  if (!record) return std::unexpected(record.error());
  const auto& fault = record->fault;
  const auto* zone = session->zone;

  const auto timeline = record_timeline(*record);

  // The action sub-tasks by the parent's subtasks field (search lags on Cloud), earliest
  // due date first, those without one last.
  ActionRepository repository(*session->jira, *session->config);
  auto actions = repository.list(fault.key);
  if (!actions) return std::unexpected(actions.error());
  std::stable_sort(actions->begin(), actions->end(), [](const ExistingAction& a, const ExistingAction& b) {
    if (a.action.due && b.action.due) return *a.action.due < *b.action.due;
    return a.action.due.has_value() && !b.action.due.has_value();
  });
  auto actions_json = nlohmann::json::array();
  for (const auto& existing : *actions) {
    const auto& a = existing.action;
    actions_json.push_back({{"key", a.key},
                            {"summary", a.summary},
                            {"status", a.status},
                            {"status_category", a.status_category},
                            {"owner", a.owner_display},
                            {"due", a.due ? core::format_date(*a.due) : std::string()},
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
