// `faultline actions list [KEY]`: a fault's action sub-tasks (read consistently, done ones
// included), or with no KEY every open action of the project (by search). A table on a
// terminal, tab-separated rows when piped, --json an array of action models with "url".
#include <memory>

#include <fmt/format.h>

#include "faultline/app/actions.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ActionsListOptions {
  std::string key;
  int limit = 500;
};

Result<ExitCode> run_actions_list(const ActionsListOptions& options, Context& ctx) {
  FAULTLINE_TRY(list, app::list_actions(ctx, options.key, options.limit));
  if (ctx.options.json) {
    print_json(ctx.out(), list->json);
    return ExitCode::Ok;
  }
  Table table({"KEY", "FAULT", "STATUS", "DUE", "OWNER", "SUMMARY"});
  const bool color = ctx.color();
  for (const auto& a : list->actions) {
    std::string due = a.due ? core::format_date(*a.due) : "";
    if (const int late = core::days_overdue(a, list->today); late > 0)
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
