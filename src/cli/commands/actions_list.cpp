// `faultline actions list [KEY]`: a fault's action sub-tasks (read consistently, done ones
// included), or with no KEY every open action of the project (by search). A table on a
// terminal, tab-separated rows when piped, --json an array of action models with "url".
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/action.hpp"

namespace faultline::cli {

namespace {

struct ActionsListOptions {
  std::string key;
  int limit = 500;
};

Result<ExitCode> run_actions_list(const ActionsListOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto today = core::local_date(ctx.clock().now(), session->zone);
  ActionRepository repository(*session->jira, *session->config);
  std::vector<core::Action> actions;
  if (!options.key.empty()) {
    auto fault = session->repository->get(options.key);
    if (!fault) return std::unexpected(fault.error());
    auto existing = repository.list(fault->key);
    if (!existing) return std::unexpected(existing.error());
    for (auto& e : *existing) {
      if (e.action.parent_summary.empty()) e.action.parent_summary = fault->summary;
      actions.push_back(std::move(e.action));
    }
  } else {
    auto open = repository.search_open(options.limit);
    if (!open) return std::unexpected(open.error());
    actions = std::move(*open);
  }

  if (ctx.options.json) {
    auto list = nlohmann::json::array();
    for (const auto& a : actions) {
      auto json = core::action_to_json(a, today);
      json["url"] = session->jira->browse_url(a.key);
      list.push_back(std::move(json));
    }
    print_json(ctx.out(), list);
    return ExitCode::Ok;
  }
  Table table({"KEY", "FAULT", "STATUS", "DUE", "OWNER", "SUMMARY"});
  const bool color = ctx.color();
  for (const auto& a : actions) {
    std::string due = a.due ? core::format_date(*a.due) : "";
    if (const int late = core::days_overdue(a, today); late > 0)
      due = paint(fmt::format("{} ({}d overdue)", due, late), Color::Red, color);
    table.add_row({a.key, a.parent, a.status, due, a.owner_display.empty() ? a.owner : a.owner_display, a.summary});
  }
  if (table.empty()) {
    if (!ctx.options.quiet) ctx.err() << (options.key.empty() ? "no open actions\n" : "no actions for " + options.key + "\n");
    return ExitCode::Ok;
  }
  table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  return ExitCode::Ok;
}

}  // namespace

void register_actions_list(CLI::App& actions, Context& ctx) {
  auto options = std::make_shared<ActionsListOptions>();
  auto* cmd = actions.add_subcommand("list", "List a fault's actions, or every open action of the project");
  cmd->add_option("KEY", options->key, "The fault issue key (default: all open actions)");
  cmd->add_option("--limit", options->limit, "At most this many actions (without KEY)")->check(CLI::Range(1, 5000));
  set_examples(*cmd, {"faultline actions list FAULT-12", "faultline actions list --json | jq '.[] | select(.days_overdue > 0)'"});
  cmd->callback([options, &ctx] { finish(ctx, run_actions_list(*options, ctx)); });
}

}  // namespace faultline::cli
