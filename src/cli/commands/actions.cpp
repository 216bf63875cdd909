// `faultline actions`: the fault actions (Jira sub-tasks labelled fault-action). With
// --overdue / --pending (and --owner, --team, --json, --fail-on-overdue) and no subcommand it
// lists the lanes of the board; the subcommands live in actions_add.cpp, actions_list.cpp and
// actions_done.cpp.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "faultline/cli/action_search.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::cli {

namespace {

struct ActionsOptions {
  bool overdue = false;
  bool pending = false;
  std::string owner;
  std::string team;
  bool fail_on_overdue = false;
};

std::string owner_of(const core::Action& action) {
  if (!action.owner_display.empty()) return action.owner_display;
  return action.owner.empty() ? "(unassigned)" : action.owner;
}

// The actions of one lane, or of both (every action not Done) when `lane` is nullopt.
Result<std::vector<core::Action>> find_lane(Context& ctx, FaultSession& session, const ActionsOptions& options,
                                            std::optional<core::ActionLane> lane, const std::string& owner,
                                            date::year_month_day today) {
  core::ActionQuery query;
  query.project = session.config->jira.project;
  query.lane = lane;
  query.today = today;
  query.owner = owner;
  auto actions = search_actions(ctx, *session.jira, query);
  if (!actions) return std::unexpected(actions.error());
  return filter_actions_by_team(*session.repository, std::move(*actions), options.team);
}

Result<ExitCode> run_actions(const ActionsOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  std::string owner;
  if (!options.owner.empty()) {
    auto user = resolve_user(*session->jira, *session->config, options.owner);
    if (!user) return std::unexpected(user.error());
    owner = user->id;
  }
  const auto today = core::today_in(ctx.clock().now(), session->zone);

  std::optional<core::ActionLane> wanted;  // both flags: one search for every open action
  if (!options.overdue || !options.pending) wanted = options.overdue ? core::ActionLane::Overdue : core::ActionLane::Pending;
  auto found = find_lane(ctx, *session, options, wanted, owner, today);
  if (!found) return std::unexpected(found.error());
  // The lanes are decided again here on the team's "today" (the JQL used the same date),
  // which also sorts them and drops anything done meanwhile.
  auto lanes = core::assign_lanes(std::move(*found), today);
  if (!options.overdue) lanes.overdue.clear();
  if (!options.pending) lanes.pending.clear();
  const bool any_overdue = !lanes.overdue.empty();

  if (ctx.options.json) {
    auto list = nlohmann::json::array();
    for (const auto* lane : {&lanes.overdue, &lanes.pending}) {
      for (const auto& action : *lane) {
        auto item = core::action_to_json(action, today);
        item["lane"] = core::to_string(lane == &lanes.overdue ? core::ActionLane::Overdue : core::ActionLane::Pending);
        item["url"] = session->jira->browse_url(action.key);
        list.push_back(std::move(item));
      }
    }
    print_json(ctx.out(), list);
  } else {
    const bool color = ctx.color();
    Table table({"KEY", "LANE", "DUE", "OVERDUE", "OWNER", "STATUS", "FAULT", "SUMMARY"});
    for (const auto* lane : {&lanes.overdue, &lanes.pending}) {
      const bool is_overdue = lane == &lanes.overdue;
      for (const auto& action : *lane) {
        const int days = core::days_overdue(action, today);
        table.add_row({action.key, is_overdue ? paint("overdue", Color::Red, color) : "pending",
                       action.due ? core::format_date(*action.due) : "", days > 0 ? fmt::format("{}d", days) : "",
                       owner_of(action), action.status, action.parent, action.summary});
      }
    }
    if (table.empty()) {
      if (!ctx.options.quiet) {
        ctx.err() << (options.overdue && !options.pending   ? "no overdue actions\n"
                      : options.pending && !options.overdue ? "no pending actions\n"
                                                            : "no open actions\n");
      }
    } else {
      table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
    }
  }
  if (options.fail_on_overdue && any_overdue) {
    if (!ctx.options.quiet) ctx.err() << fmt::format("{} overdue action(s) found\n", lanes.overdue.size());
    return ExitCode::Overdue;
  }
  return ExitCode::Ok;
}

}  // namespace

void register_actions(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ActionsOptions>();
  auto* actions = app.add_subcommand("actions", "Fault actions: add, list, mark done, overdue and pending");
  actions->require_subcommand(0, 1);
  actions->add_flag("--overdue", options->overdue, "Open actions due before today (team time zone)");
  actions->add_flag("--pending", options->pending, "Open actions due today or later, or without a due date");
  actions->add_option("--owner", options->owner, "Only actions assigned to this person (people key or Jira user)");
  actions->add_option("--team", options->team, "Only actions of this team's faults");
  auto* fail_flag = actions->add_flag("--fail-on-overdue", options->fail_on_overdue,
                                      "Exit 10 when any overdue action is found (CI gates)");
  set_examples(*actions, {"faultline actions --overdue", "faultline actions --pending --owner alice --json",
                          "faultline actions --overdue --team payments --fail-on-overdue"});
  register_actions_add(*actions, ctx);
  register_actions_list(*actions, ctx);
  register_actions_done(*actions, ctx);
  actions->callback([options, actions, fail_flag, &ctx] {
    if (!actions->get_subcommands().empty()) return;  // a subcommand ran
    if (!options->overdue && !options->pending) {
      ctx.err() << actions->help();
      ctx.err() << "faultline actions: name --overdue or --pending, or a subcommand\n";
      ctx.exit_code = to_int(ExitCode::Usage);
      return;
    }
    if (options->fail_on_overdue && !options->overdue) {
      finish(ctx, Result<ExitCode>(fail(ErrorKind::Usage, fmt::format("{} needs --overdue", fail_flag->get_name()))));
      return;
    }
    finish(ctx, run_actions(*options, ctx));
  });
}

}  // namespace faultline::cli
