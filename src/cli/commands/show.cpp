// `faultline show KEY`: a fault's facts, status, times, timeline (changelog, comments,
// rollbacks), review actions, review link and deadline. --json prints the fault model plus
// "url", "timeline", "actions" and "review_state".
#include <memory>

#include <fmt/format.h>

#include "faultline/app/tracking.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ShowOptions {
  std::string key;
};

// The facts that are set, one per row.
Table facts_table(const app::FaultView& view) {
  const auto& fault = view.fault;
  auto time_text = [&](const std::optional<core::TimePoint>& t) { return t ? core::format_iso(*t, view.zone) : std::string(); };
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
  add("started", time_text(fault.started_at));
  add("detected", time_text(fault.detected_at));
  add("last update", time_text(fault.last_update_at));
  add("progress", fault.progress_status);
  add("cause", fault.cause);
  add("eta", time_text(fault.eta));
  add("recovered", time_text(fault.recovered_at));
  add("how", fault.how);
  add("rollback to", fault.rollback_to);
  add("impact", fault.impact);
  add("data repair", fault.data_repair);
  add("review due", fault.review_deadline ? time_text(fault.review_deadline) + " (" + view.review_state + ")" : "");
  add("review meeting", time_text(fault.review_scheduled_at));
  add("review late", fault.review_late_reason);
  add("review", fault.review_page_url);
  add("dedupe key", fault.dedupe_key);
  return facts;
}

void print_view(Context& ctx, const app::FaultView& view) {
  const bool color = ctx.color();
  const auto style = ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated;
  auto& out = ctx.out();
  const auto& fault = view.fault;
  out << paint(fmt::format("{} [{}] {}", fault.key, fault.level.empty() ? "?" : fault.level, fault.summary), Color::Bold, color)
      << "\n" << view.url << "\n\n";
  facts_table(view).print(out, style);
  out << "\n" << paint("Timeline", Color::Bold, color) << "\n";
  Table events({"AT", "KIND", "WHO", "WHAT"});
  for (const auto& e : view.timeline) {
    auto text = e.text;
    if (auto nl = text.find('\n'); nl != std::string::npos) text = text.substr(0, nl) + " ...";
    events.add_row({core::format_iso(e.at, view.zone), e.kind, e.author, text});
  }
  events.print(out, style);
  if (view.actions.empty()) return;
  out << "\n" << paint("Actions", Color::Bold, color) << "\n";
  Table table({"KEY", "STATUS", "OWNER", "DUE", "SUMMARY"});
  for (const auto& existing : view.actions) {
    const auto& a = existing.action;
    table.add_row({a.key, a.status, a.owner_display, a.due ? core::format_date(*a.due) : std::string(), a.summary});
  }
  table.print(out, style);
}

Result<ExitCode> run_show(const ShowOptions& options, Context& ctx) {
  FAULTLINE_TRY(view, app::show_fault(ctx, options.key));
  if (ctx.options.json) {
    print_json(ctx.out(), view->json);
  } else {
    print_view(ctx, *view);
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
