// `faultline actions`: the fault actions (Jira sub-tasks labelled fault-action). With
// --overdue / --pending (and --owner, --team, --json, --fail-on-overdue) and no subcommand it
// lists the lanes of the board; the subcommands live in actions_add.cpp, actions_list.cpp and
// actions_done.cpp.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/tracking.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ActionsOptions {
  app::ActionLanesRequest request;
  bool fail_on_overdue = false;
};

void print_lanes(Context& ctx, const app::ActionLanesView& view, const app::ActionLanesRequest& request) {
  const bool color = ctx.color();
  Table table({"KEY", "LANE", "DUE", "OVERDUE", "OWNER", "STATUS", "FAULT", "SUMMARY"});
  for (const auto* lane : {&view.lanes.overdue, &view.lanes.pending}) {
    const bool is_overdue = lane == &view.lanes.overdue;
    for (const auto& action : *lane) {
      const int days = core::days_overdue(action, view.today);
      table.add_row({action.key, is_overdue ? paint("overdue", Color::Red, color) : "pending",
                     action.due ? core::format_date(*action.due) : "", days > 0 ? fmt::format("{}d", days) : "",
                     core::owner_label(action), action.status, action.parent, action.summary});
    }
  }
  if (!table.empty()) {
    table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  } else if (!ctx.options.quiet) {
    ctx.err() << (request.overdue && !request.pending   ? "no overdue actions\n"
                  : request.pending && !request.overdue ? "no pending actions\n"
                                                        : "no open actions\n");
  }
}

Result<ExitCode> run_actions(const ActionsOptions& options, Context& ctx) {
  FAULTLINE_TRY(view, app::find_action_lanes(ctx, options.request));
  if (ctx.options.json) {
    print_json(ctx.out(), view->json);
  } else {
    print_lanes(ctx, *view, options.request);
  }
  if (options.fail_on_overdue && !view->lanes.overdue.empty()) {
    if (!ctx.options.quiet) ctx.err() << fmt::format("{} overdue action(s) found\n", view->lanes.overdue.size());
    return ExitCode::Overdue;
  }
  return ExitCode::Ok;
}

}  // namespace

void register_actions(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ActionsOptions>();
  auto* actions = app.add_subcommand("actions", "Fault actions: add, list, mark done, overdue and pending");
  actions->require_subcommand(0, 1);
  actions->add_flag("--overdue", options->request.overdue, "Open actions due before today (team time zone)");
  actions->add_flag("--pending", options->request.pending, "Open actions due today or later, or without a due date");
  actions->add_option("--owner", options->request.owner, "Only actions assigned to this person (people key or Jira user)");
  actions->add_option("--team", options->request.team, "Only actions of this team's faults");
  auto* fail_flag = actions->add_flag("--fail-on-overdue", options->fail_on_overdue,
                                      "Exit 10 when any overdue action is found (CI gates)");
  set_examples(*actions, {"faultline actions --overdue", "faultline actions --pending --owner alice --json",
                          "faultline actions --overdue --team payments --fail-on-overdue"});
  register_actions_add(*actions, ctx);
  register_actions_list(*actions, ctx);
  register_actions_done(*actions, ctx);
  actions->callback([options, actions, fail_flag, &ctx] {
    if (!actions->get_subcommands().empty()) return;  // a subcommand ran
    if (!options->request.overdue && !options->request.pending) {
      ctx.err() << actions->help();
      ctx.err() << "faultline actions: name --overdue or --pending, or a subcommand\n";
      ctx.exit_code = to_int(ExitCode::Usage);
      return;
    }
    if (options->fail_on_overdue && !options->request.overdue) {
      finish(ctx, Result<ExitCode>(fail(ErrorKind::Usage, fmt::format("{} needs --overdue", fail_flag->get_name()))));
      return;
    }
    finish(ctx, run_actions(*options, ctx));
  });
}

}  // namespace faultline::cli
